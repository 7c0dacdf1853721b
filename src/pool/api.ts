/**
 * The public shape of a pool, shared by `ThreadPool` (on the thread that created it) and the view
 * a task gets from `currentPool()` inside a pool worker.
 */
import type { TaskOptions } from "./submitter.js";

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

/** Submitting tasks to a pool. */
export interface Pool {
  /** Worker threads of the pool. */
  readonly threads: number;
  /**
   * Runs `exportName` of the module at `moduleUrl` on a worker with `args`; resolves with what it
   * returns (awaited if it is a promise), rejects with what it throws.
   */
  run<R = unknown>(moduleUrl: string | URL, exportName: string, ...args: unknown[]): Promise<R>;
  /** `run` with options (an `AbortSignal`). */
  runWith<R = unknown>(opts: TaskOptions, moduleUrl: string | URL, exportName: string, ...args: unknown[]): Promise<R>;
  /** Runs the export once per entry of `argsList` (batched: a few records, not one per call); results in order. */
  runMany<R = unknown>(moduleUrl: string | URL, exportName: string, argsList: unknown[][], opts?: TaskOptions): Promise<R[]>;
  /** Counters and queue depths. */
  stats(): PoolStats;
}
