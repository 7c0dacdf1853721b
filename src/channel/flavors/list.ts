/**
 * List flavor: the unbounded channel, after crossbeam-channel's `flavors/list.rs`.
 *
 * Messages live in blocks of BLOCK_CAP (31) slots allocated from the channel's arena (a growable
 * SharedArrayBuffer); blocks form a linked list by arena offset and are freed back to the arena
 * once every slot has been read, so memory is recycled. Reaching the arena's `maxByteLength` is a
 * `CapacityError` from `send`, never a silent drop.
 *
 * Positions (header TAIL / HEAD) count slots shifted left by one: `pos << 1`. Offset
 * `pos % 32 === 31` is a block boundary: the thread that took the last slot is installing the next
 * block and others wait for it. Bit 0 is MARK: on TAIL it means disconnected, on HEAD "the head's
 * block has a successor" (saves a look at TAIL). TAIL_BLOCK / HEAD_BLOCK hold block offsets
 * (0 = none yet: all-zero is an empty channel; the first send installs the first block).
 *
 * Block layout (bytes from its arena offset B, 8-aligned):
 *   [B]        NEXT   offset of the next block (0 until installed)
 *   [B+4]      START  which lap of positions the block holds, + 1 (`startTag`): tells a thread
 *                     that helps install a successor whether TAIL_BLOCK still names the full block
 *   [B+8]      INSTALLER  thread slot of the sender that took the block's last slot (0: unknown)
 *   [B+12]     STATE  Int32 × 31: WRITE (1) written · READ (2) read · DESTROY (4) reader must free ·
 *                     ABANDONED (8) its receiver gave up waiting for the write (see `awaitWrite`)
 *   [B+136]    payload: fixed codec → 31 values; variable codec → lens ×31, refs ×31, inline ×31·slotBytes
 */
import * as sys from "../../sys/index.js";
import type { Arena } from "../../memory/arena.js";
import type { AnyCodec, FixedCodec } from "../codec.js";
import { Chan, RECV_DISCONNECTED, RECV_EMPTY, SEND_DISCONNECTED, SENT, type Encoded, type RecvAttempt } from "../chan.js";
import { HEAD, TAIL } from "../layout.js";
import { hasExited, slotIfAny } from "../../thread/registry.js";

const TAIL_BLOCK = TAIL + 1, HEAD_BLOCK = HEAD + 1;
const SHIFT = 1, MARK = 1, LAP = 32, BLOCK_CAP = 31, STEP = 1 << SHIFT;
const WRITE = 1, READ = 2, DESTROY = 4, ABANDONED = 8;

/**
 * How long (ms) a receiver waits for the sender that claimed its slot to publish before it gives
 * the slot up. The window is short (the payload's copy, and views re-made when the arena grew),
 * so this passes when that sender was preempted or paused by a garbage collection — then it
 * sends again, and the receiver waited no longer than it would have — or terminated, when the
 * wait would never end.
 */
export const ABANDON_MS = 5;

/** `waitClock`'s answer once a wait has lasted ABANDON_MS. */
const STALLED = -2;

/**
 * The clock of a wait for another thread's step (a publish, a block install), read every 8 spin
 * rounds after the first 64: given when the wait began (`since`, -1 before the first reading),
 * returns it — or STALLED at a reading ABANDON_MS or more after it.
 */
function waitClock(spins: number, since: number): number {
  if (spins < 64 || (spins & 7) !== 0) return since;
  const now = sys.now();
  if (since < 0) return now;
  return now - since >= ABANDON_MS ? STALLED : since;
}

/**
 * Test hooks (one-thread model tests): `beforePublish` runs between a send's claim and its publish;
 * `afterClaimLast` between the claim of a block's last slot and the install of the next block.
 */
export const listHooks: {
  beforePublish: (() => void) | undefined;
  afterClaimLast: (() => void) | undefined;
  /** Recorded as INSTALLER instead of this thread's slot (a test's stand-in for a dead thread). */
  installer: number | undefined;
  /**
   * Called right after a receiver marked a slot ABANDONED, with what the slot's sender does when
   * it publishes after all (its `or` of WRITE): a test's stand-in for a sender that wakes up then.
   */
  afterAbandon: ((publish: () => void) => void) | undefined;
} = { beforePublish: undefined, afterClaimLast: undefined, installer: undefined, afterAbandon: undefined };
const STATES_AT = 12, PAYLOAD_AT = 136;
/** Word indices of START and INSTALLER in a block, from the block's first word. */
const START = 1, INSTALLER = 2;

