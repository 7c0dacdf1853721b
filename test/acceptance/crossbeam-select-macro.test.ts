/**
 * acc2: an independent port of crossbeam-channel's tests/select_macro.rs (`select!`) to weft,
 * where it maps. `select! { recv(r) -> v => …, send(s, x) -> res => … }` → select([r, sendArm(s, x)]);
 * `default => …` → trySelect (null = default); `default(t) => …` → select(arms, { timeout: t })
 * (TimeoutError = default). Threads are workers (acc2-eval.mjs); 1000 ms → U ms.
 *
 * Ported here (behaviour select_macro.rs tests beyond tests/select.rs): try_recv, recv,
 * recv_timeout, try_send, send, send_timeout, disconnect_wakes_sender, disconnect_wakes_receiver
 * (all on a rendezvous channel, every operation a select), fairness_recv, fairness_send,
 * references (the `never()` arm), evaluate, once_blocks, result_types (the shape of a result),
 * deref (a rendezvous send + recv arm pair on one
 * thread with a default: the default), linearizable_default (= select.rs linearizable_try).
 *
 * Same scenario as in crossbeam-select.test.ts (ported there, not repeated): smoke1, smoke2,
 * disconnected, default, timeout, default_when_disconnected, default_only, unblocks, both_ready,
 * loop_try, cloning1, cloning2, preflight1-3, duplicate_operations, nesting, stress_recv,
 * stress_send, stress_mixed, stress_timeout_two_threads, send_recv_same_channel, matching,
 * matching_with_leftover, channel_through_channel, linearizable_timeout, fairness1, fairness2.
 *
 * Not ported:
 * - unfairness, unfairness_timeout, unfairness_try: they use `select_biased!` (first ready arm in
 *   order); weft has no biased select (its select always picks a random ready arm).
 * - panic_sender, panic_receiver, once_receiver, once_sender: they test that the macro evaluates an
 *   arm's channel expression once and propagates a panic from it; in weft the arms are ordinary
 *   values evaluated by JS before select is called.
 * - case_blocks, move_handles, infer_types, default_syntax, same_variable_name, handles_on_heap,
 *   parse_nesting, trailing_comma: macro syntax only (nothing to test at run time in JS).
 */
import { describe, expect, it } from "vitest";
import { channel, never, select, sendArm, trySelect } from "../../dist/index.js";
import { scope, thread } from "./acc2-lib.js";

const U = 80;

