/**
 * An independent port of tokio's blocking-task tests to weft's `spawnBlocking`, `ThreadPool`,
 * `joinAll` and `joinAllSettled`:
 *   - tokio-rs/tokio tokio/tests/task_blocking.rs (16 tests)            → describe "task_blocking.rs"
 *   - tokio/tests/rt_common.rs, its spawn_blocking tests (6 of ~60)      → describe "rt_common.rs"
 *   - tokio/tests/task_join_set.rs (24 tests), where a JoinSet of tasks maps to joinAll /
 *     joinAllSettled over pool tasks                                     → describe "task_join_set.rs"
 *
 * Mapping: `task::spawn_blocking(closure)` = spawnBlocking(url, "export", ...args) (the global
 * pool) or `pool.run(url, "export", ...)` on a ThreadPool made for the test; each closure is an
 * export of test/workers/acc5-tokio.mjs. `std::thread::spawn` = spawn(url, "name", ...args).
 * `thread::sleep` in a closure = Atomics.wait in the worker. A panic = the export throws (the
 * promise rejects with it; tokio's JoinError::is_panic). A runtime = a ThreadPool: rt_common runs
 * each test on several runtime flavors, here on pools of 1 and 2 threads. `rt.shutdown_timeout(d)`
 * = wait up to d for `pool.close()`, then `pool.terminate()`; `shutdown_timeout(0)` /
 * `shutdown_background()` = terminate(). A JoinSet = an array of task promises:
 * `join_all` / `join_next` until None = joinAll / joinAllSettled; `abort()` of one task = aborting
 * the AbortSignal given to `pool.runWith` (JoinError::is_cancelled = rejected with the signal's
 * reason); a runtime dropped under its tasks = `pool.terminate()` (ClosedError). tokio's paused
 * clock (`start_paused`) is real time here, scaled to tens of ms.
 *
 * task_blocking.rs — ported 10 of 16: basic_blocking (20 rounds, not 100), coop_disabled_in_block_in_place
 * (the blocking drain runs in a spawnBlocking task), coop_disabled_in_block_in_place_in_block_on
 * (in a spawned thread), can_shutdown_with_zero_timeout_in_runtime, can_shutdown_now_in_runtime
 * (a pool made and shut down inside async code), blocking_when_paused (its first half: the second
 * relies on tokio's paused clock, under which a 1 ms timeout never fires), blocking_task_wakes_paused_runtime,
 * unawaited_blocking_task_wakes_paused_runtime, panicking_blocking_task_wakes_paused_runtime
 * (each: a finished blocking task wakes the waiting caller at once, not at a later timer), and
 * block_in_blocking adapted (weft has no block_in_place; blocking inside a blocking task is just
 * blocking the pool thread).
 * Not ported (6): block_in_block, no_block_in_current_thread_scheduler, yes_block_in_threaded_block_on,
 * no_block_in_current_thread_block_on (weft lacks `block_in_place`; Node's main thread may block
 * anyway, freezing its event loop), can_enter_current_thread_rt_from_within_block_in_place,
 * useful_panic_message_when_dropping_rt_in_rt (no nested runtimes / block_on in weft).
 *
 * rt_common.rs — ported all 6 spawn_blocking tests, each on a 1-thread and a 2-thread pool:
 * spawn_from_blocking (a blocking task submits a task to its own pool with currentPool().run and
 * hands back its result: a JoinHandle cannot cross threads), spawn_blocking_from_blocking
 * (spawnBlocking inside a pool task runs on that task's pool), sleep_from_blocking,
 * socket_from_blocking, shutdown_timeout, shutdown_timeout_0. The other rt_common tests are about
 * the async runtime itself (block_on, tokio::spawn, I/O driver, coop budget, LocalSet, wakers) and
 * are out of scope here.
 *
 * task_join_set.rs — ported 7 of 24: test_with_sleep (its join half: JoinSet::len and
 * detach_all have no counterpart), abort_tasks, runtime_gone, join_all, task_panics, abort_all,
 * extend (joinAll over a generator). Not ported (17): test_abort_on_drop (a running pool task
 * cannot be interrupted: aborting only rejects its promise, so its arguments are not dropped),
 * alternating (JoinSet::len / join_next), join_set_coop (coop budget), try_join_next,
 * try_join_next_with_id (no try_join_next / task ids), and the 12 spawn_local / spawn_local_on
 * tests (LocalSet / local runtime: !Send futures have no thread-pool meaning).
 * Difference (by design, documented in TaskOptions): in task_panics tokio aborts the still-running
 * task when join_all panics, so it never sends; weft's joinAll fails fast too, but the other task
 * runs on to its end (a thread cannot be interrupted) — checked as such.
 */