/** The START tag of the block holding position `t` (a TAIL / HEAD value without MARK). */
const startTag = (t: number): number => ((t >>> (SHIFT + 5)) + 1) | 0;

const offsetOf = (index: number) => (index >>> SHIFT) & (LAP - 1);

export class ListChan<T> extends Chan<T> {
  readonly cap = Infinity;
  // Fixed-length views over the arena, re-made when it has grown: on Node 20, views that track a
  // growable buffer's length make every access several times slower.
  private a32: Int32Array;
  private u8: Uint8Array;
  private fixedView: { [i: number]: any } | null;
  private viewBytes = 0;
  private readonly fixedBytes: number;
  private readonly blockBytes: number;
  private sendOffset = 0;
  private recvOffset = 0;
  /**
   * The slot after this thread's last receive, where its next one most likely is (block offset,
   * or 0 when unknown: the last receive took a block's last slot). `mayRecv` polls its state word.
   */
  private nextBlock = 0;
  private nextOffset = 0;
  /** HEAD as this thread's last receive left it (the value of its CAS), with `nextBlock` the guess of the next claim. */
  private nextHead = 0;
  /** TAIL as this thread's last send left it, and that position's block (0: no guess; see `startSend`). */
  private nextTail = 0;
  private nextTailBlock = 0;
  /** Set by `startRecv` when it claimed a slot it had already seen written. */
  private claimedWritten = false;

  constructor(buffer: SharedArrayBuffer, codec: AnyCodec<T>, arena: Arena) {
    super(buffer, codec, arena);
    this.fixedBytes = codec.fixedBytes;
    this.a32 = new Int32Array(0);
    this.u8 = new Uint8Array(0);
    this.fixedView = null;
    this.refresh();
    this.blockBytes = PAYLOAD_AT + BLOCK_CAP * (codec.fixedBytes > 0 ? codec.fixedBytes : 8 + this.slotBytes);
  }

  private get mem(): Arena {
    return this.arena!;
  }

  private refresh(): void {
    const buf = this.mem.buffer;
    const n = buf.byteLength;
    this.viewBytes = n;
    this.a32 = new Int32Array(buf, 0, n >> 2);
    this.u8 = new Uint8Array(buf, 0, n);
    if (this.fixedBytes > 0) this.fixedView = new (this.codec as FixedCodec<T>).view(buf, 0, Math.floor(n / this.fixedBytes));
  }

  /** Makes sure this thread's views cover `block` (another thread may have grown the arena). */
  private cover(block: number): void {
    if (block + this.blockBytes > this.viewBytes) this.refresh();
  }

  /** A fresh block with its header words (NEXT, START, INSTALLER) and every STATE zeroed (the arena recycles memory). */
  private newBlock(): number {
    const b = this.mem.alloc(this.blockBytes);
    this.cover(b);
    this.a32.fill(0, b >> 2, (b + PAYLOAD_AT) >> 2);
    return b;
  }

  /**
   * Whether the sender that took `block`'s last slot is known to have stopped (`hasExited`: its
   * exit was seen — not merely presumed dead after a terminate's grace, when a descheduled thread
   * may still finish its install; found in review). Only then do others install it, and only if
   * it died before its install was done (a sender helper re-reads TAIL afterwards; a receiver
   * helper still holds the last slot unread): a live sender, however slow, does it itself — and
   * so a block whose successor someone else links is never freed meanwhile (its last slot, never
   * published, is never read), which rules out a helper's CAS landing on recycled memory.
   */
  private installerDead(block: number): boolean {
    this.cover(block);
    const who = sys.load(this.a32, (block >> 2) + INSTALLER);
    return who !== 0 && hasExited(who);
  }

  /** A block's START tag (0 for none). */
  private startOf(block: number): number {
    if (block === 0) return 0;
    this.cover(block);
    return sys.load(this.a32, (block >> 2) + START);
  }

