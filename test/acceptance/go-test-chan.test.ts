/**
 * An independent port of golang/go's channel programs in test/chan/ to weft (mapping as in
 * go-runtime-chan.test.ts: close(c) = the last Sender's close(), zero/!ok = RecvError, send on a
 * closed channel = ClosedError from the closed Sender, `select … default` = trySelect, nil
 * channel = arm left out / never(), goroutine = worker thread or async function).
 *
 * Ported: nonblock.go, select.go, select2.go (no leak: arena back to 0, channel still works),
 *   select3.go (every case that has a weft counterpart), select4.go, select5.go (its generated
 *   cases, enumerated here), select6.go, select7.go, select8.go, doubleselect.go, fifo.go,
 *   sieve1.go, sieve2.go, zerosize.go, goroutines.go, sendstmt.go; powser1.go in
 *   go-powser.test.ts.
 * Not ported: perm.go (compile-time channel direction errors: TypeScript types, not behaviour);
 *   powser2.go (powser1 with interfaces: same channel traffic); sieve.go (the infinite-printing
 *   demo; sieve1.go is its checked form); select3.go's "send to a nil channel blocks" (weft has
 *   no nil Sender); select5.go's evaluation-order templates (recvOrder/sendOrder: Go expression
 *   evaluation order, not channel behaviour) beyond "the send value is evaluated once per select".
 */
import { describe, expect, it } from "vitest";
import {
  ClosedError, DeadlockError, RecvError, TimeoutError, TryRecvError, channel, codecs, never, select, selectAsync,
  sendArm, trySelect, type Receiver, type Sender,
} from "../../dist/index.js";
import { flagsOf, go, joinAll, sleep, waitFlag, within } from "./acc3-util.js";

describe("nonblock.go: non-blocking operations with several element types", () => {
  const kinds = [
    { name: "i32", codec: codecs.i32, recvWant: 123, sendVal: 234 },
    { name: "i64", codec: codecs.i64, recvWant: 123456n, sendVal: 234567n },
    { name: "bool", codec: codecs.structured, recvWant: true, sendVal: true },
    { name: "string", codec: codecs.structured, recvWant: "hello", sendVal: "hello again" },
  ] as const;
  for (const buffer of [0, 1]) {
    for (const k of kinds) {
      it(`buffer ${buffer}, ${k.name}`, async () => {
        const [tx, rx] = channel<any>({ capacity: buffer, codec: k.codec as any });
        // nothing there: a non-blocking receive fails
        expect(trySelect([rx])).toBeNull();
        expect(() => rx.tryRecv()).toThrow(TryRecvError);

        // a receiver goroutine: retry a non-blocking send until it goes (Go: up to maxTries sleeps)
        const f = flagsOf(2);
        const hr = go("recvOne", rx, f, 0);
        let tries = 0;
        for (;;) {
          if (trySelect([sendArm(tx, k.recvWant)]) !== null) break;
          if (++tries > 2000) expect.unreachable("non-blocking send never reached the waiting receiver");
          await sleep(1);
        }
        expect(await joinAll([hr], "receiver")).toEqual([k.recvWant]);

        // a sender goroutine: retry a non-blocking receive until its value comes
        const hs = go("sendOne", tx, k.sendVal, f, 1);
        tries = 0;
        let got: any;
        for (;;) {
          const r = trySelect([rx]);
          if (r !== null) {
            got = r.value;
            break;
          }
          if (++tries > 2000) expect.unreachable("non-blocking receive never got the blocked sender's value");
          await sleep(1);
        }
        expect(got).toEqual(k.sendVal);
        await joinAll([hs], "sender");
        tx.close();
        rx.close();
      });
    }
  }
});

