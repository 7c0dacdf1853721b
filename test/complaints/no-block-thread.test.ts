/**
 * Complaint 2: blocking waits that throw a bare TypeError on a browser main thread. weft must
 * throw BlockingNotAllowedError naming the …Async twin, and leave nothing behind. The real thing
 * runs in headless Chromium (test/browser/pages/main-thread-cases.mjs, when Chromium is there);
 * this runs everywhere: a Node process whose main thread behaves as a page's — Atomics.wait
 * throws a TypeError there, as it does on a page, before weft loads — and covers the calls the
 * browser cases do not: Once.callOnce, recvMany, sendMany, iteration, recv/select with a
 * timeout, withLock/withRead/withWrite, waitWhile, acquire(n), and a refused rendezvous recv
 * leaving no receiver counted. withLock and waitWhile name themselves and their async twins (they
 * named the call they make inside — "Mutex.lock() would block … use Mutex.lockAsync()" — until the
 * thirteenth session); withRead / withWrite name read()/write() and readAsync()/writeAsync(), the
 * async forms there are (RwLock has no withReadAsync).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const dist = new URL("../../dist/index.js", import.meta.url).href;
const holder = new URL("./workers/page-holder.mjs", import.meta.url).href;

const SCRIPT = `
const realWait = Atomics.wait;
Atomics.wait = function wait() { throw new TypeError("Atomics.wait cannot be called in this context"); };
const w = await import(${JSON.stringify(dist)});
const out = {};
const refused = (name, twin, f) => {
  try { f(); out[name] = "did not throw"; }
  catch (e) {
    out[name] = e instanceof w.BlockingNotAllowedError && e.name === "BlockingNotAllowedError" && new RegExp("(?:" + twin + ")\\(\\)").test(e.message)
      ? "ok" : e.name + ": " + e.message.slice(0, 120);
  }
};
const held = async (prim, kind) => {
  const ctl = new Int32Array(new SharedArrayBuffer(8));
  const h = w.spawn(new URL(${JSON.stringify(holder)}), prim, kind, ctl);
  while (Atomics.load(ctl, 0) === 0) await new Promise((r) => setTimeout(r, 5));
  return async () => { Atomics.store(ctl, 1, 1); Atomics.notify(ctl, 1); return h.join(); };
};

// Locks held by a worker.
const m = new w.Mutex(new Int32Array(new SharedArrayBuffer(4)));
let letGo = await held(m, "mutex");
refused("Mutex.withLock", "Mutex\\.withLockAsync", () => m.withLock(() => { throw new Error("ran"); }));
refused("Mutex.lock timeout", "lockAsync", () => m.lock({ timeout: 50 }));
out["mutex after"] = [m.isLocked, m.isPoisoned, await letGo(), m.tryLock() !== null].join();

const rw = new w.RwLock(new Int32Array(new SharedArrayBuffer(4)));
letGo = await held(rw, "rwlock-w");
refused("RwLock.withRead", "withReadAsync|readAsync", () => rw.withRead(() => 1));
refused("RwLock.withWrite", "withWriteAsync|writeAsync", () => rw.withWrite(() => 1));
out["rwlock after"] = [await letGo(), (() => { const g = rw.tryWrite(); g?.unlock(); return g !== null; })()].join();
letGo = await held(rw, "rwlock-r");
refused("RwLock.write (reader holds)", "writeAsync", () => rw.write());
out["rwlock read still free"] = (() => { const g = rw.tryRead(); g?.unlock(); return g !== null; })();
await letGo();

const once = new w.Once();
letGo = await held(once, "once");
refused("Once.callOnce", "callOnceAsync", () => once.callOnce(() => { throw new Error("ran twice"); }));
out["once after"] = [await letGo(), once.isCompleted, once.isPoisoned].join();

// Condvar, Semaphore.
{
  const mm = new w.Mutex(); const cv = new w.Condvar(); const g = mm.lock();
  refused("Condvar.waitWhile", "Condvar\\.waitWhileAsync", () => cv.waitWhile(g, () => true));
  out["condvar guard held"] = g.isHeld; g.unlock();
  const s = new w.Semaphore(3); s.acquire(2);
  refused("Semaphore.acquire(2)", "acquireAsync", () => s.acquire(2));
  out["semaphore available"] = s.available;
}

// Channels.
{
  const [tx, rx] = w.channel({ capacity: 2 });
  refused("Receiver.recvMany", "recvManyAsync", () => rx.recvMany(4));
  refused("Receiver.recv timeout", "recvAsync", () => rx.recv({ timeout: 50 }));
  refused("iteration", "recvAsync", () => { for (const v of rx) return v; });
  refused("select timeout", "selectAsync", () => w.select([rx], { timeout: 50 }));
  tx.send(1); tx.send(2);
  refused("Sender.sendMany", "sendManyAsync", () => tx.sendMany([3, 4]));
  out["channel after"] = [rx.len, rx.recv(), rx.recv(), rx.isEmpty].join();
  const [rtx, rrx] = w.channel({ capacity: 0 });
  refused("rendezvous recv", "recvAsync", () => rrx.recv());
  let ts; try { rtx.trySend(9); ts = "sent to nobody"; } catch (e) { ts = e.name + ":" + (e.isFull ? "full" : e.message); }
  out["trySend after refused rendezvous recv"] = ts;
  let tr; try { tr = rrx.tryRecv(); } catch (e) { tr = e.name; }
  out["tryRecv after"] = tr;
}
Atomics.wait = realWait;
console.log(JSON.stringify(out));
`;

describe("complaint 2: on a thread that cannot block, blocking calls throw BlockingNotAllowedError naming the async twin", () => {
  it("a Node main thread made to behave like a page's: every refused call is typed, names its twin, and leaves nothing behind", async () => {
    const dir = mkdtempSync(join(tmpdir(), "weft-page-"));
    try {
      writeFileSync(join(dir, "page.mjs"), SCRIPT);
      const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile(process.execPath, [join(dir, "page.mjs")], { timeout: 40_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as any).code ?? 1) : 0, stdout, stderr })),
      );
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
      const out = JSON.parse(r.stdout);
      const refusedNames = Object.keys(out).filter((k) => !/after|still|held|available/.test(k));
      expect(refusedNames.length).toBe(14);
      for (const k of refusedNames) expect(out[k], k).toBe("ok");
      expect(out).toMatchObject({
        "mutex after": "true,false,released,true",
        "rwlock after": "released,true",
        "rwlock read still free": true,
        "once after": "released,true,false",
        "condvar guard held": true,
        "semaphore available": 1,
        "channel after": "2,1,2,true",
        "trySend after refused rendezvous recv": "TrySendError:full",
        "tryRecv after": "TryRecvError",
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
