/**
 * RwLock<T>: a writer-preferring reader-writer lock, after Rust std's `sys/sync/rwlock/futex.rs`.
 *
 * Word layout (Int32, from byteOffset):
 *   [0] TAG            TypeTag.RwLock
 *   [1] STATE          bits 0..28: the reader count, or — write-locked — WRITE_BASE + the thread
 *                      slot of the write holder (above every reader count; slots are never reused,
 *                      so a dead holder is known from this word alone); READERS_WAITING = bit 29,
 *                      WRITERS_WAITING = bit 30 (words stay positive)
 *   [2] WRITER_NOTIFY  bumped to wake one writer; writers park on it
 *   [3] ID             the lock's id in the thread registry (0 until a thread first records a
 *                      read lock on it; see `recordReads`), which names it in read-lock records
 *   [4] POISON         1 once a write holder threw in `withWrite` or died holding the lock
 *   [5] WRITERS        writers inside the slow path, in bits 0..15 (the last one to give up clears
 *                      WRITERS_WAITING), and an epoch above them, bumped when those writers are
 *                      found dead (bits 16..30; see `evictDeadWriters`)
 *   [6] ROLL           the slot of the waiting writer that last answered (said it is there), or 0
 *   [7] ROLL_AT        when any waiting writer last answered (`Date.now()` mod 2^30)
 * All-zero is a valid unlocked RwLock.
 *
 * Writer preference: once a writer waits (WRITERS_WAITING), new readers queue behind it, so a
 * stream of readers cannot starve writers. A blocking `read()` on a thread that already holds a
 * read lock may take another past waiting writers (it would otherwise wait for itself forever).
 * `readAsync` and `tryRead` do not: the read locks on a thread are counted per thread, not per
 * task, so async tasks of one thread reading in turn, each starting before the last one ended,
 * would keep a writer out for good (as tokio's, an async read queues behind a waiting writer, so
 * a task that awaits a second read lock while holding one can wait for itself).
 *
 * Dead readers: STATE only counts readers. A worker gives back the read locks it still holds as it
 * ends (`held`, on its 'exit' event). One that is *terminated* runs no JavaScript, so each thread
 * also records its read locks in its line of the thread registry — (lock ID, count) pairs, plain
 * stores, the count written after the CAS that takes a read lock and before the one that gives it
 * back — and a writer kept out by readers takes back those of threads known to have exited
 * (`recoverDeadReaders`, whenever the registry's death count has moved). A thread has room for
 * READ_RECORDS locks read at once; read locks beyond those (or taken in the instant before their
 * record is written) are not recovered.
 */
import * as sys from "../sys/index.js";
import type { Shareable } from "../types.js";
import { claimTag, placeWords, sharedBuffer } from "../memory/layout.js";
import { MAX_SLOTS, READ_RECORDS, currentSlot, deathCount, isAlive, nextRwLockId, onWorkerExit, readRecords, takeDeadReads } from "../thread/registry.js";
import { DeadlockError, LockError, PoisonError } from "../errors.js";
import { checkGuarded } from "./mutex.js";
import { SHARE, registerKind, type PrimitiveWire, type SharedPrimitive } from "../share/index.js";
import { checkCallback, deadlineOf, type WaitOptions } from "./options.js";
import { parkAsync, parkSync, type Park, type SlowPath } from "./park.js";

const TAG = 0, STATE = 1, WRITER_NOTIFY = 2, ID = 3, POISON = 4, WRITERS = 5, ROLL = 6, ROLL_AT = 7;

/** WRITERS: the count of writers in the slow path (up to 65 535 at once), below the epoch. */
const COUNT_BITS = 16;
const COUNT_MASK = (1 << COUNT_BITS) - 1;
const EPOCH_MASK = (1 << (31 - COUNT_BITS)) - 1;
/**
 * A live waiting writer answers (ROLL, ROLL_AT) at least once per park slice, so writers none of
 * whom answered for five slices are dead (or have not run for that long: then they are counted
 * again when they do, see `writeSlow`).
 */
const ROLL_MS = 5 * sys.LIVENESS_SLICE_MS;
/** ROLL_AT's clock: Date.now() (one clock for every thread) modulo this. */
const ROLL_CLOCK = 1 << 30;

