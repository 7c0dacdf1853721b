/**
 * Once properties over real workers (DESIGN §5, §9): many threads racing `callOnce` (in every
 * style, the main thread too) run the function exactly once, and no call returns before it has
 * finished.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Once, spawn } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import { arrange, fcParams, joinAll, layoutArb, timeoutFor, until, within, words, HANG_MS } from "../prop-helpers.js";

describe("Once (property, real workers)", () => {
  const RUNS = 12;
  it(
    "runs once across many workers racing callOnce, and every call returns after it finished",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.constantFrom("callOnce", "callOnceTimeout", "callOnceForce", "callOnceAsync"), { minLength: 1, maxLength: 6 }),
          fc.boolean(), // the main thread races too (callOnceAsync)
          fc.integer({ min: 0, max: 20_000 }),
          fc.integer({ min: 0, max: 20 }),
          layoutArb(2),
          async (modes, mainToo, spin, napMs, layout) => {
            const arena = arrange([{ bytes: Once.BYTE_LENGTH }, { bytes: 16 }], layout);
            const once = arena === null ? new Once() : Once.at(arena.buffer, arena.offsets[0]!);
            const ctl = words(arena, 1, 4); // [0] ready · [1] go · [2] runs · [3] done
            const handles = modes.map((m) => spawn<boolean>(workerUrl("once-race.mjs"), once, ctl, m, spin, napMs));
            const dump = () => `ctl=${[...ctl]} completed=${once.isCompleted}`;
            try {
              await until(() => Atomics.load(ctl, 0) === modes.length, "all runners at the start line");
            } catch (e) {
              await Promise.allSettled(handles.map((h) => h.terminate()));
              throw e;
            }
            Atomics.store(ctl, 1, 1);
            Atomics.notify(ctl, 1);
            let mainSawDone = true;
            if (mainToo) {
              await within(
                once.callOnceAsync(() => {
                  Atomics.add(ctl, 2, 1);
                  Atomics.store(ctl, 3, 1);
                }),
                HANG_MS,
                "main thread's callOnceAsync",
                dump,
              );
              mainSawDone = Atomics.load(ctl, 3) === 1;
            }
            const sawDone = await joinAll(handles, HANG_MS, dump);
            expect(ctl[2], "times the function ran").toBe(1);
            expect(sawDone.every(Boolean) && mainSawDone, "a call returned before the function finished").toBe(true);
            expect(once.isCompleted).toBe(true);
            expect(once.isPoisoned).toBe(false);
            once.callOnce(() => {
              throw new Error("ran again");
            });
            arena?.checkSentinels();
          },
        ),
        fcParams(RUNS),
      );
    },
    timeoutFor(RUNS, 2_000),
  );
});
