/**
 * An independent port of golang/go src/runtime/chan_test.go (the Test* functions) to weft.
 *
 * Mapping (Go → weft):
 *   make(chan T, n)           channel({ capacity: n }) (0 = rendezvous)
 *   close(c)                  the last open Sender's close(); receivers drain, then RecvError
 *                             (Go's zero value with ok = false). Go's close is global; weft's is per
 *                             handle, so a port closes *every* Sender handle (worker-held clones close
 *                             when their task returns).
 *   c <- v after close(c)     Go panics; here the closed Sender handle throws ClosedError. (A clone
 *                             still open elsewhere could keep sending: weft has no global close.)
 *   select { …; default: }    trySelect / trySend / tryRecv
 *   select { … }              select / selectAsync, sendArm(tx, v) for send cases
 *   nil channel case          the arm is left out (receive side: never())
 *   go f()                    a worker thread (test/workers/acc3-go.mjs), or an async function where
 *                             only concurrency with one blocking side is needed
 *   time.Sleep(1ms)           a few ms (the 2-core machine is shared)
 * Sizes are scaled down (N, iterations) to keep the file quick on two cores.
 *
 * Ported: TestChan (every block), TestNonblockRecvRace, TestNonblockSelectRace,
 *   TestNonblockSelectRace2, TestSelfSelect, TestSelectStress, TestSelectFairness,
 *   TestChanSendInterface, TestPseudoRandomSend, TestMultiConsumer, TestShrinkStackDuringBlockedSend
 *   and TestNoShrinkStackWhileParking (their channel traffic; the stack/GC part has no counterpart),
 *   TestSelectDuplicateChannel, TestSelectStackAdjust (its channel part: selects with duplicated
 *   arms woken by close), BenchmarkChanClosed's assertion (a select on a closed channel never takes
 *   default).
 * Not ported: the Benchmark* functions (benchmarks, not tests; never run here);
 *   chanbarrier_test.go (GC write barriers on pointer sends: runtime internals).
 */
import { describe, expect, it } from "vitest";
import {
  ClosedError, RecvError, SendTimeoutError, TimeoutError, TryRecvError, TrySendError,
  channel, codecs, select, sendArm, trySelect, type Receiver, type Sender,
} from "../../dist/index.js";
import { flagsOf, go, joinAll, setFlag, sleep, waitFlag, waitFlagSync, within } from "./acc3-util.js";

const ints = (cap: number) => channel<number>({ capacity: cap, codec: codecs.i32 });

