/**
 * An independent port of Rust's std::sync::mpsc test suites to weft:
 *   - library/std/tests/sync/mpsc.rs       (channel(), 54 tests)      → describe "mpsc.rs"
 *   - library/std/tests/sync/mpsc_sync.rs  (sync_channel(n), 53 tests) → describe "mpsc_sync.rs"
 *   - crossbeam-channel tests/mpsc.rs, mod select_tests (the old std mpsc select tests, 24 tests,
 *     written with select!)                                            → describe "select_tests"
 *     (crossbeam's channel_tests / sync_channel_tests modules are the same tests as std's two files.)
 * Every Rust test has an `it` named after it (same order as the Rust file): 131 ported, 0 skipped,
 * plus one extra ("issue_39364, its core without the hand-back").
 *
 * KNOWN FAILURE (a weft bug, kept as evidence): issue_39364 — a thread returns the Sender it was
 * given, and `join()` rejects with ClosedError ("Sender.share: this Sender was closed"); meanwhile
 * the channel reads as disconnected. src/thread/worker-entry.ts closes the worker's argument ends
 * (`finally { closeEnds() }`) *before* `share(result)` encodes the result; ThreadPool tasks get this
 * right (they close after encoding, see docs/design.md "Channel ends in task arguments").
 *
 * Mapping: `channel()` = channel() (unbounded); `sync_channel(n)` = channel({ capacity: n })
 * (0 = rendezvous); i32 messages use codecs.i32, `()` is `null` (structured codec), Box<T> is a
 * plain number; drop(end) = end.close(); a thread is a worker (spawn) running one function of
 * test/workers/acc1-rust.mjs: ends moved into a Rust closure are passed to spawn and then closed
 * here (spawn gives the worker its own reference), and the worker releases them when its
 * function returns (end of the Rust closure). A panic in a thread = the worker function throws,
 * so join() rejects. `recv_timeout(d)` = recv({ timeout }), RecvTimeoutError::Timeout =
 * TimeoutError, ::Disconnected = RecvError. `send_timeout` = send(v, { timeout }) →
 * SendTimeoutError(.value). `rx.iter()` / `for x in &rx` / `rx.into_iter()` = for…of /
 * rx[Symbol.iterator](); `try_iter()` = tryIter(). `select!` = select([rx…]).
 * `thread::yield_now()` loops ("let the other thread go to sleep") = a short sleep.
 *
 * Scaled down (2-core machine, worker start-up ~tens of ms): stress counts 10 000 → 2 000–10 000;
 * 8 threads → 4; 100 threads → 8–10; issue_15761's 100 repros → 10; sleeps of 300 ms–1 s → 40–100 ms.
 * The scenario of each test is unchanged.
 *
 * Not ported as such (no JS equivalent), each replaced by the nearest observable check:
 *   - drop_full / drop_full_shared / oneshot_single_thread_send_port_close / sync drop_full:
 *     these check that destructors of a Box left in the channel run (no leak, no double free).
 *     JS has no destructors; ported as "closing every end with a message inside is fine", and
 *     for the arena-backed flavors, that the arena's bytes are given back.
 *   - drop_unreceived (sync): uses Rc/Weak to see that the message was dropped. Ported with a
 *     channel end inside the message (weft closes ends inside dropped messages): the inner
 *     channel must read as disconnected right after the outer receiver is closed.
 *   - Rust's "type-level" guarantees (Sender: !Sync before 1.72 etc.) have no tests here.
 * Nothing else is skipped.
 */
import { describe, expect, it } from "vitest";
import {
  RecvError, SendError, SendTimeoutError, TimeoutError, TryRecvError, TrySendError,
  channel, codecs, select, spawn, type Receiver, type Sender, type WorkerHandle,
} from "../../dist/index.js";
import { joinAll, within } from "../channel/util.js"; // also installs the main-thread watchdog

const W = new URL("../workers/acc1-rust.mjs", import.meta.url);
/** thread::spawn(move || fns[name](...args)). */
const thread = (name: string, ...args: unknown[]): WorkerHandle<any> => (spawn as any)(W, name, ...args);
/** Rust's thread::spawn with ends moved in: spawn, then drop our handles of the moved ends. */
const threadMove = (name: string, ...args: unknown[]): WorkerHandle<any> => {
  const h = thread(name, ...args);
  for (const a of args) if (a && typeof (a as any).close === "function" && typeof (a as any).clone === "function") (a as any).close();
  return h;
};
const napBuf = new Int32Array(new SharedArrayBuffer(4));
/** thread::sleep on this (main) thread. */
const sleepSync = (ms: number) => Atomics.wait(napBuf, 0, 0, ms);
const thrown = (f: () => unknown): any => {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
};
const i32 = (capacity?: number) => channel<number>(capacity === undefined ? { codec: codecs.i32 } : { capacity, codec: codecs.i32 });
const unit = (capacity?: number) => channel<null>(capacity === undefined ? {} : { capacity });
const join = (hs: WorkerHandle<any>[], what: string) => joinAll<any>(hs, what);
/** Rust's `assert!(res.is_err())` on a join: the thread panicked. Returns the panic. */
const joinErr = async (h: WorkerHandle<any>, what: string) => {
  const r = await within(h.join().then((v) => ({ v }), (e) => ({ e })), what);
  expect("e" in r, `${what}: the thread should have panicked, it returned ${JSON.stringify((r as any).v)}`).toBe(true);
  return (r as any).e;
};
/** A "Box": a message too large for a slot, so it lives in the channel's arena. */
const BOX = "b".repeat(5000);
const inUse = (end: Sender<any> | Receiver<any>) => end.arenaStats()?.bytesInUse ?? 0;
/**
 * The arena bytes a channel holds with no message inside (an unbounded channel keeps its current
 * block): a twin channel whose BOX was received before both ends closed.
 */
const baseline = (capacity?: number) => {
  const [tx, rx] = channel<string>(capacity === undefined ? {} : { capacity });
  tx.send(BOX);
  rx.recv();
  tx.close();
  rx.close();
  return inUse(tx);
};
const expectTryRecvErr = (rx: Receiver<any>, kind: "empty" | "disconnected") => {
  const e = thrown(() => rx.tryRecv());
  expect(e).toBeInstanceOf(TryRecvError);
  expect(e.kind).toBe(kind);
};

