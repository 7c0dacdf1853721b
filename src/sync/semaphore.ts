/**
 * Semaphore: a counting semaphore with a ceiling, closable.
 *
 * Word layout (Int32, from byteOffset):
 *   [0] TAG      TypeTag.Semaphore
 *   [1] PERMITS  permits available now (bits 0..29) and CLOSED (bit 30, set by close(): waiters and
 *                later acquires fail with ClosedError). One word, so an acquire is a load and a CAS
 *                that sees both (tokio keeps its closed flag in the permits word for the same reason).
 *                Waiters park on it.
 *   [2] MAX      1 + the most permits it may hold (the initial count): release past it is a
 *                RangeError. 0 = not set up yet (a thread may attach before the creator). Written
 *                once, so each view caches it.
 *   [3] WAITERS  threads parked (or about to park): release skips the notify at 0
 * All-zero is a valid (empty, ceiling 0) semaphore; `at(buffer, offset, permits)` sets it up.
 */
import * as sys from "../sys/index.js";
import { claimTag, placeWords, sharedBuffer } from "../memory/layout.js";
import { ClosedError } from "../errors.js";
import { SHARE, registerKind, type PrimitiveWire, type SharedPrimitive } from "../share/index.js";
import { checkCount, deadlineOf, type WaitOptions } from "./options.js";
import { parkAsync, parkSync, type Park, type SlowPath } from "./park.js";

const TAG = 0, PERMITS = 1, MAX = 2, WAITERS = 3;
const LIMIT = 0x3fffffff, COUNT = 0x3fffffff, CLOSED = 0x40000000;

/**
 * A counting semaphore: `acquire(n)` takes n permits (waiting for them), `release(n)` gives them
 * back. `close()` makes waiters and later acquires fail with `ClosedError`.
 */
export class Semaphore implements SharedPrimitive {
  /** Bytes a Semaphore occupies in a buffer. */
  static readonly BYTE_LENGTH = 16;
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  private readonly words: Int32Array;
  private readonly park: Park;
  private max = -1;

  /**
   * Creates a semaphore holding `permits` permits (also its ceiling).
   * @throws RangeError if `permits` is not an integer in 0..2^30-1.
   */
  constructor(permits: number, placement?: { buffer: SharedArrayBuffer; byteOffset: number }) {
    const buffer = placement === undefined ? sharedBuffer(Semaphore.BYTE_LENGTH) : placement.buffer;
    const byteOffset = placement === undefined ? 0 : placement.byteOffset;
    const words = placeWords("Semaphore", buffer, byteOffset, Semaphore.BYTE_LENGTH);
    const n = permits === undefined && placement ? undefined : checkCount("Semaphore", "permits", permits, 0, LIMIT);
    claimTag("Semaphore", words, TAG, byteOffset);
    if (n !== undefined) {
      // MAX 0 means "not set up yet" (a thread may attach before the creator): the first placement
      // that gives a count sets it up, exactly once.
      const seen = sys.cas(words, MAX, 0, n + 1);
      if (seen === 0) {
        if (n > 0) {
          sys.add(words, PERMITS, n);
          sys.notifyAll(words, PERMITS);
        }
      } else if (seen !== n + 1) {
        throw new RangeError(`Semaphore.at: the semaphore at byteOffset ${byteOffset} has ${seen - 1} permits, not ${n}`);
      }
    }
    this.words = words;
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.park = { words, index: PERMITS, value: 0 };
  }

  /**
   * Places a semaphore at `byteOffset` of `buffer`. With `permits`, fresh memory is set up with
   * that many, and existing memory must agree; without, it attaches as it is.
   */
  static at(buffer: SharedArrayBuffer, byteOffset: number, permits?: number): Semaphore {
    return new Semaphore(permits as number, { buffer, byteOffset });
  }

  /** Permits available right now (a snapshot). */
  get available(): number {
    return sys.load(this.words, PERMITS) & COUNT;
  }

  /** The ceiling: the most permits this semaphore can hold. */
  get maxPermits(): number {
    return Math.max(0, this.ceiling());
  }

