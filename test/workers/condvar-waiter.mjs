/**
 * Waits on `cv` until the guarded flag word [0] is non-zero. Word [1] counts waiters that have
 * checked the flag under the lock (so the test knows when to notify). Returns the flag.
 */
export default async function condvarWaiter(m, cv, style) {
  const g = style === "async" ? await m.lockAsync() : m.lock();
  g.value[1]++;
  if (style === "async") await cv.waitWhileAsync(g, (v) => v[0] === 0);
  else cv.waitWhile(g, (v) => v[0] === 0);
  const v = g.value[0];
  g.unlock();
  return v;
}
