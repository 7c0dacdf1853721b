/**
 * Aborts a `Condvar.waitAsync` (after `abortMs`), then waits on the same condvar with the blocking
 * `wait` until the guarded flag word [0] is set. ctl[0] is set once the blocking wait is about
 * to start. Returns the flag it saw.
 */
export default async function abortThenWait(m, cv, ctl, abortMs) {
  const g = await m.lockAsync();
  const ac = new AbortController();
  setTimeout(() => ac.abort(new Error("gave up")), abortMs);
  try {
    await cv.waitAsync(g, { signal: ac.signal });
  } catch (e) {
    if (e?.message !== "gave up") throw e;
  }
  if (!g.isHeld) throw new Error("the guard is not held after the aborted wait");
  Atomics.store(ctl, 0, 1);
  Atomics.notify(ctl, 0);
  while (g.value[0] === 0) cv.wait(g);
  const v = g.value[0];
  g.unlock();
  return v;
}
