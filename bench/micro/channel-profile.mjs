/**
 * Standalone driver behind the channel profiling notes: one weft channel case in real workers,
 * outside the harness, so it can run under a profiler or with counters.
 *
 *   node bench/micro/channel-profile.mjs [case] [items] [--dist DIR] [--count] [--rounds N]
 *
 *   case     1p1c (default) | 2p2c | batch | struct | unbounded | zero
 *   items    messages per round (default 2M; per producer for 2p2c)
 *   --dist   the weft build to load (default dist/): A/B two builds of src/ side by side
 *   --count  wrap Atomics.* in every worker and print atomic operations, futex waits and notifies
 *            per message (the wrappers slow everything down: read the counts, not the time)
 *   --parks  wrap only Atomics.wait / notify (rare calls: timing stays representative) and print
 *            each round's waits and notifies per 1000 messages next to its time
 *   --rounds timed rounds (default 5, after 1 warm-up); prints each round's ns/message
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/micro/channel-profile.mjs 1p1c 5000000
 *       → one .cpuprofile per thread (the workers' are the interesting ones); summarise with
 *         node bench/micro/cpuprofile-top.mjs /tmp/prof/*.cpuprofile
 */
import { Worker, isMainThread, workerData, parentPort } from "node:worker_threads";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

const OPS = ["load", "store", "compareExchange", "add", "sub", "or", "and", "exchange", "wait", "notify"];

