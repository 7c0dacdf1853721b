/**
 * WaitGroup properties over real workers (DESIGN §5, §9): a waiter (in a worker, blocking or
 * async, or on the main thread) returns only after every `done()` — including sub-tasks added
 * while the count was still above zero.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { WaitGroup, spawn } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import { arrange, fcParams, joinAll, layoutArb, seedArb, sleep, timeoutFor, until, within, words, HANG_MS } from "../prop-helpers.js";

describe("WaitGroup (property, real workers)", () => {
  const RUNS = 12;
  it(
    "a waiter returns only after all done() calls",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ units: fc.integer({ min: 1, max: 20 }), extra: fc.integer({ min: 0, max: 5 }) }), { minLength: 1, maxLength: 4 }),
          fc.array(fc.constantFrom("wait", "waitTimeout", "waitAsync"), { minLength: 0, maxLength: 2 }),
          fc.boolean(),
          // "start": waiters start with the tasks. "lastPending": they start once everything but
          // the first task's last unit is finished (the count is exactly 1), and must still wait.
          fc.constantFrom("start", "lastPending"),
          layoutArb(2),
          seedArb,
          async (tasks, waiters, mainWaits, when, layout, seed) => {
            const arena = arrange([{ bytes: WaitGroup.BYTE_LENGTH }, { bytes: 12 }], layout);
            const wg = arena === null ? new WaitGroup() : WaitGroup.at(arena.buffer, arena.offsets[0]!);
            const ctl = words(arena, 1, 3); // [0] finishes so far · [1] release the held last unit · [2] waiters started
            const total = tasks.reduce((s, t) => s + t.units * (1 + t.extra), 0);
            const hold = when === "lastPending";
            // Go's rule: add before starting the tasks (and the waiters, which need a count > 0).
            wg.add(tasks.reduce((s, t) => s + t.units, 0));
            const url = workerUrl("waitgroup-role.mjs");
            const handles = tasks.map((t, i) => spawn<number>(url, "task", wg, ctl, t.units, t.extra, "", seed + i, hold && i === 0));
            const dump = () => `finished=${ctl[0]}/${total} count=${wg.count}`;
            const startWaiters = () => waiters.map((m, i) => spawn<number>(url, "waiter", wg, ctl, 0, 0, m, seed + 50 + i, false));
            let waiterHandles: typeof handles = [];
            if (hold) {
              try {
                await until(() => wg.count === 1 && Atomics.load(ctl, 0) === total - 1, "all but the held unit to finish");
                waiterHandles = startWaiters();
                await until(() => Atomics.load(ctl, 2) === waiters.length, "the waiters to start");
              } catch (e) {
                await Promise.allSettled([...handles, ...waiterHandles].map((h) => h.terminate()));
                throw e;
              }
              await sleep(5);
              // One unit is still outstanding: nobody may have got through.
              expect(Atomics.load(ctl, 0)).toBe(total - 1);
              const early = mainWaits ? await Promise.race([wg.waitAsync().then(() => "returned"), sleep(5).then(() => "waiting")]) : "waiting";
              expect(early, "main's waitAsync returned with a unit outstanding").toBe("waiting");
              Atomics.store(ctl, 1, 1);
              Atomics.notify(ctl, 1);
            } else {
              waiterHandles = startWaiters();
            }
            handles.unshift(...waiterHandles);
            if (mainWaits) {
              await within(wg.waitAsync(), HANG_MS, "main thread's waitAsync", dump).catch(async (e) => {
                await Promise.allSettled(handles.map((h) => h.terminate()));
                throw e;
              });
              expect(Atomics.load(ctl, 0), "main's wait returned early").toBe(total);
            }
            const seen = await joinAll(handles, HANG_MS, dump);
            expect(seen.slice(0, waiters.length), "a waiter returned before every done()").toEqual(waiters.map(() => total));
            expect(ctl[0]).toBe(total);
            expect(wg.count).toBe(0);
            arena?.checkSentinels();
          },
        ),
        fcParams(RUNS),
      );
    },
    timeoutFor(RUNS, 2_000),
  );
});
