/**
 * The parallel suite's hand-written ceiling: plain worker_threads (no weft) that park on a futex word,
 * wake on each round, and sum or square their half of the data. It is what a 2-thread split costs on
 * this machine without any pool: the best weft's `parallel.sum`/`parallel.map` could reach. If this
 * stays under the target ratio, the memory bus, not the pool, is the limit.
 */
import { workerData } from "node:worker_threads";

// ctl words: 0 = go (round number), 16 = done count (own 64-byte line).
const GO = 0, DONE = 16;
const { op, t, T } = workerData;
const ctl = new Int32Array(workerData.ctl), res = new Float64Array(workerData.res);
const data = new Float64Array(workerData.data);
const out = workerData.out ? new Float64Array(workerData.out) : null;
const n = workerData.n;
const lo = Math.floor((n * t) / T), hi = Math.floor((n * (t + 1)) / T);

for (let seen = 0; ; ) {
  while (Atomics.load(ctl, GO) === seen) Atomics.wait(ctl, GO, seen);
  seen = Atomics.load(ctl, GO);
  if (seen < 0) break;
  if (op === "sum") {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, i = lo;
    for (; i + 3 < hi; i += 4) (s0 += data[i]), (s1 += data[i + 1]), (s2 += data[i + 2]), (s3 += data[i + 3]);
    for (; i < hi; i++) s0 += data[i];
    res[t] = s0 + s1 + (s2 + s3);
  } else {
    for (let i = lo; i < hi; i++) out[i] = data[i] * data[i];
  }
  Atomics.add(ctl, DONE, 1);
  Atomics.notify(ctl, DONE);
}
