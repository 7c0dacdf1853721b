/**
 * An independent port of crossbeam-channel's tests/golang.rs (crossbeam's own Rust rewrite of Go's
 * channel tests) to weft — the cases weft's Go ports do not already cover.
 *
 * Mapping as in go-runtime-chan.test.ts / crossbeam-misc.test.ts: make(chan T, n) →
 * channel({ capacity: n }); `go f()` → a worker (acc2-lib `thread`); crossbeam's `Chan` wrapper's
 * `close_s` / `close_r` → close() of this thread's handle (the main thread closes its own copies
 * right after handing them out, so each end has one owner, as in the Rust port); a nil channel's
 * arm (`never()` / a rendezvous Sender nobody receives from) → the arm is left out of the select;
 * `thread::yield_now()` → a zero-length Atomics.wait; the Mutex-guarded state → weft's Mutex and
 * shared Int32Arrays; the `nproc` count and `wait()` → joining the stage's workers.
 *
 * Ported (new):
 *   ken/chan.go (`chan::main`): direct and select senders/receivers over 0-, 1-, 10- and
 *     100-slot channels, each channel's values checked in order, totals checked at the end.
 *     Scaled: 76 messages per channel kept; every stage's goroutines are worker threads (32 per
 *     buffer size). Twice more with every goroutine an async function of one thread
 *     (sendAsync / recvAsync / selectAsync), as go-test-chan.test.ts does for sieve1 and
 *     goroutines: on the main thread (ends from channel()), and in one worker (ends revived from
 *     spawn's arguments: the same-thread rendezvous hand-off of go-regressions.test.ts).
 *   ken/chan1.go (`chan1::main`): 10 selecting receivers on a 2-slot channel, one sender, each
 *     value marked sent/received under a Mutex. Go's receivers never return (leaked); here the
 *     sender closes the channel when done, they end on RecvError, and every value is then checked
 *     received exactly once (a check Go's program leaves out).
 *
 * Not ported — already covered by weft's Go ports (it.skip, naming where):
 *   doubleselect::main, fifo::asynch_fifo, fifo::synch_fifo, goroutines::main, nonblock::main,
 *   select::main, select2::main, select4::main, select6::main, select7::main, sieve1::main,
 *   zerosize::zero_size_struct, zerosize::zero_size_array → go-test-chan.test.ts;
 *   chan_test::test_chan, test_nonblock_recv_race, test_nonblock_select_race,
 *   test_nonblock_select_race2, test_self_select, test_select_stress, test_select_fairness,
 *   test_chan_send_interface, test_pseudo_random_send, test_multi_consumer,
 *   test_select_duplicate_channel → go-runtime-chan.test.ts.
 * Nothing to port: select3, closedchan, chanbarrier_test, race_chan_test are empty `// TODO`
 *   modules in golang.rs.
 */
import { describe, expect, it } from "vitest";
import * as weft from "../../dist/index.js";
import { Mutex, channel, type Receiver, type Sender } from "../../dist/index.js";
import { scope, thread, type ThreadFn } from "./acc2-lib.js";

describe("crossbeam tests/golang.rs: already covered by weft's Go ports", () => {
  const covered: [string, string][] = [
    ["doubleselect::main", "go-test-chan.test.ts doubleselect.go"],
    ["fifo::asynch_fifo", "go-test-chan.test.ts fifo.go AsynchFifo"],
    ["fifo::synch_fifo", "go-test-chan.test.ts fifo.go SynchFifo"],
    ["goroutines::main", "go-test-chan.test.ts goroutines.go"],
    ["nonblock::main", "go-test-chan.test.ts nonblock.go"],
    ["select::main", "go-test-chan.test.ts select.go"],
    ["select2::main", "go-test-chan.test.ts select2.go"],
    ["select4::main", "go-test-chan.test.ts select4.go"],
    ["select6::main", "go-test-chan.test.ts select6.go"],
    ["select7::main", "go-test-chan.test.ts select7.go"],
    ["sieve1::main", "go-test-chan.test.ts sieve1.go"],
    ["zerosize::zero_size_struct", "go-test-chan.test.ts zerosize.go"],
    ["zerosize::zero_size_array", "go-test-chan.test.ts zerosize.go"],
    ["chan_test::test_chan", "go-runtime-chan.test.ts TestChan"],
    ["chan_test::test_nonblock_recv_race", "go-runtime-chan.test.ts TestNonblockRecvRace"],
    ["chan_test::test_nonblock_select_race", "go-runtime-chan.test.ts TestNonblockSelectRace"],
    ["chan_test::test_nonblock_select_race2", "go-runtime-chan.test.ts TestNonblockSelectRace2"],
    ["chan_test::test_self_select", "go-runtime-chan.test.ts TestSelfSelect"],
    ["chan_test::test_select_stress", "go-runtime-chan.test.ts TestSelectStress"],
    ["chan_test::test_select_fairness", "go-runtime-chan.test.ts TestSelectFairness"],
    ["chan_test::test_chan_send_interface", "go-runtime-chan.test.ts TestChanSendInterface"],
    ["chan_test::test_pseudo_random_send", "go-runtime-chan.test.ts TestPseudoRandomSend"],
    ["chan_test::test_multi_consumer", "go-runtime-chan.test.ts TestMultiConsumer"],
    ["chan_test::test_select_duplicate_channel", "go-runtime-chan.test.ts TestSelectDuplicateChannel"],
  ];
  for (const [name, where] of covered) it.skip(`${name} — covered by ${where}`, () => {});
});