it("select.go: a select with default over two send arms; each value evaluated once per arm per select", () => {
  let counter = 0, shift = 0;
  const getValue = () => {
    counter++;
    return 2 ** shift;
  };
  /** Go's Send: loop { select { a <- v: a = nil; b <- v: b = nil; default: break } shift++ } */
  const send = (a: Sender<number> | null, b: Sender<number> | null): number => {
    let i = 0;
    for (;;) {
      // Go evaluates every case's value, nil channel or not, on entering the select.
      const va = getValue(), vb = getValue();
      const arms = [];
      if (a) arms.push(sendArm(a, va));
      if (b) arms.push(sendArm(b, vb));
      const r = trySelect(arms);
      if (r === null) break;
      i++;
      if (a && r.index === 0) a = null;
      else b = null;
      shift++;
    }
    return i;
  };
  const [a, arx] = channel<number>({ capacity: 1, codec: codecs.u32 });
  const [b, brx] = channel<number>({ capacity: 1, codec: codecs.u32 });
  expect(send(a, b)).toBe(2);
  expect(arx.recv() | brx.recv()).toBe(3);
  expect(send(a, null)).toBe(1);
  expect(counter).toBe(10);
});

it("select2.go: many selects on a rendezvous channel leave no residue (arena back to empty; still usable)", async () => {
  const [c, crx] = channel<number>({ capacity: 0 });
  const [dummyTx, dummy] = channel<number>({ capacity: 0 });
  const n = 2000;
  for (let round = 0; round < 2; round++) {
    const h = go("sendRange", c.clone(), 0, n);
    for (let i = 0; i < n; i++) {
      const r = select([crx, dummy], { timeout: 20_000 });
      if (r.index !== 0) expect.unreachable("dummy");
    }
    await joinAll([h], "sender");
    const st = crx.arenaStats();
    if (st) expect(st.bytesInUse).toBe(0);
  }
  // still a working channel
  const h = go("sendRange", c.clone(), 7, 1);
  expect(select([crx, dummy], { timeout: 20_000 }).value).toBe(7);
  await joinAll([h], "sender");
  c.close();
  dummyTx.close();
});

describe("select3.go: which operations block, and which panic", () => {
  const T = 50; // Go waits 0.1 s
  const closedPair = () => {
    const [tx, rx] = channel<number>({ capacity: 0, codec: codecs.i32 });
    tx.close();
    return [tx, rx] as const;
  };

  it("receiving from a nil channel blocks; a nil arm is never selected", () => {
    expect(() => never().recv({ timeout: T })).toThrow(TimeoutError);
    expect(trySelect([never()])).toBeNull();
    expect(() => select([never()], { timeout: T })).toThrow(TimeoutError);
  });

  it("sending to a buffered channel with room never blocks", () => {
    const [tx] = channel<number>({ capacity: 1 });
    tx.send(7, { timeout: 0 });
  });

  it("receiving from a closed channel never blocks: zero, !ok every time", () => {
    const [, rx] = closedPair();
    for (let i = 0; i < 10; i++) {
      expect(() => rx.recv({ timeout: 0 })).toThrow(RecvError);
      expect(() => rx.tryRecv()).toThrow(expect.objectContaining({ kind: "disconnected" }));
    }
  });

  it("sending to a closed channel panics (ClosedError), plainly and in a select", () => {
    const [tx] = closedPair();
    expect(() => tx.send(7)).toThrow(ClosedError);
    expect(() => select([sendArm(tx, 7)], { timeout: T })).toThrow(ClosedError);
  });

  it("receiving from a non-ready channel blocks; an empty select blocks; a select of non-ready arms blocks", () => {
    const [tx, rx] = channel<number>({ capacity: 0 });
    expect(() => rx.recv({ timeout: T })).toThrow(TimeoutError);
    expect(() => select([], { timeout: T })).toThrow(TimeoutError);
    // weft: an empty select with nothing to end it is refused rather than blocking for ever
    expect(() => select([])).toThrow(DeadlockError);
    expect(() => select([rx], { timeout: T })).toThrow(TimeoutError);
    expect(() => select([never(), rx], { timeout: T })).toThrow(TimeoutError);
    tx.close();
  });

  it("selects with default never block: empty, nil arms only", () => {
    expect(trySelect([])).toBeNull();
    expect(trySelect([never()])).toBeNull();
  });

  it("selects with ready channels do not block", () => {
    const [tx, rx] = channel<number>({ capacity: 1 });
    expect(trySelect([sendArm(tx, 7)])).toMatchObject({ index: 0, kind: "send" });
    expect(trySelect([rx])).toMatchObject({ index: 0, kind: "recv", value: 7 });
  });

  it("selects with closed channels behave like ordinary operations", () => {
    const [, rx] = closedPair();
    for (let i = 0; i < 3; i++) {
      const r = select([rx], { timeout: 0 });
      expect(r.index).toBe(0);
      expect(r.error).toBeInstanceOf(RecvError);
    }
  });

  it("a select does not get confused if it sees itself (send and receive arms on one rendezvous channel): blocks", async () => {
    const [tx, rx] = channel<number>({ capacity: 0 });
    expect(() => select([sendArm(tx, 1), rx], { timeout: T })).toThrow(TimeoutError);
    expect(() => select([rx, sendArm(tx, 1)], { timeout: T })).toThrow(TimeoutError);
    await expect(selectAsync([sendArm(tx, 1), rx], { timeout: T })).rejects.toBeInstanceOf(TimeoutError);
    await expect(selectAsync([rx, sendArm(tx, 1)], { timeout: T })).rejects.toBeInstanceOf(TimeoutError);
    expect(trySelect([sendArm(tx, 1), rx])).toBeNull();
  });
});

