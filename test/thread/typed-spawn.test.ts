/**
 * Typed spawn (src/types.ts `moduleRef` / `defineWorker`, src/thread/spawn.ts): arguments and
 * results round-trip through real workers exactly as the module's types say — the compile-time
 * side is in test/types/send-sync.types.ts; here the run time agrees with it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Mutex, defineWorker, moduleRef, spawn, spawnWith, type WorkerHandle } from "../../dist/index.js";
import type { Job, Report } from "../workers/typed/job.mjs";
import { fcParams, timeoutFor } from "../prop-helpers.js";

type JobModule = typeof import("../workers/typed/job.mjs");
const jobUrl = new URL("../workers/typed/job.mjs", import.meta.url);
const job = moduleRef<JobModule>(jobUrl);

/** Sums of every subset of `xs` (the empty one included). */
const subsetSums = (xs: number[]): number[] => xs.reduce<number[]>((sums, x) => [...sums, ...sums.map((s) => s + x)], [0]);

const sharedCounter = (): Mutex<Int32Array<SharedArrayBuffer>> => new Mutex(new Int32Array(new SharedArrayBuffer(4)));

const jobArb: fc.Arbitrary<Job> = fc.record({
  label: fc.string({ maxLength: 20 }),
  values: fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 50 }),
  bytes: fc.uint8Array({ maxLength: 300 }),
  when: fc.date({ noInvalidDate: true }),
  tags: fc.array(fc.string({ maxLength: 5 }), { maxLength: 6 }).map((t) => new Set(t)),
});

describe("typed spawn: arguments and results through real workers", () => {
  it("jobs run in 1–3 workers at once: each report is what its job implies, and the shared Mutex saw every total", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(jobArb, { minLength: 1, maxLength: 3 }), async (jobs) => {
        const counter = sharedCounter();
        // One worker per job, all at once: the moduleRef types both the arguments and join().
        const handles: WorkerHandle<Report>[] = jobs.map((j, i) => (i % 2 ? spawnWith({ name: `job-${i}` }, job, counter, j) : spawn(job, counter, j)));
        const reports: Report[] = await Promise.all(handles.map((h) => h.join()));
        const totals = jobs.map((j) => j.values.reduce((a, b) => a + b, 0));
        reports.forEach((r, i) => {
          const j = jobs[i]!;
          expect({ ...r, counter: 0 }).toEqual({
            label: j.label,
            total: totals[i],
            bytes: [...j.bytes],
            when: j.when.getTime(),
            tags: [...j.tags].sort(),
            counter: 0,
          });
        });
        // The Mutex is the parent's: it holds every total. Each worker read it after adding its own
        // total, so what it saw is the sum of some set of totals that includes its own.
        expect(counter.withLock((c) => c[0])).toBe(totals.reduce((a, b) => a + b, 0));
        reports.forEach((r, i) => {
          const possible = subsetSums(totals.filter((_, k) => k !== i)).map((s) => s + totals[i]!);
          expect(possible).toContain(r.counter);
        });
      }),
      fcParams(10),
    );
  }, timeoutFor(10, 4_000));

  it("an explicit module type (spawn<typeof import(…)>) runs the same", async () => {
    const counter = sharedCounter();
    const j: Job = { label: "x", values: [1, 2, 3], bytes: new Uint8Array([9]), when: new Date(3), tags: new Set(["b", "a"]) };
    const r: Report = await spawn<JobModule>(jobUrl, counter, j).join();
    expect(r).toEqual({ label: "x", total: 6, bytes: [9], when: 3, tags: ["a", "b"], counter: 6 });
  });
});

describe("moduleRef and defineWorker at run time", () => {
  it("moduleRef returns its URL as it is, and refuses anything else", () => {
    expect(moduleRef<JobModule>(jobUrl)).toBe(jobUrl);
    expect(() => moduleRef("./job.mjs" as unknown as URL)).toThrow(/moduleRef: expected a URL .*got string/);
  });

  it("defineWorker returns the function itself, and refuses a non-function", () => {
    const f = (x: number) => x + 1;
    expect(defineWorker(f)).toBe(f);
    expect(() => defineWorker(42 as never)).toThrow(/defineWorker: expected a function, got number/);
    expect(() => defineWorker(null as never)).toThrow(/defineWorker: expected a function, got null/);
  });
});
