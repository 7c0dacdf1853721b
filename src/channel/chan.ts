/**
 * Channel core: one object per channel per thread, shared by that thread's Sender and Receiver
 * handles. This base class owns encoding and the blocking protocol; each flavor (array = bounded,
 * list = unbounded, zero = rendezvous) implements the non-waiting steps over its own memory:
 * `trySendEncoded`, `tryRecv`, `len`, `disconnect`.
 *
 * Blocking (DESIGN §6): one event count per direction — a sequence word and a sleeper count. A
 * sleeper counts itself, reads the sequence, re-checks readiness, then parks on the sequence
 * value it read; a peer that finds sleepers after publishing bumps the sequence and wakes one.
 * With no sleepers the peer pays one load: no notify when nobody sleeps.
 */
import * as sys from "../sys/index.js";
import { CapacityError, RecvError, SendError, SendTimeoutError, TimeoutError } from "../errors.js";
import { Arena, MAX_ALLOCATION } from "../memory/arena.js";
import { parkAsync, parkSync, type Park, type SlowPath } from "../sync/park.js";
import type { Deadline } from "../sync/options.js";
import { Writer, releasePins, releaseStructured, type AnyCodec, type FixedCodec, type VarCodec } from "./codec.js";
import { nextChannelId, registryId, unpark } from "../thread/registry.js";
import * as L from "./layout.js";

/** Result of a non-waiting send attempt. */
export const SENT = 0, SEND_FULL = 1, SEND_DISCONNECTED = 2;

/** Sentinels of a non-waiting receive attempt (module-private symbols: never a message). */
export const RECV_EMPTY: unique symbol = Symbol("empty");
export const RECV_DISCONNECTED: unique symbol = Symbol("disconnected");
export type RecvAttempt<T> = T | typeof RECV_EMPTY | typeof RECV_DISCONNECTED;

/**
 * Whether a receive attempt's result is a sentinel rather than a message. Test with this, not with
 * `r === RECV_EMPTY` alone: a message is most often a number, and V8 (11.3) compares a value that
 * is sometimes a number and sometimes a symbol with a call to its generic `StrictEqual` builtin,
 * twice per receive; after `typeof r === "symbol"` the comparisons are pointer compares. (No
 * message is a symbol — only weft's own codecs are accepted and none decodes to one — but the
 * sentinels are still compared by identity, so that could never be misread.) Single-thread
 * send+recv 79 → 74 ns; 1 → 1 0.85× the time (`bench/micro/channel-ab.mjs`, 9 rounds).
 */
export const isSentinel = (r: unknown): r is typeof RECV_EMPTY | typeof RECV_DISCONNECTED =>
  typeof r === "symbol" && (r === RECV_EMPTY || r === RECV_DISCONNECTED);

/** How many times a blocking call re-tries before it first reads the clock (each try is a few loads). */
const SPIN_TRIES = 128;

/**
 * How long (ms) a blocking send or receive keeps polling before it parks. A park and its wake-up
 * cost the two threads ~50 µs together on a quiet host, so polling for up to 30 µs never costs
 * more than the park it may save (the classic 2-competitive spin), and a peer that is busy
 * filling or draining a batch (a few µs per 1 024 values) is caught without either side sleeping.
 * On the bounded flavor each poll is one load of the slot this thread would take next (`mayRecv`,
 * `maySend`); on the others, a full attempt.
 */
export const SPIN_MS = 0.03;

/**
 * How long (ms) a blocking call keeps polling when this thread has just woken a parked peer on
 * the other side of the same channel (a receiver that freed room for a sleeping sender, now
 * waiting for a message; a sender that published for a sleeping receiver, now waiting for room).
 * The peer it woke is the likeliest to end this wait, but only after its wake-up, which takes
 * 0.05–1 ms on a VM. Parking sooner sets up a convoy: each side parks while the other gets up,
 * then wakes it and parks in turn, so every exchange pays two wake-ups (a batch of 1 024 values
 * took ~100 µs instead of ~10 µs). Polling across one wake-up lets the first exchange that does
 * not park end the convoy. Nothing spins this long without having just woken someone.
 */
export const WAKE_SPIN_MS = 1;

/**
 * Until when (`sys.now()` clock) a blocking call that started spinning at `now` keeps polling:
 * SPIN_MS, or until WAKE_SPIN_MS after `wokeAt` (when this thread last woke a peer whose work
 * would end this wait), never past the deadline.
 */
