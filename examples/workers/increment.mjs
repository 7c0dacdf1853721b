/** Adds 1 to the guarded counter `n` times, each a non-atomic read-modify-write under the lock. */
export default function increment(counter, n) {
  for (let i = 0; i < n; i++) {
    const g = counter.lock(); // blocks this worker (never the main thread) until the lock is free
    g.value[0] = g.value[0] + 1;
    g.unlock();
  }
  return n;
}