// =============================================================================================
describe("mpsc.rs (channel())", () => {
  it("smoke", () => {
    const [tx, rx] = i32();
    tx.send(1);
    expect(rx.recv()).toBe(1);
  });

  it("drop_full (no destructors in JS: closing with a message inside is fine, its arena bytes are freed)", () => {
    const [tx, rx] = channel<string>();
    tx.send(BOX);
    tx.close();
    rx.close();
    expect(inUse(tx)).toBe(baseline());
  });

  it("drop_full_shared", () => {
    const [tx, rx] = channel<string>();
    tx.clone().close();
    tx.clone().close();
    tx.send(BOX);
    tx.close();
    rx.close();
    expect(inUse(tx)).toBe(baseline());
  });

  it("smoke_shared", () => {
    const [tx, rx] = i32();
    tx.send(1);
    expect(rx.recv()).toBe(1);
    const tx2 = tx.clone();
    tx2.send(1);
    expect(rx.recv()).toBe(1);
  });

  it("smoke_threads", async () => {
    const [tx, rx] = i32();
    const t = threadMove("sendAll", tx, [1]);
    expect(rx.recv()).toBe(1);
    await join([t], "smoke_threads");
  });

  it("smoke_port_gone", () => {
    const [tx, rx] = i32();
    rx.close();
    expect(thrown(() => tx.send(1))).toBeInstanceOf(SendError);
  });

  it("smoke_shared_port_gone", () => {
    const [tx, rx] = i32();
    rx.close();
    expect(thrown(() => tx.send(1))).toBeInstanceOf(SendError);
  });

  it("smoke_shared_port_gone2", () => {
    const [tx, rx] = i32();
    rx.close();
    const tx2 = tx.clone();
    tx.close();
    expect(thrown(() => tx2.send(1))).toBeInstanceOf(SendError);
  });

  it("port_gone_concurrent", async () => {
    const [tx, rx] = i32();
    const t = threadMove("recvOne", rx);
    let n = 0;
    for (;;) {
      try {
        tx.send(1);
        n++;
      } catch (e) {
        expect(e).toBeInstanceOf(SendError);
        break;
      }
    }
    expect(n).toBeGreaterThanOrEqual(1);
    await join([t], "port_gone_concurrent");
  });

  it("port_gone_concurrent_shared", async () => {
    const [tx, rx] = i32();
    const tx2 = tx.clone();
    const t = threadMove("recvOne", rx);
    let e: unknown;
    for (;;) {
      e = thrown(() => tx.send(1)) ?? thrown(() => tx2.send(1));
      if (e !== undefined) break;
    }
    expect(e).toBeInstanceOf(SendError);
    await join([t], "port_gone_concurrent_shared");
  });

  it("smoke_chan_gone", () => {
    const [tx, rx] = i32();
    tx.close();
    expect(thrown(() => rx.recv())).toBeInstanceOf(RecvError);
  });

  it("smoke_chan_gone_shared", () => {
    const [tx, rx] = unit();
    const tx2 = tx.clone();
    tx.close();
    tx2.close();
    expect(thrown(() => rx.recv())).toBeInstanceOf(RecvError);
  });

  it("chan_gone_concurrent", async () => {
    const [tx, rx] = i32();
    const t = threadMove("sendAll", tx, [1, 1]);
    let n = 0;
    for (;;) {
      try {
        rx.recv();
        n++;
      } catch (e) {
        expect(e).toBeInstanceOf(RecvError);
        break;
      }
    }
    expect(n).toBe(2);
    await join([t], "chan_gone_concurrent");
  });

  it("stress (10 000)", async () => {
    const [tx, rx] = i32();
    const t = threadMove("sendN", tx, 10_000, 1);
    for (let i = 0; i < 10_000; i++) expect(rx.recv()).toBe(1);
    await join([t], "stress");
  });

  it("stress_shared (4 threads × 1 000; receiver in a thread)", async () => {
    const AMT = 1000, N = 4;
    const [tx, rx] = i32();
    const t = threadMove("recvN", rx, AMT * N, 1, true);
    const ts = Array.from({ length: N }, () => thread("sendN", tx, AMT, 1));
    tx.close();
    const [got] = await join([t, ...ts], "stress_shared");
    expect(got).toBe(AMT * N);
  });

  it("send_from_outside_runtime", async () => {
    const [tx1, rx1] = unit();
    const [tx2, rx2] = i32();
    const t1 = threadMove("handshakeThenRecv", tx1, rx2, 40);
    rx1.recv();
    const t2 = threadMove("sendN", tx2, 40, 1);
    await join([t1, t2], "send_from_outside_runtime");
  });

  it("recv_from_outside_runtime", async () => {
    const [tx, rx] = i32();
    const t = threadMove("recvN", rx, 40, 1);
    for (let i = 0; i < 40; i++) tx.send(1);
    await join([t], "recv_from_outside_runtime");
  });

  it("no_runtime", async () => {
    const [tx1, rx1] = i32();
    const [tx2, rx2] = i32();
    const t1 = threadMove("recvThenSend", rx1, tx2);
    const t2 = threadMove("sendThenRecv", tx1, rx2);
    await join([t1, t2], "no_runtime");
  });

  it("oneshot_single_thread_close_port_first", () => {
    const [tx, rx] = i32();
    rx.close();
    tx.close();
  });

  it("oneshot_single_thread_close_chan_first", () => {
    const [tx, rx] = i32();
    tx.close();
    rx.close();
  });

  it("oneshot_single_thread_send_port_close", () => {
    const [tx, rx] = channel<number[]>();
    rx.close();
    const e = thrown(() => tx.send([0]));
    expect(e).toBeInstanceOf(SendError);
    expect(e.value).toEqual([0]);
  });

  it("oneshot_single_thread_recv_chan_close (in a thread, whose join is Err)", async () => {
    const [tx, rx] = i32();
    tx.close();
    expect(thrown(() => rx.recv())).toBeInstanceOf(RecvError);
    expect(await joinErr(thread("ownChannelRecvPanics", null), "recv_chan_close")).toBeInstanceOf(RecvError);
  });

  it("oneshot_single_thread_send_then_recv", () => {
    const [tx, rx] = channel<number[]>();
    tx.send([10]);
    expect(rx.recv()).toEqual([10]);
  });

  it("oneshot_single_thread_try_send_open", () => {
    const [tx, rx] = i32();
    tx.send(10);
    expect(rx.recv()).toBe(10);
  });

  it("oneshot_single_thread_try_send_closed", () => {
    const [tx, rx] = i32();
    rx.close();
    expect(thrown(() => tx.send(10))).toBeInstanceOf(SendError);
  });

  it("oneshot_single_thread_try_recv_open", () => {
    const [tx, rx] = i32();
    tx.send(10);
    expect(rx.recv()).toBe(10);
  });

  it("oneshot_single_thread_try_recv_closed", () => {
    const [tx, rx] = i32();
    tx.close();
    expect(thrown(() => rx.recv())).toBeInstanceOf(RecvError);
  });

  it("oneshot_single_thread_peek_data", () => {
    const [tx, rx] = i32();
    expectTryRecvErr(rx, "empty");
    tx.send(10);
    expect(rx.tryRecv()).toBe(10);
  });

  it("oneshot_single_thread_peek_close", () => {
    const [tx, rx] = i32();
    tx.close();
    expectTryRecvErr(rx, "disconnected");
    expectTryRecvErr(rx, "disconnected");
  });

  it("oneshot_single_thread_peek_open", () => {
    const [, rx] = i32();
    expectTryRecvErr(rx, "empty");
  });

  it("oneshot_multi_task_recv_then_send", async () => {
    const [tx, rx] = i32();
    const t = threadMove("recvN", rx, 1, 10);
    tx.send(10);
    await join([t], "recv_then_send");
  });

  it("oneshot_multi_task_recv_then_close", async () => {
    const [tx, rx] = i32();
    const t = threadMove("drop", tx);
    const e = await joinErr(threadMove("recvOne", rx), "recv_then_close");
    expect(e).toBeInstanceOf(RecvError);
    await join([t], "drop tx");
  });

  it("oneshot_multi_thread_close_stress (3 rounds)", async () => {
    for (let i = 0; i < 3; i++) {
      const [tx, rx] = i32();
      const t = threadMove("drop", rx);
      tx.close();
      await join([t], "close_stress");
    }
  });

  it("oneshot_multi_thread_send_close_stress (3 rounds)", async () => {
    for (let i = 0; i < 3; i++) {
      const [tx, rx] = i32();
      const t = threadMove("drop", rx);
      // `let _ = thread::spawn(|| tx.send(1).unwrap()).join()`: either outcome, but it must end,
      // and a failure may only be the SendError.
      const r = await within(threadMove("sendAll", tx, [1]).join().then(() => null, (e) => e), "send thread");
      if (r !== null) expect(r).toBeInstanceOf(SendError);
      await join([t], "send_close_stress");
    }
  });

  it("oneshot_multi_thread_recv_close_stress (2 rounds, nested threads)", async () => {
    for (let i = 0; i < 2; i++) {
      const [tx, rx] = i32();
      const t1 = threadMove("childRecvMustFail", rx);
      const t2 = threadMove("childDrops", tx);
      const [name] = await join([t1, t2], "recv_close_stress");
      expect(name).toBe("RecvError");
    }
  });

  it("oneshot_multi_thread_send_recv_stress (3 rounds)", async () => {
    for (let i = 0; i < 3; i++) {
      const [tx, rx] = channel<number[]>();
      const t = threadMove("sendAll", tx, [[10]]);
      expect(rx.recv()).toEqual([10]);
      await join([t], "send_recv_stress");
    }
  });

  it("stream_send_recv_stress (chains of 10 sender and 10 receiver threads)", async () => {
    const [tx, rx] = channel<number>();
    const s = threadMove("streamSend", tx, 0, 10);
    const r = threadMove("streamRecv", rx, 0, 10);
    await join([s, r], "stream_send_recv_stress");
  });

  it("oneshot_single_thread_recv_timeout", () => {
    const [tx, rx] = unit();
    tx.send(null);
    expect(rx.recv({ timeout: 1 })).toBeNull();
    expect(thrown(() => rx.recv({ timeout: 1 }))).toBeInstanceOf(TimeoutError);
    tx.send(null);
    expect(rx.recv({ timeout: 1 })).toBeNull();
  });

  it("stress_recv_timeout_two_threads (51 messages, 5 ms timeout)", async () => {
    const [tx, rx] = channel<number>();
    const stress = 51;
    const timeout = 5;
    const t = threadMove("sendSleepy", tx, stress, timeout * 2, 1);
    let count = 0;
    for (;;) {
      try {
        expect(rx.recv({ timeout })).toBe(1);
        count++;
      } catch (e) {
        if (e instanceof TimeoutError) continue;
        expect(e).toBeInstanceOf(RecvError);
        break;
      }
    }
    expect(count).toBe(stress);
    await join([t], "stress_recv_timeout_two_threads");
  });

  it("recv_timeout_upgrade: a timed-out recv took at least the timeout", () => {
    const [tx, rx] = unit();
    const _clone = tx.clone();
    for (const timeout of [1, 2, 5]) {
      const start = performance.now();
      expect(thrown(() => rx.recv({ timeout }))).toBeInstanceOf(TimeoutError);
      expect(performance.now() - start).toBeGreaterThanOrEqual(timeout);
    }
    _clone.close();
  });

  it("stress_recv_timeout_shared (8 threads sleeping i·10 ms)", async () => {
    const [tx, rx] = channel<number>();
    const stress = 8;
    const ts = Array.from({ length: stress }, (_, i) => thread("sleepSend", tx, i * 10, 1));
    tx.close();
    let count = 0;
    for (;;) {
      try {
        expect(rx.recv({ timeout: 10 })).toBe(1);
        count++;
      } catch (e) {
        if (e instanceof TimeoutError) continue;
        expect(e).toBeInstanceOf(RecvError);
        break;
      }
    }
    expect(count).toBe(stress);
    await join(ts, "stress_recv_timeout_shared");
  });

  it("very_long_recv_timeout_wont_panic (Duration::from_secs(u64::MAX) ≈ 1.8e22 ms; also MAX_SAFE_INTEGER, MAX_VALUE, Infinity)", async () => {
    for (const timeout of [1000 * 2 ** 64, Number.MAX_SAFE_INTEGER, Number.MAX_VALUE, Infinity]) {
      const [tx, rx] = unit();
      const t = threadMove("recvLongTimeout", rx, timeout);
      sleepSync(50);
      tx.send(null);
      const [r] = await join([t], `very long timeout ${timeout}`);
      expect(r, `timeout ${timeout}`).toEqual({ ok: null });
    }
  });

  it("recv_a_lot (10 000)", () => {
    const [tx, rx] = unit();
    for (let i = 0; i < 10_000; i++) tx.send(null);
    for (let i = 0; i < 10_000; i++) rx.recv();
  });

  it("shared_recv_timeout (5 threads)", async () => {
    const [tx, rx] = unit();
    const ts = Array.from({ length: 5 }, () => thread("sendAll", tx, [null]));
    for (let i = 0; i < 5; i++) rx.recv();
    expect(thrown(() => rx.recv({ timeout: 1 }))).toBeInstanceOf(TimeoutError);
    tx.send(null);
    expect(rx.recv({ timeout: 1 })).toBeNull();
    await join(ts, "shared_recv_timeout");
  });

  it("shared_chan_stress (10 threads)", async () => {
    const [tx, rx] = unit();
    const ts = Array.from({ length: 10 }, () => thread("sendAll", tx, [null]));
    for (let i = 0; i < 10; i++) rx.recv();
    await join(ts, "shared_chan_stress");
  });

  it("test_nested_recv_iter", async () => {
    const [tx, rx] = i32();
    const [totalTx, totalRx] = i32();
    const t = threadMove("iterSum", rx, totalTx);
    tx.send(3);
    tx.send(1);
    tx.send(2);
    tx.close();
    expect(totalRx.recv()).toBe(6);
    await join([t], "nested_recv_iter");
  });

  it("test_recv_iter_break", async () => {
    const [tx, rx] = i32();
    const [countTx, countRx] = i32();
    const t = threadMove("iterBreak", rx, countTx);
    tx.send(2);
    tx.send(2);
    tx.send(2);
    const e = thrown(() => tx.send(2));
    if (e !== undefined) expect(e).toBeInstanceOf(SendError);
    tx.close();
    expect(countRx.recv()).toBe(4);
    await join([t], "recv_iter_break");
  });

  it("test_recv_try_iter", async () => {
    const [requestTx, requestRx] = unit();
    const [responseTx, responseRx] = i32();
    const t = threadMove("tryIterRequester", requestTx, responseRx);
    for (const _ of requestRx) {
      if (thrown(() => responseTx.send(2)) !== undefined) break;
    }
    const [count] = await join([t], "recv_try_iter");
    expect(count).toBe(6);
  });

  it("test_recv_into_iter_owned", () => {
    let iter: Iterator<number>;
    {
      const [tx, rx] = i32();
      tx.send(1);
      tx.send(2);
      iter = rx[Symbol.iterator]();
      tx.close(); // tx goes out of scope
    }
    expect(iter.next()).toEqual({ value: 1, done: false });
    expect(iter.next()).toEqual({ value: 2, done: false });
    expect(iter.next().done).toBe(true);
  });

  it("test_recv_into_iter_borrowed", () => {
    const [tx, rx] = i32();
    tx.send(1);
    tx.send(2);
    tx.close();
    const iter = rx[Symbol.iterator]();
    expect(iter.next()).toEqual({ value: 1, done: false });
    expect(iter.next()).toEqual({ value: 2, done: false });
    expect(iter.next().done).toBe(true);
  });

  it("try_recv_states", async () => {
    const [tx1, rx1] = i32();
    const [tx2, rx2] = unit();
    const [tx3, rx3] = unit();
    const t = threadMove("tryRecvStates", rx2, tx1, tx3);
    expectTryRecvErr(rx1, "empty");
    tx2.send(null);
    rx3.recv();
    expect(rx1.tryRecv()).toBe(1);
    expectTryRecvErr(rx1, "empty");
    tx2.send(null);
    rx3.recv();
    expectTryRecvErr(rx1, "disconnected");
    await join([t], "try_recv_states");
  });

  it("destroy_upgraded_shared_port_when_sender_still_active", async () => {
    const [tx, rx] = unit();
    const [tx2, rx2] = unit();
    const t = threadMove("recvDropSend", rx, tx2);
    sleepSync(20); // let the thread go to sleep in recv
    const c = tx.clone();
    tx.close();
    c.send(null);
    rx2.recv();
    await join([t], "destroy_upgraded");
  });

  it("issue_32114", () => {
    const [tx, rx] = i32();
    rx.close(); // `let (tx, _) = channel()` drops the receiver at once
    thrown(() => tx.send(123));
    const e = thrown(() => tx.send(123));
    expect(e).toBeInstanceOf(SendError);
    expect(e.value).toBe(123);
  });

  it("issue_39364: a thread clones tx and hands it back through join", async () => {
    const [tx, rx] = unit();
    const t = threadMove("handBack", tx, 60);
    // While the thread holds tx nothing is sent and nothing disconnects: a timeout.
    const first = thrown(() => rx.recv({ timeout: 120 }));
    const handed = await within(t.join(), "join") as Sender<null>;
    // tx was handed back, not dropped: still a timeout.
    const second = thrown(() => rx.recv({ timeout: 40 }));
    expect(first).toBeInstanceOf(TimeoutError);
    expect(second).toBeInstanceOf(TimeoutError);
    handed.send(null);
    expect(rx.recv({ timeout: 1000 })).toBeNull();
    handed.close();
    expect(thrown(() => rx.recv({ timeout: 1000 }))).toBeInstanceOf(RecvError);
  });

  it("issue_39364, its core without the hand-back: recv_timeout while another thread clones the sender", async () => {
    const [tx, rx] = unit();
    const t = threadMove("cloneWhileHeld", tx, 40);
    expect(thrown(() => rx.recv({ timeout: 60 }))).toBeInstanceOf(TimeoutError);
    await join([t], "cloneWhileHeld");
    expect(thrown(() => rx.recv({ timeout: 1000 }))).toBeInstanceOf(RecvError);
  });
});