function spinUntil(now: number, d: Deadline, wokeAt: number): number {
  if (!sys.canBlock()) return now; // it will be refused: do not delay the error
  let until = now + SPIN_MS;
  const afterWake = wokeAt + WAKE_SPIN_MS;
  if (afterWake > until) until = afterWake;
  return until < d.at ? until : d.at;
}

/**
 * The time check of a poll loop, at its round `t`: `until` as it goes on (0 until the clock is
 * first read, at round SPIN_TRIES, then read every 32 rounds), or -1 once polling is over.
 */
function pollBudget(t: number, until: number, d: Deadline, wokeAt: number): number {
  if (t < SPIN_TRIES || (t & 31) !== 0) return until;
  const now = sys.now();
  if (until === 0) until = spinUntil(now, d, wokeAt);
  return now >= until ? -1 : until;
}

/**
 * Whether poll round `t` makes a full attempt (`trySendEncoded` / `tryRecv`, which tells a
 * disconnected channel apart) instead of a polling one: at each of the poll loop's time checks,
 * so a disconnection is seen a few µs into the poll, not only when it ends.
 */
const fullRound = (t: number): boolean => t >= SPIN_TRIES && (t & 31) === 0;

/**
 * How long (ms) a sleeper parks when its flavor could not record its wake-up request
 * (`markWaiting` false: the slot it waits on was changing hands), before it looks again.
 */
export const UNMARKED_PARK_MS = 0.05;

/**
 * For how many polls a sender that found the channel full waits for room a cache line ahead
 * (`maySendAhead`, the array flavor's SLIP) before it takes the first free slot: ~2–3 µs, the time
 * a receiver takes for a few dozen messages, so a receiver that takes one and stops delays the
 * next send by no more than that. Same-run A/B, 1 → 1 bounded f64 (bench/micro/channel-ab.mjs,
 * 11 rounds × 3): 0.78–0.87× the time without it.
 */
const SLIP_POLLS = 64;

/** Scratch writer shared by every channel of this thread (sync paths only: no await while in use). */
const scratch = new Writer();
/** The scratch writer holds a message being encoded (a getter of it may send: re-entrancy). */
let scratchBusy = false;

/** A variable-size message encoded and ready to be placed. */
export interface Encoded {
  len: number;
  /** Arena payload offset, or 0 when it fits a slot. */
  ref: number;
  /** Own copy of the bytes (async sends, which may interleave); otherwise in the scratch writer. */
  bytes: Uint8Array | null;
  /**
   * Whether the message names shared buffers, pinned once each (share/directory): the pins go
   * with the message when it is sent (its receiver unpins), and `discard` gives them back (by
   * walking the bytes) when it is not.
   */
  pins: boolean;
}

export abstract class Chan<T> {
  readonly header: Int32Array;
  // `any`: a codec's type parameter is contravariant (see Codec), and the Receiver<T> that holds
  // this Chan must stay covariant in T.
  readonly codec: AnyCodec<any>;
  readonly arena: Arena | null;
  /** Inline bytes per slot for variable-size codecs. */
  readonly slotBytes: number;
  protected readonly park: Park;
  /** The channel's CHAN_ID: the same for every handle of it, in every thread. */
  readonly id: number;
  /** A `never()` timer (all of which are the same channel to `sameChannel`, as crossbeam's). */
  get isNever(): boolean {
    return false;
  }

  constructor(buffer: SharedArrayBuffer, codec: AnyCodec<T>, arena: Arena | null) {
    this.header = new Int32Array(buffer, 0, L.HEADER_BYTES >> 2);
    this.codec = codec;
    this.arena = arena;
    this.slotBytes = sys.load(this.header, L.SLOT_BYTES);
    this.park = { words: this.header, index: 0, value: 0 };
    this.id = sys.load(this.header, L.CHAN_ID);
  }

