/**
 * Semaphore: a counting semaphore with a ceiling, closable.
 *
 * Word layout (Int32, from byteOffset):
 *   [0] TAG      TypeTag.Semaphore
 *   [1] PERMITS  permits available now (bits 0..29), CLOSED (bit 30, set by close(): waiters and
 *                later acquires fail with ClosedError) and HEAD (bit 31: a waiter is at the head of
 *                the line, see below). One word, so an acquire is a load and a CAS that sees all
 *                three (tokio keeps its closed flag in the permits word for the same reason).
 *                Waiters park on it.
 *   [2] MAX      1 + the most permits it may hold (the initial count): release past it is a
 *                RangeError. 0 = not set up yet (a thread may attach before the creator). Written
 *                once, so each view caches it.
 *   [3] WAITERS  threads parked (or about to park): release skips the notify at 0
 *   [4] HEAD_N   permits the head waiter asks for (valid while HEAD is set)
 *   [5] OWNER    thread slot of the head waiter (or of a waiter about to become it); 0 = none
 *
 * Fairness (tokio's, for the head of the line): a waiter that finds too few permits becomes the
 * head if there is none — claims OWNER, writes HEAD_N, sets HEAD. While HEAD is set, the others
 * (waiting or not, `tryAcquire` too) may take only what is left above HEAD_N, so permits pile up
 * for the head and a large `acquire(n)` is never starved by a stream of small ones; a later
 * `acquire(1)` waits behind a queued `acquire(3)` even if a permit is there. The head clears HEAD
 * in the CAS that takes its permits (or when it times out, is aborted or sees CLOSED), then
 * OWNER, then wakes the rest; one of them becomes the next head. The order among the waiters
 * behind the head is not kept. A head whose thread died is replaced by the waiter that sees it
 * (every waiter re-checks after each LIVENESS_SLICE_MS park).
 * All-zero is a valid (empty, ceiling 0) semaphore; `at(buffer, offset, permits)` sets it up.
 */
import * as sys from "../sys/index.js";
import { claimTag, placeWords, sharedBuffer } from "../memory/layout.js";
import { ClosedError } from "../errors.js";
import { SHARE, registerKind, type PrimitiveWire, type SharedPrimitive } from "../share/index.js";
import { checkCount, deadlineOf, type WaitOptions } from "./options.js";
import { parkAsync, parkSync, type Park, type SlowPath } from "./park.js";
import { currentSlot, isAlive } from "../thread/registry.js";

const TAG = 0, PERMITS = 1, MAX = 2, WAITERS = 3, HEAD_N = 4, OWNER = 5;
const LIMIT = 0x3fffffff, COUNT = 0x3fffffff, CLOSED = 0x40000000, HEAD = 1 << 31;
/** The longest park of a waiter that sees a head being set up or stepping down (OWNER set, HEAD not yet / no longer). */
const HANDOVER_SLICE_MS = 1;

/**
 * A counting semaphore: `acquire(n)` takes n permits (waiting for them), `release(n)` gives them
 * back. `close()` makes waiters and later acquires fail with `ClosedError`.
 *
 * Fair to the head of the line, as tokio's: the first waiter that finds too few permits becomes
 * the head, and permits released meanwhile are kept for it — no other acquire, `tryAcquire`
 * included, takes from its share — so a large `acquire(n)` is not starved by a stream of small
 * ones. A head that times out, is aborted, or whose worker dies gives the place up. The waiters
 * behind the head are not served in arrival order.
 */
export class Semaphore implements SharedPrimitive {
  /** Bytes a Semaphore occupies in a buffer. */
  static readonly BYTE_LENGTH = 24;
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

