/**
 * Zero flavor: the rendezvous channel (capacity 0), after crossbeam-channel's `flavors/zero.rs`.
 * A send completes only when a receiver has taken the message.
 *
 * crossbeam hands a packet on the sender's stack to a receiver found in a waker queue. Here the
 * packet is one shared slot, and senders take turns offering it:
 *
 * Words (header flavor region):
 *   [80] ZLOCK     0, or the owner of the packet while a sender owns it (others park on it): its
 *                  thread slot, or -1 for a thread without one
 *   [81] ZSTATE    EMPTY 0 · OFFERED 1 (payload written) · CLAIMED 2 (a receiver is reading; the
 *                  receiver's thread slot × 4 above, 0 for one without) · TAKEN 3
 *   [82] ZWAITING  receivers parked in recv: `trySend` succeeds only if one is there
 *   [83] ZDISC     1 once disconnected
 * Payload after the header: one slot (fixed codec value, or len/ref/inline bytes).
 *
 * Sender: take ZLOCK → write payload → OFFERED → wake a receiver → wait for TAKEN → EMPTY → drop
 * ZLOCK. A sender that times out withdraws its offer with CAS OFFERED→EMPTY; if that fails a
 * receiver already claimed it, so the send did happen and completes.
 * Receiver: CAS OFFERED→CLAIMED → read → TAKEN → wake the sender.
 *
 * Owners are recorded so that a thread terminated mid-handoff does not stop the channel for
 * good (twelfth session; before, a sender terminated while its offer waited — most of the time
 * of a sender in a loop — left ZLOCK taken, and 9 of 10 such terminations stopped every other
 * sender): a sender that finds ZLOCK held by a thread whose exit was seen takes it over, withdraws that thread's
 * offer (its send never returned; the payload is released) or lets a receiver that claimed it
 * finish, and goes on with its own. A sender that waits for TAKEN from a receiver that died
 * after claiming its offer counts the message as taken (it went with that receiver).
 */
import * as sys from "../../sys/index.js";
import { SendError } from "../../errors.js";
import type { Arena } from "../../memory/arena.js";
import type { AnyCodec, FixedCodec } from "../codec.js";
import type { SlowPath } from "../../sync/park.js";
import { Chan, RECV_DISCONNECTED, RECV_EMPTY, SEND_DISCONNECTED, SEND_FULL, SENT, type Encoded, type RecvAttempt } from "../chan.js";
import { FLAVOR_WORDS, HEADER_BYTES, RX_SEQ, SEL_TX } from "../layout.js";
import { hasExited, slotIfAny } from "../../thread/registry.js";

const ZLOCK = FLAVOR_WORDS, ZSTATE = FLAVOR_WORDS + 1, ZWAITING = FLAVOR_WORDS + 2, ZDISC = FLAVOR_WORDS + 3;
const EMPTY = 0, OFFERED = 1, CLAIMED = 2, TAKEN = 3;
/** A ZSTATE that says CLAIMED (by the receiver whose slot is above the low two bits). */
const isClaimed = (s: number): boolean => (s & 3) === CLAIMED;
/** Whether ZSTATE `s` says a receiver claimed the offer and then died before taking it. */
const claimerDied = (s: number): boolean => isClaimed(s) && s >>> 2 !== 0 && hasExited(s >>> 2);
/** What this thread writes in ZLOCK / ZSTATE as its name: its slot, or -1 / 0 without one. */
const lockName = (): number => slotIfAny() || -1;
/**
 * How long `trySend` (and a `select` send arm) lets a waiting receiver take its offer before
 * withdrawing it (ms). The receiver is parked and must be woken and scheduled: on a loaded 2-core
 * machine that takes milliseconds.
 */
const TRY_HANDOFF_MS = 25;

/** The longest single park of a receiver blocked on a rendezvous channel (ms; see `recvSlice`). */
const RECV_SLICE_MS = 1_000;