  /**
   * The channel's CHAN_ID for `sameChannel`, given now by CAS if it has none — a timer (given one
   * only on first need), or a channel of an older copy of weft — with CHAN_REG, the registry that
   * gave it: the same for every handle, in every thread.
   */
  identity(): number {
    const id = sys.load(this.header, L.CHAN_ID);
    if (id !== 0) return id;
    // CHAN_REG before CHAN_ID: whoever reads a CHAN_ID (by the CAS below, or the load above)
    // then reads a CHAN_REG already set. Two threads of different registries racing here may pair
    // one registry's id with the other's CHAN_REG; every handle still reads the same pair from the
    // header, and ids are spread per registry, so it equals another channel's only by chance (~2^-31).
    sys.cas(this.header, L.CHAN_REG, 0, registryId());
    const fresh = nextChannelId();
    const seen = sys.cas(this.header, L.CHAN_ID, 0, fresh);
    return seen === 0 ? fresh : seen;
  }

  /** Capacity: a number for bounded, `Infinity` unbounded, `0` rendezvous. */
  abstract readonly cap: number;
  /** One non-waiting send of an encoded message: SENT, SEND_FULL or SEND_DISCONNECTED. */
  abstract trySendEncoded(v: T, e: Encoded | null): number;
  /** One non-waiting receive. */
  abstract tryRecv(): RecvAttempt<T>;
  /**
   * The attempts of a polling `send` / `recv` (which make a full attempt before they park): may
   * report FULL / EMPTY from the one slot this thread would take next, without reading the other
   * side's position — so without telling a disconnected channel apart from a full / empty one.
   */
  pollSend(v: T, e: Encoded | null): number {
    return this.trySendEncoded(v, e);
  }
  pollRecv(): RecvAttempt<T> {
    return this.tryRecv();
  }
  /** Messages in the channel now. */
  abstract len(): number;
  /** Marks the channel disconnected. */
  abstract disconnect(): void;
  /** Whether the channel is disconnected (some side fully closed). */
  abstract readonly isDisconnected: boolean;
  /**
   * A number that changes whenever a send or receive completes (the queue positions): `trySelect`
   * re-scans until none of its channels changed during a scan, so "nothing ready" is a true
   * snapshot, not an artifact of checking arms one after another.
   */
  version(): number {
    return sys.load(this.header, L.TAIL) ^ Math.imul(sys.load(this.header, L.HEAD), 0x9e3779b1);
  }
  /**
   * Cheap hints for spinning callers: false only when an attempt would certainly fail now
   * (flavors that can tell from one load override them).
   */
  mayRecv(): boolean {
    return true;
  }
  /**
   * When a receive may next succeed without anyone sending (`sys.now()` clock): a timer channel's
   * due time; Infinity for every other flavor. `select` parks no longer than its arms' earliest.
   */
  nextDue(): number {
    return Infinity;
  }
  maySend(): boolean {
    return true;
  }
  /** `maySend` for a sender that found the channel full: flavors may ask for more room (`SLIP_POLLS`). */
  maySendAhead(): boolean {
    return this.maySend();
  }
  /**
   * Whether a blocking receive should poll (SPIN_MS) before it parks. Rendezvous channels say no
   * while a `select` with a send arm is registered: such a select hands over only to a receiver
   * that is parked, so polling would only delay the hand-off it waits for.
   */
  pollsForMessages(): boolean {
    return true;
  }
  /**
   * Called by a sleeper after it counted itself and read the sequence, before its re-check:
   * flavors whose publishers wake only on request (the array flavor's WAITING bit) record the
   * request here. Returns false if the request could not be recorded now (the sleeper then parks
   * only briefly, `UNMARKED_PARK_MS`, and tries again). The default records nothing and returns
   * true: those flavors' publishers always check sleepers.
   */
  markWaiting(_recv: boolean): boolean {
    return true;
  }
  /**
   * Rendezvous only (a parking `select` / `selectAsync`): offer `v` and leave the offer up while
   * parked; false where the flavor has no such offer (buffered flavors never need one) or it
   * cannot be made now.
   */
  postOffer(_v: T, _e: Encoded | null): boolean {
    return false;
  }
  /** Rendezvous only: receivers of this thread waiting here, selects' included (see `postOffer`). */
  localReceivers(): number {
    return 0;
  }
  /** Takes back what `postOffer` posted: true if withdrawn, false if it was taken (sent). */
  retractOffer(): boolean {
    return true;
  }
  /** Whether a send could complete now (for select and readiness). */
  readyToSend(): boolean {
    return this.isDisconnected || this.len() < this.cap;
  }

  // ------------------------------------------------------------------------------ encoding

