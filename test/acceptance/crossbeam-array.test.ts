/**
 * acc2: an independent port of crossbeam-channel's tests/array.rs (the bounded flavor) to weft.
 *
 * Mapping: bounded(n) → channel({ capacity: n }); drop(end) → end.close(); a scoped thread → a
 * worker running the closure (acc2-eval.mjs); a `move` closure owns its ends (the main thread
 * closes its copy right after spawning, the worker's copy closes when it returns); a borrowing
 * closure leaves the main thread's copy open until the scope ends. Sleeps of 1000 ms become U ms;
 * iteration counts are scaled down (2 cores, shared machine).
 *
 * Ported: smoke, capacity, len_empty_full, try_recv, recv, recv_timeout, try_send, send,
 * send_timeout, send_after_disconnect, recv_after_disconnect, len, disconnect_wakes_sender,
 * disconnect_wakes_receiver, spsc, mpmc, stress_oneshot, stress_iter, stress_timeout_two_threads,
 * drops (with channel ends in the messages as the thing that is "dropped": a Sender inside a
 * message that is dropped is closed), linearizable, fairness, fairness_duplicates, recv_in_send
 * (the send value is evaluated eagerly in weft: sendArm takes a value, not an expression),
 * channel_through_channel, drop_unreceived (a Sender in the message stands in for the Rc).
 *
 * Not ported: panic_on_drop (JS has no destructors, so nothing can panic while a message is
 * dropped).
 */
import { describe, expect, it } from "vitest";
import { RecvError, SendError, SendTimeoutError, TimeoutError, channel, codecs, select, sendArm, trySelect } from "../../dist/index.js";
import { err, scope, thread } from "./acc2-lib.js";

const U = 80; // crossbeam's 1000 ms

