/**
 * For each Sender in `txs` in turn: announce it (flags[i] = 1), then send as fast as possible until
 * SendError (the main thread closes the receiver meanwhile) or `limit` sends. Returns the indices
 * whose sends never failed — sends "succeeding" into a channel whose last receiver is gone.
 */
import { SendError } from "../../dist/index.js";

export default function (txs, flags, limit) {
  const lost = [];
  for (let i = 0; i < txs.length; i++) {
    const tx = txs[i];
    Atomics.store(flags, i, 1);
    Atomics.notify(flags, i);
    let failed = false;
    for (let n = 0; n < limit && !failed; n++) {
      try {
        tx.send(n);
      } catch (e) {
        if (!(e instanceof SendError)) throw e;
        failed = true;
      }
    }
    if (!failed) lost.push(i);
    tx.close();
  }
  return lost;
}