// PLAIN: a few accesses of POISON by the thread holding or taking the lock are plain
// typed-array accesses, not `Atomics`: on Node 20 (V8 11.3) each `Atomics` call is a builtin
// call, ~5–10 ns, against ~1 ns. The lock's own atomic operations on STATE order them (the JS
// memory model: a plain write before the unlock's `sub` happens-before whatever the next holder
// does after the CAS that saw it), and other threads' racy reads of those words get either
// value, whole (aligned 32-bit accesses do not tear). None of them is in a loop that waits for
// another thread, where a compiler may reuse a plain read.

const MASK = (1 << 29) - 1;
/**
 * A write-locked STATE holds WRITE_BASE + the holder's thread slot in its count bits: the CAS that
 * takes the lock records its owner, so no instant exists at which the lock is held by nobody
 * known (a worker can be terminated between any two statements). Slots go up to MAX_SLOTS.
 */
const WRITE_BASE = MASK - MAX_SLOTS;
const MAX_READERS = WRITE_BASE - 1;
const READERS_WAITING = 1 << 29;
const WRITERS_WAITING = 1 << 30;

const isUnlocked = (s: number) => (s & MASK) === 0;
const isWriteLocked = (s: number) => (s & MASK) > MAX_READERS;
/** The thread slot of a write-locked STATE's holder. */
const writerOf = (s: number) => (s & MASK) - WRITE_BASE;

/** This thread's write-locked count bits, WRITE_BASE + its slot (0 until first needed). */
let writeLockedByMe = 0;
const mine = (): number => (writeLockedByMe !== 0 ? writeLockedByMe : (writeLockedByMe = WRITE_BASE + currentSlot()));
const hasReadersWaiting = (s: number) => (s & READERS_WAITING) !== 0;
const hasWritersWaiting = (s: number) => (s & WRITERS_WAITING) !== 0;
/** Readers may enter only when no writer holds the lock *or waits for it* (writer preference). */
const isReadLockable = (s: number) => (s & MASK) < MAX_READERS && !hasReadersWaiting(s) && !hasWritersWaiting(s);

let placing: Int32Array | null = null;

/**
 * This thread's read locks on one lock: how many, whether `held` lists it, and which pair of this
 * thread's read-lock records names it (`record`: index of the pair's count, -1 none).
 */
interface LocalReads {
  reads: number;
  listed: boolean;
  record: number;
}

/** This thread's read-lock records (registry READS words), made on first use (`readRecords`). */
let records: Int32Array | null = null;

/**
 * Writes this thread's read count of a lock (`local.reads`, just changed) into its record pair —
 * after the CAS that took a read lock, before the one that gives it back (see the file's header).
 * The common case is inlined where the count changes: `local.record >= 0` and, at a first read
 * lock, the pair still names this lock (its memory may have been reset and a new lock placed
 * there since, with another id): one plain store. This is the rest: a lock without a pair gets
 * one — a pair never used, or one whose lock's count is 0, taken from that lock (whose next record
 * takes another). With all pairs in use, nothing is recorded (a count of 0 needs no pair).
 */
function recordReads(lock: RwLock<any>, local: LocalReads): void {
  const table = readRecords();
  const recs = (records = table.words);
  let at = local.record;
  if (at >= 0) {
    const id = lock.id();
    if (recs[at - 1] !== id) {
      recs[at] = 0; // free while the id changes
      recs[at - 1] = id;
    }
    recs[at] = local.reads;
    return;
  }
  if (local.reads === 0) return;
  const owners = table.owners as (LocalReads | null)[];
  for (let r = 0; r < READ_RECORDS; r++) {
    const owner = owners[r]!;
    if (owner !== null && owner.reads !== 0) continue;
    if (owner !== null) owner.record = -1;
    owners[r] = local;
    local.record = at = 2 * r + 1;
    recs[at] = 0; // free while the id changes
    recs[at - 1] = lock.id();
    recs[at] = local.reads;
    return;
  }
}

// Per thread: read guards held on each lock, keyed by buffer and offset, so two views of one lock
// in this thread (`RwLock.at` twice over the same buffer) agree. (Copies revived from separate
// wires hold distinct buffer objects and are not matched.)
const readsByBuffer = new WeakMap<SharedArrayBuffer, Map<number, LocalReads>>();
function localReadsOf(buffer: SharedArrayBuffer, byteOffset: number): LocalReads {
  let byOffset = readsByBuffer.get(buffer);
  if (byOffset === undefined) readsByBuffer.set(buffer, (byOffset = new Map()));
  let local = byOffset.get(byteOffset);
  if (local === undefined) byOffset.set(byteOffset, (local = { reads: 0, listed: false, record: -1 }));
  return local;
}

