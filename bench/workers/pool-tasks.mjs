/**
 * Task functions the pool suite's pools run (weft by module + export; piscina by `name`).
 * Trivial on purpose: the suite measures the cost of a task round trip, not the work.
 */
export const inc = (x) => x + 1;
export default inc;

/** Submits `n` nested `inc` tasks through the worker's own pool and returns the sum of results. */
export async function fanOut(n) {
  const { currentPool } = await import("../../dist/index.js");
  const pool = currentPool();
  const ps = new Array(n);
  for (let i = 0; i < n; i++) ps[i] = pool.run(import.meta.url, "inc", i);
  let s = 0;
  for (const v of await Promise.all(ps)) s += v;
  return s;
}
