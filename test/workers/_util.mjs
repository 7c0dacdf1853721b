/** Helpers shared by the property tests' worker modules (not a worker module itself). */

/** mulberry32: a small deterministic PRNG, so a run's choices replay from its seed. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in 0..n-1. */
export const pick = (r, n) => Math.floor(r() * n);

let sink = 0;
/** Busy work of about `n` steps that the compiler cannot drop: widens race windows. */
export function work(n) {
  let x = sink;
  for (let i = 0; i < n; i++) x = (x * 31 + i) | 0;
  sink = x;
  return x;
}

const napWord = new Int32Array(new SharedArrayBuffer(4));
/** Sleeps `ms` milliseconds (blocking: workers only). */
export const nap = (ms) => Atomics.wait(napWord, 0, 0, ms);

/** Blocks until `words[i]` is non-zero (or `ms` passes: then throws). */
export function awaitFlag(words, i, ms = 20_000) {
  const end = performance.now() + ms;
  while (Atomics.load(words, i) === 0) {
    const left = end - performance.now();
    if (left <= 0) throw new Error(`flag ${i} was not set within ${ms} ms`);
    Atomics.wait(words, i, 0, Math.min(left, 50));
  }
}

/** Sets `words[i]` to `v` (default 1) and wakes every thread waiting on it. */
export function setFlag(words, i, v = 1) {
  Atomics.store(words, i, v);
  Atomics.notify(words, i);
}

/** Name of an error, for results posted back to the test (which checks the class). */
export const errName = (e) => (e && typeof e === "object" && "name" in e ? e.name : typeof e);
