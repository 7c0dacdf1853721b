/**
 * Runs `jobs` jobs, each only while holding a semaphore permit. `active` counts jobs running right
 * now across all workers; `peak` keeps the highest value it ever had.
 */
import { Semaphore } from "weft";

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

export default function limitedJob(permits, active, peak, jobs) {
  if (!(permits instanceof Semaphore)) throw new TypeError("expected a Semaphore");
  for (let j = 0; j < jobs; j++) {
    permits.acquire(); // waits while all permits are taken
    try {
      const now = active.fetchAdd(1) + 1;
      // Raise `peak` to `now` unless another worker already raised it higher.
      for (let p = peak.load(); now > p; ) {
        const seen = peak.compareExchange(p, now);
        if (seen === p) break;
        p = seen;
      }
      sleep(10); // the "work": e.g. a call to a rate-limited service
      active.fetchSub(1);
    } finally {
      permits.release();
    }
  }
  return jobs;
}
