/**
 * One call of a parallel helper, seen from the caller's thread: its options, its control word,
 * its progress, and the tasks it submits to the pool — phases of chunk tasks (`phase`), or one
 * task per thread claiming blocks, with continuations when a task gives its worker up (`spread`).
 *
 * A phase submits its tasks with at most `MAX_IN_FLIGHT` in flight (all of them, for the default
 * chunking), and resolves when all have finished.
 * The first failure — a task's error, `onProgress` throwing, or the signal aborting — sets the
 * control word (kernels then stop at their next look, see kernels.ts), submits nothing more, waits
 * for the tasks in flight to end, and rejects with that failure. So when a helper's promise
 * settles, no task of it still runs or writes to the caller's arrays.
 */
import * as sys from "../sys/index.js";
import { AbortError, ClosedError, WorkerExitError } from "../errors.js";
import { describeValue } from "../memory/layout.js";
import { releaseControl, takeControl } from "./buffers.js";
import { currentPool } from "../pool/pool.js";
import { ANNOUNCE, type Announce } from "../pool/shared.js";
import type { Pool } from "../pool/api.js";

/** Options every parallel helper takes. */
export interface ParallelOptions {
  /**
   * The pool to run on. Default: `currentPool()` — inside a pool task that task's pool, elsewhere
   * `globalPool()` (one worker per core).
   */
  pool?: Pool;
  /**
   * Elements per unit of work. `sum`, `map`, `forEach` and `reduce` without `onProgress` run one
   * task per pool thread, and each task claims blocks of this many elements one after another
   * (default: about 64 blocks per thread, 4 096 to 65 536 elements each; a block costs one atomic
   * add). `sort`, and any helper given `onProgress`, run one task per chunk of this many elements
   * (default: about 4 chunks per thread, at least 16 384 elements each). Smaller units balance
   * load better. `sum` and `reduce` combine the units' results in index order, so their result
   * depends on this size, not on which thread did what.
   */
  chunkSize?: number;
  /**
   * Called on the caller's thread as chunks finish, with the work done so far and the total (in
   * elements; `parallel.sort` counts each pass over the array). A job watched this way runs one
   * task per chunk (see `chunkSize`); `sum` and `reduce` use the same units either way, so their
   * results do not depend on whether you watch. Calls are monotone and the last
   * one, made before the promise resolves, has `done === total`. If it throws, the job stops and
   * rejects with that error.
   */
  onProgress?: (done: number, total: number) => void;
  /** Stops the job: its promise rejects with `AbortError` (see each helper for what it leaves). */
  signal?: AbortSignal;
}

/** Default blocks of a dynamic job: about this many per pool thread… */
export const BLOCKS_PER_THREAD = 64;
/** …of at least this many elements… */
export const MIN_BLOCK = 1 << 12;
/** …and at most this many (a block's tail is all a thread can be left waiting for at the end). */
export const MAX_BLOCK = 1 << 16;

/** Default chunking: about this many chunks per pool thread… */
export const CHUNKS_PER_THREAD = 4;
/** …but no chunk smaller than this (a task costs tens of microseconds). */
export const MIN_CHUNK = 1 << 14;
/**
 * Tasks a phase keeps submitted at once. Default chunkings submit everything up front: the
 * caller's thread wakes up later than a worker finishes a chunk (hundreds of µs here), so a short
 * window left workers idle (10M-element sum: 10.5 ms with 4 in flight, 4–5 ms with all 8).
 */
export const MAX_IN_FLIGHT = 64;

interface Failure {
  error: unknown;
}

export class Job {
  /** Shared control word passed to every kernel: non-zero = stop. */
  readonly ctl: Int32Array;
  readonly pool: Pool;
  readonly chunkSize: number | undefined;
  private readonly onProgress: ((done: number, total: number) => void) | undefined;
  private readonly signal: AbortSignal | undefined;
  private failure: Failure | undefined;
  private done = 0;
  private reported = false;
  private readonly onAbort = () => this.fail(new AbortError(this.where, this.signal?.reason));

