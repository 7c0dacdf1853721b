import { Mutex } from "../../dist/index.js";
/** Increments the guarded counter `n` times with a non-atomic read-modify-write under the lock. */
export default function increment(mutex, n) {
  for (let i = 0; i < n; i++) {
    const g = mutex.lock();
    const v = g.value;
    v[0] = v[0] + 1;
    g.unlock();
  }
  return n;
}
