/**
 * ThreadPool: the cost of a task round trip (submit, run a trivial function on a worker, get the
 * result back), against piscina — what Node users use today, a pool of postMessage workers —
 * measured in the same run. Pools have 2 worker threads; the submitting thread is the harness
 * worker. Worker side: bench/workers/pool.mjs.
 *
 * For scale (the figures on this machine, not measured here): rayon `scope.spawn`
 * 2.8M tasks/s, `tokio::spawn` 1.8M/s, tokio's default `spawn_blocking` 0.1M/s, piscina 25–30k/s.
 * `run-many-1m` is weft's batched submission, read against that class (1M/s is the bar).
 */
const sumCheck = (shared, iters) => {
  const got = new Float64Array(shared.sum)[0];
  const want = (iters * (iters + 1)) / 2;
  return got === want ? null : `sum of results is ${got}, expected ${want}`;
};
const sum = () => ({ sum: new SharedArrayBuffer(8) });
const clear = (shared) => new Float64Array(shared.sum).fill(0);

export default {
  suite: "pool",
  worker: new URL("../workers/pool.mjs", import.meta.url),
  cases: [
    {
      name: "run-100k",
      desc: "100k trivial tasks on a 2-thread pool, one run() each, all submitted then awaited",
      threads: 1,
      runs: 7,
      targets: [{ vs: "piscina", faster: 3 }],
      impls: [
        { impl: "weft", kind: "run-100k/weft", iters: 100_000, shared: sum, reset: clear, check: sumCheck },
        // piscina is ~15× slower here: a fifth of the tasks per round (compare tasks/s, not ms).
        { impl: "piscina", kind: "run-100k/piscina", iters: 20_000, shared: sum, reset: clear, check: sumCheck },
      ],
    },
    {
      name: "run-many-1m",
      desc: "1M trivial tasks on a 2-thread pool in one runMany() (batched records); read against rayon's class, 1M/s is the bar",
      threads: 1,
      runs: 7,
      targets: [],
      impls: [{ impl: "weft", kind: "run-many-1m/weft", iters: 1_000_000, shared: sum, reset: clear, check: sumCheck }],
    },
    {
      name: "nested-100k",
      desc: "one task on a 2-thread pool submits 100k trivial tasks from inside the pool (own deque, stolen by the other worker) and awaits them",
      threads: 1,
      runs: 5,
      targets: [],
      impls: [{ impl: "weft", kind: "nested-100k/weft", iters: 100_000, shared: sum, reset: clear, check: sumCheck }],
    },
  ],
};