// =============================================================================================
describe("mpsc_sync.rs (sync_channel(n))", () => {
  it("smoke", () => {
    const [tx, rx] = i32(1);
    tx.send(1);
    expect(rx.recv()).toBe(1);
  });

  it("drop_full (no destructors: closing with a message inside is fine, its arena bytes are freed)", () => {
    const [tx, rx] = channel<string>({ capacity: 1 });
    tx.send(BOX);
    tx.close();
    rx.close();
    expect(inUse(tx)).toBe(baseline(1));
  });

  it("smoke_shared", () => {
    const [tx, rx] = i32(1);
    tx.send(1);
    expect(rx.recv()).toBe(1);
    const tx2 = tx.clone();
    tx2.send(1);
    expect(rx.recv()).toBe(1);
  });

  it("recv_timeout", () => {
    const [tx, rx] = i32(1);
    expect(thrown(() => rx.recv({ timeout: 1 }))).toBeInstanceOf(TimeoutError);
    tx.send(1);
    expect(rx.recv({ timeout: 1 })).toBe(1);
  });

  it("send_timeout", () => {
    const [tx, rx] = i32(1);
    tx.send(1, { timeout: 1 });
    const e = thrown(() => tx.send(1, { timeout: 1 }));
    expect(e).toBeInstanceOf(SendTimeoutError);
    expect(e.value).toBe(1);
    rx.close();
  });

  it("smoke_threads", async () => {
    const [tx, rx] = i32(0);
    const t = threadMove("sendAll", tx, [1]);
    expect(rx.recv()).toBe(1);
    await join([t], "smoke_threads");
  });

  it("smoke_port_gone", () => {
    const [tx, rx] = i32(0);
    rx.close();
    expect(thrown(() => tx.send(1))).toBeInstanceOf(SendError);
  });

  it("smoke_shared_port_gone2", () => {
    const [tx, rx] = i32(0);
    rx.close();
    const tx2 = tx.clone();
    tx.close();
    expect(thrown(() => tx2.send(1))).toBeInstanceOf(SendError);
  });

  it("port_gone_concurrent", async () => {
    const [tx, rx] = i32(0);
    const t = threadMove("recvOne", rx);
    let n = 0;
    for (;;) {
      const e = thrown(() => tx.send(1));
      if (e !== undefined) {
        expect(e).toBeInstanceOf(SendError);
        break;
      }
      n++;
    }
    expect(n).toBe(1); // a rendezvous send succeeds only when received: exactly once
    await join([t], "port_gone_concurrent");
  });

  it("port_gone_concurrent_shared", async () => {
    const [tx, rx] = i32(0);
    const tx2 = tx.clone();
    const t = threadMove("recvOne", rx);
    let e: unknown;
    for (;;) {
      e = thrown(() => tx.send(1)) ?? thrown(() => tx2.send(1));
      if (e !== undefined) break;
    }
    expect(e).toBeInstanceOf(SendError);
    await join([t], "port_gone_concurrent_shared");
  });

  it("smoke_chan_gone", () => {
    const [tx, rx] = i32(0);
    tx.close();
    expect(thrown(() => rx.recv())).toBeInstanceOf(RecvError);
  });

  it("smoke_chan_gone_shared", () => {
    const [tx, rx] = unit(0);
    const tx2 = tx.clone();
    tx.close();
    tx2.close();
    expect(thrown(() => rx.recv())).toBeInstanceOf(RecvError);
  });

  it("chan_gone_concurrent", async () => {
    const [tx, rx] = i32(0);
    const t = threadMove("sendAll", tx, [1, 1]);
    let n = 0;
    for (;;) {
      const e = thrown(() => rx.recv());
      if (e !== undefined) {
        expect(e).toBeInstanceOf(RecvError);
        break;
      }
      n++;
    }
    expect(n).toBe(2);
    await join([t], "chan_gone_concurrent");
  });

  it("stress (rendezvous, 2 000)", async () => {
    const [tx, rx] = i32(0);
    const t = threadMove("sendN", tx, 2000, 1);
    for (let i = 0; i < 2000; i++) expect(rx.recv()).toBe(1);
    await join([t], "stress");
  });

  it("stress_recv_timeout_two_threads (rendezvous, 2 000, 1 ms timeouts)", async () => {
    const N = 2000;
    const [tx, rx] = i32(0);
    const t = threadMove("sendN", tx, N, 1);
    let count = 0;
    for (;;) {
      try {
        const v = rx.recv({ timeout: 1 });
        expect(v).toBe(1);
        count++;
      } catch (e) {
        if (e instanceof TimeoutError) continue;
        expect(e).toBeInstanceOf(RecvError);
        break;
      }
    }
    expect(count).toBe(N);
    await join([t], "stress_recv_timeout_two_threads");
  });

  it("stress_recv_timeout_shared (rendezvous, 4 threads × 250, receiver thread with 10 ms timeouts)", async () => {
    const AMT = 250, N = 4;
    const [tx, rx] = i32(0);
    const [dtx, drx] = unit(0);
    const t = threadMove("recvTimeoutLoop", rx, 10, 1, dtx);
    const ts = Array.from({ length: N }, () => thread("sendN", tx, AMT, 1));
    tx.close();
    drx.recv();
    const [r] = await join([t, ...ts], "stress_recv_timeout_shared");
    expect(r.count).toBe(AMT * N);
  });

  it("stress_shared (rendezvous, 4 threads × 500)", async () => {
    const AMT = 500, N = 4;
    const [tx, rx] = i32(0);
    const [dtx, drx] = unit(0);
    const t = threadMove("recvN", rx, AMT * N, 1, true, dtx);
    const ts = Array.from({ length: N }, () => thread("sendN", tx, AMT, 1));
    tx.close();
    drx.recv();
    const [got] = await join([t, ...ts], "stress_shared");
    expect(got).toBe(AMT * N);
  });

  it("oneshot_single_thread_close_port_first", () => {
    const [tx, rx] = i32(0);
    rx.close();
    tx.close();
  });

  it("oneshot_single_thread_close_chan_first", () => {
    const [tx, rx] = i32(0);
    tx.close();
    rx.close();
  });

  it("oneshot_single_thread_send_port_close", () => {
    const [tx, rx] = channel<number[]>({ capacity: 0 });
    rx.close();
    const e = thrown(() => tx.send([0]));
    expect(e).toBeInstanceOf(SendError);
    expect(e.value).toEqual([0]);
  });

  it("oneshot_single_thread_recv_chan_close (in a thread, whose join is Err)", async () => {
    const [tx, rx] = i32(0);
    tx.close();
    expect(thrown(() => rx.recv())).toBeInstanceOf(RecvError);
    expect(await joinErr(thread("ownChannelRecvPanics", 0), "recv_chan_close")).toBeInstanceOf(RecvError);
  });

  it("oneshot_single_thread_send_then_recv", () => {
    const [tx, rx] = channel<number[]>({ capacity: 1 });
    tx.send([10]);
    expect(rx.recv()).toEqual([10]);
  });

  it("oneshot_single_thread_try_send_open", () => {
    const [tx, rx] = i32(1);
    expect(tx.trySend(10)).toBeUndefined();
    expect(rx.recv()).toBe(10);
  });

  it("oneshot_single_thread_try_send_closed", () => {
    const [tx, rx] = i32(0);
    rx.close();
    const e = thrown(() => tx.trySend(10));
    expect(e).toBeInstanceOf(TrySendError);
    expect([e.kind, e.value]).toEqual(["disconnected", 10]);
  });

  it("oneshot_single_thread_try_send_closed2", () => {
    const [tx, rx] = i32(0);
    const e = thrown(() => tx.trySend(10));
    expect(e).toBeInstanceOf(TrySendError);
    expect([e.kind, e.value]).toEqual(["full", 10]);
    rx.close();
  });

  it("oneshot_single_thread_try_recv_open", () => {
    const [tx, rx] = i32(1);
    tx.send(10);
    expect(rx.recv()).toBe(10);
  });

  it("oneshot_single_thread_try_recv_closed", () => {
    const [tx, rx] = i32(0);
    tx.close();
    expect(thrown(() => rx.recv())).toBeInstanceOf(RecvError);
  });

  it("oneshot_single_thread_try_recv_closed_with_data", () => {
    const [tx, rx] = i32(1);
    tx.send(10);
    tx.close();
    expect(rx.tryRecv()).toBe(10);
    expectTryRecvErr(rx, "disconnected");
  });

  it("oneshot_single_thread_peek_data", () => {
    const [tx, rx] = i32(1);
    expectTryRecvErr(rx, "empty");
    tx.send(10);
    expect(rx.tryRecv()).toBe(10);
  });

  it("oneshot_single_thread_peek_close", () => {
    const [tx, rx] = i32(0);
    tx.close();
    expectTryRecvErr(rx, "disconnected");
    expectTryRecvErr(rx, "disconnected");
  });

  it("oneshot_single_thread_peek_open", () => {
    const [, rx] = i32(0);
    expectTryRecvErr(rx, "empty");
  });

  it("oneshot_multi_task_recv_then_send", async () => {
    const [tx, rx] = i32(0);
    const t = threadMove("recvN", rx, 1, 10);
    tx.send(10);
    await join([t], "recv_then_send");
  });

  it("oneshot_multi_task_recv_then_close", async () => {
    const [tx, rx] = i32(0);
    const t = threadMove("drop", tx);
    const e = await joinErr(threadMove("recvOne", rx), "recv_then_close");
    expect(e).toBeInstanceOf(RecvError);
    await join([t], "drop tx");
  });

  it("oneshot_multi_thread_close_stress (3 rounds)", async () => {
    for (let i = 0; i < 3; i++) {
      const [tx, rx] = i32(0);
      const t = threadMove("drop", rx);
      tx.close();
      await join([t], "close_stress");
    }
  });

  it("oneshot_multi_thread_send_close_stress (3 rounds)", async () => {
    for (let i = 0; i < 3; i++) {
      const [tx, rx] = i32(0);
      const t = threadMove("drop", rx);
      const r = await within(threadMove("sendAll", tx, [1]).join().then(() => null, (e) => e), "send thread");
      // Nobody ever receives: the rendezvous send can only fail (once the receiver is dropped).
      expect(r).toBeInstanceOf(SendError);
      await join([t], "send_close_stress");
    }
  });

  it("oneshot_multi_thread_recv_close_stress (2 rounds, nested threads)", async () => {
    for (let i = 0; i < 2; i++) {
      const [tx, rx] = i32(0);
      const t1 = threadMove("childRecvMustFail", rx);
      const t2 = threadMove("childDrops", tx);
      const [name] = await join([t1, t2], "recv_close_stress");
      expect(name).toBe("RecvError");
    }
  });

  it("oneshot_multi_thread_send_recv_stress (3 rounds)", async () => {
    for (let i = 0; i < 3; i++) {
      const [tx, rx] = channel<number[]>({ capacity: 0 });
      const t = threadMove("sendAll", tx, [[10]]);
      expect(rx.recv()).toEqual([10]);
      await join([t], "send_recv_stress");
    }
  });

  it("stream_send_recv_stress (rendezvous; chains of 10 + 10 threads)", async () => {
    const [tx, rx] = channel<number>({ capacity: 0 });
    const s = threadMove("streamSend", tx, 0, 10);
    const r = threadMove("streamRecv", rx, 0, 10);
    await join([s, r], "stream_send_recv_stress");
  });

  it("recv_a_lot (sync_channel(10 000))", () => {
    const [tx, rx] = unit(10_000);
    for (let i = 0; i < 10_000; i++) tx.send(null);
    for (let i = 0; i < 10_000; i++) rx.recv();
  });

  it("shared_chan_stress (rendezvous, 10 threads)", async () => {
    const [tx, rx] = unit(0);
    const ts = Array.from({ length: 10 }, () => thread("sendAll", tx, [null]));
    for (let i = 0; i < 10; i++) rx.recv();
    await join(ts, "shared_chan_stress");
  });

  it("test_nested_recv_iter", async () => {
    const [tx, rx] = i32(0);
    const [totalTx, totalRx] = i32(0);
    const t = threadMove("iterSum", rx, totalTx);
    tx.send(3);
    tx.send(1);
    tx.send(2);
    tx.close();
    expect(totalRx.recv()).toBe(6);
    await join([t], "nested_recv_iter");
  });

  it("test_recv_iter_break", async () => {
    const [tx, rx] = i32(0);
    const [countTx, countRx] = i32(0);
    const t = threadMove("iterBreak", rx, countTx);
    tx.send(2);
    tx.send(2);
    tx.send(2);
    const e = thrown(() => tx.trySend(2));
    if (e !== undefined) expect(e).toBeInstanceOf(TrySendError);
    tx.close();
    expect(countRx.recv()).toBe(4);
    await join([t], "recv_iter_break");
  });

  it("try_recv_states", async () => {
    const [tx1, rx1] = i32(1);
    const [tx2, rx2] = unit(1);
    const [tx3, rx3] = unit(1);
    const t = threadMove("tryRecvStates", rx2, tx1, tx3);
    expectTryRecvErr(rx1, "empty");
    tx2.send(null);
    rx3.recv();
    expect(rx1.tryRecv()).toBe(1);
    expectTryRecvErr(rx1, "empty");
    tx2.send(null);
    rx3.recv();
    expectTryRecvErr(rx1, "disconnected");
    await join([t], "try_recv_states");
  });

  it("destroy_upgraded_shared_port_when_sender_still_active", async () => {
    const [tx, rx] = unit(0);
    const [tx2, rx2] = unit(0);
    const t = threadMove("recvDropSend", rx, tx2);
    sleepSync(20);
    const c = tx.clone();
    tx.close();
    c.send(null);
    rx2.recv();
    await join([t], "destroy_upgraded");
  });

  it("send1", async () => {
    const [tx, rx] = i32(0);
    const t = threadMove("recvOne", rx);
    expect(tx.send(1)).toBeUndefined();
    await join([t], "send1");
  });

  it("send2", async () => {
    const [tx, rx] = i32(0);
    const t = threadMove("drop", rx);
    const e = thrown(() => tx.send(1));
    expect(e).toBeInstanceOf(SendError);
    expect(e.value).toBe(1); // Err(SendError(1))
    await join([t], "send2");
  });

  it("send3", async () => {
    const [tx, rx] = i32(1);
    expect(tx.send(1)).toBeUndefined();
    const t = threadMove("drop", rx);
    const e = thrown(() => tx.send(1));
    expect(e).toBeInstanceOf(SendError);
    expect(e.value).toBe(1);
    await join([t], "send3");
  });

  it("send4", async () => {
    const [tx, rx] = i32(0);
    const tx2 = tx.clone();
    const [done, doneRx] = unit();
    const done2 = done.clone();
    const t = threadMove("sendMustFail", tx, 1, done);
    const t2 = threadMove("sendMustFail", tx2, 2, done2);
    rx.close();
    doneRx.recv();
    doneRx.recv();
    const names = await join([t, t2], "send4");
    expect(names).toEqual([["SendError", 1], ["SendError", 2]]);
  });

  it("try_send1", () => {
    const [tx, rx] = i32(0);
    const e = thrown(() => tx.trySend(1));
    expect([e?.kind, e?.value]).toEqual(["full", 1]);
    rx.close();
  });

  it("try_send2", () => {
    const [tx, rx] = i32(1);
    tx.trySend(1);
    const e = thrown(() => tx.trySend(1));
    expect(e).toBeInstanceOf(TrySendError);
    expect([e.kind, e.value]).toEqual(["full", 1]);
    rx.close();
  });

  it("try_send3", () => {
    const [tx, rx] = i32(1);
    tx.trySend(1);
    rx.close();
    const e = thrown(() => tx.trySend(1));
    expect(e).toBeInstanceOf(TrySendError);
    expect([e.kind, e.value]).toEqual(["disconnected", 1]);
  });

  it("issue_15761 (10 repros)", async () => {
    for (let i = 0; i < 10; i++) {
      const [tx1, rx1] = unit(3);
      const [tx2, rx2] = unit(3);
      const t = threadMove("recvThenTrySend", rx1, tx2);
      tx1.trySend(null);
      rx2.recv();
      await join([t], `repro ${i}`);
    }
  });

  it("drop_unreceived: the last receiver's close drops queued messages at once (a channel end inside one is closed)", () => {
    for (const capacity of [1, 4, undefined]) {
      const [tx, rx] = channel<Sender<null>>(capacity === undefined ? {} : { capacity });
      const [innerTx, innerRx] = unit(); // the Rc; innerRx plays the Weak
      tx.send(innerTx);
      innerTx.close(); // moved into the message
      expectTryRecvErr(innerRx, "empty"); // the message keeps it alive
      rx.close();
      // `weak.upgrade().is_none()`: the message (and the Sender in it) is gone already.
      expectTryRecvErr(innerRx, "disconnected");
      tx.close();
    }
  });
});