import { createServer } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import {
  ClosedError, ThreadPool, TryRecvError, channel, joinAll, joinAllSettled, spawn, spawnBlocking, type WorkerHandle,
} from "../../dist/index.js";

const W = new URL("../workers/acc5-tokio.mjs", import.meta.url);
const thread = (name: string, ...args: unknown[]): WorkerHandle<any> => (spawn as any)(W, name, ...args);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** tokio::time::timeout: rejects with "timed out" if `p` takes longer than `ms`. */
async function timeout<T>(ms: number, p: Promise<T>, what = "timed out"): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(what)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

const pools: ThreadPool[] = [];
/** Waits until every worker of `pool` has started (a blocking task on each at once). */
async function warm(pool: ThreadPool): Promise<void> {
  await joinAll(Array.from({ length: pool.threads }, () => pool.run(W, "sleepHello", 20)));
}
/** A runtime for one test (terminated at the end of the file). */
function rt(threads: number): ThreadPool {
  const p = new ThreadPool({ threads, name: `acc5-rt${threads}` });
  pools.push(p);
  return p;
}
afterAll(async () => {
  await Promise.all(pools.map((p) => p.terminate()));
});

describe("tokio tests/task_blocking.rs", () => {
  it("basic_blocking", async () => {
    for (let i = 0; i < 20; i++) {
      const out = await (async () => await spawnBlocking<string>(W, "sleepHello", 5))();
      expect(out).toBe("hello");
    }
  });

  it("block_in_blocking (adapted: no block_in_place; the blocking task blocks its thread)", async () => {
    const pool = rt(2);
    for (let i = 0; i < 10; i++) {
      const out = await (async () => await pool.run<string>(W, "sleepHello", 5))();
      expect(out).toBe("hello");
    }
  });

  it("can_shutdown_with_zero_timeout_in_runtime", async () => {
    await (async () => {
      const inner = new ThreadPool({ threads: 1 });
      await timeout(5000, inner.terminate(), "terminate hung");
      expect(inner.isClosed).toBe(true);
    })();
  });

  it("can_shutdown_now_in_runtime", async () => {
    await (async () => {
      const inner = new ThreadPool({ threads: 1 });
      void inner.terminate(); // shutdown_background: not waited for
      expect(inner.isClosed).toBe(true);
      await expect(inner.run(W, "one")).rejects.toBeInstanceOf(ClosedError);
    })();
  });

  it("coop_disabled_in_block_in_place (the blocking drain runs in a spawnBlocking task)", async () => {
    const [tx, rx] = channel<number>();
    for (let i = 0; i < 200; i++) tx.send(i);
    tx.close();
    const jh = spawnBlocking<number>(W, "drainCount", rx);
    rx.close(); // moved into the task
    expect(await timeout(1000, jh, "timed out (probably hanging)")).toBe(200);
  });

  it("coop_disabled_in_block_in_place_in_block_on (the blocking drain runs in a spawned thread)", async () => {
    const [tx, rx] = channel<number>();
    for (let i = 0; i < 200; i++) tx.send(i);
    tx.close();
    const h = thread("drainCount", rx);
    rx.close();
    try {
      expect(await timeout(5000, h.join(), "timed out (probably hanging)")).toBe(200);
    } finally {
      await h.terminate().catch(() => {});
    }
  });

  it("blocking_when_paused (first half)", async () => {
    await timeout(3000, spawnBlocking(W, "block", 1), "timeout should not trigger");
  });

  it("blocking_task_wakes_paused_runtime", async () => {
    await spawnBlocking(W, "one"); // the global pool is up
    const t0 = performance.now();
    await timeout(15_000, spawnBlocking(W, "block", 1), "timeout should not trigger");
    // A finished task settles its promise at once, not when some slow poll comes round.
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it("unawaited_blocking_task_wakes_paused_runtime", async () => {
    await spawnBlocking(W, "one");
    const a = spawnBlocking(W, "block", 1);
    let done = false;
    void a.then(() => (done = true));
    await sleep(50);
    expect(done).toBe(true);
    await a;
  });

  it("panicking_blocking_task_wakes_paused_runtime", async () => {
    await spawnBlocking(W, "one");
    const t0 = performance.now();
    const result = await timeout(15_000, spawnBlocking(W, "panicAfter", 1).then(
      () => "ok",
      (e: unknown) => e,
    ), "timeout should not trigger");
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toBe("task panicked");
    expect(performance.now() - t0).toBeLessThan(500);
  });
});

describe("tokio tests/rt_common.rs (spawn_blocking tests)", () => {
  for (const threads of [1, 2]) {
    describe(`on a ${threads}-thread pool`, () => {
      it("spawn_from_blocking", async () => {
        const pool = rt(threads);
        expect(await timeout(5000, pool.run<string>(W, "spawnFromBlocking"))).toBe("hello");
      });

      it("spawn_blocking_from_blocking", async () => {
        const pool = rt(threads);
        expect(await timeout(5000, pool.run<string>(W, "spawnBlockingFromBlocking"))).toBe("hello");
      });

      it("sleep_from_blocking", async () => {
        const pool = rt(threads);
        const elapsed = await timeout(5000, pool.run<number>(W, "sleepFromBlocking", 5));
        // Node's timers count from the loop's cached millisecond clock, so a setTimeout(5) can
        // measure up to 1 ms short by performance.now() (seen: 0.59 ms for setTimeout(1)).
        expect(elapsed).toBeGreaterThanOrEqual(4);
      });

      it("socket_from_blocking", async () => {
        const pool = rt(threads);
        const server = createServer();
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
        try {
          const port = (server.address() as { port: number }).port;
          const accepted = new Promise<void>((r) => server.once("connection", (s) => (s.destroy(), r())));
          const peer = pool.run<string>(W, "connect", port);
          await timeout(5000, accepted, "no connection");
          expect(await timeout(5000, peer)).toBe("connected");
        } finally {
          server.close();
        }
      });

      it("shutdown_timeout", async () => {
        const pool = rt(threads);
        const [tx, rx] = channel<null>();
        const task = pool.run(W, "signalThenBlock", tx, 10_000);
        void task.catch(() => {});
        tx.close();
        await rx.recvAsync();
        // shutdown_timeout(100 ms): close() cannot finish (the task sleeps 10 s), so terminate.
        const t0 = performance.now();
        const closed = await Promise.race([pool.close().then(() => true), sleep(100).then(() => false)]);
        expect(closed).toBe(false);
        await timeout(5000, pool.terminate(), "terminate hung");
        expect(performance.now() - t0).toBeLessThan(1000);
        await expect(task).rejects.toBeInstanceOf(ClosedError);
      });

      it("shutdown_timeout_0", async () => {
        const pool = rt(threads);
        const task = pool.run(W, "block", 10_000);
        void task.catch(() => {});
        await sleep(20); // the task has started
        const t0 = performance.now();
        await timeout(5000, pool.terminate(), "terminate hung");
        expect(performance.now() - t0).toBeLessThan(1000);
        await expect(task).rejects.toBeInstanceOf(ClosedError);
      });
    });
  }
});

describe("tokio tests/task_join_set.rs (JoinSet = joinAll / joinAllSettled over pool tasks)", () => {
  it("test_with_sleep (the join half)", async () => {
    const pool = rt(2);
    for (let round = 0; round < 2; round++) {
      const set = Array.from({ length: 10 }, (_, i) => pool.run<number>(W, "valueAfter", i, i * 3));
      const seen = new Array(10).fill(false);
      for (const res of await joinAll(set)) seen[res] = true;
      expect(seen.every(Boolean)).toBe(true);
    }
  });

  it("abort_tasks", async () => {
    const pool = rt(2);
    await warm(pool);
    const set: Promise<number>[] = [];
    for (let i = 0; i < 16; i++) {
      const ac = new AbortController();
      set.push(pool.runWith<number>({ signal: ac.signal }, W, "valueAfter", i, i * 2));
      if (i % 2 !== 0) ac.abort(new Error(`cancelled ${i}`)); // abort odd-numbered tasks
    }
    let numCanceled = 0;
    let numCompleted = 0;
    for (const [i, r] of (await joinAllSettled(set)).entries()) {
      if (r.ok) {
        numCompleted++;
        expect(r.value % 2).toBe(0);
        expect(r.value).toBe(i);
      } else {
        expect((r.error as Error).message).toBe(`cancelled ${i}`);
        numCanceled++;
      }
    }
    expect(numCanceled).toBe(8);
    expect(numCompleted).toBe(8);
  });

  it("runtime_gone", async () => {
    const pool = rt(1);
    const flags = new Int32Array(new SharedArrayBuffer(4));
    const busy = pool.run(W, "busyUntil", flags);
    void busy.catch(() => {});
    const task = pool.run(W, "one"); // spawn_on(rt): not run before the runtime goes
    const settled = joinAllSettled([task]);
    await pool.terminate();
    const [r] = await settled;
    expect(r!.ok).toBe(false);
    expect((r as { error: unknown }).error).toBeInstanceOf(ClosedError); // is_cancelled
  });

  it("join_all", async () => {
    const pool = rt(2);
    const set = Array.from({ length: 5 }, () => pool.run<number>(W, "one"));
    const res = await joinAll(set);
    expect(res.length).toBe(5);
    for (const itm of res) expect(itm).toBe(1);
  });

  it("task_panics (weft: the other task is not aborted, it runs to its end)", async () => {
    const pool = rt(2);
    await warm(pool);
    const [tx, rx] = channel<null>();
    const set = [pool.run(W, "sendAfter", tx, 100), pool.run(W, "panicAfter", 10)];
    tx.close();
    const panic = await joinAll(set).then(
      () => null,
      (e: unknown) => e,
    );
    expect((panic as Error)?.message).toBe("task panicked"); // is_panic
    // Failed fast: before the other task sent (`assert!(rx.try_recv().is_err())`).
    expect(() => rx.tryRecv()).toThrow(TryRecvError);
    // tokio: the first task was aborted and never sends. weft: it runs on and sends.
    await set[0];
    expect(rx.tryRecv()).toBe(null);
  });

  it("abort_all", async () => {
    const pool = rt(2);
    await warm(pool);
    const ac = new AbortController();
    const set: Promise<unknown>[] = [];
    for (let i = 0; i < 5; i++) set.push(pool.runWith({ signal: ac.signal }, W, "pendingForever"));
    for (let i = 0; i < 5; i++) set.push(pool.runWith({ signal: ac.signal }, W, "valueAfter", i, 10));
    await sleep(60); // 5 pending tasks and 5 finished ones
    ac.abort(new Error("aborted"));
    const all = await timeout(2000, joinAllSettled(set), "join hung");
    expect(all.length).toBe(10);
    for (const [i, r] of all.entries()) {
      if (i < 5) expect(r.ok ? "ok" : (r.error as Error).message).toBe("aborted"); // is_cancelled
      else expect(r).toEqual({ ok: true, value: i - 5 });
    }
  });

  it("extend (joinAll over an iterator of tasks)", async () => {
    const pool = rt(2);
    function* tasks(from: number, to: number) {
      for (let i = from; i < to; i++) yield pool.run<number>(W, "valueAfter", i, 0);
    }
    const set = [...tasks(0, 5)];
    const all = await joinAll((function* () {
      yield* set;
      yield* tasks(5, 10);
    })());
    const seen = new Array(10).fill(false);
    for (const idx of all) seen[idx] = true;
    expect(seen.every(Boolean)).toBe(true);
  });
});
