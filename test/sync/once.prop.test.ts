/**
 * Once properties over real workers (DESIGN §5, §9): many threads racing `callOnce` (in every
 * style, the main thread too) run the function exactly once, and no call returns before it has
 * finished. Each run races on a series of Onces, the racers leaving a spinning start line
 * together for each.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Once, spawn } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import { arrange, fcParams, joinAll, layoutArb, seedArb, timeoutFor, within, words, HANG_MS } from "../prop-helpers.js";

const MAX_RACES = 30;

describe("Once (property, real workers)", () => {
  const RUNS = 12;
  it(
    "runs once across many workers racing callOnce, and every call returns after it finished",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.constantFrom("callOnce", "callOnceTimeout", "callOnceForce", "callOnceAsync", "mixed"), { minLength: 1, maxLength: 6 }),
          fc.integer({ min: 1, max: MAX_RACES }),
          fc.boolean(), // the main thread races too (callOnceAsync on every Once)
          fc.integer({ min: 0, max: 20_000 }),
          fc.integer({ min: 0, max: 2 }),
          layoutArb(MAX_RACES + 1),
          seedArb,
          async (modes, races, mainToo, spin, napMs, layout, seed) => {
            const arena = arrange([{ bytes: races * 3 * 4 }, ...[...Array(MAX_RACES)].map(() => ({ bytes: Once.BYTE_LENGTH }))], layout);
            const ctl = words(arena, 0, races * 3); // per race: [3j] at the start line · [3j+1] runs · [3j+2] done
            const onces = [...Array(races)].map((_, j) => (arena === null ? new Once() : Once.at(arena.buffer, arena.offsets[j + 1]!)));
            const n = modes.length;
            const handles = modes.map((m, i) => spawn<number>(workerUrl("once-race.mjs"), onces, ctl, n, m, spin, napMs, seed + i));
            const dump = () => `ctl=${[...ctl]}`;
            let mainEarly = 0;
            if (mainToo) {
              await within(
                Promise.all(
                  onces.map(async (once, j) => {
                    await once.callOnceAsync(() => {
                      Atomics.add(ctl, 3 * j + 1, 1);
                      Atomics.store(ctl, 3 * j + 2, 1);
                    });
                    if (Atomics.load(ctl, 3 * j + 2) !== 1) mainEarly++;
                  }),
                ),
                HANG_MS,
                "main thread's callOnceAsync calls",
                dump,
              ).catch(async (e) => {
                await Promise.allSettled(handles.map((h) => h.terminate()));
                throw e;
              });
            }
            const early = (await joinAll(handles, HANG_MS, dump)).reduce((a, b) => a + b, mainEarly);
            const runs = onces.map((_, j) => ctl[3 * j + 1]);
            expect(runs, "times each Once's function ran").toEqual(onces.map(() => 1));
            expect(early, "calls that returned before the function finished").toBe(0);
            for (const once of onces) {
              expect(once.isCompleted).toBe(true);
              expect(once.isPoisoned).toBe(false);
              once.callOnce(() => {
                throw new Error("ran again");
              });
            }
            arena?.checkSentinels();
          },
        ),
        fcParams(RUNS),
      );
    },
    timeoutFor(RUNS, 3_000),
  );
});
