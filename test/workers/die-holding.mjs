import { awaitFlag, setFlag } from "./_util.mjs";
/**
 * Takes a primitive and dies holding it. kind: "mutex" | "rwlock-w" | "once" (dies inside the
 * function). ctl[0] is set once held; the death waits for ctl[1] (except "terminate": the test
 * terminates the worker while it waits). Mutex/RwLock data word [0] is set to 42 first, so the
 * thread that recovers the poisoned lock can see the dead holder's writes.
 *
 * how: "terminate" | "exit" (process.exit(7)) | "throw" (the default export throws) |
 *   "uncaught" (an error thrown from a timer) | "rejection" (an unhandled rejection) |
 *   "return" (returns without unlocking; the worker then ends normally)
 */
const HELD = 0, GO = 1;

const forever = () => new Promise(() => {});

async function die(how) {
  switch (how) {
    case "terminate":
      awaitFlag(new Int32Array(new SharedArrayBuffer(4)), 0, 60_000); // never set: terminated meanwhile
      throw new Error("was not terminated");
    case "exit":
      process.exit(7);
    case "throw":
      throw new Error("died holding the lock");
    case "uncaught":
      setTimeout(() => {
        throw new Error("uncaught while holding the lock");
      }, 0);
      return forever();
    case "rejection":
      Promise.reject(new Error("unhandled rejection while holding the lock"));
      return forever();
    case "return":
      return "returned holding the lock";
  }
  throw new Error(`unknown death ${how}`);
}

export default async function dieHolding(prim, kind, ctl, how) {
  if (kind === "once") {
    // Async twin, so that "uncaught" and "rejection" can strike while the function is pending.
    await prim.callOnceAsync(async () => {
      setFlag(ctl, HELD);
      if (how !== "terminate") awaitFlag(ctl, GO, 60_000);
      return die(how);
    });
    return "once completed";
  }
  const g = kind === "mutex" ? prim.lock() : prim.write();
  g.value[0] = 42;
  setFlag(ctl, HELD);
  if (how !== "terminate") awaitFlag(ctl, GO, 60_000);
  return die(how);
}
