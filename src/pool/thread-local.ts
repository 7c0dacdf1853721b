/**
 * Thread-local storage (Rust's `thread_local!`).
 *
 * Module scope is already per thread: each worker evaluates a module once, with its own
 * variables, so a `let cache = new Map()` at the top of a task module is one cache per worker.
 * `threadLocal(init)` adds what a plain variable lacks: lazy initialisation on first use in each
 * thread (expensive state is only built by the workers that need it), and an explicit
 * `take()` to drop it.
 */
import { checkCallback } from "../sync/options.js";

/** A value with one independent, lazily initialised instance per thread. */
export class ThreadLocal<T> {
  private value: T | undefined;
  private initialized = false;

  constructor(private readonly init: () => T) {
    checkCallback("threadLocal", init);
  }

  /** This thread's value, initialised by `init()` on first use. */
  get(): T {
    if (!this.initialized) {
      this.value = this.init();
      this.initialized = true;
    }
    return this.value as T;
  }

  /** Replaces this thread's value. */
  set(value: T): void {
    this.value = value;
    this.initialized = true;
  }

  /** Calls `fn` with this thread's value and returns its result (Rust's `LocalKey::with`). */
  with<R>(fn: (value: T) => R): R {
    return fn(this.get());
  }

  /** Removes this thread's value and returns it (`undefined` if none); the next `get` runs `init` again. */
  take(): T | undefined {
    const v = this.value;
    this.value = undefined;
    const had = this.initialized;
    this.initialized = false;
    return had ? v : undefined;
  }

  /** Whether this thread's value has been initialised. */
  get isInitialized(): boolean {
    return this.initialized;
  }
}

/**
 * Per-thread, lazily initialised state. Declare it at module scope of a task module:
 *
 * ```ts
 * const scratch = threadLocal(() => new Float64Array(1 << 20));
 * export function work(n: number) { const buf = scratch.get(); … }
 * ```
 */
export function threadLocal<T>(init: () => T): ThreadLocal<T> {
  return new ThreadLocal(init);
}
