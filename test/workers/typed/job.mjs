/**
 * A typed worker module (types in job.d.mts) for the Send/Sync tests: its default export adds up
 * a job under a shared Mutex and reports what arrived; `square` and `echo` are named tasks for
 * pool-style typing.
 */
import { defineWorker } from "../../../dist/index.js";

export default defineWorker(async function run(counter, job) {
  // Everything that crossed, as the worker sees it: the Mutex is the parent's (same memory).
  const total = job.values.reduce((a, b) => a + b, 0);
  counter.withLock((c) => {
    c[0] += total;
  });
  await new Promise((r) => setTimeout(r, 1));
  return {
    label: job.label,
    total,
    bytes: [...job.bytes],
    when: job.when.getTime(),
    tags: [...job.tags].sort(),
    counter: counter.withLock((c) => c[0]),
  };
});

export const square = defineWorker((x) => x * x);

export const echo = defineWorker((v) => v);