  /**
   * Validates and encodes `v` before anything touches the channel: a value the codec cannot
   * carry throws here and the channel is untouched. Returns null for fixed codecs.
   */
  encode(v: T, own: boolean): Encoded | null {
    const codec = this.codec;
    if (codec.fixedBytes > 0) {
      (codec as FixedCodec<T>).check(v);
      return null;
    }
    // A getter that sends while this value is being encoded must not reuse the scratch writer.
    const w = scratchBusy ? new Writer() : scratch;
    w.reset();
    // A message that is a buffer (or a view of one) has its bytes copied once, straight to the
    // arena (see Writer.deferRaw). Only then: inside an object, a getter read after the buffer
    // was encoded could still change or move it, and the copy must be of the bytes as they were.
    // (A view's buffer, offset and length are read through the built-in getters: for a buffer or
    // view, no code of the user's runs while it is encoded.)
    w.deferRaw = v instanceof ArrayBuffer || ArrayBuffer.isView(v);
    scratchBusy = true;
    try {
      (codec as VarCodec<T>).encode(v, w);
    } catch (err) {
      w.reset(); // (the codec gave back its pins; this drops the writer's hold on deferred bytes)
      throw err;
    } finally {
      if (w === scratch) scratchBusy = false;
    }
    const len = w.pos;
    let ref = 0;
    try {
      if (len > this.slotBytes) {
        if (this.arena === null) throw new CapacityError(`channel: a ${len}-byte message does not fit a ${this.slotBytes}-byte slot`);
        if (len > MAX_ALLOCATION) throw new CapacityError(`channel: a ${len}-byte message exceeds the ${MAX_ALLOCATION}-byte limit`);
        ref = this.arena.alloc(len);
        // Through a fixed-length view: V8 copies into a length-tracking view (the arena's own
        // `bytes`, which follows its growth) on a slow path. Large byte runs (an ArrayBuffer's
        // contents) come straight from their own memory, not through the scratch writer.
        w.copyTo(new Uint8Array(this.arena.bytes.buffer, ref, len));
      } else w.flatten();
    } catch (err) {
      if (ref !== 0) this.arena!.free(ref);
      releasePins(w);
      w.reset();
      throw err;
    }
    return { len, ref, bytes: (own || w !== scratch) && ref === 0 ? w.buf.slice(0, len) : null, pins: w.pins.length > 0 };
  }

  /**
   * Gives back what `encode` took (an arena block, pins on shared buffers) when the message is not
   * sent after all. Idempotent.
   */
  discard(e: Encoded | null): void {
    if (e === null) return;
    if (e.pins) {
      // The bytes are still there: in the arena block, our own copy, or the scratch writer (a
      // message without its own copy is discarded before this thread encodes another).
      e.pins = false;
      if (e.ref !== 0) releaseStructured(this.arena!.bytes, e.ref, e.len);
      else releaseStructured(e.bytes ?? scratch.buf, 0, e.len);
    }
    if (e.ref !== 0) {
      this.arena!.free(e.ref);
      e.ref = 0;
    }
  }

  /**
   * Writes an encoded variable-size message into a slot: its length at `lens[li]`, its arena
   * offset (0 = inline) at `refs[ri]`, and, when inline, its bytes at `inline[at…]`.
   */
  protected putVar(e: Encoded, lens: Int32Array, li: number, refs: Int32Array, ri: number, inline: Uint8Array, at: number): void {
    lens[li] = e.len;
    refs[ri] = e.ref;
    if (e.ref === 0) inline.set((e.bytes ?? scratch.buf).subarray(0, e.len), at);
  }

  /** Reads a variable-size message from a slot (freeing its arena block if it had one). */
  /**
   * Takes the variable-size message in a slot out of it: copies its bytes (inline) to this
   * thread's scratch buffer, or takes over its arena block. The caller then releases the slot and
   * only after that decodes (`decodeHeld`): decoding a large message takes long, and a receiver
   * that died meanwhile (a worker terminated mid-receive) must not leave its slot reserved for
   * good — a bounded channel would stop at it, a rendezvous one too.
   */
  protected holdVar(lens: Int32Array, li: number, refs: Int32Array, ri: number, inline: Uint8Array, at: number): void {
    const len = lens[li]!;
    const ref = refs[ri]!;
    this.heldLen = len;
    this.heldRef = ref;
    if (ref !== 0) return;
    let scratch = this.scratch;
    if (scratch.length < len) scratch = this.scratch = new Uint8Array(Math.max(len, 2 * scratch.length));
    if (len <= 64) for (let k = 0; k < len; k++) scratch[k] = inline[at + k]!;
    else scratch.set(inline.subarray(at, at + len));
  }

