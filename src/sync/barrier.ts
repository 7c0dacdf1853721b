/**
 * Barrier: n threads wait until all have arrived; reusable, one leader per generation.
 *
 * Word layout (Int32, from byteOffset):
 *   [0] TAG    TypeTag.Barrier
 *   [1] STATE  arrivals in bits 0..19, generation (mod 2^11) in bits 20..30 — one word, so an
 *              arrival and the trip that resets it are each a single CAS, and a timed-out waiter
 *              can withdraw its arrival only if its generation has not tripped
 *   [2] GEN    full generation counter, bumped by the leader after the trip; waiters park on it
 *   [3] N      parties
 */
import * as sys from "../sys/index.js";
import { claimTag, placeWords, sharedBuffer } from "../memory/layout.js";
import { SHARE, registerKind, type PrimitiveWire, type SharedPrimitive } from "../share/index.js";
import { checkCount, deadlineOf, type WaitOptions } from "./options.js";
import { parkAsync, parkSync, type Park, type SlowPath } from "./park.js";

const TAG = 0, STATE = 1, GEN = 2, N = 3;
const COUNT_MASK = (1 << 20) - 1, GEN_SHIFT = 20, GEN_MASK = (1 << 11) - 1;
/** Most parties a Barrier supports. */
const MAX_PARTIES = COUNT_MASK;

/** What `Barrier.wait` returns: exactly one waiter per generation is the leader. */
export interface BarrierWaitResult {
  readonly isLeader: boolean;
}

const LEADER: BarrierWaitResult = Object.freeze({ isLeader: true });
const FOLLOWER: BarrierWaitResult = Object.freeze({ isLeader: false });

/**
 * Lets `n` threads wait for each other: `wait()` returns once all `n` have called it, to exactly
 * one of them with `isLeader: true`. Reusable: the next `n` calls form the next generation.
 * A waiter that times out withdraws (unless its generation tripped meanwhile, then it succeeds).
 */
export class Barrier implements SharedPrimitive {
  /** Bytes a Barrier occupies in a buffer. */
  static readonly BYTE_LENGTH = 16;
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  private readonly words: Int32Array;
  private readonly park: Park;

  /**
   * A barrier of `n` parties. `n = 0` acts as `n = 1` (as Rust's and tokio's `Barrier::new(0)`):
   * every wait returns at once, as leader.
   * @throws RangeError unless `n` is an integer in 0..2^20-1.
   */
  constructor(n: number, placement?: { buffer: SharedArrayBuffer; byteOffset: number }) {
    const buffer = placement === undefined ? sharedBuffer(Barrier.BYTE_LENGTH) : placement.buffer;
    const byteOffset = placement === undefined ? 0 : placement.byteOffset;
    const words = placeWords("Barrier", buffer, byteOffset, Barrier.BYTE_LENGTH);
    const parties = n === undefined && placement ? undefined : checkCount("Barrier", "n (parties)", n, 0, MAX_PARTIES);
    if (parties === undefined && sys.load(words, TAG) === 0) {
      // Checked before claiming the tag, so the memory stays fresh for a placement with a count.
      throw new RangeError(`Barrier.at: fresh memory at byteOffset ${byteOffset} needs the number of parties`);
    }
    if (claimTag("Barrier", words, TAG, byteOffset)) {
      if (parties === undefined) throw new RangeError(`Barrier.at: fresh memory at byteOffset ${byteOffset} needs the number of parties`);
      sys.store(words, N, parties);
    } else {
      const have = sys.load(words, N);
      if (parties !== undefined && have !== parties) {
        throw new RangeError(`Barrier.at: the barrier at byteOffset ${byteOffset} has ${have} parties, not ${parties}`);
      }
    }
    this.words = words;
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.park = { words, index: GEN, value: 0 };
  }

  /** Places a barrier at `byteOffset` of `buffer`; `n` is required for fresh memory. */
  static at(buffer: SharedArrayBuffer, byteOffset: number, n?: number): Barrier {
    return new Barrier(n as number, { buffer, byteOffset });
  }

  /** Number of parties. */
  get parties(): number {
    return sys.load(this.words, N);
  }

  /** Blocks until all parties have arrived. */
  wait(opts?: WaitOptions): BarrierWaitResult {
    const d = deadlineOf("Barrier.wait", opts);
    return parkSync(this.waitSlow(), d, "Barrier.wait", "Barrier.waitAsync");
  }

  /** Async twin of `wait`. */
  waitAsync(opts?: WaitOptions): Promise<BarrierWaitResult> {
    try {
      const d = deadlineOf("Barrier.waitAsync", opts);
      return parkAsync(this.waitSlow(), d, "Barrier.waitAsync");
    } catch (e) {
      return Promise.reject(e);
    }
  }

  private *waitSlow(): SlowPath<BarrierWaitResult> {
    const n = sys.load(this.words, N);
    let myGen: number;
    for (;;) {
      const s = sys.load(this.words, STATE);
      const count = s & COUNT_MASK;
      const gen = s >>> GEN_SHIFT;
      if (count + 1 >= n) {
        // Last to arrive: reset the count and advance the generation in one CAS, then publish
        // the new generation on GEN for the parked waiters.
        if (sys.cas(this.words, STATE, s, ((gen + 1) & GEN_MASK) << GEN_SHIFT) !== s) continue;
        sys.add(this.words, GEN, 1);
        sys.notifyAll(this.words, GEN);
        return LEADER;
      }
      if (sys.cas(this.words, STATE, s, s + 1) === s) {
        myGen = gen;
        break;
      }
    }
    // GEN's low bits equal our generation + 1 once our generation tripped. It cannot run further
    // ahead: the next generation cannot trip without us.
    const target = (myGen + 1) & GEN_MASK;
    try {
      for (;;) {
        const g = sys.load(this.words, GEN);
        if ((g & GEN_MASK) === target) return FOLLOWER;
        this.park.value = g;
        yield this.park;
      }
    } catch (e) {
      // Timed out or aborted: withdraw our arrival, unless our generation tripped meanwhile.
      for (;;) {
        const s = sys.load(this.words, STATE);
        if (s >>> GEN_SHIFT !== myGen) return FOLLOWER;
        if (sys.cas(this.words, STATE, s, s - 1) === s) throw e;
      }
    }
  }

  /** @internal */
  [SHARE](): PrimitiveWire {
    return { kind: "Barrier", buffer: this.buffer, byteOffset: this.byteOffset };
  }
}

registerKind("Barrier", (w) => Barrier.at(w.buffer, w.byteOffset));
