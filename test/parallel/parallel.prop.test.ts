/**
 * The parallel helpers on real pools (1, 2 and 3 worker threads), as fast-check properties: each
 * equals its single-thread result for random types, lengths 0…1e5 and chunk sizes; the sort equals
 * `TypedArray.prototype.sort` bit for bit (NaN, -0, ±Infinity, descending too); progress calls are
 * monotone and end at the total; an abort at a random moment never hangs and leaves the data whole.
 */
import { setEnvironmentData } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { AbortError, ThreadPool, parallel } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import { fcParams, timeoutFor } from "../prop-helpers.js";
import { TYPES, arrayCaseArb, build, bytesOf, bitMultiset, isFloat, rng, shared, sortMismatch, type Numeric } from "./util.js";

const MAX = 100_000;
// forEach's function records its calls here (par-fns.mjs reads it from the environment data that
// the pools' workers inherit when they start, so set it before they do).
const ABORT_MAX = 400_000;
const hits = new Int32Array(new SharedArrayBuffer(4 * (ABORT_MAX + 8)));
setEnvironmentData("weft-test-par-hits", hits.buffer);

const fns = workerUrl("par-fns.mjs");
let pools: ThreadPool[] = [];
beforeAll(() => {
  pools = [1, 2, 3].map((threads) => new ThreadPool({ threads }));
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.terminate()));
});

/** A pool, and a chunk size: none (the default), or one giving 1…~300 chunks. */
const runArb = fc.record({ pool: fc.integer({ min: 0, max: 2 }), chunk: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }) });
const chunkFor = (n: number, r: number | undefined): number | undefined =>
  r === undefined ? undefined : Math.max(1, Math.ceil(n / 300), Math.round(r * (n + 10)));

describe("parallel helpers equal their single-thread results (property, real pools)", () => {
  const RUNS = 40;

  it(
    "sum: exact for integer data, within the summation error bound for other floats",
    async () => {
      await fc.assert(
        fc.asyncProperty(arrayCaseArb(MAX), runArb, async (c, r) => {
          const a = build(c);
          const got = await parallel.sum(a, { pool: pools[r.pool], chunkSize: chunkFor(a.length, r.chunk) });
          let s = 0, abs = 0;
          for (let i = 0; i < a.length; i++) (s += a[i]!), (abs += Math.abs(a[i]!));
          if (!isFloat(a) || c.values === "small") expect(got).toBe(s);
          else if (Number.isNaN(s)) expect(got).toBeNaN();
          else if (Number.isFinite(abs)) expect(Math.abs(got - s)).toBeLessThanOrEqual(2 * a.length * Number.EPSILON * abs);
        }),
        fcParams(RUNS),
      );
    },
    timeoutFor(RUNS),
  );

  it(
    "map: out[i] = fn(data[i], i) for every i, into any output type, and in place",
    async () => {
      await fc.assert(
        fc.asyncProperty(arrayCaseArb(MAX), fc.constantFrom(...TYPES), fc.boolean(), runArb, async (c, outType, inPlace, r) => {
          const a = build(c);
          const out = inPlace ? a : (shared(new outType(a.length)) as Numeric);
          const want = new (out.constructor as any)(a.length) as Numeric;
          for (let i = 0; i < a.length; i++) want[i] = 2 * a[i]! + i;
          await parallel.map(a, out, fns, "affine", { pool: pools[r.pool], chunkSize: chunkFor(a.length, r.chunk) });
          expect(bytesOf(out).equals(bytesOf(want))).toBe(true);
        }),
        fcParams(RUNS),
      );
    },
    timeoutFor(RUNS),
  );

  it(
    "forEach: fn is called exactly once per index",
    async () => {
      await fc.assert(
        fc.asyncProperty(arrayCaseArb(MAX), runArb, async (c, r) => {
          const a = build(c);
          hits.fill(0);
          await parallel.forEach(a, fns, "mark", { pool: pools[r.pool], chunkSize: chunkFor(a.length, r.chunk) });
          const wrong = [];
          for (let i = 0; i < hits.length && wrong.length < 5; i++) if (hits[i] !== (i < a.length ? 1 : 0)) wrong.push(`hits[${i}] = ${hits[i]}`);
          expect(wrong).toEqual([]);
        }),
        fcParams(RUNS),
      );
    },
    timeoutFor(RUNS),
  );

  it(
    "reduce: equals the left-to-right fold for associative functions with their identity",
    async () => {
      const folds = [
        { name: "add", identity: 0, fn: (x: number, y: number) => x + y, exact: (c: { values: string }, a: Numeric) => !isFloat(a) || c.values === "small" },
        { name: "max", identity: -Infinity, fn: (x: number, y: number) => Math.max(x, y), exact: () => true },
        { name: "xor", identity: 0, fn: (x: number, y: number) => x ^ y, exact: () => true },
      ];
      await fc.assert(
        fc.asyncProperty(arrayCaseArb(MAX), fc.constantFrom(...folds), runArb, async (c, f, r) => {
          const a = build(c);
          if (!f.exact(c, a)) return; // float sums round differently by chunk (see the sum property)
          let want = f.identity;
          for (let i = 0; i < a.length; i++) want = f.fn(want, a[i]!);
          const got = await parallel.reduce(a, fns, f.name, f.identity, { pool: pools[r.pool], chunkSize: chunkFor(a.length, r.chunk) });
          expect(Object.is(got, want) || (f.name === "max" && got === want)).toBe(true);
        }),
        fcParams(RUNS),
      );
    },
    timeoutFor(RUNS),
  );

  it(
    "sort: equals TypedArray.prototype.sort bit for bit (NaN last, -0 before +0), descending too, every type",
    async () => {
      await fc.assert(
        fc.asyncProperty(arrayCaseArb(MAX), fc.boolean(), runArb, async (c, descending, r) => {
          const a = build(c);
          const original = a.slice();
          const before = Buffer.from(new Uint8Array(a.buffer, 0, a.byteOffset)); // bytes before the view: untouched
          const res = await parallel.sort(a, { descending, pool: pools[r.pool], chunkSize: chunkFor(a.length, r.chunk) });
          expect(res).toBe(a);
          expect(sortMismatch(a, original, descending)).toBeNull();
          expect(Buffer.from(new Uint8Array(a.buffer, 0, a.byteOffset)).equals(before)).toBe(true);
        }),
        fcParams(60),
      );
    },
    timeoutFor(60),
  );
});

