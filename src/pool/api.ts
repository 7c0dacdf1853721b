/**
 * The public shape of a pool, shared by `ThreadPool` (on the thread that created it) and the view
 * a task gets from `currentPool()` inside a pool worker.
 */
import type { TaskOptions } from "./submitter.js";
import type { ModuleRef, PlainModuleUrl, Sendable, TaskArgs, TaskName, TaskResult } from "../types.js";

export type { TaskOptions };

/** Where a pool's work is, at one moment (every figure is read without stopping anything). */
export interface PoolStats {
  /** Worker threads of the pool. */
  threads: number;
  /** Tasks started so far (a `runMany` chunk counts once), over every worker. */
  tasksRun: number;
  /** Tasks a worker took from another worker's deque. */
  steals: number;
  /** Tasks submitted from the owner thread waiting in the injector queue. */
  injectorDepth: number;
  /** Tasks (and `runMany` chunks) submitted from the calling thread and not settled yet. */
  pending: number;
  /** Workers that died and were replaced. */
  workersReplaced: number;
  /** Per worker slot. */
  workers: { tasksRun: number; steals: number; queued: number; alive: boolean }[];
}

/**
 * Submitting tasks to a pool. Typed two ways: with a `moduleRef`, the export name, its arguments
 * and its result are checked against the module's type
 * (`pool.run(moduleRef<typeof import("./m.js")>(url), "fib", 30)` is a `Promise<number>`);
 * with a plain URL or string, every argument must still be `Sendable` and `run<R>` names the
 * result type.
 */
export interface Pool {
  /** Worker threads of the pool. */
  readonly threads: number;
  /**
   * Runs `exportName` of the module at `moduleUrl` on a worker with `args`; resolves with what it
   * returns (awaited if it is a promise), rejects with what it throws.
   */
  run<M extends object, K extends TaskName<M>, A extends TaskArgs<M, K> = TaskArgs<M, K>>(
    moduleUrl: ModuleRef<M>,
    exportName: K,
    ...args: A & Sendable<A>
  ): Promise<TaskResult<M, K>>;
  run<R = unknown, A extends readonly unknown[] = readonly unknown[]>(moduleUrl: PlainModuleUrl, exportName: string, ...args: A & Sendable<A>): Promise<R>;
  /** `run` with options (an `AbortSignal`). */
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
  /**
   * Runs the export once per entry of `argsList` (batched: a few records, not one per call); results
   * in order. Every argument list must be `Sendable` (and, with a `moduleRef`, fit the export).
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
  /** Counters and queue depths. */
  stats(): PoolStats;
}
