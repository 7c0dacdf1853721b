/**
 * ThreadPool (src/pool): tasks named by module + export run on real workers; arguments and
 * results through shared memory (weft primitives and shared typed arrays arrive as the same
 * memory); errors; runMany; close vs terminate; bad input.
 */
import { afterAll, describe, expect, it } from "vitest";
import { AtomicI32, ClosedError, Mutex, ThreadPool, WeftError } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";

const tasks = workerUrl("pool-tasks.mjs");

const rejection = async (p: Promise<unknown>): Promise<any> => {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
};

describe("ThreadPool: run", () => {
  const pool = new ThreadPool({ threads: 2 });
  afterAll(() => pool.close());

  it("has the requested threads and runs a named export with its arguments", async () => {
    expect(pool.threads).toBe(2);
    expect(await pool.run(tasks, "add", 2, 3)).toBe(5);
    expect(await pool.run(tasks.href, "add", 0.5, -1e300)).toBe(0.5 - 1e300);
  });

  it("copies plain arguments and results faithfully (structured-clone fidelity)", async () => {
    const args = [1.5, "two", true, undefined, null, 3n, { nested: [1, { x: "y" }] }, new Date(7), new Map([[1, 2]]), new Set(["a"]), -0, NaN];
    expect(await pool.run(tasks, "echo", ...args)).toEqual(args);
    expect(await pool.run(tasks, "nothing")).toBeUndefined();
    expect(await pool.run(tasks, "identity", "x".repeat(10_000))).toBe("x".repeat(10_000));
    const big = Array.from({ length: 5000 }, (_, i) => ({ i, s: String(i) }));
    expect(await pool.run(tasks, "identity", big)).toEqual(big);
  });

  it("awaits async task functions", async () => {
    expect(await pool.run(tasks, "later", 21)).toBe(42);
    const many = await Promise.all(Array.from({ length: 50 }, (_, i) => pool.run(tasks, "later", i, 2)));
    expect(many).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
  });

  it("a shared typed array in the arguments is the same memory in the worker, and comes back as it", async () => {
    const arr = new Float64Array(new SharedArrayBuffer(8 * 100), 8 * 10, 50);
    const back = await pool.run<Float64Array>(tasks, "fillShared", arr, 7);
    expect(arr.every((x) => x === 7)).toBe(true);
    expect(new Float64Array(arr.buffer)[9]).toBe(0); // outside the view: untouched
    expect(back.buffer).toBe(arr.buffer);
    expect([back.byteOffset, back.length]).toEqual([arr.byteOffset, arr.length]);
  });

  it("weft primitives in the arguments are shared, and primitives in results are revived here", async () => {
    const atomic = new AtomicI32(0);
    const mutex = new Mutex(new Int32Array(new SharedArrayBuffer(4)));
    await Promise.all(Array.from({ length: 20 }, () => pool.run(tasks, "bump", atomic, mutex)));
    expect(atomic.load()).toBe(20);
    expect(mutex.withLock((v) => v[0])).toBe(20);
    const made = await pool.run<{ atomic: AtomicI32; mutex: Mutex<Int32Array> }>(tasks, "makePrimitives", 41);
    expect(made.atomic).toBeInstanceOf(AtomicI32);
    expect(made.atomic.fetchAdd(1)).toBe(41);
    made.mutex.withLock((v) => (v[0] = 9));
    expect(made.mutex.isLocked).toBe(false);
  });

  it("100 000 tasks each settle once with their own result", async () => {
    const n = 100_000;
    const ps: Promise<number>[] = [];
    for (let i = 0; i < n; i++) ps.push(pool.run<number>(tasks, "identity", i));
    const rs = await Promise.all(ps);
    expect(rs.every((v, i) => v === i)).toBe(true);
    expect(pool.stats().pending).toBe(0);
  });
});