describe("crossbeam tests/array.rs", () => {
  it("smoke", () => {
    const [s, r] = channel<number>({ capacity: 1 });
    s.send(7);
    expect(r.tryRecv()).toBe(7);
    s.send(8);
    expect(r.recv()).toBe(8);
    expect(err(() => r.tryRecv())).toMatchObject({ name: "TryRecvError", kind: "empty" });
    expect(() => r.recv({ timeout: U })).toThrow(TimeoutError);
  });

  it("capacity", () => {
    for (let i = 1; i < 10; i++) {
      const [s, r] = channel<null>({ capacity: i });
      expect(s.capacity).toBe(i);
      expect(r.capacity).toBe(i);
    }
  });

  it("len_empty_full", () => {
    const [s, r] = channel<null>({ capacity: 2 });
    const st = () => [s.len, s.isEmpty, s.isFull, r.len, r.isEmpty, r.isFull];
    expect(st()).toEqual([0, true, false, 0, true, false]);
    s.send(null);
    expect(st()).toEqual([1, false, false, 1, false, false]);
    s.send(null);
    expect(st()).toEqual([2, false, true, 2, false, true]);
    r.recv();
    expect(st()).toEqual([1, false, false, 1, false, false]);
  });

  it("try_recv", async () => {
    const [s, r] = channel<number>({ capacity: 100 });
    const hs = [
      thread((w, e, h) => {
        h.eq(h.err(() => e.r.tryRecv()), { name: "TryRecvError", kind: "empty" }, "first");
        h.sleep(e.U * 1.5);
        h.eq(e.r.tryRecv(), 7, "second");
        h.sleep(e.U * 0.5);
        h.eq(h.err(() => e.r.tryRecv()), { name: "TryRecvError", kind: "disconnected" }, "third");
      }, { r, U }),
      thread((w, e, h) => {
        h.sleep(e.U);
        e.s.send(7);
      }, { s, U }),
    ];
    s.close();
    r.close();
    await scope(hs);
  });

  it("recv", async () => {
    const [s, r] = channel<number>({ capacity: 100 });
    const hs = [
      thread((w, e, h) => {
        h.eq(e.r.recv(), 7);
        h.sleep(e.U);
        h.eq(e.r.recv(), 8);
        h.sleep(e.U);
        h.eq(e.r.recv(), 9);
        h.eq(h.err(() => e.r.recv()), { name: "RecvError" });
      }, { r, U }),
      thread((w, e, h) => {
        h.sleep(e.U * 1.5);
        e.s.send(7);
        e.s.send(8);
        e.s.send(9);
      }, { s, U }),
    ];
    s.close();
    r.close();
    await scope(hs);
  });

  it("recv_timeout", async () => {
    const [s, r] = channel<number>({ capacity: 100 });
    const hs = [
      thread((w, e, h) => {
        h.eq(h.err(() => e.r.recv({ timeout: e.U })), { name: "TimeoutError" }, "1");
        h.eq(e.r.recv({ timeout: e.U }), 7, "2");
        h.eq(h.err(() => e.r.recv({ timeout: e.U })), { name: "RecvError" }, "3");
      }, { r, U }),
      thread((w, e, h) => {
        h.sleep(e.U * 1.5);
        e.s.send(7);
      }, { s, U }),
    ];
    s.close();
    r.close();
    await scope(hs);
  });

  it("try_send", async () => {
    const [s, r] = channel<number>({ capacity: 1 });
    const hs = [
      thread((w, e, h) => {
        e.s.trySend(1);
        h.eq(h.err(() => e.s.trySend(2)), { name: "TrySendError", kind: "full", value: 2 }, "2");
        h.sleep(e.U * 1.5);
        e.s.trySend(3);
        h.sleep(e.U * 0.5);
        h.eq(h.err(() => e.s.trySend(4)), { name: "TrySendError", kind: "disconnected", value: 4 }, "4");
      }, { s, U }),
      thread((w, e, h) => {
        h.sleep(e.U);
        h.eq(e.r.tryRecv(), 1, "1");
        h.eq(h.err(() => e.r.tryRecv()), { name: "TryRecvError", kind: "empty" }, "empty");
        h.eq(e.r.recv(), 3, "3");
      }, { r, U }),
    ];
    s.close();
    r.close();
    await scope(hs);
  });

  it("send (borrowing closures: the channel stays connected until the scope ends)", async () => {
    const [s, r] = channel<number>({ capacity: 1 });
    const hs = [
      thread((w, e, h) => {
        e.s.send(7);
        h.sleep(e.U);
        e.s.send(8);
        h.sleep(e.U);
        e.s.send(9);
        h.sleep(e.U);
        e.s.send(10);
      }, { s, U }),
      thread((w, e, h) => {
        h.sleep(e.U * 1.5);
        h.eq(e.r.recv(), 7);
        h.eq(e.r.recv(), 8);
        h.eq(e.r.recv(), 9);
      }, { r, U }),
    ];
    await scope(hs);
    expect(r.tryRecv()).toBe(10);
    s.close();
    r.close();
  });

  it("send_timeout", async () => {
    const [s, r] = channel<number>({ capacity: 2 });
    const hs = [
      thread((w, e, h) => {
        e.s.send(1, { timeout: e.U });
        e.s.send(2, { timeout: e.U });
        h.eq(h.err(() => e.s.send(3, { timeout: e.U / 2 })), { name: "SendTimeoutError", value: 3 }, "3");
        h.sleep(e.U);
        e.s.send(4, { timeout: e.U });
        h.sleep(e.U);
        h.eq(h.err(() => e.s.send(5)), { name: "SendError", value: 5 }, "5");
      }, { s, U }),
      thread((w, e, h) => {
        h.sleep(e.U);
        h.eq(e.r.recv(), 1);
        h.sleep(e.U);
        h.eq(e.r.recv(), 2);
        h.eq(e.r.recv(), 4);
      }, { r, U }),
    ];
    s.close();
    r.close();
    await scope(hs);
  });

  it("send_after_disconnect", () => {
    const [s, r] = channel<number>({ capacity: 100 });
    s.send(1);
    s.send(2);
    s.send(3);
    r.close();
    expect(err(() => s.send(4))).toMatchObject({ name: "SendError", value: 4 });
    expect(err(() => s.trySend(5))).toMatchObject({ name: "TrySendError", kind: "disconnected", value: 5 });
    // SendTimeoutError::Disconnected(6) is a SendError in weft.
    const e6 = err(() => s.send(6, { timeout: U / 2 }));
    expect(e6).toMatchObject({ name: "SendError", value: 6 });
  });

  it("recv_after_disconnect", () => {
    const [s, r] = channel<number>({ capacity: 100 });
    s.send(1);
    s.send(2);
    s.send(3);
    s.close();
    expect([r.recv(), r.recv(), r.recv()]).toEqual([1, 2, 3]);
    expect(() => r.recv()).toThrow(RecvError);
  });

  it("len", async () => {
    const COUNT = 5000, CAP = 1000;
    const [s, r] = channel<number>({ capacity: CAP, codec: codecs.i32 });
    expect([s.len, r.len]).toEqual([0, 0]);
    for (let k = 0; k < CAP / 10; k++) {
      for (let i = 0; i < 50; i++) {
        s.send(i);
        expect(s.len).toBe(i + 1);
      }
      for (let i = 0; i < 50; i++) {
        r.recv();
        expect(r.len).toBe(50 - i - 1);
      }
    }
    expect([s.len, r.len]).toEqual([0, 0]);
    for (let i = 0; i < CAP; i++) {
      s.send(i);
      expect(s.len).toBe(i + 1);
    }
    for (let i = 0; i < CAP; i++) r.recv();
    expect([s.len, r.len]).toEqual([0, 0]);
    const hs = [
      thread((w, e, h) => {
        for (let i = 0; i < e.COUNT; i++) {
          const v = e.r.recv();
          if (v !== i) throw new Error(`recv ${i}: got ${v}`);
          const len = e.r.len;
          if (!(len >= 0 && len <= e.CAP)) throw new Error(`len ${len}`);
        }
      }, { r, COUNT, CAP }),
      thread((w, e, h) => {
        for (let i = 0; i < e.COUNT; i++) {
          e.s.send(i);
          const len = e.s.len;
          if (!(len >= 0 && len <= e.CAP)) throw new Error(`len ${len}`);
        }
      }, { s, COUNT, CAP }),
    ];
    await scope(hs);
    expect([s.len, r.len]).toEqual([0, 0]);
  });

  it("disconnect_wakes_sender", async () => {
    const [s, r] = channel<null>({ capacity: 1 });
    const hs = [
      thread((w, e, h) => {
        e.s.send(null);
        h.eq(h.err(() => e.s.send(null)), { name: "SendError", value: null });
      }, { s }),
      thread((w, e, h) => {
        h.sleep(e.U);
        e.r.close();
      }, { r, U }),
    ];
    s.close();
    r.close();
    await scope(hs);
  });

  it("disconnect_wakes_receiver", async () => {
    const [s, r] = channel<null>({ capacity: 1 });
    const hs = [
      thread((w, e, h) => {
        h.eq(h.err(() => e.r.recv()), { name: "RecvError" });
      }, { r }),
      thread((w, e, h) => {
        h.sleep(e.U);
        e.s.close();
      }, { s, U }),
    ];
    s.close();
    r.close();
    await scope(hs);
  });

  it("spsc", async () => {
    const COUNT = 10_000;
    const [s, r] = channel<number>({ capacity: 3, codec: codecs.i32 });
    const hs = [
      thread((w, e, h) => {
        for (let i = 0; i < e.COUNT; i++) {
          const v = e.r.recv();
          if (v !== i) throw new Error(`recv ${i}: got ${v}`);
        }
        h.eq(h.err(() => e.r.recv()), { name: "RecvError" });
      }, { r, COUNT }),
      thread((w, e) => {
        for (let i = 0; i < e.COUNT; i++) e.s.send(i);
      }, { s, COUNT }),
    ];
    s.close();
    r.close();
    await scope(hs);
  });

  it("mpmc", async () => {
    const COUNT = 1000, THREADS = 4;
    const [s, r] = channel<number>({ capacity: 3, codec: codecs.i32 });
    const v = new Int32Array(new SharedArrayBuffer(4 * COUNT));
    const hs = [];
    for (let t = 0; t < THREADS; t++) {
      hs.push(thread((w, e) => {
        for (let i = 0; i < e.COUNT; i++) Atomics.add(e.v, e.r.recv(), 1);
      }, { r, v, COUNT }));
    }
    for (let t = 0; t < THREADS; t++) {
      hs.push(thread((w, e) => {
        for (let i = 0; i < e.COUNT; i++) e.s.send(i);
      }, { s, COUNT }));
    }
    await scope(hs);
    s.close();
    r.close();
    expect(v.every((c) => c === THREADS)).toBe(true);
  });

  it("stress_oneshot (fresh channel per round; the two ends on two threads)", async () => {
    const COUNT = 200;
    const chans = Array.from({ length: COUNT }, () => channel<number>({ capacity: 1, codec: codecs.i32 }));
    const hs = [
      thread((w, e, h) => {
        for (const r of e.rs) h.eq(r.recv(), 0);
      }, { rs: chans.map(([, r]) => r) }),
      thread((w, e) => {
        for (const s of e.ss) s.send(0);
      }, { ss: chans.map(([s]) => s) }),
    ];
    for (const [s, r] of chans) {
      s.close();
      r.close();
    }
    await scope(hs);
  });

  it("stress_iter", async () => {
    const COUNT = 2000;
    const [reqS, reqR] = channel<null>({ capacity: 1 });
    const [resS, resR] = channel<number>({ capacity: 1, codec: codecs.i32 });
    const hs = [
      thread((w, e) => {
        let count = 0;
        for (;;) {
          for (const x of e.resR.tryIter()) {
            count += x;
            if (count === e.COUNT) return count;
          }
          e.reqS.send(null);
        }
      }, { reqS, resR, COUNT }),
      thread((w, e) => {
        for (const _ of e.reqR) {
          try {
            e.resS.send(1);
          } catch (x: any) {
            if (x.name === "SendError") break;
            throw x;
          }
        }
      }, { reqR, resS }),
    ];
    reqS.close();
    reqR.close();
    resS.close();
    resR.close();
    expect((await scope(hs))[0]).toBe(COUNT);
  });

  it("stress_timeout_two_threads", async () => {
    const COUNT = 30;
    const [s, r] = channel<number>({ capacity: 2 });
    const hs = [
      thread((w, e, h) => {
        for (let i = 0; i < e.COUNT; i++) {
          if (i % 2 === 0) h.sleep(10);
          for (;;) {
            try {
              e.s.send(i, { timeout: 2 });
              break;
            } catch (x: any) {
              if (x.name !== "SendTimeoutError") throw x;
            }
          }
        }
      }, { s, COUNT }),
      thread((w, e, h) => {
        for (let i = 0; i < e.COUNT; i++) {
          if (i % 2 === 0) h.sleep(10);
          for (;;) {
            try {
              h.eq(e.r.recv({ timeout: 2 }), i);
              break;
            } catch (x: any) {
              if (x.name !== "TimeoutError") throw x;
            }
          }
        }
      }, { r, COUNT }),
    ];
    await scope(hs);
    s.close();
    r.close();
  });

  it("drops (a Sender of a witness channel in every message stands in for the Drop counter)", async () => {
    for (const [steps, additional] of [[0, 0], [37, 5], [120, 49], [10, 0]] as const) {
      const [ws, wr] = channel<null>({ capacity: 1 }); // disconnected once every message's copy is closed
      const [s, r] = channel<{ d: any }>({ capacity: 50 });
      const hs = [
        thread((w, e) => {
          for (let i = 0; i < e.steps; i++) e.r.recv().d.close();
        }, { r, steps }),
        thread((w, e) => {
          for (let i = 0; i < e.steps; i++) e.s.send({ d: e.ws });
        }, { s, ws, steps }),
      ];
      await scope(hs);
      for (let i = 0; i < additional; i++) s.send({ d: ws });
      ws.close();
      // The `additional` messages still hold the witness sender: not disconnected yet.
      expect(err(() => wr.tryRecv())).toMatchObject({ kind: additional > 0 ? "empty" : "disconnected" });
      s.close();
      r.close();
      expect(err(() => wr.tryRecv())).toMatchObject({ kind: "disconnected" });
      wr.close();
    }
  });

  it("linearizable", async () => {
    const COUNT = 2000, THREADS = 4;
    const [s, r] = channel<number>({ capacity: THREADS, codec: codecs.i32 });
    const hs = [];
    for (let t = 0; t < THREADS; t++) {
      hs.push(thread((w, e) => {
        for (let i = 0; i < e.COUNT; i++) {
          e.s.send(0);
          e.r.tryRecv(); // must not fail
        }
      }, { s, r, COUNT }));
    }
    await scope(hs);
    s.close();
    r.close();
  });

  it("fairness", () => {
    const COUNT = 2000;
    const [s1, r1] = channel<null>({ capacity: COUNT });
    const [s2, r2] = channel<null>({ capacity: COUNT });
    for (let i = 0; i < COUNT; i++) {
      s1.send(null);
      s2.send(null);
    }
    const hits = [0, 0];
    for (let i = 0; i < COUNT; i++) hits[select([r1, r2]).index]!++;
    expect(Math.min(...hits)).toBeGreaterThanOrEqual(COUNT / 2 / 2);
  });

  it("fairness_duplicates", () => {
    const COUNT = 2000;
    const [s, r] = channel<null>({ capacity: COUNT });
    for (let i = 0; i < COUNT; i++) s.send(null);
    const hits = [0, 0, 0, 0, 0];
    for (let i = 0; i < COUNT; i++) hits[select([r, r, r, r, r]).index]!++;
    expect(Math.min(...hits)).toBeGreaterThanOrEqual(COUNT / 5 / 2);
  });

  it("recv_in_send", () => {
    const [s, _r] = channel<null>({ capacity: 1 });
    s.send(null);
    // select! { send(s, …), default } on a full channel takes the default branch.
    expect(trySelect([sendArm(s, null)])).toBeNull();
    expect(s.len).toBe(1);
    const [s2, r2] = channel<null>({ capacity: 2 });
    s2.send(null);
    expect(select([sendArm(s2, r2.recv())])).toMatchObject({ index: 0, kind: "send" });
    expect(r2.len).toBe(1);
  });

  it("channel_through_channel", async () => {
    const COUNT = 100;
    const [s, r] = channel<any>({ capacity: 1 });
    const hs = [
      thread((w, e) => {
        let s = e.s;
        for (let i = 0; i < e.COUNT; i++) {
          const [ns, nr] = w.channel({ capacity: 1 });
          s.send(nr);
          nr.close();
          if (s !== e.s) s.close();
          s = ns;
        }
        if (s !== e.s) s.close();
      }, { s, COUNT }),
      thread((w, e) => {
        let r = e.r;
        for (let i = 0; i < e.COUNT; i++) {
          const nr = r.recv();
          if (!(nr instanceof w.Receiver)) throw new Error(`round ${i}: got ${nr}`);
          if (r !== e.r) r.close();
          r = nr;
        }
        if (r !== e.r) r.close();
      }, { r, COUNT }),
    ];
    s.close();
    r.close();
    await scope(hs);
  });

  it("drop_unreceived: messages are dropped as soon as the last receiver is closed", () => {
    const [tx, rx] = channel<{ inner: any }>({ capacity: 1 });
    const [ws, wr] = channel<null>({ capacity: 1 });
    tx.send({ inner: ws });
    ws.close();
    expect(err(() => wr.tryRecv())).toMatchObject({ kind: "empty" }); // the message still holds a sender
    rx.close();
    expect(err(() => wr.tryRecv())).toMatchObject({ kind: "disconnected" });
    tx.close();
  });
});
