/** Takes the write lock once (blocking) and reports how long it waited. */
export default function writer(rw, started, timeout = 1500) {
  Atomics.store(started, 0, 1);
  const t0 = performance.now();
  const g = rw.write({ timeout });
  g.unlock();
  return performance.now() - t0;
}