describe("ThreadPool: errors", () => {
  const pool = new ThreadPool({ threads: 2 });
  afterAll(() => pool.close());

  it("a task that throws rejects with the error (class, message, stack, properties), and the pool goes on", async () => {
    const e = await rejection(pool.run(tasks, "fail", "out of range"));
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toBe("out of range");
    expect(e.stack).toContain("pool-tasks.mjs");
    const c = await rejection(pool.run(tasks, "throwCoded", "coded"));
    expect([c.name, c.message, c.code]).toEqual(["CodedError", "coded", "E_CODED"]);
    expect((await rejection(pool.run(tasks, "failLater", "async"))).message).toBe("async");
    expect(String(await rejection(pool.run(tasks, "throwString")))).toBe("a plain string");
    expect(await pool.run(tasks, "add", 1, 1)).toBe(2);
  });

  it("a missing export, a non-function export and a module that cannot load reject clearly", async () => {
    const missing = await rejection(pool.run(tasks, "noSuchExport"));
    expect(missing).toBeInstanceOf(TypeError);
    expect(missing.message).toMatch(/has no exported function "noSuchExport" \(its exports: .*add/);
    expect((await rejection(pool.run(tasks, "notAFunction"))).message).toMatch(/"notAFunction" export is number/);
    const gone = await rejection(pool.run(new URL("./no-such-module.mjs", tasks), "x"));
    expect(gone.message).toMatch(/no-such-module\.mjs|Cannot find module/);
    expect(await pool.run(tasks, "add", 2, 2)).toBe(4);
  });

  it("a result that cannot be sent rejects with a DataCloneError naming the problem", async () => {
    const e = await rejection(pool.run(tasks, "returnFunction"));
    expect(e.name).toBe("DataCloneError");
    expect(e.message).toMatch(/result cannot be sent back: a function/);
  });

  it("bad arguments reject (never throw) with typed errors naming the problem", async () => {
    expect(await rejection(pool.run("./relative.mjs", "x"))).toBeInstanceOf(TypeError);
    expect((await rejection(pool.run(42 as any, "x"))).message).toMatch(/moduleUrl must be a URL/);
    expect((await rejection(pool.run(tasks, 7 as any))).message).toMatch(/exportName must be a string/);
    expect((await rejection(pool.run(tasks, "echo", () => 1))).name).toBe("DataCloneError");
    expect((await rejection(pool.runWith(null as any, tasks, "add"))).message).toMatch(/options must be an object/);
    expect((await rejection(pool.runWith({ signal: {} as any }, tasks, "add"))).message).toMatch(/signal must be an AbortSignal/);
    expect((await rejection(pool.runMany(tasks, "add", 5 as any))).message).toMatch(/argsList must be an array/);
    expect((await rejection(pool.runMany(tasks, "add", [[1, 2], 3 as any]))).message).toMatch(/argsList\[1\] must be an array/);
    expect(await pool.run(tasks, "add", 3, 3)).toBe(6);
  });

  it("bad options to the constructor throw typed errors", () => {
    expect(() => new ThreadPool({ threads: 0 })).toThrow(RangeError);
    expect(() => new ThreadPool({ threads: 1.5 })).toThrow(/threads must be an integer/);
    expect(() => new ThreadPool({ stackSizeMb: -1 })).toThrow(/stackSizeMb must be a positive number/);
    expect(() => new ThreadPool({ name: 3 as any })).toThrow(TypeError);
    expect(() => new ThreadPool({ idleTimeoutMs: NaN })).toThrow(/idleTimeoutMs/);
    expect(() => new ThreadPool(null as any)).toThrow(/options must be an object/);
  });
});

describe("ThreadPool: runMany", () => {
  const pool = new ThreadPool({ threads: 2 });
  afterAll(() => pool.close());

  it("returns every result in order, for numbers and for structured values", async () => {
    const n = 10_000;
    const nums = await pool.runMany<number>(tasks, "add", Array.from({ length: n }, (_, i) => [i, 1]));
    expect(nums).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    const objs = await pool.runMany(tasks, "echo", Array.from({ length: 500 }, (_, i) => [{ i }, `s${i}`]));
    expect(objs).toEqual(Array.from({ length: 500 }, (_, i) => [{ i }, `s${i}`]));
    expect(await pool.runMany(tasks, "add", [])).toEqual([]);
    expect(await pool.runMany(tasks, "later", [[1], [2], [3]])).toEqual([2, 4, 6]);
  });

  it("rejects with the first error", async () => {
    const argsList = Array.from({ length: 100 }, (_, i) => [i === 57 ? "boom" : i]);
    const e = await rejection(pool.runMany(tasks, "failIf", argsList));
    expect(e.message).toMatch(/no exported function "failIf"/);
    const e2 = await rejection(pool.runMany(tasks, "fail", [["first"], ["second"]]));
    expect(e2).toBeInstanceOf(RangeError);
  });
});

describe("ThreadPool: close and terminate", () => {
  it("close() finishes what was submitted, then refuses new tasks with ClosedError", async () => {
    const pool = new ThreadPool({ threads: 2 });
    const ps = Array.from({ length: 20 }, (_, i) => pool.run(tasks, "later", i, 2));
    const closed = pool.close();
    const refused = await rejection(pool.run(tasks, "add", 1, 2));
    expect(refused).toBeInstanceOf(ClosedError);
    expect(refused).toBeInstanceOf(WeftError);
    expect(refused.message).toMatch(/closing/);
    expect(await Promise.all(ps)).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
    await closed;
    expect(pool.close()).toBe(closed);
    expect((await rejection(pool.runMany(tasks, "add", [[1, 2]]))).message).toMatch(/closed/);
  });

  it("terminate() stops at once: pending tasks reject with ClosedError", async () => {
    const pool = new ThreadPool({ threads: 1 });
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const started = new Int32Array(new SharedArrayBuffer(4));
    const holding = pool.run(tasks, "waitFlag", flag, started);
    const queued = pool.run(tasks, "add", 1, 2);
    const outcomes = [holding, queued].map(rejection);
    while (Atomics.load(started, 0) === 0) await new Promise((r) => setTimeout(r, 5));
    await pool.terminate();
    for (const o of outcomes) {
      const e = await o;
      expect(e).toBeInstanceOf(ClosedError);
      expect(e.message).toMatch(/terminate/);
    }
    expect(await rejection(pool.run(tasks, "add", 1, 2))).toBeInstanceOf(ClosedError);
  });
});