/** This thread's receivers waiting on each rendezvous channel, by CHAN_ID (see `localWaiting`). */
const localWaiting = new Map<number, number>();

export class ZeroChan<T> extends Chan<T> {
  readonly cap = 0;
  private readonly fixed: { [i: number]: any } | null;
  private readonly lens: Int32Array | null;
  private readonly inline: Uint8Array | null;

  constructor(buffer: SharedArrayBuffer, codec: AnyCodec<T>, arena: Arena | null) {
    super(buffer, codec, arena);
    if (codec.fixedBytes > 0) {
      this.fixed = new (codec as FixedCodec<T>).view(buffer, HEADER_BYTES, 1);
      this.lens = this.inline = null;
    } else {
      this.fixed = null;
      this.lens = new Int32Array(buffer, HEADER_BYTES, 2);
      this.inline = new Uint8Array(buffer, HEADER_BYTES + 8, this.slotBytes);
    }
  }

  /** Bytes a rendezvous channel's buffer needs. */
  static byteLength(codec: AnyCodec<any>, slotBytes: number): number {
    return HEADER_BYTES + (codec.fixedBytes > 0 ? 8 : 8 + slotBytes);
  }

  private write(v: T, e: Encoded | null): void {
    if (e === null) this.fixed![0] = v;
    else this.putVar(e, this.lens!, 0, this.lens!, 1, this.inline!, 0);
  }

  private offer(v: T, e: Encoded | null): void {
    this.write(v, e);
    // The payload is written before OFFERED is stored: a receiver that sees OFFERED sees it.
    sys.store(this.header, ZSTATE, OFFERED);
    this.wakeReceiver();
  }

  /** Ends a handoff: the packet is free again and the next sender may offer. */
  private finish(): void {
    sys.store(this.header, ZSTATE, EMPTY);
    sys.store(this.header, ZLOCK, 0);
    sys.notifyAll(this.header, ZLOCK);
  }

  /**
   * Waits (briefly, spinning) for a receiver that claimed our offer to finish reading it — or to
   * be found dead (the message went with it).
   */
  private awaitTaken(): void {
    for (let spins = 0; ; spins++) {
      const s = sys.load(this.header, ZSTATE);
      if (s === TAKEN || ((spins & 255) === 255 && claimerDied(s))) return;
      sys.snooze(spins);
    }
  }

  /**
   * Takes the packet for a send: true if ZLOCK was free, or held by a dead thread — then its
   * handoff is ended first (see the class comment). False if a live sender owns it; `owner` is
   * then what ZLOCK held (to park on).
   */
  private acquire(): boolean {
    const h = this.header;
    const me = lockName();
    for (;;) {
      const owner = sys.cas(h, ZLOCK, 0, me);
      if (owner === 0) return true;
      this.owner = owner;
      // Only once its exit was seen: a thread asked to terminate may still be running.
      if (owner < 0 || !hasExited(owner)) return false;
      // A receiver that claimed its offer and may still be reading (its exit not seen): leave the
      // packet until it is done, as for a live owner (waiting for it here would ignore the
      // caller's timeout and signal).
      const st = sys.load(h, ZSTATE);
      if (isClaimed(st) && !claimerDied(st)) return false;
      if (sys.cas(h, ZLOCK, owner, me) !== owner) continue;
      // Ours now. The dead sender's offer: withdrawn, unless a receiver claimed it first.
      if (sys.cas(h, ZSTATE, OFFERED, EMPTY) === OFFERED) {
        if (this.fixed === null) {
          this.holdVar(this.lens!, 0, this.lens!, 1, this.inline!, 0);
          this.dropHeld();
        }
      } else if (sys.load(h, ZSTATE) !== EMPTY) this.awaitTaken();
      sys.store(h, ZSTATE, EMPTY);
      return true;
    }
  }

  /** What ZLOCK held when `acquire` last failed. */
  private owner = 0;

