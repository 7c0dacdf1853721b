/**
 * Parallel helpers over SharedArrayBuffer-backed typed arrays (after rayon's `par_iter`,
 * `par_sort` and `join`), caller's side.
 *
 * The model: code is named by module URL + export name (functions cannot cross threads), data
 * stays in shared memory. A helper runs tasks on a `ThreadPool`: each is a kernel of
 * `dist/kernels.js` (kernels.ts) that gets the typed arrays (the same shared memory, not a copy)
 * and the user's module URL and export, imports the user's module once per worker, and loops over
 * its part of [0, n) — blocks it claims from a shared cursor (one task per thread: `perBlock`), or
 * one chunk per task (`perChunk`: `sort`, and jobs that report progress). Block and chunk results
 * are combined here, in index order. See job.ts for scheduling, progress and abort.
 */
import { moduleHref } from "../thread/spawn.js";
import { describeValue, requireSharedMemory } from "../memory/layout.js";
import { Job, isPool, type ParallelOptions } from "./job.js";
import { releaseBuffer, takeBuffer } from "./buffers.js";
import { sortSpecOf, type NumericArray, type SortSpec } from "./radix.js";
import { sortOnPool, sortWork } from "./sort.js";
import { currentPool } from "../pool/pool.js";
import type { Pool } from "../pool/api.js";
import type { ModuleRef, Sendable, TaskArgs, TaskName, TaskResult } from "../types.js";

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

/**
 * Runs a dynamic job over [0, n) (see Job.spread): `task(block)` gives the kernel call of one
 * task, which claims blocks of `block` elements. With `parts`, the kernel writes block b's result
 * to `parts[b]`: resolves with those results, in block order.
 */
async function perBlock(
  job: Job,
  n: number,
  parts: boolean,
  task: (block: number, parts: Float64Array | null) => [kernel: string, ...args: unknown[]],
): Promise<number[]> {
  const block = job.blockSize(n);
  const blocks = Math.ceil(n / block);
  if (blocks === 0) return [];
  // Block results in shared memory (a reused buffer: see buffers.ts), read once all tasks ended.
  const buffer = parts ? takeBuffer(blocks * 8) : null;
  let ok = false;
  try {
    const view = buffer === null ? null : new Float64Array(buffer, 0, blocks);
    await job.spread(blocks, () => job.pool.run<boolean>(KERNELS, ...task(block, view)));
    ok = true;
    return view === null ? [] : Array.from(view);
  } finally {
    // Kept for the next call only after a success (a pool terminated mid-job rejects before its
    // workers have stopped) and only if small (a tiny chunkSize asks for 8 bytes per block).
    if (buffer !== null && ok && buffer.byteLength <= 1 << 20) releaseBuffer(buffer);
  }
}

/**
 * Runs a kernel once per chunk of [0, n) (of `size` elements: default, the job's chunking);
 * resolves with the chunks' results in order.
 */
function perChunk<T>(job: Job, n: number, task: (lo: number, hi: number) => [kernel: string, ...args: unknown[]], size?: number): Promise<T[]> {
  const chunks = job.chunks(n, size);
  return job.phase(
    chunks.length,
    (i) => job.pool.run<T>(KERNELS, ...task(...chunks[i]!)),
    (i) => chunks[i]![1] - chunks[i]![0],
  );
}

// ---------------------------------------------------------------------------------------------
// Typing the user's function from a `moduleRef` (types only: nothing here exists at run time).
// A plain URL or string carries no module type, and every export name is accepted as before.

/** The module type a `moduleRef` carries; `never` for a string or a plain `URL`. */
type ModuleOf<U> = U extends ModuleRef<infer M> ? ([M] extends [object] ? M : never) : never;

/** The export names a call accepts: the module's function exports for a `moduleRef`, else any string. */
type ExportName<U> = [ModuleOf<U>] extends [never] ? string : TaskName<ModuleOf<U>>;

declare const UNFIT: unique symbol;

/**
 * Stands in the place of an export name whose function a parallel helper cannot call: `Need`
 * says the signature it needs. No value has this type, so naming the export is a compile error
 * that shows `Need` (`'"greet"' is not assignable to '"greet" & UnfitExport<"parallel.map calls …">'`).
 */
export interface UnfitExport<Need extends string> {
  readonly [UNFIT]: Need;
}

