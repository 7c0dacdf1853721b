/**
 * acc2: an independent port of crossbeam-channel's tests/select.rs (the `Select` builder) to weft.
 *
 * Mapping: `Select::new()` + `sel.recv(&r)` / `sel.send(&s)` → an arms array `[r, sendArm(s, v)]`;
 * `sel.select()` → select(arms); `select_timeout(t)` → select(arms, { timeout: t }) (Err → a
 * TimeoutError); `try_select()` → trySelect(arms) (Err → null). crossbeam's `SelectedOperation`
 * is completed in a second step (`oper.recv(&r)`); weft's select completes the operation itself,
 * so the outcome is read from the result (`value`, or `error` for a disconnected channel). A send
 * arm's value is fixed when the arm is made. Threads are workers (acc2-eval.mjs); the main
 * thread's part of a scope runs in a worker too when it blocks. 1000 ms → U ms; counts scaled.
 *
 * Ported: smoke1, smoke2, disconnected, default, timeout, default_when_disconnected, default_only,
 * unblocks, both_ready, loop_try, cloning1, cloning2, preflight1, preflight2, preflight3,
 * duplicate_operations, nesting, stress_recv, stress_send, stress_mixed,
 * stress_timeout_two_threads, send_recv_same_channel, matching (10 threads, not 44),
 * matching_with_leftover (11, not 55), channel_through_channel, linearizable_try,
 * linearizable_timeout, fairness1, fairness2, sync_and_clone / send_and_clone (weft has no Select
 * object to clone: every thread gets the same arms), reuse (one arms array used for several
 * selects), issue_1096 (the operation completed through a clone of the end: the arm is a clone).
 *
 * Not ported: uncompleted_select_unbounded / _bounded / _zero and forget_select_unbounded /
 * _bounded / _zero — they drop or `mem::forget` a `SelectedOperation` that was selected but not
 * completed. weft's select has no such intermediate state (selecting is completing), and JS has
 * no destructors or `forget`.
 */
import { describe, expect, it } from "vitest";
import { TimeoutError, channel, codecs, select, sendArm, trySelect } from "../../dist/index.js";
import { err, scope, thread } from "./acc2-lib.js";

const U = 80; // crossbeam's 1000 ms
const sel = (arms: any[], opts?: any) => {
  try {
    const r: any = select(arms, opts);
    return { index: r.index, kind: r.kind, value: r.value, error: r.error?.name };
  } catch (e: any) {
    return { thrown: e.name };
  }
};

