/**
 * Takes something and holds it until released. ctl[0] is set once held, ctl[1] releases it.
 * kind: "mutex" | "rwlock-w" | "rwlock-r" | "semaphore" | "once" | "send" (sends `arg` on
 * `prim` once released) | "recv" (receives once released: frees room on a full channel).
 */
const HELD = 0, RELEASE = 1;
const set = (c, i) => { Atomics.store(c, i, 1); Atomics.notify(c, i); };
/** Holds until released, or for at most ctl[2] ms (default 60 s): a caller that wrongly blocks its
 * own thread waiting for us cannot then hang the test, it only measures the block. */
const park = (c) => {
  set(c, HELD);
  const end = performance.now() + (Atomics.load(c, 2) || 60_000);
  while (Atomics.load(c, RELEASE) === 0 && performance.now() < end) Atomics.wait(c, RELEASE, 0, 50);
};

export default function holder(prim, kind, ctl, arg) {
  switch (kind) {
    case "mutex": { const g = prim.lock(); park(ctl); g.unlock(); break; }
    case "rwlock-w": { const g = prim.write(); park(ctl); g.unlock(); break; }
    case "rwlock-r": { const g = prim.read(); park(ctl); g.unlock(); break; }
    case "semaphore": prim.acquire(); park(ctl); prim.release(); break;
    case "once": prim.callOnce(() => park(ctl)); break;
    case "send": park(ctl); prim.send(arg); break;
    case "recv": park(ctl); return prim.recv();
    default: throw new Error(`unknown kind ${kind}`);
  }
  return "released";
}
