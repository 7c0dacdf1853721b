/**
 * Run as its own process with --expose-gc by test/share/directory.test.ts: sends N distinct
 * shared Float64Arrays of `mb` MB each (1) through a channel to a spawned worker that reads and
 * drops them, (2) through parallel.sum and pool.run; then sweeps and collects in every thread and
 * prints one JSON line of memory figures. With a directory that keeps every buffer it ever
 * posted, the figures grow by N × mb MB.
 *   node --expose-gc dir-memory.mjs [n] [mb] [weft index url]
 */
const n = Number(process.argv[2] ?? 200);
const mb = Number(process.argv[3] ?? 8);
const lib = process.argv[4] ?? new URL("../../dist/index.js", import.meta.url).href;
const { channel, spawn, ThreadPool, Barrier, parallel } = await import(lib);

const MB = 1 << 20;
const debug = () => globalThis[Symbol.for("weft.directory.debug")];
const mem = () => process.memoryUsage();
/**
 * Sweeps and collects (here and, through `others`, in the other threads that saw the buffers)
 * until the memory figures stop falling: at least 3 rounds, then until RSS and array buffers have
 * moved less than 1 MB for 3 rounds in a row (at most 100 rounds). A fixed 3 rounds was not
 * enough on a loaded host (CI, two suites at once): freeing lagged behind, 150 MB still counted.
 */
const settle = async (others = async () => {}) => {
  let last = mem(), still = 0;
  for (let round = 0; round < 100 && (round < 3 || still < 3); round++) {
    await others();
    debug()?.sweep();
    globalThis.gc();
    await new Promise((r) => setTimeout(r, 20));
    const now = mem();
    const moved = Math.max(Math.abs(now.rss - last.rss), Math.abs(now.arrayBuffers - last.arrayBuffers));
    still = moved < MB ? still + 1 : 0;
    last = now;
  }
};
const fresh = (value) => {
  const a = new Float64Array(new SharedArrayBuffer(mb * MB));
  a.fill(value); // touch every page: the memory is really there
  return a;
};

await settle();
const before = mem();

// (1) A channel to a worker that reads each array and drops it.
const [tx, rx] = channel({ capacity: 4 });
const [backTx, backRx] = channel();
const sink = spawn(new URL("./dir-sink.mjs", import.meta.url), rx, backTx);
rx.close();
backTx.close();
tx.send(0); // wait until the sink runs (older versions could not reach a thread not listening yet)
await backRx.recvAsync();
let peak = 0;
for (let i = 1; i <= n; i++) {
  const a = fresh(i);
  tx.send(a);
  const got = await backRx.recvAsync();
  if (got !== i || a[a.length - 1] !== -i) throw new Error(`channel: round ${i} answered ${got}, last element ${a[a.length - 1]}`);
  if (i % 20 === 0) peak = Math.max(peak, mem().rss);
}
const sinkGc = async () => {
  tx.send("gc");
  return backRx.recvAsync();
};
const sinkStats = await sinkGc();
await settle(sinkGc);
const afterChannel = mem();

// (2) parallel.sum and pool.run on a pool of 2.
const pool = new ThreadPool({ threads: 2 });
const tasks = new URL("./dir-pool.mjs", import.meta.url);
for (let i = 1; i <= n; i++) {
  const a = fresh(i);
  if (i % 2 === 0) {
    const s = await parallel.sum(a, { pool });
    if (s !== i * a.length) throw new Error(`parallel.sum: round ${i} gave ${s}`);
  } else {
    const first = await pool.run(tasks, "firstAndMark", a);
    if (first !== i || a[a.length - 1] !== -i) throw new Error(`pool.run: round ${i} gave ${first}`);
  }
  if (i % 20 === 0) peak = Math.max(peak, mem().rss);
}
// Every thread collects (the spawned worker was blocked in recv meanwhile: the buffers posted to
// it are garbage there, but only its own GC frees them).
const barrier = new Barrier(2);
const workerStats = await Promise.all([0, 1].map(() => pool.run(tasks, "collect", barrier)));
const sinkStats2 = await sinkGc();
await settle(sinkGc);
const after = mem();
tx.close();
await sink.join();
await pool.close();

const pins = debug()?.pins() ?? [];
console.log(
  JSON.stringify({
    n,
    mb,
    rssBefore: before.rss / MB,
    rssAfterChannel: afterChannel.rss / MB,
    rssAfter: after.rss / MB,
    peakRss: peak / MB,
    arrayBuffersAfter: after.arrayBuffers / MB,
    sinkArrayBuffers: sinkStats.arrayBuffers / MB,
    workerArrayBuffers: workerStats.map((s) => s.arrayBuffers / MB),
    mainStats: debug()?.stats(), sinkStats: [sinkStats, sinkStats2], workerStats,
    underflows: [debug()?.stats().underflows ?? 0, sinkStats.underflows ?? 0, sinkStats2.underflows ?? 0, ...workerStats.map((s) => s.underflows ?? 0)],
    pinned: pins.filter((p) => p.count !== 0).length,
  }),
);
