/**
 * The parallel helpers' worker-side kernels (src/parallel/kernels.ts, built to dist/kernels.js),
 * called directly on this thread and from spawned workers: the chunk loops, the radix sort's
 * count/scatter phases over any chunking, the cancel word, and user functions named by module URL.
 * (The helpers on real pools are tested in parallel.test.ts / parallel.prop.test.ts.)
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import * as k from "../../dist/kernels.js";
import { spawn } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import { fcParams } from "../prop-helpers.js";
import { arrayCaseArb, build, shared, sortMismatch, type Numeric } from "./util.js";

const fns = workerUrl("par-fns.mjs").href;
const ctl = () => new Int32Array(new SharedArrayBuffer(4));
const f64 = (xs: number[]) => shared(new Float64Array(xs));

/** The caller's half of a radix pass, written independently of src/parallel/sort.ts: offsets bucket-major, chunk-minor. */
function offsetsOf(hist: Uint32Array, chunks: number): Uint32Array {
  const offs = new Uint32Array(hist.length);
  let at = 0;
  for (let d = 0; d < 256; d++) for (let c = 0; c < chunks; c++) {
    offs[c * 256 + d] = at;
    at += hist[c * 256 + d]!;
  }
  return offs;
}

/** Sorts with the phase kernels over the given chunk size, on this thread; no pass skipping. */
function phasedSort(a: Numeric, desc: boolean, chunk: number): void {
  const n = a.length;
  const bounds: Array<[number, number]> = [];
  for (let lo = 0; lo < n; lo += chunk) bounds.push([lo, Math.min(n, lo + chunk)]);
  const scratch = new (a.constructor as any)(new SharedArrayBuffer(a.byteLength)) as Numeric;
  const hist = new Uint32Array(new SharedArrayBuffer(bounds.length * 1024));
  let src = a, dst = scratch;
  const c = ctl();
  for (let pass = 0; pass < a.BYTES_PER_ELEMENT; pass++) {
    bounds.forEach(([lo, hi], i) => k.sortCount(src, desc, pass, lo, hi, hist, i * 256, c));
    const offs = offsetsOf(hist, bounds.length);
    bounds.forEach(([lo, hi], i) => k.sortScatter(src, dst, desc, pass, lo, hi, offs, i * 256, c));
    [src, dst] = [dst, src];
  }
  if (src !== a) bounds.forEach(([lo, hi]) => k.copyChunk(src, a, lo, hi, c));
}

describe("sort kernels (in-thread)", () => {
  it("sortWhole equals the native TypedArray sort, every type, both directions, any bit pattern", () => {
    fc.assert(
      fc.property(arrayCaseArb(3000), fc.boolean(), (c, desc) => {
        const a = build(c);
        const original = a.slice();
        k.sortWhole(a, desc, ctl());
        expect(sortMismatch(a, original, desc)).toBeNull();
      }),
      fcParams(300),
    );
  });

  it("count/scatter phases over any chunking equal the native sort once negative NaNs are handled", () => {
    // Without moveLeadingNaNs the phases alone give key order: canonical (positive) NaNs last
    // ascending, first descending. Only ascending with canonical NaNs is checked bit for bit here.
    fc.assert(
      fc.property(arrayCaseArb(3000), fc.integer({ min: 1, max: 3500 }), (c, chunk) => {
        const a = build({ ...c, canonicalNaN: true });
        const original = a.slice();
        phasedSort(a, false, chunk);
        expect(sortMismatch(a, original, false)).toBeNull();
      }),
      fcParams(200),
    );
  });

  it("sorts the special floats: -0 before +0, ±Infinity at the ends, NaNs of both signs last", () => {
    const negNaN = new Float64Array(new BigUint64Array([0xfff8000000000001n]).buffer)[0]!;
    const a = f64([3, NaN, -0, Infinity, 0, -Infinity, negNaN, -1, Number.MIN_VALUE, -Number.MIN_VALUE]);
    k.sortWhole(a, false, ctl());
    expect(Array.from(a.subarray(0, 8))).toEqual([-Infinity, -1, -Number.MIN_VALUE, -0, 0, Number.MIN_VALUE, 3, Infinity]);
    expect(Object.is(a[3], -0) && Object.is(a[4], 0)).toBe(true);
    expect(Number.isNaN(a[8]) && Number.isNaN(a[9])).toBe(true);
    k.sortWhole(a, true, ctl());
    expect(Array.from(a.subarray(0, 8))).toEqual([Infinity, 3, Number.MIN_VALUE, 0, -0, -Number.MIN_VALUE, -1, -Infinity]);
    expect(Object.is(a[3], 0) && Object.is(a[4], -0)).toBe(true);
    // The NaNs keep their payloads (negative NaN included).
    const tail = new BigUint64Array(a.buffer, 64, 2);
    expect([...tail].sort((x, y) => (x < y ? -1 : 1))).toEqual([0x7ff8000000000000n, 0xfff8000000000001n]);
  });

  it("a set control word stops the sort before it writes", () => {
    const a = f64([3, 1, 2]);
    const c = ctl();
    Atomics.store(c, 0, 1);
    k.sortWhole(a, false, c);
    expect(Array.from(a)).toEqual([3, 1, 2]);
  });
});

