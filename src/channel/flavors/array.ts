/**
 * Array flavor: the bounded channel, after crossbeam-channel's `flavors/array.rs` (Vyukov's
 * bounded MPMC queue).
 *
 * Positions (`TAIL`, `HEAD` in the header) pack a lap and an index: `lap * ONE_LAP + index`, with
 * `MARK` (a bit above every index) set on TAIL once the channel is disconnected. Each slot has a
 * stamp: `position + 1` once written for that position, `position + ONE_LAP` once read — so a
 * slot tells a writer whether it is free in this lap and a reader whether it is full. All
 * arithmetic wraps at 32 bits (`| 0`); only equality is ever tested, so wrapping is harmless.
 *
 * Stamps are stored relative to their slot index (`stored = stamp - index`) so that all-zero
 * memory is the initial state (crossbeam starts slot i at stamp i).
 */
import * as sys from "../../sys/index.js";
import { HEAD, TAIL, HEADER_BYTES, alignUp } from "../layout.js";
import { Chan, RECV_DISCONNECTED, RECV_EMPTY, SEND_DISCONNECTED, SEND_FULL, SENT, type Encoded, type RecvAttempt } from "../chan.js";
import type { Arena } from "../../memory/arena.js";
import type { AnyCodec, FixedCodec } from "../codec.js";

/** Results of startSend / startRecv other than a slot index. */
export const FULL = -1, EMPTY = -1, DISCONNECTED = -2;

export class ArrayQueue {
  readonly cap: number;
  private readonly mark: number;
  private readonly oneLap: number;
  /** Stamp to publish in endSend / endRecv for the slot just reserved (this thread's). */
  private stamp = 0;

  constructor(
    private readonly header: Int32Array,
    private readonly stamps: Int32Array,
    cap: number,
  ) {
    this.cap = cap;
    let mark = 1;
    while (mark < cap + 1) mark *= 2;
    this.mark = mark;
    this.oneLap = mark * 2;
  }

  /** Largest capacity the position encoding allows. */
  static readonly MAX_CAPACITY = 1 << 28;

  /** Where this thread's last send / receive left TAIL / HEAD: the likely current value. */
  private nextTail = 0;
  private nextHead = 0;

  /** Reserves a slot for writing: its index, or FULL, or DISCONNECTED. Follow with endSend. */
  startSend(): number {
    const { header, stamps, mark, oneLap, cap } = this;
    // Fast path: TAIL is most likely where our last claim left it (always, with one sender).
    // A wrong guess only costs the CAS: it fails and we read TAIL as usual. A marked TAIL
    // (disconnected) never equals a guess, so the CAS fails and the loop reports it.
    {
      const tail = this.nextTail;
      const index = tail & (mark - 1);
      if (((sys.load(stamps, index) + index) | 0) === tail) {
        const next = index + 1 < cap ? (tail + 1) | 0 : ((tail & ~(oneLap - 1)) + oneLap) | 0;
        if (sys.cas(header, TAIL, tail, next) === tail) {
          this.nextTail = next;
          this.stamp = (tail + 1) | 0;
          return index;
        }
      }
    }
    let tail = sys.load(header, TAIL);
    for (let spins = 0; ; spins++) {
      if ((tail & mark) !== 0) return DISCONNECTED;
      const index = tail & (mark - 1);
      const lap = tail & ~(oneLap - 1);
      const stamp = (sys.load(stamps, index) + index) | 0;
      if (tail === stamp) {
        // The slot is free in this lap: claim the position.
        const next = index + 1 < cap ? (tail + 1) | 0 : (lap + oneLap) | 0;
        const seen = sys.cas(header, TAIL, tail, next);
        if (seen === tail) {
          this.nextTail = next;
          this.stamp = (tail + 1) | 0;
          return index;
        }
        tail = seen;
      } else if (((stamp + oneLap) | 0) === ((tail + 1) | 0)) {
        // The slot still holds last lap's message. Full if the head is a whole lap behind.
        const head = sys.load(header, HEAD);
        if (((head + oneLap) | 0) === tail) return FULL;
        tail = sys.load(header, TAIL);
      } else {
        // Another sender claimed this position and has not published yet: wait for it.
        sys.snooze(spins);
        tail = sys.load(header, TAIL);
      }
    }
  }

