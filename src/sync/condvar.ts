/**
 * Condvar: a condition variable over a sequence counter, after Rust std's futex condvar.
 *
 * Word layout (Int32, from byteOffset):
 *   [0] TAG      TypeTag.Condvar
 *   [1] SEQ      bumped by every notify; waiters park on the value they saw
 *   [2] WAITERS  threads between "about to read SEQ" and "woke up"; notify skips the syscall at 0
 * All-zero is a valid condvar.
 */
import * as sys from "../sys/index.js";
import { claimTag, placeWords, sharedBuffer } from "../memory/layout.js";
import { PoisonError, asCalled } from "../errors.js";
import { SHARE, registerKind, type PrimitiveWire, type SharedPrimitive } from "../share/index.js";
import { checkCallback, deadlineOf, type Deadline, type WaitOptions } from "./options.js";
import { detachGuard, reattachGuard, type Mutex, type MutexGuard } from "./mutex.js";

const TAG = 0, SEQ = 1, WAITERS = 2;

/**
 * Waits for a condition guarded by a `Mutex`. `wait(guard)` atomically releases the lock and
 * parks until notified; the guard holds the lock again when it returns (also on timeout).
 * Wake-ups may be spurious, so wait in a loop or use `waitWhile`.
 */
export class Condvar implements SharedPrimitive {
  /** Bytes a Condvar occupies in a buffer. */
  static readonly BYTE_LENGTH = 12;
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  private readonly words: Int32Array;

  /** Creates a condvar in its own new shared buffer. */
  constructor(placement?: { buffer: SharedArrayBuffer; byteOffset: number }) {
    const buffer = placement === undefined ? sharedBuffer(Condvar.BYTE_LENGTH) : placement.buffer;
    const byteOffset = placement === undefined ? 0 : placement.byteOffset;
    this.words = placeWords("Condvar", buffer, byteOffset, Condvar.BYTE_LENGTH);
    claimTag("Condvar", this.words, TAG, byteOffset);
    this.buffer = buffer;
    this.byteOffset = byteOffset;
  }

  /** Places a condvar at `byteOffset` of `buffer` (zeroed memory is a valid condvar). */
  static at(buffer: SharedArrayBuffer, byteOffset: number): Condvar {
    return new Condvar({ buffer, byteOffset });
  }

  /**
   * Releases `guard`'s lock, parks until notified (or timeout), re-acquires the lock.
   * @returns `true` if woken (possibly spuriously), `false` on timeout. The guard holds the lock again either way.
   * @throws PoisonError (guard held) if the mutex was poisoned meanwhile; `signal.reason` on abort (guard held).
   */
  wait<T>(guard: MutexGuard<T>, opts?: WaitOptions): boolean {
    const d = deadlineOf("Condvar.wait", opts);
    sys.assertCanBlock("Condvar.wait", "Condvar.waitAsync");
    const mutex = detachGuard(guard);
    const seen = this.enter();
    let result: sys.WaitResult;
    try {
      mutex.release(false);
      result = sys.wait(this.words, SEQ, seen, sys.remaining(d.at));
    } finally {
      sys.sub(this.words, WAITERS, 1);
      this.relock(guard, mutex, mutex.acquireSync(noDeadline, "Condvar.wait"));
    }
    return result !== "timed-out";
  }

  /** Async twin of `wait`: never blocks the event loop. */
  async waitAsync<T>(guard: MutexGuard<T>, opts?: WaitOptions): Promise<boolean> {
    const d = deadlineOf("Condvar.waitAsync", opts);
    const mutex = detachGuard(guard);
    const seen = this.enter();
    let result: sys.AsyncWaitResult;
    try {
      mutex.release(false);
      result = await sys.waitAsync(this.words, SEQ, seen, sys.remaining(d.at), d.signal);
    } finally {
      sys.sub(this.words, WAITERS, 1);
      this.relock(guard, mutex, await mutex.acquireAsync(noDeadline, "Condvar.waitAsync"));
    }
    if (result === "aborted") throw d.signal!.reason;
    return result !== "timed-out";
  }

  /**
   * Waits while `condition(guard.value)` is true.
   * @returns `true` once the condition is false, `false` if the timeout passed first (lock held either way).
   */
  waitWhile<T>(guard: MutexGuard<T>, condition: (value: T) => boolean, opts?: WaitOptions): boolean {
    checkCallback("Condvar.waitWhile", condition);
    const d = deadlineOf("Condvar.waitWhile", opts);
    while (condition(guard.value)) {
      const left = sys.remaining(d.at);
      if (left <= 0) return false;
      try {
        this.wait(guard, { timeout: left, signal: d.signal });
      } catch (e) {
        throw asCalled(e, "Condvar.waitWhile", "Condvar.waitWhileAsync");
      }
    }
    return true;
  }

  /** Async twin of `waitWhile`. */
  async waitWhileAsync<T>(guard: MutexGuard<T>, condition: (value: T) => boolean, opts?: WaitOptions): Promise<boolean> {
    checkCallback("Condvar.waitWhileAsync", condition);
    const d = deadlineOf("Condvar.waitWhileAsync", opts);
    while (condition(guard.value)) {
      const left = sys.remaining(d.at);
      if (left <= 0) return false;
      await this.waitAsync(guard, { timeout: left, signal: d.signal });
    }
    return true;
  }

  /** Wakes one waiting thread, if any. */
  notifyOne(): void {
    this.bump(1);
  }

  /** Wakes all waiting threads. */
  notifyAll(): void {
    this.bump(Infinity);
  }

  private enter(): number {
    // Count ourselves as a waiter *before* reading SEQ: a notifier that then reads WAITERS == 0
    // bumped SEQ before our read, i.e. it notified before we started waiting — which the caller's
    // predicate, checked under the lock, already reflects. No wake-up is lost.
    sys.add(this.words, WAITERS, 1);
    // Read SEQ while still holding the lock: a notify after our unlock changes it, and the
    // park below then returns at once instead of sleeping through the notification.
    return sys.load(this.words, SEQ);
  }

  private bump(count: number): void {
    sys.add(this.words, SEQ, 1);
    if (sys.load(this.words, WAITERS) > 0) sys.notify(this.words, SEQ, count);
  }

  private relock<T>(guard: MutexGuard<T>, mutex: Mutex<T>, poisoned: boolean): void {
    reattachGuard(guard, mutex);
    if (poisoned) throw new PoisonError("Mutex", guard);
  }

  /** @internal */
  [SHARE](): PrimitiveWire {
    return { kind: "Condvar", buffer: this.buffer, byteOffset: this.byteOffset };
  }
}

const noDeadline: Deadline = { at: Infinity, timeout: Infinity, signal: undefined };

registerKind("Condvar", (w) => Condvar.at(w.buffer, w.byteOffset));