/**
 * Per thread: the locks this thread has held read locks on (listed at a first read lock, pruned of
 * those it holds none of as the list grows), so that the read locks a worker still holds when it
 * ends are given back — as a Rust thread's guards are dropped when it returns or panics. Readers
 * are counted, not named, in shared memory, so nobody else can give them back: a worker that
 * threw holding a read guard kept writers out for good (a port of Rust's
 * `test_rw_arc_no_poison_rw`). Runs on the worker's `process` 'exit' event, which Node emits when
 * its function's event loop runs dry, on an uncaught error and on `process.exit()` — not on
 * `terminate()`, where no JavaScript runs.
 */
const held: { lock: RwLock<any>; local: LocalReads }[] = [];
let heldPrunedAt = 16;
let exitHooked = false;

function listHeld(lock: RwLock<any>, local: LocalReads): void {
  local.listed = true;
  held.push({ lock, local });
  if (held.length > heldPrunedAt) {
    let k = 0;
    for (const e of held) {
      if (e.local.reads > 0) held[k++] = e;
      else e.local.listed = false;
    }
    held.length = k;
    heldPrunedAt = Math.max(16, 2 * k);
  }
  if (!exitHooked) {
    exitHooked = true;
    onWorkerExit(releaseHeldReads);
  }
}

/** Gives back every read lock this thread still holds (it is ending: see `held`). */
function releaseHeldReads(): void {
  for (const { lock, local } of held) {
    const n = local.reads;
    if (n === 0) continue;
    local.reads = 0;
    recordReads(lock, local);
    lock.releaseReads(n);
  }
  held.length = 0;
}

/**
 * A reader-writer lock guarding a value in shared memory. Many readers or one writer.
 * `read / tryRead / readAsync`, `write / tryWrite / writeAsync`, `withRead`, `withWrite`.
 */
export class RwLock<T = void> implements SharedPrimitive {
  /** Bytes an RwLock occupies in a buffer. */
  static readonly BYTE_LENGTH = 32;
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  /** @internal */
  readonly words: Int32Array;
  /** @internal */
  readonly data: T;
  /** @internal Read guards this thread holds on this lock, shared by this thread's views of it. */
  private readonly local: LocalReads;
  private readonly park: Park;
  /** The registry's death count when this view last looked for dead readers (`recoverDeadReaders`). */
  private deathsSeen = -1;

  /**
   * Creates a lock in its own new shared buffer, guarding `value`.
   * `value` must be `Shareable` — the compiler rejects, say, a typed array over an `ArrayBuffer`.
   * @throws TypeError if `value` is not shared memory.
   */
  constructor(value?: T & Shareable<T>) {
    checkGuarded("RwLock", value);
    const words = placing ?? placeWords("RwLock", sharedBuffer(RwLock.BYTE_LENGTH), 0, RwLock.BYTE_LENGTH);
    if (placing === null) claimTag("RwLock", words, TAG, 0);
    this.words = words;
    this.buffer = words.buffer as SharedArrayBuffer;
    this.byteOffset = words.byteOffset;
    this.data = value as T;
    this.park = { words, index: STATE, value: 0 };
    this.local = localReadsOf(this.buffer, this.byteOffset);
  }

  /** Places a lock at `byteOffset` of `buffer` (zeroed memory is an unlocked lock). */
  static at<T = void>(buffer: SharedArrayBuffer, byteOffset: number, value?: T & Shareable<T>): RwLock<T> {
    const words = placeWords("RwLock", buffer, byteOffset, RwLock.BYTE_LENGTH);
    checkGuarded("RwLock", value);
    claimTag("RwLock", words, TAG, byteOffset);
    placing = words;
    try {
      return new RwLock<T>(value);
    } finally {
      placing = null;
    }
  }

  /** Whether a write holder threw in `withWrite` or died holding the lock. */
  get isPoisoned(): boolean {
    return sys.load(this.words, POISON) !== 0;
  }

  /** Clears the poison flag. */
  clearPoison(): void {
    sys.store(this.words, POISON, 0);
  }

  // ------------------------------------------------------------------------------ read side

