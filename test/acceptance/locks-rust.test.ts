/**
 * Ports of Rust std's lock tests (rust-lang/rust library/std/tests/sync/{mutex,rwlock,condvar,
 * barrier,once}.rs, 2025) to weft. Threads are `spawn`ed workers (test/workers/acc4-locks.mjs);
 * a Rust panic while a guard is held maps to a worker function that throws holding the guard (the
 * worker then ends holding the lock, which poisons it), or to a throwing `withLock`/`withWrite`
 * callback on the same thread (`catch_unwind`). Iteration counts are scaled down (2-core box).
 * Both `nonpoison_and_poison_unwrap_test!` variants collapse into one test each: weft has only
 * the poisoning locks.
 *
 * Ported 37 of 84 source tests (47 not ported, listed below): mutex smoke, lots_and_lots, try_lock, test_mutex_arc_nested, test_mutex_unsized,
 * test_panics, test_mutex_arc_access_in_unwind, test_mutex_arc_poison, test_mutex_with_mut
 * (→ withLock); rwlock smoke, frob, test_rw_arc, test_rw_arc_access_in_unwind,
 * test_rwlock_unsized, poison_test_rwlock_try_write and nonpoison_test_rwlock_try_write (their
 * unmapped first halves, one test), test_rw_arc_poison_wr,
 * test_rw_arc_poison_ww, test_rw_arc_no_poison_rr, test_rw_arc_no_poison_rw, test_rwlock_with,
 * test_rwlock_with_mut; condvar smoke, notify_one, notify_all, test_mutex_arc_condvar, wait_while,
 * wait_timeout_wait, wait_timeout_while_wait, wait_timeout_while_instant_satisfy,
 * wait_timeout_while_wake, wait_timeout_wake; barrier test_barrier; once smoke_once,
 * stampede_once, poison_bad, wait_for_force_to_finish.
 *
 * Found a bug, fixed (thirteenth session): "test_mutex_arc_poison, try_lock right after join"
 * (join() settled before the dead worker's locks could be seen poisoned; a blocking lock() there
 * stalled ~1 s). Now join() settles once the worker has exited. And test_rw_arc_no_poison_rw (a
 * worker that ended holding a read guard kept it for good: readers are counted, not named); a
 * worker now gives back the read locks it holds when it ends (and, since the fourteenth session,
 * when it is terminated: test/sync/rwlock-dead-readers.test.ts).
 *
 * Not ported — APIs weft does not have:
 * - Mutex/RwLock `into_inner`, `get_mut`, `get_cloned`, `set`, `replace` (test_into_inner,
 *   test_into_inner_drop, test_get_mut, test_get_cloned, test_set, test_set_drop, test_replace and
 *   their *_poison twins, for both locks): a weft lock is a view over shared memory, never owned.
 * - `MutexGuard::map` / `filter_map`, `MappedMutexGuard`, `RwLock{Read,Write}Guard::map`, the
 *   mapped guards (test_mapping_mapped_guard ×2, test_mutex_arc_poison_mapped,
 *   panic_while_mapping_unlocked_poison, test_rw_arc_poison_mapped_w_r/_w_w,
 *   test_rw_arc_no_poison_mapped_r_r/_r_w, panic_while_mapping_{read,write}_unlocked_*, the mapped
 *   half of {poison,nonpoison}_test_rwlock_try_write, test_mapped_read_guard_covariance).
 * - `RwLockWriteGuard::downgrade` (test_downgrade_basic, test_downgrade_observe, test_downgrade_atomic).
 * - `MutexGuard::unlocked` / `RwLockWriteGuard::unlocked` (test_mutex_guard_unlocked,
 *   test_read_guard_unlocked, test_write_guard_unlocked).
 * - `Once::wait` / `Once::wait_force` (wait, wait_on_poisoned, wait_force_on_poisoned).
 * - `OnceLock` (library/std/tests/sync/once_lock.rs): README lists it as planned, not available.
 * - The nonpoison lock flavour (std::sync::nonpoison): weft's locks always poison.
 * Not ported — no Rust-level meaning in JS: test_needs_drop (×2; Drop), test_read_guard_covariance
 * (lifetimes), check_barrier_is_ref_unwind_safe (a trait bound, compile-only).
 */
