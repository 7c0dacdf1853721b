/**
 * select / trySelect / selectAsync (issue #4; DESIGN §6): correctness with worker-fed channels,
 * fairness, send arms, disconnected arms, and timeouts/aborts that leave every channel usable.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  ClosedError, DeadlockError, RecvError, SendError, TimeoutError, channel, codecs, select, selectAsync, sendArm, spawn, trySelect,
  type Receiver, type Sender, type WorkerHandle,
} from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import type { History } from "../workers/ch-lib.mjs";
import { checkHistories, headerPeek, joinAll, runs, SOAK, setFlag, waitFlag, waitFlagOf, within } from "./util.js";

describe("select: correctness with worker-fed channels", () => {
  it("every message of 2–3 channels is delivered exactly once, in order, to select consumers", async () => {
    const capArb = fc.constantFrom(1, 3, 64, Infinity);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ capacity: capArb, count: fc.integer({ min: 0, max: 400 }), producers: fc.integer({ min: 1, max: 2 }) }), { minLength: 2, maxLength: 3 }),
        fc.integer({ min: 1, max: 2 }),
        fc.boolean(),
        fc.constantFrom("structured", "f64"),
        async (chans, selectors, mainAsync, codec) => {
          // One channel type for both codecs (the f64 runs carry numbers only): a codec fits only
          // a channel whose every message it can carry, so f64 is cast for the `unknown` channel.
          const ends = chans.map((c) => channel<unknown>({ capacity: c.capacity, codec: codec === "f64" ? (codecs.f64 as unknown as typeof codecs.structured) : codecs.structured }));
          const hs: WorkerHandle<any>[] = [];
          const sizes = [0, 200, 3000];
          const cfg = { mode: "recv", codec, sizes };
          for (let s = 0; s < selectors; s++) hs.push(spawn(workerUrl("ch-select-loop.mjs"), { rxs: ends.map((e) => e[1]) }, cfg));
          const local: Promise<History[]>[] = [];
          if (mainAsync) {
            const { default: loop } = await import("../workers/ch-select-loop.mjs");
            local.push(loop({ rxs: ends.map((e) => e[1].clone()) }, { ...cfg, async: true }));
          }
          const counts = chans.map((c) => Array.from({ length: c.producers }, () => c.count));
          chans.forEach((c, k) => {
            for (let p = 0; p < c.producers; p++) {
              hs.push(spawn(workerUrl("ch-produce.mjs"), ends[k]![0], { id: p, count: c.count, mode: p === 0 ? "send" : "sendMany", batch: 7, codec, sizes }));
            }
          });
          for (const [tx, rx] of ends) {
            tx.close();
            rx.close();
          }
          const res = await joinAll<any>(hs, `select correctness ${JSON.stringify(chans)}`, 25_000, local);
          const perSelector: History[][] = [...res.slice(0, selectors), ...res.slice(hs.length)];
          for (let k = 0; k < chans.length; k++) {
            const problem = checkHistories(perSelector.map((h) => h[k]!), counts[k]!);
            if (problem !== null) throw new Error(`channel ${k}: ${problem}`);
          }
        },
      ),
      { numRuns: runs(6) },
    );
    // The soak runs 20× the scenarios: so much more time (75 s of 120 on a quiet host, over 120 on a busy one).
  }, 120_000 * SOAK);

  it("a losing send arm never delivers its value (select over a send arm and a recv arm)", () => {
    const [tx1, rx1] = channel<string>({ capacity: 1 });
    const [tx2, rx2] = channel<string>({ capacity: 1 });
    let sent = 0, received = 0;
    for (let i = 0; i < 200; i++) {
      // Both arms are ready on every round: exactly one may run.
      tx2.send(`in ${i}`);
      const r = select([sendArm(tx1, `out ${i}`), rx2]);
      if (r.kind === "send") {
        sent++;
        expect(rx1.tryRecv()).toBe(`out ${i}`);
        expect(rx2.tryRecv()).toBe(`in ${i}`);
      } else {
        received++;
        expect(r.value).toBe(`in ${i}`);
        expect(rx1.len).toBe(0);
      }
    }
    expect(sent + received).toBe(200);
    expect(sent).toBeGreaterThan(0);
    expect(received).toBeGreaterThan(0);
  });

  it("a send arm waits for room that a worker makes, and delivers exactly once", async () => {
    const [tx, rx] = channel<number>({ capacity: 2, codec: codecs.i32 });
    tx.send(1);
    tx.send(2);
    const [, idle] = channel<number>();
    expect(trySelect([sendArm(tx, 3), idle])).toBeNull();
    const h = spawn(workerUrl("ch-script.mjs"), { rx }, [["sleep", 30], ["recv", "rx"], ["sleep", 30], ["recv", "rx"], ["recv", "rx"], ["recv", "rx", { timeout: 200 }]]);
    rx.close();
    const r = await within(selectAsync([idle, sendArm(tx, 3)]), "send arm");
    expect(r).toEqual({ index: 1, kind: "send" });
    const [log] = await joinAll<any[]>([h], "receiver");
    expect(log.map((e: any) => e.ok ?? e.err)).toEqual([undefined, 1, undefined, 2, 3, "TimeoutError"]);
  });
});

describe("select: fairness", () => {
  it("two always-ready channels are both chosen a fair share (crossbeam array.rs fairness)", () => {
    const COUNT = 2000;
    const [s1, r1] = channel<number>({ capacity: COUNT, codec: codecs.u8 });
    const [s2, r2] = channel<number>({ capacity: COUNT, codec: codecs.u8 });
    for (let i = 0; i < COUNT; i++) {
      s1.send(1);
      s2.send(2);
    }
    const hits = [0, 0];
    for (let i = 0; i < COUNT; i++) hits[select([r1, r2]).index]!++;
    expect(Math.min(...hits)).toBeGreaterThanOrEqual(COUNT / 4);
  });

  // Regression (a helper's port of Go's TestSelectFairness): arms were tried from a start that
  // rotated across all of a thread's selects, so two selects of the same size, alternating,
  // always started the first at arm 0 (its second ready arm never won), and a ready arm after
  // empty ones won their turns too (3 : 1).
  it("each ready arm is as likely to win: with empty arms before them, and with another select alternating", () => {
    const N = 2000;
    const mk = () => channel<number>({ capacity: N, codec: codecs.u8 });
    const [t1, r1] = mk(), [t2, r2] = mk(), [t3, r3] = mk(), [t4, r4] = mk();
    const [, e1] = mk(), [, e2] = mk();
    for (let i = 0; i < N; i++) t1.send(1), t2.send(2);
    const alternating = [0, 0];
    for (let i = 0; i < N / 2; i++) {
      alternating[select([r1, r2]).index]!++;
      select([sendArm(t3, 0), sendArm(t4, 0)]);
    }
    // Binomial(1000, ½): σ ≈ 16; ≥ 380 is 7.5σ below the mean.
    expect(Math.min(...alternating), `alternating selects: ${alternating}`).toBeGreaterThanOrEqual(380);
    const afterEmpty = [0, 0, 0, 0];
    for (let i = 0; i < N / 2; i++) afterEmpty[select([e1, e2, r1, r2]).index]!++;
    expect(afterEmpty.slice(0, 2)).toEqual([0, 0]);
    expect(Math.min(afterEmpty[2]!, afterEmpty[3]!), `after empty arms: ${afterEmpty}`).toBeGreaterThanOrEqual(380);
    void r3, void r4;
  });

  it("unbounded channels kept full by two workers: each arm wins ≥ 25%", async () => {
    const COUNT = 1500;
    const [s1, r1] = channel<number>({ codec: codecs.f64 });
    const [s2, r2] = channel<number>({ codec: codecs.f64 });
    const hs = [s1, s2].map((tx, id) => spawn(workerUrl("ch-produce.mjs"), tx, { id, count: COUNT, mode: "send", codec: "f64" }));
    s1.close();
    s2.close();
    await joinAll(hs, "fill");
    const hits = [0, 0];
    for (let i = 0; i < COUNT; i++) hits[(await selectAsync([r1, r2])).index]!++;
    expect(Math.min(...hits)).toBeGreaterThanOrEqual(COUNT / 4);
  });

  it("duplicate arms on one channel share the wins (crossbeam fairness_duplicates)", () => {
    const COUNT = 2000;
    const [s, r] = channel<number>({ capacity: COUNT, codec: codecs.u8 });
    for (let i = 0; i < COUNT; i++) s.send(0);
    const hits = [0, 0, 0, 0, 0];
    for (let i = 0; i < COUNT; i++) hits[select([r, r, r, r, r]).index]!++;
    expect(Math.min(...hits)).toBeGreaterThanOrEqual(COUNT / 5 / 2);
  });

  it("a select of two send arms into one channel picks both (Go TestPseudoRandomSend)", () => {
    for (const capacity of [100, Infinity]) {
      const [tx, rx] = channel<number>({ capacity, codec: codecs.u8 });
      for (let i = 0; i < 100; i++) select([sendArm(tx, 1), sendArm(tx, 0)]);
      const got = rx.recvMany(100);
      const ones = got.filter((v) => v === 1).length;
      expect(got.length).toBe(100);
      expect(ones).toBeGreaterThan(10);
      expect(100 - ones).toBeGreaterThan(10);
    }
  });
});

describe("select: disconnected arms and closed handles", () => {
  it("a receiver whose senders all closed completes with RecvError once drained", () => {
    const [tx, rx] = channel<number>({ capacity: 4 });
    const [tx2, rx2] = channel<number>({ capacity: 4 });
    tx.send(7);
    tx.close();
    expect(select([rx2, rx])).toEqual({ index: 1, kind: "recv", value: 7 });
    const r = select([rx2, rx]);
    expect(r.index).toBe(1);
    expect(r.error).toBeInstanceOf(RecvError);
    expect(trySelect([rx])?.error).toBeInstanceOf(RecvError);
    tx2.close();
  });

  it("a send arm whose receivers all closed completes with SendError carrying the value", () => {
    for (const capacity of [0, 1, Infinity]) {
      const [tx, rx] = channel<unknown>({ capacity });
      rx.close();
      const v = { big: "y".repeat(2000) };
      const r = select([sendArm(tx, v)]);
      expect(r.kind).toBe("send");
      expect(r.error).toBeInstanceOf(SendError);
      expect((r.error as SendError).value).toBe(v);
    }
  });

  it("a disconnected arm wakes a blocked select in another worker", async () => {
    for (const capacity of [0, 2, Infinity]) {
      const [txA, rxA] = channel<number>({ capacity });
      const [txB, rxB] = channel<number>({ capacity });
      const flags = new Int32Array(new SharedArrayBuffer(4));
      const h = spawn(workerUrl("ch-script.mjs"), { rxA, rxB, flags }, [["set", "flags", 0, 1], ["select", ["rxA", "rxB"]]]);
      rxA.close();
      rxB.close();
      await within(waitFlagOf(h, flags, 0, 1), "start");
      await new Promise((r) => setTimeout(r, 30));
      txB.close();
      const [log] = await joinAll<any[]>([h], `capacity ${capacity}`);
      expect(log[1].ok).toEqual({ index: 1, kind: "recv", value: undefined, error: "RecvError" });
      txA.close();
    }
  });

  it("closed handles are ClosedError; bad arms are TypeError; nothing is consumed", () => {
    const [tx, rx] = channel<number>({ capacity: 2 });
    tx.send(1);
    const rx2 = rx.clone();
    rx2.close();
    expect(() => select([rx, rx2])).toThrow(ClosedError);
    expect(() => trySelect([rx2])).toThrow(ClosedError);
    const tx2 = tx.clone();
    tx2.close();
    expect(() => select([sendArm(tx2, 1)])).toThrow(ClosedError);
    for (const junk of [[1], [null], [{}], [{ sender: {}, value: 1 }], [rx, "rx"], [tx]] as any[]) {
      expect(() => select(junk)).toThrow(TypeError);
    }
    expect(() => select("not an array" as any)).toThrow(TypeError);
    expect(() => select(new Set([rx]) as any)).toThrow(TypeError);
    expect(rx.len).toBe(1);
    expect(rx.recv()).toBe(1);
  });

  // crossbeam's select.rs `default_only`: an empty try_select is "nothing ready", an empty
  // select_timeout times out. weft threw TypeError for both until a helper's port found it.
  it("no arms: trySelect is null, select waits out its timeout, and without one it is a DeadlockError", async () => {
    expect(trySelect([])).toBeNull();
    expect(trySelect()).toBeNull();
    const t0 = performance.now();
    expect(() => select([], { timeout: 40 })).toThrow(TimeoutError);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(35);
    expect(() => select([])).toThrow(DeadlockError);
    expect(() => select()).toThrow(DeadlockError);
    // A blocked thread runs nothing that could abort it: a signal alone does not end the wait.
    expect(() => select([], { signal: new AbortController().signal })).toThrow(DeadlockError);
    const gone = new AbortController();
    gone.abort(new Error("already gone"));
    expect(() => select([], { signal: gone.signal })).toThrow("already gone");
    const t1 = performance.now();
    await expect(selectAsync([], { timeout: 40 })).rejects.toThrow(TimeoutError);
    expect(performance.now() - t1).toBeGreaterThanOrEqual(35);
    await expect(selectAsync([])).rejects.toThrow(DeadlockError);
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("stop")), 20);
    await expect(selectAsync([], { signal: ac.signal })).rejects.toThrow("stop");
  });

  it("an unsendable value in a send arm is DataCloneError before any arm runs", () => {
    const [tx, rx] = channel<unknown>({ capacity: 2 });
    const [tx2, rx2] = channel<unknown>({ capacity: 2 });
    tx2.send("ready");
    // @ts-expect-error: not Sendable, so also a compile error; this checks the run-time error
    expect(() => select([rx2, sendArm(tx, () => 1)])).toThrow(expect.objectContaining({ name: "DataCloneError" }));
    expect(rx2.len).toBe(1);
    expect(rx.len).toBe(0);
  });
});

describe("select: timeouts and aborts leave channels usable", () => {
  const flavors = [["rendezvous", 0], ["bounded", 1], ["unbounded", Infinity]] as const;
  for (const [name, capacity] of flavors) {
    it(`${name}: timed-out / aborted selects unregister, deliver nothing, and later traffic is exact`, async () => {
      const [tx, rx] = channel<number>({ capacity, codec: codecs.i32 });
      const [tx2, rx2] = channel<number>({ capacity: 1, codec: codecs.i32 });
      tx2.send(0); // tx2 is full: its send arm is never ready
      for (let i = 0; i < 20; i++) {
        expect(() => select([rx, sendArm(tx2, 100 + i)], { timeout: 1 })).toThrow(TimeoutError);
        await expect(selectAsync([rx, sendArm(tx2, 200 + i)], { timeout: 1 })).rejects.toBeInstanceOf(TimeoutError);
        const ac = new AbortController();
        const p = selectAsync([rx, sendArm(tx2, 300 + i)], { signal: ac.signal });
        ac.abort(new Error(`abort ${i}`));
        await expect(p).rejects.toThrow(`abort ${i}`);
      }
      const pre = new AbortController();
      pre.abort(new Error("already"));
      expect(() => select([rx], { signal: pre.signal })).toThrow("already");
      expect(trySelect([rx])).toBeNull();
      // Nothing registered is left behind, and no send arm delivered anything.
      expect(headerPeek(tx)).toMatchObject({ rxSleepers: 0, txSleepers: 0, selRx: 0, selTx: 0 });
      expect(headerPeek(tx2)).toMatchObject({ rxSleepers: 0, txSleepers: 0, selRx: 0, selTx: 0 });
      expect(rx2.recvMany(10)).toEqual([0]);
      // Traffic through a worker is exact afterwards, and a select still wakes on it.
      const h = spawn(workerUrl("ch-produce.mjs"), tx, { id: 0, count: 200, mode: "send", codec: "i32" });
      tx.close();
      const got: number[] = [];
      for (;;) {
        const r = await within(selectAsync([rx, rx2], { timeout: 20_000 }), "select after timeouts");
        if (r.error) break;
        got.push((r as { value: number }).value);
      }
      await joinAll([h], "producer");
      expect(got).toEqual(Array.from({ length: 200 }, (_, i) => i));
      tx2.close();
    });
  }

  it("a select that times out in a worker leaves the channel usable for that worker's next select", async () => {
    const [tx, rx] = channel<number>({ capacity: 1 });
    const flags = new Int32Array(new SharedArrayBuffer(4));
    const h = spawn(workerUrl("ch-script.mjs"), { rx, flags }, [
      ["select", ["rx"], { timeout: 20 }],
      ["set", "flags", 0, 1],
      ["select", ["rx"], { timeout: 20_000 }],
      ["select", ["rx"], { timeout: 20_000 }],
    ]);
    rx.close();
    await within(waitFlagOf(h, flags, 0, 1), "first select timed out");
    await new Promise((r) => setTimeout(r, 30));
    tx.send(5);
    tx.close();
    const [log] = await joinAll<any[]>([h], "worker selects");
    expect(log[0].err).toBe("TimeoutError");
    expect(log[2].ok).toEqual({ index: 0, kind: "recv", value: 5, error: undefined });
    expect(log[3].ok).toMatchObject({ index: 0, error: "RecvError" });
  });
});

describe("select: arms as separate arguments", () => {
  it("select(rx1, rx2), select(rx1, sendArm, { timeout }), trySelect(...) and selectAsync(...) take arms as arguments", async () => {
    const [tx1, rx1] = channel<number>({ capacity: 1 });
    const [tx2, rx2] = channel<string>({ capacity: 1 });
    tx2.send("b");
    expect(select(rx1, rx2)).toEqual({ index: 1, kind: "recv", value: "b" });
    // A send arm and a trailing options object.
    const r = select(rx2, sendArm(tx1, 7), { timeout: 1000 });
    expect(r).toEqual({ index: 1, kind: "send" });
    expect(rx1.tryRecv()).toBe(7);
    // Options last with nothing ready: the timeout applies.
    expect(() => select(rx1, rx2, { timeout: 5 })).toThrow(TimeoutError);
    expect(trySelect(rx1, rx2)).toBeNull();
    tx1.send(3);
    expect(trySelect(rx2, rx1)).toEqual({ index: 1, kind: "recv", value: 3 });
    tx2.send("c");
    await expect(selectAsync(rx1, rx2, { timeout: 1000 })).resolves.toEqual({ index: 1, kind: "recv", value: "c" });
    // trySelect never waits: options are a TypeError, not silently ignored.
    expect(() => (trySelect as any)(rx1, { timeout: 5 })).toThrow(TypeError);
    expect(() => (select as any)()).toThrow(DeadlockError); // no arms, no timeout (see "no arms" above)
  });
});
