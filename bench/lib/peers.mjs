/**
 * Loading peer libraries measured alongside weft.
 */
import os from "node:os";

/**
 * `multithreading@0.3.52` reads `navigator.hardwareConcurrency` and calls `Promise.withResolvers`
 * at import time / on use; Node 20 has neither. Shim them (here, for the benchmarks only) and
 * import the library.
 */
export async function loadMultithreading() {
  globalThis.navigator ??= { hardwareConcurrency: os.availableParallelism?.() ?? os.cpus().length };
  Promise.withResolvers ??= function withResolvers() {
    let resolve, reject;
    const promise = new this((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
  return import("multithreading");
}
