/**
 * Barrier properties over real workers (DESIGN §5, §9): reused for many generations, each
 * generation releases all parties only once all have arrived, with exactly one leader; waiters
 * that time out or abort withdraw and leave the barrier working.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Barrier, TimeoutError, spawn } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import { arrange, fcParams, joinAll, layoutArb, rejection, seedArb, timeoutFor, within, words, HANG_MS } from "../prop-helpers.js";

describe("Barrier (property, real workers)", () => {
  const RUNS = 12;
  it(
    "releases all parties per generation, never early, with exactly one leader per generation",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 6 }),
          fc.boolean(), // the main thread is one more party (waitAsync)
          fc.integer({ min: 1, max: 60 }),
          fc.constantFrom("wait", "waitTimeout", "waitAsync", "mixed"),
          fc.integer({ min: 0, max: 3000 }),
          layoutArb(4),
          seedArb,
          async (workers, mainToo, gens, mode, spin, layout, seed) => {
            const parties = workers + (mainToo ? 1 : 0);
            const arena = arrange([{ bytes: Barrier.BYTE_LENGTH }, { bytes: gens * 4 }, { bytes: gens * 4 }, { bytes: gens * 4 }], layout);
            const barrier = arena === null ? new Barrier(parties) : Barrier.at(arena.buffer, arena.offsets[0]!, parties);
            const arrived = words(arena, 1, gens), left = words(arena, 2, gens), leaders = words(arena, 3, gens);
            const dump = () => `arrived=${[...arrived]} left=${[...left]} leaders=${[...leaders]}`;
            const handles = [...Array(workers)].map((_, i) =>
              spawn<number>(workerUrl("barrier-gens.mjs"), barrier, arrived, left, leaders, parties, gens, mode, seed + i, spin),
            );
            let mainEarly = 0;
            if (mainToo) {
              await within(
                (async () => {
                  for (let g = 0; g < gens; g++) {
                    Atomics.add(arrived, g, 1);
                    const r = await barrier.waitAsync();
                    if (Atomics.load(arrived, g) !== parties) mainEarly++;
                    if (r.isLeader) Atomics.add(leaders, g, 1);
                    Atomics.add(left, g, 1);
                  }
                })(),
                HANG_MS,
                "main thread's barrier waits",
                dump,
              ).catch(async (e) => {
                await Promise.allSettled(handles.map((h) => h.terminate()));
                throw e;
              });
            }
            const early = (await joinAll(handles, HANG_MS, dump)).reduce((a, b) => a + b, mainEarly);
            expect(early, "a party was released before all had arrived").toBe(0);
            expect([...arrived]).toEqual(Array(gens).fill(parties));
            expect([...left]).toEqual(Array(gens).fill(parties));
            expect([...leaders], "leaders per generation").toEqual(Array(gens).fill(1));
            arena?.checkSentinels();
          },
        ),
        fcParams(RUNS),
      );
    },
    timeoutFor(RUNS, 3_000),
  );

  it(
    "keeps working past 2048 generations (its state word keeps the generation mod 2^11)",
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 2040, max: 2600 }), seedArb, async (parties, gens, seed) => {
          const barrier = new Barrier(parties);
          const [arrived, left, leaders] = [0, 1, 2].map(() => new Int32Array(new SharedArrayBuffer(gens * 4)));
          const hs = [...Array(parties)].map((_, i) =>
            spawn<number>(workerUrl("barrier-gens.mjs"), barrier, arrived, left, leaders, parties, gens, "mixed", seed + i, 0),
          );
          expect(await joinAll(hs)).toEqual(hs.map(() => 0));
          expect(leaders!.every((n) => n === 1), "one leader per generation").toBe(true);
          expect(left!.every((n) => n === parties)).toBe(true);
        }),
        fcParams(2),
      );
    },
    timeoutFor(2, 6_000),
  );

  it(
    "waiters that time out or abort withdraw: the next full set of parties trips it exactly once",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 2, max: 5 }),
          fc.array(fc.record({ how: fc.constantFrom("timeout", "abort", "sync-timeout"), ms: fc.integer({ min: 0, max: 30 }) }), {
            minLength: 1,
            maxLength: 4,
          }),
          seedArb,
          async (parties, quitters, seed) => {
            const barrier = new Barrier(parties);
            // Fewer than `parties` arrive and give up, one after another (main thread, and a worker
            // for the blocking form). None may be released; each must withdraw its arrival.
            for (const q of quitters.slice(0, parties - 1)) {
              if (q.how === "sync-timeout") {
                const r = await joinAll([spawn<any>(workerUrl("attempt.mjs"), barrier, "barrierWait", { timeout: q.ms })]);
                expect(r[0].error).toBe("TimeoutError");
              } else if (q.how === "timeout") {
                expect(await rejection(barrier.waitAsync({ timeout: q.ms }))).toBeInstanceOf(TimeoutError);
              } else {
                const ac = new AbortController();
                const reason = new Error("quit");
                setTimeout(() => ac.abort(reason), q.ms);
                expect(await rejection(barrier.waitAsync({ signal: ac.signal }))).toBe(reason);
              }
            }
            // Now exactly `parties` parties, for two generations: every one released, one leader each.
            const arrived = new Int32Array(new SharedArrayBuffer(8)), left = new Int32Array(new SharedArrayBuffer(8));
            const leaders = new Int32Array(new SharedArrayBuffer(8));
            const hs = [...Array(parties)].map((_, i) =>
              spawn<number>(workerUrl("barrier-gens.mjs"), barrier, arrived, left, leaders, parties, 2, "mixed", seed + i, 0),
            );
            expect(await joinAll(hs)).toEqual(hs.map(() => 0));
            expect([...leaders]).toEqual([1, 1]);
            expect([...left]).toEqual([parties, parties]);
          },
        ),
        fcParams(6),
      );
    },
    timeoutFor(6, 2_000),
  );
});
