/**
 * Ports of tokio's sync tests (tokio-rs/tokio tokio/tests/{sync_semaphore,sync_barrier,
 * sync_rwlock,sync_mutex}.rs) to weft's async forms. A tokio task is an async function on the main
 * thread; `assert_pending!(t.poll())` is "the promise has not settled after the event loop turned"
 * (see `settledWithin`); dropping a pending future is aborting its `signal`; `std::thread::spawn`
 * is a `spawn`ed worker. tokio's `blocking_*` calls are weft's blocking calls on the main thread.
 *
 * Ported 39 of 59 source tests (20 not ported, listed below): semaphore no_permits, try_acquire, acquire, add_permits, add_permits_open,
 * add_permits_closed, forget, stress_test, add_max_amount_permits, add_more_than_max_amount_permits1,
 * add_more_than_max_amount_permits2, panic_when_exceeds_maxpermits, no_panic_at_maxpermits (first
 * half), blocking_acquire, blocking_acquire_waits_for_permit, blocking_acquire_many,
 * blocking_acquire_closed; barrier zero_does_not_block, single, tango, lots; rwlock read_shared,
 * write_shared_pending, read_exclusive_pending, write_exclusive_pending, write_shared_drop,
 * write_read_shared_pending, write_read_shared_drop_pending, read_uncontested, write_uncontested,
 * write_order, multithreaded, try_write, try_read_try_write; mutex straight_execution, readiness,
 * aborted_future_2, try_lock; plus a check of tokio's documented FIFO fairness (Mutex), which its
 * test files take for granted in write_order.
 *
 * Found a bug, fixed (thirteenth session): write_read_shared_pending and the last assertion of
 * write_read_shared_drop_pending (a thread that held a read lock — here the main thread, where all
 * async tasks run — got new read locks past a waiting writer, so overlapping async readers on one
 * thread starved writers: see test/workers/acc4-writer.mjs). `readAsync` now queues behind a
 * waiting writer, as tokio's does.
 *
 * Not ported here: tokio's Semaphore fairness (a queued acquire_many(2) is not overtaken by a later
 * acquire(1)). This port found weft's greedy; it is now fair to the head of the line, tested in
 * test/sync/semaphore-fair.test.ts (fourteenth session).
 *
 * Adaptations: weft's Semaphore has a ceiling (its initial count; `release` past it is a
 * RangeError), so tokio's `add_permits` on `Semaphore::new(n)` becomes `release` on a semaphore
 * created with the final count and drained first. weft's MAX_PERMITS is 2^30 - 1.
 *
 * Not ported — APIs weft does not have:
 * - Semaphore permits as values: `SemaphorePermit::forget` beyond "acquire and never release"
 *   (forget is ported that way), `forget_permits` (forget_open, forget_closed), `merge` / `split` /
 *   `num_permits` (merge, merge_unrelated_permits, split), owned permits
 *   (blocking_acquire_owned, blocking_acquire_many_owned: the same calls as the non-owned ones here),
 *   `add_permits` above the initial count (no_panic_at_maxpermits' second half).
 * - `RwLock::with_max_readers` / `const_with_max_readers` (exhaust_reading, zero_max_readers,
 *   zero_max_readers_const), `into_inner` (rwlock into_inner), `RwLockWriteGuard::downgrade_map`
 *   / `try_downgrade_map` (downgrade_map, try_downgrade_map).
 * - `Debug` formatting of a Mutex and its guard (debug_format, mutex_debug).
 * Not ported — no JS meaning: barrier_future_is_send (a Send bound); aborted_future_1 (dropping a
 * future *holding* the guard releases it — JS cannot drop a promise's continuation; weft's guard
 * stays held until unlock); blocking_acquire*_in_async_context (×4: tokio panics when a runtime
 * thread blocks; Node's main thread may block).
 */
import { describe, expect, it } from "vitest";
import { Barrier, ClosedError, Mutex, RwLock, Semaphore, spawn } from "../../dist/index.js";