/**
 * One goroutine of ken/chan.go, run in a worker. e.role: "send" (direct sends on txs[0]), "recv"
 * (direct receives on rxs[0]) or "sel" (a select over every open receive arm of rxs and send arm
 * of txs). ks[i] / kt[i]: the channel index of rxs[i] / txs[i] in e.vals ([2k] = next value to
 * send, [2k+1] = next to receive). e.tot: [sent, received]; e.randx: nrand's state.
 */
const kenGoroutine: ThreadFn = (w, e, h) => {
  const END = 10000;
  const RANGE = 100;
  const PER = e.PER;
  const nrand = (n: number) => ((Atomics.add(e.randx, 0, 10007) + 10007) % 1_000_000) % n;
  const yieldN = (n: number) => {
    for (let i = 0; i < n; i++) h.sleep(0);
  };
  const next = (v: number, v0: number) => {
    if (v !== v0) throw new Error(`got ${v}, expected ${v0 + 1}`);
    return v % RANGE === PER - 1 ? END : v + 1;
  };
  /** A send happened on channel k: true once it was the last. */
  const sent = (k: number) => {
    Atomics.add(e.tot, 0, 1);
    const sv = next(e.vals[2 * k], e.vals[2 * k]);
    e.vals[2 * k] = sv;
    return sv === END;
  };
  /** v arrived on channel k: true once it was the last. */
  const received = (k: number, v: number) => {
    Atomics.add(e.tot, 1, 1);
    const rv = next(e.vals[2 * k + 1], v);
    e.vals[2 * k + 1] = rv;
    return rv === END;
  };
  if (e.role === "send") {
    for (;;) {
      yieldN(nrand(10) + 1);
      e.txs[0].send(e.vals[2 * e.kt[0]]);
      if (sent(e.kt[0])) return e.txs[0].close();
    }
  }
  if (e.role === "recv") {
    for (;;) {
      yieldN(nrand(10));
      const v = e.rxs[0].recv();
      if (received(e.ks[0], v)) return e.rxs[0].close();
    }
  }
  // "sel": a receive arm per open receiver, a send arm per open sender; a finished one is closed
  // and its arm left out (crossbeam swaps in a never-ready channel)
  const rOpen = e.rxs.map(() => true);
  const sOpen = e.txs.map(() => true);
  let active = e.rxs.length + e.txs.length;
  while (active > 0) {
    yieldN(nrand(5) + 1);
    const arms = [];
    const which = [];
    for (let i = 0; i < e.rxs.length; i++) {
      if (!rOpen[i]) continue;
      arms.push(e.rxs[i]);
      which.push(["r", i]);
    }
    for (let i = 0; i < e.txs.length; i++) {
      if (!sOpen[i]) continue;
      arms.push(w.sendArm(e.txs[i], e.vals[2 * e.kt[i]]));
      which.push(["s", i]);
    }
    const x = w.select(arms);
    if (x.error) throw new Error(`select arm ${x.index}: ${x.error.name}`);
    const [side, i] = which[x.index];
    if (side === "r") {
      if (x.kind !== "recv") throw new Error(`arm ${x.index} is a receive, completed as ${x.kind}`);
      if (received(e.ks[i], x.value)) {
        e.rxs[i].close();
        rOpen[i] = false;
        active--;
      }
    } else {
      if (x.kind !== "send") throw new Error(`arm ${x.index} is a send, completed as ${x.kind}`);
      if (sent(e.kt[i])) {
        e.txs[i].close();
        sOpen[i] = false;
        active--;
      }
    }
  }
};

/**
 * ken/chan.go with every goroutine an async function of this thread. e.chans[cap]: 36 channels
 * ([tx, rx]) of that capacity, made by the caller; returns the totals.
 */
