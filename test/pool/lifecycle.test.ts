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

  // Found by two reviews of the restart accounting: a count of failed starts, reset by any worker
  // that started, let a pool lose every worker and stay open — its tasks pending for ever — and a
  // "no worker left" check closed a pool whose retired slots could still start.
  describe("workers that cannot start again", () => {
    const wt = (process as any).getBuiltinModule("node:worker_threads");
    const Real = wt.Worker;
    /** What the next Worker constructions do: throw (EAGAIN), exit before the pool's hello, or start. */
    const modes: ("throw" | "early" | "real")[] = [];
    let made = 0;
    const patch = () => {
      wt.Worker = function (...a: unknown[]) {
        made++;
        const m = modes.shift() ?? "real";
        if (m === "throw") throw Object.assign(new Error("spawn EAGAIN (injected)"), { code: "ERR_WORKER_INIT_FAILED" });
        if (m === "early") return new Real("process.exit(5)", { eval: true });
        return new Real(...a);
      };
    };
    const unpatch = () => {
      wt.Worker = Real;
      modes.length = 0;
    };
    const settle = () => new Promise((r) => setTimeout(r, 400));
    const kill = (p: ThreadPool) => p.run(tasks, "exitWorker", 3).then(() => "returned", (e: Error) => e.name);
    const within = <T,>(p: Promise<T>, ms = 5_000) =>
      Promise.race([p.then((v) => ({ v }), (e: Error) => ({ e })), new Promise<{ pending: true }>((r) => setTimeout(() => r({ pending: true }), ms))]);

    for (const [name, first, second, third] of [
      ["a replacement throws, the other slot's is replaced, then fails too", "throw", "real", "throw"],
      ["replacements exit before their hello, with a good start in between", "early", "real", "early"],
      ["one replacement throws, the other exits before its hello", "throw", "early", undefined],
    ] as const) {
      it(`${name}: the pool closes and rejects instead of keeping tasks pending`, async () => {
        patch();
        try {
          const p = new ThreadPool({ threads: 2 });
          expect(await p.run(tasks, "add", 1, 1)).toBe(2);
          for (const mode of [first, second, third]) {
            if (mode === undefined) continue;
            modes.push(mode);
            expect(["WorkerExitError", "WeftError"]).toContain(await kill(p));
            await settle();
          }
          expect(p.isClosed).toBe(true);
          const r = await within(p.run(tasks, "add", 2, 2));
          expect("e" in r && r.e).toBeInstanceOf(ClosedError);
          // Closed by itself, it still answers close() and terminate() with promises.
          await expect(p.terminate()).resolves.toBeUndefined();
          await expect(p.close()).resolves.toBeUndefined();
        } finally {
          unpatch();
        }
      });
    }

    it("a retired slot that cannot start does not close the pool while another slot can", async () => {
      patch();
      try {
        const p = new ThreadPool({ threads: 2, idleTimeoutMs: 50 });
        expect(await p.run(tasks, "add", 1, 1)).toBe(2);
        await new Promise((r) => setTimeout(r, 600)); // both workers retire
        expect(p.stats().workers.map((w) => w.alive)).toEqual([false, false]);
        modes.push("throw"); // the first restart fails, the next one starts
        const before = made;
        const r = await within(p.run(tasks, "add", 3, 4));
        expect(r).toEqual({ v: 7 });
        expect(p.isClosed).toBe(false);
        expect(made - before).toBeGreaterThanOrEqual(2);
        await p.terminate();
      } finally {
        unpatch();
      }
    });
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