  /**
   * Permits an acquire could take right now (a snapshot): those there are, less the ones piling up
   * for a waiter at the head of the line (as tokio's `available_permits`, where they are assigned
   * to it).
   */
  get available(): number {
    const p = sys.load(this.words, PERMITS);
    if ((p & HEAD) !== 0 && this.evictDeadHead()) return this.available;
    return Math.max(0, this.free(p));
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

  /**
   * Blocks until `n` permits (default 1) are taken: at once if that many are there beyond a waiting
   * head's share, else as the head of the line (or behind it). `n = 0` never waits.
   * @throws ClosedError, TimeoutError, RangeError.
   */
  acquire(n = 1, opts?: WaitOptions): void {
    this.checkN("Semaphore.acquire", n);
    const d = deadlineOf("Semaphore.acquire", opts);
    if (!this.take(n)) parkSync(this.acquireSlow(n), d, "Semaphore.acquire", "Semaphore.acquireAsync");
  }

  /**
   * Takes `n` permits if that many are there now beyond a waiting head's share.
   * @returns whether it did. @throws ClosedError.
   */
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

  /** Permits a caller other than the head may take, given PERMITS word `p` (negative: none). */
  private free(p: number): number {
    return (p & HEAD) === 0 ? p & COUNT : (p & COUNT) - sys.load(this.words, HEAD_N);
  }

  /** Takes `n` permits if there are that many above the head's share; false if not. */
  private take(n: number): boolean {
    for (let p = sys.load(this.words, PERMITS); ; ) {
      if ((p & CLOSED) !== 0) throw new ClosedError("Semaphore is closed");
      if (n > 0 && this.free(p) < n) {
        // Kept out by a head whose thread died: nobody may be waiting to replace it.
        if ((p & HEAD) !== 0 && this.evictDeadHead()) {
          p = sys.load(this.words, PERMITS);
          continue;
        }
        return false;
      }
      const seen = sys.cas(this.words, PERMITS, p, p - n);
      if (seen === p) return true;
      p = seen;
    }
  }

  /**
   * If the head's thread is dead, removes it (claims OWNER from it, clears HEAD, frees OWNER, wakes
   * the waiters) so the permits kept for it are free again: for callers that are not waiting — a
   * waiter takes a dead head's place instead (`acquireSlow`). Returns whether it removed one.
   */
  private evictDeadHead(): boolean {
    const owner = sys.load(this.words, OWNER);
    if (owner === 0 || isAlive(owner)) return false;
    const me = currentSlot();
    if (sys.cas(this.words, OWNER, owner, me) !== owner) return true; // someone else did: look again
    sys.and(this.words, PERMITS, ~HEAD);
    sys.store(this.words, OWNER, 0);
    if (sys.load(this.words, WAITERS) > 0) sys.notifyAll(this.words, PERMITS);
    return true;
  }

  /**
   * Makes this thread's waiter the head, having claimed OWNER: HEAD_N first, then HEAD (takers
   * read HEAD_N after seeing HEAD). If HEAD is still set — taken over from a dead head — it stays.
   */
  private becomeHead(n: number): void {
    sys.store(this.words, HEAD_N, n);
    sys.or(this.words, PERMITS, HEAD);
  }

  /**
   * The head steps down (`took`: in the CAS that took its permits, HEAD already cleared; else
   * clears HEAD now), gives up OWNER, and wakes the waiters behind it: one becomes the next head.
   */
  private stepDown(took: boolean): void {
    if (!took) sys.and(this.words, PERMITS, ~HEAD);
    sys.store(this.words, OWNER, 0);
    // The notify wakes those parked on PERMITS since our CAS above (or since the take's), and
    // those parked during the hand-over (OWNER still set) re-check within HANDOVER_SLICE_MS.
    // WAITERS counts us too (we step down before leaving it).
    if (sys.load(this.words, WAITERS) > 1) sys.notifyAll(this.words, PERMITS);
  }

  private *acquireSlow(n: number): SlowPath<void> {
    const words = this.words;
    const me = currentSlot();
    const handover: Park = { words, index: PERMITS, value: 0, slice: HANDOVER_SLICE_MS };
    let head = false;
    sys.add(words, WAITERS, 1);
    try {
      for (;;) {
        const p = sys.load(words, PERMITS);
        if ((p & CLOSED) !== 0) throw new ClosedError("Semaphore is closed");
        if (head) {
          // Ours are the first n: take them all at once, stepping down in the same CAS.
          if ((p & COUNT) >= n) {
            if (sys.cas(words, PERMITS, p, (p & ~HEAD) - n) === p) {
              head = false;
              this.stepDown(true);
              return;
            }
            continue;
          }
        } else if (n === 0 || this.free(p) >= n) {
          if (sys.cas(words, PERMITS, p, p - n) === p) return;
          continue;
        } else {
          const owner = sys.load(words, OWNER);
          if (owner === 0) {
            // No head: claim the place (OWNER first, so two claimants never both write HEAD_N).
            if (sys.cas(words, OWNER, 0, me) === 0) {
              head = true;
              this.becomeHead(n);
            }
            continue;
          }
          if (owner !== me && !isAlive(owner)) {
            // The head (or a claimant) died holding the place: take it over.
            if (sys.cas(words, OWNER, owner, me) === owner) {
              head = true;
              this.becomeHead(n);
            }
            continue;
          }
          if ((p & HEAD) === 0) {
            // A head being set up or stepping down: nothing to park on changes when it is done.
            handover.value = p;
            yield handover;
            continue;
          }
        }
        // Park until PERMITS changes (a release, a take, the head stepping down, close).
        this.park.value = p;
        yield this.park;
      }
    } finally {
      // Leaving without the permits (timeout, abort, close, a BlockingNotAllowedError): let the
      // permits that piled up for us go to the others — before leaving WAITERS, which stepDown
      // reads to know whether anyone else waits (a review found a lone waiter behind a head that
      // timed out left asleep until its park slice ended).
      if (head) this.stepDown(false);
      sys.sub(words, WAITERS, 1);
    }
  }

  /** @internal */
  [SHARE](): PrimitiveWire {
    return { kind: "Semaphore", buffer: this.buffer, byteOffset: this.byteOffset };
  }
}

registerKind("Semaphore", (w) => Semaphore.at(w.buffer, w.byteOffset));
