import { errName } from "./_util.mjs";
/**
 * Attempts from a worker, reported back as plain records (errors by name and message, since the
 * test checks them on the main thread).
 *
 * `attempt(prim, op, opts)` makes one call. `op` names it (see `call` below). `opts` is passed
 * through (`{ timeout }`), plus:
 *   abort: ms      aborts an AbortSignal after that long (async calls only: a thread blocked in a
 *                  synchronous wait cannot run the timer);
 *   preAborted     passes an already-aborted signal;
 *   reason         the abort reason's message;
 *   n              the count for acquire.
 * A guard that is obtained (also from a PoisonError) is unlocked again before returning.
 */
export async function attemptOne(prim, op, opts = {}) {
  const { abort, preAborted, reason, n, ...o } = opts;
  if (abort !== undefined || preAborted) {
    const ac = new AbortController();
    o.signal = ac.signal;
    const why = new Error(reason ?? "aborted by test");
    if (preAborted) ac.abort(why);
    else setTimeout(() => ac.abort(why), abort);
  }
  const t0 = performance.now();
  try {
    const r = await call(prim, op, o, n);
    if (r && typeof r.unlock === "function") r.unlock();
    return { ok: r !== null && r !== false, error: null, message: null, ms: performance.now() - t0 };
  } catch (e) {
    if (e && e.guard && typeof e.guard.unlock === "function") e.guard.unlock();
    return { ok: false, error: errName(e), message: String(e?.message ?? e), ms: performance.now() - t0 };
  }
}

function call(p, op, o, n) {
  switch (op) {
    case "lock": return p.lock(o);
    case "lockAsync": return p.lockAsync(o);
    case "tryLock": return p.tryLock();
    case "withLock": return p.withLock(() => true, o);
    case "withLockAsync": return p.withLockAsync(async () => true, o);
    case "read": return p.read(o);
    case "readAsync": return p.readAsync(o);
    case "tryRead": return p.tryRead();
    case "write": return p.write(o);
    case "writeAsync": return p.writeAsync(o);
    case "tryWrite": return p.tryWrite();
    case "acquire": p.acquire(n ?? 1, o); return true;
    case "acquireAsync": return p.acquireAsync(n ?? 1, o).then(() => true);
    case "callOnce": p.callOnce(() => { throw new Error("a contender's Once function ran"); }, o); return true;
    case "callOnceAsync": return p.callOnceAsync(() => { throw new Error("a contender's Once function ran"); }, o).then(() => true);
    case "barrierWait": return p.wait(o);
    case "barrierWaitAsync": return p.waitAsync(o);
    case "wgWait": p.wait(o); return true;
    case "wgWaitAsync": return p.waitAsync(o).then(() => true);
  }
  throw new Error(`unknown op ${op}`);
}

/**
 * Runs a list of attempts: the synchronous ones one after another first (each blocks this
 * thread), then the async ones all at once. Returns their records in the given order.
 */
export async function attemptMany(prim, list) {
  const out = new Array(list.length);
  const isAsync = (a) => /Async$/.test(a.op);
  for (let i = 0; i < list.length; i++) if (!isAsync(list[i])) out[i] = await attemptOne(prim, list[i].op, list[i].opts);
  await Promise.all(list.map(async (a, i) => {
    if (isAsync(a)) out[i] = await attemptOne(prim, a.op, a.opts);
  }));
  return out;
}

export default function attempt(prim, op, opts) {
  return attemptOne(prim, op, opts);
}