const W = new URL("../workers/acc4-locks.mjs", import.meta.url);
const ints = (n = 1, init: number[] = []) => {
  const a = new Int32Array(new SharedArrayBuffer(4 * n));
  init.forEach((v, i) => (a[i] = v));
  return a;
};
const MAX_PERMITS = 2 ** 30 - 1;

/** A tokio_test `spawn(fut)`: tracks whether the promise settled, and how. */
function track<T>(p: Promise<T>) {
  const t = { settled: false, value: undefined as T | undefined, error: undefined as unknown };
  p.then(
    (v) => ((t.settled = true), (t.value = v)),
    (e) => ((t.settled = true), (t.error = e)),
  );
  return t;
}
/** Lets the event loop turn (microtasks, timers, Atomics.waitAsync wake-ups) for `ms`. */
const turn = (ms = 10) => new Promise((r) => setTimeout(r, ms));
/** assert_ready! / assert_pending! after letting the loop turn. */
async function isReady(t: { settled: boolean }, ms = 10) {
  await turn(ms);
  return t.settled;
}

describe("tokio Semaphore (tests/sync_semaphore.rs)", () => {
  it("no_permits", () => {
    new Semaphore(0);
  });

  it("try_acquire", () => {
    const sem = new Semaphore(1);
    expect(sem.tryAcquire()).toBe(true);
    expect(sem.tryAcquire()).toBe(false);
    sem.release(); // p1 dropped
    expect(sem.tryAcquire()).toBe(true);
  });

  it("acquire", async () => {
    const sem = new Semaphore(1);
    expect(sem.tryAcquire()).toBe(true);
    const j = (async () => {
      await sem.acquireAsync();
      sem.release();
    })();
    sem.release(); // drop(p1)
    await j;
    expect(sem.available).toBe(1);
  });

  it("add_permits (release into a drained semaphore)", async () => {
    const sem = new Semaphore(1);
    sem.tryAcquire(); // Semaphore::new(0) with room for the permit added below
    const j = (async () => {
      await sem.acquireAsync();
      sem.release();
    })();
    sem.release(1);
    await j;
  });

  it("add_permits_open", () => {
    for (let size = 0; size < 4; size++) {
      for (let add = 0; add < 4; add++) {
        const sem = new Semaphore(size + add);
        expect(sem.tryAcquire(add)).toBe(true);
        expect(sem.available).toBe(size);
        sem.release(add);
        expect(sem.available).toBe(size + add);
        expect(sem.isClosed).toBe(false);
      }
    }
  });

  it("add_permits_closed", () => {
    for (let size = 0; size < 4; size++) {
      for (let add = 0; add < 4; add++) {
        const sem = new Semaphore(size + add);
        expect(sem.tryAcquire(add)).toBe(true);
        sem.close();
        sem.release(add);
        expect(sem.available).toBe(size + add);
        expect(sem.isClosed).toBe(true);
      }
    }
  });

  it("forget (acquire, never release)", () => {
    const sem = new Semaphore(1);
    expect(sem.tryAcquire()).toBe(true);
    expect(sem.available).toBe(0);
    expect(sem.available).toBe(0);
    expect(sem.tryAcquire()).toBe(false);
  });

  it("stress_test", async () => {
    const sem = new Semaphore(5);
    const tasks = Array.from({ length: 300 }, async () => {
      await sem.acquireAsync();
      await Promise.resolve();
      sem.release();
    });
    await Promise.all(tasks);
    for (let i = 0; i < 5; i++) expect(sem.tryAcquire()).toBe(true);
    expect(sem.tryAcquire()).toBe(false);
  });

  it("add_max_amount_permits", () => {
    const s = new Semaphore(MAX_PERMITS);
    expect(s.tryAcquire(MAX_PERMITS)).toBe(true);
    s.release(MAX_PERMITS);
    expect(s.available).toBe(MAX_PERMITS);
  });

  it("add_more_than_max_amount_permits1", () => {
    const s = new Semaphore(1);
    expect(() => s.release(MAX_PERMITS)).toThrow(RangeError);
  });

  it("add_more_than_max_amount_permits2", () => {
    const s = new Semaphore(MAX_PERMITS);
    s.tryAcquire(1);
    s.release(1);
    expect(() => s.release(1)).toThrow(RangeError);
  });

  it("panic_when_exceeds_maxpermits", () => {
    expect(() => new Semaphore(MAX_PERMITS + 1)).toThrow(RangeError);
  });

  it("no_panic_at_maxpermits (first half)", () => {
    new Semaphore(MAX_PERMITS);
  });

  it("blocking_acquire", () => {
    const sem = new Semaphore(1);
    sem.acquire();
    expect(sem.available).toBe(0);
    sem.release();
    expect(sem.available).toBe(1);
  });

  it("blocking_acquire_waits_for_permit", async () => {
    const sem = new Semaphore(1);
    sem.tryAcquire();
    const h = spawn(W, "acquireOne", sem);
    sem.release(1);
    await expect(h.join()).resolves.toBe(0);
  });

  it("blocking_acquire_many", () => {
    const sem = new Semaphore(5);
    sem.acquire(3);
    expect(sem.available).toBe(2);
    sem.release(3);
    expect(sem.available).toBe(5);
  });

  it("blocking_acquire_closed", () => {
    const sem = new Semaphore(1);
    sem.close();
    expect(() => sem.acquire()).toThrow(ClosedError);
    expect(() => sem.acquire(2)).toThrow(); // tokio: Err(AcquireError)
  });

});

