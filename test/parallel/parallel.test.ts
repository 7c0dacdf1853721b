/**
 * The parallel helpers and join on real pools: bad input gets a clear, typed error naming the fix;
 * user functions' errors reach the caller and the pool goes on; aborts and throwing progress
 * callbacks; join runs its two tasks at the same time; the default (global) pool.
 */
import { setEnvironmentData } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AbortError, ClosedError, ThreadPool, WeftError, WorkerExitError, join, moduleRef, parallel } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import { expectReject } from "../unit-helpers.js";
import { shared } from "./util.js";

const fns = workerUrl("par-fns.mjs");
/** The same module, typed from its declaration file (par-fns.d.mts). */
const typed = moduleRef<typeof import("../workers/par-fns.mjs")>(fns);
// par-fns.mjs's `mark` counts forEach's calls here; workers read it from the environment data they
// inherit when they start, so it is set before any pool starts.
const hits = new Int32Array(new SharedArrayBuffer(4 * 1024));
setEnvironmentData("weft-test-par-hits", hits.buffer);
let pool: ThreadPool;
beforeAll(() => {
  pool = new ThreadPool({ threads: 2 });
});
afterAll(() => pool.terminate());

const f64 = (xs: number[]) => shared(new Float64Array(xs));
/** The error `p` rejects with (it must reject, with an Error). */
const rejection = (p: Promise<unknown>): Promise<any> => expectReject(() => p, Error);

describe("bad input", () => {
  it("an array over a plain ArrayBuffer is a TypeError that shows how to share it", async () => {
    // @ts-expect-error over an ArrayBuffer: a compile error too (test/types/soundness.types.ts)
    const e = await rejection(parallel.sum(new Float64Array(4)));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe(
      "parallel.sum: data is a Float64Array over a plain ArrayBuffer, which worker threads cannot see; put it in shared memory: " +
        "const shared = new Float64Array(new SharedArrayBuffer(data.byteLength)); shared.set(data)",
    );
    // @ts-expect-error over an ArrayBuffer
    const out = await rejection(parallel.map(f64([1]), new Int32Array(1), fns, "square", { pool }));
    expect(out.message).toMatch(/^parallel\.map: out is a Int32Array over a plain ArrayBuffer/);
  });

  it("non-numeric arrays are TypeErrors listing the accepted types", async () => {
    for (const bad of [[1, 2, 3], new DataView(new SharedArrayBuffer(8)), "123", null]) {
      const e = await rejection(parallel.sort(bad as any, { pool }));
      expect(e).toBeInstanceOf(TypeError);
      expect(e.message).toMatch(/^parallel\.sort: data must be a Float64Array, Float32Array, .* or Uint8ClampedArray over a SharedArrayBuffer, got /);
    }
    const big = await rejection(parallel.sum(new BigInt64Array(new SharedArrayBuffer(8)) as any, { pool }));
    expect(big.message).toMatch(/got BigInt64Array \(64-bit integer arrays hold bigints; the helpers work on numbers\)$/);
  });

  it("map: out of another length is a RangeError", async () => {
    const e = await rejection(parallel.map(f64([1, 2]), f64([0]), fns, "square", { pool }));
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toBe("parallel.map: out has 1 elements but data has 2; they must be the same length");
  });

  it("module URLs must be absolute; export names non-empty strings", async () => {
    const rel = await rejection(parallel.forEach(f64([1]), "./par-fns.mjs", "mark", { pool }));
    expect(rel).toBeInstanceOf(TypeError);
    expect(rel.message).toMatch(/^parallel\.forEach: moduleUrl must be a URL or an absolute file path\/URL string, got string "\.\/par-fns\.mjs"/);
    const name = await rejection(parallel.reduce(f64([1]), fns, "", 0, { pool }));
    expect(name.message).toBe('parallel.reduce: the export name must be a non-empty string (the function\'s name in its module), got string ""');
    const id = await rejection(parallel.reduce(f64([1]), fns, "add", "0" as any, { pool }));
    expect(id.message).toBe('parallel.reduce: identity must be a number (the value fn(identity, x) === x), got string "0"');
  });

  it("options are checked: chunkSize, onProgress, signal, pool, descending", async () => {
    const a = f64([3, 1, 2]);
    const cases: Array<[object, ErrorConstructor, RegExp]> = [
      [{ chunkSize: 0 }, RangeError, /chunkSize must be a positive integer \(elements per block or chunk\), got number 0/],
      [{ chunkSize: 1.5 }, RangeError, /chunkSize must be a positive integer/],
      [{ onProgress: "log" }, TypeError, /onProgress must be a function \(done, total\) => void, got string "log"/],
      [{ signal: {} }, TypeError, /signal must be an AbortSignal, got Object/],
      [{ pool: {} }, TypeError, /pool must be a ThreadPool, got Object/],
      [{ descending: "yes" }, TypeError, /descending must be a boolean, got string "yes"/],
      [{ descending: null }, TypeError, /descending must be a boolean, got null/],
      [{ pool: null }, TypeError, /pool must be a ThreadPool, got null/],
    ];
    for (const [opts, cls, msg] of cases) {
      const e = await rejection(parallel.sort(a, { pool, ...opts } as any));
      expect(e, JSON.stringify(opts)).toBeInstanceOf(cls);
      expect(e.message).toMatch(msg);
    }
    expect((await rejection(parallel.sum(a, null as any))).message).toMatch(/^parallel\.sum: options must be an object like \{ pool, chunkSize, onProgress, signal \}, got null$/);
    expect(Array.from(a)).toEqual([3, 1, 2]);
  });
});

