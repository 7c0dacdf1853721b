/**
 * A port, in our own words, of Rust's atomics tests (rust-lang/rust
 * library/coretests/tests/atomic.rs; older trees library/core/tests/atomic.rs) to weft's
 * AtomicBool / AtomicI32 / AtomicU32 / AtomicI64.
 *
 * Mapping: every Rust ordering is SeqCst in weft (all `Atomics` operations are), so the ordering
 * arguments disappear. `AtomicUsize` → AtomicU32 (and AtomicI64 as the 64-bit word), `AtomicIsize`
 * → AtomicI32 and AtomicI64. Rust's `compare_exchange` returns `Result<T, T>` (Ok(previous) on
 * success, Err(actual) on failure); weft's `compareExchange` returns the value it saw, which equals
 * `expected` exactly when it swapped — `cx()` below rebuilds the Ok/Err shape from that.
 * `get_mut` (exclusive access to a non-shared atomic) has no weft counterpart: `load()` stands in.
 *
 * Ported (19 of 23): bool_, bool_and, bool_nand, uint_and, uint_nand, uint_or, uint_xor, uint_min,
 * uint_max, int_and, int_nand, int_or, int_xor, int_min, int_max, static_init, atomic_access_bool
 * (its `fetch_nand` step first done with a compareExchange loop, as a weft user had to),
 * atomic_alignment (checks weft's own placement rules: see the test), atomic_compare_exchange
 * (weak and strong both map to the one strong compareExchange). The nand, min and max tests were
 * skipped by the first port for want of the API: `fetchNand`, `fetchMin`, `fetchMax` (and
 * AtomicBool's `fetchNot`) were added in the fourteenth session, after this port.
 *
 * Not ported (4), API weft lacks — each is an `it.skip` below:
 * - ptr_add_null, ptr_add_data, ptr_bitops, ptr_bitops_tagging: no `AtomicPtr` (JS has no pointers;
 *   an index into a shared array in an AtomicU32 is the nearest thing).
 * (atomic_const_from is commented out in the source: not counted.)
 *
 * Beyond the source: "weft edges" at the end pins what a Rust user relies on at the types' edges —
 * wrap-around of fetchAdd/fetchSub (Rust: "wraps around on overflow"), MIN/MAX, unsigned results
 * above 2^31, exact bigints beyond 2^53, and typed rejection of inputs Rust's type system would
 * refuse (non-integers, NaN, out-of-range, wrong type), leaving the value unchanged. Rust API with no
 * weft counterpart and no test in atomic.rs (`fetch_update`, `into_inner`, `as_ptr`, `from_ptr`) is
 * noted in the report, not here.
 */
import { describe, expect, it } from "vitest";
import { AtomicBool, AtomicI32, AtomicI64, AtomicU32 } from "../../dist/index.js";

type Cx<T> = { ok: T } | { err: T };
/** Rust's `compare_exchange` result shape, rebuilt from weft's "value seen". */
function cx<T>(a: { compareExchange(e: T, r: T): T }, expected: T, replacement: T): Cx<T> {
  const seen = a.compareExchange(expected, replacement);
  return seen === expected ? { ok: seen } : { err: seen };
}

const I32_MAX = 0x7fffffff, I32_MIN = -0x80000000, U32_MAX = 0xffffffff;
const I64_MAX = (1n << 63n) - 1n, I64_MIN = -(1n << 63n);

