/**
 * Worker side of the Go channel-test ports in test/acceptance/go-*.test.ts ("goroutines").
 * Default export: (task, ...args) → runs TASKS[task](...args) and returns its result.
 * Every task closes the channel ends it was given before returning (a goroutine that ends
 * holds no channel; for weft the last Sender closing is Go's close()).
 *
 * flags: an Int32Array over a SharedArrayBuffer, used as a tiny handshake board.
 */
import { RecvError, SendError, channel, select, selectAsync, sendArm, trySelect } from "../../dist/index.js";

const napWord = new Int32Array(new SharedArrayBuffer(4));
const nap = (ms) => Atomics.wait(napWord, 0, 0, ms);

function set(flags, i, v) {
  Atomics.store(flags, i, v);
  Atomics.notify(flags, i);
}

function waitFor(flags, i, v, ms = 20_000) {
  const t0 = performance.now();
  for (;;) {
    const cur = Atomics.load(flags, i);
    if (cur === v) return;
    if (performance.now() - t0 > ms) throw new Error(`waitFor: flags[${i}] is ${cur}, wanted ${v}`);
    Atomics.wait(flags, i, cur, 50);
  }
}

const closeAll = (...xs) => {
  for (const x of xs.flat(Infinity)) if (x && typeof x.close === "function") x.close();
};