  /** Blocks until a shared read lock is held. @throws PoisonError (guard held), TimeoutError, DeadlockError. */
  read(opts?: WaitOptions): RwLockReadGuard<T> {
    // Guards are made before the lock is taken (see Mutex.lock): not a garbage collection while held.
    const g = new RwLockReadGuard(this);
    if (opts === undefined && this.tryReadFast()) return this.readGuard(g);
    const d = deadlineOf("RwLock.read", opts);
    if (!this.tryReadFast()) parkSync(this.readSlow(true), d, "RwLock.read", "RwLock.readAsync");
    return this.readGuard(g);
  }

  /** Takes a read lock if that needs no waiting; `null` otherwise. */
  tryRead(): RwLockReadGuard<T> | null {
    const g = new RwLockReadGuard(this);
    if (this.tryReadFast(false) || (this.evictDeadWriters() && this.tryReadFast(false))) return this.readGuard(g);
    return null;
  }

  /** Async twin of `read`. */
  async readAsync(opts?: WaitOptions): Promise<RwLockReadGuard<T>> {
    const d = deadlineOf("RwLock.readAsync", opts);
    const g = new RwLockReadGuard(this);
    if (!this.tryReadFast(false)) await parkAsync(this.readSlow(false), d, "RwLock.readAsync");
    return this.readGuard(g);
  }

  /** Runs `fn` under a read lock. */
  withRead<R>(fn: (value: T) => R, opts?: WaitOptions): R {
    checkCallback("RwLock.withRead", fn);
    const g = unpoisoned(() => this.read(opts));
    try {
      return fn(g.value);
    } finally {
      g.unlock();
    }
  }

  /** `reentrant`: a blocking read, which may pass waiting writers if this thread reads already. */
  private tryReadFast(reentrant = true): boolean {
    // Retry while the lock stays read-lockable: another reader changing the count is no reason
    // to give up (Rust's try_read loops the same way).
    const local = this.local;
    const mayPass = reentrant && local.reads > 0;
    for (let s = sys.load(this.words, STATE); isReadLockable(s) || (mayPass && (s & MASK) < MAX_READERS); ) {
      // The lock's ID, read before the CAS, while this thread has the line STATE is on (a plain
      // read suffices: it is written once per placement of the lock); after the CAS, another
      // reader's CAS may have taken the line away.
      const id = this.words[ID];
      const seen = sys.cas(this.words, STATE, s, s + 1);
      if (seen === s) {
        if (local.reads++ === 0 && !local.listed) listHeld(this, local);
        // recordReads, its common case inlined (a call here cost ~3 ns of a ~37 ns read + unlock).
        const at = local.record;
        if (at >= 0 && (local.reads !== 1 || records![at - 1] === id)) records![at] = local.reads;
        else recordReads(this, local);
        return true;
      }
      s = seen;
    }
    return false;
  }

  private *readSlow(sync: boolean): SlowPath<void> {
    let s = this.spinRead();
    for (;;) {
      if (isWriteLocked(s)) this.checkWriter(s, sync, "RwLock.read");
      const lockable = isReadLockable(s) || (sync && this.local.reads > 0 && (s & MASK) < MAX_READERS);
      if (lockable) {
        if (sys.cas(this.words, STATE, s, s + 1) === s) {
          if (this.local.reads++ === 0 && !this.local.listed) listHeld(this, this.local);
          recordReads(this, this.local);
          return;
        }
        s = sys.load(this.words, STATE);
        continue;
      }
      // Kept out by waiting writers that may be dead (terminated while they waited), or by a
      // writer woken to take the lock that may have died before it did.
      if (!isWriteLocked(s) && (hasWritersWaiting(s) || hasReadersWaiting(s)) && this.evictDeadWriters()) {
        s = sys.load(this.words, STATE);
        continue;
      }
      // Say that readers are parked before parking, so the unlocker knows to wake us.
      if (!hasReadersWaiting(s)) {
        const seen = sys.cas(this.words, STATE, s, s | READERS_WAITING);
        if (seen !== s) {
          s = seen;
          continue;
        }
      }
      this.park.index = STATE;
      this.park.value = s | READERS_WAITING;
      yield this.park;
      s = this.spinRead();
    }
  }

  private spinRead(): number {
    let s = sys.load(this.words, STATE);
    // Spin only while a writer holds it and nobody is parked: anything else is decided at once.
    for (let i = 0; i < sys.SPIN_LIMIT && isWriteLocked(s) && !hasReadersWaiting(s) && !hasWritersWaiting(s); i++) {
      s = sys.load(this.words, STATE);
    }
    return s;
  }

