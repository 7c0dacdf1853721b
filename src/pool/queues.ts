/**
 * The pool's queues of task refs, in the control buffer (layout.ts):
 *
 * - the **injector**: a ring the pool's owner thread writes (one producer) and workers take from
 *   (many consumers, a CAS on INJ_HEAD each);
 * - one **Chase–Lev deque** per worker (Chase & Lev 2005; the ordering argument of Lê et al. 2013,
 *   whose fences all hold here since every `Atomics` operation is sequentially consistent): the
 *   owner pushes and pops at the bottom, thieves steal at the top with a CAS.
 *
 * Positions are Int32 counters that wrap; every comparison is on `(a - b) | 0`, correct while
 * fewer than 2³¹ entries separate them. An entry is read *before* the CAS that takes it: the CAS
 * fails if anyone took that position meanwhile, and a position is only overwritten once taken.
 */
import * as sys from "../sys/index.js";
import * as L from "./layout.js";

/** Returned by `steal` when it lost a race (the deque may still hold entries). */
export const RETRY = -2;
/** Returned when the queue is empty. */
export const EMPTY = -1;

// ------------------------------------------------------------------------------- injector

/** Owner thread: appends `ref`; false when the ring is full (the caller keeps it for later). */
export function injectPush(c: Int32Array, ref: number): boolean {
  const t = sys.load(c, L.INJ_TAIL);
  if (((t - sys.load(c, L.INJ_HEAD)) | 0) >= L.INJ_CAP) return false;
  sys.store(c, L.INJ_BASE + (t & L.INJ_MASK), ref);
  // Publish after the entry is written: a consumer that sees the new tail reads the entry.
  sys.store(c, L.INJ_TAIL, (t + 1) | 0);
  return true;
}

/** Worker: takes the oldest injected ref, or EMPTY. */
export function injectTake(c: Int32Array): number {
  for (;;) {
    const h = sys.load(c, L.INJ_HEAD);
    if (((sys.load(c, L.INJ_TAIL) - h) | 0) <= 0) return EMPTY;
    const ref = sys.load(c, L.INJ_BASE + (h & L.INJ_MASK));
    if (sys.cas(c, L.INJ_HEAD, h, (h + 1) | 0) === h) return ref;
  }
}

/** Entries waiting in the injector. */
export const injectLen = (c: Int32Array): number => Math.max(0, (sys.load(c, L.INJ_TAIL) - sys.load(c, L.INJ_HEAD)) | 0);

/** Whether any task waits in the pool whose control words are `c`: in the injector or any worker's deque. */
export function anyQueued(c: Int32Array): boolean {
  if (injectLen(c) > 0) return true;
  const threads = sys.load(c, L.THREADS);
  for (let k = 0; k < threads; k++) if (dequeLen(c, L.workerBase(k)) > 0) return true;
  return false;
}

// ---------------------------------------------------------------------------------- deque

/** Deque owner: pushes `ref` at the bottom; false when full (the owner keeps it aside). */
export function dequePush(c: Int32Array, base: number, ref: number): boolean {
  const b = sys.load(c, base + L.BOTTOM);
  if (((b - sys.load(c, base + L.TOP)) | 0) >= L.DEQUE_CAP) return false;
  sys.store(c, base + L.DEQUE_BASE + (b & L.DEQUE_MASK), ref);
  sys.store(c, base + L.BOTTOM, (b + 1) | 0);
  return true;
}

/** Deque owner: pops the newest ref (LIFO, like rayon's local queue), or EMPTY. */
export function dequePop(c: Int32Array, base: number): number {
  const b = (sys.load(c, base + L.BOTTOM) - 1) | 0;
  // Claim the bottom entry before looking at TOP: a thief that read the old bottom may still take
  // it, which the CAS below settles when only one entry is left.
  sys.store(c, base + L.BOTTOM, b);
  const t = sys.load(c, base + L.TOP);
  const size = (b - t) | 0;
  if (size < 0) {
    sys.store(c, base + L.BOTTOM, t);
    return EMPTY;
  }
  const ref = sys.load(c, base + L.DEQUE_BASE + (b & L.DEQUE_MASK));
  if (size > 0) return ref;
  // The last entry: race the thieves for it on TOP.
  const won = sys.cas(c, base + L.TOP, t, (t + 1) | 0) === t;
  sys.store(c, base + L.BOTTOM, (t + 1) | 0);
  return won ? ref : EMPTY;
}

/** Thief: takes the oldest ref of another deque, EMPTY, or RETRY after losing a race. */
export function dequeSteal(c: Int32Array, base: number): number {
  const t = sys.load(c, base + L.TOP);
  const b = sys.load(c, base + L.BOTTOM);
  if (((b - t) | 0) <= 0) return EMPTY;
  const ref = sys.load(c, base + L.DEQUE_BASE + (t & L.DEQUE_MASK));
  return sys.cas(c, base + L.TOP, t, (t + 1) | 0) === t ? ref : RETRY;
}

/** Entries in a deque now. */
export const dequeLen = (c: Int32Array, base: number): number =>
  Math.max(0, (sys.load(c, base + L.BOTTOM) - sys.load(c, base + L.TOP)) | 0);
