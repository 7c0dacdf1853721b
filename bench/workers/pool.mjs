/**
 * Worker side of the pool suite (bench/suites/pool.mjs). The harness worker running a kind is the
 * pool's submitting thread; the pool (2 worker threads of its own) is made off the clock, and
 * warmed up before the first round. Each round writes the sum of its results to shared.sum for
 * the suite's check.
 */
const TASKS = new URL("./pool-tasks.mjs", import.meta.url);

/** Expected sum of inc(i) for i in 0..n-1. */
const want = (n) => (n * (n + 1)) / 2;

const record = (shared, s) => {
  new Float64Array(shared.sum)[0] = s;
};

export const kinds = {
  "run-100k/weft": async ({ shared, iters }) => {
    const { ThreadPool } = await import("../../dist/index.js");
    const pool = new ThreadPool({ threads: 2 });
    await Promise.all(Array.from({ length: 1000 }, (_, i) => pool.run(TASKS, "inc", i)));
    return async () => {
      const ps = new Array(iters);
      for (let i = 0; i < iters; i++) ps[i] = pool.run(TASKS, "inc", i);
      let s = 0;
      for (const v of await Promise.all(ps)) s += v;
      record(shared, s);
    };
  },

  "run-100k/piscina": async ({ shared, iters }) => {
    const { Piscina } = await import("piscina");
    const pool = new Piscina({ filename: TASKS.href, minThreads: 2, maxThreads: 2, idleTimeout: 60_000 });
    await Promise.all(Array.from({ length: 1000 }, (_, i) => pool.run(i, { name: "inc" })));
    return async () => {
      const ps = new Array(iters);
      for (let i = 0; i < iters; i++) ps[i] = pool.run(i, { name: "inc" });
      let s = 0;
      for (const v of await Promise.all(ps)) s += v;
      record(shared, s);
    };
  },

  "run-many-1m/weft": async ({ shared, iters }) => {
    const { ThreadPool } = await import("../../dist/index.js");
    const pool = new ThreadPool({ threads: 2 });
    const argsList = Array.from({ length: iters }, (_, i) => [i]);
    await pool.runMany(TASKS, "inc", argsList.slice(0, 10_000));
    return async () => {
      const rs = await pool.runMany(TASKS, "inc", argsList);
      let s = 0;
      for (let i = 0; i < rs.length; i++) s += rs[i];
      record(shared, s);
    };
  },

  "nested-100k/weft": async ({ shared, iters }) => {
    const { ThreadPool } = await import("../../dist/index.js");
    const pool = new ThreadPool({ threads: 2 });
    await pool.run(TASKS, "fanOut", 1000);
    return async () => record(shared, await pool.run(TASKS, "fanOut", iters));
  },
};

export { want };
