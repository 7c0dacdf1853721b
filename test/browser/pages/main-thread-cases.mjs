/**
 * The page's own thread may not block (Atomics.wait throws there): every blocking call that would
 * have to wait throws BlockingNotAllowedError naming its …Async twin, leaves the primitive as it
 * was, and the try/async forms work. Timeouts and AbortSignal on the async forms.
 */
import {
  AtomicI32, Barrier, BlockingNotAllowedError, Condvar, Mutex, RwLock, Semaphore, TimeoutError,
  TrySendError, TryRecvError, WaitGroup, channel, codecs, select, selectAsync, share,
} from "/dist/index.js";
import { check, eq, rejects, throws, withWorkers } from "./harness.mjs";

const blocked = (what, twin) => new RegExp(`^${what.replace(/\./g, "\\.")}\\(\\) would block.*use ${twin.replace(/\./g, "\\.")}\\(\\) instead`, "s");

/** A worker holds `m` (or `rw` for writing) until the returned release() is called. */
async function heldByWorker(ws, role, value) {
  const held = new AtomicI32(0), release = new AtomicI32(0);
  const done = ws.run(role, { ...value, held, release });
  await held.waitAsync(0, { timeout: 10_000 });
  eq(held.load(), 1, "the worker took the lock");
  return { done, release: () => (release.store(1), release.notify()) };
}

