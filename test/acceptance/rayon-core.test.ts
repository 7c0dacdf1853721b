/**
 * An independent port of rayon-core's tests to weft's ThreadPool and join:
 *   - rayon-core/src/join/test.rs         (10 tests) → describe "join/test.rs"
 *   - rayon-core/src/thread_pool/test.rs  (19 tests) → describe "thread_pool/test.rs"
 *   - rayon-core/tests/*.rs               (double_init_fail, init_zero_threads, scope_join,
 *     scoped_threadpool ×3, simple_panic, stack_overflow_crash, use_current_thread: 9 tests)
 *                                                     → describe "rayon-core/tests"
 * Ported: 24 of 38 (some adapted, as said at each), plus one extra (the process half of
 * stack_overflow_crash). Not ported: 14, listed below (each also an it.skip).
 *
 * KNOWN FAILURE (a weft bug, kept as evidence): "stack_overflow_crash, the process half" —
 * new ThreadPool({ stackSizeMb: 2 ** 44 }) (or any larger finite value) is accepted, and the
 * process then dies with SIGABRT-style exit 6 ("RangeError: Maximum call stack size exceeded" in
 * <anonymous_script>) instead of the documented RangeError: src/pool/pool.ts checks only
 * stackSizeMb ≥ 0.5 and finite; Node turns MiB into a byte count that overflows 64 bits
 * (2^44 MiB = 2^64 B), so the thread starts with a garbage stack limit. 2 ** 43 (isize::MAX bytes,
 * failed_thread_stack) is refused properly (EAGAIN → RangeError).
 * Difference from rayon, not a bug (documented range): num_threads(0) means "the default" in rayon;
 * weft's `threads: 0` is a RangeError (1..1024) — leave `threads` out for the default.
 *
 * Mapping: ThreadPoolBuilder::new().num_threads(n).build() = new ThreadPool({ threads: n });
 * pool.install(|| f()) = pool.run(url, "f") (closures cannot cross threads: each closure body is
 * an export of test/workers/acc6-rayon.mjs); rayon::join(a, b) = join([url, "a"], [url, "b"]),
 * called from a pool task it runs on that task's pool (currentPool()); pool.spawn inside install =
 * currentPool().run(…) from a task. A panic = a task that throws: the promise rejects with that
 * error. Dropping a pool = close(); "registry stopped" = stats().workers all not alive.
 * The shared slice of quick_sort is a Uint32Array over a SharedArrayBuffer, split by index ranges.
 * Scaled down (2-core machine): join_a_lot(22) on 22 threads → join_a_lot(7) on 4 threads;
 * join_counter_overflow's 500 000 joins → 1 000; sleeps of 1 s → 100 ms.
 *
 * Not ported (weft lacks the API):
 *   - join_context_both: FnContext::migrated() (join_context) — no way to ask whether a job was stolen.
 *     (join_context_neither / join_context_second are ported on what is observable: which thread
 *     ran each side, and that both sides can run at the same time.)
 *   - panic_thread_name: ThreadPoolBuilder::thread_name(closure), start_handler / exit_handler.
 *     (failed_thread_stack is ported without its start/exit counters.)
 *   - scope_lifo_order, scope_fifo_order, nested_scopes, nested_fifo_scopes,
 *     in_place_scope_no_deadlock, in_place_scope_fifo_no_deadlock: rayon::scope / scope_fifo /
 *     in_place_scope — weft has no scopes (scope_join.rs's pseudo-join is ported with
 *     currentPool().run, which is what its scope.spawn amounts to).
 *   - spawn_fifo_order: ThreadPool::spawn_fifo.
 *   - yield_now_to_spawn, yield_local_to_spawn: rayon::yield_now / yield_local.
 *   - spawn_scoped_tls_threadpool, build_scoped_tls_threadpool: spawn_handler / build_scoped.
 *   - use_current_thread_basic: use_current_thread / current_thread_index.
 * Adapted (noted at each): check_thread_pool_new (deprecated Configuration → options object),
 * double_init_fail (no build_global: globalPool() is made once and reused), mutual_install(_sleepy)
 * (a pool cannot be handed to another pool's worker: the inner pool is made inside the task),
 * stack_overflow_crash (a JS stack overflow is a RangeError, not a crash; and a separate process
 * checks that a stack size the system cannot give never brings the process down).
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { AtomicI32, Barrier, ClosedError, ThreadPool, globalPool, join } from "../../dist/index.js";
import { within } from "../channel/util.js";
import { LOCAL } from "../workers/acc6-rayon.mjs";

const R = new URL("../workers/acc6-rayon.mjs", import.meta.url);

/** A seeded generator of u32s (rayon's tests use a seeded StdRng). */
function seededU32(n: number, seed = 0x9e3779b9): Uint32Array<SharedArrayBuffer> {
  const v = new Uint32Array(new SharedArrayBuffer(4 * n));
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    v[i] = (t ^ (t >>> 14)) >>> 0;
  }
  return v;
}

