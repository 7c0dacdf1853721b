/**
 * Hand-written baselines over raw `Atomics`: what a careful programmer writes without a library.
 * Each is the bare algorithm — no owner tracking, poisoning, timeouts or guards — so the ratio
 * weft ÷ baseline is the price of weft's safety features and API.
 */

// -----------------------------------------------------------------------------------------------
// 3-state futex mutex, Rust std's `sys/sync/mutex/futex.rs`: 0 unlocked, 1 locked, 2 contended.

const SPIN = 100;

/** Locks the futex mutex in word `i` of `w`. */
export function futexLock(w, i) {
  if (Atomics.compareExchange(w, i, 0, 1) !== 0) futexLockContended(w, i);
}

function futexLockContended(w, i) {
  let s = futexSpin(w, i);
  // Unlocked after spinning: try to take it without marking it contended.
  if (s === 0) {
    s = Atomics.compareExchange(w, i, 0, 1);
    if (s === 0) return;
  }
  for (;;) {
    // Take it as contended (we cannot know whether others wait), or mark it contended and sleep.
    if (s !== 2 && Atomics.exchange(w, i, 2) === 0) return;
    Atomics.wait(w, i, 2);
    s = futexSpin(w, i);
  }
}

/** Spins while locked and not contended (a contended lock has sleepers: no point spinning). */
function futexSpin(w, i) {
  let n = SPIN;
  for (;;) {
    const s = Atomics.load(w, i);
    if (s !== 1 || n === 0) return s;
    n--;
  }
}

/** Unlocks; wakes one sleeper only if the lock was marked contended. */
export function futexUnlock(w, i) {
  if (Atomics.exchange(w, i, 0) === 2) Atomics.notify(w, i, 1);
}

// -----------------------------------------------------------------------------------------------
// Condvar over a sequence counter (Rust std's futex condvar), used with the futex mutex above.

/** Unlocks mutex word `m`, sleeps on sequence word `seq`, relocks. */
export function futexCondWait(w, seq, m) {
  const seen = Atomics.load(w, seq);
  futexUnlock(w, m);
  Atomics.wait(w, seq, seen);
  futexLock(w, m);
}

/** Wakes one thread sleeping in `futexCondWait` on `seq`. */
export function futexCondNotifyOne(w, seq) {
  Atomics.add(w, seq, 1);
  Atomics.notify(w, seq, 1);
}

// -----------------------------------------------------------------------------------------------
// Reader-writer lock: word `s` = reader count, or WRITER when write-locked; word `waiters` counts
// sleepers so unlocks skip the notify when nobody sleeps. Spin a little, then sleep on `s`.
// Not fair (no writer preference): the simplest correct futex RW lock.

const WRITER = 1 << 30;

export function rwReadLock(w, s, waiters) {
  for (let n = 0; ; n++) {
    const v = Atomics.load(w, s);
    if (v < WRITER) {
      if (Atomics.compareExchange(w, s, v, v + 1) === v) return;
      continue;
    }
    if (n < SPIN) continue;
    Atomics.add(w, waiters, 1);
    Atomics.wait(w, s, v);
    Atomics.sub(w, waiters, 1);
  }
}

export function rwReadUnlock(w, s, waiters) {
  if (Atomics.sub(w, s, 1) === 1 && Atomics.load(w, waiters) !== 0) Atomics.notify(w, s);
}

export function rwWriteLock(w, s, waiters) {
  for (let n = 0; ; n++) {
    const v = Atomics.load(w, s);
    if (v === 0) {
      if (Atomics.compareExchange(w, s, 0, WRITER) === 0) return;
      continue;
    }
    if (n < SPIN) continue;
    Atomics.add(w, waiters, 1);
    Atomics.wait(w, s, v);
    Atomics.sub(w, waiters, 1);
  }
}

export function rwWriteUnlock(w, s, waiters) {
  Atomics.store(w, s, 0);
  if (Atomics.load(w, waiters) !== 0) Atomics.notify(w, s);
}

// -----------------------------------------------------------------------------------------------
// Counting semaphore: word `p` = permits; word `waiters` counts sleepers.

export function semAcquire(w, p, waiters) {
  for (;;) {
    const v = Atomics.load(w, p);
    if (v > 0) {
      if (Atomics.compareExchange(w, p, v, v - 1) === v) return;
      continue;
    }
    Atomics.add(w, waiters, 1);
    Atomics.wait(w, p, 0);
    Atomics.sub(w, waiters, 1);
  }
}

export function semRelease(w, p, waiters) {
  Atomics.add(w, p, 1);
  if (Atomics.load(w, waiters) !== 0) Atomics.notify(w, p, 1);
}

// -----------------------------------------------------------------------------------------------
// Reusable barrier: word `count` = arrivals this generation, word `gen` = generation.

export function barrierWait(w, count, gen, n) {
  const g = Atomics.load(w, gen);
  if (Atomics.add(w, count, 1) === n - 1) {
    Atomics.store(w, count, 0);
    Atomics.add(w, gen, 1);
    Atomics.notify(w, gen);
    return true;
  }
  while (Atomics.load(w, gen) === g) Atomics.wait(w, gen, g);
  return false;
}