if (isMainThread) {
  const args = process.argv.slice(2);
  const flag = (name, dflt) => {
    const i = args.indexOf(name);
    if (i < 0) return dflt;
    const v = args[i + 1];
    args.splice(i, 2);
    return v;
  };
  const count = args.includes("--count");
  if (count) args.splice(args.indexOf("--count"), 1);
  const parks = args.includes("--parks");
  if (parks) args.splice(args.indexOf("--parks"), 1);
  const dist = resolve(flag("--dist", new URL("../../dist", import.meta.url).pathname));
  const rounds = Number(flag("--rounds", "5"));
  const kase = args[0] ?? "1p1c";
  const items = Number(args[1] ?? 2_000_000);
  const weftUrl = pathToFileURL(`${dist}/index.js`).href;
  const { channel, codecs, share } = await import(weftUrl);

  const opts = {
    "1p1c": { capacity: 1024, codec: codecs.f64 },
    "2p2c": { capacity: 1024, codec: codecs.f64 },
    batch: { capacity: 1024, codec: codecs.f64 },
    struct: { capacity: 1024 },
    unbounded: { codec: codecs.f64 },
    zero: { capacity: 0, codec: codecs.f64 },
  }[kase];
  if (!opts) throw new Error(`unknown case ${kase}`);
  const [tx, rx] = channel(opts);
  const producers = kase === "2p2c" ? 2 : 1;
  const consumers = producers;
  const ctrl = new Int32Array(new SharedArrayBuffer(16 + 8 * 16 * (producers + consumers)));
  const wire = { tx: share(tx), rx: share(rx) };
  const workers = [];
  const roles = [...Array(producers)].map((_, i) => ({ role: "p", i })).concat([...Array(consumers)].map((_, i) => ({ role: "c", i })));
  for (const [k, r] of roles.entries()) {
    workers.push(new Worker(new URL(import.meta.url), { workerData: { ...r, k, kase, items, wire, weftUrl, ctrl, count, parks, rounds } }));
  }
  const results = await Promise.all(workers.map((w) => new Promise((res, rej) => (w.once("message", res), w.once("error", rej)))));
  const total = items * producers;
  const rows = results.filter((r) => r.role === "c");
  for (let r = 0; r < rounds; r++) {
    const ms = Math.max(...results.map((x) => x.ms[r]));
    let extra = "";
    if (parks) {
      const sum = (role, op) => results.filter((x) => x.role === role).reduce((a, x) => a + x.perRound[r][op], 0);
      const k = (n) => ((n * 1000) / total).toFixed(2);
      extra = `  per 1000 msgs: producer waits ${k(sum("p", "wait"))} notifies ${k(sum("p", "notify"))}, consumer waits ${k(sum("c", "wait"))} notifies ${k(sum("c", "notify"))}`;
    }
    console.log(`${kase} round ${r + 1}: ${((ms * 1e6) / total).toFixed(1)} ns/msg (${ms.toFixed(1)} ms)${extra}`);
  }
  if (count) {
    const per = (role) => {
      const sum = {};
      for (const x of results.filter((y) => y.role === role)) for (const [k, v] of Object.entries(x.counts)) sum[k] = (sum[k] ?? 0) + v;
      return Object.entries(sum)
        .filter(([, v]) => v > 0)
        .map(([k, v]) => `${k} ${(v / (total * (rounds + 1))).toFixed(3)}`)
        .join(", ");
    };
    console.log(`per message, producer side: ${per("p")}`);
    console.log(`per message, consumer side: ${per("c")}`);
  }
  if (rows.some((x) => x.bad)) console.log("WRONG RESULTS", rows);
  process.exit(0);
} else {
  const { role, i, k, kase, items, wire, weftUrl, ctrl, count, parks, rounds } = workerData;
  const counts = Object.fromEntries(OPS.map((o) => [o, 0]));
  if (count || parks) {
    for (const op of count ? OPS : ["wait", "notify"]) {
      const f = Atomics[op];
      Atomics[op] = function (...a) {
        counts[op]++;
        return f.apply(Atomics, a);
      };
    }
  }
  const { revive } = await import(weftUrl);
  const tx = role === "p" ? revive(wire.tx) : null;
  const rx = role === "c" ? revive(wire.rx) : null;
  const SENT = -1;
  const producers = kase === "2p2c" ? 2 : 1;
  const objs = kase === "struct" ? Array.from({ length: items }, (_, j) => ({ id: j, name: `item-${j}`, tags: ["alpha", "beta", `t${j % 10}`] })) : null;
  let bad = 0;
  const run = () => {
    if (role === "p") {
      const base = i * items + 0.5;
      if (kase === "batch") {
        const b = new Array(1024).fill(0);
        for (let s = 0; s < items; s += 1024) {
          for (let j = 0; j < 1024; j++) b[j] = base + s + j;
          // Exactly `items` in all (a count that is not a multiple of 1 024 sent a whole last batch,
          // left for the next round's sum, which then read as wrong results).
          tx.sendMany(items - s >= 1024 ? b : b.slice(0, items - s));
        }
      } else if (kase === "struct") {
        for (let j = 0; j < items; j++) tx.send(objs[j]);
      } else {
        for (let j = 0; j < items; j++) tx.send(base + j);
        if (producers > 1) tx.send(SENT);
      }
    } else {
      let n = 0, sum = 0;
      if (kase === "batch") {
        while (n < items) {
          const a = rx.recvMany(1024);
          for (let j = 0; j < a.length; j++) sum += a[j];
          n += a.length;
        }
      } else if (kase === "struct") {
        for (let j = 0; j < items; j++) sum += rx.recv().id;
        n = items;
      } else if (producers > 1) {
        for (let v; (v = rx.recv()) !== SENT; n++) sum += v;
      } else {
        for (let j = 0; j < items; j++) sum += rx.recv();
        n = items;
      }
      if (producers === 1 && kase !== "struct" && sum !== (items * items) / 2) bad++;
    }
  };
  const ms = [];
  const perRound = [];
  // The start / end barriers below wait and notify too: keep them out of the counts.
  const barrierWait = Atomics.wait.bind(Atomics);
  for (let r = 0; r <= rounds; r++) {
    // Start together: everyone bumps ctrl[0] and waits for all.
    Atomics.add(ctrl, 0, 1);
    const all = (r + 1) * (producers * 2);
    let v;
    while ((v = Atomics.load(ctrl, 0)) < all) barrierWait(ctrl, 0, v, 5);
    const before = { ...counts };
    const t0 = performance.now();
    run();
    if (r > 0) {
      ms.push(performance.now() - t0);
      perRound.push(Object.fromEntries(OPS.map((o) => [o, counts[o] - before[o]])));
    }
    // Barrier before the next round (and before reporting).
    Atomics.add(ctrl, 1, 1);
    while ((v = Atomics.load(ctrl, 1)) < all) barrierWait(ctrl, 1, v, 5);
  }
  parentPort.postMessage({ role, i, ms, counts, perRound, bad });
}