  /** The position after `pos` (the next lap's first position after the last index). */
  private advance(pos: number): number {
    const index = pos & (this.mark - 1);
    return index + 1 < this.cap ? (pos + 1) | 0 : ((pos & ~(this.oneLap - 1)) + this.oneLap) | 0;
  }

  /** First position of the run reserved by startSendMany / startRecvMany (this thread's). */
  private runPos = 0;

  /**
   * Reserves up to `max` consecutive free slots with one CAS: the count reserved (≥ 1), FULL or
   * DISCONNECTED. Their indices follow `runIndex()`; publish them with endSendMany.
   */
  startSendMany(max: number): number {
    const { header, stamps, mark } = this;
    let tail = sys.load(header, TAIL);
    for (let spins = 0; ; spins++) {
      if ((tail & mark) !== 0) return DISCONNECTED;
      // Count the free slots from the tail: each is free in this lap iff its stamp is its position.
      let n = 0;
      let pos = tail;
      while (n < max) {
        const index = pos & (mark - 1);
        if (((sys.load(stamps, index) + index) | 0) !== pos) break;
        n++;
        pos = this.advance(pos);
      }
      if (n > 0) {
        const seen = sys.cas(header, TAIL, tail, pos);
        if (seen === tail) {
          this.runPos = tail;
          return n;
        }
        tail = seen;
        continue;
      }
      const index = tail & (mark - 1);
      const stamp = (sys.load(stamps, index) + index) | 0;
      if (((stamp + this.oneLap) | 0) === ((tail + 1) | 0)) {
        const head = sys.load(header, HEAD);
        if (((head + this.oneLap) | 0) === tail) return FULL;
      } else {
        sys.snooze(spins);
      }
      tail = sys.load(header, TAIL);
    }
  }

  /** Slot index of the first slot of the reserved run (the others follow, wrapping at cap). */
  runIndex(): number {
    return this.runPos & (this.mark - 1);
  }

  /** Publishes `n` slots reserved by startSendMany (after their payloads are written). */
  endSendMany(n: number): void {
    const { stamps, mark } = this;
    let pos = this.runPos;
    for (let k = 0; k < n; k++) {
      const index = pos & (mark - 1);
      sys.store(stamps, index, (pos + 1 - index) | 0);
      pos = this.advance(pos);
    }
  }

  /** Reserves up to `max` consecutive full slots with one CAS: the count (≥ 1), EMPTY or DISCONNECTED. */
  startRecvMany(max: number): number {
    const { header, stamps, mark } = this;
    let head = sys.load(header, HEAD);
    for (let spins = 0; ; spins++) {
      let n = 0;
      let pos = head;
      while (n < max) {
        const index = pos & (mark - 1);
        if (((sys.load(stamps, index) + index) | 0) !== ((pos + 1) | 0)) break;
        n++;
        pos = this.advance(pos);
      }
      if (n > 0) {
        const seen = sys.cas(header, HEAD, head, pos);
        if (seen === head) {
          this.runPos = head;
          return n;
        }
        head = seen;
        continue;
      }
      const index = head & (mark - 1);
      const stamp = (sys.load(stamps, index) + index) | 0;
      if (stamp === head) {
        const tail = sys.load(header, TAIL);
        if ((tail & ~mark) === head) return (tail & mark) !== 0 ? DISCONNECTED : EMPTY;
      } else {
        sys.snooze(spins);
      }
      head = sys.load(header, HEAD);
    }
  }