  /**
   * Installs `spare` as the successor of `block`, whose last slot has been taken (TAIL at
   * `boundary`, the position after it), or completes an install another thread began: links
   * NEXT, moves TAIL_BLOCK, then steps TAIL over the boundary — in that order, because a sender
   * that finds TAIL past the boundary reads TAIL_BLOCK next, and a receiver that took the last
   * slot waits for NEXT. Each step is a CAS from the state before it, so the thread that took the
   * slot and helpers (a sender waiting at the boundary, a receiver waiting for NEXT, after
   * `ABANDON_MS` each, once that thread is dead: `installerDead`) may all run it; one link wins.
   * Returns whether `spare` was linked (otherwise the caller still owns it).
   */
  private install(block: number, boundary: number, spare: number): boolean {
    const h = this.header;
    this.cover(block);
    this.cover(spare);
    sys.store(this.a32, (spare >> 2) + START, startTag((boundary + STEP) | 0));
    let next = sys.cas(this.a32, block >> 2, 0, spare);
    const linked = next === 0;
    if (linked) next = spare;
    sys.cas(h, TAIL_BLOCK, block, next);
    this.stepOver(boundary);
    return linked;
  }

  /** Steps TAIL from `boundary` to the next block's first position, keeping a disconnect MARK set meanwhile. */
  private stepOver(boundary: number): void {
    const h = this.header;
    for (let t = sys.load(h, TAIL); (t & ~MARK) === boundary; ) {
      const seen = sys.cas(h, TAIL, t, (t + STEP) | 0);
      if (seen === t) return;
      t = seen;
    }
  }

  private stateIndex(block: number, offset: number): number {
    return ((block + STATES_AT) >> 2) + offset;
  }

  /** Reserves a slot: returns its block (offset in this.sendOffset), or SEND_DISCONNECTED. */
  private startSend(): number {
    const h = this.header;
    // Guess: TAIL where this thread's last send left it (always so with one sender). The position
    // then lies in the block of that send, a slot further on, and that block cannot be freed
    // before the slot is read: a successful CAS from the guess claims it with no other read. The
    // last slot of a block (which needs its successor ready first) goes the general way; so does
    // a failed guess, starting from the TAIL its CAS returned.
    let tail: number;
    const guess = this.nextTail;
    if (this.nextTailBlock !== 0 && offsetOf(guess) + 1 < BLOCK_CAP) {
      tail = sys.cas(h, TAIL, guess, (guess + STEP) | 0);
      if (tail === guess) {
        this.nextTail = (guess + STEP) | 0;
        this.sendOffset = offsetOf(guess);
        return this.nextTailBlock;
      }
    } else tail = sys.load(h, TAIL);
    let block = sys.load(h, TAIL_BLOCK);
    let spare = 0; // block allocated ahead for the boundary, or a lost first-block race
    let waitAt = -1; // the boundary this thread is waiting at, and since when
    let since = -1;
    try {
      for (let spins = 0; ; spins++) {
        if ((tail & MARK) !== 0) return -SEND_DISCONNECTED;
        const offset = offsetOf(tail);
        if (offset === BLOCK_CAP) {
          // Another sender took the block's last slot and is installing the next block. If that
          // has not happened after ABANDON_MS and that sender is dead (terminated there), install
          // it for it (see `install`).
          if (tail !== waitAt) {
            waitAt = tail;
            since = -1;
          } else {
            since = waitClock(spins, since);
            if (since === STALLED) {
              if (this.startOf(block) !== startTag(tail)) {
                // TAIL_BLOCK already names the successor (linked before it): only the step is left.
                this.stepOver(tail);
              } else if (this.installerDead(block) && (sys.load(h, TAIL) & ~MARK) === tail) {
                // Dead, and TAIL still on the boundary *after* we saw it dead: it died before its
                // own step, so before it published the block's last slot — the block can never be
                // freed now. (Checked the other way round, an installer that finished, published
                // and then exited could have had its block read out and recycled meanwhile.)
                if (spare === 0) spare = this.newBlock();
                if (this.install(block, tail, spare)) spare = 0;
              }
              since = -1;
            }
          }
          sys.snooze(spins);
          tail = sys.load(h, TAIL);
          block = sys.load(h, TAIL_BLOCK);
          continue;
        }
        // About to take a block's last slot: have its successor ready before claiming it, so an
        // arena that is full fails here, before anything is claimed.
        if (offset + 1 === BLOCK_CAP && spare === 0) spare = this.newBlock();
        if (block === 0) {
          // The first block: HEAD_BLOCK, then TAIL_BLOCK, each by CAS, so the next sender completes
          // an install whose sender stopped between the two (receivers need HEAD_BLOCK as soon
          // as a sender can claim a slot, which takes TAIL_BLOCK).
          let first = sys.load(h, HEAD_BLOCK);
          if (first === 0) {
            const mine = spare !== 0 ? spare : this.newBlock();
            spare = 0;
            sys.store(this.a32, (mine >> 2) + START, startTag(tail));
            first = sys.cas(h, HEAD_BLOCK, 0, mine);
            if (first === 0) first = mine;
            else spare = mine;
          }
          sys.cas(h, TAIL_BLOCK, 0, first);
          tail = sys.load(h, TAIL);
          block = sys.load(h, TAIL_BLOCK);
          continue;
        }
        const next = (tail + STEP) | 0;
        const seen = sys.cas(h, TAIL, tail, next);
        if (seen === tail) {
          if (offset + 1 === BLOCK_CAP) {
            // We took the last slot: install the next block (others wait at the boundary). Say who
            // does it, so that if this thread dies before it is done, others can tell and do it.
            this.cover(block);
            sys.store(this.a32, (block >> 2) + INSTALLER, listHooks.installer ?? slotIfAny());
            if (listHooks.afterClaimLast !== undefined) listHooks.afterClaimLast();
            if (this.install(block, next, spare)) spare = 0;
          }
          this.sendOffset = offset;
          this.nextTail = next;
          this.nextTailBlock = offset + 1 < BLOCK_CAP ? block : 0;
          return block;
        }
        tail = seen;
        block = sys.load(h, TAIL_BLOCK);
      }
    } finally {
      if (spare !== 0) this.mem.free(spare);
    }
  }

