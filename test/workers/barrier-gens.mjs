import { rng, pick, work } from "./_util.mjs";
/**
 * Passes a Barrier of `parties` parties `gens` times. Before each wait it counts itself in
 * `arrived[g]`; once released it checks that all `parties` had arrived for that generation
 * (nobody was let through early), counts itself in `left[g]`, and in `leaders[g]` if it led.
 * Returns how many early releases it saw.
 */
const MODES = ["wait", "waitTimeout", "waitAsync"];

export default async function barrierGens(barrier, arrived, left, leaders, parties, gens, mode, seed, spin) {
  const r = rng(seed);
  let early = 0;
  for (let g = 0; g < gens; g++) {
    work(pick(r, spin + 1));
    Atomics.add(arrived, g, 1);
    const m = mode === "mixed" ? MODES[pick(r, MODES.length)] : mode;
    const res = m === "wait" ? barrier.wait() : m === "waitTimeout" ? barrier.wait({ timeout: 60_000 }) : await barrier.waitAsync();
    if (Atomics.load(arrived, g) !== parties) early++;
    if (res.isLeader) Atomics.add(leaders, g, 1);
    Atomics.add(left, g, 1);
  }
  return early;
}
