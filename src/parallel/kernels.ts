/**
 * Worker side of the parallel helpers (built to dist/kernels.js): plain exported functions that a
 * pool's workers run by module URL + export name over a SharedArrayBuffer-backed typed array —
 * either one chunk [lo, hi) per task (`…Chunk`, the sort's phases), or the blocks a task claims
 * from a shared cursor (`…Blocks`, see claimBlocks). The caller side (`parallel.ts`, `sort.ts`)
 * splits the work and combines the results.
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
import * as L from "../pool/layout.js";
import * as Q from "../pool/queues.js";
import { CANCEL_EVERY, JOB_CURSOR, sortInThread, type NumericArray } from "./radix.js";

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

/** A value's kind for messages ("a string", "null", "a bigint"…). */
const describe = (v: unknown): string =>
  v === null || v === undefined ? String(v) : typeof v === "object" ? "an object" : `a ${typeof v}`;

/** Throws if a user function returned a promise: chunk loops call it synchronously. */
function checkSync(where: string, name: string, r: unknown): void {
  if (r !== null && typeof r === "object" && typeof (r as any).then === "function") {
    throw new TypeError(`${where}: "${name}" returned a Promise; the function must be synchronous (it is called once per element)`);
  }
}

/**
 * How long a task of a dynamic job keeps its worker (ms) while other tasks wait in the pool: then
 * it returns after its current block and the job submits a continuation behind them (see
 * `claimBlocks`). Without waiting tasks it runs until no block is left.
 */
export const SLICE_MS = 4;

/** This thread's pool's control words if it is a pool worker (pool/worker-entry.ts), else null. */
const poolControl = (): Int32Array | null => ((globalThis as any)[L.POOL_CONTROL_KEY] as Int32Array | undefined) ?? null;

/**
 * Claims blocks of `block` elements of [0, n) from the job's cursor (`job[JOB_CURSOR]`, one atomic
 * add per block) and calls `body(lo, hi, b)` for each, until none is left or the job stops
 * (`job[0]`, its stop word): returns true then. Every task of a dynamic job runs this loop, so a
 * thread that runs faster (or started earlier) simply takes more blocks: no fixed split to
 * balance, and one task per thread instead of one per chunk. After `SLICE_MS`, if other tasks
 * wait in this worker's pool, it returns false between blocks, giving its worker up: the job
 * submits a continuation, so a long job does not hold every worker of a shared pool. A block that
 * throws sets the job's stop word before the error propagates, so the job's other tasks stop at
 * their next block even before the caller's thread hears of it.
 */
function claimBlocks(job: Int32Array, n: number, block: number, body: (lo: number, hi: number, b: number) => void): boolean {
  const pool = poolControl();
  const until = pool === null ? Infinity : sys.now() + SLICE_MS;
  for (;;) {
    if (aborted(job)) return true;
    if (sys.now() > until && Q.anyQueued(pool!)) return false;
    // The add is the claim: each block index goes to exactly one task. It orders nothing else —
    // block results are published by the task's completion (a SeqCst store the owner loads).
    const b = sys.add(job, JOB_CURSOR, 1);
    const lo = b * block;
    if (lo >= n) return true;
    try {
      body(lo, Math.min(n, lo + block), b);
    } catch (e) {
      // The stop flag only (SeqCst, polled with a load between blocks): the caller's thread also
      // sets it once it hears of the failure; this just makes the job's other tasks stop sooner.
      sys.store(job, 0, 1);
      throw e;
    }
  }
}

/**
 * parts[b] = the sum of block b, for the blocks this task claims (see claimBlocks; returns its
 * result). `job`: the job's words (stop word, cursor).
 */
export function sumBlocks(data: NumericArray, parts: Float64Array, job: Int32Array, block: number): boolean {
  return claimBlocks(job, data.length, block, (lo, hi, b) => {
    parts[b] = sumChunk(data, lo, hi, job);
  });
}

/** `mapChunk` over the blocks this task claims. */
export function mapBlocks(data: NumericArray, out: NumericArray, url: string, name: string, job: Int32Array, block: number): boolean | Promise<boolean> {
  return withFn("parallel.map", url, name, () => claimBlocks(job, data.length, block, (lo, hi) => void mapChunk(data, out, url, name, lo, hi, job)));
}

/** `forEachChunk` over the blocks this task claims. */
export function forEachBlocks(data: NumericArray, url: string, name: string, job: Int32Array, block: number): boolean | Promise<boolean> {
  return withFn("parallel.forEach", url, name, () => claimBlocks(job, data.length, block, (lo, hi) => void forEachChunk(data, url, name, lo, hi, job)));
}

/**
 * parts[b] = `reduceChunk` of block b (folded from `identity`), for the blocks this task claims.
 * The slots are doubles: `fn` must return numbers (reduceChunk checks).
 */
export function reduceBlocks(
  data: NumericArray,
  url: string,
  name: string,
  identity: number,
  parts: Float64Array,
  job: Int32Array,
  block: number,
): boolean | Promise<boolean> {
  return withFn("parallel.reduce", url, name, () =>
    claimBlocks(job, data.length, block, (lo, hi, b) => {
      parts[b] = reduceChunk(data, url, name, identity, lo, hi, job) as number;
    }),
  );
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
 * one thread: 5.0 → 4.3 ms, the speed of a loop over a module-level constant array).
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

// Every path of sumRun runs, in the interpreter, before any real call — enough times for V8 to give
// the function its feedback vector (allocated lazily, after a few calls) and record types in it.
// Without this the first real call compiled the hot main loop on the stack (OSR) before the tail
// loop had ever run; meeting the tail's compare with no type feedback, that code deoptimized — and
// in some processes on every later call, the cached OSR code being entered again each time
// (1 683 deopts in one bench run: the kernel 4× slower, 21 ms instead of 5 for 10M doubles).
{
  const warm = new Float64Array(7);
  for (let k = 0; k < 64; k++) sumRun(warm, 0, 7);
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
    // A typed array would store anything else as a number (undefined → NaN, "3" → 3): a function
    // that forgot its `return` is an error, not an array of NaNs. Checked on each chunk's first
    // result (the type says number; a plain URL is unchecked); not on every element.
    if (typeof first !== "number") {
      throw new TypeError(`parallel.map: "${name}" returned ${describe(first)} for element ${lo}; it must return a number (fn(x: number, i: number) => number)`);
    }
    out[lo] = first;
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
    // Partial results are numbers in shared slots (reduceBlocks): a function that returns
    // something else is a clear error, not a silent NaN (the type says number; a plain URL is unchecked).
    if (typeof acc !== "number") {
      throw new TypeError(`parallel.reduce: "${name}" returned ${describe(acc)}; it must return a number (fn(acc: number, x: number) => number)`);
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