  /** Hands out the guard made for a read lock now held; inside a PoisonError if poisoned. */
  private readGuard(g: RwLockReadGuard<T>): RwLockReadGuard<T> {
    // A plain read (see PLAIN): the CAS that took the lock orders it after the write holder's
    // POISON store, which came before that holder's unlock.
    if (this.words[POISON] !== 0) throw new PoisonError("RwLock", g);
    return g;
  }

  /** @internal */
  readUnlock(): void {
    // 0: given back already, as the thread ended (an exit listener unlocking after ours ran).
    const local = this.local;
    if (local.reads === 0) return;
    local.reads--;
    if (local.record >= 0) records![local.record] = local.reads; // recordReads, inlined
    else recordReads(this, local);
    this.releaseReads(1);
  }

  /**
   * @internal This lock's registry id (see ID), given on first need. Read from the lock's memory
   * each time, not cached: memory reset and placed again holds a new lock, with a new id.
   */
  id(): number {
    const id = sys.load(this.words, ID);
    if (id !== 0) return id;
    const fresh = nextRwLockId();
    const seen = sys.cas(this.words, ID, 0, fresh);
    return seen === 0 ? fresh : seen;
  }

  /**
   * Takes back the read locks that threads known to have exited still hold (see the file's
   * header), when some thread died since this view last looked. Returns whether it took any.
   */
  private recoverDeadReaders(): boolean {
    const deaths = deathCount();
    if (deaths === this.deathsSeen) return false;
    this.deathsSeen = deaths;
    const id = sys.load(this.words, ID);
    if (id === 0) return false; // no read lock was ever recorded
    const n = takeDeadReads(id);
    if (n === 0) return false;
    this.releaseReads(n);
    return true;
  }

  /** @internal Gives back `n` read locks (this thread's count already lowered). */
  releaseReads(n: number): void {
    const s = sys.sub(this.words, STATE, n) - n;
    // A reader can only be parked on a read-locked lock if a writer is parked too; so the last
    // reader out wakes a writer (or, failing that, the readers).
    if (isUnlocked(s) && hasWritersWaiting(s)) this.wakeWriterOrReaders(s);
  }

  // ----------------------------------------------------------------------------- write side

  /** Blocks until the exclusive write lock is held. @throws PoisonError (guard held), TimeoutError, DeadlockError. */
  write(opts?: WaitOptions): RwLockWriteGuard<T> {
    const g = new RwLockWriteGuard(this);
    if (opts === undefined && sys.cas(this.words, STATE, 0, mine()) === 0) return this.writeGuard(g);
    const d = deadlineOf("RwLock.write", opts);
    if (this.local.reads > 0) {
      throw new DeadlockError("RwLock.write: this thread holds a read lock on it; the write lock would wait for itself forever");
    }
    if (sys.cas(this.words, STATE, 0, mine()) !== 0) parkSync(this.writeSlow(true), d, "RwLock.write", "RwLock.writeAsync");
    return this.writeGuard(g);
  }

  /** Takes the write lock if it is free; `null` otherwise. */
  tryWrite(): RwLockWriteGuard<T> | null {
    const g = new RwLockWriteGuard(this);
    for (;;) {
      const s = sys.load(this.words, STATE);
      if (!isUnlocked(s)) {
        if (isWriteLocked(s) ? this.recoverDeadWriter() : this.recoverDeadReaders()) continue;
        return null;
      }
      if (sys.cas(this.words, STATE, s, s | mine()) === s) return this.writeGuard(g);
    }
  }

  /** Async twin of `write`. */
  async writeAsync(opts?: WaitOptions): Promise<RwLockWriteGuard<T>> {
    const d = deadlineOf("RwLock.writeAsync", opts);
    const g = new RwLockWriteGuard(this);
    if (sys.cas(this.words, STATE, 0, mine()) !== 0) await parkAsync(this.writeSlow(false), d, "RwLock.writeAsync");
    return this.writeGuard(g);
  }

  /** Runs `fn` under the write lock; if it throws, the lock is poisoned. */
  withWrite<R>(fn: (value: T) => R, opts?: WaitOptions): R {
    checkCallback("RwLock.withWrite", fn);
    const g = unpoisoned(() => this.write(opts));
    let ok = false;
    try {
      const r = fn(g.value);
      ok = true;
      return r;
    } finally {
      if (!ok) sys.store(this.words, POISON, 1);
      g.unlock();
    }
  }

