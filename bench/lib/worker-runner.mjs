/**
 * Entry of every benchmark worker: loads the suite's worker module, sets up the requested kind
 * (off the clock), then runs rounds on the harness's signal (see harness.mjs for the protocol).
 */
import { workerData, parentPort } from "node:worker_threads";
import { READY, GO, DONE, ERR, STOP } from "./harness.mjs";

const { module, kind, shared, local, iters, index, threads, ctrl } = workerData;

function fail(e) {
  parentPort.postMessage({ error: `[${kind} #${index}] ${e?.stack ?? e}` });
  Atomics.store(ctrl, ERR, 1);
  Atomics.add(ctrl, READY, 1);
  Atomics.notify(ctrl, READY);
  Atomics.add(ctrl, DONE, 1);
  Atomics.notify(ctrl, DONE);
}

try {
  const mod = await import(module);
  const make = mod.kinds?.[kind];
  if (typeof make !== "function") throw new Error(`${module} has no kind ${JSON.stringify(kind)}`);
  const round = await make({ shared, local, iters, index, threads });
  for (let r = 1; ; r++) {
    Atomics.add(ctrl, READY, 1);
    Atomics.notify(ctrl, READY);
    let go;
    while ((go = Atomics.load(ctrl, GO)) !== STOP && go < r) Atomics.wait(ctrl, GO, go);
    if (go === STOP) break;
    const p = round();
    if (p !== undefined && typeof p.then === "function") await p;
    Atomics.add(ctrl, DONE, 1);
    Atomics.notify(ctrl, DONE);
  }
} catch (e) {
  fail(e);
}
