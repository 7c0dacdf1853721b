/**
 * Demo consumer: takes items until the buffer is drained and closed. Records each item in `seen`
 * (so the main thread can check that every item arrived exactly once) and counts it in `counter`.
 */
import { take } from "./bounded-buffer.mjs";

export default function consumer(buf, counter, seen, id) {
  let taken = 0, sum = 0;
  for (let item = take(buf); item !== null; item = take(buf)) {
    taken++;
    sum += item;
    Atomics.add(seen, item, 1);
    counter.withLock((c) => {
      c[0] = c[0] + 1;
    });
  }
  return { id, taken, sum };
}
