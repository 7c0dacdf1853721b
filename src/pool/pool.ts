/**
 * ThreadPool (rayon's `ThreadPool` / `ThreadPoolBuilder`): a fixed set of workers started once and
 * reused, running tasks named by module URL and export name.
 *
 * Submitting a task writes a record into this thread's port (shared memory), pushes its ref into
 * the injector and, if a worker sleeps, wakes one: no `postMessage` per task. Workers take tasks
 * from their own deque (nested submissions), the injector, or by stealing from each other's deques
 * (Chase–Lev). Finished records come back through the port's completion ring, which this thread
 * drains in batches, woken by one `Atomics.waitAsync` per batch — the owner thread never blocks.
 *
 * While tasks are pending, that one async wait keeps a Node process alive; an idle pool does not
 * (its workers are unref'd).
 */
import { stackSizeOf } from "../thread/stack.js";
import * as sys from "../sys/index.js";
import { ClosedError, UnsupportedError, WeftError, WorkerExitError } from "../errors.js";
import { describeValue, requireSharedMemory } from "../memory/layout.js";
import { checkCount } from "../sync/options.js";
import { allocateSlot, markExited, markStopping, pinTable, registryBuffer } from "../thread/registry.js";
import { knownBuffers, refreshEnvironment } from "../share/directory.js";
import { ANNOUNCE, PoolShared, poolStats } from "./shared.js";
import { Submitter } from "./submitter.js";
import { POOL_KEY, workerPool } from "./context.js";
import type { Pool, PoolStats, TaskOptions } from "./api.js";
import type { PoolWorkerData } from "./worker.js";
import type { ModuleRef, PlainModuleUrl, Sendable, TaskArgs, TaskName, TaskResult } from "../types.js";
import * as Q from "./queues.js";
import * as L from "./layout.js";

/** Options of `new ThreadPool` (rayon's `ThreadPoolBuilder`). */
export interface ThreadPoolOptions {
  /** Worker threads; default: the number of cores (`os.availableParallelism()`). */
  threads?: number;
  /**
   * Stack size of each worker in MiB (Node's `resourceLimits.stackSizeMb`): above 0, at most 2^43;
   * as Rust's `stack_size`, less than the minimum (0.5) gets the minimum.
   */
  stackSizeMb?: number;
  /** Name of the workers (`name#0`, `name#1`, …), shown in debuggers. */
  name?: string;
  /**
   * A worker with nothing to do for this long exits, and is started again when work comes.
   * Default `Infinity`: workers stay (an idle pool does not keep Node alive either way).
   */
  idleTimeoutMs?: number;
}

const nodeProcess: any = (globalThis as any).process;
const workerThreads: any =
  typeof nodeProcess?.getBuiltinModule === "function" ? nodeProcess.getBuiltinModule("node:worker_threads") : undefined;
const nodeOs: any = typeof nodeProcess?.getBuiltinModule === "function" ? nodeProcess.getBuiltinModule("node:os") : undefined;

/** Cores of this machine. */
export function coreCount(): number {
  const n = nodeOs?.availableParallelism?.() ?? nodeOs?.cpus?.().length ?? (globalThis as any).navigator?.hardwareConcurrency;
  return typeof n === "number" && n >= 1 ? n : 1;
}

/** While completions keep coming, the collector still lets the event loop turn this often (ms). */
const TURN_MS = 4;

/** Most workers one pool may have. */
const MAX_THREADS = 1024;

