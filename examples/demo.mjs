/**
 * weft demo: producers and consumers in separate workers share a Mutex-guarded counter and a
 * Condvar-based bounded buffer. Every worker reports what it did; the main thread checks that
 * the counter is exact and that every item was consumed exactly once.
 *
 * Run: npm run demo   (= npm run build && node examples/demo.mjs)
 */
import { Mutex, spawn } from "weft";
import { createBuffer } from "./workers/bounded-buffer.mjs";

const PRODUCERS = 4, CONSUMERS = 3, ITEMS_PER_PRODUCER = 5000, CAPACITY = 64;
const TOTAL = PRODUCERS * ITEMS_PER_PRODUCER;

const started = performance.now();
const buf = createBuffer(CAPACITY, PRODUCERS);
// Bumped once per item sent and once per item taken, by every worker, under the lock.
const counter = new Mutex(new Int32Array(new SharedArrayBuffer(4)));
// seen[item] = how many times `item` was taken (each consumer adds 1 atomically).
const seen = new Int32Array(new SharedArrayBuffer(4 * TOTAL));

const producerUrl = new URL("./workers/producer.mjs", import.meta.url);
const consumerUrl = new URL("./workers/consumer.mjs", import.meta.url);
// Primitives passed to spawn (here inside `buf`) arrive in the worker over the same memory.
const producers = Array.from({ length: PRODUCERS }, (_, i) =>
  spawn(producerUrl, buf, counter, i + 1, i * ITEMS_PER_PRODUCER, ITEMS_PER_PRODUCER),
);
const consumers = Array.from({ length: CONSUMERS }, (_, i) => spawn(consumerUrl, buf, counter, seen, i + 1));

console.log(`${PRODUCERS} producers and ${CONSUMERS} consumers over a ${CAPACITY}-slot buffer`);
for (const r of await Promise.all(producers.map((h) => h.join()))) {
  console.log(`producer ${r.id} sent ${r.sent} items`);
}
let taken = 0, sum = 0;
for (const r of await Promise.all(consumers.map((h) => h.join()))) {
  console.log(`consumer ${r.id} took ${r.taken} items, sum ${r.sum}`);
  taken += r.taken;
  sum += r.sum;
}

// Checks.
const failures = [];
const count = counter.withLock((c) => c[0]);
const expectedSum = (TOTAL * (TOTAL - 1)) / 2; // items are 0 .. TOTAL-1, each sent once
console.log(`counter ${count} (expected ${2 * TOTAL}: one per item sent, one per item taken)`);
console.log(`taken ${taken} of ${TOTAL} items, checksum ${sum} (expected ${expectedSum})`);
if (count !== 2 * TOTAL) failures.push(`counter is ${count}, expected ${2 * TOTAL}`);
if (taken !== TOTAL) failures.push(`${taken} items taken, expected ${TOTAL}`);
if (sum !== expectedSum) failures.push(`checksum ${sum}, expected ${expectedSum}`);
const wrong = seen.findIndex((n) => n !== 1);
if (wrong !== -1) failures.push(`item ${wrong} was taken ${seen[wrong]} times`);

console.log(`finished in ${Math.round(performance.now() - started)} ms`);
if (failures.length === 0) {
  console.log("OK");
} else {
  for (const f of failures) console.error(`FAILED: ${f}`);
  process.exitCode = 1;
}
