import { errName } from "./_util.mjs";
/**
 * Waits for a primitive whose holder is about to die, and reports how the wait ended:
 * `{ error, guardHeld, value, ms, wokeAt }` (wokeAt: wall-clock ms). ctl[2] counts waiters about to wait. On PoisonError the guard
 * (which holds the lock) is checked and unlocked.
 * op: "lock" | "lockAsync" | "write" | "writeAsync" | "read" | "readAsync" | "callOnce" | "callOnceAsync"
 */
export default async function poisonWaiter(prim, op, ctl) {
  Atomics.add(ctl, 2, 1);
  Atomics.notify(ctl, 2);
  const t0 = performance.now();
  try {
    const r = await call(prim, op);
    r?.unlock?.();
    return { error: null, guardHeld: false, value: null, ms: performance.now() - t0, wokeAt: performance.timeOrigin + performance.now() };
  } catch (e) {
    const ms = performance.now() - t0;
    // Wall-clock time (each thread's performance.now() has its own origin).
    const wokeAt = performance.timeOrigin + performance.now();
    let guardHeld = false, value = null;
    if (e?.guard) {
      // A held guard reads its value; an unlocked one throws LockError.
      value = e.guard.value?.[0] ?? null;
      guardHeld = true;
      e.guard.unlock();
    }
    return { error: errName(e), guardHeld, value, ms, wokeAt };
  }
}

function call(p, op) {
  switch (op) {
    case "lock": return p.lock();
    case "lockAsync": return p.lockAsync();
    case "write": return p.write();
    case "writeAsync": return p.writeAsync();
    case "read": return p.read();
    case "readAsync": return p.readAsync();
    case "callOnce": return p.callOnce(() => { throw new Error("a waiter's Once function ran"); });
    case "callOnceAsync": return p.callOnceAsync(() => { throw new Error("a waiter's Once function ran"); });
  }
  throw new Error(`unknown op ${op}`);
}
