/**
 * Async iteration on the main thread: a worker produces records; the main thread consumes them
 * with `for await`, which never blocks the event loop — a timer keeps ticking the whole time.
 *
 * Run: npm run build && node examples/channel-async-main.mjs
 */
import { channel, spawn } from "weft";

const [tx, rx] = channel({ capacity: 8 });
const worker = spawn(new URL("./workers/ch-records.mjs", import.meta.url), tx, 200);
tx.close();

let ticks = 0;
const timer = setInterval(() => ticks++, 5);
let received = 0, last = -1, inOrder = true;
for await (const rec of rx) {
  received++;
  if (rec.id !== last + 1) inOrder = false;
  last = rec.id;
}
clearInterval(timer);
await worker.join();
console.log(`received ${received} records in order: ${inOrder}; the timer ticked ${ticks} times meanwhile`);
if (received !== 200 || !inOrder || ticks === 0) {
  console.log("FAILED");
  process.exit(1);
}
console.log("OK");
