/**
 * Which pool this thread is a worker of (if any): `currentPool()` inside a task returns a view of
 * that pool whose submissions go to this worker's own deque, where idle workers steal them.
 */
import type { Pool, PoolStats, TaskOptions } from "./api.js";
import type { Executor } from "./worker.js";
import { describeValue } from "../memory/layout.js";
import { poolStats } from "./shared.js";

/** Key of the pool's data in a worker's `workerData` and messages. */
export const POOL_KEY = "\u0000weft.pool";

let current: Pool | undefined;

/** The pool this thread works for, or undefined on any other thread. */
export const workerPool = (): Pool | undefined => current;

/** The view of its pool a pool worker's tasks see. */
class WorkerPool implements Pool {
  readonly threads: number;
  constructor(private readonly ex: Executor) {
    this.threads = ex.shared.threads;
  }

  run<R = unknown>(moduleUrl: string | URL, exportName: string, ...args: unknown[]): Promise<R> {
    return this.ex.nested.submit<R>(undefined, moduleUrl, exportName, args);
  }

  runWith<R = unknown>(opts: TaskOptions, moduleUrl: string | URL, exportName: string, ...args: unknown[]): Promise<R> {
    if (opts === null || typeof opts !== "object") {
      return Promise.reject(new TypeError(`ThreadPool.runWith: options must be an object like { signal }, got ${describeValue(opts)}`));
    }
    return this.ex.nested.submit<R>(opts.signal, moduleUrl, exportName, args);
  }

  runMany<R = unknown>(moduleUrl: string | URL, exportName: string, argsList: unknown[][], opts?: TaskOptions): Promise<R[]> {
    return this.ex.nested.submitMany<R>(moduleUrl, exportName, argsList, opts);
  }

  stats(): PoolStats {
    return poolStats(this.ex.shared, this.ex.nested.pending);
  }
}

/** Called once by the pool worker entry. */
export function enterWorker(ex: Executor): void {
  current = new WorkerPool(ex);
}
