/**
 * Numbers in batches, nothing allocated per batch: a worker fills one Float64Array and sends it
 * with `sendMany` (copied into the channel run by run), the main thread receives into its own
 * Float64Array with `recvInto` — ringbuf.js's push/pop shape, but the waits park instead of
 * spinning, and the channel still has weft's disconnect, timeout and select semantics.
 *
 * Run: npm run build && node examples/channel-typed-batches.mjs
 */
import { RecvError, channel, codecs, spawn } from "weft";

const N = 1_000_000;
const [tx, rx] = channel({ capacity: 4096, codec: codecs.f64 });
const producer = spawn(new URL("./workers/ch-batches.mjs", import.meta.url), tx, N);
tx.close(); // the worker holds the only sender now: the channel disconnects when it is done

const buf = new Float64Array(1024);
let count = 0, sum = 0, batches = 0, inOrder = true;
for (;;) {
  let n;
  try {
    n = rx.recvInto(buf); // waits for at least one value, takes up to 1024 of what is there
  } catch (e) {
    if (e instanceof RecvError) break; // disconnected and drained
    throw e;
  }
  for (let i = 0; i < n; i++) {
    if (buf[i] !== count) inOrder = false;
    sum += buf[i];
    count++;
  }
  batches++;
}
await producer.join();
console.log(`received ${count} numbers in ${batches} batches, in order: ${inOrder}`);
if (count !== N || !inOrder || sum !== ((N - 1) * N) / 2) {
  console.log(`FAILED: expected 0…${N - 1} in order, sum ${((N - 1) * N) / 2}; got sum ${sum}`);
  process.exit(1);
}
console.log("OK");
