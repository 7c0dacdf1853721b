/**
 * Task functions for the pool examples. A pool runs exports of a module by name; module scope is
 * per worker, so `cache` below is one Map per worker thread (thread-local, like Rust's thread_local!).
 */
import { threadLocal } from "weft";

/** Recursion `depth` frames deep (needs a big stack): the sum 1 + 2 + … + depth. */
export function deepSum(depth) {
  const go = (n) => (n === 0 ? 0 : n + go(n - 1));
  return go(depth);
}

/** Per worker: primes found so far, made on first use in each worker. */
const cache = threadLocal(() => new Map());

/** Counts the primes below `limit` by trial division (CPU-bound on purpose), memoised per worker. */
export function countPrimes(limit) {
  const memo = cache.get();
  if (memo.has(limit)) return memo.get(limit);
  let count = 0;
  for (let n = 2; n < limit; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  memo.set(limit, count);
  return count;
}
