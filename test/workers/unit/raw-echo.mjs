/**
 * A plain `new Worker(...)` (not spawn) for share/revive tests: every message is a `share()` wire.
 * { op: "touch", value } → revives value, reports what it got, writes through every primitive,
 * and posts `share({ value, report })` back. { op: "lockAndExit", value } → locks value.mutex and
 * exits without unlocking.
 */
import { parentPort } from "node:worker_threads";
import * as weft from "../../../dist/index.js";

const { revive, share } = weft;
const kindOf = (v) =>
  ["Mutex", "RwLock", "Condvar", "Once", "Semaphore", "Barrier", "WaitGroup", "AtomicI32", "AtomicU32", "AtomicBool", "AtomicI64", "AtomicU64"].find(
    (k) => v instanceof weft[k],
  ) ?? typeof v;

parentPort.on("message", (msg) => {
  try {
    const { op, value } = revive(msg);
    if (op === "lockAndExit") {
      value.mutex.lock();
      process.exit(0);
    }
    const p = value;
    const report = {
      kinds: Object.fromEntries(Object.entries(p.all).map(([k, v]) => [k, kindOf(v)])),
      deep: kindOf(p.nested.a[0][1].b.c),
      sameRef: p.refA === p.refB && p.refA === p.nested.a[0][1].b.c,
      cycle: p.cyc.self === p.cyc && p.cyc.list[0] === p.cyc,
      guardedKinds: p.all.mutex.withLock((v) => [kindOf(v.counter), v.counter instanceof Int32Array, kindOf(v.inner)]),
      plain: p.plain,
    };
    const a = p.all;
    a.mutex.withLock((v) => {
      v.counter[0] = 11;
      v.inner.store(12);
    });
    a.rwlock.withWrite((v) => (v[0] = 44));
    a.condvar.notifyAll();
    a.once.callOnce(() => {});
    a.semaphore.acquire(1);
    a.barrier.wait({ timeout: 10_000 });
    a.waitgroup.done();
    a.i32.store(-22);
    a.u32.store(0xfffffffe);
    a.bool.store(true);
    a.i64.store(-(2n ** 60n));
    p.typed[0] = 55;
    parentPort.postMessage(share({ value: p, report }));
  } catch (e) {
    parentPort.postMessage({ error: `${e.name}: ${e.message}` });
  }
});
