/**
 * A port: the task records of one submitting thread, and the ring through which executors hand
 * finished records back to it (word layout in layout.ts).
 *
 * Only the owner allocates and frees records (a free list in plain JavaScript: no atomics), so a
 * record is never contended but for its STATE word. Completions are an MPSC ring of record
 * indexes: an executor reserves a position with one add and stores `index + 1`; the owner reads
 * positions in order and stops at a 0 (reserved, not yet written). The ring has as many positions
 * as the port has records, and a record is in it at most once, so it can never overflow.
 */
import * as sys from "../sys/index.js";
import { CapacityError } from "../errors.js";
import * as L from "./layout.js";

export class Port {
  readonly buffer: SharedArrayBuffer;
  /**
   * Fixed-length views over the buffer as long as it was when last looked at: `rec(i)` renews them
   * when record `i` lies beyond (length-tracking views would follow growth by themselves, but
   * V8 makes every access through them 4–15× slower). Call `rec` before using these.
   */
  words: Int32Array;
  bytes: Uint8Array;
  view: DataView;
  private records = 0;
  /** Most records, a power of two. */
  readonly cap: number;
  private readonly mask: number;
  /** Word index of record 0. */
  readonly base: number;

  /** Creates a port for at most `cap` records (a power of two), with room for `initial` now. */
  static create(cap: number, initial: number): Port {
    const max = L.portBytes(cap, cap);
    const sab = new (SharedArrayBuffer as any)(L.portBytes(cap, Math.min(initial, cap)), { maxByteLength: max }) as SharedArrayBuffer;
    const w = new Int32Array(sab);
    sys.store(w, L.CAP, cap);
    sys.store(w, L.TAG, L.PORT_TAG);
    return new Port(sab);
  }

  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.words = new Int32Array(buffer, 0, buffer.byteLength >> 2);
    this.bytes = new Uint8Array(buffer, 0, buffer.byteLength);
    this.view = new DataView(buffer, 0, buffer.byteLength);
    if (sys.load(this.words, L.TAG) !== L.PORT_TAG) throw new TypeError("ThreadPool: a port buffer is not a weft pool port");
    this.cap = sys.load(this.words, L.CAP);
    this.mask = this.cap - 1;
    this.base = L.RING_BASE + this.cap;
    this.refresh();
  }

  /** Word index of record `i` (renewing the views if it lies beyond them). */
  rec(i: number): number {
    if (i >= this.records) this.refresh();
    return this.base + i * L.RECORD_WORDS;
  }

  private refresh(): void {
    const len = this.buffer.byteLength;
    if (len !== this.bytes.length) {
      this.words = new Int32Array(this.buffer, 0, len >> 2);
      this.bytes = new Uint8Array(this.buffer, 0, len);
      this.view = new DataView(this.buffer, 0, len);
    }
    this.records = Math.floor((len - this.base * 4) / L.RECORD_BYTES);
  }

  /** Byte offset of record `i`'s inline bytes (call `rec(i)` first). */
  inlineAt(i: number): number {
    return (this.base + i * L.RECORD_WORDS + L.INLINE_WORD) * 4;
  }

  /** Records the buffer has room for now. */
  get room(): number {
    return Math.floor((this.buffer.byteLength - this.base * 4) / L.RECORD_BYTES);
  }

  /**
   * Owner: makes room for `n` records (grows the buffer, at least doubling).
   * @throws CapacityError past the port's capacity.
   */
  grow(n: number): void {
    if (n > this.cap) {
      throw new CapacityError(`ThreadPool: more than ${this.cap} tasks are in flight from this thread; await some before submitting more`);
    }
    const room = this.room;
    if (n <= room) return;
    const want = Math.min(this.cap, Math.max(n, room * 2));
    (this.buffer as any).grow(L.portBytes(this.cap, want));
    this.refresh();
  }

  // --------------------------------------------------------------------- completions

  /** Executor: hands finished record `i` back to the owner (the caller wakes it). */
  pushCompletion(i: number): void {
    const pos = sys.add(this.words, L.CTAIL, 1);
    sys.store(this.words, L.RING_BASE + (pos & this.mask), i + 1);
  }

  /** Owner: the record index of the completion at `head`, or -1 if not (yet) written. */
  peekCompletion(head: number): number {
    return sys.load(this.words, L.RING_BASE + (head & this.mask)) - 1;
  }

  /** Owner: clears the completion at `head` after reading it. */
  clearCompletion(head: number): void {
    sys.store(this.words, L.RING_BASE + (head & this.mask), 0);
  }

  // ------------------------------------------------------------------------ parking

  /**
   * Owner, before parking: returns the sequence value to park on. Flag first, then the caller
   * re-checks for work: a waker that published before our flag is seen by that re-check, one that
   * publishes after it finds the flag and bumps the sequence (so the park returns at once).
   */
  prepareSleep(): number {
    const seq = sys.load(this.words, L.SEQ);
    sys.store(this.words, L.SLEEPING, 1);
    return seq;
  }

  /** Owner, after parking (or deciding not to): true if nobody had claimed the wake-up. */
  endSleep(): boolean {
    return sys.exchange(this.words, L.SLEEPING, 0) === 1;
  }

  /** Waker: claims the owner's wake-up (true at most once per sleep). */
  claimSleeper(): boolean {
    return sys.load(this.words, L.SLEEPING) !== 0 && sys.exchange(this.words, L.SLEEPING, 0) === 1;
  }

  /** Waker, after a successful claim: bumps the park word and wakes the owner. */
  ring(): void {
    sys.add(this.words, L.SEQ, 1);
    sys.notify(this.words, L.SEQ, 1);
  }
}
