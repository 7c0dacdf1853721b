import { awaitFlag } from "./_util.mjs";
import { attemptMany } from "./attempt.mjs";
/**
 * While another thread holds `prim`: makes `attempts` (each must time out, abort, or find it
 * taken), reports them done in ctl[2], waits for the release (ctl[1]), then uses the primitive
 * normally `iters` times, counting in `data`: [0] uses · [1] threads inside · [2] violations.
 */
const RELEASE = 1, ATTEMPTED = 2;

function enter(data, limit) {
  if (Atomics.add(data, 1, 1) + 1 > limit) Atomics.add(data, 2, 1);
  const x = data[0];
  data[0] = x + 1;
  Atomics.sub(data, 1, 1);
}

export async function use(prim, kind, data, permits, i) {
  switch (kind) {
    case "mutex": {
      const g = i % 2 ? await prim.lockAsync() : prim.lock();
      enter(data, 1);
      g.unlock();
      return;
    }
    case "rwlock-w":
    case "rwlock-r": {
      // Write first: after an aborted writeAsync a read first can be stranded by the RwLock bug
      // shown in rwlock.prop.test.ts ("an aborted writeAsync"); that test covers it on its own.
      const g = i % 2 ? await prim.writeAsync() : prim.write();
      enter(data, 1);
      g.unlock();
      const r = i % 3 ? prim.read() : await prim.readAsync();
      r.unlock();
      return;
    }
    case "semaphore": {
      if (i % 2) await prim.acquireAsync(1);
      else prim.acquire(1);
      // Permits can be in use by several threads: count under them atomically.
      if (Atomics.add(data, 1, 1) + 1 > permits) Atomics.add(data, 2, 1);
      Atomics.add(data, 0, 1);
      Atomics.sub(data, 1, 1);
      prim.release(1);
      return;
    }
    case "once":
      prim.callOnce(() => Atomics.add(data, 2, 1));
      Atomics.add(data, 0, 1);
      return;
    case "waitgroup":
      if (i % 2) await prim.waitAsync();
      else prim.wait();
      Atomics.add(data, 0, 1);
      return;
  }
  throw new Error(`unknown kind ${kind}`);
}

export default async function contend(prim, kind, ctl, data, attempts, iters, permits) {
  const results = await attemptMany(prim, attempts);
  Atomics.add(ctl, ATTEMPTED, 1);
  Atomics.notify(ctl, ATTEMPTED);
  awaitFlag(ctl, RELEASE, 60_000);
  for (let i = 0; i < iters; i++) await use(prim, kind, data, permits, i);
  return results;
}
