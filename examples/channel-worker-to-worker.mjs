/**
 * Worker-to-worker channel: two workers talk over a bounded channel; the main thread only wires
 * them up. The producer sends squares, the consumer sums them; no message passes through main.
 *
 * Run: npm run build && node examples/channel-worker-to-worker.mjs
 */
import { channel, codecs, spawn } from "weft";

const N = 100_000;
const [tx, rx] = channel({ capacity: 256, codec: codecs.f64 }); // numbers: no allocation per message
const producer = spawn(new URL("./workers/ch-squares.mjs", import.meta.url), tx, N);
const consumer = spawn(new URL("./workers/ch-sum.mjs", import.meta.url), rx);
// The ends now belong to the workers; drop ours so the channel disconnects when the producer is done.
tx.close();
rx.close();

await producer.join();
const { count, sum } = await consumer.join();
const expected = ((N - 1) * N * (2 * N - 1)) / 6;
console.log(`consumer received ${count} numbers, sum ${sum}`);
if (count !== N || sum !== expected) {
  console.log(`FAILED: expected ${N} numbers summing to ${expected}`);
  process.exit(1);
}
console.log("OK");
