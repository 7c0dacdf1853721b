/**
 * Run as `node xreg-worker-first.mjs <dist>` by samechannel-cross-registry.test.ts: the main thread
 * starts a worker *before* it loads weft (so the worker inherits no registry and makes its own),
 * the worker makes eight channels, then revives a receiver of a channel the main thread made. The
 * worker has no slot yet, so `adoptRegistry` switches it to the main thread's registry — whose
 * channel ids start over. Prints which of the worker's receivers say they are the same channel.
 */
import { Worker } from "node:worker_threads";
const dist = process.argv[2];
const code = `
const { parentPort } = require("node:worker_threads");
import(${JSON.stringify(dist)}).then((weft) => {
  const mine = [];
  for (let i = 0; i < 8; i++) mine.push(weft.channel()[1]);
  parentPort.postMessage("ready");
  parentPort.once("message", (wire) => {
    const theirs = weft.revive(wire);
    const hits = mine.map((r, i) => (r.sameChannel(theirs) ? i : -1)).filter((i) => i >= 0);
    parentPort.postMessage(JSON.stringify({ hits }));
  });
});`;
const w = new Worker(code, { eval: true });
await new Promise((r) => w.once("message", r));
const weft = await import(dist);
const [, rx] = weft.channel();
w.postMessage(weft.share(rx));
const res = await new Promise((r) => w.once("message", r));
process.stdout.write(String(res));
await w.terminate();
