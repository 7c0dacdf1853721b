/**
 * A port, in our own words, of Go's sync/atomic tests (golang/go src/sync/atomic/atomic_test.go,
 * the Go 1.23+ version with And/Or and the typed-value `…Method` variants) to weft's AtomicI32,
 * AtomicU32 and AtomicI64. Goroutines are real workers (acc2-lib `thread`: a closure's source run in
 * a worker with shared ends); counts are scaled down for a loaded 2-core machine.
 *
 * Mapping. Go has two APIs per type — functions on a plain word (`AddInt32(&x, d)`) and methods of
 * the typed values (`atomic.Int32.Add`); weft has one (the typed value), so each ported test covers
 * both names ("TestSwapInt32 + TestSwapInt32Method"). Go's `Add` returns the NEW value; weft's
 * `fetchAdd` returns the previous one (Rust's naming), so the port adds the delta back (wrapping).
 * Go's `CompareAndSwap` returns "swapped?"; weft's `compareExchange` returns the value seen, which
 * equals `expected` exactly when it swapped. Go's `x.before` / `x.after` magic words (the operation
 * must not touch its neighbours) are kept: each atomic is placed with `X.at` between two words
 * holding magic values in one SharedArrayBuffer. Go's hammer seeds come from a stack address; here
 * from the worker's index. Go's `int64(1) << 63` wraps to MinInt64; with bigints the port writes
 * `BigInt.asIntN(64, …)`, since AtomicI64 refuses 2^63 (out of the signed range) — see the report.
 *
 * Ported (66 of 88 source tests): Swap, Add, And, Or, CompareAndSwap, Load and Store
 * for Int32, Uint32, Int64 and Uint64, each with its Method twin (56; the Uint64 ones since the
 * fourteenth session added AtomicU64, after this port found it missing); TestHammer32 and TestHammer64 (the
 * Int32/Uint32/Int64 entries of their maps, Method entries folded in); TestHammerStoreLoad (the
 * Int32/Uint32/Int64 functions and their Method twins); TestStoreLoadSeqCst32/64;
 * TestStoreLoadRelAcq32/64 (plain typed-array data published by an atomic store);
 * TestUnaligned64 (weft refuses a misaligned AtomicI64 at placement, on every platform — Go only on
 * 32-bit ones); TestAutoAligned64 (an AtomicI64 after a 4-byte field lands 8-aligned);
 * TestNilDeref (placing on null / calling a method with no receiver throws a catchable TypeError).
 * Go's And tests start from 0, so they only check the returned old value; the port adds a pass from
 * all ones that clears bit by bit. One extra test (marked "extra", not in Go) runs the hammers
 * across the types' edges: i32 wrap at MAX, u32 across 2^31 and below 0, i64 carry across 2^32.
 *
 * Not ported (22), API weft lacks — `it.skip` below, one per family:
 * - Uintptr (14) and Pointer (8: Swap/CompareAndSwap/Load/Store × 2): no pointer-sized or
 *   pointer atomics in JS.
 * Go's atomic.Bool has no test in atomic_test.go; value_test.go (atomic.Value) is out of scope.
 */
import { describe, expect, it } from "vitest";
import { AtomicI32, AtomicI64, AtomicU32, AtomicU64, Barrier } from "../../dist/index.js";
import { scope, thread } from "./acc2-lib.js";

const magic32 = 0xdedbeef;
const magic64 = 0xdeddeadbeefbeefn;

type Kind = "Int32" | "Uint32" | "Int64" | "Uint64";
const KINDS: Kind[] = ["Int32", "Uint32", "Int64", "Uint64"];
const big = (k: Kind): boolean => k === "Int64" || k === "Uint64";

/** Wrapping arithmetic and constants per Go type (bigint for Int64). */
const T: Record<Kind, { wrap: (v: any) => any; zero: any; ones: any; bits: number; signed: boolean; one: any }> = {
  Int32: { wrap: (v: any) => v | 0, zero: 0, ones: -1, bits: 32, signed: true, one: 1 },
  Uint32: { wrap: (v: any) => v >>> 0, zero: 0, ones: 0xffffffff, bits: 32, signed: false, one: 1 },
  Int64: { wrap: (v: any) => BigInt.asIntN(64, v), zero: 0n, ones: -1n, bits: 64, signed: true, one: 1n },
  Uint64: { wrap: (v: any) => BigInt.asUintN(64, v), zero: 0n, ones: (1n << 64n) - 1n, bits: 64, signed: false, one: 1n },
};

