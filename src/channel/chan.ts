/**
 * Channel core: one object per channel per thread, shared by that thread's Sender and Receiver
 * handles. It owns the payload (codec, slots, arena) and the blocking protocol; the flavor owns
 * the queue positions.
 *
 * Blocking (DESIGN §6): one event count per direction — a sequence word and a sleeper count. A
 * sleeper counts itself, reads the sequence, re-checks readiness, then parks on the sequence
 * value it read; a peer that finds sleepers after publishing bumps the sequence and wakes one.
 * With no sleepers, the peer pays one load: no notify when nobody sleeps.
 *
 * Region layout after the header (array flavor):
 *   stamps   Int32 × cap
 *   payload  fixed codec: the codec's typed array × cap (8-aligned)
 *            variable codec: lens Int32 × cap, refs Int32 × cap, inline bytes × cap·slotBytes
 * A message longer than slotBytes lives in the arena; the slot keeps its offset (`refs`).
 */
import * as sys from "../sys/index.js";
import { CapacityError, RecvError, SendError, SendTimeoutError, TimeoutError } from "../errors.js";
import { Arena, MAX_ALLOCATION } from "../memory/arena.js";
import { parkAsync, parkSync, type Park, type SlowPath } from "../sync/park.js";
import type { Deadline } from "../sync/options.js";
import { ArrayFlavor, DISCONNECTED, FULL } from "./flavors/array.js";
import { Writer, type AnyCodec, type FixedCodec, type VarCodec } from "./codec.js";
import * as L from "./layout.js";

/** Result of a non-waiting send attempt. */
export const SENT = 0, SEND_FULL = 1, SEND_DISCONNECTED = 2;

/** Sentinels of a non-waiting receive attempt (never valid message values: module-private objects). */
export const RECV_EMPTY: unique symbol = Symbol("empty");
export const RECV_DISCONNECTED: unique symbol = Symbol("disconnected");
export type RecvAttempt<T> = T | typeof RECV_EMPTY | typeof RECV_DISCONNECTED;

/** How many times a blocking call re-tries before parking (each try is a few loads). */
const SPIN_TRIES = 128;

/** Scratch writer shared by every channel of this thread (sync paths only: no await while in use). */
const scratch = new Writer();

/** A variable-size message encoded and ready to be placed (async sends keep their own copy). */
interface Encoded {
  len: number;
  /** Arena payload offset, or 0 when it fits a slot. */
  ref: number;
  /** Own copy of the bytes (async sends only); otherwise the scratch writer holds them. */
  bytes: Uint8Array | null;
}

export class Chan<T> {
  readonly header: Int32Array;
  readonly flavor: ArrayFlavor;
  readonly codec: AnyCodec<T>;
  readonly arena: Arena | null;
  readonly cap: number;
  private readonly fixed: { [i: number]: any } | null;
  private readonly lens: Int32Array | null;
  private readonly refs: Int32Array | null;
  private readonly inline: Uint8Array | null;
  private readonly slotBytes: number;
  private readonly park: Park;

  constructor(buffer: SharedArrayBuffer, codec: AnyCodec<T>, arena: Arena | null) {
    this.header = new Int32Array(buffer, 0, L.HEADER_BYTES >> 2);
    this.codec = codec;
    this.arena = arena;
    const cap = sys.load(this.header, L.CAP);
    this.cap = cap;
    this.slotBytes = sys.load(this.header, L.SLOT_BYTES);
    const stampsAt = L.HEADER_BYTES;
    const payloadAt = L.alignUp(stampsAt + 4 * cap, 8);
    this.flavor = new ArrayFlavor(this.header, new Int32Array(buffer, stampsAt, cap), cap);
    if (codec.fixedBytes > 0) {
      this.fixed = new (codec as FixedCodec<T>).view(buffer, payloadAt, cap);
      this.lens = this.refs = this.inline = null;
    } else {
      this.fixed = null;
      this.lens = new Int32Array(buffer, payloadAt, cap);
      this.refs = new Int32Array(buffer, payloadAt + 4 * cap, cap);
      this.inline = new Uint8Array(buffer, payloadAt + 8 * cap, cap * this.slotBytes);
    }
    this.park = { words: this.header, index: 0, value: 0 };
  }

