/**
 * Mutex<T>: a futex mutex over one shared word, after Rust std's `sys/sync/mutex/futex.rs`.
 *
 * Word layout (Int32, from byteOffset):
 *   [0] TAG    TypeTag.Mutex (0 in fresh memory, claimed on first placement). Every primitive keeps
 *              its tag in word 0, so placing one kind over another is always caught.
 *   [1] STATE  owner slot << 3 | POISONED (4) | CONTENDED (2) | LOCKED (1)
 *              0 = unlocked and not poisoned. CONTENDED means "a thread may be parked: wake one
 *              on unlock". The owner is packed into the same word so that the uncontended path is
 *              one CAS to lock and one CAS to unlock, and a dead owner can still be found.
 * All-zero is a valid unlocked mutex.
 */
import * as sys from "../sys/index.js";
import type { Shareable } from "../types.js";
import { claimTag, describeValue, placeWords, sharedBuffer } from "../memory/layout.js";
import { currentSlot, isAlive } from "../thread/registry.js";
import { DeadlockError, LockError, PoisonError, TimeoutError, asCalled } from "../errors.js";
import { SHARE, findUnshareable, registerKind, type PrimitiveWire, type SharedPrimitive } from "../share/index.js";
import { checkCallback, deadlineOf, expired, type Deadline, type WaitOptions } from "./options.js";

const TAG = 0, STATE = 1;
const LOCKED = 1, CONTENDED = 2, POISONED = 4, OWNER_SHIFT = 3;

const isLocked = (s: number) => (s & LOCKED) !== 0;
const isContended = (s: number) => (s & CONTENDED) !== 0;
const isPoisoned = (s: number) => (s & POISONED) !== 0;
const ownerOf = (s: number) => s >>> OWNER_SHIFT;

/** Results of one acquisition step (a state word ≥ 0 means "park on this value"). */
const ACQUIRED = -1, ACQUIRED_POISONED = -2;

// This thread's "locked by me" word, cached: slot << 3 | LOCKED.
let lockedByMe = 0;
const me = (): number => (lockedByMe !== 0 ? lockedByMe : (lockedByMe = (currentSlot() << OWNER_SHIFT) | LOCKED));

let placing: Int32Array | null = null;

/**
 * A mutual-exclusion lock guarding a value that lives in shared memory (a typed array over a
 * `SharedArrayBuffer`, a weft primitive, or an array / plain object of those).
 *
 * `lock()` blocks, `tryLock()` never waits, `lockAsync()` never blocks the event loop. Locking it
 * again on the thread that holds it throws `DeadlockError` (async locks on the same thread queue
 * instead: the holder can still run). If a `withLock` callback throws, or the holding thread dies,
 * the mutex becomes poisoned: the next lock throws `PoisonError`, whose `guard` holds the lock.
 *
 * ```ts
 * const counter = new Mutex(new Int32Array(new SharedArrayBuffer(4)));
 * { using g = counter.lock(); g.value[0]++; }
 * ```
 */
export class Mutex<T = void> implements SharedPrimitive {
  /** Bytes a Mutex occupies in a buffer (see `Mutex.at`). */
  static readonly BYTE_LENGTH = 8;

  /** The buffer holding the lock word. */
  readonly buffer: SharedArrayBuffer;
  /** Where in `buffer` the lock lives. */
  readonly byteOffset: number;
  /** @internal */
  readonly words: Int32Array;
  /** @internal */
  readonly data: T;

  /**
   * Creates a mutex in its own new shared buffer, guarding `value`.
   * `value` must be `Shareable` — the compiler rejects, say, a typed array over an `ArrayBuffer`.
   * @throws TypeError if `value` is not shared memory (it would be copied, not shared).
   */
  constructor(value?: T & Shareable<T>) {
    checkGuarded("Mutex", value);
    const words = placing ?? placeWords("Mutex", sharedBuffer(Mutex.BYTE_LENGTH), 0, Mutex.BYTE_LENGTH);
    if (placing === null) claimTag("Mutex", words, TAG, 0);
    this.words = words;
    this.buffer = words.buffer as SharedArrayBuffer;
    this.byteOffset = words.byteOffset;
    this.data = value as T;
  }