describe("rust library/coretests/tests/atomic.rs", () => {
  it("bool_", () => {
    const a = new AtomicBool(false);
    expect(cx(a, false, true)).toEqual({ ok: false });
    expect(cx(a, false, true)).toEqual({ err: true });
    a.store(false);
    expect(cx(a, false, true)).toEqual({ ok: false });
  });

  it("bool_and", () => {
    const a = new AtomicBool(true);
    expect(a.fetchAnd(false)).toBe(true);
    expect(a.load()).toBe(false);
  });

  it("bool_nand", () => {
    const a = new AtomicBool(false);
    expect(a.fetchNand(false)).toBe(false);
    expect(a.load()).toBe(true);
    expect(a.fetchNand(false)).toBe(true);
    expect(a.load()).toBe(true);
    expect(a.fetchNand(true)).toBe(true);
    expect(a.load()).toBe(false);
    expect(a.fetchNand(true)).toBe(false);
    expect(a.load()).toBe(true);
    // fetch_not, beside it (no test of its own in atomic.rs)
    expect(a.fetchNot()).toBe(true);
    expect(a.load()).toBe(false);
  });

  // AtomicUsize: AtomicU32, and AtomicI64 as the 64-bit word.
  it("uint_and", () => {
    const x = new AtomicU32(0xf731);
    expect(x.fetchAnd(0x137f)).toBe(0xf731);
    expect(x.load()).toBe(0xf731 & 0x137f);
    const y = new AtomicI64(0xf731n);
    expect(y.fetchAnd(0x137fn)).toBe(0xf731n);
    expect(y.load()).toBe(0xf731n & 0x137fn);
  });

  it("uint_nand", () => {
    const x = new AtomicU32(0xf731);
    expect(x.fetchNand(0x137f)).toBe(0xf731);
    expect(x.load()).toBe(~(0xf731 & 0x137f) >>> 0); // usize's !: all the high bits set
    const y = new AtomicI64(0xf731n);
    expect(y.fetchNand(0x137fn)).toBe(0xf731n);
    expect(y.load()).toBe(~(0xf731n & 0x137fn));
  });

  it("uint_or", () => {
    const x = new AtomicU32(0xf731);
    expect(x.fetchOr(0x137f)).toBe(0xf731);
    expect(x.load()).toBe(0xf731 | 0x137f);
    const y = new AtomicI64(0xf731n);
    expect(y.fetchOr(0x137fn)).toBe(0xf731n);
    expect(y.load()).toBe(0xf731n | 0x137fn);
  });

  it("uint_xor", () => {
    const x = new AtomicU32(0xf731);
    expect(x.fetchXor(0x137f)).toBe(0xf731);
    expect(x.load()).toBe(0xf731 ^ 0x137f);
    const y = new AtomicI64(0xf731n);
    expect(y.fetchXor(0x137fn)).toBe(0xf731n);
    expect(y.load()).toBe(0xf731n ^ 0x137fn);
  });

  it("uint_min", () => {
    const x = new AtomicU32(0xf731);
    expect(x.fetchMin(0x137f)).toBe(0xf731);
    expect(x.load()).toBe(0x137f);
    expect(x.fetchMin(0xf731)).toBe(0x137f);
    expect(x.load()).toBe(0x137f);
    // unsigned order above 2^31
    const big = new AtomicU32(0xffff_fff0);
    expect(big.fetchMin(0x8000_0000)).toBe(0xffff_fff0);
    expect(big.load()).toBe(0x8000_0000);
  });

  it("uint_max", () => {
    const x = new AtomicU32(0x137f);
    expect(x.fetchMax(0xf731)).toBe(0x137f);
    expect(x.load()).toBe(0xf731);
    expect(x.fetchMax(0x137f)).toBe(0xf731);
    expect(x.load()).toBe(0xf731);
    const big = new AtomicU32(0x7fff_ffff);
    expect(big.fetchMax(0x8000_0000)).toBe(0x7fff_ffff);
    expect(big.load()).toBe(0x8000_0000);
  });

  // AtomicIsize: AtomicI32 and AtomicI64.
  it("int_and", () => {
    const x = new AtomicI32(0xf731);
    expect(x.fetchAnd(0x137f)).toBe(0xf731);
    expect(x.load()).toBe(0xf731 & 0x137f);
    const y = new AtomicI64(0xf731n);
    expect(y.fetchAnd(0x137fn)).toBe(0xf731n);
    expect(y.load()).toBe(0xf731n & 0x137fn);
  });

  it("int_nand", () => {
    const x = new AtomicI32(0xf731);
    expect(x.fetchNand(0x137f)).toBe(0xf731);
    expect(x.load()).toBe(~(0xf731 & 0x137f));
    const y = new AtomicI64(0xf731n);
    expect(y.fetchNand(0x137fn)).toBe(0xf731n);
    expect(y.load()).toBe(~(0xf731n & 0x137fn));
  });

  it("int_or", () => {
    const x = new AtomicI32(0xf731);
    expect(x.fetchOr(0x137f)).toBe(0xf731);
    expect(x.load()).toBe(0xf731 | 0x137f);
    const y = new AtomicI64(0xf731n);
    expect(y.fetchOr(0x137fn)).toBe(0xf731n);
    expect(y.load()).toBe(0xf731n | 0x137fn);
  });

  it("int_xor", () => {
    const x = new AtomicI32(0xf731);
    expect(x.fetchXor(0x137f)).toBe(0xf731);
    expect(x.load()).toBe(0xf731 ^ 0x137f);
    const y = new AtomicI64(0xf731n);
    expect(y.fetchXor(0x137fn)).toBe(0xf731n);
    expect(y.load()).toBe(0xf731n ^ 0x137fn);
  });

  it("int_min", () => {
    const x = new AtomicI32(0xf731);
    expect(x.fetchMin(0x137f)).toBe(0xf731);
    expect(x.load()).toBe(0x137f);
    expect(x.fetchMin(0xf731)).toBe(0x137f);
    expect(x.load()).toBe(0x137f);
    expect(x.fetchMin(-5)).toBe(0x137f); // signed order
    expect(x.load()).toBe(-5);
    const y = new AtomicI64(0xf731n);
    expect(y.fetchMin(0x137fn)).toBe(0xf731n);
    expect(y.load()).toBe(0x137fn);
    expect(y.fetchMin(-(2n ** 62n))).toBe(0x137fn);
    expect(y.load()).toBe(-(2n ** 62n));
  });

  it("int_max", () => {
    const x = new AtomicI32(0x137f);
    expect(x.fetchMax(0xf731)).toBe(0x137f);
    expect(x.load()).toBe(0xf731);
    expect(x.fetchMax(0x137f)).toBe(0xf731);
    expect(x.load()).toBe(0xf731);
    expect(x.fetchMax(-1)).toBe(0xf731);
    expect(x.load()).toBe(0xf731);
    const y = new AtomicI64(0x137fn);
    expect(y.fetchMax(0xf731n)).toBe(0x137fn);
    expect(y.load()).toBe(0xf731n);
    expect(y.fetchMax(2n ** 62n)).toBe(0xf731n);
    expect(y.load()).toBe(2n ** 62n);
    expect(() => y.fetchMax(2n ** 63n)).toThrow(RangeError); // out of range: refused, value kept
    expect(y.load()).toBe(2n ** 62n);
  });

  it.skip("ptr_add_null — no AtomicPtr (fetch_ptr_add / fetch_byte_add)", () => {});
  it.skip("ptr_add_data — no AtomicPtr", () => {});
  it.skip("ptr_bitops — no AtomicPtr", () => {});
  it.skip("ptr_bitops_tagging — no AtomicPtr", () => {});

  it("static_init", () => {
    // Rust's statics are zero-initialised memory made at compile time; weft's equivalent is an
    // atomic placed on zeroed shared memory (`X.at`), which reads as 0 / false — plus `new X(v)`.
    const buf = new SharedArrayBuffer(4 * 8);
    const sFalse = AtomicBool.at(buf, 0);
    const sTrue = new AtomicBool(true);
    const sInt = AtomicI32.at(buf, 8);
    const sUint = AtomicU32.at(buf, 16);
    expect(sFalse.swap(true)).toBe(false);
    expect(sTrue.swap(false)).toBe(true);
    expect(sInt.fetchAdd(1)).toBe(0);
    expect(sUint.fetchAdd(1)).toBe(0);
  });

  it("atomic_access_bool", () => {
    const a = new AtomicBool(false);
    expect(a.load()).toBe(false);
    a.store(true);
    expect(a.load()).toBe(true);
    a.fetchOr(false);
    expect(a.load()).toBe(true);
    a.fetchAnd(false);
    expect(a.load()).toBe(false);
    // fetch_nand(true): weft has none, so the loop a user would write.
    for (let cur = a.load(); ; ) {
      const seen = a.compareExchange(cur, !(cur && true));
      if (seen === cur) break;
      cur = seen;
    }
    expect(a.load()).toBe(true);
    a.fetchXor(true);
    expect(a.load()).toBe(false);
  });

  it("atomic_alignment", () => {
    // Rust asserts align_of == size_of for every atomic. weft's atomics carry a type-tag word, so
    // the size is not the alignment: the documented rule (README "Every primitive is a view over
    // …") is BYTE_LENGTH bytes at a 4-byte-aligned offset, 8-byte for AtomicI64.
    expect([AtomicBool.BYTE_LENGTH, AtomicI32.BYTE_LENGTH, AtomicU32.BYTE_LENGTH]).toEqual([8, 8, 8]);
    expect(AtomicI64.BYTE_LENGTH).toBe(16);
    const buf = new SharedArrayBuffer(64);
    for (const X of [AtomicBool, AtomicI32, AtomicU32] as const) {
      for (const off of [1, 2, 3]) expect(() => X.at(buf, off)).toThrow(RangeError);
    }
    for (const off of [4, 12]) expect(() => AtomicI64.at(buf, off)).toThrow(RangeError);
    // Placements at the documented alignment work, side by side.
    const a = AtomicI32.at(buf, 4), b = AtomicI64.at(buf, 16), c = AtomicU32.at(buf, 32), d = AtomicBool.at(buf, 40);
    a.store(-1);
    b.store(-1n);
    c.store(U32_MAX);
    d.store(true);
    expect([a.load(), b.load(), c.load(), d.load()]).toEqual([-1, -1n, U32_MAX, true]);
  });

  it("atomic_compare_exchange", () => {
    // Nine strong and nine weak calls with every legal ordering pair in Rust; weft has one
    // (strong, SeqCst) compareExchange. The first swaps 0 → 1, every later one fails seeing 1.
    const a = new AtomicI32(0);
    const results = Array.from({ length: 18 }, () => cx(a, 0, 1));
    expect(results[0]).toEqual({ ok: 0 });
    for (const r of results.slice(1)) expect(r).toEqual({ err: 1 });
    const b = new AtomicI64(0n);
    expect(cx(b, 0n, 1n)).toEqual({ ok: 0n });
    expect(cx(b, 0n, 1n)).toEqual({ err: 1n });
  });
});

