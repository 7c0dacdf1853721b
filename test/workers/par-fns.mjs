/**
 * User functions for the parallel helpers' tests, named by this module's URL + export.
 * `mark` records each call in shared memory handed over as worker environment data (module scope
 * is per worker, so each worker reads it once here): hits[i] += 1, and the x values are summed.
 */
import { getEnvironmentData } from "node:worker_threads";

export const square = (x) => x * x;
export const affine = (x, i) => 2 * x + i;
export const add = (a, b) => a + b;
export const max = (a, b) => Math.max(a, b);
export const xor = (a, b) => a ^ b;
export const asyncSquare = async (x) => x * x;
export const notAFunction = 42;
export function boom(x, i) {
  if (i === 777) throw new RangeError(`boom at ${i}`);
  return x;
}
/** Busy for 50 µs per call: lets a test abort a job while chunks are running. */
export function slow(x) {
  const until = performance.now() + 0.05;
  while (performance.now() < until);
  return x;
}

const hitsBuffer = getEnvironmentData("weft-test-par-hits");
const hits = hitsBuffer ? new Int32Array(hitsBuffer) : undefined;
export function mark(x, i) {
  Atomics.add(hits, i, 1);
}

/**
 * For join(): both tasks meet at a rendezvous in shared memory. Each bumps `words[0]` and waits
 * (up to 5 s) until both have arrived: returns true only if the other task ran at the same time.
 */
export function rendezvous(words, label) {
  Atomics.add(words, 0, 1);
  Atomics.notify(words, 0);
  const deadline = performance.now() + 5000;
  for (let v; (v = Atomics.load(words, 0)) < 2; ) {
    if (performance.now() > deadline) return `${label}: alone`;
    Atomics.wait(words, 0, v, 50);
  }
  return `${label}: met`;
}
export async function fail(message) {
  throw new TypeError(message);
}
/** Not a number: parallel.reduce must refuse what it returns. */
export const concat = (a, b) => `${a},${b}`;

/** Ends its worker at index 500 (a task's worker dying mid-job). */
export function exitAt500(x, i) {
  if (i === 500) process.exit(9);
  return x;
}
/** Forgot its `return`: parallel.map must not store NaNs for it. */
export function noReturn(x) {
  void (x * 2);
}