  /**
   * Places a mutex at `byteOffset` of `buffer` (4-byte aligned, `BYTE_LENGTH` bytes). Zeroed
   * memory is an unlocked mutex; memory already holding a mutex is attached to as it is.
   * @throws TypeError for a non-shared buffer or memory holding another primitive; RangeError for a bad offset.
   */
  static at<T = void>(buffer: SharedArrayBuffer, byteOffset: number, value?: T & Shareable<T>): Mutex<T> {
    const words = placeWords("Mutex", buffer, byteOffset, Mutex.BYTE_LENGTH);
    checkGuarded("Mutex", value); // before the tag: a failed placement leaves the memory as it was
    claimTag("Mutex", words, TAG, byteOffset);
    placing = words;
    try {
      return new Mutex<T>(value);
    } finally {
      placing = null;
    }
  }

  /** Whether the mutex is poisoned (a holder threw in `withLock` or died holding it). */
  get isPoisoned(): boolean {
    return isPoisoned(sys.load(this.words, STATE));
  }

  /** Whether some thread holds the lock right now (a snapshot). */
  get isLocked(): boolean {
    return isLocked(sys.load(this.words, STATE));
  }

  /** Clears the poison flag, like Rust's `Mutex::clear_poison`. */
  clearPoison(): void {
    sys.and(this.words, STATE, ~POISONED);
  }

  /**
   * Blocks until the lock is acquired and returns its guard.
   * @throws DeadlockError if this thread already holds it; TimeoutError; `signal.reason` on abort;
   *   PoisonError (holding the lock: `err.guard`) if poisoned.
   */
  lock(opts?: WaitOptions): MutexGuard<T> {
    // The guard is made before the lock is taken, here and below: the allocation, and the
    // garbage collection it now and then starts, then lengthen no critical section that other
    // threads wait on. With the guard made after the CAS, 2 threads × 1M lock / increment / unlock
    // took 1.4× as long (bench/micro/mutex-ab.mjs, 9 interleaved rounds, twice: 0.72× each time).
    const g = new MutexGuard(this);
    if (opts === undefined) {
      const m = me();
      if (sys.cas(this.words, STATE, 0, m) === 0) return g;
      return this.handOut(g, this.lockContended(m, NO_WAIT_OPTS, "Mutex.lock"));
    }
    return this.handOut(g, this.acquireSync(deadlineOf("Mutex.lock", opts), "Mutex.lock"));
  }

  /**
   * Acquires the lock if it is free, without waiting.
   * @returns the guard, or `null` if another holder has it.
   * @throws PoisonError (holding the lock) if poisoned.
   */
  tryLock(): MutexGuard<T> | null {
    const m = me();
    const g = new MutexGuard(this);
    const s = sys.cas(this.words, STATE, 0, m);
    if (s === 0) return g;
    const r = this.step(m, false, false, false, s);
    return r < 0 ? this.handOut(g, r === ACQUIRED_POISONED) : null;
  }

  /** Like `lock`, but waits without blocking the event loop. */
  lockAsync(opts?: WaitOptions): Promise<MutexGuard<T>> {
    const g = new MutexGuard(this);
    // A free lock: taken now, in an already-resolved promise (no async function's awaits).
    if (opts === undefined && sys.cas(this.words, STATE, 0, me()) === 0) return Promise.resolve(g);
    return this.lockAsyncSlow(g, opts);
  }

  private async lockAsyncSlow(g: MutexGuard<T>, opts: WaitOptions | undefined): Promise<MutexGuard<T>> {
    return this.handOut(g, await this.acquireAsync(deadlineOf("Mutex.lockAsync", opts), "Mutex.lockAsync"));
  }