describe("tokio Barrier (tests/sync_barrier.rs)", () => {
  it("zero_does_not_block", async () => {
    const b = new Barrier(0);
    for (let i = 0; i < 2; i++) {
      const w = track(b.waitAsync());
      expect(await isReady(w, 0)).toBe(true);
      expect(w.value!.isLeader).toBe(true);
    }
  });

  it("single", async () => {
    const b = new Barrier(1);
    for (let i = 0; i < 3; i++) {
      const w = track(b.waitAsync());
      expect(await isReady(w, 0)).toBe(true);
      expect(w.value!.isLeader).toBe(true);
    }
  });

  it("tango", async () => {
    const b = new Barrier(2);
    const w1 = track(b.waitAsync());
    expect(await isReady(w1)).toBe(false);
    const w2 = track(b.waitAsync());
    expect(await isReady(w2)).toBe(true);
    expect(await isReady(w1)).toBe(true);
    const l1 = w1.value!.isLeader, l2 = w2.value!.isLeader;
    expect(l1 || l2).toBe(true);
    expect(l1 && l2).toBe(false);
  });

  it("lots", async () => {
    const b = new Barrier(100);
    for (let round = 0; round < 10; round++) {
      const wait = [];
      for (let i = 0; i < 99; i++) wait.push(track(b.waitAsync()));
      await turn(5);
      for (const w of wait) expect(w.settled).toBe(false);
      const w = track(b.waitAsync());
      expect(await isReady(w)).toBe(true);
      let foundLeader = w.value!.isLeader;
      await turn(10);
      for (const x of wait) {
        expect(x.settled).toBe(true);
        if (x.value!.isLeader) {
          expect(foundLeader).toBe(false);
          foundLeader = true;
        }
      }
      expect(foundLeader).toBe(true);
    }
  });
});