it("select4.go: a select picks the ready arm (42 from c), not the empty rendezvous one", () => {
  const [ctx, c] = channel<number>({ capacity: 1 });
  const [c1tx, c1] = channel<number>({ capacity: 0 });
  ctx.send(42);
  const r = select([c1, c], { timeout: 1000 });
  expect(r).toMatchObject({ index: 1, value: 42 });
  c1tx.close();
});

describe("select5.go: single-goroutine sends and receives phrased as selects", () => {
  // The generated program: c is buffered (1); every receive/send of n is done plainly or by a
  // select that may have default (before or after the real arm), a dummy send, a dummy receive
  // (rendezvous channel nobody uses), a nil send (left out) and a nil receive (never()). Here
  // every combination is enumerated; arm position varies with "default first" (Go's case order).
  const combos: boolean[][] = [];
  for (let m = 0; m < 32; m++) combos.push([0, 1, 2, 3, 4].map((b) => ((m >> b) & 1) === 1));

  it("recv and send templates: the real arm always wins, in every combination", async () => {
    const [c, crx] = channel<number>({ capacity: 1 });
    const [dummy, dummyRx] = channel<number>({ capacity: 0 });
    let n = 1;
    for (const async_ of [false, true]) {
      for (const [useDefault, dSend, dRecv, nilRecv, realFirst] of combos) {
        // recv: c <- n; x = <-c (via select)
        c.send(n);
        const arms: any[] = [];
        if (dSend) arms.push(sendArm(dummy, 1));
        if (dRecv) arms.push(dummyRx);
        if (nilRecv) arms.push(never());
        arms.splice(realFirst ? 0 : arms.length, 0, crx);
        const realAt = arms.indexOf(crx);
        const r = useDefault ? trySelect(arms) : async_ ? await selectAsync(arms, { timeout: 5000 }) : select(arms, { timeout: 5000 });
        expect(r, `recv combo ${[useDefault, dSend, dRecv, nilRecv, realFirst]}`).toMatchObject({ index: realAt, value: n });
        n++;
        // send: c <- n (via select); x = <-c
        const sarms: any[] = [];
        if (dSend) sarms.push(sendArm(dummy, 1));
        if (dRecv) sarms.push(dummyRx);
        if (nilRecv) sarms.push(never());
        const real = sendArm(c, n);
        sarms.splice(realFirst ? 0 : sarms.length, 0, real);
        const s = useDefault ? trySelect(sarms) : async_ ? await selectAsync(sarms, { timeout: 5000 }) : select(sarms, { timeout: 5000 });
        expect(s, `send combo`).toMatchObject({ index: sarms.indexOf(real), kind: "send" });
        expect(crx.recv({ timeout: 0 })).toBe(n);
        n++;
      }
    }
    dummy.close();
  });

  it("nonblock template: selects over only dummy / nil arms with default take default and leave x alone", () => {
    const [dummy, dummyRx] = channel<number>({ capacity: 0 });
    for (const [dSend, nilSend, dRecv, dRecvX, nilRecv] of combos) {
      const arms: any[] = [];
      if (dSend) arms.push(sendArm(dummy, 1));
      void nilSend; // a nil send arm: left out
      if (dRecv) arms.push(dummyRx);
      if (dRecvX) arms.push(dummyRx);
      if (nilRecv) arms.push(never());
      expect(trySelect(arms)).toBeNull();
    }
    dummy.close();
  });
});

