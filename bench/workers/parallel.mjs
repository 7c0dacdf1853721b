/**
 * Worker side of the parallel suite (bench/suites/parallel.mjs). weft's kinds start a 2-thread
 * ThreadPool and warm it (and the kernels) up off the clock; the baselines run the same work on
 * this thread.
 */
import { square } from "./par-fns.mjs";

const fns = new URL("./par-fns.mjs", import.meta.url);
const weft = () => import("../../dist/index.js");
const THREADS = 2;

async function pool() {
  const { ThreadPool, parallel } = await weft();
  const p = new ThreadPool({ threads: THREADS });
  // Warm-up: start the workers and load the kernels (and the user module) in each; then enough
  // calls for V8 to have optimized the caller's side too (submission, completion, the helpers'
  // promise chains), as in a program that has been running a while. With the harness's two
  // warm-up rounds only, TurboFan compiled those during the timed rounds (--trace-opt), on a
  // background thread that takes one of the two cores (up to ~13 ms per function here).
  const warm = new Float64Array(new SharedArrayBuffer(8 * 200_000)).fill(1);
  await parallel.map(warm, warm, fns, "square", { pool: p });
  await parallel.sum(warm, { pool: p });
  await parallel.sort(warm, { pool: p, chunkSize: 50_000 });
  const small = warm.subarray(0, 20_000);
  for (let k = 0; k < 200; k++) {
    await parallel.sum(small, { pool: p });
    await parallel.map(small, small, fns, "square", { pool: p });
  }
  return { p, parallel };
}

/** `threads` plain workers over `data` (see par-ceiling.mjs); returns a blocking round function. */
async function handThreads(op, shared, iters, threads = THREADS) {
  const { Worker } = await import("node:worker_threads");
  const ctl = new Int32Array(new SharedArrayBuffer(128)), res = new Float64Array(new SharedArrayBuffer(8 * threads));
  const url = new URL("./par-ceiling.mjs", import.meta.url);
  const data = shared.data.buffer, out = shared.out?.buffer;
  for (let t = 0; t < threads; t++) {
    const w = new Worker(url, { workerData: { op, t, T: threads, n: iters, ctl: ctl.buffer, res: res.buffer, data, out } });
    w.unref();
  }
  return () => {
    Atomics.store(ctl, 16, 0);
    Atomics.add(ctl, 0, 1);
    Atomics.notify(ctl, 0);
    for (let d; (d = Atomics.load(ctl, 16)) < threads; ) Atomics.wait(ctl, 16, d);
    let s = 0;
    for (let t = 0; t < threads; t++) s += res[t];
    return s;
  };
}

export const kinds = {
  "sum/weft": async ({ shared, iters }) => {
    const { p, parallel } = await pool();
    const data = shared.data.subarray(0, iters);
    return async () => {
      shared.result[0] = await parallel.sum(data, { pool: p });
    };
  },
  "sum/single-thread": async ({ shared, iters }) => {
    const data = shared.data.subarray(0, iters);
    return () => {
      let s = 0;
      for (let i = 0; i < data.length; i++) s += data[i];
      shared.result[0] = s;
    };
  },

  "sum/single-thread-4acc": async ({ shared, iters }) => {
    const { sumChunk } = await import("../../dist/kernels.js");
    const data = shared.data.subarray(0, iters);
    const ctl = new Int32Array(new SharedArrayBuffer(4));
    return () => {
      shared.result[0] = sumChunk(data, 0, data.length, ctl);
    };
  },

  "sum/2-threads-hand": async ({ shared, iters }) => {
    const round = await handThreads("sum", shared, iters);
    return () => {
      shared.result[0] = round();
    };
  },

  "map/weft": async ({ shared, iters }) => {
    const { p, parallel } = await pool();
    const data = shared.data.subarray(0, iters), out = shared.out.subarray(0, iters);
    return () => parallel.map(data, out, fns, "square", { pool: p });
  },
  "map/single-thread": async ({ shared, iters }) => {
    const data = shared.data.subarray(0, iters), out = shared.out.subarray(0, iters);
    return () => {
      for (let i = 0; i < data.length; i++) out[i] = square(data[i], i);
    };
  },

  "map/2-threads-hand": async ({ shared, iters }) => {
    const round = await handThreads("map", shared, iters);
    return () => void round();
  },

  "sort/weft": async ({ shared, iters }) => {
    const { p, parallel } = await pool();
    const work = shared.work.subarray(0, iters);
    return () => parallel.sort(work, { pool: p });
  },
  "sort/native": async ({ shared, iters }) => {
    const work = shared.work.subarray(0, iters);
    return () => {
      work.sort();
    };
  },
};