describe("TestChan", () => {
  // Go: chanCap in 0..199 (0..19 in -short). The single-thread blocks run for 0..19 and a few
  // larger; the blocks that need goroutines run for a smaller set.
  const SYNC_CAPS = [...Array.from({ length: 20 }, (_, i) => i), 64, 199];
  const THREAD_CAPS = [0, 1, 2, 5, 19];

  for (const cap of SYNC_CAPS) {
    it(`cap ${cap}: non-blocking receive from empty does not block; send to full blocks; closed yields buffered then zero/!ok; len/cap`, () => {
      {
        const [tx, rx] = ints(cap);
        // select { case <-c: fail; default: } (both receive forms)
        expect(trySelect([rx])).toBeNull();
        expect(() => rx.tryRecv()).toThrow(TryRecvError);
        tx.close();
      }
      {
        // Ensure that send to full chan blocks (blocking part with a timeout: Go's goroutine never returns).
        const [tx, rx] = ints(cap);
        for (let i = 0; i < cap; i++) tx.send(i);
        expect(() => tx.send(0, { timeout: 5 })).toThrow(SendTimeoutError);
        // non-blocking send does not block
        expect(trySelect([sendArm(tx, 0)])).toBeNull();
        try {
          tx.trySend(0);
          expect.unreachable("trySend into a full channel succeeded");
        } catch (e) {
          expect(e).toBeInstanceOf(TrySendError);
          expect((e as TrySendError).kind).toBe("full");
        }
        expect(rx.len).toBe(cap);
      }
      {
        // Ensure that we receive 0 from closed chan (here: RecvError, after the buffered values).
        const [tx, rx] = ints(cap);
        for (let i = 0; i < cap; i++) tx.send(i);
        tx.close();
        for (let i = 0; i < cap; i++) expect(rx.recv()).toBe(i);
        expect(() => rx.recv()).toThrow(RecvError);
        expect(() => rx.recv()).toThrow(RecvError);
        // ... and a closed channel is ready for a non-blocking receive
        const r = trySelect([rx]);
        expect(r).not.toBeNull();
        expect(r!.error).toBeInstanceOf(RecvError);
      }
      {
        // len/cap
        const [tx, rx] = ints(cap);
        expect([rx.len, rx.capacity, tx.len, tx.capacity]).toEqual([0, cap, 0, cap]);
        for (let i = 0; i < cap; i++) tx.send(i);
        expect([rx.len, rx.capacity, tx.len, tx.capacity]).toEqual([cap, cap, cap, cap]);
      }
    });
  }

  for (const cap of THREAD_CAPS) {
    it(`cap ${cap}: receive from empty blocks (two goroutines), until two values are sent`, async () => {
      const [tx, rx] = ints(cap);
      const f = flagsOf(2);
      const hs = [go("recvOne", rx, f, 0), go("recvOne", rx, f, 1)];
      await waitFlag(f, 0, 1);
      await waitFlag(f, 1, 1);
      await sleep(10);
      expect([Atomics.load(f, 0), Atomics.load(f, 1)]).toEqual([1, 1]); // neither received
      expect(trySelect([rx])).toBeNull();
      rx.close();
      await tx.sendAsync(0, { timeout: 20_000 });
      await tx.sendAsync(0, { timeout: 20_000 });
      expect(await joinAll(hs, "receivers")).toEqual([0, 0]);
    });

    it(`cap ${cap}: send to full chan blocks (goroutine), until one is received`, async () => {
      const [tx, rx] = ints(cap);
      for (let i = 0; i < cap; i++) tx.send(i);
      const f = flagsOf(1);
      const h = go("sendOne", tx, 0, f, 0);
      await waitFlag(f, 0, 1);
      await sleep(10);
      expect(Atomics.load(f, 0)).toBe(1); // still blocked
      expect(trySelect([sendArm(tx, 0)])).toBeNull();
      tx.close();
      expect(await within(rx.recvAsync(), "<-c")).toBe(0);
      await joinAll([h], "sender");
      // the blocked value arrived after the buffered ones
      const rest: number[] = [];
      for (const v of rx) rest.push(v);
      expect(rest).toEqual(cap === 0 ? [] : [...Array.from({ length: cap - 1 }, (_, i) => i + 1), 0]);
    });

    it(`cap ${cap}: close unblocks a receive (zero, !ok)`, async () => {
      const [tx, rx] = ints(cap);
      const f = flagsOf(1);
      const h = go("recvOne", rx, f, 0);
      rx.close();
      await waitFlag(f, 0, 1);
      await sleep(5);
      tx.close();
      expect(await joinAll([h], "receiver")).toEqual(["closed"]);
    });

    it(`cap ${cap}: 100 integers in FIFO order (twice); then 4 senders × 1000 and 4 receivers`, async () => {
      const [tx, rx] = ints(cap);
      for (let round = 0; round < 2; round++) {
        const h = go("sendRange", tx, 0, 100);
        for (let i = 0; i < 100; i++) expect(await within(rx.recvAsync(), `recv ${i}`)).toBe(i);
        await joinAll([h], "sender");
      }
      const P = 4, L = 1000;
      const senders = Array.from({ length: P }, () => go("sendRange", tx, 0, L));
      const receivers = Array.from({ length: P }, () => go("recvCount", rx, L));
      tx.close();
      rx.close();
      const [, maps] = [await joinAll(senders, "senders"), await joinAll<Record<string, number>>(receivers, "receivers")];
      const total = new Map<number, number>();
      for (const m of maps) for (const [k, v] of Object.entries(m)) total.set(+k, (total.get(+k) ?? 0) + v);
      expect(total.size).toBe(L);
      for (const [k, v] of total) if (v !== P) expect.unreachable(`value ${k} received ${v} times, expected ${P}`);
    });
  }
});

