import { rng, pick, work } from "./_util.mjs";
/**
 * A bounded buffer: one Mutex guarding a ring in an Int32Array, a `notEmpty` and a `notFull`
 * Condvar. Producers put `count` items `(id << 16) | seq`; consumers take until all `total` items
 * are taken, counting each item they get in `seen` (an unguarded shared Int32Array indexed by
 * `id * stride + seq`).
 *
 * Ring words: [0] head · [1] tail · [2] items in the ring · [3] items taken so far · [4] capacity ·
 *   [5..5+capacity) slots
 */
export const HEAD = 0, TAIL = 1, LEN = 2, TAKEN = 3, CAP = 4, SLOTS = 5;
const WAIT_MODES = ["wait", "waitWhile", "waitTimeout", "waitAsync", "waitWhileAsync"];

/** Waits on `cv` while `blocked(ring)`, in the style `m`. */
async function waitFor(cv, g, blocked, m, r) {
  switch (m) {
    case "wait":
      while (blocked(g.value)) cv.wait(g);
      return;
    case "waitWhile":
      cv.waitWhile(g, blocked);
      return;
    case "waitTimeout":
      // Short timeouts: many waits end by timing out (false) and must hold the lock again.
      while (blocked(g.value)) {
        cv.wait(g, { timeout: pick(r, 4) });
        if (!g.isHeld) throw new Error("Condvar.wait returned without the lock");
      }
      return;
    case "waitAsync":
      while (blocked(g.value)) await cv.waitAsync(g);
      return;
    case "waitWhileAsync":
      await cv.waitWhileAsync(g, blocked);
      return;
  }
  throw new Error(`unknown wait mode ${m}`);
}

const full = (ring) => ring[LEN] === ring[CAP];
const emptyButMore = (total) => (ring) => ring[LEN] === 0 && ring[TAKEN] < total;

export default async function condvarBuffer(role, id, mutex, notEmpty, notFull, seen, stride, count, total, mode, notify, seed, spin) {
  const r = rng(seed);
  const style = () => (mode === "mixed" ? WAIT_MODES[pick(r, WAIT_MODES.length)] : mode);
  const wake = (cv) => (notify === "all" || (notify === "mixed" && r() < 0.5) ? cv.notifyAll() : cv.notifyOne());
  if (role === "producer") {
    for (let seq = 0; seq < count; seq++) {
      const g = mode.endsWith("Async") || mode === "mixed" ? await mutex.lockAsync() : mutex.lock();
      await waitFor(notFull, g, full, style(), r);
      const ring = g.value;
      ring[SLOTS + ring[TAIL]] = (id << 16) | seq;
      ring[TAIL] = (ring[TAIL] + 1) % ring[CAP];
      ring[LEN]++;
      wake(notEmpty);
      g.unlock();
      work(spin);
    }
    return { produced: count };
  }
  // Consumer: per-producer FIFO holds for what one consumer sees (the ring is FIFO).
  const last = new Map();
  let got = 0, fifoViolations = 0;
  for (;;) {
    const g = mode.endsWith("Async") || mode === "mixed" ? await mutex.lockAsync() : mutex.lock();
    await waitFor(notEmpty, g, emptyButMore(total), style(), r);
    const ring = g.value;
    if (ring[LEN] === 0) {
      // Everything was taken: make sure every other consumer sees that too.
      notEmpty.notifyAll();
      g.unlock();
      break;
    }
    const item = ring[SLOTS + ring[HEAD]];
    ring[HEAD] = (ring[HEAD] + 1) % ring[CAP];
    ring[LEN]--;
    ring[TAKEN]++;
    if (ring[TAKEN] === total) notEmpty.notifyAll();
    wake(notFull);
    g.unlock();
    const p = item >>> 16, seq = item & 0xffff;
    if ((last.get(p) ?? -1) >= seq) fifoViolations++;
    last.set(p, seq);
    Atomics.add(seen, p * stride + seq, 1);
    got++;
    work(spin);
  }
  return { consumed: got, fifoViolations };
}