describe("user functions' errors", () => {
  it("a throwing function rejects the job with its error; the pool goes on", async () => {
    const a = shared(new Float64Array(5000));
    const e = await rejection(parallel.map(a, a, fns, "boom", { pool, chunkSize: 100 }));
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toBe("boom at 777");
    expect(await parallel.sum(f64([1, 2, 3]), { pool })).toBe(6);
  });

  it("a reduce function that returns something other than a number is a TypeError naming it, with or without progress", async () => {
    for (const opts of [{ pool }, { pool, onProgress: () => {} }]) {
      const e = await rejection(parallel.reduce(f64([1, 2, 3]), fns, "concat", 0, opts));
      expect(e).toBeInstanceOf(TypeError);
      expect(e.message).toBe('parallel.reduce: "concat" returned a string; it must return a number (fn(acc: number, x: number) => number)');
    }
  });

  // Found by a helper porting rayon's tests: a map function that forgot its `return` filled `out`
  // with NaN (a typed array stores undefined as NaN), and reduce's message said "a undefined".
  it("a map function that returns something other than a number is a TypeError, not an array of NaNs", async () => {
    for (const opts of [{ pool }, { pool, onProgress: () => {} }, { pool, chunkSize: 4 }]) {
      const out = f64([7, 7, 7, 7, 7, 7, 7, 7, 7, 7]);
      const e = await rejection(parallel.map(f64([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), out, fns, "noReturn", opts));
      expect(e).toBeInstanceOf(TypeError);
      expect(e.message).toMatch(/^parallel\.map: "noReturn" returned undefined for element \d+; it must return a number/);
      expect(Array.from(out).some((v) => Number.isNaN(v)), "no NaN stored").toBe(false);
    }
    const e = await rejection(parallel.reduce(f64([1, 2]), fns, "noReturn", 0, { pool }));
    expect(e.message).toBe('parallel.reduce: "noReturn" returned undefined; it must return a number (fn(acc: number, x: number) => number)');
  });

  it("a missing export and an async function are TypeErrors naming them", async () => {
    const missing = await rejection(parallel.map(f64([1]), f64([0]), fns, "nope", { pool }));
    expect(missing).toBeInstanceOf(TypeError);
    expect(missing.message).toMatch(/^parallel\.map: module file:.*par-fns\.mjs has no exported function "nope" \(its export "nope" is missing\)$/);
    const asyncFn = await rejection(parallel.forEach(f64([1]), fns, "asyncSquare", { pool }));
    expect(asyncFn.message).toMatch(/"asyncSquare" returned a Promise; the function must be synchronous/);
  });
});

describe("scheduling", () => {
  it("without onProgress a job is one task per pool thread, claiming blocks; with it, one task per chunk", async () => {
    const a = shared(new Float64Array(1_000_000).fill(1));
    const tasks = async (job: () => Promise<unknown>): Promise<number> => {
      const before = pool.stats().tasksRun;
      await job();
      return pool.stats().tasksRun - before;
    };
    // One task per thread (a few more if a task gave its worker up to its own job's sibling, still
    // queued after 4 ms on a loaded machine) — not one per block: 128 and 1000 blocks here.
    const few = (k: number): void => {
      expect(k).toBeGreaterThanOrEqual(2);
      expect(k).toBeLessThan(8);
    };
    few(await tasks(async () => expect(await parallel.sum(a, { pool })).toBe(1_000_000)));
    few(await tasks(() => parallel.map(a, a, fns, "affine", { pool, chunkSize: 1000 })));
    expect(a[999_999]).toBe(2 + 999_999);
    // One block, one task.
    expect(await tasks(async () => expect(await parallel.sum(f64([1, 2, 3]), { pool })).toBe(6))).toBe(1);
    const progress: number[] = [];
    const chunked = () => parallel.forEach(a, fns, "square", { pool, chunkSize: 100_000, onProgress: (done) => progress.push(done) });
    expect(await tasks(chunked)).toBe(10);
    expect(progress.at(-1)).toBe(1_000_000);
  });

  it("a long job gives its workers up to other tasks now and then: a task submitted meanwhile does not wait for the whole job", async () => {
    // One worker, so the job's task holds it unless it gives it up. "slow" takes 50 µs per
    // element: 20 000 elements are about 1 s.
    const one = new ThreadPool({ threads: 1 });
    try {
      const n = 20_000;
      const a = shared(Float64Array.from({ length: n }, (_, i) => i));
      const out = shared(new Float64Array(n).fill(-1));
      // Both functions loaded in the worker first: while a task's module loads, the task does not
      // hold its worker (and under the test runner a first import can take longer than 100 ms).
      await parallel.map(a.subarray(0, 1), out.subarray(0, 1), fns, "slow", { pool: one });
      expect(await one.run<number>(fns, "square", 3)).toBe(9);
      const job = parallel.map(a, out, fns, "slow", { pool: one });
      await new Promise((r) => setTimeout(r, 100));
      const v = await one.run<number>(fns, "square", 7);
      expect(v).toBe(49);
      // The quick task ran while the job still had most of its elements to map (it got the worker
      // between two blocks), not after the job.
      const mapped = out.reduce((k, x) => k + (x === -1 ? 0 : 1), 0);
      expect(mapped).toBeLessThan(n / 2);
      await job;
      expect(Array.from(out)).toEqual(Array.from(a)); // slow(x) = x, every element mapped once
    } finally {
      await one.terminate();
    }
  });

  it("onProgress does not change a sum: the same units either way", async () => {
    const a = shared(Float64Array.from({ length: 3_000_001 }, (_, i) => Math.sin(i) * 1e6 + 1 / (i + 1)));
    const plain = await parallel.sum(a, { pool });
    let calls = 0;
    const watched = await parallel.sum(a, { pool, onProgress: () => void calls++ });
    expect(calls).toBeGreaterThan(1);
    expect(Object.is(watched, plain)).toBe(true);
    const reduced = await parallel.reduce(a, fns, "add", 0, { pool });
    expect(Object.is(await parallel.reduce(a, fns, "add", 0, { pool, onProgress: () => {} }), reduced)).toBe(true);
  });
});

describe("abort and progress", () => {
  it("an already-aborted signal rejects with AbortError before any work", async () => {
    const a = f64([3, 2, 1]);
    const reason = new Error("stop");
    const e = await rejection(parallel.sort(a, { pool, signal: AbortSignal.abort(reason) }));
    expect(e).toBeInstanceOf(AbortError);
    expect(e).toBeInstanceOf(WeftError);
    expect(e.name).toBe("AbortError");
    expect(e.message).toBe("parallel.sort was aborted: stop");
    expect(e.cause).toBe(reason);
    expect(Array.from(a)).toEqual([3, 2, 1]);
  });

  it("aborting a long map stops it early: later chunks are never mapped", async () => {
    const n = 200_000; // "slow" takes 50 µs per element: 10 s in all
    const a = shared(Float64Array.from({ length: n }, (_, i) => i));
    const out = shared(new Float64Array(n).fill(-1));
    const ac = new AbortController();
    let progressCalls = 0;
    const p = parallel.map(a, out, fns, "slow", {
      pool,
      chunkSize: 1000,
      signal: ac.signal,
      onProgress: () => {
        if (++progressCalls === 2) ac.abort();
      },
    });
    const e = await rejection(p);
    expect(e).toBeInstanceOf(AbortError);
    expect(e.message).toBe("parallel.map was aborted: This operation was aborted");
    expect(progressCalls).toBe(2);
    expect(out[n - 1]).toBe(-1);
  });

  it("a throwing onProgress stops the job with its error, and is not called again", async () => {
    const a = shared(Float64Array.from({ length: 100_000 }, (_, i) => 100_000 - i));
    const original = a.slice();
    let calls = 0;
    const e = await rejection(
      parallel.sort(a, {
        pool,
        chunkSize: 10_000,
        onProgress: () => {
          calls++;
          throw new Error("progress bar broke");
        },
      }),
    );
    expect(e.message).toBe("progress bar broke");
    expect(calls).toBe(1);
    // Also when the only call is the final one (no chunks), and the next job is not affected.
    const thrower = () => {
      throw new Error("at the end");
    };
    expect((await rejection(parallel.sum(f64([]), { pool, onProgress: thrower }))).message).toBe("at the end");
    expect((await rejection(parallel.sort(f64([1]), { pool, onProgress: thrower }))).message).toBe("at the end");
    expect(await parallel.sum(f64([1, 2]), { pool })).toBe(3);
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from(original).sort((x, y) => x - y));
  });

  it("empty and one-element arrays report (0, 0) / (total, total) once", async () => {
    const calls: number[][] = [];
    const onProgress = (d: number, t: number) => calls.push([d, t]);
    expect(await parallel.sum(f64([]), { pool, onProgress })).toBe(0);
    await parallel.sort(f64([5]), { pool, onProgress });
    expect(calls).toEqual([[0, 0], [17, 17]]);
  });
});