describe("chunk kernels (in-thread)", () => {
  it("sumChunk sums its range exactly for integers, and stops on the control word", () => {
    const a = shared(Float64Array.from({ length: 200_000 }, (_, i) => i % 1000));
    expect(k.sumChunk(a, 0, a.length, ctl())).toBe(99_900_000);
    expect(k.sumChunk(a, 10, 13, ctl())).toBe(10 + 11 + 12);
    expect(k.sumChunk(a, 5, 5, ctl())).toBe(0);
    const c = ctl();
    Atomics.store(c, 0, 1);
    expect(k.sumChunk(a, 0, a.length, c)).toBeNaN();
  });

  it("mapChunk writes fn(x, i) for exactly its range; forEach/reduce call the named export", async () => {
    const a = f64([1, 2, 3, 4, 5]);
    const out = shared(new Int32Array(5).fill(-1));
    await k.mapChunk(a, out, fns, "affine", 1, 4, ctl());
    expect(Array.from(out)).toEqual([-1, 2 * 2 + 1, 2 * 3 + 2, 2 * 4 + 3, -1]);
    expect(await k.reduceChunk(a, fns, "add", 0, 0, 5, ctl())).toBe(15);
    expect(await k.reduceChunk(a, fns, "max", -Infinity, 2, 2, ctl())).toBe(-Infinity);
    expect(await k.reduceParts(fns, "add", 0, [1, 2, 3])).toBe(6);
  });

  it("a missing export, a non-function, an async function and a throwing one are clear errors", async () => {
    const a = f64([1, 2]);
    await expect(k.mapChunk(a, a, fns, "nope", 0, 2, ctl())).rejects.toThrow(/parallel\.map: module .*par-fns\.mjs has no exported function "nope" \(its export "nope" is missing\)/);
    await expect(k.forEachChunk(a, fns, "notAFunction", 0, 2, ctl())).rejects.toThrow(/no exported function "notAFunction" \(its export "notAFunction" is number\)/);
    await expect(k.mapChunk(a, a, fns, "asyncSquare", 0, 2, ctl())).rejects.toThrow(/"asyncSquare" returned a Promise; the function must be synchronous/);
    const big = shared(new Float64Array(1000));
    await expect(k.mapChunk(big, big, fns, "boom", 0, 1000, ctl())).rejects.toThrow(RangeError);
  });
});