  /**
   * This thread's receivers among ZWAITING (async `recvAsync` / `selectAsync` pending here): they
   * cannot take an offer while this thread spins, so they do not count for `trySend`. Counted per
   * channel (its CHAN_ID) for the whole thread, not per handle: a worker given both ends, or an
   * end revived from a message, holds a Chan of its own for each, and a count kept on the
   * instance left the sender's blind to the receiver's — every same-thread async send then spun
   * TRY_HANDOFF_MS for a receiver that could not run (a helper's port of Go's channel tests).
   */
  private get localWaiting(): number {
    return localWaiting.get(this.id) ?? 0;
  }

  private countLocal(d: 1 | -1): void {
    const n = (localWaiting.get(this.id) ?? 0) + d;
    if (n === 0) localWaiting.delete(this.id);
    else localWaiting.set(this.id, n);
  }

  /** Receivers of this thread waiting here (a parking select offers on such an arm first). */
  override localReceivers(): number {
    return this.localWaiting;
  }

  /** Succeeds only if a receiver (on another thread) is waiting and takes the message within a moment. */
  trySendEncoded(v: T, e: Encoded | null): number {
    if (this.isDisconnected) return SEND_DISCONNECTED;
    if (sys.load(this.header, ZWAITING) <= this.localWaiting) return SEND_FULL;
    if (!this.acquire()) return SEND_FULL;
    this.offer(v, e);
    const deadline = sys.now() + TRY_HANDOFF_MS;
    for (let spins = 0; ; spins++) {
      const s = sys.load(this.header, ZSTATE);
      if (s === TAKEN || ((spins & 255) === 255 && claimerDied(s))) break;
      if (s === OFFERED && (sys.now() > deadline || this.isDisconnected)) {
        if (sys.cas(this.header, ZSTATE, OFFERED, EMPTY) === OFFERED) {
          this.finish();
          return this.isDisconnected ? SEND_DISCONNECTED : SEND_FULL;
        }
        continue; // claimed just now: it will be TAKEN shortly
      }
      sys.snooze(spins);
    }
    this.finish();
    return SENT;
  }

  /**
   * For a parking `select` / `selectAsync`: offers the message and leaves the offer up while the
   * select parks (a `tryRecv` on any thread, or a receiver pending on this very thread once the
   * event loop runs, can take it). False if another sender owns the packet. Follow with
   * `retractOffer`.
   */
  override postOffer(v: T, e: Encoded | null): boolean {
    if (this.isDisconnected || !this.acquire()) return false;
    this.offer(v, e);
    return true;
  }

  /** Takes back a posted offer: true if withdrawn, false if a receiver took it (the send happened). */
  override retractOffer(): boolean {
    const withdrawn = sys.cas(this.header, ZSTATE, OFFERED, EMPTY) === OFFERED;
    if (!withdrawn) this.awaitTaken();
    this.finish();
    return withdrawn;
  }

  protected override *sendSlow(v: T, e: Encoded | null): SlowPath<void> {
    const h = this.header;
    // 1. Own the packet.
    for (;;) {
      if (this.isDisconnected) throw new SendError(v);
      if (this.acquire()) break;
      this.park.index = ZLOCK;
      this.park.value = this.owner;
      this.park.slice = undefined; // watching the owner: it may die
      yield this.park;
    }
    // 2. Offer it and wait for a receiver to take it.
    let done = false;
    try {
      this.offer(v, e);
      for (let parked = false; ; parked = true) {
        const s = sys.load(h, ZSTATE);
        if (s === TAKEN || claimerDied(s)) {
          done = true;
          return;
        }
        if (s === OFFERED && this.isDisconnected && sys.cas(h, ZSTATE, OFFERED, EMPTY) === OFFERED) {
          done = true;
          throw new SendError(v);
        }
        // Still on offer after a slice: the wake-up may have gone to a receiver that cannot run
        // (a `recvAsync` of a thread now blocked), and while it stays PENDING no other is sent;
        // receivers park in long slices (`recvSlice`), so wake the next one ourselves.
        if (parked && s === OFFERED) {
          sys.store(h, RX_SEQ + 2, 0);
          this.wakeReceiver(true);
        }
        this.park.index = ZSTATE;
        this.park.value = s;
        this.park.slice = undefined; // watching the claimer: it may die
        yield this.park;
      }
    } catch (err) {
      if (!done) {
        // Timeout or abort: withdraw the offer — unless a receiver claimed it, in which case the
        // message is being delivered and the send succeeds after all.
        if (sys.cas(h, ZSTATE, OFFERED, EMPTY) !== OFFERED) {
          this.awaitTaken();
          return;
        }
      }
      throw err;
    } finally {
      this.finish();
    }
  }