/** Go's `for delta := 1; delta+delta > delta; delta += delta`: 1, 2, 4, … up to the last that doubles without overflow. */
function deltas(k: Kind): any[] {
  const t = T[k];
  const top = t.signed ? t.bits - 2 : t.bits - 1;
  return Array.from({ length: top + 1 }, (_, s) => (big(k) ? 1n << BigInt(s) : 2 ** s));
}
/** Go's `for mask := 1; mask != 0; mask <<= 1`, each mask as the type's value (the top bit wraps negative when signed). */
function masks(k: Kind): any[] {
  const t = T[k];
  return Array.from({ length: t.bits }, (_, s) => t.wrap(big(k) ? 1n << BigInt(s) : 2 ** s));
}

/**
 * Go's `struct { before; i; after }`: the atomic placed between two magic words in one buffer.
 * `intact()` is Go's "wrong magic" check.
 */
function sandwich(k: Kind): { a: any; intact(): void } {
  if (big(k)) {
    const X = k === "Int64" ? AtomicI64 : AtomicU64;
    const buf = new SharedArrayBuffer(8 + X.BYTE_LENGTH + 8);
    const w = new BigInt64Array(buf);
    w[0] = magic64;
    w[w.length - 1] = magic64;
    const a = X.at(buf, 8);
    return { a, intact: () => expect([w[0], w[w.length - 1]], "wrong magic").toEqual([magic64, magic64]) };
  }
  const X = k === "Int32" ? AtomicI32 : AtomicU32;
  const buf = new SharedArrayBuffer(4 + X.BYTE_LENGTH + 4);
  const w = new Int32Array(buf);
  w[0] = magic32;
  w[w.length - 1] = magic32;
  const a = X.at(buf, 4);
  return { a, intact: () => expect([w[0], w[w.length - 1]], "wrong magic").toEqual([magic32, magic32]) };
}

describe("go src/sync/atomic/atomic_test.go: without contention", () => {
  describe.each(KINDS)("%s", (k) => {
    const t = T[k];

    it(`TestSwap${k} + TestSwap${k}Method`, () => {
      const { a, intact } = sandwich(k);
      let j: any = t.zero;
      for (const delta of deltas(k)) {
        const got = a.swap(delta);
        expect([a.load(), got], `delta=${delta}`).toEqual([delta, j]);
        j = delta;
      }
      intact();
    });

    it(`TestAdd${k} + TestAdd${k}Method`, () => {
      const { a, intact } = sandwich(k);
      let j: any = t.zero;
      for (const delta of deltas(k)) {
        const k2 = t.wrap(a.fetchAdd(delta) + delta); // Go's Add returns the new value
        j = t.wrap(j + delta);
        expect([a.load(), k2], `delta=${delta}`).toEqual([j, j]);
      }
      intact();
    });

    it(`TestAnd${k} + TestAnd${k}Method`, () => {
      const { a, intact } = sandwich(k);
      let j: any = t.zero;
      for (const mask of masks(k)) {
        const old = a.load();
        const got = a.fetchAnd(mask);
        j = t.wrap(j & mask);
        expect([a.load(), got], `mask=${mask}`).toEqual([j, old]);
      }
      // Not in Go (whose value starts at 0): from all ones, clear one bit at a time.
      a.store(t.ones);
      j = t.ones;
      for (const mask of masks(k)) {
        const old = a.load();
        const clear = t.wrap(~mask);
        expect(a.fetchAnd(clear), `~mask=${clear}`).toBe(old);
        j = t.wrap(j & clear);
        expect(a.load()).toBe(j);
      }
      expect(a.load()).toBe(t.zero);
      intact();
    });

    it(`TestOr${k} + TestOr${k}Method`, () => {
      const { a, intact } = sandwich(k);
      let j: any = t.zero;
      for (const mask of masks(k)) {
        const old = a.load();
        const got = a.fetchOr(mask);
        j = t.wrap(j | mask);
        expect([a.load(), got], `mask=${mask}`).toEqual([j, old]);
      }
      expect(a.load()).toBe(t.ones);
      intact();
    });

    it(`TestCompareAndSwap${k} + TestCompareAndSwap${k}Method`, () => {
      const { a, intact } = sandwich(k);
      for (const val of deltas(k)) {
        const one = t.one as any;
        a.store(val);
        expect(a.compareExchange(val, val + one) === val, `should have swapped ${val} ${val + one}`).toBe(true);
        expect(a.load()).toBe(val + one);
        a.store(val + one);
        expect(a.compareExchange(val, val + one + one) === val, `should not have swapped ${val}`).toBe(false);
        expect(a.load()).toBe(val + one);
      }
      intact();
    });

    it(`TestLoad${k} + TestLoad${k}Method`, () => {
      const { a, intact } = sandwich(k);
      let want: any = t.zero;
      for (const delta of deltas(k)) {
        const got = a.load();
        expect(got, `delta=${delta}`).toBe(want);
        want = t.wrap(got + delta);
        a.store(want);
      }
      intact();
    });

    it(`TestStore${k} + TestStore${k}Method`, () => {
      const { a, intact } = sandwich(k);
      let v: any = t.zero;
      for (const delta of deltas(k)) {
        a.store(v);
        expect(a.load(), `delta=${delta}`).toBe(v);
        v = t.wrap(v + delta);
      }
      intact();
    });
  });

  for (const fam of ["Swap", "Add", "And", "Or", "CompareAndSwap", "Load", "Store"]) {
    it.skip(`Test${fam}Uintptr + Test${fam}UintptrMethod — no pointer-sized atomic in JS`, () => {});
    if (["Swap", "CompareAndSwap", "Load", "Store"].includes(fam)) {
      it.skip(`Test${fam}Pointer + Test${fam}PointerMethod — no pointer atomics in JS`, () => {});
    }
  }
});

