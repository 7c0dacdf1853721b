/** Runs one kernel of dist/kernels.js in a spawned worker: default export (kernel, ...args). */
import * as kernels from "../../dist/kernels.js";

export default async function runKernel(kernel, ...args) {
  return kernels[kernel](...args);
}