async function withPool<T>(opts: ConstructorParameters<typeof ThreadPool>[0], body: (p: ThreadPool) => Promise<T>): Promise<T> {
  const pool = new ThreadPool(opts);
  try {
    return await within(body(pool), "pool scenario");
  } finally {
    await pool.terminate();
  }
}

describe("join/test.rs", () => {
  it("sort (quick_sort with join, 6·1024 seeded u32s, default pool)", async () => {
    const data = seededU32(6 * 1024);
    const sorted = Uint32Array.from(data).sort();
    // Outside a pool rayon's join runs on the global pool: so does weft's.
    await within(globalPool().run(R, "quickSort", data, 0, data.length), "quick_sort");
    expect(Array.from(data)).toEqual(Array.from(sorted));
  });

  it("sort_in_pool (12·1024 u32s, a built pool)", async () => {
    const data = seededU32(12 * 1024, 7);
    const sorted = Uint32Array.from(data).sort();
    await withPool({}, (pool) => pool.run(R, "quickSort", data, 0, data.length));
    expect(Array.from(data)).toEqual(Array.from(sorted));
  });

  it("panic_propagate_a", async () => {
    await expect(join([R, "panics", "Hello, world!"], [R, "unit"])).rejects.toThrow("Hello, world!");
  });

  it("panic_propagate_b", async () => {
    await expect(join([R, "unit"], [R, "panics", "Hello, world!"])).rejects.toThrow("Hello, world!");
  });

  it("panic_propagate_both (the first closure's panic wins)", async () => {
    await expect(join([R, "panics", "Hello, world!"], [R, "panics", "Goodbye, world!"])).rejects.toThrow("Hello, world!");
  });

  it("panic_b_still_executes", async () => {
    const x = new Int32Array(new SharedArrayBuffer(4));
    await expect(join([R, "panics", "Hello, world!"], [R, "setFlag", x])).rejects.toThrow("Hello, world!");
    expect(x[0]).toBe(1); // closure b ran
  });

  it.skip("join_context_both — no join_context / FnContext::migrated in weft", () => {});

  it("join_context_neither (1-thread pool: both sides run on the installing thread)", async () => {
    const [outer, a, b] = await withPool({ threads: 1 }, (pool) => pool.run<number[]>(R, "joinSlots"));
    expect(a).toBe(outer);
    expect(b).toBe(outer);
  });

  it("join_context_second (2-thread pool: both sides meet at a 2-party barrier)", async () => {
    const barrier = new Barrier(2);
    const [a, b] = await withPool({ threads: 2 }, (pool) => join([R, "barrierSide", barrier], [R, "barrierSide", barrier], { pool }));
    expect(a).not.toBe(b); // the second side was run by the other thread
  });

  it("join_counter_overflow (scaled: 1 000 joins on a 2-thread pool)", async () => {
    const i = new AtomicI32(0);
    const j = new AtomicI32(0);
    const MAX = 1000;
    await withPool({ threads: 2 }, async (pool) => {
      // half from the owner thread (pool.join), half from inside the pool
      for (let k = 0; k < MAX / 2; k++) await join([R, "bump", i], [R, "bump", j], { pool });
      await pool.run(R, "joinRounds", i, j, MAX / 2);
    });
    expect(i.load()).toBe(MAX);
    expect(j.load()).toBe(MAX);
  });
});

