/**
 * RwLock<T> (src/sync/rwlock.ts): bad input, read/write/try/async on one thread, DeadlockError
 * rules, poisoning, writer preference and timeouts across workers.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { AtomicI32, DeadlockError, LockError, PoisonError, RwLock, TimeoutError, WeftError, spawn } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import { expectReject, expectThrow, handshake, op, sharedInts, sleep } from "../unit-helpers.js";
import { fcParams } from "../prop-helpers.js";

describe("RwLock: bad input", () => {
  it.each([
    ["a number", 1, "value is number 1"],
    ["an Int32Array over a plain ArrayBuffer", new Int32Array(2), "value is a Int32Array over an ArrayBuffer"],
    ["an object with a string field", { ok: sharedInts(), name: "n" }, 'value.name is string "n"'],
    ["an array holding an object", [sharedInts(), { deep: [1] }], "value[1].deep[0] is number 1"],
  ])("rejects %s with a TypeError naming the path", (_what, value, fragment) => {
    expectThrow(() => new RwLock(value as any), TypeError, "RwLock: ", fragment, "shared memory");
  });

  // Regression (found as a bug, now fixed): src/sync/rwlock.ts RwLock.at claims the type tag before the constructor validates the
  // value (same as Mutex.at). Repro: `const b = new SharedArrayBuffer(20); try { RwLock.at(b, 0, 1) }
  // catch {}` leaves word 4 = TypeTag.RwLock, so the memory now claims to hold an RwLock.
  it("RwLock.at with a bad value throws TypeError and leaves the memory untouched", () => {
    const b = new SharedArrayBuffer(RwLock.BYTE_LENGTH);
    expectThrow(() => RwLock.at(b, 0, 1 as any), TypeError, "value is number 1");
    expect(new Uint8Array(b).every((x) => x === 0)).toBe(true);
  });
});

describe("RwLock on one thread", () => {
  it("many read guards at once; tryWrite is null while any is held", () => {
    const data = sharedInts();
    const l = new RwLock(data);
    const r1 = l.read();
    const r2 = l.read();
    const r3 = l.tryRead();
    expect(r3).not.toBeNull();
    expect(r1.value).toBe(data);
    expect(l.tryWrite()).toBeNull();
    r1.unlock();
    r2.unlock();
    expect(l.tryWrite()).toBeNull();
    r3!.unlock();
    const w = l.tryWrite();
    expect(w).not.toBeNull();
    expect(w!.value).toBe(data);
    w!.unlock();
  });

  it("while write-locked, tryRead and tryWrite are null; after unlock both work", () => {
    const l = new RwLock(sharedInts());
    const w = l.write();
    w.value[0] = 7;
    expect(l.tryRead()).toBeNull();
    expect(l.tryWrite()).toBeNull();
    w.unlock();
    const r = l.tryRead()!;
    expect(r.value[0]).toBe(7);
    r.unlock();
  });

  it("DeadlockError: write while this thread holds a read; read or write while it holds the write", () => {
    const l = new RwLock(sharedInts());
    const r = l.read();
    const t0 = performance.now();
    const e = expectThrow(() => l.write({ timeout: 5_000 }), DeadlockError, "RwLock.write", "read lock");
    expect(e).toBeInstanceOf(WeftError);
    expectThrow(() => l.write(), DeadlockError, "RwLock.write");
    r.unlock();
    const w = l.write();
    expectThrow(() => l.read(), DeadlockError, "RwLock.read", "write lock");
    expectThrow(() => l.read({ timeout: 5_000 }), DeadlockError, "RwLock.read");
    expectThrow(() => l.write(), DeadlockError, "RwLock.write", "write lock");
    expectThrow(() => l.write({ timeout: 5_000 }), DeadlockError, "RwLock.write");
    expect(performance.now() - t0).toBeLessThan(1_000);
    // State intact: the write guard still works and unlocking frees the lock.
    w.value[0] = 1;
    w.unlock();
    const w2 = l.tryWrite();
    expect(w2).not.toBeNull();
    w2!.unlock();
  });

  it("withRead does not poison when its callback throws (only write holders poison)", () => {
    const l = new RwLock(sharedInts());
    expect(() => l.withRead(() => { throw new Error("read failed"); })).toThrow("read failed");
    expect(l.isPoisoned).toBe(false);
    const w = l.tryWrite();
    expect(w).not.toBeNull(); // and the read lock was released
    w!.unlock();
  });

  // Regression (found as a bug, now fixed): src/sync/rwlock.ts: "this thread holds a read lock" is tracked per view object
  // (`localReads`), not per lock, so a second view of the same lock on the same thread (another
  // `RwLock.at` of the same memory, or the same lock revived from two messages) does not see the
  // first view's read guard: `write()` through it waits for a reader that is itself — forever
  // without a timeout — instead of throwing DeadlockError. (Mutex gets this right: the owner is in
  // shared memory, and the read-under-write direction is caught through the OWNER word.)
  // Repro: `const b = new SharedArrayBuffer(20); const x = RwLock.at(b, 0), y = RwLock.at(b, 0);
  // x.read(); y.write({ timeout: 100 })` → TimeoutError after 100 ms, not DeadlockError at once.
  it("DeadlockError for a write while this thread holds a read through another view of the same lock", () => {
    const b = new SharedArrayBuffer(RwLock.BYTE_LENGTH);
    const x = RwLock.at(b, 0);
    const y = RwLock.at(b, 0);
    const r = x.read();
    let err: unknown;
    try {
      y.write({ timeout: 100 }).unlock();
    } catch (e) {
      err = e;
    }
    r.unlock();
    expect(err).toBeInstanceOf(DeadlockError);
  });

  it("guards: double unlock and value after unlock are LockErrors; `using` releases", () => {
    const l = new RwLock(sharedInts());
    const r = l.read();
    r.unlock();
    expectThrow(() => r.unlock(), LockError, "RwLockReadGuard", "already unlocked");
    expectThrow(() => r.value, LockError, "RwLockReadGuard.value");
    const w = l.write();
    w.unlock();
    expectThrow(() => w.unlock(), LockError, "RwLockWriteGuard", "already unlocked");
    expectThrow(() => w.value, LockError, "RwLockWriteGuard.value");
    {
      using g = l.write();
      g.value[0] = 2;
      expect(l.tryRead()).toBeNull();
    }
    {
      using a = l.read();
      using b = l.read();
      expect(a.value[0] + b.value[0]).toBe(4);
      expect(l.tryWrite()).toBeNull();
    }
    const free = l.tryWrite();
    expect(free).not.toBeNull();
    free![Symbol.dispose]();
    free![Symbol.dispose](); // no-op the second time
    expect(l.tryWrite()).not.toBeNull();
  });

  it("readAsync and writeAsync queue behind this thread's own write holder (no DeadlockError)", async () => {
    const l = new RwLock(sharedInts());
    const w = l.write();
    let state = "pending";
    const reads = Promise.all([l.readAsync({ timeout: 5_000 }), l.readAsync({ timeout: 5_000 })]).then((gs) => {
      state = "read";
      return gs;
    });
    await sleep(20);
    expect(state).toBe("pending");
    w.unlock();
    const [a, b] = await reads;
    expect(l.tryWrite()).toBeNull();
    a.unlock();
    b.unlock();
    const w2 = await l.writeAsync({ timeout: 5_000 });
    const w3p = l.writeAsync({ timeout: 5_000 });
    await sleep(10);
    w2.unlock();
    (await w3p).unlock();
    expect(l.tryWrite()).not.toBeNull();
  });

  it("writeAsync queues behind this thread's own read guard and gets in once it is released", async () => {
    const l = new RwLock(sharedInts());
    const r = l.read();
    const p = l.writeAsync({ timeout: 5_000 });
    await sleep(10);
    r.unlock();
    const w = await p;
    expect(l.tryRead()).toBeNull();
    w.unlock();
  });

  it("writeAsync / readAsync time out with TimeoutError and leave the lock usable", async () => {
    const l = new RwLock(sharedInts());
    const w = l.write();
    await expectReject(() => l.readAsync({ timeout: 20 }), TimeoutError, "RwLock.readAsync", "20 ms");
    await expectReject(() => l.writeAsync({ timeout: 20 }), TimeoutError, "RwLock.writeAsync", "20 ms");
    w.unlock();
    const r = l.tryRead();
    expect(r).not.toBeNull();
    r!.unlock();
    const w2 = l.tryWrite();
    expect(w2).not.toBeNull();
    w2!.unlock();
  });

  it("an aborted writeAsync rejects with the reason and leaves the lock usable", async () => {
    const l = new RwLock();
    const w = l.write();
    const ctl = new AbortController();
    const reason = new Error("abort write");
    setTimeout(() => ctl.abort(reason), 15);
    await expect(l.writeAsync({ signal: ctl.signal })).rejects.toBe(reason);
    w.unlock();
    l.write().unlock();
    l.read().unlock();
  });

  it("withWrite poisons on throw; read, write and withRead then throw PoisonError holding the lock", () => {
    const data = sharedInts();
    const l = new RwLock(data);
    expect(l.withRead((v) => v[0])).toBe(0);
    expect(l.withWrite((v) => (v[0] = 5))).toBe(5);
    const boom = new Error("write failed");
    let got: unknown;
    try {
      l.withWrite(() => {
        throw boom;
      });
    } catch (e) {
      got = e;
    }
    expect(got).toBe(boom);
    expect(l.isPoisoned).toBe(true);
    const er = expectThrow(() => l.read(), PoisonError, "RwLock is poisoned") as PoisonError<any>;
    expect(er.guard.value).toBe(data);
    expect(l.tryWrite()).toBeNull(); // the read guard in the error holds the lock
    er.guard.unlock();
    const ew = expectThrow(() => l.write(), PoisonError, "RwLock is poisoned") as PoisonError<any>;
    ew.guard.unlock();
    let ran = false;
    expectThrow(() => l.withRead(() => (ran = true)), PoisonError);
    expectThrow(() => l.withWrite(() => (ran = true)), PoisonError);
    expect(ran).toBe(false);
    // withRead/withWrite released the poisoned guard again: tryWrite/tryRead get in (and report poison).
    const et = expectThrow(() => l.tryWrite(), PoisonError) as PoisonError<any>;
    et.guard.unlock();
    const er2 = expectThrow(() => l.tryRead(), PoisonError) as PoisonError<any>;
    er2.guard.unlock();
    l.clearPoison();
    expect(l.isPoisoned).toBe(false);
    l.read().unlock();
    l.write().unlock();
  });

  it("readAsync / writeAsync report poison with PoisonError too", async () => {
    const l = new RwLock();
    expect(() => l.withWrite(() => { throw new Error("x"); })).toThrow("x");
    const e1 = (await expectReject(() => l.readAsync(), PoisonError)) as PoisonError<any>;
    e1.guard.unlock();
    const e2 = (await expectReject(() => l.writeAsync(), PoisonError)) as PoisonError<any>;
    e2.guard.unlock();
  });
});

describe("RwLock across workers", () => {
  // Regression (a helper's port of Rust's test_rw_arc_no_poison_rw, thirteenth session): readers
  // are counted, not named, so a worker that ended holding a read guard — by throwing (a Rust
  // panic, which drops the guard), returning, or process.exit — kept writers out for good. A
  // worker's read locks are now given back when it ends (not when it is terminated: no JavaScript
  // runs then).
  for (const how of ["throw", "return", "exit"] as const) {
    it(`a worker that ends holding a read lock (${how}) gives it back: write() gets in, unpoisoned`, async () => {
      const l = new RwLock(sharedInts());
      const flag = sharedInts(2);
      const h = spawn(workerUrl("read-and-end.mjs"), l, how, flag);
      while (Atomics.load(flag, 0) === 0) await sleep(2);
      expect(l.tryWrite()).toBeNull(); // the worker reads
      Atomics.store(flag, 1, 1);
      Atomics.notify(flag, 1);
      await h.join().catch(() => undefined);
      const w = await l.writeAsync({ timeout: 5000 });
      expect(l.isPoisoned).toBe(false); // a reader never poisons (Rust: test_rw_arc_no_poison_rw)
      w.unlock();
    });
  }

  it("a worker's read lock lets this thread read but not write; write() blocks until it leaves", async () => {
    const l = new RwLock(sharedInts());
    const hs = handshake();
    const h = op("holdRwLock", l, "read", hs.started, 120);
    await hs.whenStarted();
    const r = l.tryRead();
    expect(r).not.toBeNull();
    r!.unlock();
    expect(l.tryWrite()).toBeNull();
    const w = l.write({ timeout: 10_000 }); // blocks this (main) thread
    expect(hs.started.load()).toBe(2); // only after the worker's reader left
    w.unlock();
    expect(await h.join()).toBe("unlocked");
  });

  it("a worker's write lock blocks reads here; TimeoutError, then readAsync gets in after it leaves", async () => {
    const l = new RwLock(sharedInts());
    const hs = handshake();
    const h = op("holdRwLock", l, "write", hs.started, hs.release);
    await hs.whenStarted();
    expect(l.tryRead()).toBeNull();
    expect(l.tryWrite()).toBeNull();
    expectThrow(() => l.read({ timeout: 20 }), TimeoutError, "RwLock.read", "20 ms");
    await expectReject(() => l.readAsync({ timeout: 20 }), TimeoutError);
    const p = l.readAsync({ timeout: 10_000 });
    hs.letGo();
    (await p).unlock();
    await h.join();
  });

  it("writer preference: once a writer waits, new readers queue behind it", async () => {
    const l = new RwLock(sharedInts());
    const hs = handshake();
    const h = op("holdRwLock", l, "read", hs.started, hs.release);
    await hs.whenStarted();
    let wrote = false;
    const writer = l.writeAsync({ timeout: 10_000 }).then((g) => {
      wrote = true;
      return g;
    });
    await sleep(20);
    expect(wrote).toBe(false);
    expect(l.tryRead()).toBeNull(); // a reader arriving now must not overtake the waiting writer
    hs.letGo();
    const g = await writer;
    g.value[0] = 1;
    g.unlock();
    await h.join();
    const r = l.tryRead();
    expect(r!.value[0]).toBe(1);
    r!.unlock();
  });

  // Regression (found as a bug, now fixed): src/sync/rwlock.ts writeSlow: a writer that times out (or is aborted) while readers hold
  // the lock leaves WRITERS_WAITING set (the catch block only hands the lock on when it is unlocked),
  // so new readers keep queueing behind a writer that no longer exists until every current reader
  // leaves. Repro: a worker holds a read lock; here `l.write({ timeout: 20 })` throws TimeoutError;
  // then `l.tryRead()` returns null (and `l.read()` would block) although nobody wants to write.
  it("a writer that timed out does not keep new readers out", async () => {
    const l = new RwLock(sharedInts());
    const hs = handshake();
    const h = op("holdRwLock", l, "read", hs.started, hs.release);
    await hs.whenStarted();
    expectThrow(() => l.write({ timeout: 20 }), TimeoutError);
    const r = l.tryRead();
    hs.letGo();
    await h.join();
    expect(r).not.toBeNull();
    r?.unlock();
  });

  // Regression (found by a helper porting tokio's write_read_shared_drop_pending to threads): a
  // worker terminated while it waited in write() never left the WRITERS count, and its
  // WRITERS_WAITING kept new readers out while any reader held the lock — and, the count staying
  // one too high, every later writer that gave up left the flag behind too. Now readers kept out
  // by waiting writers run a roll call (src/sync/rwlock.ts, evictDeadWriters).
  describe("a worker terminated while it waits in write()", () => {
    async function deadWaitingWriter(l: RwLock<Int32Array>): Promise<void> {
      const ws = handshake();
      const w = op("waitToWrite", l, ws.started);
      await ws.whenStarted();
      await sleep(50);
      expect(l.tryRead(), "writer preference while it waits").toBeNull();
      await w.terminate();
    }

    it("does not keep new readers out while another reader holds the lock (read, readAsync, tryRead)", async () => {
      const l = new RwLock(sharedInts());
      const hs = handshake();
      const h = op("holdRwLock", l, "read", hs.started, hs.release);
      await hs.whenStarted();
      await deadWaitingWriter(l);
      // Its exit has been seen (spawn's terminate waits for it): the dead writer was the last to
      // answer and the only one counted, so a reader gets in at once.
      const r0 = l.tryRead();
      expect(r0, "tryRead right after the waiting writer died").not.toBeNull();
      r0!.unlock();
      const t0 = Date.now();
      const r1 = l.read({ timeout: 10_000 });
      const r2 = await l.readAsync({ timeout: 10_000 });
      const r3 = l.tryRead();
      expect(Date.now() - t0).toBeLessThan(5_000);
      expect(r3).not.toBeNull();
      for (const r of [r1, r2, r3!]) r.unlock();
      expect(hs.started.load()).toBe(1); // the worker's read lock was held throughout
      hs.letGo();
      expect(await h.join()).toBe("unlocked");
      l.write({ timeout: 1_000 }).unlock();
    });

    it("does not make a later writer that times out leave readers shut out", async () => {
      const l = new RwLock(sharedInts());
      const hs = handshake();
      const h = op("holdRwLock", l, "read", hs.started, hs.release);
      await hs.whenStarted();
      await deadWaitingWriter(l);
      hs.letGo();
      await h.join();
      l.write({ timeout: 2_000 }).unlock();
      // The regression case above ("a writer that timed out…"), with the dead writer still counted.
      const hs2 = handshake();
      const h2 = op("holdRwLock", l, "read", hs2.started, hs2.release);
      await hs2.whenStarted();
      expectThrow(() => l.write({ timeout: 20 }), TimeoutError);
      // The dead writer is still counted, and the live one's answer is fresh: readers get in once
      // nobody has answered for ROLL_MS (500 ms). (Not at once: see src/sync/rwlock.ts, writeSlow.)
      let r = l.tryRead();
      for (const end = Date.now() + 5_000; r === null && Date.now() < end; ) {
        await sleep(20);
        r = l.tryRead();
      }
      hs2.letGo();
      await h2.join();
      expect(r, "tryRead within 5 s").not.toBeNull();
      r!.unlock();
    });

    // Found by a review: a writer that gave up put back the slot it had overwritten in ROLL; when
    // that thread died later, a dead slot sat in ROLL with one writer counted — a live one — and
    // the next reader evicted it at once (tryRead succeeded while it waited).
    it("writers that give up, one of whose threads then dies, do not get a live waiting writer evicted", async () => {
      const ROLL = 6;
      for (let round = 0; round < 3; round++) {
        const l = new RwLock(sharedInts());
        const hs = handshake();
        const h = op("holdRwLock", l, "read", hs.started, hs.release);
        await hs.whenStarted();
        const ds = handshake();
        const d = op("waitToWrite", l, ds.started); // the live writer that must keep its preference
        await ds.whenStarted();
        const iC = new AtomicI32(0), iE = new AtomicI32(0), gC = new AtomicI32(0), gE = new AtomicI32(0);
        const c = op("giveUpWriting", l, iC, 40, gC);
        const e = op("giveUpWriting", l, iE, 80, gE);
        while (iC.load() === 0 || iE.load() === 0) await sleep(5);
        await sleep(150);
        gC.store(1);
        gC.notify();
        for (const end = Date.now() + 5_000; (l as any).words[ROLL] !== iC.load() && Date.now() < end; );
        gE.store(1);
        gE.notify();
        while (gC.load() !== 2 || gE.load() !== 2) await sleep(1);
        await c.terminate();
        await new Promise((r) => setImmediate(r));
        const r = l.tryRead();
        r?.unlock();
        expect(r, `round ${round}: tryRead while a live writer waits`).toBeNull();
        hs.letGo();
        await h.join();
        expect(await d.join()).toBe("wrote");
        gE.store(3);
        gE.notify();
        await e.join();
      }
    });

    // The same, with the writer whose answer was covered exiting *before* the covering one gives
    // up (a third review: a version that put back a covered slot when its thread was dead evicted
    // the live writer at once, 5 rounds of 5).
    it("a writer that gives up after another gave up and exited does not get a live waiting writer evicted", async () => {
      const ROLL = 6;
      for (let round = 0; round < 3; round++) {
        const l = new RwLock(sharedInts());
        const hs = handshake();
        const h = op("holdRwLock", l, "read", hs.started, hs.release);
        await hs.whenStarted();
        const ds = handshake();
        const d = op("waitToWrite", l, ds.started);
        await ds.whenStarted();
        const iC = new AtomicI32(0), iE = new AtomicI32(0), gC = new AtomicI32(0), gE = new AtomicI32(0);
        const c = op("giveUpWriting", l, iC, 40, gC);
        const e = op("giveUpWriting", l, iE, 300, gE);
        while (iC.load() === 0 || iE.load() === 0) await sleep(5);
        await sleep(150);
        gC.store(1);
        gC.notify();
        for (const end = Date.now() + 5_000; (l as any).words[ROLL] !== iC.load() && Date.now() < end; );
        gE.store(1); // E's answer covers C's
        gE.notify();
        while (gC.load() !== 2) await sleep(1);
        await c.terminate(); // C gave up, then its thread is gone
        while (gE.load() !== 2) await sleep(1); // E gives up, leaving D counted
        const r = l.tryRead();
        r?.unlock();
        expect(r, `round ${round}: tryRead while a live writer waits`).toBeNull();
        hs.letGo();
        await h.join();
        expect(await d.join()).toBe("wrote");
        gE.store(3);
        gE.notify();
        await e.join();
      }
    });

    it("a live waiting writer keeps its preference through the roll calls", async () => {
      const l = new RwLock(sharedInts());
      const hs = handshake();
      const h = op("holdRwLock", l, "read", hs.started, hs.release);
      await hs.whenStarted();
      const ws = handshake();
      const w = op("waitToWrite", l, ws.started);
      await ws.whenStarted();
      await sleep(50);
      // Two roll calls' worth (ROLL_MS is 500 ms) of readers kept out: blocked and polling.
      expectThrow(() => l.read({ timeout: 1_200 }), TimeoutError);
      let got = 0;
      for (const end = Date.now() + 1_200; Date.now() < end; ) {
        const r = l.tryRead();
        if (r !== null) got++, r.unlock();
        await sleep(20);
      }
      expect(got, "tryRead successes while a live writer waited").toBe(0);
      expect(ws.started.load()).toBe(1);
      hs.letGo();
      expect(await w.join()).toBe("wrote");
      await h.join();
    });
  });

  // Regression (twelfth session): the holder's slot was stored in a word of its own right after
  // the CAS that took the write lock. A worker terminated between the two left the lock held by
  // nobody known: waiters took it for a live holder's and waited for good (a review's stress hit
  // it in 2–3 runs of 5). Now the CAS itself records the holder; word 3 is not read any more.
  it("a write holder terminated with nothing stored after the CAS that took the lock is recovered", async () => {
    const l = new RwLock(sharedInts());
    for (const waiter of ["readAsync", "writeAsync"] as const) {
      const hs = handshake();
      const h = op("writeThenClearOwnerWord", l, hs.started, hs.release);
      await hs.whenStarted();
      await h.terminate();
      const e = (await expectReject(() => l[waiter]({ timeout: 5_000 }), PoisonError, "RwLock is poisoned")) as PoisonError<any>;
      e.guard.unlock();
      l.clearPoison();
    }
    l.write().unlock();
  });

  // Regression (twelfth session): an unlock that finds writers and readers waiting leaves
  // READERS_WAITING set and wakes one writer to take the lock. A writer that died right then left
  // the lock free, readers flagged and nobody to hand it on: parked readers waited for good.
  it("a writer woken to take the lock that dies before it does leaves the readers free to go", async () => {
    const l = new RwLock(sharedInts());
    const hs = handshake();
    const h = op("holdRwLock", l, "read", hs.started, hs.release);
    await hs.whenStarted();
    const ws = handshake();
    const writer = op<string>("wokenWriterDies", l, ws.started);
    await ws.whenStarted();
    await sleep(50); // parked on WRITER_NOTIFY
    // Kept out by the waiting writer, this thread parks with READERS_WAITING set.
    const reading = l.readAsync({ timeout: 5_000 });
    for (const end = Date.now() + 5_000; (Atomics.load(l.words, 1) & (1 << 29)) === 0; await sleep(2)) {
      if (Date.now() > end) throw new Error("the reader never flagged READERS_WAITING");
    }
    hs.letGo(); // the holder's unlock wakes the writer, which dies
    expect(await writer.join(), "the writer was woken by the unlock (not a vacuous run)").toBe("ok");
    await h.join();
    const g = await reading;
    g.unlock();
    l.write().unlock();
  });

  it("a writer terminated anywhere in its lock/unlock loop never leaves the lock held by nobody", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 5, maxLength: 5 }), async (delays) => {
        const data = sharedInts();
        const l = new RwLock(data);
        let poisoned = 0;
        for (const ms of delays) {
          const rounds = sharedInts();
          const h = op("churnRwLock", l, rounds);
          for (const end = Date.now() + 10_000; Atomics.load(rounds, 0) < 100; await sleep(1)) {
            if (Date.now() > end) throw new Error("the churning writer never ran");
          }
          await sleep(ms);
          await h.terminate();
          // Within the recovery bound: free, or taken over from the dead holder (poisoned).
          let g;
          try {
            g = await l.writeAsync({ timeout: 5_000 });
          } catch (e) {
            expect(e, "the lock was still held after its holder was terminated").toBeInstanceOf(PoisonError);
            g = (e as PoisonError<any>).guard;
            l.clearPoison();
            poisoned++;
          }
          // Every round the worker completed is in the data; a holder cut off mid-round adds at most one.
          const done = Atomics.load(rounds, 0);
          expect(g.value[0] - done).toBeGreaterThanOrEqual(0);
          expect(g.value[0] - done).toBeLessThanOrEqual(1);
          g.value[0] = 0;
          g.unlock();
        }
      }),
      fcParams(3),
    );
  }, 90_000);

  it("a worker's throwing withWrite poisons the lock for this thread", async () => {
    const l = new RwLock(sharedInts());
    expect(await op("poisonRwLock", l).join()).toBe("worker failed under the write lock");
    expect(l.isPoisoned).toBe(true);
    const e = expectThrow(() => l.read(), PoisonError, "RwLock is poisoned") as PoisonError<any>;
    expect(e.guard.value[0]).toBe(99); // the worker's write before it threw is visible
    e.guard.unlock();
    l.clearPoison();
    l.write().unlock();
  });
});