describe("tokio RwLock (tests/sync_rwlock.rs)", () => {
  it("read_shared", async () => {
    const rw = new RwLock(ints(1, [100]));
    const t1 = track(rw.readAsync());
    expect(await isReady(t1, 0)).toBe(true);
    const t2 = track(rw.readAsync());
    expect(await isReady(t2, 0)).toBe(true);
    t1.value!.unlock();
    t2.value!.unlock();
  });

  it("write_shared_pending", async () => {
    const rw = new RwLock(ints(1, [100]));
    const g1 = await rw.readAsync();
    const ac = new AbortController();
    const t2 = track(rw.writeAsync({ signal: ac.signal }));
    expect(await isReady(t2)).toBe(false);
    ac.abort();
    await turn(0);
    g1.unlock();
  });

  it("read_exclusive_pending", async () => {
    const rw = new RwLock(ints(1, [100]));
    const g1 = await rw.writeAsync();
    const ac = new AbortController();
    const t2 = track(rw.readAsync({ signal: ac.signal }));
    expect(await isReady(t2)).toBe(false);
    ac.abort();
    await turn(0);
    g1.unlock();
  });

  it("write_exclusive_pending", async () => {
    const rw = new RwLock(ints(1, [100]));
    const g1 = await rw.writeAsync();
    const ac = new AbortController();
    const t2 = track(rw.writeAsync({ signal: ac.signal }));
    expect(await isReady(t2)).toBe(false);
    ac.abort();
    await turn(0);
    g1.unlock();
  });

  it("write_shared_drop", async () => {
    const rw = new RwLock(ints(1, [100]));
    const g1 = await rw.readAsync();
    const t2 = track(rw.writeAsync());
    expect(await isReady(t2)).toBe(false);
    g1.unlock();
    expect(await isReady(t2, 50)).toBe(true);
    expect(t2.error).toBeUndefined();
    t2.value!.unlock();
  });

  it("write_read_shared_pending: a pending writer holds back later readers", async () => {
    const rw = new RwLock(ints(1, [100]));
    const g1 = await rw.readAsync();
    const g2 = await rw.readAsync();
    const ac3 = new AbortController(), ac4 = new AbortController();
    const t3 = track(rw.writeAsync({ signal: ac3.signal }));
    expect(await isReady(t3)).toBe(false);
    const t4 = track(rw.readAsync({ signal: ac4.signal }));
    const t4ready = await isReady(t4);
    if (t4.settled && t4.value) t4.value.unlock();
    ac4.abort();
    ac3.abort();
    await turn(0);
    g1.unlock();
    g2.unlock();
    expect(t4ready, "a read task acquired the lock past a pending writer").toBe(false);
  });

  it("write_read_shared_drop_pending: dropping the pending writer lets the pending reader in", async () => {
    const rw = new RwLock(ints(1, [100]));
    const g1 = await rw.readAsync();
    const ac2 = new AbortController();
    const t2 = track(rw.writeAsync({ signal: ac2.signal }));
    expect(await isReady(t2)).toBe(false);
    const t3 = track(rw.readAsync());
    const t3EarlyReady = await isReady(t3);
    ac2.abort(); // drop(t2)
    expect(await isReady(t3, 50)).toBe(true);
    expect(t3.error).toBeUndefined();
    t3.value?.unlock();
    g1.unlock();
    // The tokio test also requires t3 to be pending while t2 waits (write_read_shared_pending).
    expect(t3EarlyReady, "the read task got in past the pending writer").toBe(false);
  });

  it("writer preference vs a stream of async readers on one thread (repro for write_read_shared_pending)", async () => {
    // tokio: a waiting writer is queued ahead of every later reader, so overlapping readers
    // cannot keep it out. weft: each new readAsync on this thread sees the thread already holds
    // a read lock and goes past the waiting writer, so the worker's write() never gets in.
    const rw = new RwLock();
    const started = ints();
    let stop = false;
    const reader = async () => {
      const g = await rw.readAsync();
      await turn(10);
      g.unlock();
    };
    void reader();
    const tick = setInterval(() => void (stop || reader()), 5);
    try {
      const h = spawn(new URL("../workers/acc4-writer.mjs", import.meta.url), rw, started);
      const waited = await h.join().catch((e) => e);
      expect(waited, "the writer was starved by overlapping async readers").not.toBeInstanceOf(Error);
    } finally {
      stop = true;
      clearInterval(tick);
      await turn(30);
    }
  });

  it("read_uncontested", async () => {
    const rw = new RwLock(ints(1, [100]));
    const g = await rw.readAsync();
    expect(g.value[0]).toBe(100);
    g.unlock();
  });

  it("write_uncontested", async () => {
    const rw = new RwLock(ints(1, [100]));
    const g = await rw.writeAsync();
    g.value[0] += 50;
    expect(g.value[0]).toBe(150);
    g.unlock();
  });

  it("write_order: writers get the lock in the order they asked for it", async () => {
    // tokio's futures are lazy: "asked" is first poll. JS promises start when made, so the
    // queue is built behind a held write lock, in order 1, 2, 3.
    const rw = new RwLock(ints(4));
    const held = await rw.writeAsync();
    const order: number[] = [];
    const push = (k: number) =>
      rw.writeAsync().then((g) => {
        order.push(k);
        g.unlock();
      });
    const ps = [];
    for (const k of [1, 2, 3]) {
      ps.push(push(k));
      await turn(2);
    }
    held.unlock();
    await Promise.all(ps);
    expect(order).toEqual([1, 2, 3]);
  });

  it("multithreaded", async () => {
    const barrier = new Barrier(5);
    const rw = new RwLock(ints());
    const n = 200;
    const hs = [2, 3, 5, 7].map((k) => spawn(W, "addUnderWrite", rw, n, k, barrier));
    await barrier.waitAsync();
    const g = await rw.readAsync();
    expect(g.value[0]).toBe(17 * n);
    g.unlock();
    await Promise.all(hs.map((h) => h.join()));
  });

  it("try_write", async () => {
    const lock = new RwLock(ints());
    const rg = await lock.readAsync();
    expect(lock.tryWrite()).toBeNull();
    rg.unlock();
    const w = lock.tryWrite();
    expect(w).not.toBeNull();
    w!.unlock();
  });

  it("try_read_try_write", () => {
    const lock = new RwLock(ints(1, [15]));
    {
      const rg1 = lock.tryRead()!;
      expect(rg1.value[0]).toBe(15);
      expect(lock.tryWrite()).toBeNull();
      const rg2 = lock.tryRead()!;
      expect(rg2.value[0]).toBe(15);
      rg1.unlock();
      rg2.unlock();
    }
    {
      const wg = lock.tryWrite()!;
      wg.value[0] = 1515;
      expect(lock.tryRead()).toBeNull();
      wg.unlock();
    }
    const r = lock.tryRead()!;
    expect(r.value[0]).toBe(1515);
    r.unlock();
  });
});

