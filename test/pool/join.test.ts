/**
 * joinAll / joinAllSettled (src/pool/join.ts) and threadLocal (src/pool/thread-local.ts): the
 * waiting helpers on their own, then fail-fast cancelling real pool tasks.
 */
import { describe, expect, it } from "vitest";
import { AtomicI32, ThreadLocal, ThreadPool, joinAll, joinAllSettled, threadLocal } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import { rejectionOf as rejection } from "../unit-helpers.js";

const tasks = workerUrl("pool-tasks.mjs");
const later = <T>(v: T, ms: number) => new Promise<T>((r) => setTimeout(() => r(v), ms));
const failLater = (e: unknown, ms: number) => new Promise<never>((_, rej) => setTimeout(() => rej(e), ms));


describe("joinAll", () => {
  it("resolves with every value in order (promises, plain values, any iterable)", async () => {
    expect(await joinAll([later(1, 20), 2, later("three", 5)])).toEqual([1, 2, "three"]);
    expect(await joinAll([])).toEqual([]);
    expect(await joinAll(new Set([later(4, 1), later(5, 2)]))).toEqual([4, 5]);
  });

  it("rejects with the first rejection as soon as it happens, not after the slow ones", async () => {
    let slowDone = false;
    const slow = later(0, 300).then(() => (slowDone = true));
    const e = await rejection(joinAll([slow, failLater(new RangeError("first"), 5), failLater(new Error("second"), 30)]));
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toBe("first");
    expect(slowDone).toBe(false);
    await slow;
  });

  it("aborts the controller on the first failure: queued pool tasks sharing its signal are cancelled", async () => {
    const pool = new ThreadPool({ threads: 1 });
    try {
      const ran = new AtomicI32(0);
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const started = new Int32Array(new SharedArrayBuffer(4));
      const ctl = new AbortController();
      const signal = ctl.signal;
      // One worker, held by the first task; 30 more queued behind it; then something fails.
      const hold = pool.runWith({ signal }, tasks, "waitFlag", flag, started);
      const queued = Array.from({ length: 30 }, () => pool.runWith({ signal }, tasks, "count", ran));
      while (Atomics.load(started, 0) === 0) await later(0, 2);
      const boom = new Error("stop everything");
      const ps = [hold, ...queued, failLater(boom, 1)];
      const e = await rejection(joinAll(ps, { controller: ctl }));
      expect(e).toBe(boom);
      expect(signal.aborted).toBe(true);
      expect(signal.reason).toBe(boom);
      const outcomes = await joinAllSettled(ps);
      expect(outcomes.every((o) => !o.ok && o.error === boom)).toBe(true);
      Atomics.store(flag, 0, 1);
      await pool.close();
      expect(ran.load()).toBe(0); // the queued ones were cancelled, never run
    } finally {
      await pool.close();
    }
  });

  it("bad input rejects with a TypeError", async () => {
    expect((await rejection(joinAll(5 as any))).message).toMatch(/expected an array \(or iterable\) of promises, got number 5/);
    expect((await rejection(joinAll([], null as any))).message).toMatch(/options must be an object/);
    expect((await rejection(joinAll([], { controller: {} as any }))).message).toMatch(/controller must be an AbortController/);
    expect((await rejection(joinAllSettled(null as any))).message).toMatch(/joinAllSettled: expected an array/);
  });
});

describe("joinAllSettled", () => {
  it("waits for all and reports each outcome in order, never rejecting", async () => {
    const boom = new Error("boom");
    expect(await joinAllSettled([later(1, 10), failLater(boom, 1), "x"])).toEqual([
      { ok: true, value: 1 },
      { ok: false, error: boom },
      { ok: true, value: "x" },
    ]);
    expect(await joinAllSettled([])).toEqual([]);
  });

  it("over pool tasks: values and errors side by side", async () => {
    const pool = new ThreadPool({ threads: 2 });
    try {
      const out = await joinAllSettled([pool.run(tasks, "add", 1, 2), pool.run(tasks, "fail", "no"), pool.run(tasks, "later", 4)]);
      expect(out[0]).toEqual({ ok: true, value: 3 });
      expect(out[1]!.ok).toBe(false);
      expect((out[1] as { error: Error }).error).toBeInstanceOf(RangeError);
      expect(out[2]).toEqual({ ok: true, value: 8 });
    } finally {
      await pool.close();
    }
  });
});

describe("threadLocal", () => {
  it("initialises lazily, once, and supports set / with / take", () => {
    let inits = 0;
    const t = threadLocal(() => ({ n: ++inits }));
    expect(t).toBeInstanceOf(ThreadLocal);
    expect(t.isInitialized).toBe(false);
    expect(inits).toBe(0);
    expect(t.get()).toEqual({ n: 1 });
    expect(t.get()).toBe(t.get());
    expect(t.with((v) => v.n * 10)).toBe(10);
    t.set({ n: 42 });
    expect(t.get().n).toBe(42);
    expect(t.take()).toEqual({ n: 42 });
    expect(t.isInitialized).toBe(false);
    expect(t.take()).toBeUndefined();
    expect(t.get()).toEqual({ n: 2 });
    expect(inits).toBe(2);
  });

  it("rejects a non-function init with a TypeError", () => {
    expect(() => threadLocal(5 as any)).toThrow(/threadLocal: expected a function, got number 5/);
  });
});