  /** Whether `close()` was called. */
  get isClosed(): boolean {
    return (sys.load(this.words, PERMITS) & CLOSED) !== 0;
  }

  private ceiling(): number {
    // MAX is written once, when the memory is first set up (possibly by another thread just now).
    return this.max >= 0 ? this.max : (this.max = sys.load(this.words, MAX) - 1);
  }

  /** Blocks until `n` permits (default 1) are taken. @throws ClosedError, TimeoutError, RangeError. */
  acquire(n = 1, opts?: WaitOptions): void {
    this.checkN("Semaphore.acquire", n);
    const d = deadlineOf("Semaphore.acquire", opts);
    if (!this.take(n)) parkSync(this.acquireSlow(n), d, "Semaphore.acquire", "Semaphore.acquireAsync");
  }

  /** Takes `n` permits if available now. @returns whether it did. @throws ClosedError. */
  tryAcquire(n = 1): boolean {
    this.checkN("Semaphore.tryAcquire", n);
    return this.take(n);
  }

  /** Async twin of `acquire`. */
  async acquireAsync(n = 1, opts?: WaitOptions): Promise<void> {
    this.checkN("Semaphore.acquireAsync", n);
    const d = deadlineOf("Semaphore.acquireAsync", opts);
    if (!this.take(n)) await parkAsync(this.acquireSlow(n), d, "Semaphore.acquireAsync");
  }

  /**
   * Gives back `n` permits (default 1) and wakes waiters.
   * @throws RangeError if that would exceed the ceiling (nothing is released then).
   */
  release(n = 1): void {
    checkCount("Semaphore.release", "n", n, 0, LIMIT);
    const max = this.ceiling();
    for (let p = sys.load(this.words, PERMITS); ; ) {
      if ((p & COUNT) + n > max) {
        throw new RangeError(`Semaphore.release(${n}): ${p & COUNT} of ${max} permits are already available; releasing ${n} more would exceed the ceiling`);
      }
      const seen = sys.cas(this.words, PERMITS, p, p + n);
      if (seen === p) break;
      p = seen;
    }
    // A waiter counts itself before reading PERMITS; if we read WAITERS == 0 here, its read comes
    // after our CAS and sees the new permits, so skipping the notify loses nothing.
    if (sys.load(this.words, WAITERS) > 0) sys.notifyAll(this.words, PERMITS);
  }

  /** Closes the semaphore: current waiters and every later acquire fail with `ClosedError`. */
  close(): void {
    sys.or(this.words, PERMITS, CLOSED);
    sys.notifyAll(this.words, PERMITS);
  }

  private checkN(where: string, n: number): void {
    checkCount(where, "n", n, 0, LIMIT);
    const max = this.ceiling();
    if (max >= 0 && n > max) throw new RangeError(`${where}(${n}): the semaphore never holds more than ${max} permits, so this would wait forever`);
  }

  private take(n: number): boolean {
    for (let p = sys.load(this.words, PERMITS); ; ) {
      if ((p & CLOSED) !== 0) throw new ClosedError("Semaphore is closed");
      if (p < n) return false;
      const seen = sys.cas(this.words, PERMITS, p, p - n);
      if (seen === p) return true;
      p = seen;
    }
  }

  private *acquireSlow(n: number): SlowPath<void> {
    sys.add(this.words, WAITERS, 1);
    try {
      for (;;) {
        if (this.take(n)) return;
        // take() failed having seen fewer than n: park on the count we now read. A release after
        // this read changes it and the park returns at once.
        const p = sys.load(this.words, PERMITS);
        if (p >= n) continue; // enough permits, or CLOSED (a larger word): take() decides
        this.park.value = p;
        yield this.park;
      }
    } finally {
      sys.sub(this.words, WAITERS, 1);
    }
  }

  /** @internal */
  [SHARE](): PrimitiveWire {
    return { kind: "Semaphore", buffer: this.buffer, byteOffset: this.byteOffset };
  }
}

registerKind("Semaphore", (w) => Semaphore.at(w.buffer, w.byteOffset));