describe("thread_pool/test.rs", () => {
  it("panic_propagate (a panic inside install reaches the caller)", async () => {
    await withPool({}, async (pool) => {
      await expect(pool.run(R, "panics", "Hello, world!")).rejects.toThrow("Hello, world!");
    });
  });

  it("workers_stop (scaled: 4 threads, join_a_lot(7))", async () => {
    const pool = new ThreadPool({ threads: 4 });
    expect(pool.threads).toBe(4);
    expect(await within(pool.run(R, "joinALot", 7), "join_a_lot")).toBe(128);
    expect(pool.stats().workers.length).toBe(4);
    await within(pool.close(), "close");
    // the registry has terminated: every worker has stopped, and the pool takes no more work
    expect(pool.stats().workers.every((w) => !w.alive)).toBe(true);
    await expect(pool.run(R, "yes")).rejects.toBeInstanceOf(ClosedError);
  });

  it("sleeper_stop (scaled: 4 threads, 100 ms asleep, then dropped)", async () => {
    const pool = new ThreadPool({ threads: 4 });
    await new Promise((r) => setTimeout(r, 100));
    await within(pool.close(), "close");
    expect(pool.stats().workers.every((w) => !w.alive)).toBe(true);
  });

  it("failed_thread_stack (isize::MAX bytes of stack: build fails, no thread left running)", async () => {
    // isize::MAX bytes = 2^63 B = 2^43 MiB.
    expect(() => new ThreadPool({ threads: 10, stackSizeMb: 2 ** 43 })).toThrow(RangeError);
  });

  it.skip("panic_thread_name — no thread_name(closure) / start_handler / exit_handler in weft", () => {});

  it("self_install (1 thread: install inside install does not block)", async () => {
    expect(await withPool({ threads: 1 }, (pool) => pool.run(R, "selfInstall"))).toBe(true);
  });

  it("mutual_install (adapted: pool1 → a pool2 made in the task → pool2's own pool)", async () => {
    expect(await withPool({ threads: 1 }, (pool) => pool.run(R, "nestedPoolInstall", 0))).toBe(true);
  });

  it("mutual_install_sleepy (adapted, 100 ms sleeps)", async () => {
    expect(await withPool({ threads: 1 }, (pool) => pool.run(R, "nestedPoolInstall", 100))).toBe(true);
  });

  it("check_thread_pool_new (22 threads)", async () => {
    await withPool({ threads: 22 }, async (pool) => {
      expect(pool.threads).toBe(22);
      expect(pool.stats().threads).toBe(22);
    });
  });

  it.skip("scope_lifo_order — no rayon::scope in weft", () => {});
  it.skip("scope_fifo_order — no rayon::scope_fifo in weft", () => {});

  it("spawn_lifo_order (1 thread: tasks spawned inside install run last-in first-out)", async () => {
    const log = new Int32Array(new SharedArrayBuffer(4 * 11));
    const order = await withPool({ threads: 1 }, (pool) => pool.run<number[]>(R, "spawnTen", log));
    expect(order).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  });

  it.skip("spawn_fifo_order — no spawn_fifo in weft", () => {});
  it.skip("nested_scopes — no rayon::scope in weft", () => {});
  it.skip("nested_fifo_scopes — no rayon::scope_fifo in weft", () => {});
  it.skip("in_place_scope_no_deadlock — no in_place_scope in weft", () => {});
  it.skip("in_place_scope_fifo_no_deadlock — no in_place_scope_fifo in weft", () => {});
  it.skip("yield_now_to_spawn — no yield_now in weft", () => {});
  it.skip("yield_local_to_spawn — no yield_local in weft", () => {});
});

