/**
 * Worker side of the parallel helpers (built to dist/kernels.js): plain exported functions that a
 * pool's workers run by module URL + export name, each over one chunk [lo, hi) of a
 * SharedArrayBuffer-backed typed array. The caller side (`parallel.ts`, `sort.ts`) splits the work
 * and combines the results.
 *
 * Every kernel takes `ctl`, the job's control word (an Int32Array over shared memory): non-zero
 * means the job was aborted or failed elsewhere, and the kernel returns early without finishing
 * its chunk (it looks every `CANCEL_EVERY` elements), so an aborted job's tasks end promptly and
 * nothing writes to the caller's arrays after the job has settled.
 *
 * User functions are named by module URL and export, imported once per worker (module scope is
 * per worker) and cached here.
 */
import * as sys from "../sys/index.js";
import { CANCEL_EVERY, sortInThread, type NumericArray } from "./radix.js";

type Fn = (...args: number[]) => unknown;

const fns = new Map<string, Fn>();

/** Whether the job's stop word is set (an atomic load: the flag only, it orders nothing else). */
const aborted = (ctl: Int32Array): boolean => sys.load(ctl, 0) !== 0;

/**
 * Calls `body` with the user's function `name` of module `url`, imported on first use in this
 * worker. Once it is cached the call is synchronous: a kernel that returned a promise would let
 * the pool's worker start its next chunk before running this one (an async task does not hold its
 * worker), so one worker could end up with all the chunks while another waits.
 */
function withFn<R>(where: string, url: string, name: string, body: (fn: Fn) => R): R | Promise<R> {
  const fn = fns.get(`${name}\u0000${url}`);
  if (fn !== undefined) return body(fn);
  return load(where, url, name).then(body);
}

async function load(where: string, url: string, name: string): Promise<Fn> {
  const mod = await import(url);
  const fn = mod[name];
  if (typeof fn !== "function") {
    throw new TypeError(
      `${where}: module ${url} has no exported function "${name}" (its export "${name}" is ${fn === undefined ? "missing" : typeof fn})`,
    );
  }
  fns.set(`${name}\u0000${url}`, fn);
  return fn;
}

/** Throws if a user function returned a promise: chunk loops call it synchronously. */
function checkSync(where: string, name: string, r: unknown): void {
  if (r !== null && typeof r === "object" && typeof (r as any).then === "function") {
    throw new TypeError(`${where}: "${name}" returned a Promise; the function must be synchronous (it is called once per element)`);
  }
}

/**
 * Claims blocks of `block` elements of [0, n) from the job's shared `cursor` (one atomic add per
 * block) and calls `body(lo, hi, b)` for each, until none is left or the job stops. Every task of
 * a dynamic job runs this loop, so a thread that runs faster (or started earlier) simply takes
 * more blocks: no fixed split to balance, and one task per thread instead of one per chunk.
 */
function claimBlocks(cursor: Int32Array, n: number, block: number, ctl: Int32Array, body: (lo: number, hi: number, b: number) => void): void {
  for (;;) {
    if (aborted(ctl)) return;
    const b = sys.add(cursor, 0, 1);
    const lo = b * block;
    if (lo >= n) return;
    body(lo, Math.min(n, lo + block), b);
  }
}

/** parts[b] = the sum of block b, for the blocks this task claims (see claimBlocks). */
export function sumBlocks(data: NumericArray, parts: Float64Array, cursor: Int32Array, block: number, ctl: Int32Array): void {
  claimBlocks(cursor, data.length, block, ctl, (lo, hi, b) => {
    parts[b] = sumChunk(data, lo, hi, ctl);
  });
}

/** `mapChunk` over the blocks this task claims. */
export function mapBlocks(
  data: NumericArray,
  out: NumericArray,
  url: string,
  name: string,
  cursor: Int32Array,
  block: number,
  ctl: Int32Array,
): void | Promise<void> {
  return withFn("parallel.map", url, name, () => {
    claimBlocks(cursor, data.length, block, ctl, (lo, hi) => void mapChunk(data, out, url, name, lo, hi, ctl));
  });
}

/** `forEachChunk` over the blocks this task claims. */
export function forEachBlocks(data: NumericArray, url: string, name: string, cursor: Int32Array, block: number, ctl: Int32Array): void | Promise<void> {
  return withFn("parallel.forEach", url, name, () => {
    claimBlocks(cursor, data.length, block, ctl, (lo, hi) => void forEachChunk(data, url, name, lo, hi, ctl));
  });
}

/** parts[b] = `reduceChunk` of block b (folded from `identity`), for the blocks this task claims. */
export function reduceBlocks(
  data: NumericArray,
  url: string,
  name: string,
  identity: number,
  parts: Float64Array,
  cursor: Int32Array,
  block: number,
  ctl: Int32Array,
): void | Promise<void> {
  return withFn("parallel.reduce", url, name, () => {
    claimBlocks(cursor, data.length, block, ctl, (lo, hi, b) => {
      parts[b] = reduceChunk(data, url, name, identity, lo, hi, ctl) as number;
    });
  });
}