  /**
   * Runs `fn` with the guarded value (and the guard, for `Condvar.wait`) while holding the lock,
   * then unlocks. If `fn` throws, the
   * mutex is poisoned and the error propagates. If the mutex is already poisoned this throws
   * `PoisonError` after unlocking again (recover with `clearPoison()`, or `lock()` to get the guard).
   */
  withLock<R>(fn: (value: T, guard: MutexGuard<T>) => R, opts?: WaitOptions): R {
    checkCallback("Mutex.withLock", fn);
    let guard: MutexGuard<T>;
    try {
      guard = this.lock(opts);
    } catch (e) {
      if (e instanceof PoisonError) (e.guard as MutexGuard<T>).unlock();
      throw asCalled(e, "Mutex.withLock", "Mutex.withLockAsync");
    }
    let ok = false;
    try {
      const result = fn(guard.value, guard);
      ok = true;
      return result;
    } finally {
      releaseGuard(guard, !ok);
    }
  }

  /** Async twin of `withLock`: awaits `fn`'s result before unlocking; a rejection poisons. */
  async withLockAsync<R>(fn: (value: T, guard: MutexGuard<T>) => R | Promise<R>, opts?: WaitOptions): Promise<R> {
    checkCallback("Mutex.withLockAsync", fn);
    let guard: MutexGuard<T>;
    try {
      guard = await this.lockAsync(opts);
    } catch (e) {
      if (e instanceof PoisonError) (e.guard as MutexGuard<T>).unlock();
      throw e;
    }
    let ok = false;
    try {
      const result = await fn(guard.value, guard);
      ok = true;
      return result;
    } finally {
      releaseGuard(guard, !ok);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Internals shared with Condvar.

  /** @internal Blocking acquisition; returns whether the lock was poisoned. */
  acquireSync(d: Deadline, what: string): boolean {
    const m = me();
    if (sys.cas(this.words, STATE, 0, m) === 0) return false;
    return this.lockContended(m, d, what);
  }

  /** @internal Async acquisition; returns whether the lock was poisoned. */
  async acquireAsync(d: Deadline, what: string): Promise<boolean> {
    const m = me();
    let s = sys.cas(this.words, STATE, 0, m);
    if (s === 0) return false;
    let waited = false;
    for (;; s = sys.load(this.words, STATE)) {
      const r = this.step(m, waited, true, false, s);
      if (r < 0) return r === ACQUIRED_POISONED;
      if (expired(d)) throw new TimeoutError(what, d.timeout);
      const res = await sys.waitAsync(this.words, STATE, r, sys.sliceOf(d.at, sys.LIVENESS_SLICE_MS), d.signal);
      if (res === "aborted") throw d.signal!.reason;
      waited = true;
    }
  }

  /** @internal Unlocks; with `poison`, marks the mutex poisoned first. */
  release(poison: boolean): void {
    const m = me();
    // Fast path: held by us, nobody parked, not poisoned — one CAS back to 0.
    // Otherwise the failed CAS's result is the state the slow path starts from (a load fewer on
    // every contended unlock).
    const s = poison ? sys.load(this.words, STATE) : sys.cas(this.words, STATE, m, 0);
    if (s !== m || poison) this.releaseSlow(m, poison, s);
  }

  private releaseSlow(m: number, poison: boolean, seen: number): void {
    for (let s = seen; ; ) {
      if (!isLocked(s) || ownerOf(s) !== ownerOf(m)) {
        throw new LockError(
          isLocked(s)
            ? `Mutex unlock: the lock is held by thread slot ${ownerOf(s)}, not by this thread (slot ${ownerOf(m)})`
            : "Mutex unlock: the mutex is not locked",
        );
      }
      const next = (s & POISONED) | (poison ? POISONED : 0);
      const got = sys.cas(this.words, STATE, s, next);
      if (got === s) {
        // Wake one parked thread only if someone said it might be parked.
        if (isContended(s)) sys.notify(this.words, STATE, 1);
        return;
      }
      s = got;
    }
  }

  private lockContended(m: number, d: Deadline, what: string): boolean {
    let waited = false;
    let s = this.spin();
    for (;;) {
      const r = this.step(m, waited, true, true, s);
      if (r < 0) return r === ACQUIRED_POISONED;
      if (expired(d)) throw new TimeoutError(what, d.timeout);
      d.signal?.throwIfAborted();
      sys.assertCanBlock(what, `${what}Async`);
      // Park on the exact value we saw with CONTENDED set: if the holder unlocks between our
      // check and the wait, the word differs and wait() returns at once (no lost wake-up).
      // Parks are sliced so a dead owner is noticed on the next step.
      sys.wait(this.words, STATE, r, sys.sliceOf(d.at, sys.LIVENESS_SLICE_MS));
      waited = true;
      s = this.spin();
    }
  }

  /**
   * Spin while the lock is held by a running thread and nobody is parked (Rust's `spin`); returns
   * the state last seen, which the next `step` starts from (a load fewer between seeing the lock
   * free and the CAS that takes it).
   */
  private spin(): number {
    let s = sys.load(this.words, STATE);
    for (let i = 1; i < sys.SPIN_LIMIT && isLocked(s) && !isContended(s); i++) s = sys.load(this.words, STATE);
    return s;
  }

  /**
   * One attempt to acquire. Returns ACQUIRED / ACQUIRED_POISONED, or the state word to park on
   * (with CONTENDED set when `park`). `waited`: we have parked before, so others may be parked
   * too — keep CONTENDED on when we take the lock, so our unlock wakes the next one. `s`: the
   * state word as last seen (a failed CAS's result, or a load).
   */
  private step(m: number, waited: boolean, park: boolean, deadlockCheck: boolean, s: number): number {
    for (;;) {
      if (!isLocked(s)) {
        const next = m | (s & POISONED) | (waited ? CONTENDED : 0);
        const got = sys.cas(this.words, STATE, s, next);
        if (got === s) return isPoisoned(s) ? ACQUIRED_POISONED : ACQUIRED;
        s = got;
        continue;
      }
      const owner = ownerOf(s);
      if (owner === ownerOf(m)) {
        if (deadlockCheck) {
          throw new DeadlockError(
            "Mutex.lock: this thread already holds the lock; waiting would never end (use lockAsync to queue behind an async holder)",
          );
        }
      } else if (!isAlive(owner)) {
        // The owner died holding the lock: take it over, poisoned, keeping CONTENDED so the
        // other waiters are woken in turn.
        const got = sys.cas(this.words, STATE, s, m | POISONED | (s & CONTENDED));
        if (got === s) return ACQUIRED_POISONED;
        s = got;
        continue;
      }
      if (!park || isContended(s)) return s;
      const got = sys.cas(this.words, STATE, s, s | CONTENDED);
      if (got === s) return s | CONTENDED;
      s = got;
    }
  }

  /** The guard made for an acquisition that succeeded; thrown inside a PoisonError if poisoned. */
  private handOut(guard: MutexGuard<T>, poisoned: boolean): MutexGuard<T> {
    if (poisoned) throw new PoisonError("Mutex", guard);
    return guard;
  }

  /** @internal */
  [SHARE](encode: (v: unknown) => unknown): PrimitiveWire {
    return { kind: "Mutex", buffer: this.buffer, byteOffset: this.byteOffset, extra: encode(this.data) };
  }
}

/** Throws TypeError unless `value` is shared memory (or undefined: a Mutex<void>). */
export function checkGuarded(kind: string, value: unknown): void {
  if (value === undefined) return;
  const bad = findUnshareable(value);
  if (bad !== null) {
    throw new TypeError(
      `${kind}: ${bad}. A ${kind} guards shared memory: a typed array over a SharedArrayBuffer, ` +
        `a weft primitive, or an array/plain object of those`,
    );
  }
}

const NO_WAIT_OPTS: Deadline = { at: Infinity, timeout: Infinity, signal: undefined };

registerKind("Mutex", (w, decode) => Mutex.at(w.buffer, w.byteOffset, decode(w.extra)));


/** @internal Unlocks a guard if held, optionally poisoning. */
export let releaseGuard: <T>(g: MutexGuard<T>, poison: boolean) => void;
/** @internal Takes the mutex out of a held guard (Condvar.wait). */
export let detachGuard: <T>(g: MutexGuard<T>) => Mutex<T>;
/** @internal Puts it back once the lock is re-acquired. */
export let reattachGuard: <T>(g: MutexGuard<T>, m: Mutex<T>) => void;

/**
 * Guards `[DETACH]` took the mutex out of (Condvar waits in progress): the only ones `[REATTACH]`
 * accepts. Kept outside the guard: a second private field, even a boolean, made every lock ~5 ns
 * dearer (`m.lock().unlock()` 26.7 → 31.4 ns), and Condvar's wait is the rare path.
 */
const detached = new WeakSet<object>();
const RELEASE: unique symbol = Symbol("weft.release");
const DETACH: unique symbol = Symbol("weft.detach");
const REATTACH: unique symbol = Symbol("weft.reattach");

/**
 * Proof that the lock is held: `.value` is the guarded value. Release with `unlock()` or let
 * `using` do it (`[Symbol.dispose]`). Unlocking twice throws `LockError`.
 */
export class MutexGuard<T> implements Disposable {
  #mutex: Mutex<T> | null;

  /** @internal */
  constructor(mutex: Mutex<T>) {
    this.#mutex = mutex;
  }

  /** The guarded value. Throws `LockError` once the guard is unlocked. */
  get value(): T {
    const m = this.#mutex;
    if (m === null) throw new LockError("MutexGuard.value: the guard was already unlocked");
    return m.data;
  }

  /** Whether this guard still holds the lock. */
  get isHeld(): boolean {
    return this.#mutex !== null;
  }

  /** Releases the lock. Throws `LockError` if already released. */
  unlock(): void {
    const m = this.#mutex;
    if (m === null) throw new LockError("MutexGuard.unlock: the guard was already unlocked");
    this.#mutex = null;
    m.release(false);
  }

  /** Releases the lock unless already released (for `using`). */
  [Symbol.dispose](): void {
    if (this.#mutex !== null) this.unlock();
  }

  // Module code reaches `#mutex` through these symbol-keyed methods, not through helpers set up
  // in a `static {}` block: a class with a static block or static members makes each `new
  // MutexGuard` look its field initializer up through an inline cache instead of a constant,
  // 3–4 ns on every lock (`m.lock().unlock()` 30.7 → 27.1 ns; the futex baseline takes 21 ns).

  /** @internal Unlocks if held, optionally poisoning. */
  [RELEASE](poison: boolean): void {
    const m = this.#mutex;
    if (m === null) return;
    this.#mutex = null;
    m.release(poison);
  }

  /** @internal Takes the mutex out of the held guard (Condvar.wait). */
  [DETACH](): Mutex<T> {
    const m = this.#mutex;
    if (m === null) throw new LockError("Condvar.wait: the guard was already unlocked");
    this.#mutex = null;
    detached.add(this);
    return m;
  }

  /**
   * @internal Puts the mutex back once the lock is re-acquired. Only after `[DETACH]`: these
   * methods are reachable by reflection, and reattaching an unlocked guard would let it unlock
   * a lock another guard holds.
   */
  [REATTACH](m: Mutex<T>): void {
    if (!detached.delete(this)) throw new LockError("MutexGuard: only a guard Condvar.wait detached can be reattached");
    this.#mutex = m;
  }
}

releaseGuard = (g, poison) => g[RELEASE](poison);
detachGuard = (g) => {
  if (!(g instanceof MutexGuard)) {
    throw new TypeError(`Condvar.wait: expected the MutexGuard returned by mutex.lock(), got ${describeValue(g)}`);
  }
  return g[DETACH]();
};
reattachGuard = (g, m) => g[REATTACH](m);


/**
 * Internal: locks a mutex that guards a few stores at most (an allocator's lists, a table append).
 * Spins on `tryLock`; a worker parks after a while (the holder may have lost its time slice), the
 * main thread never does — its event loop must not block in `Atomics.wait`, and the wait is as
 * short as the holder's critical section. A dead holder still surfaces as `PoisonError`.
 */
export function lockBriefly<T>(m: Mutex<T>): MutexGuard<T> {
  const park = !sys.isMainThread();
  for (let i = 0; ; i++) {
    const g = m.tryLock();
    if (g !== null) return g;
    if (park && i >= sys.SPIN_LIMIT) return m.lock();
  }
}