describe("block kernels (in-thread): claim blocks from a shared cursor until none is left", () => {
  /** A job's words (parallel/buffers.ts): [0] stop word, [16] block cursor. */
  const jobWords = () => new Int32Array(new SharedArrayBuffer(4 * 17));
  const claimed = (job: Int32Array) => Atomics.load(job, 16);

  it("sumBlocks writes each block's sum to parts[b]; a second task on the same cursor finds nothing left", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 700 }), (n, block) => {
        const a = shared(Float64Array.from({ length: n }, (_, i) => (i * 7) % 1000));
        const blocks = Math.ceil(n / block);
        const parts = shared(new Float64Array(blocks + 1).fill(-1));
        const job = jobWords();
        expect(k.sumBlocks(a, parts, job, block)).toBe(true);
        for (let b = 0; b < blocks; b++) expect(parts[b]).toBe(k.sumChunk(a, b * block, Math.min(n, (b + 1) * block), ctl()));
        expect(parts[blocks]).toBe(-1); // nothing past the last block
        const before = claimed(job);
        expect(k.sumBlocks(a, parts, job, block)).toBe(true);
        expect(claimed(job)).toBe(before + 1); // one look past the end, no block
      }),
      fcParams(100),
    );
  });

  it("a set control word stops claiming: no block is taken or written", () => {
    const a = f64([1, 2, 3, 4]);
    const parts = shared(new Float64Array(4).fill(-1));
    const job = jobWords();
    Atomics.store(job, 0, 1);
    expect(k.sumBlocks(a, parts, job, 1)).toBe(true);
    expect(claimed(job)).toBe(0);
    expect(Array.from(parts)).toEqual([-1, -1, -1, -1]);
  });

  it("after SLICE_MS a task gives its worker up between blocks if other tasks wait in the pool, else runs to the end", async () => {
    // "slow" busy-waits 50 µs per call: 400 one-element blocks are 20 ms, several slices.
    const n = 400;
    const a = shared(Float64Array.from({ length: n }, (_, i) => i));
    const out = shared(new Float64Array(n).fill(-1));
    // This thread poses as a pool worker (pool/worker-entry.ts publishes its pool's control words
    // there): one task waiting in the injector, no workers.
    const pool = new Int32Array(new SharedArrayBuffer(4 * 64));
    Atomics.store(pool, 32, 1); // INJ_TAIL: one entry pushed, INJ_HEAD still 0
    const key = Symbol.for("weft.pool.control");
    (globalThis as any)[key] = pool;
    try {
      const job = jobWords();
      const t0 = performance.now();
      expect(await k.mapBlocks(a, out, fns, "slow", job, 1)).toBe(false);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(k.SLICE_MS);
      const taken = claimed(job);
      expect(taken).toBeGreaterThan(0);
      expect(taken).toBeLessThan(n);
      for (let i = 0; i < n; i++) expect(out[i]).toBe(i < taken ? i : -1); // the claimed blocks, no more
      // Nobody waiting: the continuation runs to the end.
      Atomics.store(pool, 16, 1); // INJ_HEAD: the entry was taken
      expect(await k.mapBlocks(a, out, fns, "slow", job, 1)).toBe(true);
      expect(Array.from(out)).toEqual(Array.from(a));
    } finally {
      delete (globalThis as any)[key];
    }
  });

  it("a block that throws sets the job's stop word, so the job's other tasks stop", async () => {
    const a = shared(new Float64Array(1000));
    const job = jobWords();
    await expect((async () => k.mapBlocks(a, a, fns, "boom", job, 100))()).rejects.toThrow("boom at 777");
    expect(Atomics.load(job, 0)).toBe(1);
    expect(claimed(job)).toBe(8); // blocks 0…7 claimed; none after the one that threw
  });

  it("mapBlocks, forEachBlocks and reduceBlocks cover every index exactly once, with the user's function", async () => {
    const a = f64([1, 2, 3, 4, 5, 6, 7]);
    const out = shared(new Float64Array(7).fill(-1));
    await k.mapBlocks(a, out, fns, "affine", jobWords(), 3);
    expect(Array.from(out)).toEqual([2, 5, 8, 11, 14, 17, 20]);
    const parts = shared(new Float64Array(3));
    await k.reduceBlocks(a, fns, "add", 0, parts, jobWords(), 3);
    expect(Array.from(parts)).toEqual([6, 15, 7]);
    // (A kernel whose function is cached throws at once, else rejects: either way the task fails.)
    const failing = (f: () => unknown) => (async () => f())();
    await expect(failing(() => k.forEachBlocks(a, fns, "nope", jobWords(), 3))).rejects.toThrow(/no exported function "nope"/);
    await expect(failing(() => k.mapBlocks(a, a, fns, "asyncSquare", jobWords(), 3))).rejects.toThrow(/returned a Promise/);
  });
});

