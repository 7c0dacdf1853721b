/**
 * Channels: weft's bounded / unbounded / rendezvous channels against postMessage, ringbuf.js,
 * hand-written SAB queues and the `multithreading` peer, measured in the same run.
 * Worker side: bench/workers/channel.mjs. Harness and suite format: bench/lib/harness.mjs.
 *
 * Every case moves numbered messages from producers to consumers and checks, after every round,
 * each consumer's count, sum, hash and order (bench/workers/channel.mjs): a wrong result fails
 * the case — except the `multithreading` peer's, whose wrong values are counted and reported.
 */
import { channel, codecs, share } from "../../dist/index.js";
import { RingBuffer } from "ringbuf.js";
import { spscBytes, vyukovBytes, vyukovInit, handoffBytes } from "../lib/channel-baselines.mjs";
import { K, RESULT_WORDS } from "../workers/channel.mjs";

const CAP = 1024;
const sab = (bytes) => new SharedArrayBuffer(bytes);
const results = (consumers) => sab(8 * RESULT_WORDS * consumers);

/** A weft channel's two ends, shared, plus the result words. */
const weftShared = (opts, consumers = 1) => () => {
  const [tx, rx] = channel(opts);
  return { tx: share(tx), rx: share(rx), result: results(consumers) };
};

/** One MessageChannel between worker 0 (producer) and worker 1 (consumer). */
const onePort = () => {
  const { port1, port2 } = new MessageChannel();
  return [
    { value: { port: port1 }, transfer: [port1] },
    { value: { port: port2 }, transfer: [port2] },
  ];
};

const resetResult = (s) => new Float64Array(s.result).fill(0);

// -----------------------------------------------------------------------------------------------
// Checks.

const hashMemo = new Map();
/** Expected sum and hash of `producers` × `iters` values p*iters + i + 0.5. */
function expected(iters, producers) {
  const key = `${iters}/${producers}`;
  let e = hashMemo.get(key);
  if (e === undefined) {
    const n = iters * producers;
    let hash = 0;
    for (let k = 0; k < n; k++) hash = (hash + Math.imul(2 * k + 1, K)) | 0;
    e = { count: n, sum: (n * n) / 2, hash };
    hashMemo.set(key, e);
  }
  return e;
}

/** Sums the consumers' tallies. */
function totals(shared, consumers) {
  const r = new Float64Array(shared.result);
  const t = { count: 0, sum: 0, hash: 0, bad: 0 };
  for (let c = 0; c < consumers; c++) {
    t.count += r[c * RESULT_WORDS];
    t.sum += r[c * RESULT_WORDS + 1];
    t.hash = (t.hash + r[c * RESULT_WORDS + 2]) | 0;
    t.bad += r[c * RESULT_WORDS + 3];
  }
  return t;
}

/** Check of numbered f64 messages from `producers` producers to `consumers` consumers. */
const numbersCheck = (producers = 1, consumers = 1) => (shared, iters) => {
  const want = expected(iters, producers);
  const got = totals(shared, consumers);
  if (got.count !== want.count) return `received ${got.count} messages, expected ${want.count}`;
  if (got.sum !== want.sum) return `checksum ${got.sum}, expected ${want.sum} (values corrupted)`;
  if (got.hash !== want.hash) return `hash ${got.hash}, expected ${want.hash} (values corrupted)`;
  if (got.bad !== 0) return `${got.bad} messages out of order`;
  return null;
};

/** Check of the small objects (ids 0..iters-1 in order). */
const objectsCheck = (shared, iters) => {
  const got = totals(shared, 1);
  let hash = 0;
  for (let i = 0; i < iters; i++) hash = (hash + Math.imul(i, K) + `item-${i}`.length + 3 * 31) | 0;
  if (got.count !== iters) return `received ${got.count} objects, expected ${iters}`;
  if (got.sum !== (iters * (iters - 1)) / 2) return `id checksum ${got.sum}, expected ${(iters * (iters - 1)) / 2}`;
  if (got.hash !== hash) return `field hash ${got.hash}, expected ${hash} (objects corrupted)`;
  if (got.bad !== 0) return `${got.bad} objects out of order or malformed`;
  return null;
};

/**
 * For a peer whose errors must not fail the suite: a note with the wrong values it delivered,
 * tallied over every round so far (warm-up included) in `shared.wrong`.
 */
const wrongValuesNote = (shared, iters) => {
  const r = new Float64Array(shared.result);
  (shared.wrong ??= []).push(r[3]);
  for (let i = RESULT_WORDS; i + 1 < r.length && !Number.isNaN(r[i]); i += 2) {
    if ((shared.examples ??= []).length < 4) shared.examples.push(`${r[i + 1]} for ${r[i]}`);
  }
  const total = shared.wrong.reduce((a, b) => a + b, 0);
  const sent = (iters * shared.wrong.length).toLocaleString("en-US");
  const eg = shared.examples?.length ? `; e.g. got ${shared.examples.join(", ")}` : "";
  return `${total} wrong, erroneous or missing values of ${sent} sent in ${shared.wrong.length} rounds (per round, warm-up first: ${shared.wrong.join(" ")})${eg}`;
};

