/**
 * Go's channel tests, ported in our own words: src/runtime/chan_test.go (golang/go). Goroutines
 * become workers; `select { … default: }` becomes trySelect / trySend / tryRecv; `close(c)` is the
 * last Sender's close(); a receive from a closed Go channel (zero value, ok = false) is RecvError.
 *
 * Not ported: TestShrinkStackDuringBlockedSend, TestNoShrinkStackWhileParking, TestSelectStackAdjust
 * (Go stack management, no counterpart), the benchmarks.
 */
import { describe, expect, it } from "vitest";
import {
  RecvError, SendTimeoutError, TimeoutError, channel, codecs, select, sendArm, spawn, trySelect,
  type Receiver, type WorkerHandle,
} from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import type { History } from "../workers/ch-lib.mjs";
import { checkHistories, joinAll, setFlag, waitFlag, within } from "./util.js";

const CAPS = [0, 1, 2, 5, 17];

describe("TestChan", () => {
  for (const cap of CAPS) {
    it(`cap ${cap}: receive from empty blocks; non-blocking receive does not`, () => {
      const [tx, rx] = channel<number>({ capacity: cap, codec: codecs.i32 });
      expect(() => rx.recv({ timeout: 10 })).toThrow(TimeoutError);
      expect(() => rx.tryRecv()).toThrow(expect.objectContaining({ kind: "empty" }));
      expect(trySelect([rx])).toBeNull();
      tx.close();
    });

    it(`cap ${cap}: send to full blocks; non-blocking send does not`, () => {
      const [tx, rx] = channel<number>({ capacity: cap, codec: codecs.i32 });
      for (let i = 0; i < cap; i++) tx.send(i);
      expect(() => tx.send(0, { timeout: 10 })).toThrow(SendTimeoutError);
      expect(() => tx.trySend(0)).toThrow(expect.objectContaining({ kind: "full" }));
      expect(trySelect([sendArm(tx, 0)])).toBeNull();
      expect(rx.len).toBe(cap);
    });

    it(`cap ${cap}: a closed channel yields what was buffered, then closed (RecvError)`, () => {
      const [tx, rx] = channel<number>({ capacity: cap, codec: codecs.i32 });
      for (let i = 0; i < cap; i++) tx.send(i);
      tx.close();
      for (let i = 0; i < cap; i++) expect(rx.recv()).toBe(i);
      expect(() => rx.recv()).toThrow(RecvError);
      expect(() => rx.recv()).toThrow(RecvError);
    });

    it(`cap ${cap}: len and cap`, () => {
      const [tx, rx] = channel<number>({ capacity: cap, codec: codecs.i32 });
      expect([rx.len, rx.capacity]).toEqual([0, cap]);
      for (let i = 0; i < cap; i++) tx.send(i);
      expect([rx.len, rx.capacity]).toEqual([cap, cap]);
    });
  }

  it("close unblocks a receive, for every capacity (one worker, blocked in turn on each)", async () => {
    const ends = CAPS.map((capacity) => channel<number>({ capacity }));
    const flags = new Int32Array(new SharedArrayBuffer(4 * CAPS.length));
    const rxs = Object.fromEntries(ends.map(([, rx], k) => [`rx${k}`, rx]));
    const steps = CAPS.flatMap((_, k) => [["set", "flags", k, 1], ["recv", `rx${k}`]]);
    const h = spawn(workerUrl("ch-script.mjs"), { ...rxs, flags }, steps);
    for (const [, rx] of ends) rx.close();
    for (let k = 0; k < CAPS.length; k++) {
      await within(waitFlag(flags, k, 1), `worker blocked on cap ${CAPS[k]}`);
      await new Promise((r) => setTimeout(r, 5));
      ends[k]![0].close();
    }
    const [log] = await joinAll<any[]>([h], "close unblocks");
    expect(log.filter((_: unknown, i: number) => i % 2 === 1)).toEqual(CAPS.map(() => ({ err: "RecvError" })));
  });

  for (const cap of [0, 1, 17]) {
    it(`cap ${cap}: 100 integers arrive uncorrupted and in order; then 4 producers × 1000 and 4 consumers`, async () => {
      const [tx, rx] = channel<number>({ capacity: cap, codec: codecs.i32 });
      const one = spawn(workerUrl("ch-produce.mjs"), tx, { id: 0, count: 100, mode: "send", codec: "i32" });
      const got: number[] = [];
      for (let i = 0; i < 100; i++) got.push(await within(rx.recvAsync(), "recv"));
      expect(got).toEqual(Array.from({ length: 100 }, (_, i) => i));
      await joinAll([one], "single producer");
      const hs: WorkerHandle<any>[] = [];
      for (let c = 0; c < 4; c++) hs.push(spawn(workerUrl("ch-consume.mjs"), rx, { mode: "recv", codec: "i32" }));
      for (let p = 0; p < 4; p++) hs.push(spawn(workerUrl("ch-produce.mjs"), tx, { id: p, count: 1000, mode: "send", codec: "i32" }));
      tx.close();
      rx.close();
      const res = await joinAll<any>(hs, `cap ${cap} 4×4`);
      expect(checkHistories(res.slice(0, 4) as History[], [1000, 1000, 1000, 1000])).toBeNull();
    });
  }
});

