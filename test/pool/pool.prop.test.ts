/**
 * ThreadPool properties over real pools: every task runs exactly once and settles with its own
 * result or error — for random thread counts, task counts, nesting (tasks submitting tasks, which
 * other workers steal), failures, cancellations, and runMany lengths.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ThreadPool } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import { fcParams, timeoutFor, within, HANG_MS } from "../prop-helpers.js";

const tasks = workerUrl("pool-tasks.mjs");

const jobArb = fc.record({
  fails: fc.integer({ min: 0, max: 4 }).map((x) => x === 0),
  nested: fc.array(fc.boolean(), { maxLength: 4 }), // one entry per nested job: whether it fails
  cancel: fc.boolean(),
});

describe("ThreadPool (property, real workers)", () => {
  const RUNS = 10;

  it(
    "every job runs exactly once and settles with its own result or error (nesting, failures, cancellations)",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 3 }),
          fc.array(jobArb, { maxLength: 60 }),
          fc.array(jobArb, { maxLength: 40 }),
          fc.nat(60),
          async (threads, wave1, wave2, cancelAt) => {
            const pool = new ThreadPool({ threads });
            try {
              // Ids: every top-level job, then the nested ones.
              const all = [...wave1, ...wave2.map((j) => ({ ...j, cancel: false }))];
              let next = all.length;
              const plan = all.map((j, id) => ({ ...j, id, nested: j.nested.map((f) => [next++, f] as [number, boolean]) }));
              const counts = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, next)));
              const ac = new AbortController();
              const submit = (j: (typeof plan)[number]) =>
                (j.cancel
                  ? pool.runWith({ signal: ac.signal }, tasks, "job", counts, j.id, j.fails, j.nested)
                  : pool.run(tasks, "job", counts, j.id, j.fails, j.nested)
                ).then(
                  (v) => ({ ok: true as const, v, e: undefined }),
                  (e) => ({ ok: false as const, v: undefined, e }),
                );
              const first = plan.slice(0, wave1.length).map(submit);
              // After `cancelAt` completions of the first wave, cancel its cancellable jobs and at
              // once submit the second wave: its tasks reuse the records of cancelled ones whose
              // queue entries are still waiting (they must not run a task twice).
              let done = 0;
              const target = Math.min(cancelAt, first.length);
              const second = new Promise<Promise<any>[]>((resolve) => {
                const go = () => {
                  ac.abort(new Error("cancelled"));
                  resolve(plan.slice(wave1.length).map(submit));
                };
                if (target === 0) go();
                else for (const p of first) void p.then(() => ++done === target && go());
              });
              const outcomes = await within(
                Promise.all([...first, ...(await second)]),
                HANG_MS,
                `${all.length} jobs on ${threads} threads`,
                () => JSON.stringify(pool.stats()),
              );
              await pool.close();
              for (const j of plan) {
                const o = outcomes[j.id]!;
                if (!o.ok && o.e?.message === "cancelled") {
                  expect(j.cancel).toBe(true);
                  expect(counts[j.id]).toBeLessThanOrEqual(1); // it may have been running already
                  continue;
                }
                expect(counts[j.id]).toBe(1);
                for (const [n] of j.nested) expect(counts[n]).toBe(1);
                if (j.fails) {
                  expect(o.e).toBeInstanceOf(RangeError);
                  expect(o.e.message).toBe(`job ${j.id} failed on purpose`);
                } else {
                  expect(o.v).toEqual([j.id, ...j.nested.map(([n, f]) => (f ? `RangeError:job ${n} failed on purpose` : n))]);
                }
              }
              // Nested jobs of cancelled parents ran at most once too: no job ran twice anywhere.
              for (let i = 0; i < next; i++) expect(counts[i]).toBeLessThanOrEqual(1);
            } finally {
              await pool.terminate();
            }
          },
        ),
        fcParams(RUNS),
      );
    },
    timeoutFor(RUNS, 5_000),
  );

  it(
    "runMany: each call runs exactly once and results come back in order, for any length",
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 20_000 }), fc.boolean(), async (threads, n, structured) => {
          const pool = new ThreadPool({ threads });
          try {
            const counts = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, n)));
            // Numbers only take the fast path; a shared array in every call takes the structured one.
            const out = structured
              ? await within(pool.runMany<number>(tasks, "mark", Array.from({ length: n }, (_, i) => [counts, i])), HANG_MS, `runMany ${n}`)
              : await within(pool.runMany<number>(tasks, "add", Array.from({ length: n }, (_, i) => [i, i])), HANG_MS, `runMany ${n}`);
            expect(out.length).toBe(n);
            expect(out.every((v, i) => v === 2 * i)).toBe(true);
            if (structured) expect(counts.subarray(0, n).every((c) => c === 1)).toBe(true);
          } finally {
            await pool.close();
          }
        }),
        fcParams(RUNS),
      );
    },
    timeoutFor(RUNS, 5_000),
  );
});
