/**
 * Which pool this thread is a worker of (if any): `currentPool()` inside a task returns a view of
 * that pool whose submissions go to this worker's own deque, where idle workers steal them.
 */
import type { Pool, PoolStats, TaskOptions } from "./api.js";
import type { Executor } from "./worker.js";
import { describeValue } from "../memory/layout.js";
import { ANNOUNCE, poolStats } from "./shared.js";

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

  // Loose implementations: callers see the typed overloads of the `Pool` interface.
  run(moduleUrl: any, exportName: string, ...args: any[]): Promise<any> {
    return this.ex.nested.submit(undefined, moduleUrl, exportName, args);
  }

  runWith(opts: TaskOptions, moduleUrl: any, exportName: string, ...args: any[]): Promise<any> {
    if (opts === null || typeof opts !== "object") {
      return Promise.reject(new TypeError(`ThreadPool.runWith: options must be an object like { signal }, got ${describeValue(opts)}`));
    }
    return this.ex.nested.submit(opts.signal, moduleUrl, exportName, args);
  }

  runMany(moduleUrl: any, exportName: string, argsList: readonly (readonly unknown[])[], opts?: TaskOptions): Promise<any[]> {
    return this.ex.nested.submitMany(moduleUrl, exportName, argsList, opts);
  }

  stats(): PoolStats {
    return poolStats(this.ex.shared, this.ex.nested.pending);
  }

  /** @internal See `ANNOUNCE`. */
  [ANNOUNCE](n: number): (() => void) | undefined {
    const shared = this.ex.shared;
    const until = shared.announce(n);
    return () => shared.announced(until);
  }
}

/** Called once by the pool worker entry. */
export function enterWorker(ex: Executor): void {
  current = new WorkerPool(ex);
}
