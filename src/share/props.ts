/**
 * Own-property helpers shared by the structured codec (channel/codec.ts) and share/revive
 * (share/index.ts), which must carry arrays and objects the same way structured clone does.
 */

/** Whether own key `key` of an array of length `len` is an element index. */
export const isIndex = (key: string, len: number): boolean => {
  const n = Number(key);
  return Number.isInteger(n) && n >= 0 && n < len && String(n) === key;
};

/** `o[k] = v` as an own data property, also for the key "__proto__" (which would set the prototype). */
export const setOwn = (o: object, k: string, v: unknown): void => {
  if (k === "__proto__") Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  else (o as any)[k] = v;
};

/**
 * Whether array `a` (whose own keys are `keys`) is mostly empty — longer than 64 with fewer keys
 * than half its length — and so goes key by key rather than index by index: a loop to a length
 * near 2^32 never ends, where structured clone takes no time.
 */
export const mostlyEmpty = (a: readonly unknown[], keys: readonly string[]): boolean => a.length > 64 && keys.length * 2 < a.length;
