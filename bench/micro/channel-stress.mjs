/**
 * MPMC stress of a weft build's bounded f64 channel, behind the channel profiling notes: P
 * producers send N values each — by `send` and by `sendMany` batches of random sizes — to C
 * consumers receiving by `recv` and `recvMany(random max)`, then close. Checks every value
 * arrives exactly once and in per-producer FIFO order at each consumer, and counts 100 ms park
 * slices that ran out (a lost wake-up shows up there, not as a hang: parks are sliced).
 *
 *   node bench/micro/channel-stress.mjs DIST CAPACITY [P=2] [C=2] [N=200000]
 *
 * Exit status 1 on a wrong result.
 */
import { Worker, isMainThread, workerData, parentPort } from "node:worker_threads";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [dist, capArg, P = 2, C = 2, N = 200000] = process.argv.slice(2).map((x, i) => (i === 0 ? x : Number(x)));
const url = isMainThread ? pathToFileURL(`${resolve(dist)}/index.js`).href : workerData.url;
if (isMainThread) {
  const { channel, codecs, share } = await import(url);
  const cap = capArg;
  const [tx, rx] = channel({ capacity: cap, codec: codecs.f64 });
  const ws = [];
  for (let p = 0; p < P; p++) ws.push(new Worker(new URL(import.meta.url), { workerData: { role: "p", p, w: { tx: share(tx) }, url, N, P, C }, argv: process.argv.slice(2) }));
  for (let c = 0; c < C; c++) ws.push(new Worker(new URL(import.meta.url), { workerData: { role: "c", c, w: { rx: share(rx) }, url, N, P, C }, argv: process.argv.slice(2) }));
  tx.close(); rx.close();
  const res = await Promise.all(ws.map((x) => new Promise((r, j) => { x.once("message", r); x.once("error", j); })));
  const seen = new Uint8Array(P * N); let dup = 0, fifo = 0, total = 0;
  for (const r of res.filter((r) => r.role === "c")) { fifo += r.fifo; total += r.got.length; for (const v of r.got) { if (seen[v]) dup++; seen[v] = 1; } }
  const slices = res.reduce((a, r) => a + r.slices, 0); const who = res.map((r, i) => (r.slices ? `${r.role}${i}:${r.slices}` : "")).filter(Boolean).join(" ");
  const missing = seen.reduce((a, b) => a + (b ? 0 : 1), 0);
  console.log(`cap ${cap} P${P} C${C}: received ${total}/${P * N}, missing ${missing}, dup ${dup}, fifo violations ${fifo}, 100ms park slices that timed out: ${slices} ${who}`);
  process.exit(missing || dup || fifo ? 1 : 0);
} else {
  let slices = 0;
  const w0 = Atomics.wait;
  Atomics.wait = function (a, i, v, t) { const r = w0.call(Atomics, a, i, v, t); if (r === "timed-out" && t >= 50) slices++; return r; };
  const { revive } = await import(workerData.url);
  const { role, N, P } = workerData;
  let seed = (workerData.p ?? 100 + workerData.c) * 7919 + 1;
  const rnd = (m) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % m);
  if (role === "p") {
    const tx = revive(workerData.w.tx);
    const base = workerData.p * N;
    for (let i = 0; i < N; ) {
      if (rnd(4) === 0) { tx.send(base + i); i++; continue; }
      const k = Math.min(1 + rnd(300), N - i);
      const b = new Array(k); for (let j = 0; j < k; j++) b[j] = base + i + j;
      tx.sendMany(b); i += k;
    }
    tx.close();
    parentPort.postMessage({ role, slices });
  } else {
    const rx = revive(workerData.w.rx);
    const got = []; const last = new Array(P).fill(-1); let fifo = 0;
    for (;;) {
      let arr;
      try { arr = rnd(4) === 0 ? [rx.recv()] : rx.recvMany(1 + rnd(400)); } catch (e) { if (e.name === "RecvError") break; throw e; }
      for (const v of arr) { const p = Math.floor(v / N); if (v <= last[p]) fifo++; last[p] = v; got.push(v); }
    }
    parentPort.postMessage({ role, got, fifo, slices });
  }
}