  trySendEncoded(v: T, e: Encoded | null): number {
    for (;;) {
      let block: number;
      try {
        block = this.startSend();
      } catch (err) {
        this.discard(e); // CapacityError: nothing was claimed; give back the message's own block too
        throw err;
      }
      if (block < 0) return SEND_DISCONNECTED;
      this.cover(block);
      const offset = this.sendOffset;
      const payload = block + PAYLOAD_AT;
      if (e === null) {
        this.fixedView![payload / this.fixedBytes + offset] = v;
      } else {
        // lens at payload words [0, 31), refs at [31, 62), inline bytes after both
        const li = (payload >> 2) + offset;
        this.putVar(e, this.a32, li, this.a32, li + BLOCK_CAP, this.u8, payload + 8 * BLOCK_CAP + offset * this.slotBytes);
      }
      if (listHooks.beforePublish !== undefined) listHooks.beforePublish();
      // Publish: a reader waits for WRITE before reading the payload.
      const si = this.stateIndex(block, offset);
      if ((sys.or(this.a32, si, WRITE) & ABANDONED) === 0) {
        this.wakeReceiver();
        return SENT;
      }
      // Its receiver gave up on this slot (we were descheduled between claim and publish): nobody
      // will read it. Do the reader's part for the slot, so the block is still freed, and send the
      // message again in a new slot (the same bytes: nothing read them).
      this.readDone(block, offset, si);
    }
  }

  /** A slot's read is over (read, or abandoned and then written): mark it, free the block if it was the last. */
  private readDone(block: number, offset: number, si: number): void {
    // The last slot's reader starts the sweep; a reader that finds DESTROY set on its slot
    // continues a sweep that stopped there.
    if (offset + 1 === BLOCK_CAP) this.destroy(block, 0);
    else if ((sys.or(this.a32, si, READ) & DESTROY) !== 0) this.destroy(block, offset + 1);
  }

  /**
   * Waits for the sender that claimed slot `si` to publish: true once it has. A sender terminated
   * between its claim and its publish never does, and crossbeam's receiver would wait for it for
   * ever (holding up `tryRecv`, timeouts and the main thread alike). After ABANDON_MS this one
   * marks the slot ABANDONED instead and returns false: a sender that publishes after all sees
   * the mark, does the reader's part and sends its message again (`trySendEncoded`) — a message is
   * never lost to a live sender. A dead sender's block is never freed (nobody reads that slot).
   */
  private awaitWrite(si: number): boolean {
    let since = -1;
    for (let spins = 0; ; spins++) {
      const s = sys.load(this.a32, si);
      if ((s & WRITE) !== 0) return true;
      const c = waitClock(spins, since);
      if (c !== STALLED) since = c;
      else if (sys.cas(this.a32, si, s, s | ABANDONED) === s) {
        if (listHooks.afterAbandon !== undefined) listHooks.afterAbandon(() => sys.or(this.a32, si, WRITE));
        return false;
      }
      sys.snooze(spins);
    }
  }