  /** Decodes the message `holdVar` took (and frees its arena block). */
  protected decodeHeld(): T {
    const len = this.heldLen;
    const ref = this.heldRef;
    const codec = this.codec as VarCodec<T>;
    if (this.dropping) {
      if (codec.name === "structured") releaseStructured(ref === 0 ? this.scratch : this.arena!.bytes, ref, len);
      if (ref !== 0) this.arena!.free(ref);
      return undefined as T;
    }
    if (ref === 0) return codec.decode(this.scratch, 0, len);
    try {
      // A fixed-length view (see `encode`): decoding reads it byte by byte.
      return codec.decode(new Uint8Array(this.arena!.bytes.buffer, ref, len), 0, len);
    } finally {
      this.arena!.free(ref);
    }
  }

  /** The message `holdVar` took: its length, and its arena block (0: its bytes are in `scratch`). */
  private heldLen = 0;
  private heldRef = 0;
  /** Inline messages' bytes, copied out of their slot (see `holdVar`). */
  private scratch = new Uint8Array(128);

  /** Set while `dropRemaining` runs: messages are released instead of decoded. */
  private dropping = false;

  /** Releases the message `holdVar` took, without decoding it (its arena block, its pins). */
  protected dropHeld(): void {
    this.dropping = true;
    try {
      this.decodeHeld();
    } finally {
      this.dropping = false;
    }
  }

  /**
   * The last receiver is gone: nobody can receive what is left, so drop it now (as crossbeam does)
   * rather than keep its memory until every sender is gone too — arena blocks freed, `len` 0, and
   * the shared buffers those messages name unpinned (structured codec). Not on rendezvous
   * channels: nothing is queued there, and taking a blocked sender's offer would complete its send
   * (an offer in flight is withdrawn by its sender). A send that completes after this (its slot
   * reserved before the disconnect) stays, and keeps its pins (a leak, not a loss).
   */
  dropRemaining(): void {
    if (this.cap === 0) return;
    this.dropping = true;
    try {
      // A receive that meets a slot a sender is still writing gives up after ~20 ms (a sender
      // preempted mid-send, or dead): look again a few times while messages are left, so a
      // preempted sender's message and those behind it are dropped too.
      for (let tries = 0; ; tries++) {
        for (let r = this.tryRecv(); !isSentinel(r); r = this.tryRecv());
        if (tries >= 4 || this.len() === 0) break;
      }
    } finally {
      this.dropping = false;
    }
  }

  /**
   * Sends values[from…] without waiting, as many as fit now (values already encoded/checked for
   * fixed codecs). Returns the count sent (0: full) or -1 (disconnected). Flavors with a batch
   * reservation override this; the default sends one at a time.
   */
  trySendMany(values: T[], from: number): number {
    let k = from;
    while (k < values.length) {
      const v = values[k]!;
      const e = this.encode(v, false);
      const r = this.trySendEncoded(v, e);
      if (r !== SENT) {
        this.discard(e);
        if (r === SEND_DISCONNECTED && k === from) return -1;
        break;
      }
      k++;
    }
    return k - from;
  }

  /**
   * Takes up to `max` of the messages there are now, without waiting: a new array of them (at
   * least one), or -1 empty / -2 disconnected.
   */
  tryTakeMany(max: number): T[] | number {
    const out: T[] = [];
    const r = this.tryRecvMany(out, max);
    return r > 0 ? out : r;
  }

  /** Receives up to `max` messages without waiting into `out`: the count, or -1 empty / -2 disconnected. */
  tryRecvMany(out: T[], max: number): number {
    let n = 0;
    while (n < max) {
      const r = this.tryRecv();
      if (isSentinel(r)) {
        if (n === 0) return r === RECV_EMPTY ? -1 : -2;
        break;
      }
      out.push(r as T);
      n++;
    }
    return n;
  }

