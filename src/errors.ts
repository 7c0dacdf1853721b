/**
 * weft's error classes. Every error a caller can act on has its own class, and carries what the
 * caller needs (a guard, a value handed back) — never `undefined` or `false` for two situations.
 */

/** Base class of every error weft throws on purpose. */
export class WeftError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A wait ran past its `timeout`. */
export class TimeoutError extends WeftError {
  constructor(what: string, timeoutMs: number) {
    super(`${what} timed out after ${timeoutMs} ms`);
  }
}

/**
 * The lock (or `Once`) is poisoned: a holder threw inside `withLock`, or died while holding it.
 * Like Rust's `PoisonError`, the lock was still acquired: `err.guard` is the held guard, so the
 * caller can inspect or repair the data, then `unlock()` it (and `clearPoison()` the lock).
 */
export class PoisonError<G = unknown> extends WeftError {
  /** The guard that was acquired despite the poison (`undefined` for `Once`). */
  readonly guard: G;
  constructor(what: string, guard: G, reason = "a previous holder threw or died while holding it") {
    super(`${what} is poisoned: ${reason}`);
    this.guard = guard;
  }
}

/** Waiting here could never end: the lock is already held by this very thread. */
export class DeadlockError extends WeftError {}

/** A guard or lock was used in a way its state does not allow (double unlock, wrong thread). */
export class LockError extends WeftError {}

/** The primitive was closed (a `Semaphore` after `close()`). */
export class ClosedError extends WeftError {}

/** A blocking call was made where blocking is impossible (a browser's main thread). */
export class BlockingNotAllowedError extends WeftError {
  constructor(what: string, asyncTwin: string) {
    super(
      `${what}() would block, and this thread cannot block (Atomics.wait is not allowed on a ` +
        `browser's main thread); use ${asyncTwin}() instead`,
    );
  }
}

/** A spawned worker ended without returning a result (terminated, or `process.exit` in it). */
export class WorkerExitError extends WeftError {
  /** The worker's exit code, when known. */
  readonly exitCode: number | undefined;
  constructor(message: string, exitCode?: number) {
    super(message);
    this.exitCode = exitCode;
  }
}