/** `true` when function type `F` can be called as `Fn` and does not return a Promise (kernels call it synchronously). */
type Fits<F, Fn> = [F] extends [Fn]
  ? [F] extends [(...args: any[]) => infer R] ? ([Extract<R, PromiseLike<unknown>>] extends [never] ? true : false) : false
  : false;

/**
 * What a helper's `exportName` is intersected with: `unknown` (no constraint) for a plain URL, an
 * export whose function fits `Fn`, or a name that is not an export at all (the name's own
 * constraint, `ExportName`, reports that one); `UnfitExport<Need>` for an export that does not fit.
 */
type FitCheck<U, K, Fn, Need extends string> =
  [ModuleOf<U>] extends [never] ? unknown
  : K extends keyof ModuleOf<U> ? (Fits<ModuleOf<U>[K], Fn> extends true ? unknown : UnfitExport<Need>)
  : unknown;

/** What `parallel.map` calls: `out[i] = fn(data[i], i)`. */
type MapFn = (x: number, i: number) => number;
/** What `parallel.forEach` calls (its result is ignored, but must not be a Promise). */
type ForEachFn = (x: number, i: number) => unknown;
/** What `parallel.reduce` calls: `acc = fn(acc, x)`. */
type ReduceFn = (acc: number, x: number) => number;

/**
 * `unknown` for a typed array over shared memory (or over a buffer the compiler cannot tell,
 * `ArrayBufferLike`); for one known to be over an `ArrayBuffer`, a requirement it cannot meet, so
 * the call does not compile (every thread must see the same memory; at run time it is a TypeError).
 */
export type OverShared<A> = [A extends { readonly buffer: infer B } ? B : never] extends [ArrayBuffer]
  ? { readonly "parallel helpers need a typed array over a SharedArrayBuffer": never }
  : unknown;

/**
 * Sum of the elements (as doubles), computed in parallel.
 *
 * Each block (or chunk: see `chunkSize`) is summed in order (four interleaved accumulators) and
 * their sums are added in index order, so the result is deterministic for a given `chunkSize`
 * (and default chunking); floating-point rounding may
 * differ from a single left-to-right loop (as with rayon's `sum`), by at most the usual
 * n·ε·Σ|x| bound. Sums of integers below 2^53 are exact.
 *
 * ```ts
 * const data = new Float64Array(new SharedArrayBuffer(8 * 1_000_000)).fill(0.5);
 * await parallel.sum(data); // 500000
 * ```
 * On abort: rejects with `AbortError`; nothing was written.
 */
async function sum<A extends NumericArray>(data: A & OverShared<A>, opts?: ParallelOptions): Promise<number> {
  const where = "parallel.sum";
  checkArray(where, "data", data);
  const job = new Job(where, opts, data.length);
  const parts = await running(job, () =>
    job.dynamic
      ? perBlock(job, data.length, true, (block, parts) => ["sumBlocks", data, parts, job.ctl, block])
      : perChunk<number>(job, data.length, (lo, hi) => ["sumChunk", data, lo, hi, job.ctl], job.blockSize(data.length)),
  );
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
 * With a `moduleRef` (`moduleRef<typeof import("./fns.js")>(url)`), `exportName` must name an
 * export of type `(x: number, i: number) => number` (not async): any other name is a compile error.
 *
 * On abort or error: rejects; blocks (chunks) that finished hold their results, the others may be
 * partly written (from their start), and `data` is untouched (unless it is `out`).
 */
function map<U extends string | URL, K extends ExportName<U>, D extends NumericArray, O extends NumericArray>(
  data: D & OverShared<D>,
  out: O & OverShared<O>,
  moduleUrl: U,
  exportName: K & FitCheck<U, K, MapFn, "parallel.map calls fn(x: number, i: number) and stores the number it returns (synchronously)">,
  opts?: ParallelOptions,
): Promise<void>;
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
  await running(job, () =>
    job.dynamic
      ? perBlock(job, data.length, false, (block) => ["mapBlocks", data, out, url, name, job.ctl, block])
      : perChunk(job, data.length, (lo, hi) => ["mapChunk", data, out, url, name, lo, hi, job.ctl]),
  );
}

/**
 * Calls `fn(data[i], i)` for every i, in parallel (in no particular order across blocks or chunks; in
 * index order within one). `fn` is named by module URL + export, as in `map`; it may write to shared
 * memory it imports or that `data` views. With a `moduleRef`, `exportName` must name an export of
 * type `(x: number, i: number) => unknown` that does not return a Promise (a compile error otherwise).
 * On abort: rejects; some calls were made, others not.
 */
