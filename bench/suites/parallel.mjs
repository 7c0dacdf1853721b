/**
 * Parallel helpers (rayon's par_iter / par_sort): `parallel.sum`, `parallel.map` and
 * `parallel.sort` over 10M Float64Array elements on a 2-thread pool, against the same work in a
 * single-thread loop (and `Float64Array.prototype.sort`), measured in the same run.
 * Worker side: bench/workers/parallel.mjs. The pool is started off the clock; `ops` = elements.
 *
 * Reference figures from the issue (this machine): single-thread sum of squares over 10M f64
 * 16 ms, rayon 1.88× on 2 cores; Float64Array.prototype.sort 10M 1.89 s, rayon par_sort_unstable 0.37 s.
 */
const N = 10_000_000;
const f64 = (n) => new Float64Array(new SharedArrayBuffer(8 * n));

/** Data for sum/map: values i % 1000 / 8, whose sums are exact in doubles (checkable). */
function sumData(n) {
  const data = f64(n);
  for (let i = 0; i < n; i++) data[i] = (i % 1000) / 8;
  return data;
}
const exactSum = (n) => {
  let s = 0;
  for (let i = 0; i < n; i++) s += (i % 1000) / 8;
  return s;
};

function sumImpl(impl, kind) {
  return {
    impl,
    kind,
    iters: N,
    shared: () => ({ data: sumData(N), result: f64(1) }),
    reset: (s) => (s.result[0] = NaN),
    check: (s, iters) => {
      const want = exactSum(iters);
      return s.result[0] === want ? null : `sum ${s.result[0]}, expected ${want}`;
    },
  };
}

function mapImpl(impl, kind) {
  return {
    impl,
    kind,
    iters: N,
    shared: () => ({ data: sumData(N), out: f64(N) }),
    reset: (s) => s.out.fill(-1),
    check: (s, iters) => {
      for (let i = 0; i < iters; i += 9973) if (s.out[i] !== s.data[i] * s.data[i]) return `out[${i}] = ${s.out[i]}, expected ${s.data[i] ** 2}`;
      return s.out[iters - 1] === s.data[iters - 1] ** 2 ? null : "last element not mapped";
    },
  };
}

function sortImpl(impl, kind) {
  return {
    impl,
    kind,
    iters: N,
    // Random doubles in [0, 1) as Math.random gives them (rust's rand::random::<f64>() likewise).
    shared: () => {
      const input = f64(N);
      for (let i = 0; i < N; i++) input[i] = Math.random();
      return { input, work: f64(N) };
    },
    // Each round sorts a fresh copy of the same input (copied off the clock).
    reset: (s) => s.work.set(s.input),
    check: (s, iters) => {
      const w = s.work.subarray(0, iters);
      for (let i = 1; i < iters; i++) if (!(w[i - 1] <= w[i])) return `not sorted at ${i}: ${w[i - 1]} > ${w[i]}`;
      let a = 0, b = 0;
      for (let i = 0; i < iters; i++) (a += w[i]), (b += s.input[i]);
      return Math.abs(a - b) <= 1e-6 * Math.abs(b) ? null : "not a permutation of the input";
    },
  };
}

export default {
  suite: "parallel",
  worker: new URL("../workers/parallel.mjs", import.meta.url),
  cases: [
    {
      name: "sum-10m",
      desc: "parallel.sum over 10M f64, 2-thread pool vs a single-thread loop (plain s += x; and with weft's 4 accumulators)",
      runs: 9,
      targets: [{ vs: "single-thread", faster: 1.7 }],
      impls: [
        sumImpl("weft", "sum/weft"),
        sumImpl("single-thread", "sum/single-thread"),
        // The kernel's own loop on one thread: how much of the ratio is the pool, how much the 4 add chains.
        sumImpl("single-thread-4acc", "sum/single-thread-4acc"),
        // Two plain workers, no pool: the ceiling of a 2-thread split on this machine (memory bandwidth).
        sumImpl("2-threads-hand", "sum/2-threads-hand"),
      ],
    },
    {
      name: "map-10m",
      desc: "parallel.map x => x * x over 10M f64 into a second array, 2-thread pool vs a single-thread loop",
      runs: 9,
      targets: [{ vs: "single-thread", faster: 1.7 }],
      impls: [mapImpl("weft", "map/weft"), mapImpl("single-thread", "map/single-thread"), mapImpl("2-threads-hand", "map/2-threads-hand")],
    },
    {
      name: "sort-10m",
      desc: "parallel.sort of 10M random f64, 2-thread pool vs Float64Array.prototype.sort (rayon par_sort_unstable here: 0.37 s)",
      runs: 5,
      targets: [{ vs: "Float64Array.sort", faster: 1.7 }],
      impls: [sortImpl("weft", "sort/weft"), sortImpl("Float64Array.sort", "sort/native")],
    },
  ],
};
