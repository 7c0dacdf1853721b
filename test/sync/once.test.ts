/**
 * Once (src/sync/once.ts): callOnce runs once, poisoning, callOnceForce, isCompleted,
 * DeadlockError on recursion, callOnceAsync, and waiting for a run on another thread.
 */
import { describe, expect, it } from "vitest";
import { AtomicI32, DeadlockError, Once, PoisonError, TimeoutError, WeftError } from "../../dist/index.js";
import { expectReject, expectThrow, handshake, op, sleep } from "../unit-helpers.js";

describe("Once on one thread", () => {
  it("runs the function exactly once and reports isCompleted", () => {
    const once = new Once();
    expect(once.isCompleted).toBe(false);
    let runs = 0;
    once.callOnce(() => void runs++);
    once.callOnce(() => void runs++);
    once.callOnceForce(() => void runs++);
    expect(runs).toBe(1);
    expect(once.isCompleted).toBe(true);
    expect(once.isPoisoned).toBe(false);
  });

  it("a throwing function poisons it: the error propagates, callOnce then throws PoisonError", () => {
    const once = new Once();
    const boom = new Error("init failed");
    let got: unknown;
    try {
      once.callOnce(() => {
        throw boom;
      });
    } catch (e) {
      got = e;
    }
    expect(got).toBe(boom);
    expect(once.isPoisoned).toBe(true);
    expect(once.isCompleted).toBe(false);
    let ran = false;
    const e = expectThrow(() => once.callOnce(() => void (ran = true)), PoisonError, "Once is poisoned");
    expect(e).toBeInstanceOf(WeftError);
    expect((e as PoisonError).guard).toBeUndefined();
    expect(ran).toBe(false);
  });

  it("callOnceForce runs again after poison, told so, and completes it", () => {
    const once = new Once();
    expect(() => once.callOnce(() => { throw new Error("first"); })).toThrow("first");
    const seen: boolean[] = [];
    once.callOnceForce((s) => void seen.push(s.isPoisoned));
    expect(seen).toEqual([true]);
    expect(once.isCompleted).toBe(true);
    expect(once.isPoisoned).toBe(false);
    once.callOnceForce((s) => void seen.push(s.isPoisoned));
    expect(seen).toEqual([true]);
  });

  it("callOnceForce on a fresh Once is told it is not poisoned; a throwing force poisons again", () => {
    const once = new Once();
    const seen: boolean[] = [];
    expect(() => once.callOnceForce((s) => { seen.push(s.isPoisoned); throw new Error("again"); })).toThrow("again");
    expect(once.isPoisoned).toBe(true);
    once.callOnceForce((s) => void seen.push(s.isPoisoned));
    expect(seen).toEqual([false, true]);
    expect(once.isCompleted).toBe(true);
  });

  it("a recursive callOnce from inside the function is a DeadlockError (not a hang)", () => {
    const once = new Once();
    let inner: unknown;
    const t0 = performance.now();
    once.callOnce(() => {
      try {
        once.callOnce(() => {}, { timeout: 5_000 });
      } catch (e) {
        inner = e;
      }
    });
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(inner).toBeInstanceOf(DeadlockError);
    expect((inner as Error).message).toContain("Once.callOnce");
    expect(once.isCompleted).toBe(true);
    // Uncaught inside, the DeadlockError poisons it like any other throw.
    const other = new Once();
    expect(() => other.callOnce(() => other.callOnceForce(() => {}))).toThrow(DeadlockError);
    expect(other.isPoisoned).toBe(true);
  });

  it("callOnceAsync awaits the function; concurrent callers wait for it and do not run theirs", async () => {
    const once = new Once();
    let runs = 0;
    let done = false;
    const first = once.callOnceAsync(async () => {
      runs++;
      await sleep(20);
      done = true;
    });
    const second = once.callOnceAsync(() => void runs++, { timeout: 5_000 });
    await second;
    expect(done).toBe(true); // the second call resolved only after the first completed
    await first;
    expect(runs).toBe(1);
    expect(once.isCompleted).toBe(true);
    await once.callOnceAsync(() => void runs++);
    expect(runs).toBe(1);
  });

  it("callOnceAsync: a rejection poisons; later calls reject with PoisonError", async () => {
    const once = new Once();
    const boom = new Error("async init failed");
    await expect(once.callOnceAsync(async () => { throw boom; })).rejects.toBe(boom);
    expect(once.isPoisoned).toBe(true);
    await expectReject(() => once.callOnceAsync(() => {}), PoisonError, "Once is poisoned");
    expectThrow(() => once.callOnce(() => {}), PoisonError);
  });

  it("callOnceAsync waiting behind a running call times out with TimeoutError; the run still completes", async () => {
    const once = new Once();
    let release!: () => void;
    const first = once.callOnceAsync(() => new Promise<void>((r) => (release = r)));
    await expectReject(() => once.callOnceAsync(() => {}, { timeout: 20 }), TimeoutError, "Once.callOnceAsync", "20 ms");
    release();
    await first;
    expect(once.isCompleted).toBe(true);
  });

  // Regression (found as a bug, now fixed): src/sync/once.ts callOnce/callOnceForce/callOnceAsync do not check that `fn` is a
  // function: the Once is claimed, calling it throws V8's "fn is not a function" (naming neither
  // the method nor the value), and that throw poisons the Once for every thread.
  // Repro: `const o = new Once(); try { o.callOnce(5 as any) } catch {}; o.isPoisoned === true`.
  it("callOnce with a non-function is a TypeError naming it, and does not poison the Once", () => {
    const once = new Once();
    let err: unknown;
    try {
      once.callOnce(5 as any);
    } catch (e) {
      err = e;
    }
    expect(once.isPoisoned).toBe(false);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toContain("number 5");
  });
});

describe("Once across workers", () => {
  it("workers and this thread together run it once; a caller here waits for the worker's run", async () => {
    const once = new Once();
    const runs = new AtomicI32(0);
    const hs = handshake();
    const first = op("callOnce", once, runs, hs.started, hs.release);
    await hs.whenStarted(); // the worker is inside the function now
    expect(once.isCompleted).toBe(false);
    let ranHere = false;
    expectThrow(() => once.callOnce(() => void (ranHere = true), { timeout: 20 }), TimeoutError, "Once.callOnce", "20 ms");
    await expectReject(() => once.callOnceAsync(() => void (ranHere = true), { timeout: 20 }), TimeoutError);
    const second = op("callOnce", once, runs, null, null);
    const waiting = once.callOnceAsync(() => void (ranHere = true), { timeout: 10_000 });
    hs.letGo();
    await waiting;
    expect(ranHere).toBe(false);
    expect(await first.join()).toBe(1);
    expect(await second.join()).toBe(1);
    expect(runs.load()).toBe(1);
    expect(once.isCompleted).toBe(true);
  });
});