const P = 4; // Go: 4 goroutines (8 for TestHammerStoreLoad)

describe("go src/sync/atomic/atomic_test.go: with contention (workers)", () => {
  it("TestHammer32 (SwapInt32, SwapUint32, AddInt32, AddUint32, CompareAndSwapInt32, CompareAndSwapUint32 and their Method entries)", async () => {
    const n = 20_000; // Go: 100000, 1000 with -short
    const names = ["SwapInt32", "SwapUint32", "AddInt32", "AddUint32", "CompareAndSwapInt32", "CompareAndSwapUint32"];
    const cases = names.map((name) => [name, name.endsWith("Uint32") ? new AtomicU32() : new AtomicI32()] as const);
    const barrier = new Barrier(P);
    const hs = Array.from({ length: P }, (_, id) =>
      thread(
        (_w, e) => {
          const errs: string[] = [];
          const seed = (e.id * 0x9e3779b1) >>> 0;
          for (const [name, a] of e.cases) {
            e.barrier.wait(); // one hammer at a time, all workers on it together (Go's loop over the map)
            if (name.startsWith("Swap")) {
              for (let i = 0; i < e.n; i++) {
                const s = (seed + i) & 0xffff;
                const v = (s << 16) | s;
                const old = a.swap(name.endsWith("Uint32") ? v >>> 0 : v) >>> 0;
                if (old >>> 16 !== (old & 0xffff)) {
                  errs.push(`${name} is not atomic: ${old}`);
                  break;
                }
              }
            } else if (name.startsWith("Add")) {
              for (let i = 0; i < e.n; i++) a.fetchAdd(1);
            } else {
              for (let i = 0; i < e.n; i++) {
                for (;;) {
                  const v = a.load();
                  if (a.compareExchange(v, v + 1) === v) break;
                }
              }
            }
          }
          return errs;
        },
        { id, cases, barrier, n },
      ),
    );
    const errs = (await scope(hs)).flat();
    expect(errs).toEqual([]);
    for (const [name, a] of cases) if (!name.startsWith("Swap")) expect(a.load(), name).toBe(n * P);
  });

  it("TestHammer64 (SwapInt64, AddInt64, CompareAndSwapInt64 and their Method entries; Uint64/Uintptr: no such type)", async () => {
    const n = 10_000; // Go: 100000, 1000 with -short
    const names = ["SwapInt64", "AddInt64", "CompareAndSwapInt64"];
    const cases = names.map((name) => [name, new AtomicI64()] as const);
    const barrier = new Barrier(P);
    const hs = Array.from({ length: P }, (_, id) =>
      thread(
        (_w, e) => {
          const errs: string[] = [];
          const seed = BigInt((e.id * 0x9e3779b1) >>> 0);
          for (const [name, a] of e.cases) {
            e.barrier.wait();
            if (name.startsWith("Swap")) {
              for (let i = 0n; i < BigInt(e.n); i++) {
                const s = BigInt.asUintN(32, seed + i);
                const old = BigInt.asUintN(64, a.swap(BigInt.asIntN(64, (s << 32n) | s)));
                if (old >> 32n !== (old & 0xffffffffn)) {
                  errs.push(`${name} is not atomic: ${old}`);
                  break;
                }
              }
            } else if (name.startsWith("Add")) {
              for (let i = 0; i < e.n; i++) a.fetchAdd(1n);
            } else {
              for (let i = 0; i < e.n; i++) {
                for (;;) {
                  const v = a.load();
                  if (a.compareExchange(v, v + 1n) === v) break;
                }
              }
            }
          }
          return errs;
        },
        { id, cases, barrier, n },
      ),
    );
    const errs = (await scope(hs)).flat();
    expect(errs).toEqual([]);
    for (const [name, a] of cases) if (!name.startsWith("Swap")) expect(a.load(), name).toBe(BigInt(n * P));
  });

  it("TestHammerStoreLoad (Int32, Uint32, Int64 and their Method twins; Uintptr/Pointer/Uint64: no such type)", async () => {
    const n = 20_000; // Go: 1e6, 1e4 with -short
    const cases = [
      ["Int32", new AtomicI32()],
      ["Uint32", new AtomicU32()],
      ["Int64", new AtomicI64()],
    ] as const;
    const barrier = new Barrier(P);
    const hs = Array.from({ length: P }, () =>
      thread(
        (_w, e) => {
          for (const [name, a] of e.cases) {
            e.barrier.wait();
            for (let i = 0; i < e.n; i++) {
              if (name === "Int64") {
                const v = a.load();
                const lo = v & 0xffffffffn, hi = v >> 32n;
                if (lo !== hi) return `Int64: ${lo} != ${hi}`;
                a.store(v + 1n + (1n << 32n));
              } else {
                const v = a.load();
                const lo = v & 0xffff, hi = name === "Int32" ? v >> 16 : v >>> 16;
                if (lo !== hi) return `${name}: ${lo} != ${hi}`;
                a.store(lo === 1e4 ? 0 : v + 1 + (1 << 16));
              }
            }
          }
          return "ok";
        },
        { cases, barrier, n },
      ),
    );
    expect(await scope(hs)).toEqual(Array(P).fill("ok"));
  });

  it("extra (not in Go): the hammers across the edges — i32 wrap at MAX, u32 across 2^31 and 0, i64 carry across 2^32", async () => {
    const n = 10_000, half = (n * P) / 2;
    const i32 = new AtomicI32(0x7fffffff - half + 1); // ends at MIN + half - 1 after wrapping
    const u32up = new AtomicU32(0x80000000 - half); // ends at 2^31 + half: above the signed range
    const u32down = new AtomicU32(half - 1); // fetchSub ends at 2^32 - half - 1 (wrapped below 0)
    const i64add = new AtomicI64(2n ** 32n - BigInt(half)); // low word carries into the high word
    const i64cas = new AtomicI64(-(2n ** 32n) - BigInt(half)); // negative, borrows across 2^32
    const hs = Array.from({ length: P }, () =>
      thread(
        (_w, e) => {
          for (let i = 0; i < e.n; i++) {
            e.i32.fetchAdd(1);
            e.u32up.fetchAdd(1);
            e.u32down.fetchSub(1);
            e.i64add.fetchAdd(1n);
            for (;;) {
              const v = e.i64cas.load();
              if (e.i64cas.compareExchange(v, v + 1n) === v) break;
            }
          }
        },
        { i32, u32up, u32down, i64add, i64cas, n },
      ),
    );
    await scope(hs);
    expect(i32.load()).toBe(-0x80000000 + half);
    expect(u32up.load()).toBe(0x80000000 + half);
    expect(u32down.load()).toBe(2 ** 32 - half - 1);
    expect(i64add.load()).toBe(2n ** 32n + BigInt(half));
    expect(i64cas.load()).toBe(-(2n ** 32n) + BigInt(half));
  });

  /** Go's TestStoreLoadSeqCst: Dekker-style — of two threads that each store then load the other's word, at least one sees the other's store. */
  async function seqCst(big: boolean) {
    const N = 1000; // Go: 1e3, 1e2 with -short
    const mk = (v: number) => (big ? new AtomicI64(BigInt(v)) : new AtomicI32(v));
    const X = [mk(0), mk(0)];
    const ack = [[mk(-1), mk(-1), mk(-1)], [mk(-1), mk(-1), mk(-1)]];
    const hs = [0, 1].map((me) =>
      thread(
        (_w, e, h) => {
          const num = (v: number) => (e.big ? BigInt(v) : v);
          const NEG = num(-1);
          const he = 1 - e.me;
          for (let i = 1; i < e.N; i++) {
            const I = num(i), I1 = num(i - 1);
            e.X[e.me].store(I);
            const my = e.X[he].load();
            e.ack[e.me][i % 3].store(my);
            for (let w = 1; e.ack[he][i % 3].load() === NEG; w++) if (w % 1000 === 0) h.sleep(0.05);
            const his = e.ack[he][i % 3].load();
            if ((my !== I && my !== I1) || (his !== I && his !== I1)) return `invalid values: ${my}/${his} (${i})`;
            if (my !== I && his !== I) return `store/load are not sequentially consistent: ${my}/${his} (${i})`;
            e.ack[e.me][(i - 1) % 3].store(NEG);
          }
          return "ok";
        },
        { me, X, ack, N, big },
      ),
    );
    expect(await scope(hs)).toEqual(["ok", "ok"]);
  }
  it("TestStoreLoadSeqCst32", () => seqCst(false));
  it("TestStoreLoadSeqCst64", () => seqCst(true));

  /** Go's TestStoreLoadRelAcq: plain data written before an atomic store is seen by the thread that loads that store. */
  async function relAcq(big: boolean) {
    const N = 1000;
    const signal = big ? new AtomicI64() : new AtomicI32();
    const data = new SharedArrayBuffer(512); // data1 at 128, data2 at 256: Go's 128-byte pads
    const hs = [0, 1].map((p) =>
      thread(
        (_w, e, h) => {
          const d1 = e.big ? new BigInt64Array(e.data, 128, 1) : new Int32Array(e.data, 128, 1);
          const d2 = e.big ? new Float64Array(e.data, 256, 1) : new Float32Array(e.data, 256, 1);
          for (let i = 1; i < e.N; i++) {
            const I = e.big ? BigInt(i) : i;
            if ((i + e.p) % 2 === 0) {
              d1[0] = I; // plain stores …
              d2[0] = i;
              e.signal.store(I); // … published by the atomic store
            } else {
              for (let w = 1; e.signal.load() !== I; w++) if (w % 1000 === 0) h.sleep(0.05);
              if (d1[0] !== I || d2[0] !== i) return `incorrect data: ${d1[0]}/${d2[0]} (${i})`;
            }
          }
          return "ok";
        },
        { p, signal, data, N, big },
      ),
    );
    expect(await scope(hs)).toEqual(["ok", "ok"]);
  }
  it("TestStoreLoadRelAcq32", () => relAcq(false));
  it("TestStoreLoadRelAcq64", () => relAcq(true));
});

