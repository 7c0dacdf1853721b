// A Web Worker: it may block, so it uses weft's blocking calls (lock, send).
import { revive } from "/dist/index.js";

onmessage = ({ data }) => {
  const { id, counter, tx, n } = revive(data);
  for (let i = 0; i < n; i++) {
    const g = counter.lock(); // waits while the other worker (or the page) holds it
    g.value[0]++;
    g.unlock();
    tx.send(i); // waits while the channel is full
  }
  tx.close();
  console.log(`worker ${id} sent ${n} numbers`);
};