describe("crossbeam tests/select.rs", () => {
  it("smoke1", () => {
    const [s1, r1] = channel<number>();
    const [s2, r2] = channel<number>();
    s1.send(1);
    expect(select([r1, r2])).toMatchObject({ index: 0, value: 1 });
    s2.send(2);
    expect(select([r1, r2])).toMatchObject({ index: 1, value: 2 });
  });

  it("smoke2", () => {
    const chans = Array.from({ length: 5 }, () => channel<number>());
    chans[4]![0].send(5);
    expect(select(chans.map(([, r]) => r))).toMatchObject({ index: 4, value: 5 });
  });

  it("disconnected", async () => {
    const [s1, r1] = channel<number>();
    const [s2, r2] = channel<number>();
    // (crossbeam's main thread is selecting before the spawned thread gets going: a flag
    // orders the two workers the same way)
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const main1 = thread((w, e, h) => {
      Atomics.store(e.flag, 0, 1);
      Atomics.notify(e.flag, 0);
      const r = w.select([e.r1, e.r2], { timeout: e.U });
      h.eq([r.index, r.error?.name], [0, "RecvError"], "r1 disconnected");
      h.eq(e.r2.recv(), 5);
    }, { r1, r2, U, flag });
    const t1 = thread((w, e, h) => {
      Atomics.wait(e.flag, 0, 0);
      e.s1.close();
      h.sleep(e.U / 2);
      e.s2.send(5);
    }, { s1, s2, U, flag });
    s1.close();
    await scope([main1, t1]);
    expect(sel([r1, r2], { timeout: U })).toMatchObject({ index: 0, error: "RecvError" });
    const t2 = thread((w, e, h) => {
      h.sleep(e.U / 2);
      e.s2.close();
    }, { s2, U });
    s2.close();
    const main2 = thread((w, e) => {
      const r = w.select([e.r2], { timeout: e.U * 2 });
      return [r.index, r.error?.name];
    }, { r2, U });
    expect(await scope([main2, t2])).toEqual([[0, "RecvError"], undefined]);
  });

  it("default", () => {
    const [s1, r1] = channel<number>();
    const [s2, r2] = channel<number>();
    expect(trySelect([r1, r2])).toBeNull();
    s1.close();
    expect(trySelect([r1, r2])).toMatchObject({ index: 0, kind: "recv", error: expect.objectContaining({ name: "RecvError" }) });
    s2.send(2);
    expect(trySelect([r2])).toMatchObject({ index: 0, value: 2 });
    expect(trySelect([r2])).toBeNull();
    expect(trySelect([])).toBeNull();
  });

  it("timeout", async () => {
    const [_s1, r1] = channel<number>();
    const [s2, r2] = channel<number>();
    const t = thread((w, e, h) => {
      h.sleep(e.U * 1.5);
      e.s2.send(2);
    }, { s2, U });
    const m = thread((w, e, h) => {
      let first;
      try {
        w.select([e.r1, e.r2], { timeout: e.U });
        first = "selected";
      } catch (x: any) {
        first = x.name;
      }
      const r = w.select([e.r1, e.r2], { timeout: e.U });
      return [first, r.index, r.value];
    }, { r1, r2, U });
    expect((await scope([m, t]))[0]).toEqual(["TimeoutError", 1, 2]);
    s2.close();

    const [s, r] = channel<number>();
    const t2 = thread((w, e, h) => {
      h.sleep(e.U / 2);
      e.s.close();
    }, { s, U });
    s.close();
    // an empty Select with a timeout waits it out (the channel disconnecting meanwhile is no arm)
    const m2 = thread((w, e) => {
      let first;
      try {
        w.select([], { timeout: e.U });
        first = "selected";
      } catch (x: any) {
        first = x.name;
      }
      const r = w.trySelect([e.r]);
      return [first, r?.index, r?.error?.name];
    }, { r, U });
    expect((await scope([m2, t2]))[0]).toEqual(["TimeoutError", 0, "RecvError"]);
  });

  it("default_when_disconnected", () => {
    const [s0, r] = channel<number>();
    s0.close();
    expect(trySelect([r])).toMatchObject({ index: 0, error: expect.objectContaining({ name: "RecvError" }) });
    const [s1, r1] = channel<number>();
    s1.close();
    expect(sel([r1], { timeout: U })).toMatchObject({ index: 0, error: "RecvError" });
    const [s2, r2] = channel<number>({ capacity: 0 });
    r2.close();
    expect(trySelect([sendArm(s2, 0)])).toMatchObject({ index: 0, kind: "send", error: expect.objectContaining({ name: "SendError", value: 0 }) });
    const [s3, r3] = channel<number>({ capacity: 0 });
    r3.close();
    expect(sel([sendArm(s3, 0)], { timeout: U })).toMatchObject({ index: 0, kind: "send", error: "SendError" });
  });

  it("default_only", () => {
    let t0 = performance.now();
    expect(trySelect([])).toBeNull();
    expect(performance.now() - t0).toBeLessThanOrEqual(50);
    t0 = performance.now();
    expect(() => select([], { timeout: 200 })).toThrow(TimeoutError);
    const dt = performance.now() - t0;
    expect(dt).toBeGreaterThanOrEqual(180);
    expect(dt).toBeLessThanOrEqual(320);
  });

  it("unblocks", async () => {
    const [s1, r1] = channel<number>({ capacity: 0 });
    const [s2, r2] = channel<number>({ capacity: 0 });
    const a = thread((w, e, h) => {
      h.sleep(e.U / 2);
      e.s2.send(2);
    }, { s2, U });
    const m = thread((w, e) => {
      const r = w.select([e.r1, e.r2], { timeout: e.U * 2 });
      return [r.index, r.value];
    }, { r1, r2, U });
    expect((await scope([m, a]))[0]).toEqual([1, 2]);
    const b = thread((w, e, h) => {
      h.sleep(e.U / 2);
      h.eq(e.r1.recv(), 1);
    }, { r1, U });
    const m2 = thread((w, e) => {
      const r = w.select([w.sendArm(e.s1, 1), w.sendArm(e.s2, 2)], { timeout: e.U * 2 });
      return [r.index, r.kind, r.error?.name];
    }, { s1, s2, U });
    expect((await scope([m2, b]))[0]).toEqual([0, "send", undefined]);
    for (const x of [s1, r1, s2, r2]) x.close();
  });

  it("both_ready", async () => {
    const [s1, r1] = channel<number>({ capacity: 0 });
    const [s2, r2] = channel<number>({ capacity: 0 });
    const a = thread((w, e, h) => {
      h.sleep(e.U / 2);
      e.s1.send(1);
      h.eq(e.r2.recv(), 2);
    }, { s1, r2, U });
    const m = thread((w, e, h) => {
      const got = [];
      for (let k = 0; k < 2; k++) {
        const r = w.select([e.r1, w.sendArm(e.s2, 2)]);
        if (r.index === 0) h.eq(r.value, 1);
        else h.eq(r.error, undefined);
        got.push(r.index);
      }
      return got.sort();
    }, { r1, s2 });
    expect((await scope([m, a]))[0]).toEqual([0, 1]);
    for (const x of [s1, r1, s2, r2]) x.close();
  });

  it("loop_try", async () => {
    for (let run = 0; run < 5; run++) {
      const [s1, r1] = channel<number>({ capacity: 0 });
      const [s2, r2] = channel<number>({ capacity: 0 });
      const [sEnd, rEnd] = channel<null>({ capacity: 0 });
      const hs = [
        thread((w, e) => {
          for (;;) {
            if (w.trySelect([w.sendArm(e.s1, 1)]) !== null) return "sent";
            if (w.trySelect([e.rEnd]) !== null) return "end";
          }
        }, { s1, rEnd }),
        thread((w, e, h) => {
          for (;;) {
            try {
              h.eq(e.r2.tryRecv(), 2);
              return "got";
            } catch (x: any) {
              if (x.name !== "TryRecvError") throw x;
            }
            if (w.trySelect([e.rEnd]) !== null) return "end";
          }
        }, { r2, rEnd }),
        thread((w, e, h) => {
          h.sleep(e.U / 2);
          let out = "timeout";
          try {
            const r = w.select([e.r1, w.sendArm(e.s2, 2)], { timeout: e.U });
            if (r.index === 0) h.eq(r.value, 1);
            else h.eq(r.error, undefined);
            out = r.index === 0 ? "recv" : "send";
          } catch (x: any) {
            if (x.name !== "TimeoutError") throw x;
          }
          e.sEnd.close();
          return out;
        }, { r1, s2, sEnd, U }),
      ];
      sEnd.close();
      const res = await scope(hs);
      for (const x of [s1, r1, s2, r2, rEnd]) x.close();
      // what the third thread did, the other side saw
      if (res[2] === "recv") expect(res[0]).toBe("sent");
      if (res[2] === "send") expect(res[1]).toBe("got");
    }
  });

  it("cloning1", async () => {
    const [s1, r1] = channel<number>();
    const [_s2, r2] = channel<number>();
    const [s3, r3] = channel<null>();
    const t = thread((w, e, h) => {
      e.r3.recv();
      e.s1.clone().close();
      h.eq(h.err(() => e.r3.tryRecv()).name, "TryRecvError");
      e.s1.send(1);
      e.r3.recv();
    }, { s1, r3 });
    s1.close();
    r3.close();
    const m = thread((w, e) => {
      e.s3.send(null);
      const r = w.select([e.r1, e.r2]);
      e.s3.send(null);
      return [r.index, r.value];
    }, { r1, r2, s3 });
    s3.close();
    expect((await scope([m, t]))[0]).toEqual([0, 1]);
  });

  it("cloning2", async () => {
    const [s1, r1] = channel<null>();
    const [s2, r2] = channel<null>();
    const t = thread((w, e) => {
      const r = w.select([e.r1, e.r2]);
      return [r.index, r.error?.name];
    }, { r1, r2 });
    r1.close();
    r2.close();
    await new Promise((r) => setTimeout(r, U / 2));
    s1.clone().close();
    s2.send(null);
    expect((await scope([t]))[0]).toEqual([1, undefined]);
    s1.close();
    s2.close();
  });

  it("preflight1", () => {
    const [s, r] = channel<null>();
    s.send(null);
    expect(select([r])).toMatchObject({ index: 0, value: null });
  });

  it("preflight2", () => {
    const [s, r] = channel<null>();
    s.clone().close();
    s.send(null);
    s.close();
    const x = select([r]);
    expect(x).toMatchObject({ index: 0, value: null });
    expect(x.error).toBeUndefined();
    expect(err(() => r.tryRecv())).toMatchObject({ kind: "disconnected" });
  });

  it("preflight3", () => {
    const [s, r] = channel<null>();
    s.clone().close();
    s.send(null);
    s.close();
    r.recv();
    expect(select([r])).toMatchObject({ index: 0, error: expect.objectContaining({ name: "RecvError" }) });
  });

  it("duplicate_operations", () => {
    const [s, r] = channel<number>();
    const hit = [false, false, false, false];
    for (let n = 0; hit.includes(false); n++) {
      expect(n).toBeLessThan(10_000);
      const x = select([r, r, sendArm(s, 0), sendArm(s, 0)]);
      expect(x.error).toBeUndefined();
      hit[x.index] = true;
    }
  });

  it("nesting", () => {
    const [s, r] = channel<number>();
    expect(select([sendArm(s, 0)])).toMatchObject({ index: 0, kind: "send" });
    expect(select([r])).toMatchObject({ index: 0, value: 0 });
    expect(select([sendArm(s, 1)])).toMatchObject({ index: 0, kind: "send" });
    expect(select([r])).toMatchObject({ index: 0, value: 1 });
  });

  it("stress_recv", async () => {
    const COUNT = 1000;
    const [s1, r1] = channel<number>({ codec: codecs.i32 });
    const [s2, r2] = channel<number>({ capacity: 5, codec: codecs.i32 });
    const [s3, r3] = channel<null>({ capacity: 100 });
    const t = thread((w, e) => {
      for (let i = 0; i < e.COUNT; i++) {
        e.s1.send(i);
        e.r3.recv();
        e.s2.send(i);
        e.r3.recv();
      }
    }, { s1, s2, r3, COUNT });
    const m = thread((w, e) => {
      for (let i = 0; i < e.COUNT; i++) {
        for (let k = 0; k < 2; k++) {
          const r = w.select([e.r1, e.r2]);
          if (r.value !== i) throw new Error(`round ${i}: arm ${r.index} gave ${r.value}`);
          e.s3.send(null);
        }
      }
    }, { r1, r2, s3, COUNT });
    await scope([t, m]);
    for (const x of [s1, r1, s2, r2, s3, r3]) x.close();
  });

  it("stress_send", async () => {
    const COUNT = 1000;
    const [s1, r1] = channel<number>({ capacity: 0, codec: codecs.i32 });
    const [s2, r2] = channel<number>({ capacity: 0, codec: codecs.i32 });
    const [s3, r3] = channel<null>({ capacity: 100 });
    const t = thread((w, e, h) => {
      for (let i = 0; i < e.COUNT; i++) {
        h.eq(e.r1.recv(), i);
        h.eq(e.r2.recv(), i);
        e.r3.recv();
      }
    }, { r1, r2, r3, COUNT });
    const m = thread((w, e) => {
      for (let i = 0; i < e.COUNT; i++) {
        for (let k = 0; k < 2; k++) {
          const r = w.select([w.sendArm(e.s1, i), w.sendArm(e.s2, i)]);
          if (r.error) throw r.error;
        }
        e.s3.send(null);
      }
    }, { s1, s2, s3, COUNT });
    await scope([t, m]);
    for (const x of [s1, r1, s2, r2, s3, r3]) x.close();
  });

  it("stress_mixed", async () => {
    const COUNT = 1000;
    const [s1, r1] = channel<number>({ capacity: 0, codec: codecs.i32 });
    const [s2, r2] = channel<number>({ capacity: 0, codec: codecs.i32 });
    const [s3, r3] = channel<null>({ capacity: 100 });
    const t = thread((w, e, h) => {
      for (let i = 0; i < e.COUNT; i++) {
        e.s1.send(i);
        h.eq(e.r2.recv(), i);
        e.r3.recv();
      }
    }, { s1, r2, r3, COUNT });
    const m = thread((w, e) => {
      for (let i = 0; i < e.COUNT; i++) {
        for (let k = 0; k < 2; k++) {
          const r = w.select([e.r1, w.sendArm(e.s2, i)]);
          if (r.error) throw r.error;
          if (r.index === 0 && r.value !== i) throw new Error(`round ${i}: got ${r.value}`);
        }
        e.s3.send(null);
      }
    }, { r1, s2, s3, COUNT });
    await scope([t, m]);
    for (const x of [s1, r1, s2, r2, s3, r3]) x.close();
  });

  it("stress_timeout_two_threads", async () => {
    const COUNT = 20;
    const [s, r] = channel<number>({ capacity: 2 });
    const a = thread((w, e, h) => {
      for (let i = 0; i < e.COUNT; i++) {
        if (i % 2 === 0) h.sleep(20);
        for (;;) {
          try {
            const x = w.select([w.sendArm(e.s, i)], { timeout: 5 });
            if (x.error) throw x.error;
            break;
          } catch (y: any) {
            if (y.name !== "TimeoutError") throw y;
          }
        }
      }
    }, { s, COUNT });
    const b = thread((w, e, h) => {
      for (let i = 0; i < e.COUNT; i++) {
        if (i % 2 === 0) h.sleep(20);
        for (;;) {
          try {
            const x = w.select([e.r], { timeout: 5 });
            h.eq(x.value, i);
            break;
          } catch (y: any) {
            if (y.name !== "TimeoutError") throw y;
          }
        }
      }
    }, { r, COUNT });
    await scope([a, b]);
    s.close();
    r.close();
  });

  it("send_recv_same_channel", () => {
    const [s, r] = channel<number>({ capacity: 0 });
    expect(sel([sendArm(s, 0), r], { timeout: 100 })).toEqual({ thrown: "TimeoutError" });
    const [s2, r2] = channel<number>();
    expect(sel([sendArm(s2, 0), r2], { timeout: 100 })).toMatchObject({ index: 0, kind: "send", error: undefined });
  });

  for (const [name, THREADS, leftover] of [["matching", 10, false], ["matching_with_leftover", 11, true], ["sync_and_clone", 10, false], ["send_and_clone", 10, false]] as const) {
    it(`${name} (${THREADS} threads, each select(recv, send) on one rendezvous channel${leftover ? ", plus one plain send" : ""})`, async () => {
      const [s, r] = channel<number>({ capacity: 0 });
      const hs = [];
      for (let i = 0; i < THREADS; i++) {
        hs.push(thread((w, e, h) => {
          const x = w.select([e.r, w.sendArm(e.s, e.i)]);
          if (x.error) throw x.error;
          if (x.index === 0) h.ok(x.value !== e.i, "received its own value");
          return x.index;
        }, { s, r, i }));
      }
      if (leftover) await s.sendAsync(-1, { timeout: 20_000 });
      const res = await scope(hs);
      expect(err(() => r.tryRecv())).toMatchObject({ kind: "empty" });
      s.close();
      r.close();
      // every send paired with exactly one receive
      const sends = res.filter((x) => x === 1).length + (leftover ? 1 : 0);
      expect(sends * 2).toBe(THREADS + (leftover ? 1 : 0));
    });
  }

  it("channel_through_channel (capacities 0, 1, 2)", async () => {
    const COUNT = 100;
    for (const cap of [0, 1, 2]) {
      const [s, r] = channel<any>({ capacity: cap });
      const a = thread((w, e) => {
        let s = e.s;
        for (let i = 0; i < e.COUNT; i++) {
          const [ns, nr] = w.channel({ capacity: e.cap });
          const x = w.select([w.sendArm(s, nr)]);
          if (x.error) throw x.error;
          nr.close();
          if (s !== e.s) s.close();
          s = ns;
        }
        if (s !== e.s) s.close();
      }, { s, COUNT, cap });
      const b = thread((w, e) => {
        let r = e.r;
        for (let i = 0; i < e.COUNT; i++) {
          const x = w.select([r]);
          if (x.error || !(x.value instanceof w.Receiver)) throw new Error(`round ${i}: ${x.error ?? x.value}`);
          if (r !== e.r) r.close();
          r = x.value;
        }
        if (r !== e.r) r.close();
      }, { r, COUNT });
      s.close();
      r.close();
      await scope([a, b]);
    }
  });

  for (const [name, timeout] of [["linearizable_try", undefined], ["linearizable_timeout", 0]] as const) {
    it(name, async () => {
      const COUNT = 500;
      for (const step of [0, 1]) {
        const [startS, startR] = channel<null>({ capacity: 0 });
        const [endS, endR] = channel<null>({ capacity: 0 });
        const opts = step === 0 ? { capacity: 1, codec: codecs.i32 } : { codec: codecs.i32 };
        const [s1, r1] = channel<number>(opts);
        const [s2, r2] = channel<number>(opts);
        const a = thread((w, e) => {
          for (let i = 0; i < e.COUNT; i++) {
            e.startS.send(null);
            e.s1.send(1);
            const x = e.timeout === undefined ? w.trySelect([e.r1, e.r2]) : w.select([e.r1, e.r2], { timeout: e.timeout });
            if (x === null || x.error) throw new Error(`round ${i}: nothing ready (${x?.error})`);
            e.endS.send(null);
            try {
              e.r2.tryRecv();
            } catch {}
          }
        }, { startS, endS, s1, r1, r2, COUNT, timeout });
        const m = thread((w, e) => {
          for (let i = 0; i < e.COUNT; i++) {
            e.startR.recv();
            e.s2.send(1);
            try {
              e.r1.tryRecv();
            } catch {}
            e.endR.recv();
          }
        }, { startR, endR, s2, r1, COUNT });
        await scope([a, m]);
        for (const x of [startS, startR, endS, endR, s1, r1, s2, r2]) x.close();
      }
    });
  }

  it("fairness1 (with after(0) and tick(0) arms)", async () => {
    const COUNT = 2000;
    const { after, tick } = await import("../../dist/index.js");
    const [s1, r1] = channel<null>({ capacity: COUNT });
    const [s2, r2] = channel<null>();
    for (let i = 0; i < COUNT; i++) {
      s1.send(null);
      s2.send(null);
    }
    const hits = [0, 0, 0, 0];
    for (let i = 0; i < COUNT; i++) {
      const a = after(0), t = tick(0);
      const x = select([r1, r2, a, t]);
      expect(x.error).toBeUndefined();
      hits[x.index]!++;
      a.close();
      t.close();
    }
    expect(Math.min(...hits)).toBeGreaterThanOrEqual(COUNT / 4 / 2);
  });

  it("fairness2", async () => {
    const COUNT = 1000;
    const [s1, r1] = channel<null>();
    const [s2, r2] = channel<null>({ capacity: 1 });
    const [s3, r3] = channel<null>({ capacity: 0 });
    const a = thread((w, e) => {
      for (let i = 0; i < e.COUNT; i++) {
        const arms = [];
        if (e.s1.isEmpty) arms.push(w.sendArm(e.s1, null));
        if (e.s2.isEmpty) arms.push(w.sendArm(e.s2, null));
        arms.push(w.sendArm(e.s3, null));
        const x = w.select(arms);
        if (x.error) throw x.error;
      }
    }, { s1, s2, s3, COUNT });
    const m = thread((w, e) => {
      const hits = [0, 0, 0];
      for (let i = 0; i < e.COUNT; i++) {
        const x = w.select([e.r1, e.r2, e.r3]);
        if (x.error) throw x.error;
        hits[x.index]++;
      }
      return hits;
    }, { r1, r2, r3, COUNT });
    const [, hits] = await scope([a, m]);
    for (const x of [s1, r1, s2, r2, s3, r3]) x.close();
    expect(Math.min(...hits)).toBeGreaterThanOrEqual(COUNT / 3 / 50);
  });

  it("reuse (one arms array for several selects)", async () => {
    const COUNT = 1000;
    const [s1, r1] = channel<number>({ capacity: 0, codec: codecs.i32 });
    const [s2, r2] = channel<number>({ capacity: 0, codec: codecs.i32 });
    const [s3, r3] = channel<null>({ capacity: 100 });
    const t = thread((w, e, h) => {
      for (let i = 0; i < e.COUNT; i++) {
        e.s1.send(i);
        h.eq(e.r2.recv(), i);
        e.r3.recv();
      }
    }, { s1, r2, r3, COUNT });
    const m = thread((w, e) => {
      for (let i = 0; i < e.COUNT; i++) {
        const arms = [e.r1, w.sendArm(e.s2, i)];
        const seen = [];
        for (let k = 0; k < 2; k++) {
          const r = w.select(arms);
          if (r.error) throw r.error;
          if (r.index === 0 && r.value !== i) throw new Error(`round ${i}: got ${r.value}`);
          seen.push(r.index);
        }
        if (seen[0] === seen[1]) throw new Error(`round ${i}: arm ${seen[0]} twice`);
        e.s3.send(null);
      }
    }, { r1, s2, s3, COUNT });
    await scope([t, m]);
    for (const x of [s1, r1, s2, r2, s3, r3]) x.close();
  });

  it("issue_1096 (the operation goes through a clone of the end)", async () => {
    for (const cap of [Infinity, 2]) {
      const [tx, rx] = channel<number>({ capacity: cap });
      tx.send(123);
      const rc = rx.clone();
      expect(select([rc])).toMatchObject({ index: 0, value: 123 });
      rc.close();
      const tc = tx.clone();
      expect(select([sendArm(tc, 124)])).toMatchObject({ index: 0, kind: "send" });
      tc.close();
      expect(rx.recv()).toBe(124);
    }
    const [tx, rx] = channel<number>({ capacity: 0 });
    const a = thread((w, e) => e.tx.send(123), { tx });
    const m = thread((w, e) => {
      const rc = e.rx.clone();
      const x = w.select([rc]);
      rc.close();
      return x.value;
    }, { rx });
    expect((await scope([m, a]))[0]).toBe(123);
    const b = thread((w, e) => e.rx.recv(), { rx });
    const m2 = thread((w, e) => {
      const tc = e.tx.clone();
      const x = w.select([w.sendArm(tc, 124)]);
      tc.close();
      return x.error?.name ?? "ok";
    }, { tx });
    expect(await scope([m2, b])).toEqual(["ok", 124]);
    tx.close();
    rx.close();
  });
});