describe("sort", () => {
  it("sorts running at the same time on one thread each get their own scratch memory", async () => {
    const make = (n: number, seed: number) => shared(Float64Array.from({ length: n }, (_, i) => Math.sin(i * seed) * 1e3));
    for (let round = 0; round < 3; round++) {
      // Sizes vary so a later sort may reuse an earlier, bigger scratch buffer.
      const arrays = [make(120_000, 1 + round), make(80_000, 7 + round), make(150_000, 3 + round), make(70_000, 5)];
      const want = arrays.map((a) => a.slice().sort());
      await Promise.all(arrays.map((a, i) => parallel.sort(a, { pool, chunkSize: 10_000 + i * 7000, descending: false })));
      arrays.forEach((a, i) => expect(Buffer.from(a.buffer).equals(Buffer.from(want[i]!.buffer)), `array ${i}`).toBe(true));
    }
  });

  // Found by a helper porting rayon's tests: `chunkSize: 1` made a sort of 100k elements a task
  // (and 1 KiB of counters) per element and phase — 8.5 s; on 10M elements, 10 GB of counters.
  it("a tiny chunkSize is raised so that a sort has at most 1 024 chunks", async () => {
    const a = shared(Float64Array.from({ length: 100_000 }, (_, i) => Math.cos(i * 7.3) * 1e6));
    const want = a.slice().sort();
    const before = pool.stats().tasksRun;
    await parallel.sort(a, { pool, chunkSize: 1 });
    const tasks = pool.stats().tasksRun - before;
    expect(Buffer.from(a.buffer).equals(Buffer.from(want.buffer))).toBe(true);
    // 8 passes of count + scatter and a copy: 17 phases of at most 1 024 tasks.
    expect(tasks).toBeLessThanOrEqual(17 * 1024);
    expect(tasks).toBeGreaterThan(1024); // still many chunks: the floor is n / 1 024, not a fixed size
  });
});

