/**
 * Shared pieces of the parallel helpers' tests: the element types, random arrays in shared memory
 * (random bit patterns, with float special values mixed in), and the reference sort.
 */
import fc from "fast-check";
import { rng as rng01 } from "../workers/_util.mjs";

export type Numeric =
  | Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array | Uint8ClampedArray;
type Ctor = { new (n: number): Numeric; new (b: ArrayBufferLike, offset?: number, length?: number): Numeric; BYTES_PER_ELEMENT: number; name: string };

export const TYPES: Ctor[] = [Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array, Uint8ClampedArray] as any;
export const isFloat = (a: Numeric): a is Float64Array | Float32Array => a instanceof Float64Array || a instanceof Float32Array;

const SPECIALS = [NaN, -0, 0, Infinity, -Infinity, 1, -1, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, 0.5, -0.5];

/** `A`'s type over a SharedArrayBuffer. */
export type SharedOf<A> = A extends Float64Array ? Float64Array<SharedArrayBuffer>
  : A extends Float32Array ? Float32Array<SharedArrayBuffer>
  : A extends Int32Array ? Int32Array<SharedArrayBuffer>
  : A extends Uint32Array ? Uint32Array<SharedArrayBuffer>
  : A extends Int16Array ? Int16Array<SharedArrayBuffer>
  : A extends Uint16Array ? Uint16Array<SharedArrayBuffer>
  : A extends Int8Array ? Int8Array<SharedArrayBuffer>
  : A extends Uint8ClampedArray ? Uint8ClampedArray<SharedArrayBuffer>
  : A extends Uint8Array ? Uint8Array<SharedArrayBuffer>
  : never;

/** A copy of `a` in fresh shared memory (at a byte offset, when `offset` > 0: views need not start at 0). */
export function shared<A extends Numeric>(a: A, offset = 0): SharedOf<A> {
  const C = a.constructor as any;
  const b = new C(new SharedArrayBuffer((a.length + offset) * C.BYTES_PER_ELEMENT), offset * C.BYTES_PER_ELEMENT, a.length);
  b.set(a);
  return b;
}

export interface ArrayCase {
  type: Ctor;
  length: number;
  /** Seed of the element values (a fast PRNG fills large arrays quickly). */
  seed: number;
  /**
   * "bits": every bit pattern (huge and tiny floats, NaN payloads of both signs); "small": small
   * integers (many equal keys, most radix passes skipped); "specials": mostly the float special values.
   */
  values: "bits" | "small" | "specials";
  /** Whether NaNs are rewritten to the one canonical NaN (so a bitwise comparison with the native sort is exact). */
  canonicalNaN: boolean;
  /** Elements before the view in its buffer (views need not start at byte 0). */
  offset: number;
}

/** Random arrays of any accepted type, length 0…maxLength. */
export const arrayCaseArb = (maxLength: number, types: Ctor[] = TYPES): fc.Arbitrary<ArrayCase> =>
  fc.record({
    type: fc.constantFrom(...types),
    length: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: maxLength })),
    seed: fc.integer({ min: 1, max: 0x7fffffff }),
    values: fc.constantFrom("bits" as const, "small" as const, "specials" as const),
    canonicalNaN: fc.boolean(),
    offset: fc.integer({ min: 0, max: 3 }),
  });

/** A seeded PRNG of uint32s (mulberry32, from the worker helpers). */
export function rng(seed: number): () => number {
  const next = rng01(seed);
  return () => Math.floor(next() * 4294967296);
}

/** Builds the case's array in shared memory. */
export function build(c: ArrayCase): Numeric {
  const n = c.length, w = c.type.BYTES_PER_ELEMENT;
  const a = new c.type(new SharedArrayBuffer((n + c.offset) * w), c.offset * w, n);
  const next = rng(c.seed);
  if (c.values === "bits") {
    const bytes = new Uint8Array(a.buffer);
    for (let i = 0; i < bytes.length; i += 4) {
      const r = next();
      bytes[i] = r;
      bytes[i + 1] = r >>> 8;
      bytes[i + 2] = r >>> 16;
      bytes[i + 3] = r >>> 24;
    }
  } else if (c.values === "small") {
    for (let i = 0; i < n; i++) a[i] = (next() % 17) - 8;
    if (isFloat(a)) for (let i = 0; i < n; i += 7) if (a[i] === 0) a[i] = -0;
  } else {
    for (let i = 0; i < n; i++) a[i] = SPECIALS[next() % SPECIALS.length]!;
  }
  if (isFloat(a) && c.canonicalNaN) for (let i = 0; i < n; i++) if (Number.isNaN(a[i])) a[i] = NaN;
  return a;
}

/** The native order: `TypedArray.prototype.sort`, reversed (NaNs kept last) when descending. */
export function referenceSort<A extends Numeric>(a: A, desc: boolean): A {
  const r = a.slice() as A;
  r.sort();
  if (!desc) return r;
  let k = 0;
  while (k < r.length && !Number.isNaN(r[k])) k++;
  r.subarray(0, k).reverse();
  return r;
}

export const bytesOf = (a: Numeric): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** The elements' bit patterns, sorted: equal for two arrays exactly when one is a permutation of the other. */
export function bitMultiset(a: Numeric): string {
  const w = a.BYTES_PER_ELEMENT;
  const b = bytesOf(a);
  const items: string[] = [];
  for (let i = 0; i < a.length; i++) items.push(b.subarray(i * w, i * w + w).toString("hex"));
  return items.sort().join(",");
}

/**
 * Checks a sort result against the native one: bit for bit the same, or — when NaN payloads
 * differ, and their order among themselves is unspecified — the same permutation, the same
 * non-NaN prefix bit for bit, then only NaNs (with one NaN pattern that is again bitwise equality).
 * Returns a description of the first difference, or null.
 */
export function sortMismatch(result: Numeric, original: Numeric, desc: boolean): string | null {
  const ref = referenceSort(original, desc);
  if (bytesOf(result).equals(bytesOf(ref))) return null;
  if (bitMultiset(result) !== bitMultiset(original)) return "not a permutation of the input";
  let k = 0;
  while (k < ref.length && !Number.isNaN(ref[k])) k++;
  const head = (a: Numeric) => bytesOf(a).subarray(0, k * a.BYTES_PER_ELEMENT);
  if (!head(result).equals(head(ref))) {
    const i = [...Array(k).keys()].find((j) => !Object.is(result[j], ref[j]));
    return `differs from the native sort at index ${i}: ${result[i!]} vs ${ref[i!]}`;
  }
  for (let i = k; i < result.length; i++) if (!Number.isNaN(result[i])) return `non-NaN ${result[i]} at ${i}, after the NaNs`;
  return null;
}
