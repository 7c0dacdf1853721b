/**
 * Calls `tryRead()` (and unlocks) `iters` times on a lock that only readers ever take; returns how
 * many calls returned null (none should: no writer holds or waits for the lock). The workers
 * start together: each counts itself in gate[0] and spins until all `n` are there.
 */
export default function tryReads(lock, iters, gate, n) {
  Atomics.add(gate, 0, 1);
  while (Atomics.load(gate, 0) < n);
  let nulls = 0;
  for (let i = 0; i < iters; i++) {
    const g = lock.tryRead();
    if (g === null) nulls++;
    else g.unlock();
  }
  return nulls;
}
