import { work } from "./_util.mjs";
/**
 * Locks, increments the guarded word [0] with a slow non-atomic read-modify-write (about `spin`
 * steps of work between read and write), unlocks; forever, until terminated. Word [1] counts
 * sections started.
 */
export default function busyHolder(mutex, spin) {
  for (;;) {
    let g;
    try {
      g = mutex.lock();
    } catch (e) {
      if (e?.name !== "PoisonError") throw e;
      g = e.guard;
    }
    const v = g.value;
    Atomics.add(v, 1, 1);
    const x = v[0];
    work(spin);
    v[0] = x + 1;
    try {
      g.unlock();
    } catch {
      // Taken over meanwhile (we were declared dead): keep going, as a thread still running would.
    }
  }
}