describe("go src/sync/atomic/atomic_test.go: placement", () => {
  it("TestUnaligned64 (weft refuses a misaligned 64-bit atomic when it is placed, on every platform)", () => {
    const buf = new SharedArrayBuffer(64);
    for (const off of [4, 12, 20]) expect(() => AtomicI64.at(buf, off), `offset ${off}`).toThrow(/not a multiple of 8/);
    expect(new Int32Array(buf).every((w) => w === 0), "a refused placement writes nothing").toBe(true);
  });

  it("TestAutoAligned64 (Int64 after a uint32 field: offset 8, 8-aligned, neighbours untouched)", () => {
    const buf = new SharedArrayBuffer(AtomicU32.BYTE_LENGTH + AtomicI64.BYTE_LENGTH);
    const before = AtomicU32.at(buf, 0);
    const i = AtomicI64.at(buf, AtomicU32.BYTE_LENGTH);
    expect(i.byteOffset).toBe(8);
    expect(i.byteOffset % 8).toBe(0);
    before.store(0xffffffff);
    i.store(-1n);
    i.fetchAdd(1n);
    expect(before.load()).toBe(0xffffffff);
    expect(i.load()).toBe(0n);
  });

  it("TestNilDeref (no memory / no receiver: a catchable TypeError, not a crash)", () => {
    for (const X of [AtomicI32, AtomicU32, AtomicI64] as const) {
      for (const nil of [null, undefined]) expect(() => X.at(nil as any, 0)).toThrow(TypeError);
    }
    const methods: [object, string, unknown[]][] = [
      [AtomicI32.prototype, "compareExchange", [0, 0]], [AtomicU32.prototype, "compareExchange", [0, 0]], [AtomicI64.prototype, "compareExchange", [0n, 0n]],
      [AtomicI32.prototype, "swap", [0]], [AtomicU32.prototype, "swap", [0]], [AtomicI64.prototype, "swap", [0n]],
      [AtomicI32.prototype, "fetchAdd", [0]], [AtomicU32.prototype, "fetchAdd", [0]], [AtomicI64.prototype, "fetchAdd", [0n]],
      [AtomicI32.prototype, "load", []], [AtomicU32.prototype, "load", []], [AtomicI64.prototype, "load", []],
      [AtomicI32.prototype, "store", [0]], [AtomicU32.prototype, "store", [0]], [AtomicI64.prototype, "store", [0n]],
    ];
    for (const [proto, m, args] of methods) {
      expect(() => (proto as any)[m].apply(undefined, args), m).toThrow(TypeError);
    }
  });
});