  /** Reserves a written-or-being-written slot: its block (offset in this.recvOffset), EMPTY or DISCONNECTED. */
  private startRecv(): number {
    const h = this.header;
    // Guess, as in startSend: HEAD where this thread's last receive left it, the slot after that
    // receive's in the same block. If that slot is written and the CAS from the guess succeeds,
    // the slot is ours and holds a message: no HEAD, HEAD_BLOCK or second state read. (A stale
    // guess may read the state of a freed block: its CAS then fails, HEAD having moved on.)
    let head: number;
    const gb = this.nextBlock;
    const guess = this.nextHead;
    if (gb !== 0 && this.nextOffset + 1 < BLOCK_CAP && this.writtenAt(gb, this.nextOffset)) {
      head = sys.cas(h, HEAD, guess, (guess + STEP) | 0);
      if (head === guess) {
        this.recvOffset = this.nextOffset;
        this.claimedWritten = true;
        this.claimed(gb, this.nextOffset, (guess + STEP) | 0);
        return gb;
      }
    } else head = sys.load(h, HEAD);
    let block = sys.load(h, HEAD_BLOCK);
    for (let spins = 0; ; spins++) {
      const offset = offsetOf(head);
      if (offset === BLOCK_CAP) {
        sys.snooze(spins);
        head = sys.load(h, HEAD);
        block = sys.load(h, HEAD_BLOCK);
        continue;
      }
      let next = (head + STEP) | 0;
      // A slot at HEAD already written holds a message: no need to read TAIL, the senders' line
      // (nor to learn whether the block has a successor: the next receive looks again).
      if ((next & MARK) === 0 && !this.writtenAt(block, offset)) {
        const tail = sys.load(h, TAIL);
        if (head >>> SHIFT === tail >>> SHIFT) return (tail & MARK) !== 0 ? -2 : -1;
        // Head and tail in different blocks: the head's block has a successor.
        if (head >>> (SHIFT + 5) !== tail >>> (SHIFT + 5)) next |= MARK;
      }
      if (block === 0) {
        // The first block is being installed.
        sys.snooze(spins);
        head = sys.load(h, HEAD);
        block = sys.load(h, HEAD_BLOCK);
        continue;
      }
      const seen = sys.cas(h, HEAD, head, next);
      if (seen === head) {
        if (offset + 1 === BLOCK_CAP) {
          this.cover(block);
          const successor = this.waitNext(block, next & ~MARK);
          this.cover(successor);
          let nextIndex = ((next & ~MARK) + STEP) | 0;
          if (sys.load(this.a32, successor >> 2) !== 0) nextIndex |= MARK;
          sys.store(h, HEAD_BLOCK, successor);
          sys.store(h, HEAD, nextIndex);
        }
        this.recvOffset = offset;
        this.claimedWritten = false;
        this.claimed(block, offset, next);
        return block;
      }
      head = seen;
      block = sys.load(h, HEAD_BLOCK);
    }
  }

  /**
   * After a claim of slot `offset` of `block` that left HEAD at `head`: the guess of the next one
   * (the slot after it in the same block; none after a block's last slot). Made at every claim,
   * an abandoned one included (see `awaitWrite`), so the three always describe one position.
   */
  private claimed(block: number, offset: number, head: number): void {
    this.nextBlock = offset + 1 < BLOCK_CAP ? block : 0;
    this.nextOffset = offset + 1;
    this.nextHead = head;
  }

  /** Whether slot `offset` of `block` (0: none yet) is written; a stale pair only makes the claim's CAS fail. */
  private writtenAt(block: number, offset: number): boolean {
    if (block === 0) return false;
    this.cover(block);
    return (sys.load(this.a32, this.stateIndex(block, offset)) & WRITE) !== 0;
  }

