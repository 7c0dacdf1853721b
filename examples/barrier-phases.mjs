/**
 * Barrier: four workers smooth a shared array in lock-step phases. Each phase reads what all
 * workers wrote in the previous one, so nobody may start phase k+1 before everybody has finished
 * phase k. The result matches a single-threaded run, and each phase had exactly one leader.
 *
 * Run: npm run build && node examples/barrier-phases.mjs
 */
import { Barrier, spawn } from "weft";

const WORKERS = 4, CELLS = 32, PHASES = 200;

const initial = (i) => (i === CELLS - 1 ? 100 : 0); // a hot right end, everything else cold
const grid = () => Float64Array.from({ length: CELLS }, (_, i) => initial(i));
const shared = () => {
  const a = new Float64Array(new SharedArrayBuffer(CELLS * 8));
  a.set(grid());
  return a;
};
const grids = [shared(), shared()]; // double buffering: read one, write the other
const leaders = new Int32Array(new SharedArrayBuffer(PHASES * 4));
const barrier = new Barrier(WORKERS); // reusable: one generation per phase

const url = new URL("./workers/smooth.mjs", import.meta.url);
const per = CELLS / WORKERS;
const handles = Array.from({ length: WORKERS }, (_, w) =>
  spawn(url, barrier, grids, leaders, w * per, (w + 1) * per, PHASES),
);
await Promise.all(handles.map((h) => h.join()));

// The same computation on one thread.
let [src, dst] = [grid(), grid()];
for (let p = 0; p < PHASES; p++) {
  for (let i = 1; i < CELLS - 1; i++) dst[i] = (src[i - 1] + src[i + 1]) / 2;
  [src, dst] = [dst, src];
}
const result = grids[PHASES % 2];
const same = result.every((v, i) => v === src[i]);
const oneLeader = leaders.every((n) => n === 1);
console.log(`${WORKERS} workers, ${PHASES} phases: cells ${[0, 8, 16, 24, 31].map((i) => `[${i}]=${result[i].toFixed(2)}`).join(" ")}`);
console.log(`matches the single-threaded result: ${same}; one leader in every phase: ${oneLeader}`);
if (!same || !oneLeader) throw new Error("barrier phases went wrong");
console.log("OK");
