/**
 * WaitGroup: wait for a collection of tasks to finish (Go's sync.WaitGroup).
 *
 * Word layout (Int32, from byteOffset):
 *   [0] TAG    TypeTag.WaitGroup
 *   [1] COUNT  outstanding tasks; waiters park on it and are woken when it reaches 0
 * All-zero is a valid, empty WaitGroup.
 */
import * as sys from "../sys/index.js";
import { claimTag, describeValue, placeWords, sharedBuffer } from "../memory/layout.js";
import { SHARE, registerKind, type PrimitiveWire, type SharedPrimitive } from "../share/index.js";
import { deadlineOf, type WaitOptions } from "./options.js";
import { parkAsync, parkSync, type Park, type SlowPath } from "./park.js";

const TAG = 0, COUNT = 1;

/** Counts outstanding tasks: `add(n)` before starting them, `done()` as each ends, `wait()` for zero. */
export class WaitGroup implements SharedPrimitive {
  /** Bytes a WaitGroup occupies in a buffer. */
  static readonly BYTE_LENGTH = 8;
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  private readonly words: Int32Array;
  private readonly park: Park;

  /** Creates a WaitGroup (count 0) in its own new shared buffer. */
  constructor(placement?: { buffer: SharedArrayBuffer; byteOffset: number }) {
    const buffer = placement === undefined ? sharedBuffer(WaitGroup.BYTE_LENGTH) : placement.buffer;
    const byteOffset = placement === undefined ? 0 : placement.byteOffset;
    this.words = placeWords("WaitGroup", buffer, byteOffset, WaitGroup.BYTE_LENGTH);
    claimTag("WaitGroup", this.words, TAG, byteOffset);
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.park = { words: this.words, index: COUNT, value: 0 };
  }

  /** Places a WaitGroup at `byteOffset` of `buffer`. */
  static at(buffer: SharedArrayBuffer, byteOffset: number): WaitGroup {
    return new WaitGroup({ buffer, byteOffset });
  }

  /** Outstanding count (a snapshot). */
  get count(): number {
    return sys.load(this.words, COUNT);
  }

  /**
   * Adds `n` (may be negative) to the count; waking the waiters when it reaches 0.
   * @throws RangeError if `n` is not an integer or the count would go negative (nothing changes then).
   */
  add(n = 1): void {
    if (typeof n !== "number" || !Number.isInteger(n) || Math.abs(n) > 0x3fffffff) {
      throw new RangeError(`WaitGroup.add: n must be an integer, got ${describeValue(n)}`);
    }
    for (;;) {
      const c = sys.load(this.words, COUNT);
      const next = c + n;
      if (next < 0) throw new RangeError(`WaitGroup.add(${n}): the count is ${c}; it cannot go negative (more done() than add())`);
      if (next > 0x3fffffff) throw new RangeError(`WaitGroup.add(${n}): the count would overflow`);
      if (sys.cas(this.words, COUNT, c, next) === c) {
        if (next === 0 && c !== 0) sys.notifyAll(this.words, COUNT);
        return;
      }
    }
  }

  /** One task finished: `add(-1)`. */
  done(): void {
    this.add(-1);
  }

  /** Blocks until the count is 0. */
  wait(opts?: WaitOptions): void {
    const d = deadlineOf("WaitGroup.wait", opts);
    if (sys.load(this.words, COUNT) !== 0) parkSync(this.waitSlow(), d, "WaitGroup.wait", "WaitGroup.waitAsync");
  }

  /** Async twin of `wait`. */
  async waitAsync(opts?: WaitOptions): Promise<void> {
    const d = deadlineOf("WaitGroup.waitAsync", opts);
    if (sys.load(this.words, COUNT) !== 0) await parkAsync(this.waitSlow(), d, "WaitGroup.waitAsync");
  }

  private *waitSlow(): SlowPath<void> {
    for (;;) {
      const c = sys.load(this.words, COUNT);
      if (c === 0) return;
      // Park on the count we saw: any change (including to 0 with its notify) wakes us to re-read.
      this.park.value = c;
      yield this.park;
    }
  }

  /** @internal */
  [SHARE](): PrimitiveWire {
    return { kind: "WaitGroup", buffer: this.buffer, byteOffset: this.byteOffset };
  }
}

registerKind("WaitGroup", (w) => WaitGroup.at(w.buffer, w.byteOffset));
