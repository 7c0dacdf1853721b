/**
 * Exactly-once and per-producer FIFO on full histories, with real workers (issue #4, "Tests").
 *
 * Random producers (1–4) and consumers (1–4), each a worker or (async only) the main thread;
 * capacity 0 / 1 / small / large / unbounded; codecs (structured with payloads up to 5000 chars,
 * so many messages overflow their slot and go to the arena; json; bytes; f64; i32; i64);
 * batch sizes for sendMany / recvMany; every send and receive style (blocking, try-with-fallback,
 * async, select, iteration). Each message names (producer, seq) and carries a payload derived
 * from them, so the checker sees loss, duplication, reordering and corruption.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { channel, spawn, type Receiver, type Sender, type WorkerHandle } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import { codecOf, consume, isNumericCodec, produce, type History } from "../workers/ch-lib.mjs";
import { checkHistories, joinAll, runs } from "./util.js";

// sendManyTyped, recvInto and recvIntoAsync need a numeric codec: with another they stand for
// sendMany / recvMany / recvManyAsync (see `styleFor`).
const WORKER_PRODUCE = ["send", "sendMany", "sendManyTyped", "sendAsync", "trySend", "select"] as const;
const MAIN_PRODUCE = ["sendAsync", "selectAsync"] as const;
const WORKER_CONSUME = ["recv", "recvMany", "recvInto", "iter", "tryRecv", "select", "recvAsync", "forAwait"] as const;
const MAIN_CONSUME = ["recvAsync", "forAwait", "recvManyAsync", "recvIntoAsync", "selectAsync"] as const;

const TYPED_ONLY: Record<string, string> = { sendManyTyped: "sendMany", recvInto: "recvMany", recvIntoAsync: "recvManyAsync" };
const styleFor = (mode: string, codec: string): string => (isNumericCodec(codec) ? mode : (TYPED_ONLY[mode] ?? mode));

interface Role {
  main: boolean;
  mode: string;
}

const role = (workerModes: readonly string[], mainModes: readonly string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...workerModes).map((mode): Role => ({ main: false, mode })) },
    { weight: 1, arbitrary: fc.constantFrom(...mainModes).map((mode): Role => ({ main: true, mode })) },
  );

const capacityArb = fc.oneof(
  fc.constant(0),
  fc.constant(1),
  fc.integer({ min: 2, max: 8 }),
  fc.integer({ min: 64, max: 1024 }),
  fc.constant(Infinity),
);

const scenarioArb = fc
  .record({
    capacity: capacityArb,
    codec: fc.constantFrom("structured", "structured", "json", "bytes", "f64", "i32", "i64"),
    producers: fc.array(role(WORKER_PRODUCE, MAIN_PRODUCE), { minLength: 1, maxLength: 4 }),
    consumers: fc.array(role(WORKER_CONSUME, MAIN_CONSUME), { minLength: 1, maxLength: 4 }),
    counts: fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 4, maxLength: 4 }),
    // Payload lengths cycle through these; slotBytes decides which go to the arena.
    sizes: fc.array(fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 100, max: 5000 })), { minLength: 1, maxLength: 4 }),
    slotBytes: fc.constantFrom(undefined, 8, 64, 1024),
    batch: fc.integer({ min: 1, max: 64 }),
  });

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never;

async function runScenario(sc: Scenario): Promise<void> {
  const counts = sc.producers.map((_, i) => sc.counts[i]!);
  const [tx, rx] = channel<unknown>({
    capacity: sc.capacity,
    codec: codecOf(sc.codec),
    ...(sc.slotBytes !== undefined ? { slotBytes: sc.slotBytes } : {}),
  });
  const handles: WorkerHandle<any>[] = [];
  const local: Promise<unknown>[] = [];
  const consumerResults: (Promise<History> | number)[] = [];
  // Consumers first, so producers on a rendezvous channel find someone sooner.
  for (const c of sc.consumers) {
    const cfg = { mode: styleFor(c.mode, sc.codec), batch: sc.batch, sizes: sc.sizes, codec: sc.codec };
    if (c.main) {
      const p = consume(rx.clone(), cfg);
      local.push(p);
      consumerResults.push(p);
    } else {
      consumerResults.push(handles.length);
      handles.push(spawn(workerUrl("ch-consume.mjs"), rx, cfg));
    }
  }
  sc.producers.forEach((p, id) => {
    const cfg = { id, count: counts[id]!, mode: styleFor(p.mode, sc.codec), batch: sc.batch, sizes: sc.sizes, codec: sc.codec };
    if (p.main) local.push(produce(tx.clone(), cfg));
    else handles.push(spawn(workerUrl("ch-produce.mjs"), tx, cfg));
  });
  // Every worker and local task holds its own clone now.
  tx.close();
  rx.close();
  const results = await joinAll<any>(handles, `scenario ${JSON.stringify(sc)}`, 20_000, local);
  const hist = await Promise.all(consumerResults.map((r) => (typeof r === "number" ? (results[r] as History) : r)));
  const problem = checkHistories(hist, counts);
  if (problem !== null) throw new Error(problem);
}

describe("channel histories (real workers)", () => {
  it(
    "every message arrives exactly once, in per-producer order, for random producers/consumers/capacities/codecs/styles",
    async () => {
      await fc.assert(fc.asyncProperty(scenarioArb, runScenario), {
        numRuns: runs(14),
        interruptAfterTimeLimit: 150_000 * (process.env.WEFT_SOAK ? 20 : 1),
        markInterruptAsFailure: true,
      });
    },
    180_000 * (process.env.WEFT_SOAK ? 20 : 1),
  );

  // A few fixed corners the random search may take long to reach.
  const corners: [string, Partial<Scenario>][] = [
    ["rendezvous, 4 producers × 4 worker consumers, blocking", { capacity: 0, producers: Array(4).fill({ main: false, mode: "send" }), consumers: Array(4).fill({ main: false, mode: "recv" }) }],
    ["capacity 1, arena-sized structured messages, sendMany/recvMany", { capacity: 1, sizes: [5000, 0, 300], producers: Array(2).fill({ main: false, mode: "sendMany" }), consumers: Array(2).fill({ main: false, mode: "recvMany" }) }],
    // Bounded + fixed codec: batches reserve and publish whole runs of slots (one atomic per run);
    // runs split by wrap-around, partial takes, and single sends/receives mixed in.
    ["f64, capacity 7, runs: sendMany ×3 and send → recvMany ×2 and recv", { capacity: 7, codec: "f64", batch: 5, counts: [2000, 2000, 2000, 2000], producers: [...Array(3).fill({ main: false, mode: "sendMany" }), { main: false, mode: "send" }], consumers: [{ main: false, mode: "recvMany" }, { main: false, mode: "recvMany" }, { main: false, mode: "recv" }] }],
    ["i32, capacity 64, runs of 64 against tryRecv, select and a main-thread recvManyAsync", { capacity: 64, codec: "i32", batch: 64, counts: [3000, 3000, 3000, 3000], producers: Array(2).fill({ main: false, mode: "sendMany" }), consumers: [{ main: false, mode: "tryRecv" }, { main: false, mode: "select" }, { main: true, mode: "recvManyAsync" }] }],
    // Typed batches: sendMany of the codec's typed array in, recvInto typed arrays out (runs split
    // by wrap-around and by targets shorter than a run), beside one-at-a-time ends.
    ["f64, capacity 7, typed: sendMany(Float64Array) ×2 and send → recvInto ×2, recv and a main-thread recvIntoAsync", { capacity: 7, codec: "f64", batch: 5, counts: [2000, 2000, 2000, 2000], producers: [...Array(2).fill({ main: false, mode: "sendManyTyped" }), { main: false, mode: "sendMany" }, { main: false, mode: "send" }], consumers: [{ main: false, mode: "recvInto" }, { main: false, mode: "recvInto" }, { main: false, mode: "recv" }, { main: true, mode: "recvIntoAsync" }] }],
    ["i64, unbounded and rendezvous, typed", { capacity: Infinity, codec: "i64", batch: 33, counts: [1500, 1500, 1500, 1500], producers: Array(2).fill({ main: false, mode: "sendManyTyped" }), consumers: [{ main: false, mode: "recvInto" }, { main: true, mode: "recvIntoAsync" }] }],
    ["i32, rendezvous, typed", { capacity: 0, codec: "i32", batch: 8, counts: [500, 500, 500, 500], producers: Array(2).fill({ main: false, mode: "sendManyTyped" }), consumers: [{ main: false, mode: "recvInto" }, { main: false, mode: "recvInto" }] }],
    ["unbounded, main-thread async consumers only", { capacity: Infinity, producers: Array(3).fill({ main: false, mode: "send" }), consumers: [{ main: true, mode: "forAwait" }, { main: true, mode: "recvAsync" }, { main: true, mode: "selectAsync" }] }],
  ];
  for (const [name, over] of corners) {
    it(name, async () => {
      await runScenario({
        capacity: 4, codec: "structured", producers: [{ main: false, mode: "send" }], consumers: [{ main: false, mode: "recv" }],
        counts: [300, 300, 300, 300], sizes: [10, 200], slotBytes: undefined, batch: 16, ...over,
      } as Scenario);
    });
  }
});

describe("checker self-test", () => {
  it("flags loss, duplication, reordering and corruption", () => {
    const h = (pairs: number[], bad = 0): History => ({ seen: Int32Array.from(pairs), bad });
    expect(checkHistories([h([0, 0, 0, 1])], [2])).toBeNull();
    expect(checkHistories([h([0, 0])], [2])).toMatch(/lost/);
    expect(checkHistories([h([0, 0, 0, 1]), h([0, 1])], [2])).toMatch(/twice/);
    expect(checkHistories([h([0, 1, 0, 0])], [2])).toMatch(/FIFO/);
    expect(checkHistories([h([0, 0, 0, 1], 1)], [2])).toMatch(/malformed/);
    expect(checkHistories([h([0, 0, 0, 1, 0, 2])], [2])).toMatch(/nobody sent/);
  });
});