const kenAsync: ThreadFn = async (w, e) => {
  const PER = e.PER;
  const RANGE = 100;
  const END = 10000;
  let cval = 0;
  let used = 0;
  let randx = 0;
  const tot = [0, 0];
  const nrand = (n: number) => {
    randx += 10007;
    if (randx >= 1_000_000) randx -= 1_000_000;
    return randx % n;
  };
  const yieldN = async (n: number) => {
    for (let i = 0; i < n; i++) await null;
  };
  const next = (v: number, v0: number) => {
    if (v !== v0) throw new Error(`got ${v}, expected ${v0 + 1}`);
    return v % RANGE === PER - 1 ? END : v + 1;
  };
  const mkchan = (cap: number, n: number) =>
    Array.from({ length: n }, () => {
      cval += RANGE;
      const [tx, rx] = e.chans[cap][used++];
      return { sv: cval, rv: cval, tx, rx };
    });
  const send = async (c: any) => {
    for (;;) {
      await yieldN(nrand(10) + 1);
      await c.tx.sendAsync(c.sv);
      tot[0]++;
      c.sv = next(c.sv, c.sv);
      if (c.sv === END) return c.tx.close();
    }
  };
  const recv = async (c: any) => {
    for (;;) {
      await yieldN(nrand(10));
      const v = await c.rx.recvAsync();
      tot[1]++;
      c.rv = next(c.rv, v);
      if (c.rv === END) return c.rx.close();
    }
  };
  const sel = async (rs: any[], ss: any[]) => {
    const rOpen = rs.map(() => true);
    const sOpen = ss.map(() => true);
    let active = rs.length + ss.length;
    while (active > 0) {
      await yieldN(nrand(5) + 1);
      const arms = [];
      const which: [string, number][] = [];
      for (let i = 0; i < rs.length; i++) {
        if (!rOpen[i]) continue;
        arms.push(rs[i].rx);
        which.push(["r", i]);
      }
      for (let i = 0; i < ss.length; i++) {
        if (!sOpen[i]) continue;
        arms.push(w.sendArm(ss[i].tx, ss[i].sv));
        which.push(["s", i]);
      }
      const x = await w.selectAsync(arms);
      if (x.error) throw new Error(`select arm ${x.index}: ${x.error.name}`);
      const [side, i] = which[x.index];
      if (side === "r") {
        const c = rs[i];
        tot[1]++;
        c.rv = next(c.rv, x.value);
        if (c.rv === END) {
          c.rx.close();
          rOpen[i] = false;
          active--;
        }
      } else {
        const c = ss[i];
        tot[0]++;
        c.sv = next(c.sv, c.sv);
        if (c.sv === END) {
          c.tx.close();
          sOpen[i] = false;
          active--;
        }
      }
    }
  };
  for (const cap of [0, 1, 10, 100]) {
    used = 0;
    const ca = mkchan(cap, 4);
    await Promise.all(ca.flatMap((c) => [send(c), recv(c)]));
    const c2 = mkchan(cap, 4);
    await Promise.all([...c2.map(send), sel(c2, [])]);
    const c3 = mkchan(cap, 4);
    await Promise.all([...c3.map(recv), sel([], c3)]);
    const c4 = mkchan(cap, 4);
    await Promise.all([sel([], c4), sel(c4, [])]);
    const c5 = mkchan(cap, 8);
    await Promise.all([sel(c5.slice(4, 8), c5.slice(0, 4)), sel(c5.slice(0, 4), c5.slice(4, 8))]);
    const c6 = mkchan(cap, 12);
    await Promise.all([
      ...c6.slice(4, 8).map(send),
      ...c6.slice(8, 12).map(recv),
      sel(c6.slice(4, 8), c6.slice(0, 4)),
      sel(c6.slice(0, 4), c6.slice(8, 12)),
    ]);
  }
  return tot;
};

/** 36 channels per capacity for kenAsync. */
const kenChans = () => Object.fromEntries([0, 1, 10, 100].map((cap) => [cap, Array.from({ length: 36 }, () => channel<number>({ capacity: cap }))]));