  /**
   * Fixed codecs: receives up to `target.length - from` of the messages there are now into
   * `target[from…]` (a typed array of the codec's own type): the count, or -1 empty / -2
   * disconnected.
   */
  tryRecvInto(target: { [i: number]: unknown; length: number }, from: number): number {
    let n = 0;
    while (from + n < target.length) {
      const r = this.tryRecv();
      if (isSentinel(r)) {
        if (n === 0) return r === RECV_EMPTY ? -1 : -2;
        break;
      }
      target[from + n] = r;
      n++;
    }
    return n;
  }

  // ---------------------------------------------------------------------------- wake-ups

  /**
   * When (`sys.now()`) this thread last woke a parked receiver by publishing / a parked sender by
   * freeing room: a send waiting for room soon after (and a receive waiting for a message soon
   * after waking a sender) polls across the woken peer's wake-up (WAKE_SPIN_MS). Not recorded for
   * a wake-up passed on to the next sleeper of one's own side (that peer cannot end our wait),
   * nor on rendezvous channels: there a sending `select` or `trySend` hands over only to a
   * receiver that is parked (counted in ZWAITING), so a receiver that polls instead holds up the
   * very hand-off it waits for (a select-driven exchange took ~1 ms per message).
   */
  private wokeReceiverAt = -Infinity;
  private wokeSenderAt = -Infinity;

  /** After publishing a message: wake one receiver if any sleeps (`passOn`: a sleeping receiver passing its wake-up on). */
  protected wakeReceiver(passOn = false): void {
    if (this.wake(L.RX_SLEEPERS, L.RX_SEQ, L.SEL_RX) && !passOn && this.cap !== 0) this.wokeReceiverAt = sys.now();
  }

  /** After freeing room: wake one sender if any sleeps (`passOn`: a sleeping sender passing its wake-up on). */
  protected wakeSender(passOn = false): void {
    if (this.wake(L.TX_SLEEPERS, L.TX_SEQ, L.SEL_TX) && !passOn && this.cap !== 0) this.wokeSenderAt = sys.now();
  }

  /** Wakes a sleeper of one direction if there is one; true if there was. */
  private wake(sleepers: number, seq: number, sel: number): boolean {
    // Our publish came before this load. A sleeper counts itself before reading the sequence
    // and re-checking; if we read 0 here, its re-check comes after our publish and sees it.
    const h = this.header;
    if (sys.load(h, sleepers) !== 0) {
      // PENDING (seq + 2) set: a wake-up is on its way and no sleeper has re-checked since; the
      // sleeper it reaches clears PENDING after reading the sequence, then re-checks (and sees
      // our publish). Only the first publisher bumps and notifies: no notify per message while
      // a woken sleeper is still getting up.
      if (sys.load(h, seq + 2) === 0 && sys.exchange(h, seq + 2, 1) === 0) {
        sys.add(h, seq, 1);
        sys.notify(h, seq, 1);
      }
      if (sys.load(h, sel) !== 0) this.wakeSelectors(sel);
      return true;
    }
    return false;
  }

  /** Unparks every thread whose `select` is registered on this direction. */
  private wakeSelectors(sel: number): void {
    for (let k = 1; k <= L.SEL_ENTRIES; k++) {
      const slot = sys.load(this.header, sel + k);
      if (slot !== 0) unpark(slot);
    }
  }

  /** Wakes every sleeper on both sides (disconnect). */
  wakeAll(): void {
    sys.add(this.header, L.RX_SEQ, 1);
    sys.notifyAll(this.header, L.RX_SEQ);
    sys.add(this.header, L.TX_SEQ, 1);
    sys.notifyAll(this.header, L.TX_SEQ);
    this.wakeSelectors(L.SEL_RX);
    this.wakeSelectors(L.SEL_TX);
  }

  /**
   * Registers a `select` of thread `slot` as a sleeper of one direction (`recv`: woken by new
   * messages; otherwise by new room). Returns the entry's word index, or -1 if the table is full
   * (the select then polls this arm). The entry and count are written before the sleeper count,
   * so a waker that sees the sleeper also sees the entry.
   */
  registerSelect(recv: boolean, slot: number): number {
    const sel = recv ? L.SEL_RX : L.SEL_TX;
    for (let k = 1; k <= L.SEL_ENTRIES; k++) {
      if (sys.cas(this.header, sel + k, 0, slot) === 0) {
        sys.add(this.header, sel, 1);
        sys.add(this.header, recv ? L.RX_SLEEPERS : L.TX_SLEEPERS, 1);
        return sel + k;
      }
    }
    return -1;
  }