// -----------------------------------------------------------------------------------------------
// Implementations shared by several cases.

const oneToOne = (iters) => iters; // ops per round: items, not items × workers

const weft1p1c = (iters, opts) => ({
  impl: "weft",
  kind: undefined, // set by the case
  iters,
  ops: oneToOne,
  shared: weftShared(opts),
  reset: resetResult,
  check: numbersCheck(),
});

const postMessage1p1c = (iters) => ({
  impl: "postMessage",
  iters,
  ops: oneToOne,
  shared: () => ({ result: results(1) }),
  perWorker: onePort,
  reset: resetResult,
  check: numbersCheck(),
});

/** Fills in `kind` = case/impl for every impl of a case. */
function kase(c) {
  for (const i of c.impls) i.kind = `${c.name}/${i.impl}`;
  return c;
}

// -----------------------------------------------------------------------------------------------

const bounded1p1c = kase({
  name: "bounded-f64-1p1c",
  desc: "1M f64, 1 producer → 1 consumer, one item per send/recv (weft: capacity 1024, codecs.f64; rings: 1024 slots; ringbuf.js: 200k, busy-polling; spsc/vyukov-baseline: hand-written, spin then nap)",
  threads: 2,
  runs: 5,
  targets: [
    { vs: "postMessage", faster: 25 },
    { vs: "ringbuf.js", faster: 2 },
  ],
  impls: [
    weft1p1c(1_000_000, { capacity: CAP, codec: codecs.f64 }),
    postMessage1p1c(1_000_000),
    {
      // Busy-polling, as its examples do: on a loaded 2-core host a spinning side can hold the
      // core its peer needs for a whole time slice, so it is slow and erratic there. Fewer items
      // (compare per-op figures) keep the suite's run time bounded.
      impl: "ringbuf.js",
      iters: 200_000,
      ops: oneToOne,
      shared: () => ({ ring: RingBuffer.getStorageForCapacity(CAP, Float64Array), result: results(1) }),
      reset: resetResult,
      check: numbersCheck(),
    },
    {
      impl: "spsc-baseline",
      iters: 1_000_000,
      ops: oneToOne,
      shared: () => ({ ring: sab(spscBytes(CAP)), cap: CAP, result: results(1) }),
      reset: resetResult,
      check: numbersCheck(),
    },
    {
      impl: "vyukov-baseline",
      iters: 1_000_000,
      ops: oneToOne,
      shared: () => {
        const ring = sab(vyukovBytes(CAP));
        vyukovInit(ring, CAP);
        return { ring, cap: CAP, result: results(1) };
      },
      reset: resetResult,
      check: numbersCheck(),
    },
  ],
});

const batch1024 = kase({
  name: "batch-1024",
  desc: "1M f64 in batches of 1024 (weft: sendMany(Float64Array)/recvMany(1024), capacity 1024; weft-typed: recvInto(Float64Array) instead; ringbuf.js: 200k, push/pop of 1024, busy-polling; postMessage: a 1024-element Float64Array per message)",
  threads: 2,
  runs: 7,
  targets: [
    { vs: "ringbuf.js", within: 1 },
    { vs: "postMessage", faster: 1.5 },
  ],
  impls: [
    weft1p1c(1_000_000, { capacity: CAP, codec: codecs.f64 }),
    {
      // Busy-polling, as its examples do: on a loaded 2-core host a spinning side can hold the
      // core its peer needs for a whole time slice, so it is slow and erratic there. Fewer items
      // (compare per-op figures) keep the suite's run time bounded.
      impl: "ringbuf.js",
      iters: 200_000,
      ops: oneToOne,
      shared: () => ({ ring: RingBuffer.getStorageForCapacity(CAP, Float64Array), result: results(1) }),
      reset: resetResult,
      check: numbersCheck(),
    },
    postMessage1p1c(1_000_000),
    // With room for one batch only, producer and consumer take turns (each waits for the other's
    // whole batch); postMessage's queue is unbounded. Shown, not a target: room for 8 batches.
    { ...weft1p1c(1_000_000, { capacity: 8 * CAP, codec: codecs.f64 }), impl: "weft-cap8192" },
    // The same shape as ringbuf.js's on both ends: each holds a Float64Array (sendMany of it,
    // recvInto it), nothing allocated per batch. Shown, not a target (the targets are recvMany's).
    { ...weft1p1c(1_000_000, { capacity: CAP, codec: codecs.f64 }), impl: "weft-typed" },
  ],
});