describe("rayon-core/tests", () => {
  it("double_init_fail (adapted: the global pool is made once; the second call gets the same pool)", () => {
    const a = globalPool();
    const b = globalPool();
    expect(b).toBe(a);
  });

  it("init_zero_threads (num_threads(0) means the default)", async () => {
    // rayon: 0 = "pick automatically". weft's spelling of that is leaving `threads` out.
    await withPool({ threads: undefined }, async (pool) => {
      expect(pool.threads).toBeGreaterThanOrEqual(1);
      expect(await pool.run(R, "yes")).toBe(true);
    });
  });

  it("scope_join (quick_sort with a scope-emulated join, 256 reversed i32s)", async () => {
    const v = new Int32Array(new SharedArrayBuffer(4 * 256));
    for (let i = 0; i < 256; i++) v[i] = 255 - i;
    await within(globalPool().run(R, "quickSortPseudoJoin", v, 0, v.length), "scope_join");
    for (let i = 1; i < v.length; i++) expect(v[i - 1]! <= v[i]!).toBe(true);
  });

  it("missing_scoped_tls (a thread-local set on the caller is not set in the pool)", async () => {
    LOCAL.set({ value: 42 });
    try {
      const [initialised, value] = await withPool({}, (pool) => pool.run<[boolean, number]>(R, "localState"));
      expect(initialised).toBe(false);
      expect(value).toBe(-1);
    } finally {
      LOCAL.take();
    }
  });

  it.skip("spawn_scoped_tls_threadpool — no spawn_handler in weft", () => {});
  it.skip("build_scoped_tls_threadpool — no build_scoped in weft", () => {});

  it("simple_panic", async () => {
    await expect(join([R, "unit"], [R, "panics", "should panic"])).rejects.toThrow("should panic");
  });

  it("stack_overflow_crash (adapted: small stack → RangeError, the pool goes on; large stack → fine)", async () => {
    const depth = 100_000; // about 10 MB of JS frames here
    await withPool({ threads: 1, stackSizeMb: 1 }, async (pool) => {
      await expect(pool.run(R, "recurse", depth)).rejects.toThrow(RangeError);
      expect(await pool.run(R, "recurse", 10)).toBe(10); // the same worker goes on
      expect(pool.stats().workersReplaced).toBe(0);
    });
    expect(await withPool({ threads: 1, stackSizeMb: 48 }, (pool) => pool.run(R, "recurse", depth))).toBe(depth);
  });

  it("stack_overflow_crash, the process half: an impossible stack size never aborts the process", () => {
    // Rust's test runs itself in a child process and checks how it ended. Here a child process
    // asks for stacks the system cannot give (2^44 MiB = 2^64 bytes, the first size whose byte
    // count overflows 64 bits) and must get an error, not die by SIGABRT.
    const dist = new URL("../../dist/index.js", import.meta.url).href;
    const script = `
      import { ThreadPool } from ${JSON.stringify(dist)};
      for (const mb of [2 ** 43, 2 ** 44, 2 ** 53]) {
        try {
          const p = new ThreadPool({ threads: 1, stackSizeMb: mb });
          await p.run(${JSON.stringify(R.href)}, "yes");
          await p.terminate();
          console.log(mb, "ran");
        } catch (e) { console.log(mb, e.name); }
      }`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 30_000, cwd: fileURLToPath(new URL(".", import.meta.url)) });
    expect({ status: r.status, signal: r.signal, tail: r.stderr.split("\n").filter(Boolean).slice(-2) }).toEqual({ status: 0, signal: null, tail: [] });
  });

  it.skip("use_current_thread_basic — no use_current_thread / current_thread_index in weft", () => {});
});
