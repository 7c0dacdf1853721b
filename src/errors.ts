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
  constructor(what: string, asyncTwin: string, options?: { cause?: unknown }) {
    super(
      `${what}() would block, and this thread cannot block (Atomics.wait is not allowed on a ` +
        `browser's main thread); use ${asyncTwin}() instead`,
      options,
    );
  }
}

/**
 * `e` as the caller named it: a BlockingNotAllowedError from a blocking call made inside another
 * (`withLock`'s `lock()`) names the outer call and its twin, which is what the user wrote.
 */
export const asCalled = (e: unknown, what: string, asyncTwin: string): unknown =>
  e instanceof BlockingNotAllowedError ? new BlockingNotAllowedError(what, asyncTwin, { cause: e }) : e;

/**
 * This runtime lacks what the call needs: `spawn`, `ThreadPool`, the parallel helpers and `track`
 * need Node's `worker_threads` (in a browser, start Web Workers yourself and hand them primitives
 * with `share()`/`revive()`). The message names the call and what to do instead.
 */
export class UnsupportedError extends WeftError {}

/**
 * There is no `SharedArrayBuffer` here, so no weft primitive can be made. In a browser this means
 * the page is not cross-origin isolated: serve it (and its worker scripts) with
 * `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`.
 */
export class SharedMemoryUnavailableError extends UnsupportedError {
  constructor() {
    super(
      "weft needs SharedArrayBuffer, and this context has none. Browsers give it only to cross-origin isolated " +
        "pages (self.crossOriginIsolated === true): serve the page and its worker scripts with the headers " +
        "Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp",
    );
  }
}

/** A spawned worker ended without returning a result (terminated, or `process.exit` in it). */
export class WorkerExitError extends WeftError {
  /** The worker's exit code, when known. */
  readonly exitCode: number | undefined;
  constructor(message: string, exitCode?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.exitCode = exitCode;
  }
}

/**
 * An operation was stopped through its `AbortSignal`. Named "AbortError" like the DOM's, so code
 * that checks `err.name === "AbortError"` works; `cause` is the signal's `reason`.
 */
export class AbortError extends WeftError {
  constructor(what: string, reason?: unknown) {
    super(`${what} was aborted${reason instanceof Error ? `: ${reason.message}` : reason !== undefined ? `: ${String(reason)}` : ""}`, {
      cause: reason,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Channels (after std::sync::mpsc and crossbeam-channel).

/** A value cannot be sent: the codec cannot carry it. Nothing entered the channel. */
export class DataCloneError extends WeftError {}

/**
 * A value holds an `ArrayBuffer` that was moved away (detached) by an earlier `send(tx, value)`
 * (or any transfer): it has no contents left, so weft refuses to send it rather than send an
 * empty buffer. Rust's "use of moved value", caught at run time (the compiler catches it where
 * it can see the move; aliases it cannot).
 */
export class MovedError extends DataCloneError {}

/** A send failed because every receiver is gone. The value is handed back. */
export class SendError<T = unknown> extends WeftError {
  constructor(readonly value: T) {
    super("sending on a disconnected channel: every receiver is closed");
  }
}

/** `trySend` failed: the channel is `full`, or `disconnected`. The value is handed back. */
export class TrySendError<T = unknown> extends WeftError {
  constructor(readonly kind: "full" | "disconnected", readonly value: T) {
    super(kind === "full" ? "trySend on a full channel" : "sending on a disconnected channel: every receiver is closed");
  }
  /** Whether the channel was full (a later send may succeed). */
  get isFull(): boolean {
    return this.kind === "full";
  }
  /** Whether every receiver is gone. */
  get isDisconnected(): boolean {
    return this.kind === "disconnected";
  }
}

/** A send timed out; the value is handed back. */
export class SendTimeoutError<T = unknown> extends TimeoutError {
  readonly value: T;
  constructor(what: string, timeoutMs: number, value: T) {
    super(what, timeoutMs);
    this.value = value;
  }
}

/** `recv` failed: the channel is empty and every sender is gone. */
export class RecvError extends WeftError {
  constructor() {
    super("receiving on an empty and disconnected channel: every sender is closed");
  }
}

/** `tryRecv` failed: the channel is `empty`, or `disconnected` (empty and no senders). */
export class TryRecvError extends WeftError {
  constructor(readonly kind: "empty" | "disconnected") {
    super(kind === "empty" ? "tryRecv on an empty channel" : "receiving on an empty and disconnected channel: every sender is closed");
  }
  get isEmpty(): boolean {
    return this.kind === "empty";
  }
  get isDisconnected(): boolean {
    return this.kind === "disconnected";
  }
}

/** Shared memory ran out: the arena reached its `maxByteLength`. Nothing was lost. */
export class CapacityError extends WeftError {}