describe("non-blocking select races", () => {
  const ROUNDS = 1000;
  /**
   * Runs the worker's side (acc3-go nonblockRaces) against mainSide(i, go) for ROUNDS rounds:
   * round i's non-blocking select runs once go() is called; the main side then finishes its
   * round and waits for the worker to report.
   */
  async function race(as: Receiver<number>[], bs: Receiver<number>[] | null, mainSide: (i: number, goNow: () => void) => void) {
    const f = flagsOf(2);
    const h = go("nonblockRaces", as.map((r) => r.clone()), bs?.map((r) => r.clone()) ?? null, f, ROUNDS);
    for (let i = 0; i < ROUNDS; i++) {
      mainSide(i, () => setFlag(f, 0, i + 1));
      waitFlagSync(f, 1, i + 1);
    }
    const [misses] = await joinAll<number[]>([h], "race worker");
    return misses!;
  }

  it("TestNonblockRecvRace: a value or close is always seen by a non-blocking receive", async () => {
    const cs = Array.from({ length: ROUNDS }, () => ints(1));
    const misses = await race(cs.map((c) => c[1]), null, (i, goNow) => {
      const [tx, rx] = cs[i]!;
      tx.send(1);
      goNow();
      tx.close();
      try {
        rx.recv();
      } catch (e) {
        if (!(e instanceof RecvError)) throw e;
      }
    });
    expect(misses).toEqual([]);
  });

  it("TestNonblockSelectRace: one of c1, c2 is always ready, so the select never takes default", async () => {
    const c1 = Array.from({ length: ROUNDS }, () => ints(1));
    const c2 = Array.from({ length: ROUNDS }, () => ints(1));
    const misses = await race(c1.map((c) => c[1]), c2.map((c) => c[1]), (i, goNow) => {
      c1[i]![0].send(1);
      goNow();
      c2[i]![0].send(1);
      trySelect([c1[i]![1]]);
    });
    expect(misses).toEqual([]);
  });

  it("TestNonblockSelectRace2: the same with close(c2) (rendezvous) instead of c2 <- 1", async () => {
    const c1 = Array.from({ length: ROUNDS }, () => ints(1));
    const c2 = Array.from({ length: ROUNDS }, () => ints(0));
    const misses = await race(c1.map((c) => c[1]), c2.map((c) => c[1]), (i, goNow) => {
      c1[i]![0].send(1);
      goNow();
      c2[i]![0].close();
      trySelect([c1[i]![1]]);
    });
    expect(misses).toEqual([]);
  });
});

