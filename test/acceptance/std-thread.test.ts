/**
 * An independent port of Rust's std thread tests to weft's spawn / spawnWith / threadLocal:
 *   - library/std/src/thread/tests.rs        (32 tests) → describe "thread/tests.rs"
 *   - library/std/src/thread/local/tests.rs  (8 tests)  → describe "thread/local/tests.rs"
 * Ported: 21 of 40 (19 + 2; some adapted, noted at each), plus 3 weft-only checks (threadLocal in
 * pool workers; two on spawnWith's stack size). Not ported: 19, listed below (each an it.skip).
 *
 * Found bugs, fixed (thirteenth session): test_minimal_thread_stack and "spawnWith: a stack size
 * the system cannot give…" — spawnWith({ stackSizeMb }) went to Node unchecked, and a tiny value
 * (Rust's stack_size(1)) or a huge one (≥ 2^44 MiB, whose byte count overflows 64 bits) made the
 * *whole process* abort (exit code 6); ThreadPool had no upper bound. Now a request below the
 * minimum gets the minimum (as Rust's), one above 2^43 MiB is a RangeError, and a stack the system
 * will not give is a RangeError naming stackSizeMb.
 *
 * Mapping: thread::spawn(move || body) = spawn(url, "body", ...captures) running one entry of
 * test/workers/acc6-thread.mjs; JoinHandle::join() = handle.join() (a promise); a panic = the
 * body throws, so join() rejects with the thrown value (Rust's Err(payload), downcast = the value
 * itself); Builder::name / stack_size = spawnWith({ name, stackSizeMb }); mpsc channel =
 * weft channel(); ThreadId = threadSlot() (weft's id of a thread), OS id = Node's threadId;
 * thread_local! = a threadLocal(init) at module scope of the worker module (module scope is per
 * thread); Barrier = weft Barrier. A detached thread (a JoinHandle dropped) = a handle not joined.
 *
 * Not ported (weft lacks the API):
 *   - test_unnamed_thread, test_named_thread_truncation: thread::current().name() — a weft
 *     thread cannot read its own name (Node 20 does not expose a worker's name to it).
 *     test_named_thread is ported on its observable half (a named thread runs and joins).
 *   - test_is_finished: JoinHandle::is_finished (ported without it: barrier, then join → 1234).
 *   - test_park_unpark_before, test_park_unpark_called_other_thread,
 *     test_park_timeout_unpark_before, test_park_timeout_unpark_not_called,
 *     test_park_timeout_unpark_called_other_thread: thread::park / park_timeout / Thread::unpark.
 *   - sleep_ms_smoke: thread::sleep (JS has Atomics.wait itself; nothing of weft's to test).
 *   - test_size_of_option_thread_id: a type-layout property.
 *   - test_scoped_threads_drop_result_before_join, test_scoped_threads_nll, scope_join_race:
 *     thread::scope.
 *   - local/tests.rs smoke_dtor, circular, self_referential, dtors_in_dtors_in_dtors,
 *     dtors_in_dtors_in_dtors_const_init, join_orders_after_tls_destructors: thread-local
 *     destructors (JS has none; threadLocal has no dtor hook).
 *   - test_invalid_named_thread (should_panic on a name holding NUL): a JS string may hold NUL
 *     and Node accepts it as a worker name; weft documents nothing else, so there is no panic to expect.
 * Adapted: the three test_avoid_copying_the_body_* (no addresses in JS: the captured shared
 * memory is the same memory in the child, written there and seen here); test_child_doesnt_ref_parent
 * (16 generations → 6, and the last one reports back so the test knows they all ran);
 * test_minimal_thread_stack (Windows-only upstream; run in a child process: a 1-byte stack request
 * must not abort the process).
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as wt from "node:worker_threads";
import { Barrier, ThreadPool, channel, spawn, spawnWith, threadSlot, type WorkerHandle } from "../../dist/index.js";
import { within } from "../channel/util.js";
import { FOO } from "../workers/acc6-thread.mjs";

const T = new URL("../workers/acc6-thread.mjs", import.meta.url);
const thread = (name: string, ...args: unknown[]): WorkerHandle<any> => (spawn as any)(T, name, ...args);
const threadWith = (opts: { name?: string; stackSizeMb?: number }, name: string, ...args: unknown[]): WorkerHandle<any> =>
  (spawnWith as any)(opts, T, name, ...args);
const joined = <R>(h: WorkerHandle<R>, what = "join") => within(h.join(), what);

/** Runs an ES module script in a child Node process; its exit status, signal and last stderr lines. */
function child(script: string) {
  // From a file, not `-e`: a worker inherits its parent's execArgv, and `--input-type` (which `-e`
  // of a module needs) makes every worker fail to start ("can only be used with string input").
  const file = join(mkdtempSync(join(tmpdir(), "weft-std-thread-")), "child.mjs");
  writeFileSync(file, script);
  const r = spawnSync(process.execPath, [file], { encoding: "utf8", timeout: 30_000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout.trim(), stderrTail: r.stderr.split("\n").filter(Boolean).slice(-2) };
}
const DIST = new URL("../../dist/index.js", import.meta.url).href;

describe("thread/tests.rs", () => {
  it.skip("test_unnamed_thread — no thread::current().name() in weft", () => {});

  it("test_named_thread (adapted: a thread named \"ada lovelace\" runs and joins)", async () => {
    expect(await joined(threadWith({ name: "ada lovelace" }, "nothing"))).toBe(null);
  });

  it.skip("test_named_thread_truncation — no thread::current().name() in weft", () => {});
  it.skip("test_invalid_named_thread — a JS name may hold NUL: nothing to panic on", () => {});

  it("test_run_basic", async () => {
    const [tx, rx] = channel<null>();
    thread("sendUnit", tx);
    tx.close();
    expect(await within(rx.recvAsync(), "recv")).toBe(null);
  });

  it("test_is_finished (without is_finished: the barrier, then join gives 1234)", async () => {
    const b = new Barrier(2);
    const t = thread("barrierThen", b, 1234);
    await within(b.waitAsync({ timeout: 10_000 }), "barrier");
    const start = performance.now();
    expect(await joined(t)).toBe(1234);
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it("test_join_panic", async () => {
    await expect(joined(thread("panicBare"))).rejects.toBeInstanceOf(Error);
  });

  it("test_spawn_sched (a chain of 10 nested spawns; the last one sends)", async () => {
    const [tx, rx] = channel<null>();
    thread("spawnSched", 10, tx);
    tx.close();
    expect(await within(rx.recvAsync(), "recv from the 11th thread")).toBe(null);
  });

  it("test_spawn_sched_childs_on_default_sched (a child outlives its returning parent)", async () => {
    const [tx, rx] = channel<null>();
    const parent = thread("spawnChildThatSends", tx);
    tx.close();
    expect(await within(rx.recvAsync(), "recv from the grandchild")).toBe(null);
    await joined(parent);
  });

  for (const [name, join] of [
    ["test_avoid_copying_the_body_spawn", false],
    ["test_avoid_copying_the_body_thread_spawn", false],
    ["test_avoid_copying_the_body_join", true],
  ] as const) {
    it(`${name} (adapted: the captured shared memory is the same memory in the child)`, async () => {
      const words = new Int32Array(new SharedArrayBuffer(8));
      const h = thread("touch", words, 77);
      const back = await joined(h);
      expect(words[0]).toBe(77);
      if (join) {
        back[1] = 5; // what came back is the same memory too
        expect(words[1]).toBe(5);
      }
    });
  }

  it("test_child_doesnt_ref_parent (scaled: 6 generations of detached threads)", async () => {
    const [tx, rx] = channel<number>();
    thread("generation", 0, 6, tx);
    tx.close();
    expect(await within(rx.recvAsync(), "last generation")).toBe(6);
  });

  it("test_simple_newsched_spawn (spawn, never join)", async () => {
    const h = thread("nothing");
    expect(typeof h.threadId).toBe("number");
    await joined(h); // only so the worker does not outlive the test file
  });

  it("test_try_panic_message_string_literal (the payload is the thrown string)", async () => {
    await expect(joined(thread("throwValue", "static string"))).rejects.toBe("static string");
  });

  it("test_try_panic_any_message_owned_str", async () => {
    await expect(joined(thread("throwValue", ["owned", "string"].join(" ")))).rejects.toBe("owned string");
  });

  it("test_try_panic_any_message_any (panic_any(413u16): a number payload)", async () => {
    await expect(joined(thread("throwValue", 413))).rejects.toBe(413);
  });

  it("test_try_panic_any_message_unit_struct (a plain object payload comes back as it was)", async () => {
    await expect(joined(thread("throwValue", { juju: true }))).rejects.toEqual({ juju: true });
  });

  it.skip("test_park_unpark_before — no thread::park / unpark in weft", () => {});
  it.skip("test_park_unpark_called_other_thread — no thread::park / unpark in weft", () => {});
  it.skip("test_park_timeout_unpark_before — no thread::park_timeout in weft", () => {});
  it.skip("test_park_timeout_unpark_not_called — no thread::park_timeout in weft", () => {});
  it.skip("test_park_timeout_unpark_called_other_thread — no thread::park_timeout in weft", () => {});
  it.skip("sleep_ms_smoke — no thread::sleep in weft", () => {});
  it.skip("test_size_of_option_thread_id — a type-layout property", () => {});

  it("test_thread_id_equal", () => {
    expect(threadSlot()).toBe(threadSlot());
  });

  it("test_thread_id_not_equal (and the handle names the same id the thread sees)", async () => {
    const h = thread("slot");
    const spawnedId = await joined(h);
    expect(spawnedId).not.toBe(threadSlot());
    expect(spawnedId).toBe(h.slot);
  });

  it("test_thread_os_id_not_equal (Node's threadId)", async () => {
    const h = thread("osId");
    const spawnedId = await joined(h);
    expect(spawnedId).not.toBe(wt.threadId);
    expect(spawnedId).toBe(h.threadId);
  });

  it.skip("test_scoped_threads_drop_result_before_join — no thread::scope in weft", () => {});
  it.skip("test_scoped_threads_nll — no thread::scope in weft", () => {});
  it.skip("scope_join_race — no thread::scope in weft (and Miri-only upstream)", () => {});

  it("test_minimal_thread_stack (stack_size(1): a tiny stack request must not abort the process)", () => {
    // Rust rounds a too-small stack size up to the minimum and the thread runs. weft may instead
    // refuse it (a RangeError, as ThreadPool does below 0.5 MiB); what it must not do is take the
    // whole process down. Run in a child process, as an abort cannot be caught here.
    const r = child(`
      import { spawnWith } from ${JSON.stringify(DIST)};
      try {
        const h = spawnWith({ stackSizeMb: 1 / (1024 * 1024) }, ${JSON.stringify(T.href)}, "nothing");
        console.log("joined", await h.join());
      } catch (e) { console.log("threw", e.name); }`);
    expect(r.signal).toBe(null);
    expect(r.status, `stderr: ${r.stderrTail.join(" | ")}`).toBe(0);
    expect(["joined null", "threw RangeError"]).toContain(r.stdout);
  });
});

describe("weft-only: stack size of a spawned thread", () => {
  it("spawnWith({ stackSizeMb }): a small stack overflows as a RangeError in join, a big one does not", async () => {
    await expect(joined(threadWith({ stackSizeMb: 1 }, "recurse", 100_000))).rejects.toThrow(RangeError);
    expect(await joined(threadWith({ stackSizeMb: 48 }, "recurse", 100_000))).toBe(100_000);
  });

  it("spawnWith: a stack size the system cannot give is an error, never a process abort", () => {
    const r = child(`
      import { spawnWith } from ${JSON.stringify(DIST)};
      for (const mb of [2 ** 30, 2 ** 44]) {
        try {
          const h = spawnWith({ stackSizeMb: mb }, ${JSON.stringify(T.href)}, "nothing");
          await h.join();
          console.log(mb, "ran");
        } catch (e) { console.log(mb, "threw"); }
      }`);
    expect({ status: r.status, signal: r.signal, stderr: r.stderrTail }).toEqual({ status: 0, signal: null, stderr: [] });
  });
});

describe("thread/local/tests.rs", () => {
  it("smoke_no_dtor (the parent's value is not the child's; the child's change stays there)", async () => {
    FOO.take();
    FOO.with((f) => {
      expect(f.v).toBe(1);
      f.v = 2;
    });
    expect(await joined(thread("fooInThread"))).toEqual([1, 3]);
    FOO.with((f) => expect(f.v).toBe(2));
    FOO.take();
  });

  it("states (the key is usable inside a spawned thread)", async () => {
    expect(await joined(thread("fooUsable"))).toBe(true);
  });

  it.skip("smoke_dtor — no thread-local destructors in JS", () => {});
  it.skip("circular — no thread-local destructors in JS", () => {});
  it.skip("self_referential — no thread-local destructors in JS", () => {});
  it.skip("dtors_in_dtors_in_dtors — no thread-local destructors in JS", () => {});
  it.skip("dtors_in_dtors_in_dtors_const_init — no thread-local destructors in JS", () => {});
  it.skip("join_orders_after_tls_destructors — no thread-local destructors in JS", () => {});

  it("weft-only: threadLocal in pool workers — one lazily made value per worker", async () => {
    const pool = new ThreadPool({ threads: 2 });
    try {
      const R = new URL("../workers/pool-tasks.mjs", import.meta.url);
      const results = await within(pool.runMany<[number, number]>(R, "tick", Array.from({ length: 40 }, () => [])), "ticks");
      const bySlot = new Map<number, number[]>();
      for (const [slot, calls] of results) bySlot.set(slot, [...(bySlot.get(slot) ?? []), calls]);
      expect(bySlot.size).toBeGreaterThanOrEqual(1);
      expect(bySlot.size).toBeLessThanOrEqual(2);
      let total = 0;
      for (const calls of bySlot.values()) {
        // each worker's counter starts at 1 and counts only its own calls
        expect([...calls].sort((a, b) => a - b)).toEqual(Array.from({ length: calls.length }, (_, i) => i + 1));
        total += calls.length;
      }
      expect(total).toBe(40);
    } finally {
      await pool.terminate();
    }
  });
});