it("select6.go (issue 2075): a select that lost on c1 does not corrupt c1's queue of waiting receivers", async () => {
  const [c1, c1rx] = channel<boolean>({ capacity: 0 });
  const [c2, c2rx] = channel<boolean>({ capacity: 0 });
  const [c3, c3rx] = channel<boolean>({ capacity: 0 });
  const f = flagsOf(1);
  const g1 = go("recvOne", c1rx, f, 0); // go func() { <-c1 }()
  const g2 = go("select6Second", c1rx, c2rx, c3);
  const g3 = go("sendOne", c2, true, flagsOf(1), 0); // go func() { c2 <- true }()
  c1rx.close();
  c2rx.close();
  c3.close();
  c2.close();
  expect(await within(c3rx.recvAsync(), "<-c3")).toBe(true);
  await within(c1.sendAsync(true), "c1 <- true (1)");
  await within(c1.sendAsync(true), "c1 <- true (2)");
  const [r1, r2] = await joinAll<any>([g1, g2, g3], "goroutines");
  expect(r1).toBe(true);
  expect(r2).toBe("ok");
});

describe("select7.go: receive styles × send styles when discarding the value", () => {
  it("receiver thread: <-c / select{<-c} / select{<-c; <-c2}; main: c <- 1 / select{c <- 1} / select{c <- 1; c2 <- 1}", async () => {
    const styles = [1, 1, 1, 2, 2, 2, 3, 3, 3];
    const chans = styles.map(() => channel<number>({ capacity: 0 }));
    const f = flagsOf(1);
    const h = go("select7Recv", chans.map((c) => c[1]), styles, f);
    chans.forEach((c) => c[1].close());
    for (let k = 0; k < 9; k++) {
      await waitFlag(f, 0, k + 1);
      await sleep(1); // runtime.Gosched()
      const tx = chans[k]![0];
      const sendStyle = k % 3;
      if (sendStyle === 0) tx.send(1, { timeout: 20_000 });
      else if (sendStyle === 1) expect(select([sendArm(tx, 1)], { timeout: 20_000 }).index).toBe(0);
      else {
        const [c2, c2rx] = channel<number>({ capacity: 0 });
        expect(select([sendArm(tx, 1), sendArm(c2, 1)], { timeout: 20_000 }).index).toBe(0);
        c2.close();
        c2rx.close();
      }
    }
    expect(await joinAll([h], "receiver")).toEqual([[1, 1, 1, 1, 1, 1, 1, 1, 1]]);
  });

  it("the same 9 pairs as async functions of one thread (recvAsync / selectAsync)", async () => {
    for (let rs = 1; rs <= 3; rs++) {
      for (let ss = 1; ss <= 3; ss++) {
        const [tx, rx] = channel<number>({ capacity: 0 });
        // recv3 and send3 each make their own c2 (nobody uses either)
        const [rc2tx, c2rx] = channel<number>({ capacity: 0 });
        const [c2tx, sc2rx] = channel<number>({ capacity: 0 });
        const recv = (async () => {
          if (rs === 1) return rx.recvAsync({ timeout: 5000 });
          if (rs === 2) return (await selectAsync([rx], { timeout: 5000 })).value;
          const r = await selectAsync([rx, c2rx], { timeout: 5000 });
          return r.index === 0 ? r.value : "c2";
        })();
        await sleep(0);
        if (ss === 1) await tx.sendAsync(1, { timeout: 5000 });
        else if (ss === 2) await selectAsync([sendArm(tx, 1)], { timeout: 5000 });
        else expect((await selectAsync([sendArm(tx, 1), sendArm(c2tx, 1)], { timeout: 5000 })).index).toBe(0);
        expect(await recv, `recv style ${rs}, send style ${ss}`).toBe(1);
        for (const e of [rc2tx, c2rx, c2tx, sc2rx, tx, rx]) e.close();
      }
    }
  });
});

