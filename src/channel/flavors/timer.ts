/**
 * Timer flavor: crossbeam-channel's `after`, `tick` and `never` (`flavors/at.rs`, `tick.rs`,
 * `never.rs`). A receiver-only channel whose messages come from the clock: no sender exists, so it
 * never disconnects. Useful as a `select` arm (Go's `time.After`, crossbeam's `select!` with
 * `recv(after(d))`).
 *
 * Words (header flavor region), times in microseconds since the epoch (`performance.timeOrigin +
 * performance.now()`, the same clock in every thread of the process):
 *   [80] KIND     AFTER 1 · TICK 2 · NEVER 3
 *   [82..83] DUE  (BigInt64 at byte 328) when the next message is due; for AFTER, -1 once taken
 *   [84..85] EVERY (BigInt64 at byte 336) TICK's period
 * A receive that finds DUE reached takes it with one CAS (so of several receivers, in any threads,
 * exactly one gets each message): AFTER sets DUE to -1 (nothing more, ever), TICK to now + period
 * (ticks missed meanwhile are dropped, as in crossbeam). The message is the due time, in
 * milliseconds since the epoch (a `Date.now()`-like number, with a fraction).
 */
import * as sys from "../../sys/index.js";
import type { AnyCodec } from "../codec.js";
import type { SlowPath } from "../../sync/park.js";
import { Chan, RECV_EMPTY, SEND_DISCONNECTED, type Encoded, type RecvAttempt } from "../chan.js";
import { FLAVOR_WORDS, HEADER_BYTES, RX_SEQ } from "../layout.js";

export const enum TimerKind {
  After = 1,
  Tick = 2,
  Never = 3,
}

const KIND = FLAVOR_WORDS;
/** BigInt64 indices of DUE and EVERY in a view over the whole header. */
const DUE = (FLAVOR_WORDS + 2) >> 1, EVERY = (FLAVOR_WORDS + 4) >> 1;
const TAKEN = -1n;
/** The latest due time a BigInt64 word holds. */
const MAX_DUE = (1n << 63n) - 1n;

/** Microseconds since the epoch, now. */
const epochMicros = (): bigint => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));

export class TimerChan extends Chan<number> {
  readonly cap: number;
  private readonly kind: TimerKind;
  private readonly times: BigInt64Array;

  /** Writes a new timer's words into a fresh channel header (before any other thread sees it). */
  static init(buffer: SharedArrayBuffer, kind: TimerKind, delayMs: number, periodMs: number): void {
    const words = new Int32Array(buffer, 0, HEADER_BYTES >> 2);
    const times = new BigInt64Array(buffer, 0, HEADER_BYTES >> 3);
    // A due time past the 64-bit µs range would wrap into the past (or, past Number's range, fail
    // BigInt()): as crossbeam's `Instant::now().checked_add(d)` → None, such a timer is `never`.
    const delay = Math.round(delayMs * 1000);
    const due = kind === TimerKind.Never || !(delay < 2 ** 63) ? MAX_DUE + 1n : epochMicros() + BigInt(delay);
    if (due > MAX_DUE) kind = TimerKind.Never;
    sys.store(words, KIND, kind);
    sys.i64.store(times, DUE, kind === TimerKind.Never ? 0n : due);
    sys.i64.store(times, EVERY, kind === TimerKind.Never ? 0n : BigInt(Math.round(periodMs * 1000)));
  }

  constructor(buffer: SharedArrayBuffer, codec: AnyCodec<number>) {
    super(buffer, codec, null);
    this.kind = sys.load(this.header, KIND) as TimerKind;
    this.times = new BigInt64Array(buffer, 0, HEADER_BYTES >> 3);
    this.cap = this.kind === TimerKind.Never ? 0 : 1;
  }

  override get isNever(): boolean {
    return this.kind === TimerKind.Never;
  }

  trySendEncoded(_v: number, _e: Encoded | null): number {
    return SEND_DISCONNECTED; // there is no Sender of a timer channel
  }

  tryRecv(): RecvAttempt<number> {
    if (this.kind === TimerKind.Never) return RECV_EMPTY;
    for (;;) {
      const due = sys.i64.load(this.times, DUE);
      if (due === TAKEN) return RECV_EMPTY;
      const now = epochMicros();
      if (now < due) return RECV_EMPTY;
      const next = this.kind === TimerKind.After ? TAKEN : now + sys.i64.load(this.times, EVERY);
      if (sys.i64.cas(this.times, DUE, due, next) === due) {
        // Receivers parked on this timer in other threads re-check (they would wake at `next`
        // anyway; this makes a taken AFTER visible to them at once).
        sys.add(this.header, RX_SEQ, 1);
        return Number(due) / 1000;
      }
    }
  }

  len(): number {
    if (this.kind === TimerKind.Never) return 0;
    const due = sys.i64.load(this.times, DUE);
    return due !== TAKEN && epochMicros() >= due ? 1 : 0;
  }

  override mayRecv(): boolean {
    return this.len() > 0;
  }

  override nextDue(): number {
    if (this.kind === TimerKind.Never) return Infinity;
    const due = sys.i64.load(this.times, DUE);
    if (due === TAKEN) return Infinity;
    // Epoch µs → this thread's `sys.now()` clock.
    return Number(due) / 1000 - performance.timeOrigin;
  }

  override version(): number {
    return Number(sys.i64.load(this.times, DUE) & 0x3fffffffn);
  }

  /** Parks until the due time (or forever: `never`, a taken `after`), re-checking on wake-up. */
  protected override *recvSlow(): SlowPath<number> {
    for (;;) {
      const seq = sys.load(this.header, RX_SEQ);
      const r = this.tryRecv();
      if (r !== RECV_EMPTY) return r as number;
      const until = this.nextDue();
      this.park.index = RX_SEQ;
      this.park.value = seq;
      this.park.until = until === Infinity ? undefined : until;
      yield this.park;
    }
  }

  disconnect(): void {}

  get isDisconnected(): boolean {
    return false;
  }

  override dropRemaining(): void {}
}