describe("the pool's failures in the helper's words", () => {
  it("a worker that dies mid-job: WorkerExitError naming the helper and the exit code (the pool's message as its cause)", async () => {
    const own = new ThreadPool({ threads: 2 });
    try {
      const data = f64(Array.from({ length: 2000 }, (_, i) => i));
      const e = await rejection(parallel.map(data, data, fns, "exitAt500", { pool: own, chunkSize: 100 }));
      expect(e).toBeInstanceOf(WorkerExitError);
      expect(e.message).toBe("parallel.map: a pool worker died while running the job (exit code 9); the job stopped and the pool replaced the worker");
      expect(e.exitCode).toBe(9);
      expect(e.cause.message).toMatch(/^ThreadPool\.run: the worker running mapBlocks\(\)/);
      expect(await parallel.sum(f64([1, 2, 3]), { pool: own })).toBe(6); // the pool goes on
    } finally {
      await own.terminate();
    }
  });

  it("a closed pool: ClosedError naming the helper", async () => {
    const own = new ThreadPool({ threads: 1 });
    await own.close();
    const e = await rejection(parallel.sum(f64([1, 2]), { pool: own }));
    expect(e).toBeInstanceOf(ClosedError);
    expect(e.message).toBe("parallel.sum: the pool is closed");
  });
});

