/**
 * Parallel sort (rayon: `v.par_sort_unstable_by(f64::total_cmp)`, here in numeric order with NaN
 * last, as `Float64Array.prototype.sort` orders). `parallel.sort` radix-sorts the shared array in
 * place on the global pool, using one scratch buffer of the same size.
 *
 * Run: npm run build && node examples/parallel-sort.mjs
 */
import { parallel } from "weft";

const N = 2_000_000;
const data = new Float64Array(new SharedArrayBuffer(N * 8));
for (let i = 0; i < N; i++) data[i] = (Math.random() - 0.5) * 1e6;
data[7] = NaN;
data[8] = -0;
data[9] = Infinity;
const copy = data.slice();

let t = performance.now();
await parallel.sort(data);
const parallelMs = performance.now() - t;
t = performance.now();
copy.sort();
const nativeMs = performance.now() - t;

const same = Buffer.from(data.buffer).equals(Buffer.from(copy.buffer));
console.log(`sorted ${N} numbers in ${parallelMs.toFixed(0)} ms (Float64Array.prototype.sort: ${nativeMs.toFixed(0)} ms)`);
console.log(`same order as Float64Array.prototype.sort: ${same}; first ${data[0].toFixed(1)}, last ${data[N - 1]}`);
if (!same) throw new Error("parallel.sort disagrees with Float64Array.prototype.sort");

await parallel.sort(data, { descending: true });
console.log(`descending: first ${data[0]}, then ${data[1].toFixed(1)}, NaN still last: ${Number.isNaN(data[N - 1])}`);
if (data[0] !== Infinity || !Number.isNaN(data[N - 1])) throw new Error("descending order is wrong");
console.log("OK");
