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

/**
 * Rounds a queue operation spins, waiting for another thread's reserved slot to be published or
 * released, before it naps (sys.snooze). A single send or receive holds its reservation for a
 * few stores, but a batch holds one while it copies up to a whole run (~4 µs per 1 024 values):
 * napping after the default 64 rounds (~1 µs) turned each such wait into a ~60 µs timer nap —
 * most of the time of a 1 024-value batch exchange. ~2 048 rounds are 20–60 µs.
 */
const RUN_SPIN = 2048;

/** Results of startSend / startRecv other than a slot index. */
export const FULL = -1, EMPTY = -1, DISCONNECTED = -2;

export class ArrayQueue {
  readonly cap: number;
  /** The disconnect bit on TAIL; in a stamp, the WAITING bit (stamps never use it otherwise). */
  private readonly mark: number;
  private readonly oneLap: number;
  /** Stamp to publish in endSend / endRecv for the slot just reserved (this thread's). */
  private stamp = 0;

  constructor(
    private readonly header: Int32Array,
    /**
     * Two words per slot, so that both live on the slot's cache line: `[2i]` the stamp, `[2i+1]`
     * the run length — plain memory: whoever publishes a run of slots (a batch send, or a batch
     * receive freeing them) writes, for each slot, how many slots of the run start there, before
     * the release that publishes the run. Whoever acquires the slot may read it and take the
     * whole run with one reservation, without an atomic load per slot.
     */
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

  /** A slot's stamp as a position (relative storage undone, WAITING bit dropped). */
  private stampAt(index: number): number {
    return ((sys.load(this.stamps, index << 1) + index) | 0) & ~this.mark;
  }

  /** Reserves a slot for writing: its index, or FULL, or DISCONNECTED. Follow with endSend. */
  startSend(): number {
    const { header, mark, oneLap, cap } = this;
    // Fast path: TAIL is most likely where our last claim left it (always, with one sender).
    // A wrong guess only costs the CAS: it fails and we read TAIL as usual. A marked TAIL
    // (disconnected) never equals a guess, so the CAS fails and the loop reports it.
    {
      const tail = this.nextTail;
      const index = tail & (mark - 1);
      if (this.stampAt(index) === tail) {
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
      const stamp = this.stampAt(index);
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
        // A receiver has reserved it and is still reading (a batch takes µs): wait for it.
        sys.snooze(spins, RUN_SPIN);
        tail = sys.load(header, TAIL);
      } else {
        // Another sender claimed this position and has not published yet: wait for it.
        sys.snooze(spins, RUN_SPIN);
        tail = sys.load(header, TAIL);
      }
    }
  }

  /** First position of the run reserved by startSendMany / startRecvMany (this thread's). */
  private runPos = 0;

  /** The position `n` slots after `pos`, within one lap's run (`index + n ≤ cap`). */
  private skip(pos: number, index: number, n: number): number {
    return index + n < this.cap ? (pos + n) | 0 : ((pos & ~(this.oneLap - 1)) + this.oneLap) | 0;
  }

  /**
   * Reserves up to `max` consecutive free slots with one CAS: the count reserved (≥ 1), FULL or
   * DISCONNECTED. Their indices follow `runIndex()` (never wrapping); publish with endSendMany.
   * The free run is the one a batch receive released (its length in `runs`), or the whole
   * unused first lap.
   */
  startSendMany(max: number): number {
    const { header, mark, oneLap, cap } = this;
    let tail = sys.load(header, TAIL);
    for (let spins = 0; ; spins++) {
      if ((tail & mark) !== 0) return DISCONNECTED;
      const index = tail & (mark - 1);
      const stamp = this.stampAt(index);
      if (stamp === tail) {
        // Free in this lap; so is the rest of the run it was freed with (the acquire above
        // orders our reads after that run's writes). 0 = never written: the first lap.
        const run = this.stamps[(index << 1) | 1]!;
        let n = run > 0 ? run : cap - index;
        if (n > cap - index) n = cap - index; // a stale read on a lost race: the CAS fails
        n = this.coalesce(index, n, max, tail);
        const seen = sys.cas(header, TAIL, tail, this.skip(tail, index, n));
        if (seen === tail) {
          this.runPos = tail;
          this.nextTail = this.skip(tail, index, n);
          return n;
        }
        tail = seen;
      } else if (((stamp + oneLap) | 0) === ((tail + 1) | 0)) {
        const head = sys.load(header, HEAD);
        if (((head + oneLap) | 0) === tail) return FULL;
        // A receiver has reserved it and is still reading (a batch takes µs): wait for it.
        sys.snooze(spins, RUN_SPIN);
        tail = sys.load(header, TAIL);
      } else {
        sys.snooze(spins, RUN_SPIN);
        tail = sys.load(header, TAIL);
      }
    }
  }

  /**
   * Extends a run of `n` ready slots at `index` (whose first stamp is `stamp`) by the ready runs
   * right after it in the same lap, up to `max` slots. Runs are published and released one
   * reservation at a time, and a reservation may take part of a run (a batch smaller than the
   * run, the end of the ring, a single send or receive), so without this the runs only ever split:
   * the ring fragmented a little more every time a batch did not line up with it, until the
   * batches of a 1 024-value exchange went through in runs of a few slots (its rounds grew from
   * 100 to 300 ms over seven rounds). A run after ours is ready when its first stamp is ours plus
   * the distance (stamps are relative to the lap): one load per run, and the reservation that
   * takes them publishes one run again. A stale read only makes the CAS that follows fail.
   */
  private coalesce(index: number, n: number, max: number, stamp: number): number {
    const cap = this.cap;
    while (n < max && index + n < cap && this.stampAt(index + n) === ((stamp + n) | 0)) {
      // That stamp was read atomically and is the release of the run it starts (its publisher or
      // releaser stored the run word first): the plain read of the run word below is ordered.
      const run = this.stamps[((index + n) << 1) | 1]!;
      n += run > 0 ? run : cap - index - n;
      if (n > cap - index) n = cap - index;
    }
    return n > max ? max : n;
  }

  /** Slot index of the first slot of the reserved run (the others follow it). */
  runIndex(): number {
    return this.runPos & (this.mark - 1);
  }

  /**
   * Publishes a run of `n` slots (payloads written), `value` being the first slot's stored
   * stamp (the same for every slot of a run, stamps being stored relative to their index).
   * The later slots get plain stores: nobody acquires them before the first one, whose store is
   * last and the release of the whole run. Returns whether a waiter marked the first slot —
   * no other slot of the run can be marked (a waiter marks only the slot at HEAD / TAIL).
   */
  private publishRun(index: number, n: number, value: number): boolean {
    const stamps = this.stamps;
    for (let k = n - 1; k > 0; k--) {
      const at = (index + k) << 1;
      stamps[at + 1] = n - k;
      stamps[at] = value;
    }
    stamps[(index << 1) | 1] = n;
    return (sys.exchange(stamps, index << 1, value) & this.mark) !== 0;
  }

  /** Publishes `n` slots reserved by startSendMany; true if a receiver waits to be woken. */
  endSendMany(n: number): boolean {
    const index = this.runPos & (this.mark - 1);
    return this.publishRun(index, n, (this.runPos + 1 - index) | 0);
  }

  /**
   * Reserves up to `max` consecutive full slots with one CAS: the count (≥ 1), EMPTY or
   * DISCONNECTED — the run published with the slot at HEAD (its length in `runs`).
   */
  startRecvMany(max: number): number {
    const { header, mark, cap } = this;
    let head = sys.load(header, HEAD);
    for (let spins = 0; ; spins++) {
      const index = head & (mark - 1);
      const stamp = this.stampAt(index);
      if (stamp === ((head + 1) | 0)) {
        let n = this.stamps[(index << 1) | 1]!;
        if (n > cap - index) n = cap - index; // a stale read on a lost race: the CAS fails
        if (n > 0) n = this.coalesce(index, n, max, (head + 1) | 0);
        if (n > 0) {
          const seen = sys.cas(header, HEAD, head, this.skip(head, index, n));
          if (seen === head) {
            this.runPos = head;
            this.nextHead = this.skip(head, index, n);
            return n;
          }
          head = seen;
          continue;
        }
        head = sys.load(header, HEAD);
      } else if (stamp === head) {
        const tail = sys.load(header, TAIL);
        if ((tail & ~mark) === head) return (tail & mark) !== 0 ? DISCONNECTED : EMPTY;
        sys.snooze(spins, RUN_SPIN);
        head = sys.load(header, HEAD);
      } else {
        sys.snooze(spins, RUN_SPIN);
        head = sys.load(header, HEAD);
      }
    }
  }

  /** Releases `n` slots reserved by startRecvMany (payloads read); true if a sender waits. */
  endRecvMany(n: number): boolean {
    const index = this.runPos & (this.mark - 1);
    return this.publishRun(index, n, (this.runPos + this.oneLap - index) | 0);
  }

  /**
   * Publishes the slot reserved by startSend (payload written). Returns whether a receiver
   * marked it WAITING (then the caller wakes receivers; otherwise nobody sleeps on it).
   */
  endSend(index: number): boolean {
    // The exchange is the release: a receiver that sees the stamp sees the payload before it.
    this.stamps[(index << 1) | 1] = 1;
    return (sys.exchange(this.stamps, index << 1, (this.stamp - index) | 0) & this.mark) !== 0;
  }

  /** Reserves a full slot for reading: its index, or EMPTY, or DISCONNECTED (empty and closed). */
  startRecv(): number {
    const { header, mark, oneLap, cap } = this;
    {
      const head = this.nextHead;
      const index = head & (mark - 1);
      if (this.stampAt(index) === ((head + 1) | 0)) {
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
      const stamp = this.stampAt(index);
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
        sys.snooze(spins, RUN_SPIN);
        head = sys.load(header, HEAD);
      } else {
        sys.snooze(spins, RUN_SPIN);
        head = sys.load(header, HEAD);
      }
    }
  }

  /** Releases the slot reserved by startRecv (payload read); true if a sender waits on it. */
  endRecv(index: number): boolean {
    this.stamps[(index << 1) | 1] = 1;
    return (sys.exchange(this.stamps, index << 1, (this.stamp - index) | 0) & this.mark) !== 0;
  }

  /**
   * Whether a receive might succeed now, from one load (spinning receivers poll this instead of
   * a full attempt, which also reads the senders' TAIL line): false only if the slot at this
   * thread's last HEAD is still unwritten for that position.
   */
  mayRecv(): boolean {
    const head = this.nextHead;
    return this.stampAt(head & (this.mark - 1)) !== head;
  }

  /** Whether a send might succeed now (one load): false only if the guessed slot still holds last lap's message. */
  maySend(): boolean {
    const tail = this.nextTail;
    return ((this.stampAt(tail & (this.mark - 1)) + this.oneLap) | 0) !== ((tail + 1) | 0);
  }

  /**
   * Before parking: marks WAITING the slot whose publish (`recv`) or release (otherwise) this
   * thread waits for, so that the thread publishing / releasing it wakes sleepers. Any other
   * state means the caller's re-check will not need to park.
   */
  markWaiting(recv: boolean): void {
    const { header, stamps, mark, oneLap } = this;
    if (recv) {
      const head = sys.load(header, HEAD);
      const index = head & (mark - 1);
      const stored = sys.load(stamps, index << 1);
      if (((stored + index) | 0) === head) sys.cas(stamps, index << 1, stored, stored | mark);
    } else {
      const tail = sys.load(header, TAIL);
      if ((tail & mark) !== 0) return;
      const index = tail & (mark - 1);
      const stored = sys.load(stamps, index << 1);
      if (((stored + index + oneLap) | 0) === ((tail + 1) | 0)) sys.cas(stamps, index << 1, stored, stored | mark);
    }
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
 * Regions after the header: stamp and run length per slot (Int32 × 2 × cap), then the payload (8-aligned): for a fixed
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
    const payloadAt = alignUp(HEADER_BYTES + 8 * cap, 8);
    this.queue = new ArrayQueue(this.header, new Int32Array(buffer, HEADER_BYTES, 2 * cap), cap);
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
    const payloadAt = alignUp(HEADER_BYTES + 8 * cap, 8);
    return payloadAt + (codec.fixedBytes > 0 ? codec.fixedBytes * cap : cap * (8 + slotBytes));
  }

  trySendEncoded(v: T, e: Encoded | null): number {
    const i = this.queue.startSend();
    if (i < 0) return i === FULL ? SEND_FULL : SEND_DISCONNECTED;
    if (e === null) this.fixed![i] = v;
    else this.putVar(e, this.lens!, i, this.refs!, i, this.inline!, i * this.slotBytes);
    if (this.queue.endSend(i)) this.wakeReceiver();
    return SENT;
  }

  tryRecv(): RecvAttempt<T> {
    const i = this.queue.startRecv();
    if (i < 0) return i === DISCONNECTED ? RECV_DISCONNECTED : RECV_EMPTY;
    try {
      return this.fixed !== null ? this.fixed[i] : this.takeVar(this.lens!, i, this.refs!, i, this.inline!, i * this.slotBytes);
    } finally {
      if (this.queue.endRecv(i)) this.wakeSender();
    }
  }

  /**
   * Fixed codecs: sends values[from…] into the free slots there are now, one reservation per
   * free run (values already checked). Returns how many were sent (0: full) or -1 (disconnected).
   */
  override trySendMany(values: T[], from: number): number {
    if (this.fixed === null) return super.trySendMany(values, from);
    const q = this.queue;
    const fixed = this.fixed;
    let sent = 0;
    while (from + sent < values.length) {
      const n = q.startSendMany(values.length - from - sent);
      if (n < 0) {
        if (sent > 0) break;
        return n === FULL ? 0 : -1;
      }
      const i = q.runIndex();
      const at = from + sent;
      if (ArrayBuffer.isView(values)) (fixed as unknown as Float64Array).set((values as unknown as Float64Array).subarray(at, at + n), i);
      else for (let k = 0; k < n; k++) fixed[i + k] = values[at + k];
      if (q.endSendMany(n)) this.wakeReceiver();
      sent += n;
    }
    return sent;
  }

  /**
   * Fixed codecs: appends up to `max` of the messages there are now to `out`, one reservation
   * per published run; the count, or -1 empty / -2 disconnected.
   */
  override tryRecvMany(out: T[], max: number): number {
    if (this.fixed === null) return super.tryRecvMany(out, max);
    const q = this.queue;
    const fixed = this.fixed;
    let got = 0;
    while (got < max) {
      const n = q.startRecvMany(max - got);
      if (n < 0) {
        if (got > 0) break;
        return n === DISCONNECTED ? -2 : -1;
      }
      const i = q.runIndex();
      // Grown once per run, then filled by index: pushing one at a time re-grew the array ~12
      // times per 1 024 values (4× the cost of the copy itself).
      const at = out.length;
      out.length = at + n;
      for (let k = 0; k < n; k++) out[at + k] = fixed[i + k];
      if (q.endRecvMany(n)) this.wakeSender();
      got += n;
    }
    return got;
  }

  len(): number {
    return this.queue.len();
  }

  override mayRecv(): boolean {
    return this.queue.mayRecv();
  }

  override maySend(): boolean {
    return this.queue.maySend();
  }

  override markWaiting(recv: boolean): void {
    this.queue.markWaiting(recv);
  }

  disconnect(): void {
    this.queue.disconnect();
  }

  get isDisconnected(): boolean {
    return this.queue.isDisconnected;
  }
}
