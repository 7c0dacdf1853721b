/**
 * Mutex properties over real workers (DESIGN §9): a non-atomic read-modify-write under the lock
 * sums exactly, and critical sections never overlap — for every acquisition style, random worker
 * counts, iteration counts, busy work inside the section, and placements (`new Mutex()` or
 * `Mutex.at` at a random offset of a bigger buffer that also holds the guarded counter).
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Mutex, spawn } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import { arrange, fcParams, joinAll, layoutArb, seedArb, timeoutFor, within, words, HANG_MS } from "../prop-helpers.js";

const WORKER_MODES = ["lock", "lockTimeout", "lockAsync", "withLock", "withLockAsync", "tryLock", "mixed"] as const;
const DATA_WORDS = 3; // [0] counter, [1] inside, [2] overlaps

/** The main thread's share of the work: async styles only (it must not block vitest's loop). */
async function mainIncrements(m: Mutex<Int32Array>, iters: number, seed: number): Promise<void> {
  const section = (v: Int32Array) => {
    if (Atomics.add(v, 1, 1) !== 0) Atomics.add(v, 2, 1);
    const x = v[0]!;
    v[0] = x + 1;
    Atomics.sub(v, 1, 1);
  };
  for (let i = 0; i < iters; i++) {
    const style = (seed + i) % 3;
    if (style === 0) {
      const g = await m.lockAsync();
      section(g.value);
      g.unlock();
    } else if (style === 1) {
      await m.withLockAsync(async (v) => section(v));
    } else {
      let g;
      while ((g = m.tryLock()) === null) await new Promise((r) => setTimeout(r, 0));
      section(g.value);
      g.unlock();
    }
  }
}

describe("Mutex (property, real workers)", () => {
  const RUNS = 12;
  it(
    "a non-atomic read-modify-write under the lock sums exactly, and sections never overlap",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ mode: fc.constantFrom(...WORKER_MODES), iters: fc.integer({ min: 1, max: 1500 }), seed: seedArb }), {
            minLength: 1,
            maxLength: 6,
          }),
          fc.integer({ min: 0, max: 40 }),
          fc.nat(200),
          layoutArb(2),
          seedArb,
          async (workers, spin, mainIters, layout, mainSeed) => {
            const arena = arrange([{ bytes: Mutex.BYTE_LENGTH }, { bytes: DATA_WORDS * 4 }], layout);
            const data = words(arena, 1, DATA_WORDS);
            const m = arena === null ? new Mutex(data) : Mutex.at(arena.buffer, arena.offsets[0]!, data);
            const dump = () => `counter=${data[0]} inside=${data[1]} overlaps=${data[2]} locked=${m.isLocked}`;
            const handles = workers.map((w) => spawn<number>(workerUrl("mutex-rmw.mjs"), m, w.iters, w.mode, w.seed, spin));
            await within(mainIncrements(m, mainIters, mainSeed), HANG_MS, "main thread's increments", dump);
            await joinAll(handles, HANG_MS, dump);
            const expected = workers.reduce((s, w) => s + w.iters, 0) + mainIters;
            expect(data[2], "critical sections overlapped").toBe(0);
            expect(data[1]).toBe(0);
            expect(data[0]).toBe(expected);
            expect(m.isLocked).toBe(false);
            expect(m.isPoisoned).toBe(false);
            const g = m.tryLock();
            expect(g).not.toBeNull();
            g!.unlock();
            arena?.checkSentinels();
          },
        ),
        fcParams(RUNS),
      );
    },
    timeoutFor(RUNS, 3_000),
  );

  it(
    "several mutexes packed side by side in one buffer stay independent",
    async () => {
      // Adjacent mutexes share cache lines and neighbouring words: each must only ever touch its
      // own BYTE_LENGTH (checked by sentinels) and guard its own counter.
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 1, max: 600 }), layoutArb(8), async (k, iters, layout) => {
          const regions = [...Array(4)].flatMap(() => [{ bytes: Mutex.BYTE_LENGTH }, { bytes: DATA_WORDS * 4 }]);
          const arena = arrange(regions, layout);
          const mutexes = [...Array(k)].map((_, i) => {
            const data = words(arena, 2 * i + 1, DATA_WORDS);
            return arena === null ? new Mutex(data) : Mutex.at(arena.buffer, arena.offsets[2 * i]!, data);
          });
          // Two workers per mutex, each a different style.
          const handles = mutexes.flatMap((m, i) => [
            spawn(workerUrl("mutex-rmw.mjs"), m, iters, "lock", i + 1, 5),
            spawn(workerUrl("mutex-rmw.mjs"), m, iters, "mixed", i + 7, 5),
          ]);
          await joinAll(handles);
          for (const m of mutexes) {
            const g = m.lock();
            expect(g.value[2]).toBe(0);
            expect(g.value[0]).toBe(2 * iters);
            g.unlock();
          }
          arena?.checkSentinels();
        }),
        fcParams(4),
      );
    },
    timeoutFor(4, 6_000),
  );
});
