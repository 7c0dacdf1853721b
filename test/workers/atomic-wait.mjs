/**
 * Waits on an atomic while it holds `expected` (blocking or async, with `timeout`), and reports
 * the outcome and the value seen after. ready[0] is bumped just before the wait.
 */
export default async function atomicWait(atom, expected, style, timeout, ready) {
  Atomics.add(ready, 0, 1);
  const opts = timeout === null ? undefined : { timeout };
  for (;;) {
    const r = style === "async" ? await atom.waitAsync(expected, opts) : atom.wait(expected, opts);
    const v = atom.load();
    // Wake-ups may be spurious: keep waiting until the value changed (or timed out).
    if (r === "timed-out" || v !== expected) return { r, v: typeof v === "bigint" ? v.toString() : v };
  }
}