export const cases = [
  ["the page is a thread that cannot block, under a CSP without eval", async () => {
    check(crossOriginIsolated === true, "the page is cross-origin isolated");
    check(typeof process === "undefined", "no Node globals here: weft loaded without them");
    check(typeof Atomics.waitAsync === "function", "Atomics.waitAsync exists (the async forms use it, not the polling fallback)");
    throws(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 0), TypeError, undefined, "Atomics.wait on the page");
    // Every case runs under script-src 'self' (no eval, no blob: workers): weft needs neither.
    throws(() => new Function("return 1"), EvalError, undefined, "new Function under the page's CSP");
  }],

  ["Mutex on the page: uncontended lock() works; a held one throws BlockingNotAllowedError naming lockAsync; tryLock works", async () => {
    const m = new Mutex(new Int32Array(new SharedArrayBuffer(4)));
    const g = m.lock(); // free: the fast path never parks
    g.value[0] = 7;
    g.unlock();
    await withWorkers(share, 1, async ([w]) => {
      const held = new AtomicI32(0);
      const holder = w.run("holdLock", { m, held });
      holder.catch(() => {});
      await held.waitAsync(0, { timeout: 10_000 });
      eq(held.load(), 1, "the worker holds the lock");
      const e = throws(() => m.lock(), BlockingNotAllowedError, blocked("Mutex.lock", "Mutex.lockAsync"), "lock() while a worker holds it");
      check(e.name === "BlockingNotAllowedError", `its name is BlockingNotAllowedError (got ${e.name})`);
      throws(() => m.lock({ timeout: 50 }), BlockingNotAllowedError, /lockAsync/, "lock({ timeout }) while held");
      eq(m.tryLock(), null, "tryLock() while held");
      check(m.isLocked && !m.isPoisoned, "still held by the worker, not poisoned");
    });
  }],

  ["RwLock on the page: read()/write() while a worker writes throw BlockingNotAllowedError; tryRead/tryWrite and readAsync work", async () => {
    const rw = new RwLock(new Int32Array(new SharedArrayBuffer(4)));
    await withWorkers(share, 1, async ([w]) => {
      const h = await heldByWorker(w, "holdWrite", { rw });
      throws(() => rw.read(), BlockingNotAllowedError, /readAsync\(\)/, "read() while write-held");
      throws(() => rw.write(), BlockingNotAllowedError, /writeAsync\(\)/, "write() while write-held");
      eq(rw.tryRead(), null, "tryRead() while write-held");
      eq(rw.tryWrite(), null, "tryWrite() while write-held");
      const reading = rw.readAsync({ timeout: 10_000 });
      h.release();
      eq(await h.done, "released", "the worker unlocked");
      const r = await reading;
      eq(r.value[0], 0, "read after the writer left");
      r.unlock();
      const wg = rw.write(); // free again: no wait needed
      wg.unlock();
    });
  }],

  ["channels on the page: recv() on empty and send() on full throw BlockingNotAllowedError; try forms work; nothing changes", async () => {
    const [tx, rx] = channel({ capacity: 2, codec: codecs.i32 });
    throws(() => rx.recv(), BlockingNotAllowedError, blocked("Receiver.recv", "Receiver.recvAsync"), "recv() on empty");
    const empty = throws(() => rx.tryRecv(), TryRecvError, /empty/, "tryRecv() on empty");
    check(empty.isEmpty, "tryRecv's error says empty");
    tx.send(1); // room: no wait
    tx.send(2);
    throws(() => tx.send(3), BlockingNotAllowedError, blocked("Sender.send", "Sender.sendAsync"), "send() on full");
    const full = throws(() => tx.trySend(3), TrySendError, /full/, "trySend() on full");
    eq(full.value, 3, "trySend hands the value back");
    eq(rx.len, 2, "the refused sends left nothing behind");
    eq([rx.recv(), rx.tryRecv()], [1, 2], "what was sent, in order (recv on a non-empty channel never waits)");
    const [rtx, rrx] = channel({ capacity: 0 });
    throws(() => rtx.send(1), BlockingNotAllowedError, /sendAsync\(\)/, "rendezvous send() with no receiver waiting");
    throws(() => rrx.tryRecv(), TryRecvError, /empty/, "the refused rendezvous send left no offer behind");
    throws(() => select([rx, rrx]), BlockingNotAllowedError, /selectAsync\(\)/, "select() with nothing ready");
    tx.send(5);
    eq(select([rx, rrx]).value, 5, "select() with a ready arm never waits");
    for (const end of [tx, rx, rtx, rrx]) end.close();
  }],

  ["Condvar, Semaphore, Barrier, WaitGroup, atomics on the page: blocking forms name their async twin; state unchanged", async () => {
    const m = new Mutex();
    const cv = new Condvar();
    const g = m.lock();
    throws(() => cv.wait(g), BlockingNotAllowedError, /Condvar\.waitAsync\(\)/, "Condvar.wait");
    check(g.isHeld, "the guard still holds the lock after the refused wait");
    eq(m.tryLock(), null, "the mutex is still locked (by us)");
    eq(await cv.waitAsync(g, { timeout: 20 }), false, "Condvar.waitAsync times out with false");
    check(g.isHeld, "the guard holds the lock again after waitAsync");
    g.unlock();

    const sem = new Semaphore(1);
    sem.acquire(); // a permit is free: no wait
    throws(() => sem.acquire(), BlockingNotAllowedError, /acquireAsync\(\)/, "Semaphore.acquire with no permit");
    eq(sem.available, 0, "no permit was taken or lost");
    sem.release();
    eq(sem.available, 1, "the permit is back");

    const b = new Barrier(2);
    throws(() => b.wait(), BlockingNotAllowedError, /waitAsync\(\)/, "Barrier.wait");
    // The refused wait must not have counted as an arrival: two real arrivals still make a generation.
    const results = await Promise.all([b.waitAsync({ timeout: 10_000 }), b.waitAsync({ timeout: 10_000 })]);
    eq(results.filter((r) => r.isLeader).length, 1, "one leader in the next generation");

    const wg = new WaitGroup();
    wg.add(1);
    throws(() => wg.wait(), BlockingNotAllowedError, /waitAsync\(\)/, "WaitGroup.wait");
    const waiting = wg.waitAsync({ timeout: 10_000 });
    wg.done();
    await waiting;

    const a = new AtomicI32(0);
    throws(() => a.wait(0), BlockingNotAllowedError, /waitAsync\(\)/, "AtomicI32.wait");
    const waking = a.waitAsync(0, { timeout: 10_000 });
    a.store(1);
    a.notify();
    eq(await waking, "ok", "AtomicI32.waitAsync woken by notify");
  }],

  ["timeouts on the page: lockAsync, recvAsync, selectAsync, acquireAsync reject with TimeoutError; the primitives still work", async () => {
    const m = new Mutex();
    const g = m.tryLock();
    await rejects(m.lockAsync({ timeout: 30 }), TimeoutError, /Mutex\.lockAsync timed out after 30 ms/, "lockAsync");
    g.unlock();
    (await m.lockAsync({ timeout: 10_000 })).unlock();

    const [tx, rx] = channel({ capacity: 1, codec: codecs.f64 });
    await rejects(rx.recvAsync({ timeout: 30 }), TimeoutError, /timed out after 30 ms/, "recvAsync");
    const [, rx2] = channel();
    await rejects(selectAsync([rx, rx2], { timeout: 30 }), TimeoutError, /timed out after 30 ms/, "selectAsync");
    tx.send(1.5);
    await rejects(tx.sendAsync(2.5, { timeout: 30 }), TimeoutError, /timed out after 30 ms/, "sendAsync on full");
    eq(await rx.recvAsync({ timeout: 10_000 }), 1.5, "the channel still delivers; the timed-out send left nothing");
    check(rx.isEmpty, "nothing else in the channel");

    const sem = new Semaphore(1);
    sem.acquire();
    await rejects(sem.acquireAsync(1, { timeout: 30 }), TimeoutError, /timed out after 30 ms/, "acquireAsync");
    sem.release();
    await sem.acquireAsync(1, { timeout: 10_000 });
    eq(sem.available, 0, "the permit was taken once, by the last acquireAsync");
  }],

  ["AbortSignal on the page: lockAsync and recvAsync reject with the signal's reason; an aborted signal rejects at once", async () => {
    const m = new Mutex();
    const g = m.tryLock();
    const reason = new Error("stop waiting");
    const c = new AbortController();
    const locking = m.lockAsync({ signal: c.signal });
    setTimeout(() => c.abort(reason), 10);
    const e = await locking.then(() => null, (err) => err);
    check(e === reason, `lockAsync rejected with the signal's reason (got ${e})`);
    const c2 = new AbortController();
    c2.abort(reason);
    const e2 = await m.lockAsync({ signal: c2.signal }).then(() => null, (err) => err);
    check(e2 === reason, `lockAsync with an aborted signal rejected with its reason (got ${e2})`);
    g.unlock();
    (await m.lockAsync({ timeout: 10_000 })).unlock();

    const [tx, rx] = channel({ codec: codecs.f64 });
    const c3 = new AbortController();
    const receiving = rx.recvAsync({ signal: c3.signal });
    setTimeout(() => c3.abort(reason), 10);
    const e3 = await receiving.then(() => null, (err) => err);
    check(e3 === reason, `recvAsync rejected with the signal's reason (got ${e3})`);
    tx.send(3);
    eq(await rx.recvAsync({ timeout: 10_000 }), 3, "the receiver still works after the abort");
  }],
];