  constructor(
    readonly where: string,
    opts: ParallelOptions | undefined,
    readonly total: number,
  ) {
    const o = checkOptions(where, opts);
    this.chunkSize = o.chunkSize;
    this.onProgress = o.onProgress;
    this.signal = o.signal;
    if (this.signal?.aborted) throw new AbortError(where, this.signal.reason);
    this.pool = o.pool ?? currentPool();
    this.ctl = takeControl();
    this.signal?.addEventListener("abort", this.onAbort, { once: true });
  }

  /**
   * Whether the job runs dynamically: one task per thread claiming blocks (`spread`), rather than
   * one task per chunk (`phase`). Not when someone watches progress, which is reported as chunk
   * tasks finish.
   */
  get dynamic(): boolean {
    return this.onProgress === undefined;
  }

  /**
   * Elements per block of a dynamic job over n elements: `chunkSize` if given, else the default —
   * but never so small that block indices pass 2^30 (the cursor is an Int32 word).
   */
  blockSize(n: number): number {
    const size = this.chunkSize ?? Math.min(MAX_BLOCK, Math.max(MIN_BLOCK, Math.ceil(n / (BLOCKS_PER_THREAD * this.pool.threads))));
    return Math.max(size, Math.ceil(n / 2 ** 30));
  }

  /**
   * Runs a dynamic job over `blocks` blocks: one task per pool thread (at most one per block),
   * each claiming blocks from the cursor in the job's words (`ctl[JOB_CURSOR]`) until none is left
   * (kernels.ts, `claimBlocks`). `submit`
   * starts one task, which resolves true when it saw no block left (or the job stopped), false
   * when it gave its worker up to other waiting tasks: then a continuation is submitted (behind
   * them). Resolves once every task has ended; rejects with the job's first failure, after the
   * tasks in flight have ended.
   */
  spread(blocks: number, submit: () => Promise<boolean>): Promise<void> {
    const tasks = Math.min(blocks, this.pool.threads);
    return new Promise<void>((resolve, reject) => {
      let inFlight = 0;
      const settle = (): void => {
        if (inFlight > 0) return;
        if (this.failure !== undefined) reject(this.failure.error);
        else resolve();
      };
      const start = (): void => {
        inFlight++;
        let task: Promise<boolean>;
        try {
          task = submit();
        } catch (e) {
          task = Promise.reject(e);
        }
        task.then(
          (done) => {
            inFlight--;
            if (done === false && this.failure === undefined) start();
            settle();
          },
          (e) => {
            inFlight--;
            this.fail(e);
            settle();
          },
        );
      };
      // Workers are woken before the tasks are encoded (see PoolShared.announce).
      const announced = (this.pool as { [ANNOUNCE]?: Announce })[ANNOUNCE]?.(tasks);
      try {
        for (let i = 0; i < tasks; i++) start();
      } finally {
        announced?.();
      }
    });
  }

  /** Chunk boundaries of [0, n): `chunkSize` if given, else the default. */
  chunks(n: number, chunkSize = this.chunkSize ?? defaultChunk(n, this.pool.threads)): Array<[lo: number, hi: number]> {
    const out: Array<[number, number]> = [];
    for (let lo = 0; lo < n; lo += chunkSize) out.push([lo, Math.min(n, lo + chunkSize)]);
    return out;
  }

  /**
   * Runs `count` tasks (`submit(i)` starts task i), counting `weight(i)` of progress as each
   * finishes. Resolves with the results in order; rejects with the job's first failure.
   */
  phase<T>(count: number, submit: (i: number) => Promise<T>, weight: (i: number) => number): Promise<T[]> {
    const results = new Array<T>(count);
    const window = Math.max(MAX_IN_FLIGHT, 4 * this.pool.threads);
    let next = 0;
    let inFlight = 0;
    return new Promise<T[]>((resolve, reject) => {
      const pump = (): void => {
        while (this.failure === undefined && inFlight < window && next < count) {
          const i = next++;
          inFlight++;
          let task: Promise<T>;
          try {
            task = submit(i);
          } catch (e) {
            task = Promise.reject(e);
          }
          task.then(
            (r) => {
              inFlight--;
              results[i] = r;
              this.advance(weight(i));
              pump();
            },
            (e) => {
              inFlight--;
              this.fail(e);
              pump();
            },
          );
        }
        if (inFlight > 0) return;
        if (this.failure !== undefined) reject(this.failure.error);
        else if (next === count) resolve(results);
      };
      pump();
    });
  }