/** Sum of data[lo, hi), four accumulators (independent add chains; the caller adds chunks in order). */
export function sumChunk(data: NumericArray, lo: number, hi: number, ctl: Int32Array): number {
  let s = 0;
  for (let b = lo; b < hi; b += CANCEL_EVERY) {
    if (aborted(ctl)) return NaN;
    s += sumRun(data, b, Math.min(hi, b + CANCEL_EVERY));
  }
  return s;
}

/**
 * Sum of d[lo, hi), four accumulators. `hi` is clamped to `d.length` first and the main loop runs
 * to `hi - 3`: with the bound tied to the array's length V8 drops most bounds checks (10M doubles,
 * one thread: 5.0 → 4.3 ms, the speed of a loop over a module-level constant array). (A subarray
 * per block did as well when it did, but swung to 3× slower in some processes.)
 */
function sumRun(d: NumericArray, lo: number, hi: number): number {
  const len = d.length;
  if (hi > len) hi = len;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = lo;
  const e = hi - 3;
  for (; i < e; i += 4) {
    s0 += d[i];
    s1 += d[i + 1];
    s2 += d[i + 2];
    s3 += d[i + 3];
  }
  for (; i < hi; i++) s0 += d[i];
  return (s0 + s1) + (s2 + s3);
}

/** out[i] = fn(data[i], i) for i in [lo, hi). */
export function mapChunk(
  data: NumericArray,
  out: NumericArray,
  url: string,
  name: string,
  lo: number,
  hi: number,
  ctl: Int32Array,
): void | Promise<void> {
  return withFn("parallel.map", url, name, (fn) => {
    if (aborted(ctl) || lo >= hi) return;
    const first = fn(data[lo], lo);
    checkSync("parallel.map", name, first);
    out[lo] = first as number;
    for (let b = lo + 1; b < hi; b += CANCEL_EVERY) {
      if (aborted(ctl)) return;
      const e = Math.min(hi, b + CANCEL_EVERY);
      for (let i = b; i < e; i++) out[i] = fn(data[i], i) as number;
    }
  });
}

/** fn(data[i], i) for i in [lo, hi). */
export function forEachChunk(data: NumericArray, url: string, name: string, lo: number, hi: number, ctl: Int32Array): void | Promise<void> {
  return withFn("parallel.forEach", url, name, (fn) => {
    if (aborted(ctl) || lo >= hi) return;
    checkSync("parallel.forEach", name, fn(data[lo], lo));
    for (let b = lo + 1; b < hi; b += CANCEL_EVERY) {
      if (aborted(ctl)) return;
      const e = Math.min(hi, b + CANCEL_EVERY);
      for (let i = b; i < e; i++) fn(data[i], i);
    }
  });
}

/** fn(…fn(fn(identity, data[lo]), data[lo+1])…, data[hi-1]). */
export function reduceChunk(
  data: NumericArray,
  url: string,
  name: string,
  identity: number,
  lo: number,
  hi: number,
  ctl: Int32Array,
): number | Promise<number> {
  return withFn("parallel.reduce", url, name, (fn) => {
    if (aborted(ctl)) return NaN;
    if (lo >= hi) return identity;
    const first = fn(identity, data[lo]);
    checkSync("parallel.reduce", name, first);
    let acc = first as number;
    for (let b = lo + 1; b < hi; b += CANCEL_EVERY) {
      if (aborted(ctl)) return NaN;
      const e = Math.min(hi, b + CANCEL_EVERY);
      for (let i = b; i < e; i++) acc = fn(acc, data[i]) as number;
    }
    return acc;
  });
}

/** Folds the chunks' partial results, in chunk order: fn(…fn(identity, parts[0])…, parts[k-1]). */
export function reduceParts(url: string, name: string, identity: number, parts: number[]): number | Promise<number> {
  return withFn("parallel.reduce", url, name, (fn) => {
    let acc = identity;
    for (const p of parts) acc = fn(acc, p) as number;
    return acc;
  });
}

// The sort's two phases per pass (radix.ts): count, then scatter.
export { countDigits as sortCount, scatterDigits as sortScatter } from "./radix.js";

/** Sorts a whole (small) array in this worker: the same passes, one chunk. */
export function sortWhole(data: NumericArray, desc: boolean, ctl: Int32Array): void {
  if (!aborted(ctl)) sortInThread(data, desc);
}

/** dst[lo, hi) = src[lo, hi), bit for bit (same array type). */
export function copyChunk(src: NumericArray, dst: NumericArray, lo: number, hi: number, ctl: Int32Array): void {
  if (aborted(ctl)) return;
  dst.set(src.subarray(lo, hi), lo);
}
