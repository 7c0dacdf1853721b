import { rng, pick, work } from "./_util.mjs";
/**
 * Takes `n` permits (random 0..maxN each time) `iters` times, in the style `mode`, and records
 * how many permits are in use while holding them.
 *
 * `stats` (shared Int32Array): [0] permits in use · [1] most seen in use · [2] times the use
 *   exceeded `permits` · [3] acquisitions done
 */
const MODES = ["acquire", "acquireTimeout", "acquireAsync", "tryAcquire"];

async function take(sem, n, m) {
  switch (m) {
    case "acquire": sem.acquire(n); return;
    case "acquireTimeout": sem.acquire(n, { timeout: 60_000 }); return;
    case "acquireAsync": await sem.acquireAsync(n); return;
    case "tryAcquire":
      for (let t = 1; !sem.tryAcquire(n); t++) if (t % 64 === 0) await new Promise((r) => setTimeout(r, 0));
      return;
  }
  throw new Error(`unknown mode ${m}`);
}

export default async function semaphoreUse(sem, stats, permits, iters, maxN, mode, seed, spin) {
  const r = rng(seed);
  for (let i = 0; i < iters; i++) {
    const n = pick(r, maxN + 1);
    await take(sem, n, mode === "mixed" ? MODES[pick(r, MODES.length)] : mode);
    const inUse = Atomics.add(stats, 0, n) + n;
    if (inUse > permits) Atomics.add(stats, 2, 1);
    for (let seen = Atomics.load(stats, 1); inUse > seen; seen = Atomics.load(stats, 1)) {
      if (Atomics.compareExchange(stats, 1, seen, inUse) === seen) break;
    }
    work(spin);
    Atomics.sub(stats, 0, n);
    Atomics.add(stats, 3, 1);
    sem.release(n);
  }
  return iters;
}
