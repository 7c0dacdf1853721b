/**
 * Semaphore properties over real workers (DESIGN §5, §9): the permits in use never exceed the
 * semaphore's count, for random permit counts, worker counts, `acquire(n)` sizes and styles;
 * every permit is back at the end.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Semaphore, spawn } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import { arrange, fcParams, joinAll, layoutArb, seedArb, timeoutFor, words } from "../prop-helpers.js";

describe("Semaphore (property, real workers)", () => {
  const RUNS = 12;
  it(
    "never lets more than `permits` permits be in use, with acquire(n) of random n",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 5 }),
          fc.array(
            fc.record({
              iters: fc.integer({ min: 1, max: 600 }),
              mode: fc.constantFrom("acquire", "acquireTimeout", "acquireAsync", "tryAcquire", "mixed"),
              seed: seedArb,
              maxFrac: fc.double({ min: 0, max: 1, noNaN: true }),
            }),
            { minLength: 1, maxLength: 6 },
          ),
          fc.integer({ min: 0, max: 40 }),
          layoutArb(2),
          async (permits, workers, spin, layout) => {
            const arena = arrange([{ bytes: Semaphore.BYTE_LENGTH }, { bytes: 16 }], layout);
            const sem = arena === null ? new Semaphore(permits) : Semaphore.at(arena.buffer, arena.offsets[0]!, permits);
            const stats = words(arena, 1, 4);
            expect(sem.available).toBe(permits);
            const handles = workers.map((w) =>
              spawn<number>(
                workerUrl("semaphore-use.mjs"),
                sem,
                stats,
                permits,
                w.iters,
                Math.max(1, Math.round(w.maxFrac * permits)),
                w.mode,
                w.seed,
                spin,
              ),
            );
            await joinAll(handles, undefined, () => `stats=${[...stats]} available=${sem.available}`);
            expect(stats[2], `more than ${permits} permits were in use (most: ${stats[1]})`).toBe(0);
            expect(stats[1]).toBeLessThanOrEqual(permits);
            expect(stats[0]).toBe(0);
            expect(stats[3]).toBe(workers.reduce((s, w) => s + w.iters, 0));
            expect(sem.available).toBe(permits);
            expect(sem.tryAcquire(permits)).toBe(true);
            sem.release(permits);
            arena?.checkSentinels();
          },
        ),
        fcParams(RUNS),
      );
    },
    timeoutFor(RUNS, 3_000),
  );
});
