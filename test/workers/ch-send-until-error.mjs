/**
 * For each Sender in `txs` in turn: announce it (flags[i] = 1), then send as fast as possible
 * until SendError, while the main thread closes the only receiver and then confirms it
 * (flags[i] = 2). A send that *starts* after the confirmation must fail; returns the indices
 * where such sends still "succeeded" — sends into a channel whose last receiver is gone.
 */
import { SendError } from "../../dist/index.js";

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
    }
    tx.close();
    // Let the channel's memory go: a sender flooding an unbounded channel grows its arena (tens
    // of MB when the main thread is slow), and holding all 1 000 of them took the test process
    // to gigabytes on a loaded host.
    txs[i] = null;
  }
  return lost;
}