describe("kernels in spawned workers (real threads, disjoint chunks of one shared array)", () => {
  it("three workers claiming small blocks of one array from one cursor, at the same time, take every block exactly once", async () => {
    const n = 200_000, block = 16, blocks = n / block;
    const a = shared(Float64Array.from({ length: n }, (_, i) => i % 16));
    const url = workerUrl("par-kernel-together.mjs");
    for (let round = 0; round < 3; round++) {
      const go = new Int32Array(new SharedArrayBuffer(4));
      const job = new Int32Array(new SharedArrayBuffer(4 * 17)); // stop word, cursor at [16]
      // One parts array per worker: a block claimed twice shows up in two of them, one never claimed in none.
      const parts = [0, 1, 2].map(() => shared(new Float64Array(blocks).fill(-1)));
      const done = await Promise.all(parts.map((p) => spawn<boolean>(url, go, 3, "sumBlocks", a, p, job, block).join()));
      expect(done).toEqual([true, true, true]);
      let wrong = 0;
      for (let b = 0; b < blocks; b++) {
        const owners = parts.filter((p) => p[b] !== -1);
        if (owners.length !== 1 || owners[0]![b] !== 120) wrong++; // 0 + 1 + … + 15
      }
      expect(wrong).toBe(0);
      expect(Atomics.load(job, 16)).toBe(blocks + 3); // each worker looked once past the end
    }
  });

  it("two workers map halves of one array in place and sum them", async () => {
    const n = 300_001;
    const a = shared(Float64Array.from({ length: n }, (_, i) => i));
    const url = workerUrl("par-kernel.mjs");
    const mid = n >> 1;
    const c = ctl();
    await Promise.all([spawn(url, "mapChunk", a, a, fns, "square", 0, mid, c).join(), spawn(url, "mapChunk", a, a, fns, "square", mid, n, c).join()]);
    for (let i = 0; i < n; i += 997) expect(a[i]).toBe(i * i);
    const sums = await Promise.all([spawn<number>(url, "sumChunk", a, 0, mid, c).join(), spawn<number>(url, "sumChunk", a, mid, n, c).join()]);
    // Σ i² for i < n, exact in doubles at this size
    expect(sums[0]! + sums[1]!).toBe(((n - 1) * n * (2 * n - 1)) / 6);
  });

  it("two workers run a radix pass's count and scatter phases on their chunks", async () => {
    const n = 100_000;
    const a = shared(Float64Array.from({ length: n }, () => (Math.random() - 0.5) * 1e6));
    const original = a.slice();
    const url = workerUrl("par-kernel.mjs");
    const scratch = new Float64Array(new SharedArrayBuffer(a.byteLength));
    const hist = new Uint32Array(new SharedArrayBuffer(2 * 1024));
    const bounds = [[0, 40_000], [40_000, n]] as const;
    const c = ctl();
    let src: Float64Array = a, dst: Float64Array = scratch;
    for (let pass = 0; pass < 8; pass++) {
      await Promise.all(bounds.map(([lo, hi], i) => spawn(url, "sortCount", src, false, pass, lo, hi, hist, i * 256, c).join()));
      const offs = shared(offsetsOf(hist, 2));
      await Promise.all(bounds.map(([lo, hi], i) => spawn(url, "sortScatter", src, dst, false, pass, lo, hi, offs, i * 256, c).join()));
      [src, dst] = [dst, src];
    }
    expect(src).toBe(a);
    expect(sortMismatch(a, original, false)).toBeNull();
  });
});