it("select8.go: selects with break; a select never pairs its own send arm with its own receive arm", async () => {
  const [ch, chrx] = channel<number>({ capacity: 0 });
  const h = go("sendForever", ch, 5); // go func() { for { ch <- 5 } }()
  expect(select([chrx], { timeout: 20_000 })).toMatchObject({ index: 0, value: 5 });
  expect(trySelect([])).toBeNull();
  const r3 = trySelect([chrx]); // either the value or default
  if (r3 !== null) expect(r3.value).toBe(5);
  for (let i = 0; i < 50; i++) {
    const r = trySelect([chrx, sendArm(ch, 10)]);
    // "case ch <- 10: unreachable": nobody but this select receives on ch
    if (r !== null) expect(r).toMatchObject({ index: 0, value: 5 });
  }
  ch.close();
  chrx.close();
  await joinAll([h], "sender");
});

it("doubleselect.go: a select over four send arms never runs two arms for one value", async () => {
  const n = 2000;
  const cs = [0, 1, 2, 3].map(() => channel<number>({ capacity: 0, codec: codecs.i32 }));
  const [cmux, cmuxRx] = channel<number>({ capacity: 0, codec: codecs.i32 });
  const hs = [go("doubleSender", cs.map((c) => c[0]), n), ...cs.map((c) => go("mux", cmux, c[1]))];
  cs.forEach((c) => {
    c[0].close();
    c[1].close();
  });
  cmux.close();
  const seen = new Uint8Array(n);
  let count = 0;
  const recver = (async () => {
    for await (const v of cmuxRx) {
      if (seen[v]) throw new Error(`got duplicate value: ${v}`);
      seen[v] = 1;
      count++;
    }
  })();
  await within(recver, "recver", 60_000);
  const [per, ...muxed] = await joinAll<any>(hs, "sender and muxes");
  expect(count).toBe(n);
  expect((per as number[]).reduce((a, b) => a + b, 0)).toBe(n);
  expect((muxed as number[]).reduce((a, b) => a + b, 0)).toBe(n);
});

describe("fifo.go", () => {
  it("AsynchFifo: a buffered channel is a FIFO", () => {
    const N = 10;
    const [tx, rx] = channel<number>({ capacity: N, codec: codecs.i32 });
    for (let i = 0; i < N; i++) tx.send(i);
    for (let i = 0; i < N; i++) expect(rx.recv()).toBe(i);
  });

  it("SynchFifo: a daisy chain of 10 goroutines reads an unbuffered channel's values in sequence", async () => {
    const N = 10;
    const [ch, chrx] = channel<number>({ capacity: 0, codec: codecs.i32 });
    const [start, startRx] = channel<number>({ capacity: 0, codec: codecs.i32 });
    const [endTx, end] = channel<number>({ capacity: 0, codec: codecs.i32 });
    const h = go("fifoChain", chrx, startRx, endTx, N);
    chrx.close();
    startRx.close();
    endTx.close();
    start.send(0, { timeout: 20_000 });
    for (let i = 0; i < N; i++) ch.send(i, { timeout: 20_000 });
    expect(end.recv({ timeout: 20_000 })).toBe(1);
    expect(await joinAll([h], "chain")).toEqual([[]]);
  });
});

