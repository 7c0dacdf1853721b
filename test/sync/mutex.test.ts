import { describe, expect, it } from "vitest";
import {
  AtomicI32,
  DeadlockError,
  LockError,
  Mutex,
  MutexGuard,
  PoisonError,
  TimeoutError,
  WaitGroup,
  WeftError,
  spawn,
} from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import { checkError, expectReject, expectThrow, handshake, op, sharedInts, sleep } from "../unit-helpers.js";

const counter = () => new Int32Array(new SharedArrayBuffer(4));

describe("Mutex", () => {
  it("guards a non-atomic read-modify-write across real workers", async () => {
    const m = new Mutex(counter());
    const handles = [0, 1, 2].map(() => spawn(workerUrl("increment.mjs"), m, 20_000));
    await Promise.all(handles.map((h) => h.join()));
    expect(m.lock().value[0]).toBe(60_000);
  });

  it("throws DeadlockError when the owning thread locks again, and stays usable", () => {
    const m = new Mutex(counter());
    const g = m.lock();
    expect(() => m.lock()).toThrow(DeadlockError);
    expect(m.tryLock()).toBeNull();
    g.unlock();
    expect(() => g.unlock()).toThrow(LockError);
    m.lock().unlock();
  });

  it("times out with TimeoutError while another holds it", async () => {
    const m = new Mutex(counter());
    const g = m.lock();
    await expect(m.lockAsync({ timeout: 20 })).rejects.toBeInstanceOf(TimeoutError);
    g.unlock();
  });

  it("poisons when withLock's callback throws, and hands the guard over", () => {
    const m = new Mutex(counter());
    expect(() => m.withLock(() => { throw new Error("boom"); })).toThrow("boom");
    expect(m.isPoisoned).toBe(true);
    try {
      m.lock();
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PoisonError);
      const g = (e as PoisonError<any>).guard;
      expect(g.value[0]).toBe(0);
      g.unlock();
    }
    m.clearPoison();
    expect(m.isPoisoned).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Unit tests: bad input, single-thread semantics, poisoning, async queueing, across workers.

describe("Mutex: values that are not shared memory", () => {
  const suffix = "A Mutex guards shared memory";
  it.each([
    ["a number", 5, "value is number 5"],
    ["a string", "abc", 'value is string "abc"'],
    ["a boolean", true, "value is boolean true"],
    ["null", null, "value is null"],
    ["a function", () => 1, "value is function"],
    ["an Int32Array over a plain ArrayBuffer", new Int32Array(4), "value is a Int32Array over an ArrayBuffer (it needs a SharedArrayBuffer)"],
    ["a plain ArrayBuffer", new ArrayBuffer(8), "value is a ArrayBuffer, which is not shared memory"],
    ["an object with a string field", { counter: sharedInts(), label: "hits" }, 'value.label is string "hits"'],
    ["a nested array holding a number", { a: [{ b: sharedInts() }, { c: [sharedInts(), 7] }] }, "value.a[1].c[1] is number 7"],
    ["a Map", new Map(), "value is a Map"],
    ["a class instance", new (class Point { x = sharedInts(); })(), "value is a Point"],
  ])("rejects %s with a TypeError naming the offending path", (_what, value, fragment) => {
    expectThrow(() => new Mutex(value as any), TypeError, "Mutex: ", fragment, suffix);
  });

  it("accepts shared typed arrays, DataViews, SharedArrayBuffers, weft primitives, and arrays/objects of those", () => {
    const cyclic: any = { data: sharedInts() };
    cyclic.self = cyclic;
    for (const v of [
      sharedInts(),
      new Float64Array(new SharedArrayBuffer(16)),
      new DataView(new SharedArrayBuffer(8)),
      new SharedArrayBuffer(8),
      new AtomicI32(),
      new Mutex(),
      [sharedInts(), { inner: new WaitGroup() }],
      Object.assign(Object.create(null), { x: sharedInts() }),
      cyclic,
    ]) {
      const m = new Mutex(v as any);
      expect(m.lock().value).toBe(v);
    }
  });

  // Regression (found as a bug, now fixed): src/sync/mutex.ts Mutex.at: the type tag is claimed (claimTag) before the constructor
  // validates `value`, so a Mutex.at() that throws TypeError for a bad value still leaves the
  // memory tagged as a Mutex. Repro: `const b = new SharedArrayBuffer(8); try { Mutex.at(b, 0, 5) }
  // catch {}; WaitGroup.at(b, 0)` throws "holds a Mutex, not a WaitGroup". (RwLock.at: same.)
  it("Mutex.at with a bad value throws TypeError and leaves the memory untouched", () => {
    const b = new SharedArrayBuffer(Mutex.BYTE_LENGTH);
    expectThrow(() => Mutex.at(b, 0, 5 as any), TypeError, "value is number 5");
    expect(new Int32Array(b)).toEqual(new Int32Array(2));
    expect(() => WaitGroup.at(b, 0)).not.toThrow();
  });

  // Regression (found as a bug, now fixed): src/sync/mutex.ts withLock/withLockAsync: a non-function callback is not validated; it
  // is called under the lock, the resulting TypeError ("fn is not a function", which names neither
  // the method nor the value) counts as "fn threw", and the mutex is poisoned by a bad argument.
  // Repro: `const m = new Mutex(); try { m.withLock(5 as any) } catch {}; m.isPoisoned === true`.
  it("withLock / withLockAsync reject a non-function with a TypeError naming it, without poisoning", async () => {
    const m = new Mutex();
    const sync = (() => { try { m.withLock(5 as any); } catch (e) { return e; } })();
    expect(m.isPoisoned).toBe(false);
    checkError(sync, TypeError, ["number 5"]);
    m.clearPoison();
    const async = await m.withLockAsync("go" as any).then(() => undefined, (e) => e);
    expect(m.isPoisoned).toBe(false);
    expect(m.isLocked).toBe(false);
    checkError(async, TypeError, ['string "go"']);
  });
});

describe("Mutex on one thread", () => {
  it("lock/unlock: isLocked, guard.value is the guarded value itself, LockError after unlock", () => {
    const data = counter();
    const m = new Mutex(data);
    expect(m.isLocked).toBe(false);
    const g = m.lock();
    expect(m.isLocked).toBe(true);
    expect(g.isHeld).toBe(true);
    expect(g.value).toBe(data);
    g.unlock();
    expect(g.isHeld).toBe(false);
    expect(m.isLocked).toBe(false);
    expectThrow(() => g.value, LockError, "already unlocked");
    expectThrow(() => g.unlock(), LockError, "already unlocked");
    expect(m.isLocked).toBe(false);
  });

  it("a Mutex without a value guards undefined", () => {
    const m = new Mutex();
    const g = m.lock();
    expect(g.value).toBeUndefined();
    g.unlock();
  });

  it("tryLock returns a guard when free and null when held (by this thread too)", () => {
    const m = new Mutex(counter());
    const g = m.tryLock();
    expect(g).not.toBeNull();
    expect(m.tryLock()).toBeNull();
    g!.unlock();
    const again = m.tryLock();
    expect(again).not.toBeNull();
    again!.unlock();
  });

  it("DeadlockError on re-lock comes at once even with a long timeout, and the held guard is unaffected", () => {
    const m = new Mutex(counter());
    const g = m.lock();
    const t0 = performance.now();
    const e = expectThrow(() => m.lock({ timeout: 5_000 }), DeadlockError, "Mutex.lock", "already holds");
    expect(e).toBeInstanceOf(WeftError);
    expect(e.name).toBe("DeadlockError");
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(g.isHeld).toBe(true);
    g.value[0] = 1;
    g.unlock();
    expect(m.isLocked).toBe(false);
  });

  it("`using` unlocks at the end of the block, also when the block throws", () => {
    const m = new Mutex(counter());
    {
      using g = m.lock();
      g.value[0] = 5;
      expect(m.isLocked).toBe(true);
    }
    expect(m.isLocked).toBe(false);
    expect(() => {
      using g = m.lock();
      g.value[0] = 6;
      throw new Error("inside");
    }).toThrow("inside");
    expect(m.isLocked).toBe(false);
    expect(m.isPoisoned).toBe(false); // `using` is not withLock: a throw does not poison
  });

  it("[Symbol.dispose] after unlock is a no-op; unlock after dispose is a LockError", () => {
    const m = new Mutex();
    const g = m.lock();
    g.unlock();
    expect(() => g[Symbol.dispose]()).not.toThrow();
    const h = m.lock();
    h[Symbol.dispose]();
    expect(m.isLocked).toBe(false);
    expectThrow(() => h.unlock(), LockError);
  });

  it("withLock passes the value, returns fn's result and unlocks", () => {
    const data = counter();
    const m = new Mutex(data);
    const r = m.withLock((v) => {
      expect(v).toBe(data);
      expect(m.isLocked).toBe(true);
      v[0] = 9;
      return "result";
    });
    expect(r).toBe("result");
    expect(m.isLocked).toBe(false);
    expect(data[0]).toBe(9);
  });

  it("withLock: the thrown error propagates as itself; the mutex is poisoned and unlocked", () => {
    const m = new Mutex(counter());
    const boom = new RangeError("boom");
    let got: unknown;
    try {
      m.withLock(() => {
        throw boom;
      });
    } catch (e) {
      got = e;
    }
    expect(got).toBe(boom);
    expect(m.isPoisoned).toBe(true);
    expect(m.isLocked).toBe(false);
  });

  it("withLock on a poisoned mutex throws PoisonError without running fn, and leaves it unlocked", () => {
    const m = new Mutex(counter());
    expect(() => m.withLock(() => { throw new Error("x"); })).toThrow("x");
    let ran = false;
    const e = expectThrow(() => m.withLock(() => { ran = true; }), PoisonError, "Mutex is poisoned");
    expect(ran).toBe(false);
    expect(m.isLocked).toBe(false);
    expect((e as PoisonError).guard).toBeDefined();
    expect(m.isPoisoned).toBe(true);
  });

  it("withLockAsync awaits fn while holding the lock, and a rejection poisons", async () => {
    const m = new Mutex(counter());
    const r = await m.withLockAsync(async (v) => {
      await sleep(5);
      expect(m.isLocked).toBe(true);
      v[0] = 3;
      return 42;
    });
    expect(r).toBe(42);
    expect(m.isLocked).toBe(false);
    const boom = new Error("async boom");
    await expect(m.withLockAsync(async () => { await sleep(1); throw boom; })).rejects.toBe(boom);
    expect(m.isPoisoned).toBe(true);
    expect(m.isLocked).toBe(false);
    await expectReject(() => m.withLockAsync(() => 1), PoisonError, "poisoned");
    expect(m.isLocked).toBe(false);
  });

  it("PoisonError from lock, tryLock and lockAsync holds the lock through err.guard", async () => {
    const data = counter();
    const m = new Mutex(data);
    expect(() => m.withLock(() => { throw new Error("x"); })).toThrow();
    const takers: [string, () => unknown][] = [
      ["lock", () => m.lock()],
      ["lock with options", () => m.lock({ timeout: 100 })],
      ["tryLock", () => m.tryLock()],
    ];
    for (const [, take] of takers) {
      const e = expectThrow(take, PoisonError, "Mutex is poisoned") as PoisonError<any>;
      expect(e).toBeInstanceOf(WeftError);
      expect(e.guard.isHeld).toBe(true);
      expect(e.guard.value).toBe(data);
      expect(m.isLocked).toBe(true);
      e.guard.unlock();
      expect(m.isLocked).toBe(false);
    }
    const e = (await expectReject(() => m.lockAsync(), PoisonError, "poisoned")) as PoisonError<any>;
    expect(e.guard.value).toBe(data);
    e.guard.unlock();
    expect(m.isPoisoned).toBe(true); // taking the guard does not clear the poison
    m.clearPoison();
    expect(m.isPoisoned).toBe(false);
    m.lock().unlock();
    (await m.lockAsync()).unlock();
  });

  it("lockAsync queues behind an async holder on the same thread (no DeadlockError)", async () => {
    const m = new Mutex(counter());
    const first = await m.lockAsync();
    let second: unknown = "pending";
    const p = m.lockAsync({ timeout: 5_000 }).then((g) => (second = g));
    await sleep(30);
    expect(second).toBe("pending");
    first.unlock();
    await p;
    expect((second as any).isHeld).toBe(true);
    expect(m.isLocked).toBe(true);
    (second as any).unlock();
    expect(m.isLocked).toBe(false);
  });

  it("lockAsync queues behind a synchronous holder on the same thread too", async () => {
    const m = new Mutex();
    const g = m.lock();
    setTimeout(() => g.unlock(), 20);
    const h = await m.lockAsync({ timeout: 5_000 });
    expect(g.isHeld).toBe(false);
    h.unlock();
  });

  it("concurrent withLockAsync calls on one thread never overlap", async () => {
    const m = new Mutex(counter());
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        m.withLockAsync(async (v) => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          const read = v[0]!;
          await sleep(i % 2);
          v[0] = read + 1;
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
    expect(m.lock().value[0]).toBe(6);
  });

  it("lockAsync timeout: TimeoutError naming the method and timeout; the mutex still works", async () => {
    const m = new Mutex();
    const g = m.lock();
    const t0 = performance.now();
    await expectReject(() => m.lockAsync({ timeout: 30 }), TimeoutError, "Mutex.lockAsync timed out after 30 ms");
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
    g.unlock();
    expect(m.isLocked).toBe(false);
    m.lock().unlock();
    (await m.lockAsync({ timeout: 0 })).unlock();
  });

  it("lockAsync aborted while waiting rejects with the signal's reason; the mutex still works", async () => {
    const m = new Mutex();
    const g = m.lock();
    const ctl = new AbortController();
    const reason = new Error("cancelled by test");
    setTimeout(() => ctl.abort(reason), 20);
    const t0 = performance.now();
    await expect(m.lockAsync({ signal: ctl.signal })).rejects.toBe(reason);
    expect(performance.now() - t0).toBeLessThan(2_000);
    g.unlock();
    const h = m.tryLock();
    expect(h).not.toBeNull();
    h!.unlock();
  });

  it("mutexes placed side by side in one buffer are independent", () => {
    const b = new SharedArrayBuffer(Mutex.BYTE_LENGTH * 3);
    const [a, c, d] = [0, 1, 2].map((i) => Mutex.at(b, i * Mutex.BYTE_LENGTH));
    const g = c!.lock();
    expect(a!.isLocked).toBe(false);
    expect(d!.isLocked).toBe(false);
    a!.lock().unlock();
    d!.lock().unlock();
    expect(c!.isLocked).toBe(true);
    g.unlock();
  });
});

describe("MutexGuard's internal methods", () => {
  it("reached by reflection, they cannot reattach an unlocked guard to a lock another guard holds", () => {
    // Condvar.wait detaches a guard and reattaches it once it has the lock again, through
    // symbol-keyed methods that user code can find (review finding): reattaching is allowed only
    // to a guard that was detached, so an unlocked guard cannot be revived to unlock g2's lock.
    const m = new Mutex(new Int32Array(new SharedArrayBuffer(4)));
    const g1 = m.lock();
    g1.unlock();
    const g2 = m.lock();
    const reattach = Object.getOwnPropertySymbols(MutexGuard.prototype).find((s) => s.description === "weft.reattach");
    expect(reattach).toBeDefined();
    expect(() => (g1 as any)[reattach!](m)).toThrow(LockError);
    expect(() => g1.unlock()).toThrow(LockError);
    expect(g2.isHeld).toBe(true);
    expect(m.isLocked).toBe(true);
    g2.unlock();
    expect(m.isLocked).toBe(false);
  });
});

describe("Mutex across workers", () => {
  it("tryLock is null and lock() blocks on Node's main thread while a worker holds it", async () => {
    const m = new Mutex(counter());
    const hs = handshake();
    const h = op("holdMutex", m, hs.started, 150);
    await hs.whenStarted();
    expect(m.tryLock()).toBeNull();
    expect(m.isLocked).toBe(true);
    const g = m.lock({ timeout: 10_000 }); // synchronous, blocks this thread until the worker unlocks
    expect(hs.started.load()).toBe(2); // we got in only after the worker's critical section
    g.unlock();
    expect(await h.join()).toBe("unlocked");
  });

  it("lockAsync times out / aborts while a worker holds it, then acquires once it lets go", async () => {
    const m = new Mutex(counter());
    const hs = handshake();
    const h = op("holdMutex", m, hs.started, hs.release);
    await hs.whenStarted();
    await expectReject(() => m.lockAsync({ timeout: 30 }), TimeoutError, "timed out after 30 ms");
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(new Error("stop")), 20);
    await expect(m.lockAsync({ signal: ctl.signal })).rejects.toThrow("stop");
    const p = m.lockAsync({ timeout: 10_000 });
    hs.letGo();
    const g = await p;
    expect(g.isHeld).toBe(true);
    g.unlock();
    await h.join();
  });

  it("a worker's throwing withLock poisons the mutex for this thread", async () => {
    const m = new Mutex(counter());
    expect(await op("poisonMutex", m).join()).toBe("worker failed under the lock");
    expect(m.isPoisoned).toBe(true);
    expect(m.isLocked).toBe(false);
    const e = expectThrow(() => m.lock(), PoisonError) as PoisonError<any>;
    e.guard.unlock();
    m.clearPoison();
    expect(await op("tryLockReport", m).join()).toBe("free");
  });
});