  /** Counts progress done outside a phase (or a skipped one). No-op once the job has failed. */
  advance(amount: number): void {
    if (this.failure !== undefined || amount === 0) return;
    this.done += amount;
    this.report();
  }

  /**
   * Ends the job, once no task of it runs (every phase has settled): detaches from the signal,
   * gives the control word back. After a success, makes sure progress was reported once, and
   * throws the job's failure if there was one outside a phase (`onProgress` throwing).
   */
  end(ok: boolean): void {
    this.signal?.removeEventListener("abort", this.onAbort);
    if (ok && !this.reported) this.report();
    // The words go back for reuse only after a success: a job rejected by `terminate()` settles
    // before its workers have stopped, and a kernel still running must not write into a word the
    // next job took (a failed job leaves 128 bytes behind; failures are rare).
    if (ok && this.failure === undefined) {
      releaseControl(this.ctl);
    }
    if (ok && this.failure !== undefined) throw this.failure.error;
  }

  /**
   * The pool's own errors said in the helper's words: "ThreadPool.run: the worker running
   * mapBlocks() from …/kernels.js died" is an internal name to whoever called parallel.map. The
   * error keeps its class (WorkerExitError, ClosedError) and exit code; the pool's message
   * becomes its `cause`. Anything else (the user's function threw) is passed on as it is.
   */
  private named(error: unknown): unknown {
    if (!(error instanceof Error) || !POOL_MESSAGE.test(error.message)) return error;
    const died = error instanceof WorkerExitError;
    const message = died
      ? `${this.where}: a pool worker died while running the job (exit code ${error.exitCode}); the job stopped and the pool replaced the worker`
      : /terminate\(\)/.test(error.message)
        ? `${this.where}: the pool was terminated (ThreadPool.terminate()) before the job finished`
        : `${this.where}: the pool is ${/closing/.test(error.message) ? "closing" : "closed"}`;
    return died ? new WorkerExitError(message, error.exitCode, { cause: error }) : new ClosedError(message, { cause: error });
  }

  private report(): void {
    if (this.onProgress === undefined) return;
    this.reported = true;
    try {
      this.onProgress(this.done, this.total);
    } catch (e) {
      this.fail(e);
    }
  }

  private fail(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = { error: this.named(error) };
    // Tell the kernels in flight to stop at their next look.
    // SeqCst store: kernels poll it with an atomic load between chunks of work (no ordering of
    // other data hangs on it — a stopped kernel's partial writes are documented as such).
    sys.store(this.ctl, 0, 1);
  }
}

/** A pool worker's death or a closed pool, as the pool reports it to a task. */
const POOL_MESSAGE =
  /^(ThreadPool\.run: (the worker running \w+\(\) from \S+ died|the pool is (closed|closing))|ThreadPool\.terminate\(\) stopped the pool before this task finished)/;

const defaultChunk = (n: number, threads: number): number => Math.max(MIN_CHUNK, Math.ceil(n / (CHUNKS_PER_THREAD * threads)));

function checkOptions(where: string, opts: ParallelOptions | undefined): ParallelOptions {
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== "object") {
    throw new TypeError(`${where}: options must be an object like { pool, chunkSize, onProgress, signal }, got ${describeValue(opts)}`);
  }
  const { pool, chunkSize, onProgress, signal } = opts;
  if (pool !== undefined && !isPool(pool)) {
    throw new TypeError(`${where}: pool must be a ThreadPool, got ${describeValue(pool)}`);
  }
  if (chunkSize !== undefined && (typeof chunkSize !== "number" || !Number.isSafeInteger(chunkSize) || chunkSize < 1)) {
    throw new RangeError(`${where}: chunkSize must be a positive integer (elements per block or chunk), got ${describeValue(chunkSize)}`);
  }
  if (onProgress !== undefined && typeof onProgress !== "function") {
    throw new TypeError(`${where}: onProgress must be a function (done, total) => void, got ${describeValue(onProgress)}`);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`${where}: signal must be an AbortSignal, got ${describeValue(signal)}`);
  }
  return opts;
}

/** Whether `p` looks like a pool (a ThreadPool, or a worker's `currentPool()`). */
export const isPool = (p: unknown): p is Pool =>
  p !== null && typeof p === "object" && typeof (p as Pool).run === "function" && typeof (p as Pool).threads === "number";
