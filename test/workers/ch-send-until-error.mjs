/**
 * For each Sender in `txs` in turn: announce it (flags[i] = 1), then send as fast as possible
 * until SendError, while the main thread closes the only receiver and then confirms it
 * (flags[i] = 2). A send that *starts* after the confirmation must fail; returns the indices
 * where such sends still "succeeded" — sends into a channel whose last receiver is gone.
 */
import { SendError } from "../../dist/index.js";

const nap = new Int32Array(new SharedArrayBuffer(4));

export default function (txs, flags) {
  const lost = [];
  for (let i = 0; i < txs.length; i++) {
    const tx = txs[i];
    Atomics.store(flags, i, 1);
    Atomics.notify(flags, i);
    let afterClose = 0;
    for (let n = 0; ; n++) {
      const closed = Atomics.load(flags, i) === 2;
      try {
        tx.send(n);
      } catch (e) {
        if (!(e instanceof SendError)) throw e;
        break;
      }
      if (closed && ++afterClose === 3) {
        lost.push(i);
        break;
      }
      // Keep racing the close, but keep the backlog bounded: on a loaded host the main thread
      // could be off its core for seconds while this floods the channel, and close() then drops
      // tens of millions of messages (the test process was killed by the 30 s watchdog, blocked
      // in close()). Still sending, still crossing block boundaries, while the close lands.
      if ((n & 1023) === 0 && tx.len > 100_000) Atomics.wait(nap, 0, 0, 0.05);
    }
    tx.close();
    // Let the channel's memory go: a sender flooding an unbounded channel grows its arena (tens
    // of MB when the main thread is slow), and holding all 1 000 of them took the test process
    // to gigabytes on a loaded host.
    txs[i] = null;
  }
  return lost;
}
