/**
 * Calls `tryRead()` `iters` times on a lock that only readers ever take; returns how many calls
 * returned null (none should: no writer holds or waits for the lock).
 */
export default function tryReads(lock, iters) {
  let nulls = 0;
  for (let i = 0; i < iters; i++) {
    const g = lock.tryRead();
    if (g === null) nulls++;
    else g.unlock();
  }
  return nulls;
}
