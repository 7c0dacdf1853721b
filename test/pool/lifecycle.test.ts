/**
 * A pool's life after close() / terminate(), and workers that cannot start. Found by a helper
 * porting rayon-core's and tokio's pool tests (eleventh session). This file closes the process's
 * global pool, so it runs alone in its own process (vitest's forks pool).
 */
import { describe, expect, it } from "vitest";
import { ClosedError, ThreadPool, globalPool, join, parallel, spawnBlocking } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";

const tasks = workerUrl("pool-tasks.mjs");
const fns = workerUrl("par-fns.mjs");
const f64 = (n: number, v = 1) => new Float64Array(new SharedArrayBuffer(8 * n)).fill(v);

describe("the global pool", () => {
  it("once closed (or terminated), globalPool() makes a new one: spawnBlocking, join and the helpers keep working", async () => {
    const g = globalPool();
    expect(await spawnBlocking<number>(tasks, "add", 1, 2)).toBe(3);
    await g.close();
    expect(g.isClosed).toBe(true);
    await expect(g.run(tasks, "add", 1, 1)).rejects.toThrow(ClosedError);
    const g2 = globalPool();
    expect(g2).not.toBe(g);
    expect(g2.isClosed).toBe(false);
    expect(await spawnBlocking<number>(tasks, "add", 2, 3)).toBe(5);
    expect(await parallel.sum(f64(100_000))).toBe(100_000);
    expect(await join([tasks, "add", 1, 1] as const, [tasks, "add", 2, 2] as const)).toEqual([2, 4]);
    void g2.terminate();
    expect(globalPool()).not.toBe(g2);
    expect(await spawnBlocking<number>(tasks, "add", 3, 4)).toBe(7);
  });
});

describe("ThreadPool life", () => {
  it("stats() shows no worker alive once close() or terminate() has resolved", async () => {
    for (const stop of ["close", "terminate"] as const) {
      const p = new ThreadPool({ threads: 3 });
      await p.run(tasks, "add", 1, 1);
      expect(p.stats().workers.every((w) => w.alive)).toBe(true);
      await p[stop]();
      expect(p.stats().workers.map((w) => w.alive), stop).toEqual([false, false, false]);
    }
  });

  it("terminate() during a parallel helper's job rejects in the helper's words", async () => {
    const p = new ThreadPool({ threads: 2 });
    const data = f64(400_000);
    const job = parallel.map(data, data, fns, "slow", { pool: p }).then(
      () => null,
      (err: unknown) => err as Error,
    );
    await new Promise((r) => setTimeout(r, 100));
    await p.terminate();
    const e = await job;
    expect(e).toBeInstanceOf(ClosedError);
    expect(e!.message).toBe("parallel.map: the pool was terminated (ThreadPool.terminate()) before the job finished");
    expect((e as any).cause?.message).toMatch(/ThreadPool\.terminate\(\) stopped the pool/);
  });

  // Found by a review of the restart accounting: a count of failed starts, reset by any worker
  // that started, let a pool lose every worker and stay open — its tasks pending for ever.
  it("when no worker can be started again, the pool closes instead of keeping tasks pending for ever", async () => {
    const wt = (process as any).getBuiltinModule("node:worker_threads");
    const Real = wt.Worker;
    let fail = false;
    wt.Worker = function (...a: unknown[]) {
      if (fail) throw Object.assign(new Error("spawn EAGAIN (injected)"), { code: "ERR_WORKER_INIT_FAILED" });
      return new Real(...a);
    };
    try {
      const p = new ThreadPool({ threads: 2 });
      expect(await p.run(tasks, "add", 1, 1)).toBe(2);
      const die = () => p.run(tasks, "exitWorker", 3).then(() => "returned", (e: Error) => e.name);
      const settle = () => new Promise((r) => setTimeout(r, 300));
      fail = true;
      expect(await die()).toBe("WorkerExitError"); // its replacement cannot start
      await settle();
      fail = false;
      expect(await die()).toBe("WorkerExitError"); // the other slot's replacement starts
      await settle();
      fail = true;
      // And its next one cannot: the pool, now without workers, rejects what is pending with the
      // start failure (the dying task may be among them) and closes.
      expect(["WorkerExitError", "WeftError"]).toContain(await die());
      await settle();
      fail = false;
      expect(p.isClosed).toBe(true);
      await expect(p.run(tasks, "add", 1, 1)).rejects.toThrow(ClosedError);
    } finally {
      wt.Worker = Real;
    }
  });

  it("a stack no thread can get is a RangeError naming stackSizeMb (not Node's raw EAGAIN)", () => {
    let e: any;
    try {
      new ThreadPool({ threads: 2, stackSizeMb: 1e12 });
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toMatch(/^ThreadPool: could not start a worker thread with stackSizeMb 1000000000000 \(.+\): the system would not give a thread that stack$/);
    expect(e.cause).toBeDefined();
  });
});
