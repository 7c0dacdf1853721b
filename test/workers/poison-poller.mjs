import { nap } from "./_util.mjs";
/**
 * Polls `tryLock()` (releasing ordinary acquisitions at once) until it reports PoisonError, i.e.
 * until it took the lock over from a holder declared dead. Then watches the guarded word [0] for
 * `watchMs`: nobody else may write it, nor the last word, while we hold the lock. Returns what it saw. Gives up
 * (`took: false`) when `stop[0]` is set.
 */
export default function poisonPoller(mutex, watchMs, maxMs, stop) {
  const end = performance.now() + maxMs;
  while (performance.now() < end && Atomics.load(stop, 0) === 0) {
    // Only try while it is held, so as not to keep taking it from the live holder.
    if (!mutex.isLocked) continue;
    let g;
    try {
      g = mutex.tryLock();
    } catch (e) {
      if (e?.name !== "PoisonError") throw e;
      const v = e.guard.value;
      const last = v.length - 1;
      const before = v[0], sectionsBefore = Atomics.load(v, 1), lastBefore = Atomics.load(v, last);
      nap(watchMs);
      const after = v[0], sectionsAfter = Atomics.load(v, 1), lastAfter = Atomics.load(v, last);
      e.guard.unlock();
      return { took: true, before, after, sectionsBefore, sectionsAfter, lastBefore, lastAfter };
    }
    if (g !== null) g.unlock();
  }
  return { took: false };
}
