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
  // Warm-up: start the workers and load the kernels (and the user module) in each.
  const warm = new Float64Array(new SharedArrayBuffer(8 * 200_000)).fill(1);
  await parallel.map(warm, warm, fns, "square", { pool: p });
  await parallel.sum(warm, { pool: p });
  await parallel.sort(warm, { pool: p, chunkSize: 50_000 });
  return { p, parallel };
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