describe("non-blocking select races", () => {
  const ROUNDS = 2000;

  /**
   * Runs the worker side (ch-go-races.mjs) while `mainRound(i, go)` does the main side of round
   * i; `go()` lets the worker's non-blocking select of round i run.
   */
  async function race(a: Receiver<number>[], b: Receiver<number>[] | undefined, mainRound: (i: number, go: () => void) => void): Promise<void> {
    const flags = new Int32Array(new SharedArrayBuffer(8));
    const h = spawn(workerUrl("ch-go-races.mjs"), { flags, a, b }, ROUNDS);
    for (const r of [...a, ...(b ?? [])]) r.close();
    for (let i = 0; i < ROUNDS; i++) {
      mainRound(i, () => setFlag(flags, 0, i + 1));
      await within(waitFlag(flags, 1, i + 1), `round ${i}`);
    }
    const [notReady] = await joinAll<number[]>([h], "race worker");
    expect(notReady).toEqual([]);
  }

  const chans = (capacity: number) => Array.from({ length: ROUNDS }, () => channel<number>({ capacity, codec: codecs.i32 }));
  const takeIfThere = (rx: Receiver<number>) => {
    try {
      rx.tryRecv();
    } catch {
      /* the worker took it, or it was closed */
    }
  };

  it("TestNonblockRecvRace: a buffered value is seen by a non-blocking select even while the channel closes", async () => {
    const cs = chans(1);
    await race(cs.map((c) => c[1].clone()), undefined, (i, go) => {
      const [tx, rx] = cs[i]!;
      tx.send(1);
      go();
      tx.close();
      takeIfThere(rx);
    });
  });

  it("TestNonblockSelectRace: with c1 or c2 always ready, the non-blocking select never finds neither", async () => {
    // Regression (found as a bug, now fixed): trySelect makes one pass over the arms (src/channel/select.ts attempt), so it can try c2
    // just before it is sent and c1 just after it is taken, and return null although some arm was
    // ready at every moment. Go locks all channels; crossbeam (golang.rs keeps this test) registers
    // and makes a second pass before giving up. Fails in ~0.5% of rounds here.
    const c1 = chans(1), c2 = chans(1);
    await race(c1.map((c) => c[1].clone()), c2.map((c) => c[1].clone()), (i, go) => {
      c1[i]![0].send(1);
      go();
      c2[i]![0].send(1);
      takeIfThere(c1[i]![1]);
    });
  });

  it("TestNonblockSelectRace2: the same with close(c2) on a rendezvous channel instead of a send", async () => {
    // Regression (found as a bug, now fixed): same single-pass trySelect as above.
    const c1 = chans(1), c2 = chans(0);
    await race(c1.map((c) => c[1].clone()), c2.map((c) => c[1].clone()), (i, go) => {
      c1[i]![0].send(1);
      go();
      c2[i]![0].close();
      takeIfThere(c1[i]![1]);
    });
  });
});

