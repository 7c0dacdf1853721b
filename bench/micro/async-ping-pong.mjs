/**
 * Async ping-pong A/B: the main thread sendAsync / recvAsync (capacity-1 f64 channels) against a
 * worker echoing with blocking recv / send; builds named by their dist directories, rounds
 * alternated, median µs per round trip. Every main-thread receive parks (an async wait), so it
 * measures the parked path of the async calls (thirteenth session: a handle close signal on them).
 *   node bench/micro/async-ping-pong.mjs /tmp/dist-a /tmp/dist-b
 */
import { Worker, isMainThread, workerData } from "node:worker_threads";
if (isMainThread) {
  const dists = process.argv.slice(2);
  const libs = await Promise.all(dists.map((d) => import(d + "/index.js")));
  const res = dists.map(() => []);
  for (let round = 0; round < 9; round++) {
    for (let k = 0; k < libs.length; k++) {
      const lib = libs[k];
      const [atx, arx] = lib.channel({ capacity: 1, codec: lib.codecs.f64 });
      const [btx, brx] = lib.channel({ capacity: 1, codec: lib.codecs.f64 });
      const w = new Worker(new URL(import.meta.url), { workerData: { dist: dists[k], rx: lib.share(arx), tx: lib.share(btx) } });
      const N = 3000;
      for (let i = 0; i < 200; i++) { await atx.sendAsync(i); await brx.recvAsync(); }
      const t0 = performance.now();
      for (let i = 0; i < N; i++) { await atx.sendAsync(i); await brx.recvAsync(); }
      const us = ((performance.now() - t0) * 1000) / N;
      if (round > 0) res[k].push(us);
      atx.close(); await w.terminate();
    }
  }
  const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
  dists.forEach((d, k) => console.log(d, med(res[k]).toFixed(1), "µs/round trip", res[k].map((x) => x.toFixed(0)).join(" ")));
  process.exit(0);
} else {
  const lib = await import(workerData.dist + "/index.js");
  const rx = lib.revive(workerData.rx), tx = lib.revive(workerData.tx);
  for (;;) { let v; try { v = rx.recv(); } catch { break; } tx.send(v); }
}
