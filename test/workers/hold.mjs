import { awaitFlag, setFlag } from "./_util.mjs";
/**
 * Holds a primitive until told to let go: ctl[0] is set once held, ctl[1] releases it.
 * kind: "mutex" | "rwlock-w" | "rwlock-r" | "semaphore" (takes `arg` permits) | "once" (its
 * function runs until released) | "waitgroup" (calls done() once released).
 */
const HELD = 0, RELEASE = 1;

export default async function hold(prim, kind, ctl, arg) {
  const park = () => {
    setFlag(ctl, HELD);
    awaitFlag(ctl, RELEASE, 60_000);
  };
  switch (kind) {
    case "mutex": { const g = prim.lock(); park(); g.unlock(); break; }
    case "rwlock-w": { const g = prim.write(); park(); g.unlock(); break; }
    case "rwlock-r": { const g = prim.read(); park(); g.unlock(); break; }
    case "semaphore": prim.acquire(arg); park(); prim.release(arg); break;
    case "once": prim.callOnce(park); break;
    case "waitgroup": park(); prim.done(); break;
    default: throw new Error(`unknown kind ${kind}`);
  }
  return "released";
}