  /** Undoes `registerSelect`. */
  unregisterSelect(recv: boolean, entry: number): void {
    sys.store(this.header, entry, 0);
    sys.sub(this.header, recv ? L.SEL_RX : L.SEL_TX, 1);
    sys.sub(this.header, recv ? L.RX_SLEEPERS : L.TX_SLEEPERS, 1);
  }

  // --------------------------------------------------------------------------- blocking

  /**
   * Polls, for as long as a blocking call would spin before parking, until a receive (`recv`) or
   * a send may succeed: true if it may now. Batch calls poll with this before falling back to
   * one blocking send / receive, so that a peer busy with a batch is met with a whole run, not
   * one message.
   */
  pollReady(recv: boolean, d: Deadline): boolean {
    let until = 0;
    for (let t = 1; ; t++) {
      if (recv ? this.mayRecv() : this.maySend()) return true;
      until = pollBudget(t, until, d, recv ? this.wokeSenderAt : this.wokeReceiverAt);
      if (until < 0) return false;
    }
  }

  /** Blocking send. Throws SendError (value back), SendTimeoutError, DataCloneError, abort reason. */
  send(v: T, d: Deadline, what: string): void {
    this.sendEncoded(v, this.encode(v, false), d, what);
  }

  /**
   * Blocking send of a message `encode` already prepared (its arena block is freed on failure).
   * Polls with `pollSend` (which may say FULL from this thread's own next slot alone, leaving the
   * receivers' HEAD line to them) and, after finding the channel full, with `maySendAhead` for a
   * while (SLIP_POLLS); full attempts, which tell disconnection apart, come at the poll's time
   * checks (`fullRound`) and in `sendSlow`, before it parks. Same-run A/B against polling with
   * full attempts, 1 → 1 bounded f64: 0.45–0.9× the time (bench/micro/channel-ab.mjs; the host's
   * slow state gains most).
   */
  sendEncoded(v: T, e: Encoded | null, d: Deadline, what: string): void {
    let until = 0;
    for (let t = 0; ; t++) {
      const full = fullRound(t);
      if (t === 0 || full || (t > SLIP_POLLS ? this.maySend() : this.maySendAhead())) {
        const r = full ? this.trySendEncoded(v, e) : this.pollSend(v, e);
        if (r === SENT) return;
        if (r === SEND_DISCONNECTED) {
          this.discard(e);
          throw new SendError(v);
        }
        if (this.cap === 0) break; // rendezvous: spinning cannot make a receiver appear faster
      } else sys.relax();
      until = pollBudget(t, until, d, this.wokeReceiverAt);
      if (until < 0) break;
    }
    try {
      parkSync(this.sendSlow(v, e), d, what, `${what}Async`);
    } catch (err) {
      this.discard(e);
      throw err instanceof TimeoutError ? new SendTimeoutError(what, d.timeout, v) : err;
    }
  }

  /** Async send: never blocks the event loop. */
  sendAsync(v: T, d: Deadline, what: string): Promise<void> {
    return this.sendEncodedAsync(v, this.encode(v, true), d, what);
  }

