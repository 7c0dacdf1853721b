/**
 * Every worker needs a lookup table that is expensive to build. Whichever worker gets there first
 * builds it inside `once.callOnce`; the others wait for it to finish, then use the same table.
 */
import { threadSlot } from "weft";

export default function useTable(once, table, builds, builtBy, id) {
  once.callOnce(() => {
    // Runs on exactly one thread, however many call callOnce at the same time.
    builds.fetchAdd(1);
    builtBy.store(id);
    for (let i = 0; i < table.length; i++) table[i] = Math.round(1000 * Math.sin(i / 100));
  });
  // callOnce has returned, so the table is complete here, in every worker.
  let sum = 0;
  for (let i = 0; i < table.length; i++) sum += table[i];
  return { id, slot: threadSlot(), sum };
}