describe("join", () => {
  it("runs both tasks at the same time and resolves with both results", async () => {
    const words = new Int32Array(new SharedArrayBuffer(4));
    const [a, b] = await join<string, string>([fns, "rendezvous", words, "A"], [fns.href, "rendezvous", words, "B"], { pool });
    expect([a, b]).toEqual(["A: met", "B: met"]);
  });

  it("waits for both, then rejects with the first task's error", async () => {
    const words = new Int32Array(new SharedArrayBuffer(4));
    Atomics.store(words, 0, 1); // the other side is "already there": B returns at once
    const e = await rejection(join([fns, "fail", "A failed"], [fns, "rendezvous", words, "B"], { pool }));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe("A failed");
    const e2 = await rejection(join([fns, "square", 3], [fns, "fail", "B failed"], { pool }));
    expect(e2.message).toBe("B failed");
  });

  it("bad tasks are TypeErrors", async () => {
    expect((await rejection(join([fns] as any, [fns, "square", 1], { pool }))).message).toMatch(
      /^join: taskA must be an array \[moduleUrl, exportName, \.\.\.args\] \(at least the module and the export's name\), got an array of 1 element$/,
    );
    expect((await rejection(join([fns, "square", 1], ["rel.mjs", "square"], { pool }))).message).toMatch(/^join: moduleUrl must be a URL/);
  });

  it("bad options are TypeErrors naming the option (a null pool is not the global pool)", async () => {
    for (const [opts, msg] of [
      [{ pool: null }, /^join: pool must be a ThreadPool, got null$/],
      [{ pool: 5 }, /^join: pool must be a ThreadPool, got number 5$/],
      [{ pool, signal: "stop" }, /^join: signal must be an AbortSignal, got string "stop"$/],
    ] as const) {
      const e = await rejection(join([fns, "square", 1], [fns, "square", 2], opts as any));
      expect(e, String(msg)).toBeInstanceOf(TypeError);
      expect(e.message).toMatch(msg);
    }
  });
});

describe("typed from a moduleRef", () => {
  it("join runs each task's export and its results are typed from the module (a plain-URL task alongside)", async () => {
    const words = new Int32Array(new SharedArrayBuffer(4));
    const [a, b] = await join([typed, "rendezvous", words, "A"], [typed, "rendezvous", words, "B"], { pool });
    const met: [string, string] = [a, b]; // compiles only because both results are typed `string`
    expect(met).toEqual(["A: met", "B: met"]);
    const [sq, sum] = await join([typed, "square", 12], [fns.href, "add", 2, 3], { pool });
    const n: number = sq;
    expect([n, sum]).toEqual([144, 5]);
    const e = await rejection(join([typed, "square", 2], [typed, "fail", "typed B failed"], { pool }));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe("typed B failed");
  });

  it("parallel.map, forEach and reduce with a moduleRef call the named export", async () => {
    const data = f64(Array.from({ length: 1000 }, (_, i) => (i * 7) % 13));
    const out = shared(new Float64Array(1000));
    await parallel.map(data, out, typed, "affine", { pool, chunkSize: 64 });
    expect(Array.from(out)).toEqual(Array.from(data, (x, i) => 2 * x + i));
    const total: number = await parallel.reduce(data, typed, "add", 0, { pool, chunkSize: 64 });
    expect(total).toBe(Array.from(data).reduce((x, y) => x + y, 0));
    expect(await parallel.reduce(data, typed, "max", -Infinity, { pool, chunkSize: 64 })).toBe(12);
    hits.fill(0);
    await parallel.forEach(data, typed, "mark", { pool, chunkSize: 64 });
    expect(hits.slice(0, 1000).every((h) => h === 1)).toBe(true);
    expect(hits.slice(1000).every((h) => h === 0)).toBe(true);
  });
});

describe("default pool", () => {
  it("without { pool } the helpers use the global pool", async () => {
    const a = shared(Float64Array.from({ length: 100_000 }, (_, i) => i % 7));
    const [s] = await Promise.all([parallel.sum(a), parallel.sort(shared(a))]);
    expect(s).toBe(Array.from(a).reduce((x, y) => x + y, 0));
    expect(await join([fns, "square", 4], [fns, "square", 5])).toEqual([16, 25]);
  });
});

// Type-level checks, compiled by `npm run typecheck` (tsconfig includes test/) and never called:
// each @ts-expect-error line must be an error, or the typecheck fails.
export function typeChecks(pool: ThreadPool, url: URL): void {
  const f = new Float64Array(new SharedArrayBuffer(8));
  const i16 = new Int16Array(new SharedArrayBuffer(8));
  const sum: Promise<number> = parallel.sum(i16, { pool, chunkSize: 4, onProgress: (done: number, total: number) => void [done, total] });
  const sorted: Promise<Int16Array<SharedArrayBuffer>> = parallel.sort(i16, { descending: true, signal: AbortSignal.timeout(5) });
  const folded: Promise<number> = parallel.reduce(f, url, "add", 0);
  const mapped: Promise<void> = parallel.map(f, i16, url.href, "square");
  const both: Promise<[number, string]> = join<number, string>([url, "a"], [url.href, "b", 1, { x: 2 }], { pool });
  void [sum, sorted, folded, mapped, both];
  // @ts-expect-error: 64-bit integer arrays hold bigints, the helpers work on numbers
  void parallel.sum(new BigInt64Array(1));
  // @ts-expect-error: a plain array is not shared memory
  void parallel.sort([3, 1, 2]);
  // @ts-expect-error: map needs an output array
  void parallel.map(f, url, "square");
  // @ts-expect-error: the identity of reduce is a number
  void parallel.reduce(f, url, "add", "0");
  // @ts-expect-error: descending is a boolean
  void parallel.sort(f, { descending: 1 });
  // @ts-expect-error: onProgress gets numbers
  void parallel.sum(f, { onProgress: (done: string) => void done });
  // @ts-expect-error: no such option
  void parallel.sum(f, { chunksize: 4 });
  // @ts-expect-error: a task needs an export name
  void join([url], [url, "b"]);
  // @ts-expect-error: a task's arguments must be Sendable (a function cannot cross to a worker)
  void join([url, "a", () => 1], [url, "b"]);
  // @ts-expect-error: nor a WeakMap, at any depth
  void join([url, "a"], [url, "b", { cache: new WeakMap() }]);
  // @ts-expect-error: sort resolves with the array itself, not a number
  const wrong: Promise<number> = parallel.sort(f);
  void wrong;
}

describe("idle between jobs", () => {
  // A job wakes the pool's parked workers before it encodes its tasks, and while its burst of
  // tasks is being submitted idle workers poll instead of parking (PoolShared.announce). That
  // polling must end with the burst: between jobs the workers sleep, not spin or nap — here, after
  // a run of jobs, the process (whose threads include the pool's workers) uses under 20 ms of CPU
  // per 200 ms (~0.3 ms measured alone; workers napping instead of parking use ~37 ms).
  it("after a run of jobs the pool's workers park: no CPU burnt while nothing is submitted", async () => {
    const data = shared(new Float64Array(100_000).fill(1));
    for (let k = 0; k < 40; k++) expect(await parallel.sum(data, { pool })).toBe(100_000);
    await new Promise((r) => setTimeout(r, 50)); // the naps after the last job (a few ms)
    // The quietest of three 200 ms windows: this process's other threads (the test runner reporting
    // results) use CPU in bursts — 32 ms in one 300 ms window once, in a full run — while workers
    // that poll or nap instead of parking use it in every window.
    const windows: number[] = [];
    for (let k = 0; k < 3; k++) {
      const c0 = process.cpuUsage();
      await new Promise((r) => setTimeout(r, 200));
      const c = process.cpuUsage(c0);
      windows.push((c.user + c.system) / 1000);
    }
    expect(Math.min(...windows), windows.join(", ")).toBeLessThan(20);
  });
});