  private *writeSlow(sync: boolean): SlowPath<void> {
    const words = this.words;
    // Answer first, then be counted (in WRITERS, in its current epoch): counted without a fresh
    // answer, a reader could take us for one of the dead.
    const slot = currentSlot();
    this.answer(slot);
    let epoch = sys.add(words, WRITERS, 1) >>> COUNT_BITS;
    let s = this.spinWrite();
    let otherWriters = 0;
    let locked = false;
    try {
      for (;;) {
        if (isUnlocked(s)) {
          // Keep WRITERS_WAITING on if others may be parked, so our unlock wakes them.
          const seen = sys.cas(this.words, STATE, s, s | mine() | otherWriters);
          if (seen === s) {
            locked = true;
            return;
          }
          s = seen;
          continue;
        }
        if (isWriteLocked(s)) {
          this.checkWriter(s, sync, "RwLock.write");
        } else if (this.recoverDeadReaders()) {
          // Read-locked, and some of the readers had exited: their read locks are given back.
          s = sys.load(this.words, STATE);
          continue;
        }
        if (!hasWritersWaiting(s)) {
          const seen = sys.cas(this.words, STATE, s, s | WRITERS_WAITING);
          if (seen !== s) {
            s = seen;
            continue;
          }
        }
        otherWriters = WRITERS_WAITING;
        // Before each park (at least once a slice): answer, then check we are still counted — a
        // writer that had not run for ROLL_MS was taken for dead (see evictDeadWriters) and
        // counts itself again, in the new epoch.
        this.answer(slot);
        if (sys.load(words, WRITERS) >>> COUNT_BITS !== epoch) epoch = sys.add(words, WRITERS, 1) >>> COUNT_BITS;
        // Read the notify counter *before* re-checking the state: an unlock that lands in
        // between bumps it, and the park returns at once.
        const seq = sys.load(this.words, WRITER_NOTIFY);
        s = sys.load(this.words, STATE);
        if (isUnlocked(s) || !hasWritersWaiting(s)) continue;
        this.park.index = WRITER_NOTIFY;
        this.park.value = seq;
        yield this.park;
        s = this.spinWrite();
      }
    } finally {
      // Leave the count (unless an eviction already took us out of it). The last writer to leave
      // the slow path without the lock (timeout, abort, deadlock) must not leave WRITERS_WAITING
      // behind: it would keep new readers out for nobody.
      let left: number;
      for (let w = sys.load(words, WRITERS); ; ) {
        // Not counted any more: evicted (a new epoch), or — should the epoch ever come round to
        // ours again — a count of 0, which must not go below it.
        if (w >>> COUNT_BITS !== epoch || (w & COUNT_MASK) === 0) {
          left = w & COUNT_MASK;
          break;
        }
        const seen = sys.cas(words, WRITERS, w, w - 1);
        if (seen === w) {
          left = (w & COUNT_MASK) - 1;
          break;
        }
        w = seen;
      }
      // No longer a waiting writer: our slot must not stay in ROLL, where it could outlive its
      // thread and, with one (live) writer counted, get that writer evicted at once. (Putting
      // back the slot our answer covered, when that thread was dead, let readers in at once
      // after a dead writer; three reviews found live writers evicted that way, through
      // threads that had left and exited later. Not done.)
      sys.cas(words, ROLL, slot, 0);
      if (!locked) {
        if (left === 0) this.dropWriterFlag();
        else this.handOnIfUnlocked();
      }
    }
  }

  /** A waiting writer says it is there (before each park, so at least once a liveness slice). */
  private answer(slot: number): void {
    sys.store(this.words, ROLL_AT, Date.now() % ROLL_CLOCK);
    sys.store(this.words, ROLL, slot);
  }