const mpmc2p2c = kase({
  name: "mpmc-2p2c",
  desc: "2 producers × 500k f64 → 2 consumers on one queue (weft: capacity 1024; postMessage: each producer deals round-robin to two ports)",
  threads: 4,
  runs: 5,
  targets: [{ vs: "postMessage", faster: 12 }],
  impls: [
    {
      impl: "weft",
      iters: 500_000,
      ops: (iters) => iters * 2,
      shared: weftShared({ capacity: CAP, codec: codecs.f64 }, 2),
      reset: resetResult,
      check: numbersCheck(2, 2),
    },
    {
      impl: "vyukov-baseline",
      iters: 500_000,
      ops: (iters) => iters * 2,
      shared: () => {
        const ring = sab(vyukovBytes(CAP));
        vyukovInit(ring, CAP);
        return { ring, cap: CAP, result: results(2) };
      },
      reset: resetResult,
      check: numbersCheck(2, 2),
    },
    {
      impl: "postMessage",
      iters: 500_000,
      ops: (iters) => iters * 2,
      shared: () => ({ result: results(2) }),
      perWorker: () => {
        // ch[p][c]: producer p → consumer c.
        const ch = [0, 1].map(() => [0, 1].map(() => new MessageChannel()));
        const producer = (p) => ({ value: { ports: [ch[p][0].port1, ch[p][1].port1] }, transfer: [ch[p][0].port1, ch[p][1].port1] });
        const consumer = (c) => ({ value: { ports: [ch[0][c].port2, ch[1][c].port2] }, transfer: [ch[0][c].port2, ch[1][c].port2] });
        return [producer(0), producer(1), consumer(0), consumer(1)];
      },
      reset: resetResult,
      check: numbersCheck(2, 2),
    },
  ],
});

const structuredSmall = kase({
  name: "structured-small-objects",
  desc: "200k {id, name, tags: [3 strings]} objects, 1 → 1 (weft: default structured codec, capacity 1024)",
  threads: 2,
  runs: 5,
  targets: [{ vs: "postMessage", faster: 2 }],
  impls: [
    {
      impl: "weft",
      iters: 200_000,
      ops: oneToOne,
      shared: weftShared({ capacity: CAP }),
      reset: resetResult,
      check: objectsCheck,
    },
    {
      impl: "postMessage",
      iters: 200_000,
      ops: oneToOne,
      shared: () => ({ result: results(1) }),
      perWorker: onePort,
      reset: resetResult,
      check: objectsCheck,
    },
  ],
});

const unbounded = kase({
  name: "unbounded-f64",
  desc: "1M f64, 1 → 1, one item per send/recv (weft: unbounded list flavor, codecs.f64)",
  threads: 2,
  runs: 5,
  targets: [],
  impls: [weft1p1c(1_000_000, { codec: codecs.f64 }), postMessage1p1c(1_000_000)],
});

const rendezvous = kase({
  name: "rendezvous-f64",
  desc: "20k f64, 1 → 1 (weft: capacity 0, each send waits for its receiver; postMessage-ack: next message after the previous one's ack; atomics-handoff: one slot, spin then wait)",
  threads: 2,
  runs: 5,
  warmup: 1, // every message is a hand-over (tens of µs): one round warms the JIT
  targets: [],
  impls: [
    weft1p1c(20_000, { capacity: 0, codec: codecs.f64 }),
    postMessage1p1c(20_000),
    {
      impl: "postMessage-ack",
      iters: 20_000,
      ops: oneToOne,
      shared: () => ({ result: results(1) }),
      perWorker: onePort,
      reset: resetResult,
      check: numbersCheck(),
    },
    {
      impl: "atomics-handoff",
      iters: 20_000,
      ops: oneToOne,
      shared: () => ({ ring: sab(handoffBytes()), result: results(1) }),
      reset: resetResult,
      check: numbersCheck(),
    },
  ],
});

const multithreadingChannel = kase({
  name: "multithreading-channel",
  desc: "f64 1 → 1 (weft: 1M, capacity 1024; multithreading@0.3.52 channel(1024): 20k, async send/recv and blockingSend/blockingRecv)",
  threads: 2,
  runs: 5,
  targets: [],
  impls: [
    weft1p1c(1_000_000, { capacity: CAP, codec: codecs.f64 }),
    {
      impl: "multithreading",
      iters: 20_000,
      ops: oneToOne,
      shared: () => ({ result: sab(8 * (RESULT_WORDS + 8)) }), // + the first wrong (expected, got) pairs
      perWorker: onePort,
      reset: resetResult,
      note: wrongValuesNote,
    },
    {
      impl: "multithreading-blocking",
      iters: 20_000,
      ops: oneToOne,
      shared: () => ({ result: sab(8 * (RESULT_WORDS + 8)) }),
      perWorker: onePort,
      reset: resetResult,
      note: wrongValuesNote,
    },
  ],
});

export default {
  suite: "channel",
  worker: new URL("../workers/channel.mjs", import.meta.url),
  cases: [bounded1p1c, batch1024, mpmc2p2c, structuredSmall, unbounded, rendezvous, multithreadingChannel],
};