  /** Releases `n` slots reserved by startRecvMany (after their payloads are read). */
  endRecvMany(n: number): void {
    const { stamps, mark, oneLap } = this;
    let pos = this.runPos;
    for (let k = 0; k < n; k++) {
      const index = pos & (mark - 1);
      sys.store(stamps, index, (pos + oneLap - index) | 0);
      pos = this.advance(pos);
    }
  }

  /** Publishes the slot reserved by startSend (after its payload is written). */
  endSend(index: number): void {
    // The stamp store is the release: a receiver that sees it sees the payload written before it.
    sys.store(this.stamps, index, (this.stamp - index) | 0);
  }

  /** Reserves a full slot for reading: its index, or EMPTY, or DISCONNECTED (empty and closed). */
  startRecv(): number {
    const { header, stamps, mark, oneLap, cap } = this;
    {
      const head = this.nextHead;
      const index = head & (mark - 1);
      if (((sys.load(stamps, index) + index) | 0) === ((head + 1) | 0)) {
        const next = index + 1 < cap ? (head + 1) | 0 : ((head & ~(oneLap - 1)) + oneLap) | 0;
        if (sys.cas(header, HEAD, head, next) === head) {
          this.nextHead = next;
          this.stamp = (head + oneLap) | 0;
          return index;
        }
      }
    }
    let head = sys.load(header, HEAD);
    for (let spins = 0; ; spins++) {
      const index = head & (mark - 1);
      const lap = head & ~(oneLap - 1);
      const stamp = (sys.load(stamps, index) + index) | 0;
      if (((head + 1) | 0) === stamp) {
        const next = index + 1 < cap ? (head + 1) | 0 : (lap + oneLap) | 0;
        const seen = sys.cas(header, HEAD, head, next);
        if (seen === head) {
          this.nextHead = next;
          this.stamp = (head + oneLap) | 0;
          return index;
        }
        head = seen;
      } else if (stamp === head) {
        // Nothing written here yet. Empty if the tail is at the head.
        const tail = sys.load(header, TAIL);
        if ((tail & ~this.mark) === head) return (tail & mark) !== 0 ? DISCONNECTED : EMPTY;
        head = sys.load(header, HEAD);
      } else {
        sys.snooze(spins);
        head = sys.load(header, HEAD);
      }
    }
  }

  /** Releases the slot reserved by startRecv (after its payload is read). */
  endRecv(index: number): void {
    sys.store(this.stamps, index, (this.stamp - index) | 0);
  }

  /** Messages in the channel now. */
  len(): number {
    const { header, mark, cap } = this;
    for (;;) {
      const tail = sys.load(header, TAIL);
      const head = sys.load(header, HEAD);
      // A consistent pair: the tail did not move while we read the head.
      if (sys.load(header, TAIL) !== tail) continue;
      const hix = head & (mark - 1);
      const tix = tail & (mark - 1);
      if (hix < tix) return tix - hix;
      if (hix > tix) return cap - hix + tix;
      return (tail & ~mark) === head ? 0 : cap;
    }
  }

  /** Sets the disconnect mark; true if this call set it. */
  disconnect(): boolean {
    return (sys.or(this.header, TAIL, this.mark) & this.mark) === 0;
  }

  get isDisconnected(): boolean {
    return (sys.load(this.header, TAIL) & this.mark) !== 0;
  }
}

/**
 * The bounded channel: an `ArrayQueue` plus the slots' payload.
 *
 * Regions after the header: stamps (Int32 × cap), then the payload (8-aligned): for a fixed
 * codec, the codec's typed array × cap; for a variable codec, lens Int32 × cap, refs Int32 × cap,
 * then cap × slotBytes inline bytes. A message longer than slotBytes lives in the arena.
 */
export class ArrayChan<T> extends Chan<T> {
  readonly cap: number;
  readonly queue: ArrayQueue;
  private readonly fixed: { [i: number]: any } | null;
  private readonly lens: Int32Array | null;
  private readonly refs: Int32Array | null;
  private readonly inline: Uint8Array | null;