describe("sieve1.go: a daisy chain of filter goroutines yields the primes below 100", () => {
  const PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97];

  it("goroutines as async functions of one worker; primes to the main thread", async () => {
    const [ptx, primes] = channel<number>({ capacity: 0, codec: codecs.i32 });
    const h = go("sieve1", ptx);
    ptx.close();
    for (const p of PRIMES) expect(await within(primes.recvAsync(), `prime ${p}`)).toBe(p);
    primes.close(); // tears the chain down (Go's leaks)
    const [count] = await joinAll<number>([h], "sieve");
    expect(count).toBeGreaterThanOrEqual(PRIMES.length);
  });

  it("goroutines as threads: Generate and one Filter per prime below 12, in workers", async () => {
    const want = [2, 3, 5, 7, 11];
    let [gtx, ch] = channel<number>({ capacity: 0, codec: codecs.i32 });
    const hs = [go("generateStage", gtx)];
    gtx.close();
    for (const p of want) {
      const prime = ch.recv({ timeout: 20_000 });
      expect(prime).toBe(p);
      const [tx1, ch1] = channel<number>({ capacity: 0, codec: codecs.i32 });
      hs.push(go("filterStage", ch, tx1, prime));
      ch.close();
      tx1.close();
      ch = ch1;
    }
    expect(ch.recv({ timeout: 20_000 })).toBe(13);
    ch.close();
    await joinAll(hs, "sieve threads");
  });
});

describe("sieve2.go: Eratosthenes over merged channels of multiples, with a select-driven proxy", () => {
  it("yields the primes below 100", async () => {
    const stop: Array<() => void> = [];
    const running: Promise<unknown>[] = [];
    const loop = (f: () => Promise<void>) => {
      running.push(
        f().catch((e) => {
          if (!(e instanceof RecvError) && !(e?.name === "SendError") && !(e instanceof ClosedError)) throw e;
        }),
      );
    };
    const mk = (cap: number) => {
      const [tx, rx] = channel<number>({ capacity: cap, codec: codecs.i32 });
      stop.push(() => {
        tx.close();
        rx.close();
      });
      return [tx, rx] as const;
    };
    const odds = () => {
      const [tx, rx] = mk(50);
      loop(async () => {
        for (let n = 5; ; n += 2) await tx.sendAsync(n);
      });
      return rx;
    };
    const multiples = (p: number) => {
      const [tx, rx] = mk(10);
      loop(async () => {
        for (let n = p * p; ; n += 2 * p) await tx.sendAsync(n);
      });
      return rx;
    };
    /** sendproxy: a growing buffer in front of `out`; its select disables the send arm when empty. */
    const sendproxy = (out: Sender<number>) => {
      const [proxy, proxyRx] = mk(10);
      loop(async () => {
        const buf: number[] = [];
        for (;;) {
          const arms: any[] = [proxyRx];
          if (buf.length > 0) arms.push(sendArm(out, buf[0]!));
          const r = await selectAsync(arms);
          if (r.error) throw r.error;
          if (r.index === 0) buf.push(r.value as number);
          else buf.shift();
        }
      });
      return proxy;
    };
    const sieve = () => {
      const [out, outRx] = mk(10);
      out.send(2);
      out.send(3);
      const [composites, compositesRx] = mk(50);
      const [primes, primesRx] = mk(10);
      primes.send(3);
      // merge the multiples of each prime into composites (a heap of peeked channels)
      loop(async () => {
        const heap: { head: number; ch: Receiver<number> }[] = [];
        const push = (x: { head: number; ch: Receiver<number> }) => {
          heap.push(x);
          heap.sort((a, b) => a.head - b.head);
        };
        let min = 15;
        for (;;) {
          const m = multiples(await primesRx.recvAsync());
          const head = await m.recvAsync();
          while (min < head) {
            await composites.sendAsync(min);
            const mc = heap.shift()!;
            min = mc.head;
            mc.head = await mc.ch.recvAsync();
            push(mc);
          }
          while (min === head) {
            const mc = heap.shift()!;
            min = mc.head;
            mc.head = await mc.ch.recvAsync();
            push(mc);
          }
          await composites.sendAsync(head);
          push({ head: await m.recvAsync(), ch: m });
        }
      });
      // sieve the composites out of the candidates
      loop(async () => {
        const primesP = sendproxy(primes);
        const candidates = odds();
        let p = await candidates.recvAsync();
        for (;;) {
          const c = await compositesRx.recvAsync();
          while (p < c) {
            await primesP.sendAsync(p);
            await out.sendAsync(p);
            p = await candidates.recvAsync();
          }
          if (p === c) p = await candidates.recvAsync();
        }
      });
      return outRx;
    };
    const primes = sieve();
    const want = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97];
    for (const p of want) expect(await within(primes.recvAsync(), `prime ${p}`, 20_000)).toBe(p);
    for (const s of stop) s();
    await within(Promise.all(running), "teardown", 20_000);
  });
});

