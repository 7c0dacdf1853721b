/**
 * acc2: an independent port of crossbeam-channel's tests/zero.rs (the rendezvous flavor) to weft.
 *
 * Mapping as in crossbeam-array.test.ts: bounded(0) → channel({ capacity: 0 }); drop → close();
 * scoped threads → workers (acc2-eval.mjs); 1000 ms → U ms; counts scaled down. Blocking
 * selects run in workers (the main thread only joins).
 *
 * Ported: smoke, capacity, len_empty_full, try_recv, recv, recv_timeout, try_send, send,
 * send_timeout, len, disconnect_wakes_sender, disconnect_wakes_receiver, spsc, mpmc,
 * stress_oneshot, stress_iter, stress_timeout_two_threads, drops (channel ends in messages stand in
 * for the Drop counter), fairness, fairness_duplicates, recv_in_send, channel_through_channel.
 *
 * Not ported: none.
 */
import { describe, expect, it } from "vitest";
import { channel, codecs } from "../../dist/index.js";
import { err, scope, thread } from "./acc2-lib.js";

const U = 150; // crossbeam's 1000 ms (rendezvous timing needs the workers started: wider than the buffered files)

describe("crossbeam tests/zero.rs", () => {
  it("smoke", () => {
    const [s, r] = channel<number>({ capacity: 0 });
    expect(err(() => s.trySend(7))).toMatchObject({ name: "TrySendError", kind: "full", value: 7 });
    expect(err(() => r.tryRecv())).toMatchObject({ name: "TryRecvError", kind: "empty" });
  });

  it("capacity", () => {
    const [s, r] = channel<null>({ capacity: 0 });
    expect(s.capacity).toBe(0);
    expect(r.capacity).toBe(0);
  });

  it("len_empty_full", async () => {
    const [s, r] = channel<number>({ capacity: 0 });
    const st = () => [s.len, s.isEmpty, s.isFull, r.len, r.isEmpty, r.isFull];
    expect(st()).toEqual([0, true, true, 0, true, true]);
    await scope([thread((w, e) => e.s.send(0), { s }), thread((w, e) => e.r.recv(), { r })]);
    expect(st()).toEqual([0, true, true, 0, true, true]);
  });

  it("try_recv", async () => {
    const [s, r] = channel<number>({ capacity: 0 });
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
    const [s, r] = channel<number>({ capacity: 0 });
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
    const [s, r] = channel<number>({ capacity: 0 });
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
    const [s, r] = channel<number>({ capacity: 0 });
    const hs = [
      thread((w, e, h) => {
        h.eq(h.err(() => e.s.trySend(7)), { name: "TrySendError", kind: "full", value: 7 }, "7");
        h.sleep(e.U * 1.5);
        e.s.trySend(8); // the receiver has been waiting since U
        h.sleep(e.U * 0.5);
        h.eq(h.err(() => e.s.trySend(9)), { name: "TrySendError", kind: "disconnected", value: 9 }, "9");
      }, { s, U }),
      thread((w, e, h) => {
        h.sleep(e.U);
        h.eq(e.r.recv(), 8);
      }, { r, U }),
    ];
    s.close();
    r.close();
    await scope(hs);
  });

  it("send", async () => {
    const [s, r] = channel<number>({ capacity: 0 });
    const hs = [
      thread((w, e, h) => {
        e.s.send(7);
        h.sleep(e.U);
        e.s.send(8);
        h.sleep(e.U);
        e.s.send(9);
      }, { s, U }),
      thread((w, e, h) => {
        h.sleep(e.U * 1.5);
        h.eq(e.r.recv(), 7);
        h.eq(e.r.recv(), 8);
        h.eq(e.r.recv(), 9);
      }, { r, U }),
    ];
    s.close();
    r.close();
    await scope(hs);
  });

  it("send_timeout", async () => {
    const [s, r] = channel<number>({ capacity: 0 });
    const hs = [
      thread((w, e, h) => {
        h.eq(h.err(() => e.s.send(7, { timeout: e.U })), { name: "SendTimeoutError", value: 7 }, "7");
        e.s.send(8, { timeout: e.U });
        h.eq(h.err(() => e.s.send(9, { timeout: e.U })), { name: "SendError", value: 9 }, "9");
      }, { s, U }),
      thread((w, e, h) => {
        h.sleep(e.U * 1.5);
        h.eq(e.r.recv(), 8);
      }, { r, U }),
    ];
    s.close();
    r.close();
    await scope(hs);
  });

  it("len", async () => {
    const COUNT = 2000;
    const [s, r] = channel<number>({ capacity: 0, codec: codecs.i32 });
    expect([s.len, r.len]).toEqual([0, 0]);
    const hs = [
      thread((w, e) => {
        for (let i = 0; i < e.COUNT; i++) {
          const v = e.r.recv();
          if (v !== i) throw new Error(`recv ${i}: got ${v}`);
          if (e.r.len !== 0) throw new Error(`len ${e.r.len}`);
        }
      }, { r, COUNT }),
      thread((w, e) => {
        for (let i = 0; i < e.COUNT; i++) {
          e.s.send(i);
          if (e.s.len !== 0) throw new Error(`len ${e.s.len}`);
        }
      }, { s, COUNT }),
    ];
    await scope(hs);
    expect([s.len, r.len]).toEqual([0, 0]);
    s.close();
    r.close();
  });

  it("disconnect_wakes_sender", async () => {
    const [s, r] = channel<null>({ capacity: 0 });
    const hs = [
      thread((w, e, h) => {
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
    const [s, r] = channel<null>({ capacity: 0 });
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
    const COUNT = 3000;
    const [s, r] = channel<number>({ capacity: 0, codec: codecs.i32 });
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
    const [s, r] = channel<number>({ capacity: 0, codec: codecs.i32 });
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
    const chans = Array.from({ length: COUNT }, () => channel<number>({ capacity: 0, codec: codecs.i32 }));
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
    const COUNT = 300;
    const [reqS, reqR] = channel<null>({ capacity: 0 });
    const [resS, resR] = channel<number>({ capacity: 0, codec: codecs.i32 });
    const hs = [
      thread((w, e) => {
        let count = 0;
        for (;;) {
          for (const x of e.resR.tryIter()) {
            count += x;
            if (count === e.COUNT) return count;
          }
          try {
            e.reqS.trySend(null);
          } catch {}
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
    const [s, r] = channel<number>({ capacity: 0 });
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
    for (const steps of [0, 1, 57, 200]) {
      const [ws, wr] = channel<null>({ capacity: 1 });
      const [s, r] = channel<{ d: any }>({ capacity: 0 });
      const hs = [
        thread((w, e) => {
          for (let i = 0; i < e.steps; i++) e.r.recv().d.close();
        }, { r, steps }),
        thread((w, e) => {
          for (let i = 0; i < e.steps; i++) e.s.send({ d: e.ws });
        }, { s, ws, steps }),
      ];
      await scope(hs);
      ws.close();
      // every message was received and its Sender closed by the receiver
      expect(err(() => wr.tryRecv())).toMatchObject({ kind: "disconnected" });
      s.close();
      r.close();
      wr.close();
    }
  });

  it("fairness: a select of two recv arms against a select of two send arms", async () => {
    const COUNT = 500;
    const [s1, r1] = channel<null>({ capacity: 0 });
    const [s2, r2] = channel<null>({ capacity: 0 });
    const hs = [
      thread((w, e) => {
        const hits = [0, 0];
        for (let i = 0; i < e.COUNT; i++) hits[w.select([e.r1, e.r2]).index]++;
        return hits;
      }, { r1, r2, COUNT }),
      thread((w, e) => {
        const hits = [0, 0];
        for (let i = 0; i < e.COUNT; i++) hits[w.select([w.sendArm(e.s1, null), w.sendArm(e.s2, null)]).index]++;
        return hits;
      }, { s1, s2, COUNT }),
    ];
    s1.close();
    s2.close();
    r1.close();
    r2.close();
    const [rh, sh] = await scope(hs);
    expect(Math.min(...rh)).toBeGreaterThanOrEqual(COUNT / 2 / 2);
    expect(Math.min(...sh)).toBeGreaterThanOrEqual(COUNT / 2 / 2);
  });

  it("fairness_duplicates: five recv arms on one channel against five send arms on it", async () => {
    const COUNT = 500;
    const [s, r] = channel<null>({ capacity: 0 });
    const hs = [
      thread((w, e) => {
        const hits = [0, 0, 0, 0, 0];
        for (let i = 0; i < e.COUNT; i++) hits[w.select([e.r, e.r, e.r, e.r, e.r]).index]++;
        return hits;
      }, { r, COUNT }),
      thread((w, e) => {
        const hits = [0, 0, 0, 0, 0];
        const a = w.sendArm(e.s, null);
        for (let i = 0; i < e.COUNT; i++) hits[w.select([a, a, a, a, a]).index]++;
        return hits;
      }, { s, COUNT }),
    ];
    s.close();
    r.close();
    const [rh, sh] = await scope(hs);
    expect(Math.min(...rh)).toBeGreaterThanOrEqual(COUNT / 5 / 2);
    expect(Math.min(...sh)).toBeGreaterThanOrEqual(COUNT / 5 / 2);
  });

  it("recv_in_send: the send arm's value comes from a recv on the same channel", async () => {
    // crossbeam: the main thread blocks in r.recv() at once; thread A calls r.recv() 100 ms later,
    // thread B sends at 500 ms. The rendezvous hands B's message to the receiver that has waited
    // longest (the main thread), whose select then sends to A. A flag makes A and B start their
    // clocks only once the "main" worker is about to receive. Bounded waits (2 s) turn a hang into
    // a failure that says who got the message.
    const [s, r] = channel<string>({ capacity: 0 });
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const hs = [
      thread((w, e, h) => {
        Atomics.store(e.flag, 0, 1);
        Atomics.notify(e.flag, 0);
        const got = h.err(() => e.r.recv({ timeout: 2000 }));
        if (got.name) return `main's recv: ${got.name}`;
        h.eq(got.returned, "B");
        const x = w.select([w.sendArm(e.s, "main")], { timeout: 2000 });
        return x.error ? x.error.name : "ok";
      }, { s, r, flag }),
      thread((w, e, h) => {
        Atomics.wait(e.flag, 0, 0);
        h.sleep(100);
        const got = h.err(() => e.r.recv({ timeout: 2000 }));
        return got.name ?? got.returned;
      }, { r, flag }),
      thread((w, e, h) => {
        Atomics.wait(e.flag, 0, 0);
        h.sleep(500);
        e.s.send("B");
      }, { s, flag }),
    ];
    s.close();
    r.close();
    expect(await scope(hs)).toEqual(["ok", "main", undefined]);
  });

  it("channel_through_channel", async () => {
    const COUNT = 100;
    const [s, r] = channel<any>({ capacity: 0 });
    const hs = [
      thread((w, e) => {
        let s = e.s;
        for (let i = 0; i < e.COUNT; i++) {
          const [ns, nr] = w.channel({ capacity: 0 });
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
});

describe("regressions found by this port (not crossbeam tests; fixed in the thirteenth session)", () => {
  it("rendezvous: receivers blocked in recv are served in the order they started waiting", async () => {
    // R0 waits from t=0, R1 from 60 ms, R2 from 120 ms; then three messages are sent, 30 ms apart.
    // crossbeam's zero flavor pairs each send with the longest-waiting receiver: R0, R1, R2 get
    // 0, 1, 2.
    const [s, r] = channel<number>({ capacity: 0 });
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const hs = [0, 1, 2].map((i) =>
      thread((w, e, h) => {
        Atomics.wait(e.flag, 0, 0);
        h.sleep(60 * e.i);
        return e.r.recv({ timeout: 5000 });
      }, { r, flag, i }),
    );
    hs.push(thread((w, e, h) => {
      Atomics.wait(e.flag, 0, 0);
      h.sleep(280);
      for (let k = 0; k < 3; k++) {
        e.s.send(k);
        h.sleep(30);
      }
    }, { s, flag }));
    s.close();
    r.close();
    await new Promise((res) => setTimeout(res, 300)); // let the workers start
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    expect((await scope(hs)).slice(0, 3)).toEqual([0, 1, 2]);
  });
});
