/**
 * Parallel helpers over SharedArrayBuffer-backed typed arrays (after rayon's `par_iter`,
 * `par_sort` and `join`), caller's side.
 *
 * The model: code is named by module URL + export name (functions cannot cross threads), data
 * stays in shared memory. A helper splits [0, n) into chunks and runs one task per chunk on a
 * `ThreadPool`: the task is a kernel of `dist/kernels.js` (kernels.ts) that gets the typed arrays
 * (the same shared memory, not a copy), its chunk's range, and the user's module URL and export;
 * it imports the user's module once per worker and loops over the chunk. Results of chunks are
 * combined here, in chunk order. See job.ts for scheduling, progress and abort.
 */
import { moduleHref } from "../thread/spawn.js";
import { describeValue, requireSharedMemory } from "../memory/layout.js";
import { Job, type ParallelOptions } from "./job.js";
import { sortSpecOf, type NumericArray, type SortSpec } from "./radix.js";
import { sortOnPool, sortWork } from "./sort.js";
import { currentPool } from "../pool/pool.js";
import type { Pool } from "../pool/api.js";
import type { Sendable } from "../types.js";

export type { ParallelOptions } from "./job.js";
export type { NumericArray } from "./radix.js";

/** Options of `parallel.sort`. */
export interface SortOptions extends ParallelOptions {
  /** Largest first (NaNs still last). Default false. */
  descending?: boolean;
}

/**
 * URL of the kernels module, beside this bundle's files in dist/ (as spawn finds dist/worker.js).
 * The CJS build resolves it too (tsup shims `import.meta.url`) and gets the ESM kernels, which
 * pool workers load with `import()` like any task module.
 */
const KERNELS = new URL("./kernels.js", import.meta.url).href;

/** The element types every helper accepts, by constructor name (for error messages). */
const ACCEPTED = "Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array or Uint8ClampedArray";

/** Checks a helper's array argument: a numeric typed array over a SharedArrayBuffer. */
function checkArray(where: string, name: string, a: unknown): SortSpec {
  const spec = sortSpecOf(a);
  if (spec === undefined) {
    const big = a instanceof BigInt64Array || a instanceof BigUint64Array;
    throw new TypeError(
      `${where}: ${name} must be a ${ACCEPTED} over a SharedArrayBuffer, got ${describeValue(a)}` +
        (big ? " (64-bit integer arrays hold bigints; the helpers work on numbers)" : ""),
    );
  }
  const buffer = (a as NumericArray).buffer;
  requireSharedMemory();
  if (!(buffer instanceof SharedArrayBuffer)) {
    const ctor = (a as NumericArray).constructor.name;
    throw new TypeError(
      `${where}: ${name} is a ${ctor} over a plain ArrayBuffer, which worker threads cannot see; ` +
        `put it in shared memory: const shared = new ${ctor}(new SharedArrayBuffer(${name}.byteLength)); shared.set(${name})`,
    );
  }
  return spec;
}

function checkExport(where: string, name: unknown): string {
  if (typeof name !== "string" || name === "") {
    throw new TypeError(`${where}: the export name must be a non-empty string (the function's name in its module), got ${describeValue(name)}`);
  }
  return name;
}

/** Runs `body` as the job's life: ends the job (detaching its signal) however it settles. */
async function running<T>(job: Job, body: () => Promise<T>): Promise<T> {
  let ok = false;
  try {
    const r = await body();
    ok = true;
    return r;
  } finally {
    job.end(ok);
  }
}

/** Runs a kernel once per chunk of [0, n); resolves with the chunks' results in order. */
function perChunk<T>(job: Job, n: number, task: (lo: number, hi: number) => [kernel: string, ...args: unknown[]]): Promise<T[]> {
  const chunks = job.chunks(n);
  return job.phase(
    chunks.length,
    (i) => job.pool.run<T>(KERNELS, ...task(...chunks[i]!)),
    (i) => chunks[i]![1] - chunks[i]![0],
  );
}

/**
 * Sum of the elements (as doubles), computed in parallel.
 *
 * Each chunk is summed in order (four interleaved accumulators) and the chunk sums are added in
 * chunk order, so the result is deterministic for a given chunking; floating-point rounding may
 * differ from a single left-to-right loop (as with rayon's `sum`), by at most the usual
 * n·ε·Σ|x| bound. Sums of integers below 2^53 are exact.
 *
 * ```ts
 * const data = new Float64Array(new SharedArrayBuffer(8 * 1_000_000)).fill(0.5);
 * await parallel.sum(data); // 500000
 * ```
 * On abort: rejects with `AbortError`; nothing was written.
 */