describe("select tests", () => {
  it("TestSelfSelect, cap 10: two workers each select over send and receive on the same channel (no deadlock)", async () => {
    const [tx, rx] = channel<number>({ capacity: 10, codec: codecs.i32 });
    const hs = [0, 1].map((id) => spawn(workerUrl("ch-select-loop.mjs"), { tx, rx }, { mode: "self", id, count: 1000 }));
    tx.close();
    rx.close();
    await joinAll(hs, "self select cap 10");
  });

  it("TestSelfSelect, cap 0: the same on a rendezvous channel, and nobody receives its own value", async () => {
    // Regression (found as a bug, now fixed): hangs — a send-arm select and a recv-arm select on a rendezvous channel never pair up
    // (see regressions.test.ts for the minimal case). The known-hang bound is short on purpose.
    const [tx, rx] = channel<number>({ capacity: 0, codec: codecs.i32 });
    const hs = [0, 1].map((id) => spawn(workerUrl("ch-select-loop.mjs"), { tx, rx }, { mode: "self", id, count: 1000 }));
    tx.close();
    rx.close();
    const [a, b] = await joinAll<number[]>(hs, "self select cap 0", 8_000);
    expect(a!.every((v) => v === 1)).toBe(true);
    expect(b!.every((v) => v === 0)).toBe(true);
  });

  /**
   * TestSelectStress: per channel, one worker sends N and one receives N; plus one worker sending
   * N on every channel through a single select, and one receiving N from each through a single
   * select (arms leave as their quota is met). Nothing may deadlock.
   */
  async function selectStress(caps: number[], N: number, hangMs: number): Promise<void> {
    const ends = caps.map((capacity) => channel<number>({ capacity, codec: codecs.i32 }));
    const hs: WorkerHandle<any>[] = [];
    ends.forEach(([tx, rx], k) => {
      hs.push(spawn(workerUrl("ch-produce.mjs"), tx, { id: 1, count: N, mode: "send", codec: "i32" }));
      hs.push(spawn(workerUrl("ch-consume.mjs"), rx, { mode: "recv", codec: "i32", limit: N }));
      void k;
    });
    hs.push(spawn(workerUrl("ch-select-loop.mjs"), { txs: ends.map((e) => e[0]) }, { mode: "send", id: 0, counts: caps.map(() => N), codec: "i32" }));
    hs.push(spawn(workerUrl("ch-select-loop.mjs"), { rxs: ends.map((e) => e[1]) }, { mode: "recv", quota: caps.map(() => N), codec: "i32" }));
    for (const [tx, rx] of ends) {
      tx.close();
      rx.close();
    }
    const res = await joinAll<any>(hs, `select stress ${caps}`, hangMs);
    // Every channel: 2N sent (N plain + N by select), 2N received, each exactly once.
    const selHist = res.at(-1) as History[];
    caps.forEach((_, k) => {
      const plain = res[2 * k + 1] as History;
      expect(checkHistories([plain, selHist[k]!], [N, N])).toBeNull();
    });
  }

  it("TestSelectStress with buffered channels only (caps 1, 1, 2, 3)", async () => {
    await selectStress([1, 1, 2, 3], 2000, 25_000);
  });

  it("TestSelectStress as in Go (caps 0, 0, 2, 3)", async () => {
    // Regression (found as a bug, now fixed): can hang on the two rendezvous channels when the select sender's message can only be
    // taken by the select receiver (select ↔ select never pairs on a rendezvous channel).
    await selectStress([0, 0, 2, 3], 2000, 10_000);
  });

  it("TestChanSendInterface: non-blocking sends into a full channel do nothing", () => {
    const [tx, rx] = channel<unknown>({ capacity: 1 });
    const m = { mt: true };
    tx.send(m);
    expect(trySelect([sendArm(tx, m)])).toBeNull();
    expect(trySelect([sendArm(tx, m), sendArm(tx, { other: 1 })])).toBeNull();
    expect(rx.recvMany(5)).toEqual([m]);
  });

  for (const cap of [0, 100]) {
    it(`TestPseudoRandomSend, cap ${cap}: a select over two send arms picks each often enough`, async () => {
      const n = 100;
      const [tx, rx] = channel<number>({ capacity: cap, codec: codecs.u8 });
      const h = spawn(workerUrl("ch-script.mjs"), { rx }, Array.from({ length: n }, () => ["recv", "rx"]));
      rx.close();
      for (let i = 0; i < n; i++) expect(select([sendArm(tx, 1), sendArm(tx, 0)], { timeout: 20_000 }).kind).toBe("send");
      const [log] = await joinAll<any[]>([h], "receiver");
      const ones = log.filter((e: any) => e.ok === 1).length;
      const zeros = log.filter((e: any) => e.ok === 0).length;
      expect(ones + zeros).toBe(n);
      expect(ones).toBeGreaterThan(n / 10);
      expect(zeros).toBeGreaterThan(n / 10);
    });
  }

  it("TestMultiConsumer: 6 workers pass 20000 values from q to r; count and sum are exact", async () => {
    const nwork = 6, niter = 20_000;
    const pn = [2, 3, 7, 11, 13, 17, 19, 23, 27, 31];
    const [qtx, qrx] = channel<number>({ capacity: nwork * 3, codec: codecs.i32 });
    const [rtx, rrx] = channel<number>({ capacity: nwork * 3, codec: codecs.i32 });
    const hs = Array.from({ length: nwork }, () => spawn(workerUrl("ch-echo.mjs"), qrx, rtx));
    qrx.close();
    rtx.close();
    let expected = 0;
    const feed = (async () => {
      for (let i = 0; i < niter; i++) {
        const v = pn[i % pn.length]!;
        expected += v;
        await qtx.sendAsync(v);
      }
      qtx.close();
    })();
    let n = 0, sum = 0;
    const drain = (async () => {
      for await (const v of rrx) {
        n++;
        sum += v;
      }
    })();
    await joinAll(hs, "multi consumer", 25_000, [feed, drain]);
    expect(n).toBe(niter);
    expect(sum).toBe(expected);
  });

  it("TestSelectDuplicateChannel: a select listed twice on one channel is woken by another, and the channel stays sane", async () => {
    const [ctx, crx] = channel<number>({ capacity: 0 });
    const [dtx, drx] = channel<number>({ capacity: 0 });
    const [etx, erx] = channel<number>({ capacity: 0 });
    const flags = new Int32Array(new SharedArrayBuffer(8));
    const a = spawn(workerUrl("ch-script.mjs"), { c: crx, d: drx, e: etx, flags }, [["set", "flags", 0, 1], ["select", ["c", "c", "d"]], ["send", "e", 9]]);
    await within(waitFlag(flags, 0, 1), "A started");
    await new Promise((r) => setTimeout(r, 20)); // A queued on c first
    const b = spawn(workerUrl("ch-script.mjs"), { c: crx, flags }, [["set", "flags", 1, 1], ["recv", "c"]]);
    crx.close();
    drx.close();
    etx.close();
    await within(waitFlag(flags, 1, 1), "B started");
    await new Promise((r) => setTimeout(r, 20)); // B queued on c
    await within(dtx.sendAsync(7), "d <- 7 wakes A");
    expect(await within(erx.recvAsync(), "<-e")).toBe(9);
    await within(ctx.sendAsync(8), "c <- 8 wakes B");
    const [logA, logB] = await joinAll<any[]>([a, b], "duplicate channel");
    expect(logA[1].ok).toMatchObject({ index: 2, kind: "recv", value: 7 });
    expect(logB[1]).toEqual({ ok: 8 });
  });
});