describe("select", () => {
  for (const cap of [0, 10]) {
    it(`TestSelfSelect cap ${cap}: send/recv on the same channel in one select neither crashes nor deadlocks${cap === 0 ? ", and never receives itself" : ""}`, async () => {
      const [tx, rx] = ints(cap);
      const hs = [0, 1].map((p) => go("selfSelect", tx, rx, p, 1000));
      tx.close();
      rx.close();
      const selfs = await joinAll<number>(hs, "self select", 40_000);
      if (cap === 0) expect(selfs).toEqual([0, 0]);
    });
  }

  it("TestSelectStress: plain and select senders/receivers on caps 0, 0, 2, 3 finish (no deadlock)", async () => {
    const N = 1000;
    const ends = [0, 0, 2, 3].map(ints);
    const txs = ends.map((e) => e[0]), rxs = ends.map((e) => e[1]);
    const hs = [go("stressPlain", txs, rxs, N), go("stressSelectSend", txs, N), go("stressSelectRecv", rxs, N)];
    txs.forEach((t) => t.close());
    rxs.forEach((r) => r.close());
    const [, left1, left2] = await joinAll<number[]>(hs, "select stress", 60_000);
    expect(left1).toEqual([0, 0, 0, 0]);
    expect(left2).toEqual([0, 0, 0, 0]);
  });

  it("TestSelectFairness: with c1 and c2 always ready, a 4-arm select takes each about half the time", async () => {
    const trials = 2000;
    const [c1tx, c1] = channel<number>({ capacity: trials + 1, codec: codecs.u8 });
    const [c2tx, c2] = channel<number>({ capacity: trials + 1, codec: codecs.u8 });
    for (let i = 0; i < trials + 1; i++) {
      c1tx.send(1);
      c2tx.send(2);
    }
    const [c3tx, c3] = channel<number>({ capacity: 0, codec: codecs.u8 });
    const [c4tx, c4] = channel<number>({ capacity: 0, codec: codecs.u8 });
    const [outTx, out] = channel<number>({ capacity: 0, codec: codecs.u8 });
    const [doneTx, done] = channel<number>({ capacity: 0, codec: codecs.u8 });
    const h = go("fairness", c1, c2, c3, c4, outTx, done);
    for (const e of [c1, c2, c3, c4, outTx, done]) e.close();
    let cnt1 = 0, cnt2 = 0;
    for (let i = 0; i < trials; i++) {
      const b = await within(out.recvAsync(), `trial ${i}`);
      if (b === 1) cnt1++;
      else if (b === 2) cnt2++;
      else expect.unreachable(`unexpected value ${b}`);
    }
    doneTx.close(); // close(done)
    await joinAll([h], "fairness worker");
    const mean = trials * 0.5, sd = Math.sqrt(trials * 0.25);
    expect(Math.abs(cnt1 - mean), `unfair select: ${cnt1}, ${cnt2}`).toBeLessThanOrEqual(10 * sd);
    c1tx.close(); c2tx.close(); c3tx.close(); c4tx.close();
  });

  it("TestChanSendInterface: non-blocking sends of objects into a full channel take default", () => {
    const [tx, rx] = channel<object>({ capacity: 1 });
    const m = { mt: 1 };
    tx.send(m);
    expect(trySelect([sendArm(tx, m)])).toBeNull();
    expect(trySelect([sendArm(tx, m), sendArm(tx, { mt: 2 })])).toBeNull();
    expect(rx.tryRecv()).toEqual(m);
    expect(() => rx.tryRecv()).toThrow(TryRecvError);
  });

  for (const cap of [0, 100]) {
    it(`TestPseudoRandomSend cap ${cap}: a select over "c <- 1" and "c <- 0" picks each more than n/10 times`, async () => {
      const n = 100;
      const [tx, rx] = channel<number>({ capacity: cap, codec: codecs.u8 });
      const h = go("recvList", rx, n, cap === 0 ? 0 : 1);
      rx.close();
      for (let i = 0; i < n; i++) {
        const r = select([sendArm(tx, 1), sendArm(tx, 0)], { timeout: 20_000 });
        expect(r.kind).toBe("send");
        expect(r.error).toBeUndefined();
      }
      const [l] = await joinAll<number[]>([h], "receiver");
      const n1 = l!.filter((v) => v === 1).length, n0 = l!.filter((v) => v === 0).length;
      expect(n0 + n1).toBe(n);
      expect(n0, `zeros ${n0}, ones ${n1}`).toBeGreaterThan(n / 10);
      expect(n1, `zeros ${n0}, ones ${n1}`).toBeGreaterThan(n / 10);
    });
  }

  it("TestMultiConsumer: workers relay q → r; after close(q) and all workers done, r closes; count and sum exact", async () => {
    const nwork = 4, niter = 10_000;
    const pn = [2, 3, 7, 11, 13, 17, 19, 23, 27, 31];
    const [q, qrx] = ints(nwork * 3);
    const [rtx, r] = ints(nwork * 3);
    const hs = Array.from({ length: nwork }, () => go("echo", qrx, rtx));
    qrx.close();
    rtx.close(); // the workers' clones are the only Senders of r now: r closes once all are done
    let expected = 0;
    const feeder = (async () => {
      for (let i = 0; i < niter; i++) {
        const v = pn[i % pn.length]!;
        expected += v;
        await q.sendAsync(v, { timeout: 20_000 });
      }
      q.close(); // no more work
    })();
    let n = 0, s = 0;
    for await (const v of r) {
      n++;
      s += v;
    }
    await within(feeder, "feeder");
    const per = await joinAll<number>(hs, "workers");
    expect(per.reduce((a, b) => a + b, 0)).toBe(niter);
    expect([n, s]).toEqual([niter, expected]);
  });

  it("TestShrinkStackDuringBlockedSend (channel part): a rendezvous sender that always blocks delivers 0..9 in order", async () => {
    const n = 10;
    const [c, crx] = ints(0);
    const f = flagsOf(1);
    const h = go("sendRange", c, 0, n);
    for (let i = 0; i < n; i++) {
      expect(await within(crx.recvAsync(), `recv ${i}`)).toBe(i);
      await sleep(1); // let the sender block again
    }
    await joinAll([h], "sender");
    void f;
  });

  it("TestNoShrinkStackWhileParking (channel part): rounds of a fully blocked sender and a slow receiver", async () => {
    const rounds = 20, n = 10;
    const chans = Array.from({ length: rounds }, () => ints(0));
    const h = go("sendRounds", chans.map((c) => c[0]), n);
    chans.forEach((c) => c[0].close());
    for (const [, rx] of chans) {
      for (let i = 0; i < n; i++) {
        await sleep(0); // Go sleeps 10 µs so that the sender always fully blocks
        expect(await within(rx.recvAsync(), "recv")).toBe(i);
      }
      await expect(rx.recvAsync({ timeout: 20_000 })).rejects.toBeInstanceOf(RecvError);
    }
    await joinAll([h], "sender");
  });

  it("TestSelectDuplicateChannel: A selects on (c, c, d), B receives on c; d wakes A; c <- 8 then reaches B", async () => {
    const [c, crx] = ints(0);
    const [d, drx] = ints(0);
    const [etx, e] = ints(0);
    const f = flagsOf(2);
    const a = go("selectOnce", [crx, crx.clone(), drx], f, 0, etx);
    etx.close();
    await waitFlag(f, 0, 1);
    await sleep(10); // A queued on c first
    const b = go("recvOne", crx, f, 1);
    crx.close();
    drx.close();
    await waitFlag(f, 1, 1);
    await sleep(10); // B queued on c too
    await within(d.sendAsync(7), "d <- 7 (wakes A)");
    expect(await within(e.recvAsync(), "<-e")).toBe(9);
    await within(c.sendAsync(8), "c <- 8 (wakes B)");
    const [ra, rb] = await joinAll<any>([a, b], "A and B");
    expect(ra).toEqual({ index: 2, value: 7, error: undefined });
    expect(rb).toBe(8);
  });

  it("TestSelectStackAdjust (channel part): selects on (c, d) and (c, c, d, d) are both woken by close(d) on a d arm", async () => {
    const [c, crx] = channel<number>({ capacity: 0 });
    const [d, drx] = channel<number>({ capacity: 0 });
    const f = flagsOf(2);
    const h1 = go("selectOnce", [crx, drx], f, 0, null);
    const h2 = go("selectOnce", [crx, crx.clone(), drx, drx.clone()], f, 1, null);
    crx.close();
    drx.close();
    await waitFlag(f, 0, 1);
    await waitFlag(f, 1, 1);
    await sleep(10);
    d.close(); // close(d)
    const [r1, r2] = await joinAll<any>([h1, h2], "selects");
    expect(r1).toEqual({ index: 1, value: undefined, error: "RecvError" });
    expect([2, 3]).toContain(r2.index);
    expect(r2.error).toBe("RecvError");
    c.close();
  });

  it("BenchmarkChanClosed's assertion: a non-blocking select on a closed channel never takes default", () => {
    const [tx, rx] = channel<object>({ capacity: 0 });
    tx.close();
    for (let i = 0; i < 1000; i++) {
      const r = trySelect([rx]);
      if (r === null) expect.unreachable(`default taken at ${i}`);
      expect(r.error).toBeInstanceOf(RecvError);
    }
  });

  it("(mapping) sending on a closed channel: Go panics, the closed weft Sender throws ClosedError", () => {
    const [tx, rx] = ints(1);
    tx.close();
    expect(() => tx.send(7)).toThrow(ClosedError);
    expect(() => tx.trySend(7)).toThrow(ClosedError);
    expect(() => select([sendArm(tx, 7)], { timeout: 10 })).toThrow(ClosedError);
    expect(() => trySelect([sendArm(tx, 7)])).toThrow(ClosedError);
    expect(() => rx.recv()).toThrow(RecvError);
    void (null as unknown as Sender<number>);
    void TimeoutError;
  });
});