describe("progress and abort (property, real pools)", () => {
  const helpers = ["sum", "map", "forEach", "reduce", "sort"] as const;
  type Helper = (typeof helpers)[number];
  const call = (h: Helper, a: Numeric, opts: object): Promise<unknown> => {
    switch (h) {
      case "sum":
        return parallel.sum(a, opts);
      case "map":
        return parallel.map(a, a, fns, "affine", opts);
      case "forEach":
        return parallel.forEach(a, fns, "mark", opts);
      case "reduce":
        return parallel.reduce(a, fns, "max", -Infinity, opts);
      case "sort":
        return parallel.sort(a, opts);
    }
  };

  it(
    "onProgress(done, total): total fixed, done monotone within it, the last call has done === total",
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...helpers), arrayCaseArb(MAX, [Float64Array, Int16Array]), runArb, async (h, c, r) => {
          const a = build(c);
          const calls: Array<[number, number]> = [];
          let settled = false;
          await call(h, a, {
            pool: pools[r.pool],
            chunkSize: chunkFor(a.length, r.chunk),
            onProgress: (done: number, total: number) => {
              expect(settled).toBe(false);
              calls.push([done, total]);
            },
          });
          settled = true;
          expect(calls.length).toBeGreaterThan(0);
          const total = calls[0]![1];
          expect(total).toBe(h === "sort" ? a.length * (2 * a.BYTES_PER_ELEMENT + 1) : a.length);
          let prev = 0;
          for (const [done, t] of calls) {
            expect(t).toBe(total);
            expect(done).toBeGreaterThanOrEqual(prev);
            expect(done).toBeLessThanOrEqual(total);
            prev = done;
          }
          expect(calls.at(-1)![0]).toBe(total);
        }),
        fcParams(40),
      );
    },
    timeoutFor(40),
  );

  it(
    "an abort at a random moment settles promptly (AbortError, or the result if it finished first); sorted data stays a permutation; the pool goes on",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...helpers),
          fc.integer({ min: 50_000, max: ABORT_MAX }),
          fc.integer({ min: 0, max: 30 }),
          fc.integer({ min: 1, max: 0x7fffffff }),
          runArb,
          async (h, n, delayMs, seed, r) => {
            const next = rng(seed);
            const a = shared(Float64Array.from({ length: n }, () => next() / 2 ** 32 - 0.5));
            const original = a.slice();
            const ac = new AbortController();
            const pool = pools[r.pool]!;
            const p = call(h, a, { pool, chunkSize: chunkFor(n, r.chunk), signal: ac.signal });
            setTimeout(() => ac.abort(new Error("enough")), delayMs);
            const outcome = await Promise.race([
              p.then(() => "done", (e) => e),
              new Promise((res) => setTimeout(() => res("hang"), 15_000)),
            ]);
            expect(outcome).not.toBe("hang");
            if (outcome !== "done") {
              expect(outcome).toBeInstanceOf(AbortError);
              expect((outcome as Error).message).toBe(`parallel.${h} was aborted: enough`);
            }
            // The sort leaves a permutation of the input (whatever pass it stopped at); sum, reduce and forEach write nothing.
            if (h === "sort") expect(bitMultiset(a) === bitMultiset(original)).toBe(true);
            else if (h !== "map") expect(bytesOf(a).equals(bytesOf(original))).toBe(true);
            // Nothing of the job still runs: the data no longer changes, and the pool takes new work.
            const snapshot = a.slice();
            expect(await parallel.sum(shared(new Float64Array([1, 2, 3])), { pool })).toBe(6);
            expect(bytesOf(a).equals(bytesOf(snapshot))).toBe(true);
          },
        ),
        fcParams(30),
      );
    },
    timeoutFor(30, 4000),
  );
});