it("zerosize.go: channels of zero-size values can be made (and carry them)", () => {
  for (const cap of [0, 1]) {
    const [a, arx] = channel<[]>({ capacity: cap });
    const [b, brx] = channel<Record<string, never>>({ capacity: cap });
    if (cap === 1) {
      a.send([]);
      b.send({});
      expect(arx.recv()).toEqual([]);
      expect(brx.recv()).toEqual({});
    }
  }
});

describe("goroutines.go: many goroutines threaded together, torn down cleanly", () => {
  it("1000 async goroutines in one worker: left <- <-right", async () => {
    const [leftmost, leftmostRx] = channel<number>({ capacity: 0 });
    const [rightTx, right] = channel<number>({ capacity: 0 });
    const h = go("goroutineChain", leftmost, right, 1000);
    leftmost.close();
    right.close();
    await within(rightTx.sendAsync(1), "c <- 1");
    expect(await within(leftmostRx.recvAsync(), "<-leftmost")).toBe(1);
    await joinAll([h], "chain");
  });

  it("6 goroutines as threads", async () => {
    const n = 6;
    const [leftmost, leftmostRx] = channel<number>({ capacity: 0 });
    let left: Sender<number> = leftmost;
    const hs = [];
    let rightTx: Sender<number> | null = null;
    for (let i = 0; i < n; i++) {
      const [tx, rx] = channel<number>({ capacity: 0 });
      hs.push(go("link", left, rx));
      left.close();
      rx.close();
      left = tx;
      rightTx = tx;
    }
    await within(rightTx!.sendAsync(1), "c <- 1");
    rightTx!.close();
    expect(await within(leftmostRx.recvAsync(), "<-leftmost")).toBe(1);
    await joinAll(hs, "links");
  });

  it("1000 async goroutines on the main thread", async () => {
    const n = 1000;
    const [leftmost, leftmostRx] = channel<number>({ capacity: 0 });
    let left: Sender<number> = leftmost;
    const fs: Promise<void>[] = [];
    let last: Sender<number> | null = null;
    for (let i = 0; i < n; i++) {
      const [tx, rx] = channel<number>({ capacity: 0 });
      const l = left;
      fs.push((async () => l.sendAsync(await rx.recvAsync({ timeout: 20_000 }), { timeout: 20_000 }))());
      left = tx;
      last = tx;
    }
    void last!.sendAsync(1);
    expect(await within(leftmostRx.recvAsync(), "<-leftmost")).toBe(1);
    await within(Promise.all(fs), "chain");
  });
});

describe("sendstmt.go", () => {
  it("chanchan: `case <-cc <- 2` with default sends 2 on the channel received from cc (same thread)", () => {
    const [cc, ccRx] = channel<Sender<number>>({ capacity: 1 });
    const [c, crx] = channel<number>({ capacity: 1 });
    cc.send(c);
    const got = ccRx.recv();
    expect(trySelect([sendArm(got, 2)])).toMatchObject({ index: 0, kind: "send" });
    expect(crx.recv({ timeout: 0 })).toBe(2);
  });

  it("chanchan across threads: the Sender travels in a message", async () => {
    const [cc, ccRx] = channel<Sender<number>>({ capacity: 1 });
    const [c, crx] = channel<number>({ capacity: 1 });
    cc.send(c);
    c.close();
    const h = go("chanchan", ccRx);
    ccRx.close();
    expect(await joinAll([h], "chanchan")).toEqual(["send"]);
    expect(crx.recv({ timeout: 5000 })).toBe(2);
    expect(() => crx.recv({ timeout: 5000 })).toThrow(RecvError); // every Sender of c is closed
  });

  it("sendprec: c <- false || true sends true", () => {
    const [c, crx] = channel<boolean>({ capacity: 1 });
    c.send(false || true);
    expect(crx.recv()).toBe(true);
  });
});
