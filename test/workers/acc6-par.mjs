/**
 * User functions for test/acceptance/rayon-iter.test.ts (parallel.map / forEach / reduce), named
 * by export. `inspect` adds to a shared counter handed over as worker environment data
 * ("acc6-inspect": a SharedArrayBuffer of 2 Float64 words, [sum of x, calls]), read once per worker.
 */
import { getEnvironmentData } from "node:worker_threads";

export const plusOne = (x) => x + 1;
export const identity = (x) => x;
export const index = (_x, i) => i;
export const add = (a, b) => a + b;
export const min = (a, b) => Math.min(a, b);
export const max = (a, b) => Math.max(a, b);
/** Associative, not commutative, identity -1: the first element that is not -1 ("first"). */
export const first = (a, b) => (a === -1 ? b : a);
/** Associative, not commutative, identity -1: the last element that is not -1 ("last"). */
export const last = (a, b) => (b === -1 ? a : b);

const buf = getEnvironmentData("acc6-inspect");
const counter = buf ? new Int32Array(buf) : undefined;
/** inspect(|&i| a.fetch_add(i)): counter[0] += x, counter[1] += 1 (x are small integers). */
export function inspect(x) {
  Atomics.add(counter, 0, x);
  Atomics.add(counter, 1, 1);
}