  /** Bytes a bounded channel's buffer needs. */
  static byteLength(cap: number, codec: AnyCodec<unknown>, slotBytes: number): number {
    const payloadAt = L.alignUp(L.HEADER_BYTES + 4 * cap, 8);
    return payloadAt + (codec.fixedBytes > 0 ? codec.fixedBytes * cap : cap * (8 + slotBytes));
  }

  // ------------------------------------------------------------------------------ encoding

  /**
   * Validates and encodes `v` before anything touches the channel: a value the codec cannot
   * carry throws here and the channel is untouched. Returns null for fixed codecs (the value is
   * written as is).
   */
  encode(v: T, own: boolean): Encoded | null {
    const codec = this.codec;
    if (codec.fixedBytes > 0) {
      (codec as FixedCodec<T>).check(v);
      return null;
    }
    scratch.reset();
    (codec as VarCodec<T>).encode(v, scratch);
    const len = scratch.pos;
    let ref = 0;
    if (len > this.slotBytes) {
      if (this.arena === null) throw new CapacityError(`channel: a ${len}-byte message does not fit a ${this.slotBytes}-byte slot`);
      if (len > MAX_ALLOCATION) throw new CapacityError(`channel: a ${len}-byte message exceeds the ${MAX_ALLOCATION}-byte limit`);
      ref = this.arena.alloc(len);
      this.arena.bytes.set(scratch.buf.subarray(0, len), ref);
    }
    return { len, ref, bytes: own && ref === 0 ? scratch.buf.slice(0, len) : null };
  }

  /** Gives back what `encode` took (an arena block) when the message is not sent after all. */
  discard(e: Encoded | null): void {
    if (e !== null && e.ref !== 0) {
      this.arena!.free(e.ref);
      e.ref = 0;
    }
  }

  // ------------------------------------------------------------------------- send / receive

  /** One non-waiting send of an encoded message: SENT, SEND_FULL or SEND_DISCONNECTED. */
  trySendEncoded(v: T, e: Encoded | null): number {
    const i = this.flavor.startSend();
    if (i < 0) return i === FULL ? SEND_FULL : SEND_DISCONNECTED;
    if (e === null) {
      this.fixed![i] = v;
    } else {
      this.lens![i] = e.len;
      this.refs![i] = e.ref;
      if (e.ref === 0) this.inline!.set((e.bytes ?? scratch.buf).subarray(0, e.len), i * this.slotBytes);
    }
    this.flavor.endSend(i);
    this.wake(L.RX_SLEEPERS, L.RX_SEQ);
    return SENT;
  }

  /** One non-waiting receive. */
  tryRecv(): RecvAttempt<T> {
    const i = this.flavor.startRecv();
    if (i < 0) return i === DISCONNECTED ? RECV_DISCONNECTED : RECV_EMPTY;
    let v: T;
    try {
      v = this.readSlot(i);
    } finally {
      this.flavor.endRecv(i);
      this.wake(L.TX_SLEEPERS, L.TX_SEQ);
    }
    return v;
  }

  private readSlot(i: number): T {
    if (this.fixed !== null) return this.fixed[i];
    const len = this.lens![i]!;
    const ref = this.refs![i]!;
    const codec = this.codec as VarCodec<T>;
    if (ref === 0) return codec.decode(this.inline!, i * this.slotBytes, len);
    try {
      return codec.decode(this.arena!.bytes, ref, len);
    } finally {
      this.arena!.free(ref);
    }
  }

  /** Wakes one sleeper of a direction, if any sleeps. */
  private wake(sleepers: number, seq: number): void {
    // Our publish (stamp store) came before this load. A sleeper counts itself before reading
    // the sequence and re-checking; if we read 0 here, its re-check comes after our publish.
    if (sys.load(this.header, sleepers) !== 0) {
      sys.add(this.header, seq, 1);
      sys.notify(this.header, seq, 1);
    }
  }

  /** Wakes every sleeper on both sides (disconnect). */
  wakeAll(): void {
    sys.add(this.header, L.RX_SEQ, 1);
    sys.notifyAll(this.header, L.RX_SEQ);
    sys.add(this.header, L.TX_SEQ, 1);
    sys.notifyAll(this.header, L.TX_SEQ);
  }

