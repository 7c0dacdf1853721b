/**
 * Parallel sum of squares over 1M elements (rayon: `v.par_iter().map(|x| x * x).sum()`).
 * The data lives in shared memory; the function is named by module URL + export, because
 * functions cannot be sent to other threads. `parallel.map` squares into a second shared array,
 * `parallel.sum` adds it up — both on the global pool (one worker per core).
 *
 * Run: npm run build && node examples/parallel-sum-squares.mjs
 */
import { parallel } from "weft";

const N = 1_000_000;
const data = new Float64Array(new SharedArrayBuffer(N * 8));
for (let i = 0; i < N; i++) data[i] = i / 1000;

const squares = new Float64Array(new SharedArrayBuffer(N * 8));
await parallel.map(data, squares, new URL("./workers/square.mjs", import.meta.url), "square");
const total = await parallel.sum(squares, {
  onProgress: (done, total) => done === total && console.log(`summed ${done} of ${total} elements`),
});

// The same on this thread, to check.
let expected = 0;
for (let i = 0; i < N; i++) expected += data[i] * data[i];
console.log(`sum of squares of ${N} elements: ${total.toFixed(3)} (single-thread: ${expected.toFixed(3)})`);
// Chunks are added in a different order than one loop adds, so the last bits may differ.
if (Math.abs(total - expected) > 1e-9 * expected) throw new Error("parallel sum differs");
console.log("OK");
