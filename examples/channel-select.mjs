/**
 * select over two channels: a "fast" worker sends ticks often, a "slow" one sends rarely; the main
 * thread serves whichever is ready until both are done (a disconnected arm completes with an error).
 * A `tick(20)` arm reports progress meanwhile, and an `after(10_000)` arm is the deadline
 * (crossbeam's `tick` / `after`, Go's `time.Tick` / `time.After`).
 *
 * Run: npm run build && node examples/channel-select.mjs
 */
import { after, channel, selectAsync, spawn, tick } from "weft";

const [fastTx, fastRx] = channel({ capacity: 16 });
const [slowTx, slowRx] = channel({ capacity: 16 });
const ticker = new URL("./workers/ch-ticker.mjs", import.meta.url);
const fast = spawn(ticker, fastTx, "fast", 50, 2);
const slow = spawn(ticker, slowTx, "slow", 5, 25);
fastTx.close();
slowTx.close();

const counts = { fast: 0, slow: 0 };
const open = [fastRx, slowRx];
const progress = tick(20);
const deadline = after(10_000);
let reports = 0;
while (open.length > 0) {
  // selectAsync never blocks the event loop: a timer on this thread keeps running meanwhile.
  const r = await selectAsync([...open, progress, deadline]);
  if (r.index === open.length) {
    reports++; // a progress tick
    continue;
  }
  if (r.index === open.length + 1) {
    console.log("FAILED: the workers did not finish within 10 s");
    process.exit(1);
  }
  if (r.error) {
    open.splice(r.index, 1); // that channel is drained and its sender gone
    continue;
  }
  counts[r.value.from]++;
}
console.log(`${reports} progress ticks while receiving`);
await Promise.all([fast.join(), slow.join()]);
console.log(`received ${counts.fast} fast and ${counts.slow} slow messages`);
if (counts.fast !== 50 || counts.slow !== 5) {
  console.log("FAILED: expected 50 fast and 5 slow");
  process.exit(1);
}
console.log("OK");
