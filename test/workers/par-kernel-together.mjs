/**
 * Runs one kernel of dist/kernels.js in a spawned worker once `parties` workers have arrived at the
 * barrier word `go` (so they really run at the same time): default export (go, parties, kernel, ...args).
 */
import * as kernels from "../../dist/kernels.js";

export default async function runTogether(go, parties, kernel, ...args) {
  Atomics.add(go, 0, 1);
  Atomics.notify(go, 0);
  const deadline = performance.now() + 10_000;
  for (let v; (v = Atomics.load(go, 0)) < parties; ) {
    if (performance.now() > deadline) throw new Error(`only ${v} of ${parties} workers arrived`);
    Atomics.wait(go, 0, v, 50);
  }
  return kernels[kernel](...args);
}
