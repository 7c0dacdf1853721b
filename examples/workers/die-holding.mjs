/**
 * Moves 30 from account A to account B under the lock, but gets stuck half-way (A debited, B not
 * yet credited) — and is terminated there, lock held. No `finally` runs in a terminated worker.
 */
export default function dieHolding(accounts, holding) {
  const g = accounts.lock();
  g.value[0] -= 30; // debit A…
  holding.store(true);
  holding.notify();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // …and hang before crediting B
  g.value[1] += 30;
  g.unlock();
}
