import { rng, pick, nap, work } from "./_util.mjs";
/**
 * WaitGroup roles. A "task" finishes `units` units (each counted beforehand by the test's
 * `add`); each unit first adds `extra` sub-units of its own (legal: its unit keeps the count
 * above 0), finishes them, then itself. Every finish bumps ctl[0] *before* `done()`.
 * A "waiter" waits in the style `mode` and returns ctl[0] as it saw it right after the wait.
 */
export default async function waitgroupRole(role, wg, ctl, units, extra, mode, seed) {
  const r = rng(seed);
  if (role === "task") {
    for (let u = 0; u < units; u++) {
      wg.add(extra);
      for (let e = 0; e < extra; e++) {
        work(pick(r, 2000));
        Atomics.add(ctl, 0, 1);
        wg.done();
      }
      if (r() < 0.3) nap(pick(r, 3));
      Atomics.add(ctl, 0, 1);
      wg.done();
    }
    return -1;
  }
  if (mode === "wait") wg.wait();
  else if (mode === "waitTimeout") wg.wait({ timeout: 60_000 });
  else await wg.waitAsync();
  return Atomics.load(ctl, 0);
}