  // --------------------------------------------------------------------------- blocking

  /** Blocking send. Throws SendError (value back), SendTimeoutError, DataCloneError, abort reason. */
  send(v: T, d: Deadline, what: string): void {
    const e = this.encode(v, false);
    for (let t = 0; t < SPIN_TRIES; t++) {
      const r = this.trySendEncoded(v, e);
      if (r === SENT) return;
      if (r === SEND_DISCONNECTED) {
        this.discard(e);
        throw new SendError(v);
      }
    }
    try {
      parkSync(this.sendSlow(v, e), d, what, `${what}Async`);
    } catch (err) {
      this.discard(e);
      throw err instanceof TimeoutError ? new SendTimeoutError(what, d.timeout, v) : err;
    }
  }

  /** Async send: never blocks the event loop. */
  async sendAsync(v: T, d: Deadline, what: string): Promise<void> {
    const e = this.encode(v, true);
    const r = this.trySendEncoded(v, e);
    if (r === SENT) return;
    if (r === SEND_DISCONNECTED) {
      this.discard(e);
      throw new SendError(v);
    }
    try {
      await parkAsync(this.sendSlow(v, e), d, what);
    } catch (err) {
      this.discard(e);
      throw err instanceof TimeoutError ? new SendTimeoutError(what, d.timeout, v) : err;
    }
  }

  private *sendSlow(v: T, e: Encoded | null): SlowPath<void> {
    sys.add(this.header, L.TX_SLEEPERS, 1);
    let counted = true;
    try {
      for (;;) {
        const seq = sys.load(this.header, L.TX_SEQ);
        const r = this.trySendEncoded(v, e);
        if (r === SENT) return;
        if (r === SEND_DISCONNECTED) throw new SendError(v);
        this.park.index = L.TX_SEQ;
        this.park.value = seq;
        yield this.park;
      }
    } catch (err) {
      // Leaving without sending. If a receiver's wake-up was meant for us and room is still
      // there, pass it on to the next sleeping sender.
      sys.sub(this.header, L.TX_SLEEPERS, 1);
      counted = false;
      if (sys.load(this.header, L.TX_SLEEPERS) !== 0 && this.flavor.len() < this.cap) this.wake(L.TX_SLEEPERS, L.TX_SEQ);
      throw err;
    } finally {
      if (counted) sys.sub(this.header, L.TX_SLEEPERS, 1);
    }
  }

  /** Blocking receive. Throws RecvError when disconnected and drained, TimeoutError, abort reason. */
  recv(d: Deadline, what: string): T {
    for (let t = 0; t < SPIN_TRIES; t++) {
      const r = this.tryRecv();
      if (r === RECV_EMPTY) continue;
      if (r === RECV_DISCONNECTED) throw new RecvError();
      return r as T;
    }
    return parkSync(this.recvSlow(), d, what, `${what}Async`);
  }

  /** Async receive. */
  recvAsync(d: Deadline, what: string): Promise<T> {
    const r = this.tryRecv();
    if (r === RECV_DISCONNECTED) return Promise.reject(new RecvError());
    if (r !== RECV_EMPTY) return Promise.resolve(r as T);
    return parkAsync(this.recvSlow(), d, what);
  }

  private *recvSlow(): SlowPath<T> {
    sys.add(this.header, L.RX_SLEEPERS, 1);
    let counted = true;
    try {
      for (;;) {
        const seq = sys.load(this.header, L.RX_SEQ);
        const r = this.tryRecv();
        if (r === RECV_DISCONNECTED) throw new RecvError();
        if (r !== RECV_EMPTY) return r as T;
        this.park.index = L.RX_SEQ;
        this.park.value = seq;
        yield this.park;
      }
    } catch (err) {
      sys.sub(this.header, L.RX_SLEEPERS, 1);
      counted = false;
      // Leaving without a message: pass on a wake-up that may have been ours.
      if (sys.load(this.header, L.RX_SLEEPERS) !== 0 && this.flavor.len() > 0) this.wake(L.RX_SLEEPERS, L.RX_SEQ);
      throw err;
    } finally {
      if (counted) sys.sub(this.header, L.RX_SLEEPERS, 1);
    }
  }
}