describe("tokio Mutex (tests/sync_mutex.rs)", () => {
  it("straight_execution", async () => {
    const l = new Mutex(ints(1, [100]));
    for (const [want, next] of [[100, 99], [99, 98], [98, -1]]) {
      const t = track(l.lockAsync());
      expect(await isReady(t, 0)).toBe(true);
      const g = t.value!;
      expect(g.value[0]).toBe(want);
      if (next >= 0) g.value[0] = next;
      g.unlock();
    }
  });

  it("readiness", async () => {
    const l = new Mutex(ints(1, [100]));
    const t1 = track(l.lockAsync());
    const t2 = track(l.lockAsync());
    expect(await isReady(t1)).toBe(true);
    expect(t2.settled).toBe(false);
    t1.value!.unlock();
    expect(await isReady(t2, 50)).toBe(true);
    t2.value!.unlock();
  });

  it("aborted_future_2: a waiter that times out leaves no lock behind", async () => {
    const m = new Mutex(ints());
    {
      const lock = await m.lockAsync();
      await expect(m.lockAsync({ timeout: 1 })).rejects.toThrow();
      lock.unlock();
    }
    const g = await m.lockAsync({ timeout: 1 }); // "Mutex is locked" otherwise
    g.unlock();
  });

  it("try_lock", () => {
    const m = new Mutex(ints());
    const g1 = m.tryLock();
    expect(g1).not.toBeNull();
    expect(m.tryLock()).toBeNull();
    g1!.unlock();
    const g3 = m.tryLock();
    expect(g3).not.toBeNull();
    g3!.unlock();
  });

  it("FIFO fairness (tokio docs: 'the lock is fair', queued in order of lock()): async waiters get it in order", async () => {
    const m = new Mutex(ints());
    const held = await m.lockAsync();
    const order: number[] = [];
    const ps = [];
    for (const k of [1, 2, 3, 4]) {
      ps.push(m.lockAsync().then((g) => (order.push(k), g.unlock())));
      await turn(2);
    }
    held.unlock();
    await Promise.all(ps);
    expect(order).toEqual([1, 2, 3, 4]);
  });
});
