/**
 * Worker side of test/acceptance/rust-mpsc.test.ts: each export is the body of one Rust
 * `thread::spawn(move || …)` closure. The default export dispatches by name:
 *   spawn(url, "name", ...args)  →  fns[name](...args)
 * A failed assertion throws (Rust's panic), so `join()` rejects (Rust's `join()` is `Err`).
 * Channel ends passed in are released when the function returns (Rust: dropped at thread end).
 */
import { RecvError, TimeoutError, TryRecvError, select, spawn } from "../../dist/index.js";

const self = new URL(import.meta.url);
const nap = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms) => Atomics.wait(nap, 0, 0, ms);
const check = (cond, what) => {
  if (!cond) throw new Error(`assertion failed: ${what}`);
};
const eq = (a, b, what) => check(Object.is(a, b), `${what}: ${String(a)} !== ${String(b)}`);

export const fns = {
  /** tx.send(v) for every value (unwrap). */
  sendAll(tx, values) {
    for (const v of values) tx.send(v);
  },
  /** Sends `value` n times (unwrap). */
  sendN(tx, n, value) {
    for (let i = 0; i < n; i++) tx.send(value);
  },
  /** Sleeps, then sends one value (unwrap). */
  sleepSend(tx, ms, value) {
    sleep(ms);
    tx.send(value);
  },
  /** Receives n values, each must equal `value` (unwrap); then, if asked, try_recv must fail. */
  recvN(rx, n, value, thenTryRecvFails = false, done = undefined) {
    for (let i = 0; i < n; i++) eq(rx.recv(), value, `recv #${i}`);
    if (thenTryRecvFails) {
      let got;
      try {
        got = rx.tryRecv();
      } catch (e) {
        check(e instanceof TryRecvError, `try_recv error is a TryRecvError (${e?.name})`);
        done?.send(null);
        return n;
      }
      throw new Error(`try_recv after the last message returned ${String(got)}`);
    }
    done?.send(null);
    return n;
  },
  /** rx.recv().unwrap() once, then the thread ends (dropping rx). */
  recvOne(rx) {
    return rx.recv();
  },
  /** Does nothing: the ends it was given are dropped when it returns. */
  drop() {},
  /** Sleeps, then returns (dropping what it was given). */
  sleepDrop(ms) {
    sleep(ms);
  },
  /** send_from_outside_runtime's t1: tx1.send(()), then 40 × rx2.recv() == 1. */
  handshakeThenRecv(tx1, rx2, n) {
    tx1.send(null);
    for (let i = 0; i < n; i++) eq(rx2.recv(), 1, `recv #${i}`);
  },
  /** no_runtime's t1. */
  recvThenSend(rx1, tx2) {
    eq(rx1.recv(), 1, "rx1.recv()");
    tx2.send(2);
  },
  /** no_runtime's t2. */
  sendThenRecv(tx1, rx2) {
    tx1.send(1);
    eq(rx2.recv(), 2, "rx2.recv()");
  },
  /** oneshot_multi_thread_recv_close_stress's first thread: a child's rx.recv().unwrap() must panic. */
  async childRecvMustFail(rx) {
    const h = spawn(self, "recvOne", rx);
    rx.close();
    let failed = null;
    try {
      await h.join();
    } catch (e) {
      failed = e;
    }
    check(failed !== null, "the child's recv().unwrap() panicked");
    return failed.name;
  },
  /** oneshot_multi_thread_recv_close_stress's second thread: a child drops tx. */
  async childDrops(tx) {
    const h = spawn(self, "drop", tx);
    tx.close();
    await h.join();
  },
  /** stream_send_recv_stress's `send(tx, i)`: send i, then a new thread continues with i + 1. */
  async streamSend(tx, i, last) {
    if (i === last) return;
    tx.send(i);
    const h = spawn(self, "streamSend", tx, i + 1, last);
    tx.close();
    await h.join();
  },
  /** stream_send_recv_stress's `recv(rx, i)`. */
  async streamRecv(rx, i, last) {
    if (i === last) return;
    eq(rx.recv(), i, `stream recv ${i}`);
    const h = spawn(self, "streamRecv", rx, i + 1, last);
    rx.close();
    await h.join();
  },
  /** stress_recv_timeout_two_threads' sender: sleeps 2·timeout before every even send. */
  sendSleepy(tx, n, sleepMs, value) {
    for (let i = 0; i < n; i++) {
      if (i % 2 === 0) sleep(sleepMs);
      tx.send(value);
    }
  },
  /**
   * The recv_timeout loop: counts messages (each must equal `value`) until Disconnected; a
   * Timeout continues. Then try_recv must fail, and `done` (if given) gets a ().
   */
  recvTimeoutLoop(rx, timeoutMs, value, done) {
    let count = 0;
    let timeouts = 0;
    for (;;) {
      try {
        eq(rx.recv({ timeout: timeoutMs }), value, "received value");
        count++;
      } catch (e) {
        if (e instanceof TimeoutError) {
          timeouts++;
          continue;
        }
        if (e instanceof RecvError) break;
        throw e;
      }
    }
    let extra = false;
    try {
      rx.tryRecv();
      extra = true;
    } catch {}
    check(!extra, "try_recv after Disconnected is an error");
    done?.send(null);
    return { count, timeouts };
  },
  /** very_long_recv_timeout_wont_panic's thread: returns what recv_timeout gave (or the error's name). */
  recvLongTimeout(rx, timeout) {
    try {
      return { ok: rx.recv({ timeout }) };
    } catch (e) {
      return { err: e?.name, message: e?.message };
    }
  },
  /** test_nested_recv_iter: sums rx.iter(), sends the total. */
  iterSum(rx, totalTx) {
    let acc = 0;
    for (const x of rx) acc += x;
    totalTx.send(acc);
  },
  /** test_recv_iter_break. */
  iterBreak(rx, countTx) {
    let count = 0;
    for (const x of rx) {
      if (count >= 3) break;
      count += x;
    }
    countTx.send(count);
  },
  /** test_recv_try_iter: request x's until the total is 6. */
  tryIterRequester(requestTx, responseRx) {
    let count = 0;
    for (;;) {
      for (const x of responseRx.tryIter()) {
        count += x;
        if (count === 6) return count;
      }
      requestTx.send(null);
    }
  },
  /** try_recv_states' thread. */
  tryRecvStates(rx2, tx1, tx3) {
    rx2.recv();
    tx1.send(1);
    tx3.send(null);
    rx2.recv();
    tx1.close();
    tx3.send(null);
  },
  /** destroy_upgraded_shared_port_when_sender_still_active's thread. */
  recvDropSend(rx, tx2) {
    rx.recv();
    rx.close();
    tx2.send(null);
  },
  /** issue_39364's thread: sleeps, clones tx (and drops the clone), hands tx back. */
  handBack(tx, ms) {
    sleep(ms);
    tx.clone().close();
    return tx;
  },
  /** oneshot_single_thread_recv_chan_close's thread: its own channel, tx dropped, recv().unwrap() panics. */
  async ownChannelRecvPanics(capacity) {
    const { channel } = await import("../../dist/index.js");
    const [tx, rx] = channel(capacity === null ? {} : { capacity });
    tx.close();
    rx.recv();
    return "recv returned";
  },
  /** issue_39364 without the hand-back: sleeps, clones tx (dropping the clone), sleeps, ends. */
  cloneWhileHeld(tx, ms) {
    sleep(ms);
    tx.clone().close();
    sleep(ms);
  },
  /** sync send4's threads: the send must fail; then done.send(()). */
  sendMustFail(tx, value, done) {
    let err = null;
    try {
      tx.send(value);
    } catch (e) {
      err = e;
    }
    check(err !== null, "send on a channel whose receiver was dropped is an error");
    done.send(null);
    return [err.name, err.value];
  },
  /** issue_15761's thread: rx1.recv().unwrap(); tx2.try_send(()).unwrap(). */
  recvThenTrySend(rx1, tx2) {
    rx1.recv();
    tx2.trySend(null);
  },
  /** select unblocks: yields, sends 1, waits for rx3, yields, ends (dropping tx1). */
  unblocks(tx1, rx3) {
    sleep(5);
    tx1.send(1);
    rx3.recv();
    sleep(5);
  },
  /** select both_ready. */
  bothReady(tx1, tx2, rx3) {
    sleep(5);
    tx1.send(1);
    tx2.send(2);
    rx3.recv();
  },
  /** select stress: alternate channels, wait for an ack after each. */
  selectStress(tx1, tx2, rx3, amt) {
    for (let i = 0; i < amt; i++) {
      if (i % 2 === 0) tx1.send(i);
      else tx2.send(i);
      rx3.recv();
    }
  },
  /** select cloning / cloning2. */
  cloning(tx1, rx3) {
    rx3.recv();
    tx1.clone().close();
    let empty = false;
    try {
      rx3.tryRecv();
    } catch (e) {
      empty = e instanceof TryRecvError && e.kind === "empty";
    }
    check(empty, "rx3.try_recv() == Err(Empty)");
    tx1.send(2);
    rx3.recv();
  },
  /** select cloning3: select over rx1, rx2 must pick rx2. */
  cloning3(rx1, rx2, tx3) {
    const r = select([rx1, rx2]);
    eq(r.index, 1, "selected arm");
    check(r.error === undefined, "rx2's arm received a message");
    tx3.send(null);
  },
  /** oneshot/stream/shared_data_waiting: one select on rx1, then tx2.send(()). */
  selectOneThenSignal(rx1, tx2) {
    const r = select([rx1]);
    eq(r.index, 0, "selected arm");
    check(r.error === undefined, `rx1's arm received a message (${r.error?.name})`);
    tx2.send(null);
  },
};

export default function (name, ...args) {
  const f = fns[name];
  if (typeof f !== "function") throw new Error(`acc1-rust: no scenario ${name}`);
  return f(...args);
}