  /**
   * Waits for the successor of `block`, whose last slot this receiver took (the sender of that
   * slot installs it; `boundary` is the position after the slot). A sender terminated before it
   * linked one never does: after ABANDON_MS, if that sender is dead, this receiver installs it
   * itself (see `install`).
   */
  private waitNext(block: number, boundary: number): number {
    let since = -1;
    for (let spins = 0; ; spins++) {
      const n = sys.load(this.a32, block >> 2);
      if (n !== 0) return n;
      const c = waitClock(spins, since);
      if (c !== STALLED) since = c;
      else if (this.installerDead(block)) {
        since = -1;
        let spare = 0;
        try {
          spare = this.newBlock();
          if (this.install(block, boundary, spare)) spare = 0;
        } catch {
          // The arena is full (CapacityError): wait on, and try again later.
        } finally {
          if (spare !== 0) this.mem.free(spare);
        }
      }
      sys.snooze(spins);
    }
  }

  tryRecv(): RecvAttempt<T> {
    let block: number, offset: number, si: number;
    for (;;) {
      block = this.startRecv();
      if (block < 0) return block === -2 ? RECV_DISCONNECTED : RECV_EMPTY;
      this.cover(block);
      offset = this.recvOffset;
      si = this.stateIndex(block, offset);
      // The sender claimed this slot; wait for its payload to be published (or give the slot up
      // and take the next one).
      if (this.claimedWritten || (sys.load(this.a32, si) & WRITE) !== 0 || this.awaitWrite(si)) break;
    }
    const payload = block + PAYLOAD_AT;
    const fixed = this.fixedView !== null;
    // A fixed-size value is read here; a variable-size one is taken out of the slot, decoded
    // after the slot is marked read (see holdVar).
    let v: T | undefined;
    try {
      if (fixed) v = this.fixedView![payload / this.fixedBytes + offset];
      else {
        const li = (payload >> 2) + offset;
        this.holdVar(this.a32, li, this.a32, li + BLOCK_CAP, this.u8, payload + 8 * BLOCK_CAP + offset * this.slotBytes);
      }
    } finally {
      this.readDone(block, offset, si);
    }
    return fixed ? (v as T) : this.decodeHeld();
  }

  private destroy(block: number, start: number): void {
    for (let i = start; i < BLOCK_CAP - 1; i++) {
      const si = this.stateIndex(block, i);
      // Slot i not read yet: flag it; its reader will continue from i + 1.
      if ((sys.load(this.a32, si) & READ) === 0 && (sys.or(this.a32, si, DESTROY) & READ) === 0) return;
    }
    this.mem.free(block);
  }

  len(): number {
    const h = this.header;
    for (;;) {
      let tail = sys.load(h, TAIL);
      let head = sys.load(h, HEAD);
      if (sys.load(h, TAIL) !== tail) continue;
      tail = (tail & ~MARK) >>> SHIFT;
      head = (head & ~MARK) >>> SHIFT;
      // Positions on a block boundary count as the start of the next block.
      if ((tail & (LAP - 1)) === LAP - 1) tail = (tail + 1) & 0x7fffffff;
      if ((head & (LAP - 1)) === LAP - 1) head = (head + 1) & 0x7fffffff;
      const base = head & ~(LAP - 1);
      const t = (tail - base) & 0x7fffffff;
      const hd = head - base;
      // Every LAP positions include one boundary position that holds no message.
      return t - hd - Math.floor(t / LAP);
    }
  }

  disconnect(): void {
    sys.or(this.header, TAIL, MARK);
  }

  get isDisconnected(): boolean {
    return (sys.load(this.header, TAIL) & MARK) !== 0;
  }

  /**
   * Whether a receive might succeed now, from one load: false only if the slot after this thread's
   * last receive is not written yet. Spinning receivers poll this (and `pollRecv`) instead of a
   * full attempt, which reads the senders' TAIL line — pulling it from the sender on every poll.
   * With other receivers about, the guess may be stale (that slot taken, even its block freed and
   * reused): the hint may then say no while there are messages further on, until the poll's next
   * full attempt (`fullRound`, every few µs) or its end.
   */
  override mayRecv(): boolean {
    const b = this.nextBlock;
    return b === 0 || this.writtenAt(b, this.nextOffset);
  }

  override pollRecv(): RecvAttempt<T> {
    return this.mayRecv() ? this.tryRecv() : RECV_EMPTY;
  }

  override readyToSend(): boolean {
    return true;
  }
}