async function sum(data: NumericArray, opts?: ParallelOptions): Promise<number> {
  const where = "parallel.sum";
  checkArray(where, "data", data);
  const job = new Job(where, opts, data.length);
  const parts = await running(job, () => perChunk<number>(job, data.length, (lo, hi) => ["sumChunk", data, lo, hi, job.ctl]));
  let s = 0;
  for (const p of parts) s += p;
  return s;
}

/**
 * `out[i] = fn(data[i], i)` for every i, in parallel. `fn` is the export `exportName` of the
 * module at `moduleUrl` (a URL or absolute path: `new URL("./square.js", import.meta.url)`), a
 * synchronous `(x: number, i: number) => number`, imported once per worker. `out` may be `data`
 * itself (in place; not another view overlapping it) or an array of the same length, of any accepted type (values are
 * converted as a typed-array store converts them).
 *
 * On abort or error: rejects; chunks that finished hold their results, the others may be partly
 * written (from their start), and `data` is untouched (unless it is `out`).
 */
async function map(
  data: NumericArray,
  out: NumericArray,
  moduleUrl: string | URL,
  exportName: string,
  opts?: ParallelOptions,
): Promise<void> {
  const where = "parallel.map";
  checkArray(where, "data", data);
  checkArray(where, "out", out);
  if (out.length !== data.length) {
    throw new RangeError(`${where}: out has ${out.length} elements but data has ${data.length}; they must be the same length`);
  }
  const url = moduleHref(moduleUrl, where);
  const name = checkExport(where, exportName);
  const job = new Job(where, opts, data.length);
  await running(job, () => perChunk(job, data.length, (lo, hi) => ["mapChunk", data, out, url, name, lo, hi, job.ctl]));
}

/**
 * Calls `fn(data[i], i)` for every i, in parallel (in no particular order across chunks; in index
 * order within one). `fn` is named by module URL + export, as in `map`; it may write to shared
 * memory it imports or that `data` views. On abort: rejects; some calls were made, others not.
 */
async function forEach(data: NumericArray, moduleUrl: string | URL, exportName: string, opts?: ParallelOptions): Promise<void> {
  const where = "parallel.forEach";
  checkArray(where, "data", data);
  const url = moduleHref(moduleUrl, where);
  const name = checkExport(where, exportName);
  const job = new Job(where, opts, data.length);
  await running(job, () => perChunk(job, data.length, (lo, hi) => ["forEachChunk", data, url, name, lo, hi, job.ctl]));
}

/**
 * Folds the elements with `fn(acc, x)`, in parallel: each chunk folds from `identity`, then the
 * chunks' results are folded in chunk order (in a worker). Equal to the left-to-right fold when
 * `fn` is associative and `identity` is its identity (`(a, b) => a + b` with 0, `Math.max` with
 * -Infinity…). On abort: rejects with `AbortError`.
 */
async function reduce(
  data: NumericArray,
  moduleUrl: string | URL,
  exportName: string,
  identity: number,
  opts?: ParallelOptions,
): Promise<number> {
  const where = "parallel.reduce";
  checkArray(where, "data", data);
  const url = moduleHref(moduleUrl, where);
  const name = checkExport(where, exportName);
  if (typeof identity !== "number") {
    throw new TypeError(`${where}: identity must be a number (the value fn(identity, x) === x), got ${describeValue(identity)}`);
  }
  const job = new Job(where, opts, data.length);
  return running(job, async () => {
    const parts = await perChunk<number>(job, data.length, (lo, hi) => ["reduceChunk", data, url, name, identity, lo, hi, job.ctl]);
    if (parts.length === 0) return identity;
    const [r] = await job.phase(1, () => job.pool.run<number>(KERNELS, "reduceParts", url, name, identity, parts), () => 0);
    return r!;
  });
}