  /**
   * Lets readers in past writers that are dead: a thread terminated while it waited in `write`
   * never leaves WRITERS, and its WRITERS_WAITING would keep new readers out (and keep every
   * later writer that gives up from being the last) for good. Called by readers that find
   * themselves kept out by waiting writers while nobody holds the write lock, and by `tryRead`.
   *
   * Writers cannot be listed in a fixed-size lock, so it goes by their answers: every waiting
   * writer answers (its slot in ROLL, the time in ROLL_AT) before each park. If the one writer
   * counted is the last to have answered and its thread is dead, or if no writer has answered for
   * ROLL_MS, the counted writers are dead: WRITERS goes to zero in a new epoch and WRITERS_WAITING
   * is cleared. Readers only read the answers. A live writer taken for dead (it did not run for
   * that long) only loses its preference: at its next park it answers, sees the new epoch, is
   * counted again and sets WRITERS_WAITING again. Returns whether it cleared WRITERS_WAITING.
   *
   * The same goes for a writer *woken* to take the lock (an unlock that found writers and readers
   * waiting clears WRITERS_WAITING, leaves READERS_WAITING and wakes one writer): if it died before
   * it took the lock, the lock stays free with readers flagged and nobody to hand it on. Readers
   * that find it so, with counted writers that pass for dead by the rule above (or with none
   * counted), clear READERS_WAITING and wake the readers. Returns true then too.
   */
  private evictDeadWriters(): boolean {
    const words = this.words;
    const s = sys.load(words, STATE);
    const keptOut = hasWritersWaiting(s) && !isWriteLocked(s);
    const handedToNobody = s === READERS_WAITING;
    if (!keptOut && !handedToNobody) return false;
    const w = sys.load(words, WRITERS);
    if (keptOut || (w & COUNT_MASK) !== 0) {
      const roll = sys.load(words, ROLL);
      const soleAndDead = (w & COUNT_MASK) === 1 && roll > 0 && !isAlive(roll);
      if (!soleAndDead && ((Date.now() - sys.load(words, ROLL_AT)) & (ROLL_CLOCK - 1)) < ROLL_MS) return false;
      if ((w & COUNT_MASK) !== 0) {
        const next = (((w >>> COUNT_BITS) + 1) & EPOCH_MASK) << COUNT_BITS;
        if (sys.cas(words, WRITERS, w, next) !== w) return false;
      }
    }
    if (keptOut) return this.dropWriterFlag();
    if (sys.cas(words, STATE, READERS_WAITING, 0) !== READERS_WAITING) return false;
    sys.notifyAll(words, STATE);
    return true;
  }

  /** No writer waits any more: clear WRITERS_WAITING (and wake readers parked behind it). Returns whether it did. */
  private dropWriterFlag(): boolean {
    for (let s = sys.load(this.words, STATE); ; ) {
      if (!hasWritersWaiting(s) || isWriteLocked(s)) {
        this.handOnIfUnlocked(); // a writer's unlock hands on
        return false;
      }
      const seen = sys.cas(this.words, STATE, s, s & ~(WRITERS_WAITING | READERS_WAITING));
      if (seen === s) {
        if (hasReadersWaiting(s)) sys.notifyAll(this.words, STATE);
        return true;
      }
      s = seen;
    }
  }

  /** If the lock is free with waiters flagged, nobody else will hand it on: do it ourselves. */
  private handOnIfUnlocked(): void {
    const now = sys.load(this.words, STATE);
    if (isUnlocked(now) && (hasReadersWaiting(now) || hasWritersWaiting(now))) this.wakeWriterOrReaders(now);
  }

  private spinWrite(): number {
    let s = sys.load(this.words, STATE);
    for (let i = 0; i < sys.SPIN_LIMIT && !isUnlocked(s) && !hasWritersWaiting(s); i++) s = sys.load(this.words, STATE);
    return s;
  }

  /** Hands out the guard made for the write lock now held; inside a PoisonError if poisoned. */
  private writeGuard(g: RwLockWriteGuard<T>): RwLockWriteGuard<T> {
    // A plain read (see PLAIN): the CAS that took the lock orders it after an earlier holder's
    // POISON store. (The owner is in STATE already: the CAS wrote it.)
    if (this.words[POISON] !== 0) throw new PoisonError("RwLock", g);
    return g;
  }

  /** @internal */
  writeUnlock(poison: boolean): void {
    const held = sys.load(this.words, STATE);
    if (!isWriteLocked(held) || writerOf(held) !== currentSlot()) {
      throw new LockError(`RwLock write unlock: the write lock is not held by this thread`);
    }
    if (poison) sys.store(this.words, POISON, 1);
    const s = sys.sub(this.words, STATE, mine()) - mine();
    if (hasReadersWaiting(s) || hasWritersWaiting(s)) this.wakeWriterOrReaders(s);
  }

  /** Write-locked (`s`): deadlock if the writer is us (blocking), recover if the writer is dead. */
  private checkWriter(s: number, sync: boolean, what: string): void {
    if (writerOf(s) === currentSlot()) {
      if (sync) throw new DeadlockError(`${what}: this thread holds the write lock; waiting would never end`);
      return;
    }
    this.recoverDeadWriter();
  }

