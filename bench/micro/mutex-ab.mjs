/**
 * A/B of weft builds on the contended Mutex (2 workers × N lock / increment / unlock through the
 * guard, as the sync suite's mutex-contended case), with the hand-written futex mutex beside them.
 * Rounds of every implementation are interleaved; each round starts fresh workers and checks the
 * total. Behind the "guard made before the lock is taken" note in src/sync/mutex.ts.
 *
 *   npx tsup --out-dir /tmp/dist-base --no-dts            # the base build
 *   (edit src/) && npx tsup --out-dir /tmp/dist-x --no-dts  # a variant
 *   node bench/micro/mutex-ab.mjs base=/tmp/dist-base x=/tmp/dist-x [--rounds 9] [--n 1000000]
 */
import { Worker, isMainThread, workerData, parentPort } from "node:worker_threads";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { futexLock, futexUnlock } from "../lib/baselines.mjs";

if (isMainThread) {
  const args = process.argv.slice(2);
  let rounds = 9, n = 1_000_000;
  const builds = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--rounds") rounds = Number(args[++i]);
    else if (args[i] === "--n") n = Number(args[++i]);
    else {
      const [name, dir] = args[i].split("=");
      builds.push({ name, url: pathToFileURL(`${resolve(dir)}/index.js`).href });
    }
  }
  if (builds.length === 0) {
    console.error("usage: mutex-ab.mjs NAME=DIR ... [--rounds R] [--n N]");
    process.exit(2);
  }
  const impls = [...builds, { name: "futex-baseline", url: null }];
  const res = new Map(impls.map((b) => [b.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const b of impls) {
      const w = b.url === null ? null : await import(b.url);
      const m = w === null ? null : new w.Mutex(new Int32Array(new SharedArrayBuffer(8)));
      const raw = new SharedArrayBuffer(8);
      const go = new Int32Array(new SharedArrayBuffer(4));
      const data = { go, n, url: b.url, mutex: m === null ? null : w.share(m), raw };
      const ws = [0, 1].map(() => new Worker(new URL(import.meta.url), { workerData: data }));
      await Promise.all(ws.map((x) => new Promise((ok) => x.once("message", ok))));
      const t0 = performance.now();
      Atomics.store(go, 0, 1);
      Atomics.notify(go, 0);
      await Promise.all(ws.map((x) => new Promise((ok) => x.once("message", ok))));
      const ms = performance.now() - t0;
      await Promise.all(ws.map((x) => x.terminate()));
      const total = m === null ? new Int32Array(raw)[1] : m.withLock((v) => v[0]);
      if (total !== 2 * n) throw new Error(`${b.name}: total ${total}, expected ${2 * n}`);
      res.get(b.name).push((ms * 1e6) / (2 * n));
    }
  }
  const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  const ref = median(res.get(impls[0].name));
  console.log(`mutex contended, 2 workers × ${n}: ${rounds} rounds each, interleaved (ns per lock+unlock)`);
  for (const [name, a] of res) {
    const md = median(a);
    console.log(`  ${name.padEnd(16)} ${md.toFixed(1).padStart(7)} ns  ÷ ${impls[0].name}: ${(md / ref).toFixed(2)}×   [${a.map((x) => x.toFixed(0)).join(" ")}]`);
  }
} else {
  const { go, n, url, mutex, raw } = workerData;
  const w = url === null ? null : await import(url);
  const m = w === null ? null : w.revive(mutex);
  const lw = new Int32Array(raw);
  parentPort.postMessage("ready");
  Atomics.wait(go, 0, 0);
  if (m !== null) {
    for (let i = 0; i < n; i++) {
      const g = m.lock();
      const v = g.value;
      v[0] = v[0] + 1;
      g.unlock();
    }
  } else {
    for (let i = 0; i < n; i++) {
      futexLock(lw, 0);
      lw[1] = lw[1] + 1;
      futexUnlock(lw, 0);
    }
  }
  parentPort.postMessage("done");
}