/**
 * Sorts `data` in place, in parallel, in numeric order with NaNs last and -0 before +0 — the
 * order of `Float64Array.prototype.sort` (`descending: true` reverses it, NaNs still last).
 * Resolves with `data`. An LSD radix sort on the elements' bit patterns (see docs/design.md);
 * memory: one scratch SharedArrayBuffer of `data.byteLength` for the duration of the sort.
 * Arrays up to 65 536 elements (and no `chunkSize`) are sorted in one task.
 *
 * On abort or error: rejects, and `data` holds a permutation of its original elements (the state
 * after the last completed pass) — no element is lost or duplicated.
 */
async function sort<A extends NumericArray>(data: A, opts?: SortOptions): Promise<A> {
  const where = "parallel.sort";
  const spec = checkArray(where, "data", data);
  const desc = opts?.descending ?? false;
  if (typeof desc !== "boolean") {
    throw new TypeError(`${where}: descending must be a boolean, got ${describeValue(desc)}`);
  }
  const job = new Job(where, opts, sortWork(data.length, spec));
  await running(job, async () => {
    if (data.length > 1) await sortOnPool(job, KERNELS, data, spec, desc);
    else job.advance(job.total);
  });
  return data;
}

/**
 * Parallel helpers over SharedArrayBuffer-backed typed arrays, after rayon's parallel iterators.
 * Each takes `{ pool, chunkSize, onProgress, signal }` (default pool: `currentPool()`, i.e.
 * `globalPool()` outside pool tasks).
 */
export const parallel = { sum, map, forEach, reduce, sort } as const;

/** A task for `join`: `[moduleUrl, exportName, ...args]`. */
export type Task = readonly [moduleUrl: string | URL, exportName: string, ...args: unknown[]];

/** A task whose arguments must be `Sendable` (checked by the compiler, each at its position). */
export type SendableTask<T> = T extends readonly [infer U, infer K, ...infer Args]
  ? Sendable<Args> extends infer S extends readonly unknown[]
    ? readonly [U, K, ...S]
    : T
  : T;

/** Options of `join`. */
export interface JoinOptions {
  /** The pool to run on (default: `currentPool()`, as for the helpers). */
  pool?: Pool;
  /**
   * Passed to both tasks (`pool.runWith`): a queued task never runs, and `join` rejects with
   * `signal.reason` at once — a task that was already running still runs to its end (a thread
   * cannot be interrupted), its result dropped.
   */
  signal?: AbortSignal;
}

/**
 * Runs two tasks in parallel on the pool and resolves with both results (rayon's `join`).
 * Each task is `[moduleUrl, exportName, ...args]`, run as `pool.run` runs it. Waits for both to
 * finish either way; if one (or both) failed, rejects with the first task's error, else the second's.
 *
 * ```ts
 * const [left, right] = await join([url, "count", lo, mid], [url, "count", mid, hi]);
 * ```
 * The tasks' arguments must be `Sendable` — checked by the compiler when the call infers its type
 * arguments (`join([url, "f", () => 1], …)` does not compile); with explicit result types
 * (`join<number, string>(…)`) only the run time checks them (`DataCloneError`).
 */
export async function join<A = unknown, B = unknown, TA extends Task = Task, TB extends Task = Task>(
  taskA: TA & SendableTask<TA>,
  taskB: TB & SendableTask<TB>,
  opts?: JoinOptions,
): Promise<[A, B]> {
  const where = "join";
  for (const [name, t] of [["taskA", taskA], ["taskB", taskB]] as const) {
    if (!Array.isArray(t) || t.length < 2) {
      throw new TypeError(`${where}: ${name} must be an array [moduleUrl, exportName, ...args], got ${describeValue(t)}`);
    }
    moduleHref(t[0], where);
    checkExport(where, t[1]);
  }
  if (opts !== undefined && (opts === null || typeof opts !== "object")) {
    throw new TypeError(`${where}: options must be an object like { pool, signal }, got ${describeValue(opts)}`);
  }
  const pool = opts?.pool ?? currentPool();
  const start = <R>([url, name, ...args]: Task): Promise<R> =>
    opts?.signal !== undefined ? pool.runWith<R>({ signal: opts.signal }, url, name, ...args) : pool.run<R>(url, name, ...args);
  const [a, b] = await Promise.allSettled([start<A>(taskA), start<B>(taskB)]);
  if (a.status === "rejected") throw a.reason;
  if (b.status === "rejected") throw b.reason;
  return [a.value, b.value];
}