  /**
   * If the write holder is dead: poison and release on its behalf. Returns whether it did.
   * Exactly one thread takes the lock over from the dead holder (a CAS of STATE that puts its own
   * slot in the holder's place), poisons it, then unlocks it as its own: should that thread die
   * in between, it is the dead holder the next one recovers from.
   */
  private recoverDeadWriter(): boolean {
    for (let s = sys.load(this.words, STATE); isWriteLocked(s); ) {
      if (isAlive(writerOf(s))) return false;
      const seen = sys.cas(this.words, STATE, s, (s & ~MASK) | mine());
      if (seen !== s) {
        s = seen; // flags changed, or another thread took it over first
        continue;
      }
      sys.store(this.words, POISON, 1);
      const after = sys.sub(this.words, STATE, mine()) - mine();
      if (hasReadersWaiting(after) || hasWritersWaiting(after)) this.wakeWriterOrReaders(after);
      return true;
    }
    return false;
  }

  /** Hand an unlocked lock on: one writer if any waits, else all readers (Rust's wake_writer_or_readers). */
  private wakeWriterOrReaders(s: number): void {
    if (s === WRITERS_WAITING) {
      const seen = sys.cas(this.words, STATE, s, 0);
      if (seen === s) {
        this.wakeWriter();
        return;
      }
      s = seen; // readers may have started waiting too
    }
    if (s === (READERS_WAITING | WRITERS_WAITING)) {
      // Leave the readers waiting and wake one writer; if no writer was actually parked, the
      // readers go instead (we cannot know whether the notify reached a writer that will lock).
      if (sys.cas(this.words, STATE, s, READERS_WAITING) !== s) return; // locked meanwhile: its unlock hands on
      if (this.wakeWriter()) return;
      s = READERS_WAITING;
    }
    if (s === READERS_WAITING && sys.cas(this.words, STATE, s, 0) === s) sys.notifyAll(this.words, STATE);
  }

  private wakeWriter(): boolean {
    sys.add(this.words, WRITER_NOTIFY, 1);
    return sys.notify(this.words, WRITER_NOTIFY, 1) > 0;
  }

  /** @internal */
  [SHARE](encode: (v: unknown) => unknown): PrimitiveWire {
    return { kind: "RwLock", buffer: this.buffer, byteOffset: this.byteOffset, extra: encode(this.data) };
  }
}

registerKind("RwLock", (w, decode) => RwLock.at(w.buffer, w.byteOffset, decode(w.extra)));

function unpoisoned<G extends { unlock(): void }>(take: () => G): G {
  try {
    return take();
  } catch (e) {
    if (e instanceof PoisonError) (e.guard as G).unlock();
    throw e;
  }
}

/** A shared read lock on an `RwLock`. */
export class RwLockReadGuard<T> implements Disposable {
  #lock: RwLock<T> | null;
  /** @internal */
  constructor(lock: RwLock<T>) {
    this.#lock = lock;
  }
  /** The guarded value (read it; writes under a read lock are your own race). */
  get value(): T {
    if (this.#lock === null) throw new LockError("RwLockReadGuard.value: the guard was already unlocked");
    return this.#lock.data;
  }
  /** Releases the read lock. Throws `LockError` if already released. */
  unlock(): void {
    const l = this.#lock;
    if (l === null) throw new LockError("RwLockReadGuard.unlock: the guard was already unlocked");
    this.#lock = null;
    l.readUnlock();
  }
  [Symbol.dispose](): void {
    if (this.#lock !== null) this.unlock();
  }
}

/** The exclusive write lock on an `RwLock`. */
export class RwLockWriteGuard<T> implements Disposable {
  #lock: RwLock<T> | null;
  /** @internal */
  constructor(lock: RwLock<T>) {
    this.#lock = lock;
  }
  /** The guarded value. */
  get value(): T {
    if (this.#lock === null) throw new LockError("RwLockWriteGuard.value: the guard was already unlocked");
    return this.#lock.data;
  }
  /** Releases the write lock. Throws `LockError` if already released. */
  unlock(): void {
    const l = this.#lock;
    if (l === null) throw new LockError("RwLockWriteGuard.unlock: the guard was already unlocked");
    this.#lock = null;
    l.writeUnlock(false);
  }
  [Symbol.dispose](): void {
    if (this.#lock !== null) this.unlock();
  }
}