describe("crossbeam tests/golang.rs: new cases", () => {
  it("chan::main (ken/chan.go: direct and select senders/receivers, buffers 0, 1, 10, 100)", async () => {
    const PER = 76; // MESSAGES_PER_CHANEL
    const RANGE = 100;
    const CHANNELS = 4 * 36;
    const vals = new Int32Array(new SharedArrayBuffer(8 * CHANNELS));
    const tot = new Int32Array(new SharedArrayBuffer(8));
    const randx = new Int32Array(new SharedArrayBuffer(4));
    let cval = 0;
    let k0 = 0;
    type C = { k: number; tx: Sender<number>; rx: Receiver<number> };
    const mkchan = (cap: number, n: number): C[] =>
      Array.from({ length: n }, () => {
        cval += RANGE;
        const k = k0++;
        vals[2 * k] = cval;
        vals[2 * k + 1] = cval;
        const [tx, rx] = channel<number>({ capacity: cap });
        return { k, tx, rx };
      });
    const go = (role: string, rs: C[], ss: C[]) =>
      thread(kenGoroutine, {
        role,
        rxs: rs.map((c) => c.rx),
        ks: rs.map((c) => c.k),
        txs: ss.map((c) => c.tx),
        kt: ss.map((c) => c.k),
        vals,
        tot,
        randx,
        PER,
      });
    /** Runs one stage's goroutines to the end (crossbeam's `wait`), the main copies closed first. */
    const stage = async (what: string, cs: C[], hs: ReturnType<typeof thread>[]) => {
      for (const c of cs) {
        c.tx.close();
        c.rx.close();
      }
      try {
        await scope(hs, 30_000);
      } catch (e: any) {
        throw new Error(`${what}: ${e?.message ?? e}`);
      }
    };
    for (const cap of [0, 1, 10, 100]) {
      // test1 ×4: direct send to direct recv
      const ca = mkchan(cap, 4);
      await stage(`cap ${cap} test1`, ca, ca.flatMap((c) => [go("send", [], [c]), go("recv", [c], [])]));
      // test2: direct send to select recv
      const c2 = mkchan(cap, 4);
      await stage(`cap ${cap} test2`, c2, [...c2.map((c) => go("send", [], [c])), go("sel", c2, [])]);
      // test3: select send to direct recv
      const c3 = mkchan(cap, 4);
      await stage(`cap ${cap} test3`, c3, [...c3.map((c) => go("recv", [c], [])), go("sel", [], c3)]);
      // test4: select send to select recv, 4 channels
      const c4 = mkchan(cap, 4);
      await stage(`cap ${cap} test4`, c4, [go("sel", [], c4), go("sel", c4, [])]);
      // test5: select send to select recv, 8 channels (each select both sends and receives)
      const c5 = mkchan(cap, 8);
      await stage(`cap ${cap} test5`, c5, [go("sel", c5.slice(4, 8), c5.slice(0, 4)), go("sel", c5.slice(0, 4), c5.slice(4, 8))]);
      // test6: direct and select send to direct and select recv, 12 channels
      const c6 = mkchan(cap, 12);
      await stage(`cap ${cap} test6`, c6, [
        ...c6.slice(4, 8).map((c) => go("send", [], [c])),
        ...c6.slice(8, 12).map((c) => go("recv", [c], [])),
        go("sel", c6.slice(4, 8), c6.slice(0, 4)),
        go("sel", c6.slice(0, 4), c6.slice(8, 12)),
      ]);
    }
    const t = 4 * (4 * 4 + 8 + 12) * PER;
    expect([tot[0], tot[1]]).toEqual([t, t]);
    // every channel ran to its end on both sides
    for (let k = 0; k < CHANNELS; k++) expect([vals[2 * k], vals[2 * k + 1]]).toEqual([10000, 10000]);
  });

  it("chan::main (goroutines as async functions of the main thread)", async () => {
    const T = 4 * 36 * 76;
    expect(await kenAsync(weft, { chans: kenChans(), PER: 76 }, undefined as any)).toEqual([T, T]);
  });

  it("chan::main (goroutines as async functions of one worker, ends revived from spawn)", async () => {
    const T = 4 * 36 * 76;
    const chans = kenChans();
    const hd = thread(kenAsync, { chans, PER: 76 });
    for (const list of Object.values(chans)) for (const [tx, rx] of list) (tx.close(), rx.close());
    expect((await scope([hd]))[0]).toEqual([T, T]);
  });

  it("chan1::main (ken/chan1.go: 10 selecting receivers, one sender, each value received once)", async () => {
    const N = 1000;
    const M = 10;
    const W = 2;
    const h = new Mutex(new Int32Array(new SharedArrayBuffer(4 * N)));
    const [s, r] = channel<number>({ capacity: W });
    const rs = Array.from({ length: M }, (_, m) =>
      thread((w, e) => {
        let got = 0;
        for (;;) {
          const x = w.select([e.r]);
          if (x.error) return got; // the sender is done (Go's receivers loop for ever)
          e.h.withLock((data: Int32Array) => {
            if (data[x.value] !== 1) throw new Error(`r m=${e.m} r=${x.value} h=${data[x.value]}`);
            data[x.value] = 2;
          });
          got++;
        }
      }, { r, h, m }),
    );
    const sender = thread((w, e) => {
      for (let n = 0; n < e.N; n++) {
        e.h.withLock((data: Int32Array) => {
          if (data[n] !== 0) throw new Error(`s n=${n} h=${data[n]}`);
          data[n] = 1;
        });
        e.s.send(n);
      }
    }, { s, h, N });
    s.close();
    r.close();
    const res = await scope([sender, ...rs]);
    expect(res.slice(1).reduce((a: number, b: number) => a + b, 0)).toBe(N);
    h.withLock((data) => expect(data.every((v) => v === 2)).toBe(true));
  });
});