describe("crossbeam tests/select_macro.rs", () => {
  it("try_recv (rendezvous; both sides are selects)", async () => {
    const [s, r] = channel<number>({ capacity: 0 });
    const a = thread((w, e, h) => {
      h.eq(w.trySelect([e.r]), null, "nothing yet");
      h.sleep(e.U * 1.5);
      const x = w.trySelect([e.r]); // the sender has been waiting in its select since U
      h.eq(x && [x.index, x.value, x.error], [0, 7, undefined], "7");
      h.sleep(e.U * 0.5);
      const y = w.trySelect([e.r]);
      h.eq(y && [y.index, y.error?.name], [0, "RecvError"], "disconnected");
    }, { r, U });
    const b = thread((w, e, h) => {
      h.sleep(e.U);
      const x = w.select([w.sendArm(e.s, 7)]);
      if (x.error) throw x.error;
    }, { s, U });
    s.close();
    r.close();
    await scope([a, b]);
  });

  it("recv", async () => {
    const [s, r] = channel<number>({ capacity: 0 });
    const a = thread((w, e, h) => {
      h.eq(w.select([e.r]).value, 7);
      h.sleep(e.U);
      h.eq(w.select([e.r]).value, 8);
      h.sleep(e.U);
      h.eq(w.select([e.r]).value, 9);
      h.eq(w.select([e.r]).error?.name, "RecvError");
    }, { r, U });
    const b = thread((w, e, h) => {
      h.sleep(e.U * 1.5);
      for (const v of [7, 8, 9]) {
        const x = w.select([w.sendArm(e.s, v)]);
        if (x.error) throw x.error;
      }
    }, { s, U });
    s.close();
    r.close();
    await scope([a, b]);
  });

  it("recv_timeout", async () => {
    const [s, r] = channel<number>({ capacity: 0 });
    const a = thread((w, e, h) => {
      h.eq(h.err(() => w.select([e.r], { timeout: e.U })).name, "TimeoutError", "1");
      h.eq(w.select([e.r], { timeout: e.U }).value, 7, "2");
      h.eq(w.select([e.r], { timeout: e.U }).error?.name, "RecvError", "3");
    }, { r, U });
    const b = thread((w, e, h) => {
      h.sleep(e.U * 1.5);
      const x = w.select([w.sendArm(e.s, 7)]);
      if (x.error) throw x.error;
    }, { s, U });
    s.close();
    r.close();
    await scope([a, b]);
  });

  it("try_send", async () => {
    const [s, r] = channel<number>({ capacity: 0 });
    const a = thread((w, e, h) => {
      h.eq(w.trySelect([w.sendArm(e.s, 7)]), null, "7: nobody receiving");
      h.sleep(e.U * 1.5);
      const x = w.trySelect([w.sendArm(e.s, 8)]); // the receiver has been waiting in its select since U
      h.eq(x && [x.index, x.kind, x.error], [0, "send", undefined], "8");
      h.sleep(e.U * 0.5);
      const y = w.trySelect([w.sendArm(e.s, 8)]);
      h.eq(y && [y.index, y.error?.name, y.error?.value], [0, "SendError", 8], "disconnected");
    }, { s, U });
    const b = thread((w, e, h) => {
      h.sleep(e.U);
      h.eq(w.select([e.r]).value, 8);
    }, { r, U });
    s.close();
    r.close();
    await scope([a, b]);
  });

  it("send", async () => {
    const [s, r] = channel<number>({ capacity: 0 });
    const a = thread((w, e, h) => {
      for (const v of [7, 8, 9]) {
        const x = w.select([w.sendArm(e.s, v)]);
        if (x.error) throw x.error;
        if (v !== 9) h.sleep(e.U);
      }
    }, { s, U });
    const b = thread((w, e, h) => {
      h.sleep(e.U * 1.5);
      for (const v of [7, 8, 9]) h.eq(w.select([e.r]).value, v);
    }, { r, U });
    s.close();
    r.close();
    await scope([a, b]);
  });

  it("send_timeout", async () => {
    const [s, r] = channel<number>({ capacity: 0 });
    // Both clocks start together (a flag): a worker that started 0.5 U later than the other met
    // its receive with the send of 7 under load.
    const go = new Int32Array(new SharedArrayBuffer(4));
    const a = thread((w, e, h) => {
      Atomics.wait(e.go, 0, 0);
      h.eq(h.err(() => w.select([w.sendArm(e.s, 7)], { timeout: e.U })).name, "TimeoutError", "7");
      const x = w.select([w.sendArm(e.s, 8)], { timeout: e.U });
      h.eq(x.error, undefined, "8");
      const y = w.select([w.sendArm(e.s, 9)], { timeout: e.U });
      h.eq([y.error?.name, y.error?.value], ["SendError", 9], "9");
    }, { s, U, go });
    const b = thread((w, e, h) => {
      Atomics.wait(e.go, 0, 0);
      h.sleep(e.U * 1.5);
      h.eq(w.select([e.r]).value, 8);
    }, { r, U, go });
    s.close();
    r.close();
    await new Promise((res) => setTimeout(res, 300)); // both workers started and waiting
    Atomics.store(go, 0, 1);
    Atomics.notify(go, 0);
    await scope([a, b]);
  });

  it("disconnect_wakes_sender", async () => {
    const [s, r] = channel<null>({ capacity: 0 });
    const a = thread((w, e, h) => {
      const x = w.select([w.sendArm(e.s, null)]);
      h.eq([x.error?.name, x.error?.value], ["SendError", null]);
    }, { s });
    const b = thread((w, e, h) => {
      h.sleep(e.U);
      e.r.close();
    }, { r, U });
    s.close();
    r.close();
    await scope([a, b]);
  });

  it("disconnect_wakes_receiver", async () => {
    const [s, r] = channel<null>({ capacity: 0 });
    const a = thread((w, e, h) => {
      h.eq(w.select([e.r]).error?.name, "RecvError");
    }, { r });
    const b = thread((w, e, h) => {
      h.sleep(e.U);
      e.s.close();
    }, { s, U });
    s.close();
    r.close();
    await scope([a, b]);
  });

  it("fairness_recv", () => {
    const COUNT = 2000;
    const [s1, r1] = channel<null>({ capacity: COUNT });
    const [s2, r2] = channel<null>();
    for (let i = 0; i < COUNT; i++) {
      s1.send(null);
      s2.send(null);
    }
    const hits = [0, 0];
    while (hits[0]! + hits[1]! < COUNT) hits[select([r1, r2]).index]!++;
    expect(Math.min(...hits)).toBeGreaterThanOrEqual(COUNT / 4);
  });

  it("fairness_send", () => {
    const COUNT = 2000;
    const [s1, _r1] = channel<null>({ capacity: COUNT });
    const [s2, _r2] = channel<null>();
    const hits = [0, 0];
    for (let i = 0; i < COUNT; i++) hits[select([sendArm(s1, null), sendArm(s2, null)]).index]!++;
    expect(Math.min(...hits)).toBeGreaterThanOrEqual(COUNT / 4);
  });

  it("references (never() as an arm)", () => {
    const [s, r] = channel<number>();
    expect(select([sendArm(s, 0), r]).error).toBeUndefined();
    expect(select([sendArm(s, 0), r]).error).toBeUndefined();
    // recv(Some(&r).unwrap_or(&never())) with default: r may hold a message or not — either is fine
    trySelect([r]);
    const n = never();
    expect(trySelect([n])).toBeNull();
    n.close();
  });

  it("evaluate", () => {
    const [s, r] = channel<number>();
    const pick = (x: { index: number } | null, names: string[]) => (x === null ? "baz" : names[x.index]);
    expect(pick(trySelect([r, sendArm(s, 0)]), ["foo", "bar"])).toBe("bar");
    expect(pick(trySelect([r]), ["foo"])).toBe("foo");
    expect(pick(trySelect([r]), ["foo"])).toBe("baz");
  });

  it("once_blocks", () => {
    const [s, r] = channel<number>();
    expect(select([sendArm(s, 0)]).kind).toBe("send");
    expect(select([r]).value).toBe(0);
    expect(trySelect([sendArm(s, 0)])?.kind).toBe("send");
    expect(trySelect([r])?.value).toBe(0);
    const x = select([r, sendArm(s, 0)]);
    expect(x.index).toBe(1); // r is empty: only the send can complete
  });

  it("result_types / deref: rendezvous arms with nobody on the other side", () => {
    const [s, _r] = channel<number>({ capacity: 0 });
    const [_s, r] = channel<number>({ capacity: 0 });
    expect(trySelect([r])).toBeNull();
    expect(() => select([r], { timeout: 0 })).toThrow(expect.objectContaining({ name: "TimeoutError" }));
    expect(trySelect([sendArm(s, 0)])).toBeNull();
    expect(() => select([sendArm(s, 0)], { timeout: 0 })).toThrow(expect.objectContaining({ name: "TimeoutError" }));
    expect(trySelect([sendArm(s, 0), r])).toBeNull();
    const [s2, r2] = channel<number>({ capacity: 0 });
    expect(trySelect([sendArm(s2, 0), r2])).toBeNull(); // deref: one thread cannot meet itself
  });

  it("linearizable_default (a select with default right after a send of our own)", async () => {
    const COUNT = 500;
    for (const step of [0, 1]) {
      const [startS, startR] = channel<null>({ capacity: 0 });
      const [endS, endR] = channel<null>({ capacity: 0 });
      const opts = step === 0 ? { capacity: 1 } : {};
      const [s1, r1] = channel<number>(opts);
      const [s2, r2] = channel<number>(opts);
      const a = thread((w, e) => {
        for (let i = 0; i < e.COUNT; i++) {
          e.startS.send(null);
          e.s1.send(1);
          const x = w.trySelect([e.r1, e.r2]);
          if (x === null || x.error) throw new Error(`round ${i}: default taken`);
          e.endS.send(null);
          try {
            e.r2.tryRecv();
          } catch {}
        }
      }, { startS, endS, s1, r1, r2, COUNT });
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
});

describe("regressions found by this port (not crossbeam tests; fixed in the thirteenth session)", () => {
  for (const how of ["send", "select", "selectAsync"] as const) {
    it(`rendezvous: tryRecv takes the message of a sender blocked in ${how}`, async () => {
      const [s, r] = channel<number>({ capacity: 0 });
      const h = thread(async (w, e) => {
        try {
          if (e.how === "send") e.s.send(7, { timeout: 1500 });
          else if (e.how === "select") w.select([w.sendArm(e.s, 7)], { timeout: 1500 });
          else await w.selectAsync([w.sendArm(e.s, 7)], { timeout: 1500 });
          return "sent";
        } catch (x: any) {
          return x.name;
        }
      }, { s, how });
      s.close();
      await new Promise((res) => setTimeout(res, 300)); // the sender is blocked by now
      let got: unknown = "nothing within 1 s";
      for (const t0 = performance.now(); performance.now() - t0 < 1000; await new Promise((res) => setTimeout(res, 5))) {
        try {
          got = r.tryRecv();
          break;
        } catch (e: any) {
          if (e.kind !== "empty") throw e;
        }
      }
      expect(got).toBe(7);
      expect(await scope([h])).toEqual(["sent"]);
      r.close();
    });
  }
});