// =============================================================================================
describe("select_tests (crossbeam-channel tests/mpsc.rs, from std's old mpsc select)", () => {
  const recvArm = (r: any) => (r.error === undefined ? { i: r.index, v: r.value } : { i: r.index, err: r.error.name });

  it("smoke", () => {
    const [tx1, rx1] = i32();
    const [tx2, rx2] = i32();
    tx1.send(1);
    expect(recvArm(select([rx1, rx2]))).toEqual({ i: 0, v: 1 });
    tx2.send(2);
    expect(recvArm(select([rx1, rx2]))).toEqual({ i: 1, v: 2 });
    tx1.close();
    expect(recvArm(select([rx1, rx2]))).toEqual({ i: 0, err: "RecvError" });
    tx2.close();
    expect(recvArm(select([rx2]))).toEqual({ i: 0, err: "RecvError" });
  });

  it("smoke2", () => {
    const chans = Array.from({ length: 5 }, () => i32());
    chans[4]![0].send(4);
    expect(recvArm(select(chans.map(([, r]) => r)))).toEqual({ i: 4, v: 4 });
  });

  it("closed", () => {
    const [, rx1] = i32();
    const [tx2, rx2] = i32();
    tx2.close();
    expect(recvArm(select([rx1, rx2]))).toEqual({ i: 1, err: "RecvError" });
  });

  it("unblocks", async () => {
    const [tx1, rx1] = i32();
    const [, rx2] = i32();
    const [tx3, rx3] = i32();
    const t = threadMove("unblocks", tx1, rx3);
    expect(recvArm(select([rx1, rx2]))).toEqual({ i: 0, v: 1 });
    tx3.send(1);
    expect(recvArm(select([rx1, rx2]))).toEqual({ i: 0, err: "RecvError" });
    await join([t], "unblocks");
  });

  it("both_ready", async () => {
    const [tx1, rx1] = i32();
    const [tx2, rx2] = i32();
    const [tx3, rx3] = unit();
    const t = threadMove("bothReady", tx1, tx2, rx3);
    const got = [recvArm(select([rx1, rx2])), recvArm(select([rx1, rx2]))];
    for (const g of got) expect(g.v).toBe(g.i + 1);
    expect(got.map((g) => g.i).sort()).toEqual([0, 1]);
    expectTryRecvErr(rx1, "empty");
    expectTryRecvErr(rx2, "empty");
    tx3.send(null);
    await join([t], "both_ready");
  });

  it("stress (1 000)", async () => {
    const AMT = 1000;
    const [tx1, rx1] = i32();
    const [tx2, rx2] = i32();
    const [tx3, rx3] = unit();
    const t = threadMove("selectStress", tx1, tx2, rx3, AMT);
    for (let i = 0; i < AMT; i++) {
      const r = recvArm(select([rx1, rx2]));
      expect(r).toEqual({ i: i % 2, v: i });
      tx3.send(null);
    }
    await join([t], "select stress");
  });

  for (const name of ["cloning", "cloning2"]) {
    it(name, async () => {
      const [tx1, rx1] = i32();
      const [, rx2] = i32();
      const [tx3, rx3] = unit();
      const t = threadMove("cloning", tx1, rx3);
      tx3.send(null);
      expect(recvArm(select([rx1, rx2])).i).toBe(0);
      tx3.send(null);
      await join([t], name);
    });
  }

  it("cloning3", async () => {
    const [tx1, rx1] = unit();
    const [tx2, rx2] = unit();
    const [tx3, rx3] = unit();
    const t = threadMove("cloning3", rx1, rx2, tx3);
    sleepSync(20);
    tx1.clone().close();
    tx2.send(null);
    rx3.recv();
    await join([t], "cloning3");
    tx1.close();
  });

  it("preflight1", () => {
    const [tx, rx] = unit();
    tx.send(null);
    expect(recvArm(select([rx]))).toEqual({ i: 0, v: null });
  });

  it("preflight2", () => {
    const [tx, rx] = unit();
    tx.send(null);
    tx.send(null);
    expect(recvArm(select([rx]))).toEqual({ i: 0, v: null });
  });

  it("preflight3", () => {
    const [tx, rx] = unit();
    tx.clone().close();
    tx.send(null);
    expect(recvArm(select([rx]))).toEqual({ i: 0, v: null });
  });

  it("preflight4", () => {
    const [tx, rx] = unit();
    tx.send(null);
    expect(select([rx]).index).toBe(0);
  });

  it("preflight5", () => {
    const [tx, rx] = unit();
    tx.send(null);
    tx.send(null);
    expect(select([rx]).index).toBe(0);
  });

  it("preflight6", () => {
    const [tx, rx] = unit();
    tx.clone().close();
    tx.send(null);
    expect(select([rx]).index).toBe(0);
  });

  it("preflight7", () => {
    const [tx, rx] = unit();
    tx.close();
    expect(recvArm(select([rx]))).toEqual({ i: 0, err: "RecvError" });
  });

  it("preflight8", () => {
    const [tx, rx] = unit();
    tx.send(null);
    tx.close();
    rx.recv();
    expect(recvArm(select([rx]))).toEqual({ i: 0, err: "RecvError" });
  });

  it("preflight9", () => {
    const [tx, rx] = unit();
    tx.clone().close();
    tx.send(null);
    tx.close();
    rx.recv();
    expect(recvArm(select([rx]))).toEqual({ i: 0, err: "RecvError" });
  });

  it("oneshot_data_waiting", async () => {
    const [tx1, rx1] = unit();
    const [tx2, rx2] = unit();
    const t = threadMove("selectOneThenSignal", rx1, tx2);
    sleepSync(20);
    tx1.send(null);
    rx2.recv();
    await join([t], "oneshot_data_waiting");
  });

  it("stream_data_waiting", async () => {
    const [tx1, rx1] = unit();
    const [tx2, rx2] = unit();
    tx1.send(null);
    tx1.send(null);
    rx1.recv();
    rx1.recv();
    const t = threadMove("selectOneThenSignal", rx1, tx2);
    sleepSync(20);
    tx1.send(null);
    rx2.recv();
    await join([t], "stream_data_waiting");
  });

  it("shared_data_waiting", async () => {
    const [tx1, rx1] = unit();
    const [tx2, rx2] = unit();
    tx1.clone().close();
    tx1.send(null);
    rx1.recv();
    const t = threadMove("selectOneThenSignal", rx1, tx2);
    sleepSync(20);
    tx1.send(null);
    rx2.recv();
    await join([t], "shared_data_waiting");
  });

  it("sync1", () => {
    const [tx, rx] = i32(1);
    tx.send(1);
    expect(recvArm(select([rx]))).toEqual({ i: 0, v: 1 });
  });

  it("sync2", async () => {
    const [tx, rx] = i32(0);
    const t = threadMove("sleepSend", tx, 10, 1);
    expect(recvArm(select([rx]))).toEqual({ i: 0, v: 1 });
    await join([t], "sync2");
  });

  it("sync3", async () => {
    const [tx1, rx1] = i32(0);
    const [tx2, rx2] = i32();
    const t = threadMove("sendAll", tx1, [1]);
    const t2 = threadMove("sendAll", tx2, [2]);
    const r = recvArm(select([rx1, rx2]));
    if (r.i === 0) {
      expect(r.v).toBe(1);
      expect(rx2.recv()).toBe(2);
    } else {
      expect(r.v).toBe(2);
      expect(rx1.recv()).toBe(1);
    }
    await join([t, t2], "sync3");
  });
});