describe("weft edges (what a Rust user relies on; not in atomic.rs)", () => {
  it("fetchAdd / fetchSub wrap around at MIN / MAX and return the previous value", () => {
    const i = new AtomicI32(I32_MAX);
    expect(i.fetchAdd(1)).toBe(I32_MAX);
    expect(i.load()).toBe(I32_MIN);
    expect(i.fetchSub(1)).toBe(I32_MIN);
    expect(i.load()).toBe(I32_MAX);
    expect(i.fetchAdd(I32_MAX)).toBe(I32_MAX); // MAX + MAX = -2 (wrapping)
    expect(i.load()).toBe(-2);
    i.store(0);
    expect(i.fetchSub(I32_MIN)).toBe(0); // 0 - MIN wraps to MIN
    expect(i.load()).toBe(I32_MIN);

    const u = new AtomicU32(0);
    expect(u.fetchSub(1)).toBe(0);
    expect(u.load()).toBe(U32_MAX);
    expect(u.fetchAdd(1)).toBe(U32_MAX);
    expect(u.load()).toBe(0);
    expect(u.fetchAdd(U32_MAX)).toBe(0); // adding 2^32-1 is subtracting 1
    expect(u.load()).toBe(U32_MAX);

    const l = new AtomicI64(I64_MAX);
    expect(l.fetchAdd(1n)).toBe(I64_MAX);
    expect(l.load()).toBe(I64_MIN);
    expect(l.fetchSub(1n)).toBe(I64_MIN);
    expect(l.load()).toBe(I64_MAX);
    l.store(-1n);
    expect(l.fetchAdd(I64_MIN)).toBe(-1n);
    expect(l.load()).toBe(I64_MAX);
  });

  it("swap / compareExchange at the extremes; unsigned stays unsigned; bigints stay exact", () => {
    const i = new AtomicI32(I32_MIN);
    expect(i.swap(I32_MAX)).toBe(I32_MIN);
    expect(cx(i, I32_MAX, I32_MIN)).toEqual({ ok: I32_MAX });
    expect(cx(i, I32_MAX, 0)).toEqual({ err: I32_MIN });

    const u = new AtomicU32(0x80000000);
    expect(u.load()).toBe(0x80000000);
    expect(u.fetchOr(0x7fffffff)).toBe(0x80000000);
    expect(u.load()).toBe(U32_MAX);
    expect(u.fetchXor(U32_MAX)).toBe(U32_MAX);
    expect(u.load()).toBe(0);
    u.store(U32_MAX);
    expect(cx(u, U32_MAX, 0x80000001)).toEqual({ ok: U32_MAX });
    expect(cx(u, U32_MAX, 1)).toEqual({ err: 0x80000001 });
    expect(u.swap(0)).toBe(0x80000001);

    const big = 2n ** 53n + 1n; // not representable as a double
    const l = new AtomicI64(big);
    expect(l.fetchAdd(2n)).toBe(big);
    expect(l.load()).toBe(big + 2n);
    expect(cx(l, big + 2n, I64_MIN)).toEqual({ ok: big + 2n });
    expect(l.load()).toBe(I64_MIN);
    expect(l.fetchAnd(I64_MAX)).toBe(I64_MIN);
    expect(l.load()).toBe(0n);
  });

  it("-0 is the integer 0: accepted everywhere and read back as +0", () => {
    const i = new AtomicI32(-0);
    expect(Object.is(i.load(), 0)).toBe(true);
    expect(i.fetchAdd(-0)).toBe(0);
    expect(cx(i, -0, 5)).toEqual({ ok: 0 });
    const u = new AtomicU32(-0);
    expect(Object.is(u.swap(-0), 0)).toBe(true);
    expect(Object.is(u.load(), 0)).toBe(true);
  });

  const badNumbers: [string, unknown][] = [
    ["NaN", NaN], ["1.5", 1.5], ["Infinity", Infinity], ["-Infinity", -Infinity], ["2**53", 2 ** 53],
    ['"1"', "1"], ["1n", 1n], ["null", null], ["true", true], ["new Number(1)", new Number(1)],
  ];

  it.each(badNumbers)("AtomicI32 / AtomicU32 refuse %s in every value-taking method, with a RangeError naming the method; the value is unchanged", (_n, v) => {
    for (const a of [new AtomicI32(3), new AtomicU32(3)]) {
      const kind = a instanceof AtomicI32 ? "AtomicI32" : "AtomicU32";
      const calls: [string, () => unknown][] = [
        ["store", () => a.store(v as any)],
        ["swap", () => a.swap(v as any)],
        ["compareExchange", () => a.compareExchange(3, v as any)],
        ["compareExchange", () => a.compareExchange(v as any, 4)],
        ["fetchAdd", () => a.fetchAdd(v as any)],
        ["fetchSub", () => a.fetchSub(v as any)],
        ["fetchAnd", () => a.fetchAnd(v as any)],
        ["fetchOr", () => a.fetchOr(v as any)],
        ["fetchXor", () => a.fetchXor(v as any)],
        ["wait", () => a.wait(v as any, { timeout: 0 })],
      ];
      for (const [name, f] of calls) {
        expect(f, `${kind}.${name}(${_n})`).toThrow(RangeError);
        expect(f, `${kind}.${name}(${_n})`).toThrow(`${kind}.${name}`);
      }
      expect(a.load()).toBe(3);
    }
  });

  it("out-of-range operands are refused, not wrapped (Rust would not compile them)", () => {
    const i = new AtomicI32(0);
    for (const v of [I32_MAX + 1, I32_MIN - 1, 0x80000000, U32_MAX]) {
      expect(() => i.fetchAdd(v)).toThrow(RangeError);
      expect(() => i.fetchOr(v)).toThrow(RangeError);
    }
    const u = new AtomicU32(0);
    for (const v of [-1, U32_MAX + 1]) {
      expect(() => u.fetchSub(v)).toThrow(RangeError);
      expect(() => u.store(v)).toThrow(RangeError);
    }
    const l = new AtomicI64(0n);
    for (const v of [I64_MAX + 1n, I64_MIN - 1n, 1n << 64n]) {
      expect(() => l.fetchAdd(v)).toThrow(RangeError);
      expect(() => l.fetchOr(v)).toThrow(RangeError);
    }
    expect([i.load(), u.load(), l.load()]).toEqual([0, 0, 0n]);
  });

  it("AtomicI64 takes bigints only: numbers (even safe integers) are refused with a RangeError", () => {
    const l = new AtomicI64(1n);
    for (const v of [1, 0, -0, NaN, "1", null, undefined]) {
      if (v === undefined) continue; // `undefined` for the optional initial means 0n; methods below
      expect(() => l.store(v as any)).toThrow(RangeError);
      expect(() => l.fetchAdd(v as any)).toThrow(RangeError);
      expect(() => l.compareExchange(1n, v as any)).toThrow(RangeError);
    }
    expect(() => l.store(undefined as any)).toThrow(RangeError);
    expect(l.load()).toBe(1n);
  });

  it("AtomicBool takes booleans only: 0, 1, 'true', null are a TypeError; the value is unchanged", () => {
    const b = new AtomicBool(true);
    for (const v of [0, 1, "true", null, new Boolean(false)]) {
      expect(() => b.store(v as any)).toThrow(TypeError);
      expect(() => b.swap(v as any)).toThrow(TypeError);
      expect(() => b.compareExchange(true, v as any)).toThrow(TypeError);
      expect(() => b.fetchAnd(v as any)).toThrow(TypeError);
      expect(() => b.fetchOr(v as any)).toThrow(TypeError);
      expect(() => b.fetchXor(v as any)).toThrow(TypeError);
      expect(() => new AtomicBool(v as any)).toThrow(TypeError);
    }
    expect(b.load()).toBe(true);
  });
});
