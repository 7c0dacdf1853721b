/**
 * Once: run a function exactly once across all threads, after Rust std's futex `Once`.
 *
 * Word layout (Int32, from byteOffset):
 *   [0] TAG    TypeTag.Once
 *   [1] STATE  INCOMPLETE 0 · RUNNING 1 · COMPLETE 2 · POISONED 3, plus QUEUED (4): someone is parked
 *   [2] OWNER  thread slot running the function (for dead-runner detection and re-entry)
 * All-zero is a fresh, incomplete Once.
 */
import * as sys from "../sys/index.js";
import { claimTag, placeWords, sharedBuffer } from "../memory/layout.js";
import { currentSlot, isAlive } from "../thread/registry.js";
import { DeadlockError, PoisonError } from "../errors.js";
import { SHARE, registerKind, type PrimitiveWire, type SharedPrimitive } from "../share/index.js";
import { checkCallback, deadlineOf, type WaitOptions } from "./options.js";
import { parkAsync, parkSync, type Park, type SlowPath } from "./park.js";

const TAG = 0, STATE = 1, OWNER = 2;
const INCOMPLETE = 0, RUNNING = 1, COMPLETE = 2, POISONED = 3, QUEUED = 4, PHASE = 3;

/** What `callOnceForce`'s callback is told. */
export interface OnceState {
  /** A previous run threw (or its thread died). */
  readonly isPoisoned: boolean;
}

/**
 * Runs a function once, whichever thread asks first; the others wait until it has finished.
 * If the function throws (or its thread dies) the Once is poisoned: later `callOnce` calls throw
 * `PoisonError`, and `callOnceForce` may run a new attempt.
 */
export class Once implements SharedPrimitive {
  /** Bytes a Once occupies in a buffer. */
  static readonly BYTE_LENGTH = 12;
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  private readonly words: Int32Array;
  private readonly park: Park;

  /** Creates a Once in its own new shared buffer. */
  constructor(placement?: { buffer: SharedArrayBuffer; byteOffset: number }) {
    const buffer = placement === undefined ? sharedBuffer(Once.BYTE_LENGTH) : placement.buffer;
    const byteOffset = placement === undefined ? 0 : placement.byteOffset;
    this.words = placeWords("Once", buffer, byteOffset, Once.BYTE_LENGTH);
    claimTag("Once", this.words, TAG, byteOffset);
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.park = { words: this.words, index: STATE, value: 0 };
  }

  /** Places a Once at `byteOffset` of `buffer`. */
  static at(buffer: SharedArrayBuffer, byteOffset: number): Once {
    return new Once({ buffer, byteOffset });
  }

  /** Whether the function has run to completion. */
  get isCompleted(): boolean {
    return (sys.load(this.words, STATE) & PHASE) === COMPLETE;
  }

  /** Whether a run threw or died. */
  get isPoisoned(): boolean {
    return (sys.load(this.words, STATE) & PHASE) === POISONED;
  }

  /**
   * Runs `fn` if no thread has yet; otherwise waits for the running call to finish.
   * @throws PoisonError if a run threw; DeadlockError if called from inside `fn`; the error of `fn`.
   */
  callOnce(fn: () => void, opts?: WaitOptions): void {
    checkCallback("Once.callOnce", fn);
    if (this.isCompleted) return;
    this.callSync(fn, false, opts);
  }

  /** Like `callOnce`, but also runs (again) when poisoned; `fn` is told whether it was. */
  callOnceForce(fn: (state: OnceState) => void, opts?: WaitOptions): void {
    checkCallback("Once.callOnceForce", fn);
    if (this.isCompleted) return;
    this.callSync(fn, true, opts);
  }

  /** Async twin: `fn` may return a promise; the Once completes when it resolves. */
  async callOnceAsync(fn: () => unknown | Promise<unknown>, opts?: WaitOptions): Promise<void> {
    checkCallback("Once.callOnceAsync", fn);
    if (this.isCompleted) return;
    const d = deadlineOf("Once.callOnceAsync", opts);
    const claimed = await parkAsync(this.claim(false, false), d, "Once.callOnceAsync");
    if (claimed === null) return;
    let ok = false;
    try {
      await fn();
      ok = true;
    } finally {
      this.finish(ok);
    }
  }

  private callSync(fn: (state: OnceState) => void, force: boolean, opts?: WaitOptions): void {
    const d = deadlineOf(force ? "Once.callOnceForce" : "Once.callOnce", opts);
    const claimed = parkSync(this.claim(force, true), d, "Once.callOnce", "Once.callOnceAsync");
    if (claimed === null) return;
    let ok = false;
    try {
      fn({ isPoisoned: claimed === POISONED });
      ok = true;
    } finally {
      this.finish(ok);
    }
  }

  /** Slow path: returns the phase we took over from (we now run), or null if complete. */
  private *claim(force: boolean, sync: boolean): SlowPath<number | null> {
    for (;;) {
      const s = sys.load(this.words, STATE);
      const phase = s & PHASE;
      if (phase === COMPLETE) return null;
      if (phase === POISONED && !force) throw new PoisonError("Once", undefined, "a previous call threw or its thread died");
      if (phase === INCOMPLETE || phase === POISONED) {
        // Take it; keep QUEUED so our finish wakes whoever is parked.
        if (sys.cas(this.words, STATE, s, RUNNING | (s & QUEUED)) === s) {
          sys.store(this.words, OWNER, currentSlot());
          return phase;
        }
        continue;
      }
      const owner = sys.load(this.words, OWNER);
      if (owner === currentSlot() && sync) {
        throw new DeadlockError("Once.callOnce: called again from inside its own function");
      }
      if (owner !== 0 && owner !== currentSlot() && !isAlive(owner)) {
        // The runner died: poison, and wake everyone to see it.
        if (sys.cas(this.words, STATE, s, POISONED) === s) sys.notifyAll(this.words, STATE);
        continue;
      }
      if ((s & QUEUED) === 0 && sys.cas(this.words, STATE, s, s | QUEUED) !== s) continue;
      this.park.value = s | QUEUED;
      yield this.park;
    }
  }

  private finish(ok: boolean): void {
    sys.store(this.words, OWNER, 0);
    const prev = sys.exchange(this.words, STATE, ok ? COMPLETE : POISONED);
    if ((prev & QUEUED) !== 0) sys.notifyAll(this.words, STATE);
  }

  /** @internal */
  [SHARE](): PrimitiveWire {
    return { kind: "Once", buffer: this.buffer, byteOffset: this.byteOffset };
  }
}

registerKind("Once", (w) => Once.at(w.buffer, w.byteOffset));