function forEach<U extends string | URL, K extends ExportName<U>, D extends NumericArray>(
  data: D & OverShared<D>,
  moduleUrl: U,
  exportName: K & FitCheck<U, K, ForEachFn, "parallel.forEach calls fn(x: number, i: number) synchronously (it must not return a Promise)">,
  opts?: ParallelOptions,
): Promise<void>;
async function forEach(data: NumericArray, moduleUrl: string | URL, exportName: string, opts?: ParallelOptions): Promise<void> {
  const where = "parallel.forEach";
  checkArray(where, "data", data);
  const url = moduleHref(moduleUrl, where);
  const name = checkExport(where, exportName);
  const job = new Job(where, opts, data.length);
  await running(job, () =>
    job.dynamic
      ? perBlock(job, data.length, false, (block) => ["forEachBlocks", data, url, name, job.ctl, block])
      : perChunk(job, data.length, (lo, hi) => ["forEachChunk", data, url, name, lo, hi, job.ctl]),
  );
}

/**
 * Folds the elements with `fn(acc, x)`, in parallel: each block (or chunk: see `chunkSize`) folds
 * from `identity`, then their results are folded in index order (in a worker). Equal to the left-to-right fold when
 * `fn` is associative and `identity` is its identity (`(a, b) => a + b` with 0, `Math.max` with
 * -Infinity…). With a `moduleRef`, `exportName` must name an export of type
 * `(acc: number, x: number) => number` (not async): any other name is a compile error.
 * On abort: rejects with `AbortError`.
 */
function reduce<U extends string | URL, K extends ExportName<U>, D extends NumericArray>(
  data: D & OverShared<D>,
  moduleUrl: U,
  exportName: K & FitCheck<U, K, ReduceFn, "parallel.reduce calls fn(acc: number, x: number) and folds the number it returns (synchronously)">,
  identity: number,
  opts?: ParallelOptions,
): Promise<number>;
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
    const parts = job.dynamic
      ? await perBlock(job, data.length, true, (block, parts) => ["reduceBlocks", data, url, name, identity, parts, job.ctl, block])
      : await perChunk<number>(job, data.length, (lo, hi) => ["reduceChunk", data, url, name, identity, lo, hi, job.ctl], job.blockSize(data.length));
    if (parts.length === 0) return identity;
    const [r] = await job.phase(1, () => job.pool.run<number>(KERNELS, "reduceParts", url, name, identity, parts), () => 0);
    return r!;
  });
}

/**
 * Sorts `data` in place, in parallel, in numeric order with NaNs last and -0 before +0 — the
 * order of `Float64Array.prototype.sort` (`descending: true` reverses it, NaNs still last), but for
 * the order among NaNs of different bit patterns (each keeps its bits; they come grouped by pattern).
 * Resolves with `data`. An LSD radix sort on the elements' bit patterns (see docs/design.md);
 * memory: one scratch SharedArrayBuffer of `data.byteLength` for the duration of the sort.
 * Arrays up to 65 536 elements (and no `chunkSize`) are sorted in one task.
 *
 * On abort or error: rejects, and `data` holds a permutation of its original elements (the state
 * after the last completed pass) — no element is lost or duplicated.
 */
