/**
 * Reports `[id, -1]` on `out` once started, then receives timestamps (ms since the epoch) on `rx`
 * until it disconnects; for each, reports `[id, delay in ms]` on `out`, then stays busy for
 * `busyMs` without receiving. Returns the count.
 */
export default function (rx, out, id, busyMs) {
  out.send([id, -1]);
  let n = 0;
  for (const t of rx) {
    out.send([id, performance.timeOrigin + performance.now() - t]);
    n++;
    const until = performance.now() + busyMs;
    while (performance.now() < until);
  }
  out.close();
  return n;
}