/** The owner thread's side: publishes to the injector and watches its port. */
class OwnerSubmitter extends Submitter {
  /** Refs that did not fit the injector, oldest first. */
  private readonly overflow: number[] = [];
  private collecting = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    shared: PoolShared,
    /** Called after each submission (starts retired workers again). */
    private readonly onSubmit: () => void,
  ) {
    super(shared, 0, "ThreadPool.run");
  }

  protected get threadCount(): number {
    return this.shared.threads;
  }

  protected publish(ref: number): void {
    const c = this.shared.control;
    if (this.overflow.length > 0 || !Q.injectPush(c, ref)) this.overflow.push(ref);
    this.shared.wakeWorker();
  }

  protected submitted(): void {
    this.onSubmit();
    this.rearmKeepAlive();
    if (!this.collecting) {
      this.collecting = true;
      // Started after the current synchronous burst of submissions, not in the middle of it: its
      // first steps (a drain, an async wait and its keep-alive timer) took 0.1–0.3 ms between a
      // parallel job's first and second task, so the second worker was woken that much later.
      queueMicrotask(() => void this.collect());
    }
  }

  /** Moves overflowed refs into the injector as room appears. */
  private flushOverflow(): void {
    const o = this.overflow;
    if (o.length === 0) return;
    let k = 0;
    while (k < o.length && Q.injectPush(this.shared.control, o[k]!)) k++;
    if (k > 0) {
      o.splice(0, k);
      this.shared.wakeWorker();
    }
  }

  /** Settles completions until nothing is pending; parks with an async wait between batches. */
  private async collect(): Promise<void> {
    const port = this.port;
    let lastTurn = sys.now();
    try {
      while (this.pending > 0 && !this.stopped) {
        if (this.drain() > 0) {
          this.flushOverflow();
          // Let the settled promises' continuations run (they may submit more) before the next
          // batch, and every few ms give the event loop a turn too (timers, I/O, messages).
          if (sys.now() - lastTurn > TURN_MS) {
            await new Promise((resolve) => setImmediate(resolve));
            lastTurn = sys.now();
          } else await undefined;
          continue;
        }
        this.flushOverflow();
        const seq = port.prepareSleep();
        if (!this.hasCompletion() && this.pending > 0) {
          // The pending wait holds the process open (sys.waitAsync keeps a ref'd handle meanwhile)
          // — unless only tasks whose promises were settled already (aborted while running) are
          // left, and nobody waits for the pool to be idle (close()): nobody awaits those. A task
          // submitted or a close() begun meanwhile wakes this wait (`unrefWait`).
          this.unrefWait = this.onlyAbandoned && this.idleWaiters.length === 0;
          try {
            await sys.waitAsync(port.words, L.SEQ, seq, this.overflow.length > 0 ? 1 : 1000, undefined, !this.unrefWait);
          } finally {
            this.unrefWait = false;
          }
          lastTurn = sys.now();
        }
        port.endSleep();
      }
    } finally {
      this.collecting = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Resolves once nothing submitted from this thread is pending. */
  whenIdle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    this.rearmKeepAlive();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Whether the collector's wait holds no keep-alive now (see collect). */
  private unrefWait = false;

  /**
   * Something is awaited again (a task submitted, a close() begun) while the collector may wait
   * without keep-alive (only abandoned tasks were left): wake it, so that it waits again holding one.
   */
  private rearmKeepAlive(): void {
    if (this.unrefWait) sys.notify(this.port.words, L.SEQ, 1);
  }

  /** Rejects every pending task (terminate). */
  rejectAll(error: Error): void {
    this.failAll(error);
  }

  /** Pushes the ref of a record that may have been lost with a dead worker again. */
  requeue(ref: number): void {
    this.publish(ref);
  }
}

/**
 * A pool of worker threads (rayon's `ThreadPool`). Tasks are named by module and export —
 * functions cannot cross threads — and their arguments and results travel through shared memory:
 * weft primitives and typed arrays over a `SharedArrayBuffer` arrive as the same memory.
 *
 * ```ts
 * const pool = new ThreadPool({ threads: 4 });
 * const n = await pool.run<number>(new URL("./tasks.js", import.meta.url), "fib", 30);
 * await pool.close();
 * ```
 *
 * A pool belongs to the thread that created it: submit from that thread (inside a task, use
 * `currentPool()`).
 */
export class ThreadPool implements Pool {
  /** Worker threads. */
  readonly threads: number;
  private readonly shared: PoolShared;
  private readonly sub: OwnerSubmitter;
  private readonly workers: any[];
  private readonly weftSlots: number[];
  private readonly opts: Required<Omit<ThreadPoolOptions, "stackSizeMb">> & { stackSizeMb: number | undefined };
  private state: "open" | "closing" | "closed" = "open";
  /** Per slot: whether its current worker got as far as asking for the buffers (it started). */
  private readonly started: boolean[];
  /**
   * Per slot: its last worker could not be started or exited before it started (sent its hello).
   * Such a slot is not started again; once every slot is broken, nothing could ever run what is
   * pending, and the pool closes (see `closeIfBroken`).
   */
  private readonly broken: boolean[];
  /** The last uncaught error a worker reported (for the message when workers cannot start). */
  private lastError: unknown;
  private closed: Promise<void> | undefined;
  private nextExec = 1;

  constructor(opts: ThreadPoolOptions = {}) {
    if (opts === null || typeof opts !== "object") {
      throw new TypeError(`ThreadPool: options must be an object like { threads, stackSizeMb, name, idleTimeoutMs }, got ${describeValue(opts)}`);
    }
    if (workerThreads === undefined) {
      throw new UnsupportedError(
        "ThreadPool: a pool starts its workers with Node's worker_threads, so ThreadPool — and globalPool, " +
          "spawnBlocking, join and the parallel helpers, which run on one — is Node.js only",
      );
    }
    // Named, not a bare ReferenceError from deep inside (a helper's audit, thirteenth session).
    requireSharedMemory();
    const threads = opts.threads === undefined ? coreCount() : checkCount("ThreadPool", "threads", opts.threads, 1, MAX_THREADS);
    const { name, idleTimeoutMs } = opts;
    const stackSizeMb = stackSizeOf("ThreadPool", opts.stackSizeMb);
    if (name !== undefined && typeof name !== "string") throw new TypeError(`ThreadPool: name must be a string, got ${describeValue(name)}`);
    if (idleTimeoutMs !== undefined && (typeof idleTimeoutMs !== "number" || Number.isNaN(idleTimeoutMs) || idleTimeoutMs < 0)) {
      throw new RangeError(`ThreadPool: idleTimeoutMs must be a number of milliseconds ≥ 0 (or Infinity), got ${describeValue(idleTimeoutMs)}`);
    }
    this.threads = threads;
    this.opts = { threads, stackSizeMb, name: name ?? "weft-pool", idleTimeoutMs: idleTimeoutMs ?? Infinity };
    this.shared = PoolShared.create(threads);
    this.sub = new OwnerSubmitter(this.shared, () => this.wakeRetired());
    this.workers = new Array(threads).fill(undefined);
    this.weftSlots = new Array(threads).fill(0);
    this.started = new Array(threads).fill(false);
    this.broken = new Array(threads).fill(false);
    try {
      for (let k = 0; k < threads; k++) this.startWorker(k);
    } catch (e) {
      // Node could not start a thread (a stack larger than the system gives, too many threads):
      // stop the ones already started and say which option is to blame.
      void this.stopWorkers();
      throw startFailure(stackSizeMb, e);
    }
  }

  /** Whether `close()` or `terminate()` was called: the pool takes no more tasks. */
  get isClosed(): boolean {
    return this.state !== "open";
  }

  /**
   * Runs `exportName` of `moduleUrl` on a worker with `args`. Resolves with its result (awaited
   * if it returns a promise), rejects with what it throws; the pool keeps going either way.
   * With a `moduleRef`, the export name, arguments and result are checked against the module's
   * type; with a plain URL, `run<R>` names the result type.
   */
  run<M extends object, K extends TaskName<M>, A extends TaskArgs<M, K> = TaskArgs<M, K>>(
    moduleUrl: ModuleRef<M>,
    exportName: K,
    ...args: A & Sendable<A>
  ): Promise<TaskResult<M, K>>;
  run<R = unknown, A extends readonly unknown[] = readonly unknown[]>(moduleUrl: PlainModuleUrl, exportName: string, ...args: A & Sendable<A>): Promise<R>;
  run(moduleUrl: string | URL, exportName: string, ...args: unknown[]): Promise<unknown> {
    if (this.state !== "open") return this.refuse("run");
    return this.sub.submit(undefined, moduleUrl, exportName, args);
  }

  /** `run` with options: `{ signal }` cancels a queued task (see `TaskOptions`). */
  runWith<M extends object, K extends TaskName<M>, A extends TaskArgs<M, K> = TaskArgs<M, K>>(
    opts: TaskOptions,
    moduleUrl: ModuleRef<M>,
    exportName: K,
    ...args: A & Sendable<A>
  ): Promise<TaskResult<M, K>>;
  runWith<R = unknown, A extends readonly unknown[] = readonly unknown[]>(
    opts: TaskOptions,
    moduleUrl: PlainModuleUrl,
    exportName: string,
    ...args: A & Sendable<A>
  ): Promise<R>;
  runWith(opts: TaskOptions, moduleUrl: string | URL, exportName: string, ...args: unknown[]): Promise<unknown> {
    if (this.state !== "open") return this.refuse("runWith");
    if (opts === null || typeof opts !== "object") {
      return Promise.reject(new TypeError(`ThreadPool.runWith: options must be an object like { signal }, got ${describeValue(opts)}`));
    }
    return this.sub.submit(opts.signal, moduleUrl, exportName, args);
  }

  /**
   * Runs the export once per entry of `argsList` (each an array of arguments), batched into a few
   * records per worker; resolves with every result in order, or rejects with the first error
   * (the calls not started yet are then cancelled). Every argument list must be `Sendable`; with a
   * `moduleRef`, each must also fit the export's parameters.
   */
  runMany<M extends object, K extends TaskName<M>, L extends readonly (readonly unknown[])[] = readonly TaskArgs<M, K>[]>(
    moduleUrl: ModuleRef<M>,
    exportName: K,
    argsList: L & readonly TaskArgs<M, K>[] & Sendable<L>,
    opts?: TaskOptions,
  ): Promise<TaskResult<M, K>[]>;
  runMany<R = unknown, L extends readonly (readonly unknown[])[] = readonly (readonly unknown[])[]>(
    moduleUrl: PlainModuleUrl,
    exportName: string,
    argsList: L & Sendable<L>,
    opts?: TaskOptions,
  ): Promise<R[]>;
  runMany(moduleUrl: string | URL, exportName: string, argsList: readonly (readonly unknown[])[], opts?: TaskOptions): Promise<unknown[]> {
    if (this.state !== "open") return this.refuse("runMany");
    return this.sub.submitMany(moduleUrl, exportName, argsList, opts);
  }

  /** Counters and queue depths (see `PoolStats`). */
  stats(): PoolStats {
    return poolStats(this.shared, this.sub.pending);
  }

  /** @internal See `ANNOUNCE`. */
  [ANNOUNCE](n: number): (() => void) | undefined {
    if (this.state !== "open") return undefined;
    const shared = this.shared;
    const until = shared.announce(n);
    return () => shared.announced(until);
  }

  /**
   * Finishes every task already submitted, then stops the workers. New submissions are refused
   * (`ClosedError`) from the moment this is called.
   */
  close(): Promise<void> {
    if (this.closed !== undefined) return this.closed;
    this.state = "closing";
    this.closed = this.sub.whenIdle().then(() => this.stopWorkers());
    return this.closed;
  }

  /** Stops the workers now; every pending task rejects with `ClosedError`. */
  terminate(): Promise<void> {
    if (this.state === "closed") return this.closed!;
    this.state = "closed";
    this.sub.rejectAll(new ClosedError("ThreadPool.terminate() stopped the pool before this task finished"));
    this.closed = this.stopWorkers();
    return this.closed;
  }

  private refuse(what: string): Promise<never> {
    return Promise.reject(new ClosedError(`ThreadPool.${what}: the pool is ${this.state === "closing" ? "closing" : "closed"}`));
  }

  private async stopWorkers(): Promise<void> {
    this.state = "closed";
    const all = this.workers.map((w, k) => {
      if (w === undefined) return undefined;
      this.workers[k] = undefined;
      // terminate() runs no JavaScript in the worker: its 'exit' (onExit) marks the slot dead once
      // the thread has stopped, and locks it held are then seen as an owner's death. Stopping
      // until then (see spawn's terminate).
      markStopping(this.weftSlots[k]!);
      return w.terminate();
    });
    await Promise.all(all);
    // No worker runs any more: `stats()` says so (EXEC 0, as for a retired worker).
    for (let k = 0; k < this.threads; k++) sys.store(this.shared.control, L.workerBase(k) + L.EXEC, 0);
  }

  /**
   * Starts slot k's worker again (a replacement, or a retired slot woken by work). If Node cannot
   * start the thread now, the slot counts as a worker that failed to start (see `recover`).
   */
  private restartWorker(k: number): void {
    try {
      this.startWorker(k);
    } catch (e) {
      this.lastError = startFailure(this.opts.stackSizeMb, e);
      this.workers[k] = undefined;
      sys.store(this.shared.control, L.workerBase(k) + L.EXEC, 0);
      this.broken[k] = true;
      this.closeIfBroken(this.lastError as Error);
    }
  }

  /**
   * The pool goes on with the slots it can still run; once none can (every slot broken: retired
   * slots are not, they start again on demand), what is pending is rejected with `error` and the
   * pool closes. (A count of failed starts, reset by any worker that started, left an open pool
   * without workers, its tasks pending for ever — a review found two ways.)
   */
  private closeIfBroken(error: Error): void {
    if (this.state === "closed" || !this.broken.every(Boolean)) return;
    this.sub.rejectAll(error);
    this.closed ??= this.stopWorkers();
  }

  private startWorker(k: number): void {
    const execId = this.nextExec++;
    const weftSlot = allocateSlot();
    const data: PoolWorkerData = {
      registry: registryBuffer(),
      pins: pinTable(),
      weftSlot,
      buffers: this.shared.buffers,
      slot: k,
      execId,
      idleTimeoutMs: this.opts.idleTimeoutMs,
      name: `${this.opts.name}#${k}`,
    };
    sys.store(this.shared.control, L.workerBase(k) + L.EXEC, execId);
    refreshEnvironment();
    let worker: any;
    try {
      worker = new workerThreads.Worker(new URL("./pool-worker.js", import.meta.url), {
        workerData: { [POOL_KEY]: data },
        name: data.name,
        resourceLimits: this.opts.stackSizeMb !== undefined ? { stackSizeMb: this.opts.stackSizeMb } : undefined,
      });
    } catch (e) {
      markExited(weftSlot); // never ran: its slot must not look alive
      throw e;
    }
    this.workers[k] = worker;
    this.weftSlots[k] = weftSlot;
    this.started[k] = false;
    worker.on("message", (m: any) => {
      if (m?.[POOL_KEY] !== "hello") return;
      this.started[k] = true;
      this.broken[k] = false;
      worker.postMessage({ [POOL_KEY]: { buffers: knownBuffers() } });
    });
    worker.on("error", (e: unknown) => {
      // An uncaught error in the worker ends it; 'exit' follows and handles it.
      this.lastError = e;
    });
    // The slot is this worker's, captured now: by the time its 'exit' arrives, a replacement may
    // hold slot k (a retired worker's exit races the start of the next one).
    worker.on("exit", (code: number) => this.onExit(k, worker, execId, code, weftSlot));
    // After the listeners: adding a 'message' listener refs the worker's port again.
    worker.unref();
  }

  private onExit(k: number, worker: unknown, execId: number, code: number, weftSlot: number): void {
    markExited(weftSlot);
    if (this.workers[k] !== worker) return; // stopped on purpose, or retired and already replaced
    this.workers[k] = undefined;
    // Retired after idleTimeoutMs (EXEC 0, nothing running): started again when work comes.
    if (sys.load(this.shared.control, L.workerBase(k) + L.EXEC) === 0 && code === 0) return;
    this.recover(k, execId, code);
  }

  /** After a submission: starts again the slots whose workers retired (see Executor.retire). */
  private wakeRetired(): void {
    if (this.opts.idleTimeoutMs === Infinity || this.state === "closed") return;
    const c = this.shared.control;
    for (let k = 0; k < this.threads && !this.isClosed; k++) {
      if (sys.load(c, L.workerBase(k) + L.EXEC) === 0 && this.started[k] && !this.broken[k] && sys.cas(c, L.workerBase(k) + L.EXEC, 0, -1) === 0) {
        this.restartWorker(k);
      }
    }
  }

  /**
   * A worker died (process.exit in a task, an uncaught error, out of memory…). Everything it was
   * running — records in state RUNNING under its execution id, in any port — completes as Died,
   * so each submitter rejects it with WorkerExitError. Refs it had taken but not yet claimed are
   * gone with it, so every record still QUEUED is pushed into the injector again: a duplicate
   * entry is harmless (only one CAS takes a task). Then a new worker takes over the slot.
   */
  private recover(k: number, execId: number, code: number): void {
    const shared = this.shared;
    const c = shared.control;
    const running = L.RUNNING_BASE + execId;
    for (let p = 0; p < shared.ports.length; p++) {
      const port = shared.ports[p]!;
      const used = sys.load(port.words, L.RECORDS);
      for (let i = 0; i < used; i++) {
        const r = port.rec(i);
        const w = port.words;
        const s = sys.load(w, r + L.STATE);
        if (s === running) {
          w[r + L.RES_KIND] = L.Outcome.Died;
          w[r + L.RES_LEN] = code; // a Died record has no payload: its length word carries the exit code
          w[r + L.RES_AT] = 0;
          sys.store(w, r + L.STATE, L.DONE);
          port.pushCompletion(i);
          shared.wakePort(p);
        } else if (s === L.QUEUED && p !== k + 1 && this.state !== "closed") {
          this.sub.requeue(L.refOf(p, i));
        }
      }
    }
    // If it died parked, it is still counted as a sleeper.
    if (shared.ports[k + 1]!.claimSleeper()) sys.sub(c, L.SLEEPERS, 1);
    sys.store(c, L.workerBase(k) + L.EXEC, 0);
    if (this.state === "closed") return;
    if (!this.started[k]) {
      // It died before it could run anything: starting it again would likely fail the same way.
      this.broken[k] = true;
      const why = this.lastError instanceof Error ? `: ${this.lastError.message}` : "";
      this.closeIfBroken(new WorkerExitError(`ThreadPool: the pool's workers exit as they start (exit code ${code})${why}`, code));
      return;
    }
    sys.add(c, L.REPLACED, 1);
    this.restartWorker(k);
  }
}

/** What a failure to start a pool worker is reported as: naming `stackSizeMb` when it was set. */
function startFailure(stackSizeMb: number | undefined, e: unknown): Error {
  const why = e instanceof Error ? e.message : String(e);
  if (stackSizeMb !== undefined) {
    return new RangeError(
      `ThreadPool: could not start a worker thread with stackSizeMb ${stackSizeMb} (${why}): the system would not give a thread that stack`,
      { cause: e },
    );
  }
  return new WeftError(`ThreadPool: could not start a worker thread (${why})`, { cause: e });
}

let global: ThreadPool | undefined;

/**
 * The process-wide pool (rayon's global pool), created on first use with one worker per core.
 * It never keeps the process alive while idle. If it was closed or terminated, the next call
 * makes a new one (so `spawnBlocking`, `join` and the parallel helpers keep working).
 */
export function globalPool(): ThreadPool {
  if (global === undefined || global.isClosed) global = new ThreadPool({ name: "weft-global" });
  return global;
}

/**
 * The pool to submit to from here: inside a pool worker (in a task), that worker's pool — tasks
 * submitted through it go to the worker's own deque, where idle workers steal them; anywhere
 * else, `globalPool()`.
 */
export function currentPool(): Pool {
  return workerPool() ?? globalPool();
}

/**
 * Runs CPU-bound work off the calling thread (tokio's `spawn_blocking`): `exportName` of
 * `moduleUrl` with `args`, on the global pool (inside a pool worker, on that worker's pool).
 * Returns a promise; the caller's event loop is never blocked.
 *
 * ```ts
 * const hash = await spawnBlocking<string>(new URL("./hash.js", import.meta.url), "sha256", bytes);
 * ```
 */
export function spawnBlocking<M extends object, K extends TaskName<M>, A extends TaskArgs<M, K> = TaskArgs<M, K>>(
  moduleUrl: ModuleRef<M>,
  exportName: K,
  ...args: A & Sendable<A>
): Promise<TaskResult<M, K>>;
export function spawnBlocking<R = unknown, A extends readonly unknown[] = readonly unknown[]>(
  moduleUrl: PlainModuleUrl,
  exportName: string,
  ...args: A & Sendable<A>
): Promise<R>;
export function spawnBlocking(moduleUrl: string | URL, exportName: string, ...args: unknown[]): Promise<unknown> {
  return (currentPool().run as (u: string | URL, e: string, ...a: unknown[]) => Promise<unknown>)(moduleUrl, exportName, ...args);
}