async function sort<A extends NumericArray>(data: A & OverShared<A>, opts?: SortOptions): Promise<A> {
  const where = "parallel.sort";
  const spec = checkArray(where, "data", data);
  const desc = opts?.descending === undefined ? false : opts.descending;
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

/**
 * A task for `join`: `[moduleUrl, exportName, ...args]`. (With a `moduleRef` as `moduleUrl`, `join`
 * checks the export name and the arguments against the module's type and types the result.)
 */
export type Task = readonly [moduleUrl: string | URL, exportName: string, ...args: unknown[]];

/** The parameters of export `K` of a `moduleRef`'s module; any arguments for a plain URL. */
type ArgsOf<U, K> = [ModuleOf<U>] extends [never] ? readonly unknown[]
  : K extends TaskName<ModuleOf<U>> ? TaskArgs<ModuleOf<U>, K>
  : readonly unknown[];

/** What export `K` of a `moduleRef`'s module resolves to (awaited); `unknown` for a plain URL. */
type ResultOf<U, K> = [ModuleOf<U>] extends [never] ? unknown
  : K extends TaskName<ModuleOf<U>> ? TaskResult<ModuleOf<U>, K>
  : unknown;

/** The arguments with each part that cannot cross to a worker replaced by `NotSendable<"why">`. */
type SendableArgs<A> = Sendable<A> extends infer S extends readonly unknown[] ? S : A;

declare const FROM_TASK: unique symbol;

/**
 * The default of `join`'s result type parameters, meaning "not given": the result is then read
 * from the task (its `moduleRef`'s export, or `unknown` for a plain URL).
 */
export type FromTask = typeof FROM_TASK;

/** A `join` result: `R` when given explicitly, else what the task's export resolves to. */
type Joined<R, U, K> = [R] extends [FromTask] ? ResultOf<U, K> : R;

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
 * const fns = moduleRef<typeof import("./fns.js")>(new URL("./fns.js", import.meta.url));
 * const [n, total] = await join([fns, "fib", 30], [fns, "sum", xs]); // [number, number]
 * const [a, b] = await join([url, "count", lo, mid], [url, "count", mid, hi]); // plain URL: [unknown, unknown]
 * ```
 * Typed from the call:
 * - a task whose `moduleUrl` is a `moduleRef` has its export name, argument count and argument
 *   types checked against the module's type (each error is reported at the offending element) and
 *   its result typed as the export's awaited result, as `pool.run(ref, "name", ...args)` does;
 * - a task with a plain URL or string takes any export name and resolves to `unknown`;
 * - every task's arguments must be `Sendable` (`join([url, "f", () => 1], …)` does not compile).
 *
 * With explicit result types (`join<number, string>(…)`) the tasks are not checked by the compiler
 * (any `[moduleUrl, exportName, ...args]`); the run time still refuses what cannot cross
 * (`DataCloneError`).
 */
export function join<
  RA = FromTask,
  RB = FromTask,
  UA extends string | URL = string | URL,
  KA extends ExportName<UA> = ExportName<UA>,
  AA extends ArgsOf<UA, KA> = ArgsOf<UA, KA>,
  UB extends string | URL = string | URL,
  KB extends ExportName<UB> = ExportName<UB>,
  AB extends ArgsOf<UB, KB> = ArgsOf<UB, KB>,
>(
  taskA: readonly [moduleUrl: UA, exportName: KA, ...args: AA] & readonly [unknown, unknown, ...SendableArgs<AA>],
  taskB: readonly [moduleUrl: UB, exportName: KB, ...args: AB] & readonly [unknown, unknown, ...SendableArgs<AB>],
  opts?: JoinOptions,
): Promise<[Joined<NoInfer<RA>, UA, KA>, Joined<NoInfer<RB>, UB, KB>]>;
export async function join(taskA: Task, taskB: Task, opts?: JoinOptions): Promise<[unknown, unknown]> {
  const where = "join";
  for (const [name, t] of [["taskA", taskA], ["taskB", taskB]] as const) {
    if (!Array.isArray(t) || t.length < 2) {
      const got = Array.isArray(t) ? `an array of ${t.length} element${t.length === 1 ? "" : "s"}` : describeValue(t);
      throw new TypeError(`${where}: ${name} must be an array [moduleUrl, exportName, ...args] (at least the module and the export's name), got ${got}`);
    }
    moduleHref(t[0], where);
    checkExport(where, t[1]);
  }
  if (opts !== undefined && (opts === null || typeof opts !== "object")) {
    throw new TypeError(`${where}: options must be an object like { pool, signal }, got ${describeValue(opts)}`);
  }
  const pool = opts?.pool === undefined ? currentPool() : opts.pool;
  if (!isPool(pool)) throw new TypeError(`${where}: pool must be a ThreadPool, got ${describeValue(pool)}`);
  if (opts?.signal !== undefined && !(opts.signal instanceof AbortSignal)) {
    throw new TypeError(`${where}: signal must be an AbortSignal, got ${describeValue(opts.signal)}`);
  }
  const start = <R>([url, name, ...args]: Task): Promise<R> =>
    opts?.signal !== undefined ? pool.runWith<R>({ signal: opts.signal }, url, name, ...args) : pool.run<R>(url, name, ...args);
  const [a, b] = await Promise.allSettled([start<unknown>(taskA), start<unknown>(taskB)]);
  if (a.status === "rejected") throw a.reason;
  if (b.status === "rejected") throw b.reason;
  return [a.value, b.value];
}