  /** Async send of a message `encode` already prepared (its arena block is freed on failure). */
  async sendEncodedAsync(v: T, e: Encoded | null, d: Deadline, what: string): Promise<void> {
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

  protected *sendSlow(v: T, e: Encoded | null): SlowPath<void> {
    sys.add(this.header, L.TX_SLEEPERS, 1);
    let counted = true;
    try {
      for (;;) {
        const seq = sys.load(this.header, L.TX_SEQ);
        sys.store(this.header, L.TX_SEQ + 2, 0);
        const marked = this.markWaiting(false);
        const r = this.trySendEncoded(v, e);
        if (r === SENT) {
          // One wake-up stands for every room freed while it was pending: pass it on — or, with
          // no room left, leave a fresh request for the senders still asleep (see recvSlow).
          sys.sub(this.header, L.TX_SLEEPERS, 1);
          counted = false;
          if (sys.load(this.header, L.TX_SLEEPERS) !== 0 && (this.readyToSend() || !this.markWaiting(false))) this.wakeSender(true);
          return;
        }
        if (r === SEND_DISCONNECTED) throw new SendError(v);
        this.park.index = L.TX_SEQ;
        this.park.value = seq;
        this.park.until = marked ? undefined : sys.now() + UNMARKED_PARK_MS;
        this.park.slice = undefined;
        yield this.park;
      }
    } catch (err) {
      // Leaving without sending. If a receiver's wake-up was meant for us and room is still
      // there, pass it on to the next sleeping sender.
      sys.sub(this.header, L.TX_SLEEPERS, 1);
      counted = false;
      // A wake-up may have been meant for us (PENDING set on our account): clear it, so the
      // pass-on below really notifies the next sleeper.
      sys.store(this.header, L.TX_SEQ + 2, 0);
      if (this.readyToSend()) this.wakeSender(true);
      throw err;
    } finally {
      if (counted) sys.sub(this.header, L.TX_SLEEPERS, 1);
    }
  }

  /**
   * Blocking receive. Throws RecvError when disconnected and drained, TimeoutError, abort reason.
   * Polls with `pollRecv`, which may say EMPTY from this thread's next slot alone, without
   * reading the senders' TAIL line; full attempts at the time checks (`fullRound`) and in
   * `recvSlow` tell disconnection apart.
   */
  recv(d: Deadline, what: string): T {
    let until = 0;
    for (let t = 0; ; t++) {
      const full = fullRound(t);
      if (t === 0 || full || this.mayRecv()) {
        const r = full ? this.tryRecv() : this.pollRecv();
        if (!isSentinel(r)) return r;
        if (r === RECV_DISCONNECTED) throw new RecvError();
      } else sys.relax();
      until = pollBudget(t, until, d, this.wokeSenderAt);
      // At each time check (until > 0: the clock has been read) the flavor may end polling early.
      if (until < 0 || (until > 0 && (t & 31) === 0 && !this.pollsForMessages())) break;
    }
    return parkSync(this.recvSlow(), d, what, `${what}Async`);
  }

  /** Async receive. */
  recvAsync(d: Deadline, what: string): Promise<T> {
    const r = this.tryRecv();
    if (!isSentinel(r)) return Promise.resolve(r);
    if (r === RECV_DISCONNECTED) return Promise.reject(new RecvError());
    return parkAsync(this.recvSlow(), d, what);
  }

  /** The longest single park of a blocked receive (`Park.slice`; undefined: the liveness slice). */
  protected get recvSlice(): number | undefined {
    return undefined;
  }

  protected *recvSlow(): SlowPath<T> {
    sys.add(this.header, L.RX_SLEEPERS, 1);
    let counted = true;
    try {
      for (;;) {
        const seq = sys.load(this.header, L.RX_SEQ);
        sys.store(this.header, L.RX_SEQ + 2, 0);
        const marked = this.markWaiting(true);
        const r = this.tryRecv();
        if (r === RECV_DISCONNECTED) throw new RecvError();
        if (!isSentinel(r)) {
          // One wake-up stands for every message sent while it was pending: pass it on. With
          // nothing left, the receivers still asleep may have been waiting on the very WAITING mark
          // our wake-up took (the array flavor has one per slot, not one per sleeper): mark the
          // slot at HEAD again for them, or wake one if that cannot be done now. Without this the
          // next message, published where nobody had marked, woke none of them (up to the 100 ms
          // liveness slice, while a receiver sat idle).
          sys.sub(this.header, L.RX_SLEEPERS, 1);
          counted = false;
          if (sys.load(this.header, L.RX_SLEEPERS) !== 0 && (this.len() > 0 || !this.markWaiting(true))) this.wakeReceiver(true);
          return r as T;
        }
        this.park.index = L.RX_SEQ;
        this.park.value = seq;
        this.park.until = marked ? undefined : sys.now() + UNMARKED_PARK_MS;
        this.park.slice = this.recvSlice;
        yield this.park;
      }
    } catch (err) {
      sys.sub(this.header, L.RX_SLEEPERS, 1);
      counted = false;
      // Leaving without a message: pass on a wake-up that may have been ours (clearing PENDING
      // first, so the pass-on really notifies).
      sys.store(this.header, L.RX_SEQ + 2, 0);
      if (this.len() > 0) this.wakeReceiver(true);
      throw err;
    } finally {
      if (counted) sys.sub(this.header, L.RX_SLEEPERS, 1);
    }
  }
}
