/**
 * Blocks in one synchronous weft call (a worker may block). ctl[0] is set right before the call.
 * Returns what the call returned (or the error's name).
 */
export default function blocker(prim, kind, ctl, extra) {
  Atomics.store(ctl, 0, 1);
  Atomics.notify(ctl, 0);
  try {
    switch (kind) {
      case "mutex": { const g = prim.lock(); g.unlock(); return "locked"; }
      case "rwlock-w": { const g = prim.write(); g.unlock(); return "written"; }
      case "rwlock-r": { const g = prim.read(); g.unlock(); return "read"; }
      case "condvar": { const g = extra.lock(); prim.wait(g); g.unlock(); return "notified"; }
      case "semaphore": prim.acquire(); return "acquired";
      case "barrier": prim.wait(); return "passed";
      case "waitgroup": prim.wait(); return "done";
      case "once": prim.callOnce(() => { throw new Error("ran twice"); }); return "completed";
      case "atomic": return prim.wait(0);
      case "recv": return prim.recv();
      case "send": prim.send(extra); return "sent";
      default: throw new Error(`unknown kind ${kind}`);
    }
  } catch (e) {
    return e?.name ?? String(e);
  }
}
