/**
 * Complaint 1 (piscina): `Atomics.wait` freezing the event loop. Every …Async wait on the main
 * thread, and a pool task, must leave the event loop turning while it waits: a 5 ms interval keeps
 * firing (no gap anywhere near the wait's length) while a real worker holds what is waited for.
 * The holder lets go by itself after 3 s, so an implementation that blocked the thread would show
 * up as a ~3 s gap and no ticks, not as a hung test.
 */
import { afterAll, describe, expect, it } from "vitest";
import { Condvar, Mutex, Once, RwLock, Semaphore, ThreadPool, channel, selectAsync, spawn } from "../../dist/index.js";
import { here, release, shared, sleep, until } from "./util.js";

const HOLD_MS = 300;

interface Watch<T> {
  ticks: number;
  maxGap: number;
  pendingAtRelease: boolean;
  value: T;
}

/** Starts `wait`, watches the event loop for HOLD_MS, then calls `letGo` and awaits the wait. */
async function watch<T>(wait: () => Promise<T>, letGo: () => void): Promise<Watch<T>> {
  let ticks = 0;
  let last = performance.now();
  let maxGap = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    ticks++;
  }, 5);
  try {
    let settled = false;
    const t0 = performance.now();
    const p = wait();
    // The call itself must return at once (no synchronous wait before the promise).
    const callMs = performance.now() - t0;
    p.then(() => (settled = true), () => (settled = true));
    await sleep(HOLD_MS);
    const pendingAtRelease = !settled;
    letGo();
    const value = await p;
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last, callMs);
    return { ticks, maxGap, pendingAtRelease, value };
  } finally {
    clearInterval(timer);
  }
}

/** A worker holds `prim` (holder.mjs kind) until released (at most 3 s). */
async function held(prim: unknown, kind: string, arg?: unknown) {
  const ctl = shared(4);
  ctl[2] = 3000;
  const h = spawn(here("holder.mjs"), prim, kind, ctl, arg);
  await until(ctl, 0, `holder ${kind}`);
  return { h, letGo: () => release(ctl) };
}

function expectTurning(w: Watch<unknown>, what: string): void {
  expect(w.pendingAtRelease, `${what}: it really waited for the worker`).toBe(true);
  // ~60 ticks expected; a blocked loop gives 0–1 and a gap of 3 s.
  expect(w.ticks, `${what}: timer ticks while waiting`).toBeGreaterThanOrEqual(10);
  expect(w.maxGap, `${what}: longest event-loop gap (ms)`).toBeLessThan(200);
}

describe("complaint 1: async waits never block the caller's event loop", () => {
  it("Mutex.lockAsync while a worker holds the lock", async () => {
    const m = new Mutex();
    const { h, letGo } = await held(m, "mutex");
    const w = await watch(() => m.lockAsync().then((g) => g.unlock()), letGo);
    await h.join();
    expectTurning(w, "lockAsync");
  });

  it("RwLock.readAsync and writeAsync while a worker writes", async () => {
    for (const mode of ["read", "write"] as const) {
      const rw = new RwLock();
      const { h, letGo } = await held(rw, "rwlock-w");
      const w = await watch(() => (mode === "read" ? rw.readAsync() : rw.writeAsync()).then((g) => g.unlock()), letGo);
      await h.join();
      expectTurning(w, `${mode}Async`);
    }
  });

  it("Semaphore.acquireAsync and Once.callOnceAsync while a worker holds them", async () => {
    const s = new Semaphore(1);
    const a = await held(s, "semaphore");
    const ws = await watch(() => s.acquireAsync(), a.letGo);
    await a.h.join();
    expectTurning(ws, "acquireAsync");
    const once = new Once();
    const b = await held(once, "once");
    const wo = await watch(() => once.callOnceAsync(() => { throw new Error("ran twice"); }), b.letGo);
    await b.h.join();
    expectTurning(wo, "callOnceAsync");
  });

  it("Condvar.waitAsync until another thread notifies", async () => {
    const m = new Mutex();
    const cv = new Condvar();
    const g = m.lock();
    const w = await watch(() => cv.waitAsync(g, { timeout: 3000 }), () => { m.withLockAsync(() => cv.notifyAll()); });
    g.unlock();
    expect(w.value).toBe(true);
    expectTurning(w, "Condvar.waitAsync");
  });

  for (const capacity of [0, 4, Infinity]) {
    it(`recvAsync, selectAsync and sendAsync on a capacity-${capacity} channel fed by a worker`, async () => {
      const [tx, rx] = channel<unknown>({ capacity });
      const a = await held(tx, "send", { big: new Map([[1, 2n]]) });
      const wr = await watch(() => rx.recvAsync(), a.letGo);
      await a.h.join();
      expect(wr.value).toEqual({ big: new Map([[1, 2n]]) });
      expectTurning(wr, "recvAsync");

      const [, rx2] = channel<number>({ capacity });
      const b = await held(tx, "send", 5);
      const wsel = await watch(() => selectAsync([rx2, rx]), b.letGo);
      await b.h.join();
      expect(wsel.value.value).toBe(5);
      expectTurning(wsel, "selectAsync");

      if (capacity !== Infinity) {
        for (let k = 0; k < capacity; k++) tx.send(k); // full
        const c = await held(rx, "recv");
        const wsend = await watch(() => tx.sendAsync("last"), c.letGo);
        expect(await c.h.join()).toBe(capacity === 0 ? "last" : 0);
        expectTurning(wsend, "sendAsync");
      }
    });
  }

  describe("a pool task", () => {
    const pool = new ThreadPool({ threads: 1 });
    afterAll(() => pool.terminate());
    it("pool.run of a task that waits for this thread", async () => {
      const flag = shared(1), started = shared(1);
      const w = await watch(
        async () => {
          const p = pool.run(new URL("../workers/pool-tasks.mjs", import.meta.url), "waitFlag", flag, started);
          await until(started, 0, "the task started");
          return p;
        },
        () => { Atomics.store(flag, 0, 1); Atomics.notify(flag, 0); },
      );
      expectTurning(w, "pool.run");
    });
  });
});