const TASKS = {
  /** `v := <-c` with flags[idx]: 1 while about to block, 2 when done. Returns the value or "closed". */
  recvOne(rx, flags, idx) {
    try {
      set(flags, idx, 1);
      const v = rx.recv();
      set(flags, idx, 2);
      return v;
    } catch (e) {
      set(flags, idx, 2);
      if (e instanceof RecvError) return "closed";
      throw e;
    } finally {
      rx.close();
    }
  },

  /** `c <- v` with flags[idx]: 1 before, 2 after. */
  sendOne(tx, v, flags, idx) {
    try {
      set(flags, idx, 1);
      tx.send(v);
      set(flags, idx, 2);
    } finally {
      tx.close();
    }
  },

  /** for i in [from, from+n): c <- i */
  sendRange(tx, from, n) {
    try {
      for (let i = from; i < from + n; i++) tx.send(i);
    } finally {
      tx.close();
    }
  },

  /** n × `<-c`, returns counts per value (an object). */
  recvCount(rx, n) {
    try {
      const m = {};
      for (let i = 0; i < n; i++) {
        const v = rx.recv();
        m[v] = (m[v] ?? 0) + 1;
      }
      return m;
    } finally {
      rx.close();
    }
  },

  /** n × `<-c`, returns the values in order. */
  recvList(rx, n, sleepMs = 0) {
    try {
      const out = [];
      for (let i = 0; i < n; i++) {
        if (sleepMs > 0) nap(sleepMs);
        out.push(rx.recv());
      }
      return out;
    } finally {
      rx.close();
    }
  },

  /**
   * TestNonblockRecvRace / TestNonblockSelectRace(2): in round i wait for flags[0] = i+1, do
   * a non-blocking select over as[i] (and bs[i]), record a round where nothing was ready, and
   * report flags[1] = i+1.
   */
  nonblockRaces(as, bs, flags, rounds) {
    const misses = [];
    try {
      for (let i = 0; i < rounds; i++) {
        waitFor(flags, 0, i + 1);
        const arms = bs ? [as[i], bs[i]] : [as[i]];
        if (trySelect(arms) === null) misses.push(i);
        set(flags, 1, i + 1);
      }
      return misses;
    } finally {
      closeAll(as, bs ?? []);
    }
  },

  /** TestSelfSelect: goroutine p. Returns how many values it received that it had sent itself. */
  selfSelect(tx, rx, p, iters) {
    let self = 0;
    try {
      for (let i = 0; i < iters; i++) {
        const arms = p === 0 || i % 2 === 0 ? [sendArm(tx, p), rx] : [rx, sendArm(tx, p)];
        const r = select(arms, { timeout: 20_000 });
        if (r.kind === "recv") {
          if (r.error) throw new Error(`self select: unexpected ${r.error.name}`);
          if (r.value === p) self++;
        }
      }
      return self;
    } finally {
      closeAll(tx, rx);
    }
  },

  /**
   * TestSelectStress, the plain goroutines: for each channel k one sender of n and one receiver
   * of n, as async loops of this one thread.
   */
  async stressPlain(txs, rxs, n) {
    const loops = [];
    txs.forEach((tx) =>
      loops.push(
        (async () => {
          for (let i = 0; i < n; i++) await tx.sendAsync(0, { timeout: 30_000 });
          tx.close();
        })(),
      ),
    );
    rxs.forEach((rx) =>
      loops.push(
        (async () => {
          for (let i = 0; i < n; i++) await rx.recvAsync({ timeout: 30_000 });
          rx.close();
        })(),
      ),
    );
    try {
      await Promise.all(loops);
    } finally {
      closeAll(txs, rxs);
    }
  },

  /** TestSelectStress: n sends on every channel from one select; an arm leaves when its n are done. Arm order as Go's: 3, 2, 0, 1. */
  stressSelectSend(txs, n) {
    try {
      const left = txs.map(() => n);
      const order = [3, 2, 0, 1];
      for (let i = 0; i < 4 * n; i++) {
        const ks = order.filter((k) => left[k] > 0);
        const r = select(ks.map((k) => sendArm(txs[k], 0)), { timeout: 30_000 });
        if (r.error) throw new Error(`stress send: ${r.error.name}`);
        left[ks[r.index]]--;
      }
      return left;
    } finally {
      closeAll(txs);
    }
  },

  stressSelectRecv(rxs, n) {
    try {
      const left = rxs.map(() => n);
      for (let i = 0; i < 4 * n; i++) {
        const ks = [0, 1, 2, 3].filter((k) => left[k] > 0);
        const r = select(ks.map((k) => rxs[k]), { timeout: 30_000 });
        if (r.error) throw new Error(`stress recv: ${r.error.name}`);
        left[ks[r.index]]--;
      }
      return left;
    } finally {
      closeAll(rxs);
    }
  },

  /** TestSelectFairness: forward from one of c3, c4, c1, c2 to out until done is closed. */
  fairness(c1, c2, c3, c4, out, done) {
    let forwarded = 0;
    try {
      for (;;) {
        const a = select([c3, c4, c1, c2], { timeout: 30_000 });
        if (a.error) throw new Error(`fairness: arm ${a.index} ${a.error.name}`);
        const b = select([sendArm(out, a.value), done], { timeout: 30_000 });
        if (b.index === 1) {
          if (!b.error) throw new Error("fairness: a value on done");
          return forwarded;
        }
        forwarded++;
      }
    } finally {
      closeAll(c1, c2, c3, c4, out, done);
    }
  },

  /** TestMultiConsumer worker: `for v := range q { r <- v }`. */
  echo(q, r) {
    let n = 0;
    try {
      for (const v of q) {
        r.send(v);
        n++;
      }
      return n;
    } finally {
      closeAll(q, r);
    }
  },

  /** A select over `arms` (Receivers), after flags[idx] = 1; returns index / value / error name. */
  selectOnce(arms, flags, idx, after) {
    try {
      set(flags, idx, 1);
      const r = select(arms, { timeout: 30_000 });
      const res = { index: r.index, value: r.value, error: r.error?.name };
      if (after) after.send(9);
      return res;
    } finally {
      closeAll(arms, after);
    }
  },

  /** doubleselect.go sender: i to one of four channels; closes them all at the end. */
  doubleSender(cs, n) {
    const per = [0, 0, 0, 0];
    try {
      for (let i = 0; i < n; i++) {
        const r = select(cs.map((c) => sendArm(c, i)), { timeout: 30_000 });
        if (r.error) throw new Error(`doubleselect sender: ${r.error.name}`);
        per[r.index]++;
      }
      return per;
    } finally {
      closeAll(cs);
    }
  },

  /** doubleselect.go mux: `for v := range in { out <- v }`. */
  mux(out, inp) {
    let n = 0;
    try {
      for (const v of inp) {
        out.send(v);
        n++;
      }
      return n;
    } finally {
      closeAll(out, inp);
    }
  },

  /** select6.go goroutine 2: select { <-c1: bad; <-c2: c3 <- true }; <-c1 */
  select6Second(c1, c2, c3) {
    try {
      const r = select([c1, c2], { timeout: 30_000 });
      if (r.index === 0) return "took c1 in the select";
      c3.send(true);
      c1.recv({ timeout: 30_000 });
      return "ok";
    } finally {
      closeAll(c1, c2, c3);
    }
  },

  /**
   * select7.go receivers, all on this thread in turn: for channel k receive with style
   * styles[k] (1: <-c; 2: select{<-c}; 3: select{<-c; <-c2}), flags[0] = k+1 before each.
   */
  select7Recv(cs, styles, flags) {
    const got = [];
    try {
      cs.forEach((c, k) => {
        set(flags, 0, k + 1);
        if (styles[k] === 1) got.push(c.recv({ timeout: 30_000 }));
        else if (styles[k] === 2) got.push(select([c], { timeout: 30_000 }).value);
        else {
          const [, c2] = channel({ capacity: 0 });
          const r = select([c, c2], { timeout: 30_000 });
          got.push(r.index === 0 ? r.value : "c2?");
          c2.close();
        }
      });
      return got;
    } finally {
      closeAll(cs);
    }
  },

  /** select8.go's goroutine: `for { ch <- 5 }`, ending when every receiver is gone. */
  sendForever(tx, v) {
    let n = 0;
    try {
      for (;;) {
        tx.send(v, { timeout: 30_000 });
        n++;
      }
    } catch (e) {
      if (e instanceof SendError) return n;
      throw e;
    } finally {
      tx.close();
    }
  },

  /**
   * fifo.go SynchFifo: n Chain "goroutines" as async functions of this thread:
   * `<-in; if <-ch != val { fail }; out <- 1`, threaded together; `start` and `end` are the ends
   * of the chain, ch the data channel (the main thread sends on it).
   */
  async fifoChain(ch, start, end, n) {
    const links = [start];
    const bad = [];
    const mids = [];
    for (let i = 0; i < n - 1; i++) {
      const [tx, rx] = channel({ capacity: 0 });
      mids.push(tx, rx);
      links.push(tx, rx);
    }
    links.push(end);
    // links: start(rx), tx1, rx1, tx2, rx2, …, end(tx): chain i reads links[2i], writes links[2i+1]
    const chains = [];
    for (let i = 0; i < n; i++) {
      const inp = links[2 * i], out = links[2 * i + 1];
      chains.push(
        (async () => {
          await inp.recvAsync({ timeout: 30_000 });
          const v = await ch.recvAsync({ timeout: 30_000 });
          if (v !== i) bad.push([i, v]);
          await out.sendAsync(1, { timeout: 30_000 });
        })(),
      );
    }
    try {
      await Promise.all(chains);
      return bad;
    } finally {
      closeAll(ch, start, end, mids);
    }
  },

  /**
   * goroutines.go: n "goroutines" as async functions of this thread, `left <- <-right`, threaded
   * together between `leftmost` (a Sender; the main thread receives) and `rightmost` (a Receiver).
   */
  async goroutineChain(leftmost, rightmost, n) {
    const lefts = [leftmost];
    const rights = [];
    for (let i = 0; i < n - 1; i++) {
      const [tx, rx] = channel({ capacity: 0 });
      rights.push(rx);
      lefts.push(tx);
    }
    rights.push(rightmost);
    const fs = lefts.map((l, i) => (async () => l.sendAsync(await rights[i].recvAsync({ timeout: 30_000 }), { timeout: 30_000 }))());
    try {
      await Promise.all(fs);
    } finally {
      closeAll(lefts, rights);
    }
  },

  /** goroutines.go across threads: one link, `left <- <-right`. */
  link(left, right) {
    try {
      left.send(right.recv({ timeout: 30_000 }));
    } finally {
      closeAll(left, right);
    }
  },

  /**
   * sieve1.go in this thread: Generate, Filters and Sieve are async functions; primes go to the
   * main thread on `primes`. When the main thread closes its receiver, Sieve's send fails and the
   * chain is torn down by disconnection (each stage closing its ends makes its neighbour fail).
   */
  async sieve1(primes) {
    const stages = [];
    const generate = async (tx) => {
      try {
        for (let i = 2; ; i++) await tx.sendAsync(i, { timeout: 30_000 });
      } catch (e) {
        if (!(e instanceof SendError)) throw e;
      } finally {
        tx.close();
      }
    };
    const filter = async (rx, tx, prime) => {
      try {
        for await (const i of rx) if (i % prime !== 0) await tx.sendAsync(i, { timeout: 30_000 });
      } catch (e) {
        if (!(e instanceof SendError)) throw e;
      } finally {
        rx.close();
        tx.close();
      }
    };
    let [tx, ch] = channel({ capacity: 0 });
    stages.push(generate(tx));
    let count = 0;
    try {
      for (;;) {
        const prime = await ch.recvAsync({ timeout: 30_000 });
        await primes.sendAsync(prime, { timeout: 30_000 });
        count++;
        const [tx1, ch1] = channel({ capacity: 0 });
        stages.push(filter(ch, tx1, prime));
        ch = ch1;
      }
    } catch (e) {
      if (!(e instanceof SendError)) throw e;
    } finally {
      ch.close();
      primes.close();
    }
    await Promise.all(stages);
    return count;
  },

  /** A sieve1 Filter stage as a thread of its own: for i in in: if i % prime: out <- i. */
  filterStage(rx, tx, prime) {
    try {
      for (const i of rx) if (i % prime !== 0) tx.send(i);
    } catch (e) {
      if (!(e instanceof SendError)) throw e;
    } finally {
      closeAll(rx, tx);
    }
  },

  generateStage(tx) {
    try {
      for (let i = 2; ; i++) tx.send(i, { timeout: 30_000 });
    } catch (e) {
      if (!(e instanceof SendError)) throw e;
    } finally {
      tx.close();
    }
  },

  /** sendstmt.go chanchan across threads: `select { case <-cc <- 2: default: fail }` */
  chanchan(cc) {
    try {
      const c = cc.recv({ timeout: 30_000 }); // Go evaluates <-cc on entering the select
      const r = trySelect([sendArm(c, 2)]);
      c.close();
      return r === null ? "default" : r.kind;
    } finally {
      cc.close();
    }
  },

  /** TestNoShrinkStackWhileParking's send side for `rounds` channels: n sends each. */
  sendRounds(txs, n) {
    try {
      for (const tx of txs) {
        for (let i = 0; i < n; i++) tx.send(i, { timeout: 30_000 });
        tx.close();
      }
    } finally {
      closeAll(txs);
    }
  },

  /**
   * An async sender and an async receiver of this one thread on the channel whose ends were
   * passed in (the usual way a worker gets a channel): n messages; returns ms per message.
   */
  async sameThreadPair(tx, rx, n) {
    const t0 = performance.now();
    try {
      await Promise.all([
        (async () => {
          for (let i = 0; i < n; i++) await tx.sendAsync(i, { timeout: 30_000 });
        })(),
        (async () => {
          for (let i = 0; i < n; i++) if ((await rx.recvAsync({ timeout: 30_000 })) !== i) throw new Error("out of order");
        })(),
      ]);
      return (performance.now() - t0) / n;
    } finally {
      closeAll(tx, rx);
    }
  },

  /** A value-less async loop helper for selectAsync checks inside a worker. */
  async selectAsyncOnce(arms) {
    try {
      const r = await selectAsync(arms, { timeout: 30_000 });
      return { index: r.index, value: r.value, error: r.error?.name };
    } finally {
      closeAll(arms);
    }
  },
};

export default async function (task, ...args) {
  const f = TASKS[task];
  if (!f) throw new Error(`acc3-go: unknown task ${task}`);
  return await f(...args);
}
