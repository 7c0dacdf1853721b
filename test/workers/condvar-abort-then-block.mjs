import { awaitFlag, setFlag } from "./_util.mjs";
/**
 * Aborts a `Condvar.waitAsync` (after `abortMs`) and unlocks; then sets ctl[0] and stays busy —
 * blocked until ctl[1] is set — as a thread does that moved on to blocking work. Returns "done".
 */
export default async function abortThenBlock(m, cv, ctl, abortMs) {
  const g = await m.lockAsync();
  const ac = new AbortController();
  setTimeout(() => ac.abort(new Error("gave up")), abortMs);
  try {
    await cv.waitAsync(g, { signal: ac.signal });
  } catch (e) {
    if (e?.message !== "gave up") throw e;
  }
  g.unlock();
  setFlag(ctl, 0);
  awaitFlag(ctl, 1, 60_000);
  return "done";
}