  tryRecv(): RecvAttempt<T> {
    const h = this.header;
    if (sys.cas(h, ZSTATE, OFFERED, CLAIMED | (slotIfAny() << 2)) === OFFERED) {
      // The value out of the packet (a variable-size one is decoded after: see holdVar), then
      // TAKEN: the send is complete.
      let v: T | undefined;
      try {
        if (this.fixed !== null) v = this.fixed[0];
        else this.holdVar(this.lens!, 0, this.lens!, 1, this.inline!, 0);
      } finally {
        sys.store(h, ZSTATE, TAKEN);
        sys.notifyAll(h, ZSTATE);
        // A parked select may own the offer (postOffer): it waits on its parker.
        this.wakeSender();
      }
      return this.fixed !== null ? (v as T) : this.decodeHeld();
    }
    return this.isDisconnected ? RECV_DISCONNECTED : RECV_EMPTY;
  }

  override pollsForMessages(): boolean {
    return sys.load(this.header, SEL_TX) === 0;
  }

  protected override *recvSlow(): SlowPath<T> {
    // Say a receiver is waiting, so trySend may hand over to us (and a select with a send arm
    // on this channel wakes to try).
    sys.add(this.header, ZWAITING, 1);
    this.countLocal(1);
    this.wakeSender();
    try {
      return yield* super.recvSlow();
    } finally {
      this.countLocal(-1);
      sys.sub(this.header, ZWAITING, 1);
    }
  }

  /**
   * Receivers blocked here watch no thread that may die (an offer is taken as it is, whoever
   * posted it), so they park in long slices and stay in arrival order: a sender's wake-up goes to
   * the receiver that has waited longest, as crossbeam's handoff does (its zero.rs `recv_in_send`
   * depends on it). With the 100 ms liveness slice each receiver re-parked behind later ones every
   * 100 ms, and which one took a message depended on who had re-parked last.
   */
  protected override get recvSlice(): number {
    return RECV_SLICE_MS;
  }

  /** A `select` with a receive arm here is a waiting receiver too: trySend may hand over to it. */
  override registerSelect(recv: boolean, slot: number): number {
    const entry = super.registerSelect(recv, slot);
    if (recv && entry >= 0) {
      sys.add(this.header, ZWAITING, 1);
      this.countLocal(1);
      this.wakeSender();
    }
    return entry;
  }

  override unregisterSelect(recv: boolean, entry: number): void {
    if (recv) {
      this.countLocal(-1);
      sys.sub(this.header, ZWAITING, 1);
    }
    super.unregisterSelect(recv, entry);
  }

  len(): number {
    return 0;
  }

  override version(): number {
    return (sys.load(this.header, ZSTATE) & 3) | (sys.load(this.header, ZWAITING) << 2);
  }

  override readyToSend(): boolean {
    return this.isDisconnected || sys.load(this.header, ZWAITING) > 0;
  }

  disconnect(): void {
    sys.store(this.header, ZDISC, 1);
    sys.notifyAll(this.header, ZSTATE);
    sys.notifyAll(this.header, ZLOCK);
  }

  get isDisconnected(): boolean {
    return sys.load(this.header, ZDISC) !== 0;
  }
}
