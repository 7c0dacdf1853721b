/** Channels between real Web Workers and the page: exactly once, FIFO per producer, every flavor. */
import { channel, codecs, selectAsync, share } from "/dist/index.js";
import { check, checkPerProducerFifo, eq, withWorkers } from "./harness.mjs";

const flavors = [
  ["bounded (capacity 8, f64)", { capacity: 8, codec: codecs.f64 }, 3000, false],
  ["unbounded (structured objects)", {}, 1500, true],
  ["rendezvous (capacity 0, i32)", { capacity: 0, codec: codecs.i32 }, 300, false],
];

const workerToWorker = flavors.map(([flavor, opts, n, objects]) => [
  `channel ${flavor}: 2 producer workers → 1 consumer worker, exactly once and FIFO per producer`,
  async () => {
    const [tx, rx] = channel(opts);
    await withWorkers(share, 3, async ([p0, p1, c]) => {
      const got = c.run("consume", { rx });
      const sent = [p0.run("produce", { tx, id: 0, n, objects }), p1.run("produce", { tx, id: 1, n, objects })];
      // The workers hold their own clones: ours must go, or the consumer never sees the end.
      tx.close();
      rx.close();
      eq(await Promise.all(sent), [n, n], "sent");
      checkPerProducerFifo(await got, 2, n, "consumer worker");
    });
  },
]);

const workerToPage = flavors.map(([flavor, opts, n, objects]) => [
  `channel ${flavor}: 2 producer workers → the page (for await), exactly once and FIFO per producer`,
  async () => {
    const [tx, rx] = channel(opts);
    await withWorkers(share, 2, async ([p0, p1]) => {
      const sent = [p0.run("produce", { tx, id: 0, n, objects }), p1.run("produce", { tx, id: 1, n, objects })];
      tx.close();
      const got = [];
      for await (const v of rx) got.push(objects ? v.p * 1e6 + v.i : v);
      eq(await Promise.all(sent), [n, n], "sent");
      checkPerProducerFifo(got, 2, n, "page");
      check(rx.isEmpty, "drained after the end");
      rx.close();
    });
  },
]);

export const cases = [
  ...workerToWorker,
  ...workerToPage,

  ["channel recvAsync on the page: a producer worker → the page until RecvError", async () => {
    const [tx, rx] = channel({ capacity: 4, codec: codecs.f64 });
    const n = 1000;
    await withWorkers(share, 1, async ([p]) => {
      const sent = p.run("produce", { tx, id: 0, n });
      tx.close();
      const got = [];
      for (;;) {
        try {
          got.push(await rx.recvAsync());
        } catch (e) {
          check(e.name === "RecvError", `the end is a RecvError (got ${e})`);
          break;
        }
      }
      eq(await sent, n, "sent");
      checkPerProducerFifo(got, 1, n, "page");
    });
  }],

  ["selectAsync on the page over two channels fed by two workers (bounded and unbounded)", async () => {
    const [tx0, rx0] = channel({ capacity: 2, codec: codecs.f64 });
    const [tx1, rx1] = channel({ codec: codecs.f64 });
    const n = 500;
    await withWorkers(share, 2, async ([p0, p1]) => {
      const sent = [p0.run("produce", { tx: tx0, id: 0, n }), p1.run("produce", { tx: tx1, id: 1, n })];
      tx0.close();
      tx1.close();
      const got = [];
      const open = [rx0, rx1];
      const arms = [rx0, rx1];
      let closed = 0;
      while (closed < 2) {
        const s = await selectAsync(arms.filter((r) => open.includes(r)));
        const rx = arms.filter((r) => open.includes(r))[s.index];
        if (s.error !== undefined) {
          check(s.error.name === "RecvError", `a finished arm reports RecvError (got ${s.error})`);
          open.splice(open.indexOf(rx), 1);
          closed++;
        } else {
          check(Math.floor(s.value / 1e6) === arms.indexOf(rx), `value ${s.value} came out of the channel it was sent on`);
          got.push(s.value);
        }
      }
      eq(await Promise.all(sent), [n, n], "sent");
      checkPerProducerFifo(got, 2, n, "select");
    });
  }],
];
