/**
 * Values structured clone keeps and JSON loses (Map, Set, Date, bigint, -0, NaN, undefined,
 * RegExp, typed arrays, Errors with a cause, boxed primitives, sparse arrays, cycles, shared
 * references), made deterministically from (p, s) so any thread can rebuild what it should get.
 */
import { isDeepStrictEqual } from "node:util";

export function rich(p, s) {
  const k = p * 100_000 + s;
  const d = new Date(1_700_000_000_000 + k);
  const big = BigInt(k) * 10n ** 20n + BigInt(p);
  const shared = { k };
  const o = {
    p, s, d, big,
    neg0: -0, nan: NaN, undef: undefined, inf: -Infinity,
    m: new Map([[k, `v${k}`], [String(k), k], [big, [k]], [shared, new Set([k, -0, d])]]),
    set: new Set([big, "s" + s]),
    re: new RegExp(`a${k}+b`, "gi"),
    u8: new Uint8Array([k & 255, 1, 2]),
    f64: new Float64Array([k / 3, -0]),
    i64: new BigInt64Array([-big]),
    str: "é😀ж" + k,
    pad: "x".repeat((s * 37) % 3000), // some messages outgrow their slot (the arena)
    nested: [[[{ k, when: d }]]],
    sparse: [1, , 3],
    err: new RangeError(`e${k}`, { cause: { k, big } }),
    boxed: [Object(BigInt(k)), Object(String(k)), Object(k % 2 === 0)],
    twice: [shared, shared],
  };
  o.self = o;
  return o;
}

/** null when `v` is rich(p, s) in every detail; otherwise what differs. */
export function diff(v, p, s) {
  const want = rich(p, s);
  if (v === null || typeof v !== "object") return `not an object: ${typeof v}`;
  if (v.self !== v) return "the cycle was lost";
  if (v.twice?.[0] !== v.twice?.[1]) return "a shared reference became two objects";
  if (!(v.d instanceof Date) || v.d.getTime() !== want.d.getTime()) return `Date: ${v.d}`;
  if (typeof v.big !== "bigint" || v.big !== want.big) return `bigint: ${String(v.big)}`;
  if (!(v.m instanceof Map) || v.m.get(want.big)?.[0] !== want.s + want.p * 100_000) return "Map with a bigint key";
  if (!Object.is(v.neg0, -0) || !Number.isNaN(v.nan) || !("undef" in v) || v.undef !== undefined) return "-0 / NaN / undefined";
  if (!(v.err instanceof RangeError) || v.err.message !== want.err.message || v.err.cause?.big !== want.big) return "Error with cause";
  if (!(v.re instanceof RegExp) || v.re.source !== want.re.source || v.re.flags !== "gi") return "RegExp";
  if (1 in v.sparse) return "a hole became a value";
  const strip = (x) => { const { self, ...rest } = x; return rest; };
  if (!isDeepStrictEqual(strip(v), strip(want))) return "deep equality failed";
  return null;
}
