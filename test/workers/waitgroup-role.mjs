import { rng, pick, nap, work, awaitFlag } from "./_util.mjs";
/**
 * WaitGroup roles. A "task" finishes `units` units (each counted beforehand by the test's
 * `add`); each unit first adds `extra` sub-units of its own (legal: its unit keeps the count
 * above 0), finishes them, then itself. Every finish bumps ctl[0] *before* `done()`. With
 * `holdLast`, the task's very last unit waits for ctl[1] before it finishes (so the test can start
 * waiters while exactly one unit is outstanding).
 * A "waiter" bumps ctl[2], waits in the style `mode`, and returns ctl[0] as it saw it right after.
 */
export default async function waitgroupRole(role, wg, ctl, units, extra, mode, seed, holdLast) {
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
      if (holdLast && u === units - 1) awaitFlag(ctl, 1, 60_000);
      Atomics.add(ctl, 0, 1);
      wg.done();
    }
    return -1;
  }
  Atomics.add(ctl, 2, 1);
  if (mode === "wait") wg.wait();
  else if (mode === "waitTimeout") wg.wait({ timeout: 60_000 });
  else await wg.waitAsync();
  return Atomics.load(ctl, 0);
}
