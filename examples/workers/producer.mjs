/** Demo producer: puts items `first .. first + n - 1` into the buffer, counting each in `counter`. */
import { put, producerDone } from "./bounded-buffer.mjs";

export default function producer(buf, counter, id, first, n) {
  for (let i = 0; i < n; i++) {
    put(buf, first + i);
    // A non-atomic read-modify-write: correct only because the Mutex serialises it.
    const g = counter.lock();
    g.value[0] = g.value[0] + 1;
    g.unlock();
  }
  producerDone(buf);
  return { id, sent: n };
}
