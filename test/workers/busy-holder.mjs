import { work } from "./_util.mjs";
/**
 * Locks, runs a section on the guarded Int32Array, unlocks; forever, until terminated.
 * - `spin` a number: word [1] counts sections started; word [0] gets a slow non-atomic
 *   read-modify-write increment (about `spin` steps of work between read and write).
 * - `spin` = "fill": word [0] counts sections; words [1..] are filled with the section's number in
 *   one `TypedArray.prototype.fill` (native code, no interrupt check until it is done, so a
 *   `terminate()` that lands in it lets it finish).
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
    if (spin === "fill") {
      v.fill(Atomics.add(v, 0, 1) + 1, 1);
    } else {
      Atomics.add(v, 1, 1);
      const x = v[0];
      work(spin);
      v[0] = x + 1;
    }
    try {
      g.unlock();
    } catch {
      // Taken over meanwhile (we were declared dead): keep going, as a thread still running would.
    }
  }
}