import { describe, expect, it } from "vitest";
import {
  AtomicBool,
  Barrier,
  Condvar,
  Mutex,
  Once,
  PoisonError,
  RwLock,
  TryRecvError,
  channel,
  spawn,
} from "../../dist/index.js";

const W = new URL("../workers/acc4-locks.mjs", import.meta.url);
const ints = (n = 1, init: number[] = []) => {
  const a = new Int32Array(new SharedArrayBuffer(4 * n));
  init.forEach((v, i) => (a[i] = v));
  return a;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** What tryRecv says: "value" or the TryRecvError kind. */
const tryRecvKind = (rx: { tryRecv(): unknown }) => {
  try {
    rx.tryRecv();
    return "value";
  } catch (e) {
    if (e instanceof TryRecvError) return e.kind;
    throw e;
  }
};
/** Rust's `thread::spawn(..).join()` ignoring the panic: waits for the worker's outcome. */
const joinQuietly = (h: { join(): Promise<unknown> }) => h.join().then(() => "ok", (e) => e);

describe("Rust std Mutex (tests/sync/mutex.rs)", () => {
  it("smoke", () => {
    const m = new Mutex();
    m.lock().unlock();
    m.lock().unlock();
  });

  it("lots_and_lots", async () => {
    const J = 300, K = 2;
    const m = new Mutex(ints());
    const hs = [];
    for (let k = 0; k < K; k++) hs.push(spawn(W, "inc", m, J), spawn(W, "inc", m, J));
    await Promise.all(hs.map((h) => h.join()));
    const g = m.lock();
    expect(g.value[0]).toBe(J * K * 2);
    g.unlock();
  });

  it("try_lock", () => {
    const m = new Mutex();
    const g = m.tryLock();
    expect(g).not.toBeNull();
    g!.unlock();
  });

  it("test_mutex_arc_nested", async () => {
    const inner = new Mutex(ints(1, [1]));
    const outer = new Mutex(inner);
    expect(await spawn(W, "nested", outer).join()).toBe(1);
  });

  it("test_mutex_unsized", () => {
    const m = new Mutex(ints(3, [1, 2, 3]));
    {
      const g = m.lock();
      g.value[0] = 4;
      g.value[2] = 5;
      g.unlock();
    }
    const g = m.lock();
    expect(Array.from(g.value)).toEqual([4, 2, 5]);
    g.unlock();
  });

  it("test_panics: three panics with the lock held, each caught", () => {
    const m = new Mutex(ints(1, [42]));
    for (const what of ["once", "twice", "thrice"]) {
      // catch_unwind(|| { let _g = mutex.lock(); panic!() }) is an error each time (the 2nd and
      // 3rd already at lock: the poison variant's unwrap).
      expect(() => m.withLock(() => { throw new Error(`test panic with mutex ${what}`); })).toThrow();
    }
    expect(m.isLocked).toBe(false);
  });

  it("test_mutex_arc_access_in_unwind", async () => {
    const m = new Mutex(ints(1, [1]));
    await joinQuietly(spawn(W, "unwindMutex", m));
    const g = m.lock();
    expect(g.value[0]).toBe(2);
    g.unlock();
  });

  it("new_poisoned_mutex: a caught panic holding the guard poisons", () => {
    const m = new Mutex(ints(1, [10]));
    expect(() => m.withLock(() => { throw new Error("test panic to poison mutex"); })).toThrow("test panic");
    expect(m.isPoisoned).toBe(true);
  });

  it("test_mutex_arc_poison: a thread that panics holding the lock poisons it", async () => {
    const m = new Mutex(ints(1, [1]));
    expect(m.isPoisoned).toBe(false);
    const out = await joinQuietly(spawn(W, "lockThenFail", m));
    expect(String(out)).toMatch(/assertion failed/);
    // Rust: assert!(arc.lock().is_err()) right after join().
    let err: unknown;
    try {
      m.lock({ timeout: 5_000 }).unlock();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PoisonError);
    (err as PoisonError<any>).guard.unlock();
    expect(m.isPoisoned).toBe(true);
  });

  it("test_mutex_arc_poison, try_lock right after join (Rust: Err(Poisoned), never WouldBlock)", async () => {
    const m = new Mutex(ints(1, [1]));
    await joinQuietly(spawn(W, "lockThenFail", m));
    // Rust's join() returns once the thread is gone: its guard was dropped while unwinding, so
    // try_lock is Err(TryLockError::Poisoned) at once.
    let r: unknown;
    try {
      r = m.tryLock();
    } catch (e) {
      r = e;
    }
    const kind = r === null ? "WouldBlock (null)" : r instanceof PoisonError ? "Poisoned" : String(r);
    if (r instanceof PoisonError) r.guard.unlock();
    expect(kind).toBe("Poisoned");
  });

  it("test_mutex_with_mut (→ withLock)", () => {
    const m = new Mutex(ints(1, [2]));
    const result = m.withLock((v) => {
      v[0] += 3;
      return v[0] + 5;
    });
    expect(m.withLock((v) => v[0])).toBe(5);
    expect(result).toBe(10);
  });
});

describe("Rust std RwLock (tests/sync/rwlock.rs)", () => {
  it("smoke", () => {
    const l = new RwLock();
    l.read().unlock();
    l.write().unlock();
    const a = l.read(), b = l.read();
    a.unlock();
    b.unlock();
    l.write().unlock();
  });

  it("frob", async () => {
    const N = 4, M = 300;
    const r = new RwLock();
    const hs = Array.from({ length: N }, (_, i) => spawn(W, "frob", r, M, N, 1234 + i));
    await Promise.all(hs.map((h) => h.join()));
  });

  it("test_rw_arc: readers never see the writer's intermediate -1", async () => {
    const rw = new RwLock(ints());
    const [tx, rx] = channel<number>();
    const writer = spawn(W, "rwArcWriter", rw, tx);
    tx.close();
    const readers = Array.from({ length: 5 }, () => spawn(W, "rwArcReader", rw));
    for (const h of readers) await h.join(); // each asserted >= 0
    await writer.join();
    expect(rx.recv()).toBe(1);
    const g = rw.read();
    expect(g.value[0]).toBe(10);
    g.unlock();
  });

  it("test_rw_arc_access_in_unwind", async () => {
    const rw = new RwLock(ints(1, [1]));
    await joinQuietly(spawn(W, "unwindRw", rw));
    const g = rw.read();
    expect(g.value[0]).toBe(2);
    g.unlock();
  });

  it("test_rwlock_unsized", () => {
    const rw = new RwLock(ints(3, [1, 2, 3]));
    const w = rw.write();
    w.value[0] = 4;
    w.value[2] = 5;
    w.unlock();
    const g = rw.read();
    expect(Array.from(g.value)).toEqual([4, 2, 5]);
    g.unlock();
  });

  it("poison_test_rwlock_try_write: try_write fails (WouldBlock) while a read guard is held", () => {
    const lock = new RwLock(ints());
    const rg = lock.read();
    expect(lock.tryWrite()).toBeNull();
    rg.unlock();
    const w = lock.tryWrite();
    expect(w).not.toBeNull();
    w!.unlock();
  });

  it("new_poisoned_rwlock: a caught panic holding the write guard poisons", () => {
    const rw = new RwLock(ints(1, [10]));
    expect(() => rw.withWrite(() => { throw new Error("test panic to poison RwLock"); })).toThrow("test panic");
    expect(rw.isPoisoned).toBe(true);
  });

  it("test_rw_arc_poison_wr", async () => {
    const rw = new RwLock(ints(1, [1]));
    await joinQuietly(spawn(W, "writeThenThrow", rw));
    let err: unknown;
    try {
      rw.read({ timeout: 5_000 }).unlock();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PoisonError);
    (err as PoisonError<any>).guard?.unlock();
  });

  it("test_rw_arc_poison_ww", async () => {
    const rw = new RwLock(ints(1, [1]));
    expect(rw.isPoisoned).toBe(false);
    await joinQuietly(spawn(W, "writeThenThrow", rw));
    let err: unknown;
    try {
      rw.write({ timeout: 5_000 }).unlock();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PoisonError);
    (err as PoisonError<any>).guard?.unlock();
    expect(rw.isPoisoned).toBe(true);
  });

  it("test_rw_arc_no_poison_rr: a reader that panics does not poison", async () => {
    const rw = new RwLock(ints(1, [1]));
    await joinQuietly(spawn(W, "readThenThrow", rw));
    const g = rw.read({ timeout: 5_000 });
    expect(g.value[0]).toBe(1);
    g.unlock();
  });

  it("test_rw_arc_no_poison_rw: after a reader panicked, write() succeeds (Rust drops the read guard)", async () => {
    const rw = new RwLock(ints(1, [1]));
    await joinQuietly(spawn(W, "readThenThrow", rw));
    // In Rust the panicking thread's read guard is released while unwinding; a weft worker gives
    // back the read locks it still holds when it ends (it kept them for good before the
    // thirteenth session): bounded here so a regression fails instead of hanging.
    const g = await rw.writeAsync({ timeout: 2_000 });
    expect(g.value[0]).toBe(1);
    g.unlock();
  });

  it("test_rwlock_with / test_rwlock_with_mut (→ withRead / withWrite)", () => {
    const rw = new RwLock(ints(1, [2]));
    expect(rw.withRead((v) => v[0] + 3)).toBe(5);
    const r = rw.withWrite((v) => {
      v[0] += 3;
      return v[0] + 5;
    });
    expect(rw.withRead((v) => v[0])).toBe(5);
    expect(r).toBe(10);
  });
});

describe("Rust std Condvar (tests/sync/condvar.rs)", () => {
  it("smoke", () => {
    const c = new Condvar();
    c.notifyOne();
    c.notifyAll();
  });

  it("notify_one", async () => {
    const m = new Mutex();
    const c = new Condvar();
    const g = m.lock();
    const h = spawn(W, "notifyUnderLock", m, c);
    // Blocking wait on the main thread, as the Rust test does. A spurious wake-up is allowed.
    c.wait(g);
    g.unlock();
    await h.join();
  });

  it("notify_all", async () => {
    const N = 5;
    const m = new Mutex(ints());
    const c = new Condvar();
    const [tx, rx] = channel<string>();
    const hs = Array.from({ length: N }, () => spawn(W, "notifyAllParty", m, c, N, tx));
    tx.close();
    expect(await rx.recvAsync()).toBe("all");
    const g = await m.lockAsync();
    g.value[0] = 0;
    c.notifyAll();
    g.unlock();
    for (let i = 0; i < N; i++) expect(await rx.recvAsync({ timeout: 10_000 })).toBe("done");
    await Promise.all(hs.map((h) => h.join()));
  });

  it("test_mutex_arc_condvar", async () => {
    const m = new Mutex(ints());
    const c = new Condvar();
    const [tx, rx] = channel<number>();
    const h = spawn(W, "arcCondvarChild", m, c, rx);
    rx.close();
    const g = m.lock();
    tx.send(1);
    expect(g.value[0]).toBe(0);
    while (g.value[0] === 0) c.wait(g);
    g.unlock();
    await h.join();
  });

  it("wait_while", async () => {
    const m = new Mutex(ints());
    const c = new Condvar();
    const h = spawn(W, "notifyUnderLock", m, c);
    const g = m.lock();
    expect(c.waitWhile(g, (v) => v[0] === 0)).toBe(true);
    expect(g.value[0]).toBe(1);
    g.unlock();
    await h.join();
  });

  it("wait_timeout_wait", () => {
    const m = new Mutex();
    const c = new Condvar();
    for (;;) {
      const g = m.lock();
      const woken = c.wait(g, { timeout: 1 });
      g.unlock();
      if (woken) continue; // spurious
      break;
    }
  });

  it("wait_timeout_while_wait: no spurious success, it times out", () => {
    const m = new Mutex();
    const c = new Condvar();
    const g = m.lock();
    expect(c.waitWhile(g, () => true, { timeout: 1 })).toBe(false);
    expect(g.isHeld).toBe(true);
    g.unlock();
  });

  it("wait_timeout_while_instant_satisfy: timeout 0 and a false condition is not a time-out", () => {
    const m = new Mutex();
    const c = new Condvar();
    const g = m.lock();
    expect(c.waitWhile(g, () => false, { timeout: 0 })).toBe(true);
    g.unlock();
  });

  it("wait_timeout_while_wake: a u64::MAX-ms timeout", async () => {
    const m = new Mutex(ints());
    const c = new Condvar();
    const g = m.lock();
    const h = spawn(W, "notifyUnderLock", m, c, 1);
    // Duration::from_millis(u64::MAX): the largest timeout must not overflow into "expired".
    const ok = c.waitWhile(g, (v) => v[0] === 0, { timeout: 2 ** 64 - 1 });
    expect(ok).toBe(true);
    expect(g.value[0]).toBe(1);
    g.unlock();
    await h.join();
  });

  it("wait_timeout_wake: a u64::MAX-ms timeout, woken by notify", async () => {
    const m = new Mutex();
    const c = new Condvar();
    for (;;) {
      const g = m.lock();
      const notified = new AtomicBool(false);
      const h = spawn(W, "wakeAfter", m, c, notified);
      const woken = c.wait(g, { timeout: 2 ** 64 - 1 });
      expect(woken).toBe(true); // !timed_out()
      if (!notified.load()) {
        g.unlock();
        await h.join();
        continue;
      }
      g.unlock();
      await h.join();
      break;
    }
  });
});

describe("Rust std Barrier (tests/sync/barrier.rs)", () => {
  it("test_barrier", async () => {
    const N = 5;
    const b = new Barrier(N);
    const [tx, rx] = channel<boolean>();
    const hs = Array.from({ length: N - 1 }, () => spawn(W, "barrierWait", b, tx));
    tx.close();
    await sleep(100); // let the workers reach the barrier (Rust does not wait, it only hopes)
    // All spawned threads are blocked: nothing on the channel yet.
    expect(tryRecvKind(rx)).toBe("empty");
    let leaderFound = (await b.waitAsync()).isLeader;
    for (let i = 0; i < N - 1; i++) {
      if (await rx.recvAsync({ timeout: 10_000 })) {
        expect(leaderFound).toBe(false);
        leaderFound = true;
      }
    }
    expect(leaderFound).toBe(true);
    await Promise.all(hs.map((h) => h.join()));
  });
});

describe("Rust std Once (tests/sync/once.rs)", () => {
  it("smoke_once", () => {
    const o = new Once();
    let a = 0;
    o.callOnce(() => void a++);
    expect(a).toBe(1);
    o.callOnce(() => void a++);
    expect(a).toBe(1);
  });

  it("stampede_once", async () => {
    const o = new Once();
    const run = ints();
    const hs = Array.from({ length: 6 }, () => spawn(W, "stampede", o, run));
    o.callOnce(() => {
      expect(run[0]).toBe(0);
      run[0] = 1;
    });
    expect(run[0]).toBe(1);
    await Promise.all(hs.map((h) => h.join()));
  });

  it("poison_bad", () => {
    const o = new Once();
    expect(() => o.callOnce(() => { throw new Error("panic"); })).toThrow("panic");
    // poisoning propagates
    expect(() => o.callOnce(() => {})).toThrow(PoisonError);
    // we can subvert poisoning
    let called = false;
    o.callOnceForce((p) => {
      called = true;
      expect(p.isPoisoned).toBe(true);
    });
    expect(called).toBe(true);
    // once any success happens, we stop propagating the poison
    o.callOnce(() => {});
  });

  it("wait_for_force_to_finish", async () => {
    const o = new Once();
    expect(() => o.callOnce(() => { throw new Error("panic"); })).toThrow("panic");
    const [tx1, rx1] = channel<number>();
    const [tx2, rx2] = channel<number>();
    const t1 = spawn(W, "forceAndHold", o, tx1, rx2);
    tx1.close();
    rx2.close();
    await rx1.recvAsync();
    const t2 = spawn(W, "callOnceNotCalled", o);
    await sleep(50); // t2 is now waiting inside callOnce (Rust does not wait either)
    tx2.send(1);
    await expect(t1.join()).resolves.toBeUndefined();
    await expect(t2.join()).resolves.toBe(false);
  });
});
