/** Holds a primitive for the simulated page (see no-block-thread.test.ts) until ctl[1]. */
const park = (c) => {
  Atomics.store(c, 0, 1); Atomics.notify(c, 0);
  const end = performance.now() + 20_000;
  while (Atomics.load(c, 1) === 0 && performance.now() < end) Atomics.wait(c, 1, 0, 50);
};
export default function pageHolder(prim, kind, ctl) {
  switch (kind) {
    case "mutex": { const g = prim.lock(); park(ctl); g.unlock(); break; }
    case "rwlock-w": { const g = prim.write(); park(ctl); g.unlock(); break; }
    case "rwlock-r": { const g = prim.read(); park(ctl); g.unlock(); break; }
    case "once": prim.callOnce(() => park(ctl)); break;
  }
  return "released";
}