  constructor(buffer: SharedArrayBuffer, codec: AnyCodec<T>, arena: Arena | null, cap: number) {
    super(buffer, codec, arena);
    this.cap = cap;
    const payloadAt = alignUp(HEADER_BYTES + 4 * cap, 8);
    this.queue = new ArrayQueue(this.header, new Int32Array(buffer, HEADER_BYTES, cap), cap);
    if (codec.fixedBytes > 0) {
      this.fixed = new (codec as FixedCodec<T>).view(buffer, payloadAt, cap);
      this.lens = this.refs = this.inline = null;
    } else {
      this.fixed = null;
      this.lens = new Int32Array(buffer, payloadAt, cap);
      this.refs = new Int32Array(buffer, payloadAt + 4 * cap, cap);
      this.inline = new Uint8Array(buffer, payloadAt + 8 * cap, cap * this.slotBytes);
    }
  }

  /** Bytes a bounded channel's buffer needs. */
  static byteLength(cap: number, codec: AnyCodec<unknown>, slotBytes: number): number {
    const payloadAt = alignUp(HEADER_BYTES + 4 * cap, 8);
    return payloadAt + (codec.fixedBytes > 0 ? codec.fixedBytes * cap : cap * (8 + slotBytes));
  }

  trySendEncoded(v: T, e: Encoded | null): number {
    const i = this.queue.startSend();
    if (i < 0) return i === FULL ? SEND_FULL : SEND_DISCONNECTED;
    if (e === null) this.fixed![i] = v;
    else this.putVar(e, this.lens!, i, this.refs!, i, this.inline!, i * this.slotBytes);
    this.queue.endSend(i);
    this.wakeReceiver();
    return SENT;
  }

  tryRecv(): RecvAttempt<T> {
    const i = this.queue.startRecv();
    if (i < 0) return i === DISCONNECTED ? RECV_DISCONNECTED : RECV_EMPTY;
    try {
      return this.fixed !== null ? this.fixed[i] : this.takeVar(this.lens!, i, this.refs!, i, this.inline!, i * this.slotBytes);
    } finally {
      this.queue.endRecv(i);
      this.wakeSender();
    }
  }

  /**
   * Fixed codecs: sends values[from…] into as many free slots as one reservation gives (values
   * already checked). Returns how many were sent (0: full) or -1 (disconnected).
   */
  override trySendMany(values: T[], from: number): number {
    if (this.fixed === null) return super.trySendMany(values, from);
    const q = this.queue;
    const n = q.startSendMany(values.length - from);
    if (n < 0) return n === FULL ? 0 : -1;
    const fixed = this.fixed;
    const cap = this.cap;
    let i = q.runIndex();
    for (let k = 0; k < n; k++) {
      fixed[i] = values[from + k];
      if (++i === cap) i = 0;
    }
    q.endSendMany(n);
    this.wakeReceiver();
    return n;
  }

  /** Fixed codecs: appends up to `max` messages to `out` with one reservation; the count, or -1 empty / -2 disconnected. */
  override tryRecvMany(out: T[], max: number): number {
    if (this.fixed === null) return super.tryRecvMany(out, max);
    const q = this.queue;
    const n = q.startRecvMany(max);
    if (n < 0) return n === DISCONNECTED ? -2 : -1;
    const fixed = this.fixed;
    const cap = this.cap;
    let i = q.runIndex();
    for (let k = 0; k < n; k++) {
      out.push(fixed[i]);
      if (++i === cap) i = 0;
    }
    q.endRecvMany(n);
    this.wakeSender();
    return n;
  }

  len(): number {
    return this.queue.len();
  }

  disconnect(): void {
    this.queue.disconnect();
  }

  get isDisconnected(): boolean {
    return this.queue.isDisconnected;
  }
}
