/**
 * Atomics properties over real workers: read-modify-writes from many workers add up exactly
 * (AtomicI32 and AtomicU32 wrapping, AtomicI64 past 2^53), an AtomicBool works as a spinlock,
 * the bitwise operations compose, and `wait` / `waitAsync` wake on a change and time out without one.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { AtomicBool, AtomicI32, AtomicI64, AtomicU32, spawn } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import { arrange, fcParams, joinAll, layoutArb, seedArb, timeoutFor, until, words } from "../prop-helpers.js";

describe("Atomics (property, real workers)", () => {
  const RUNS = 10;
  it(
    "read-modify-writes from many workers sum exactly; AtomicBool as a spinlock guards a plain increment",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ iters: fc.integer({ min: 1, max: 3000 }), seed: seedArb }), { minLength: 1, maxLength: 6 }),
          fc.integer({ min: -0x80000000, max: 0x7fffffff }),
          fc.integer({ min: 0, max: 0xffffffff }),
          fc.bigInt({ min: -(1n << 60n), max: 1n << 60n }),
          layoutArb(7),
          async (workers, i32Start, u32Start, i64Start, layout) => {
            const regions = [
              { bytes: AtomicI32.BYTE_LENGTH },
              { bytes: AtomicU32.BYTE_LENGTH },
              { bytes: AtomicI64.BYTE_LENGTH, align: 8 },
              { bytes: AtomicBool.BYTE_LENGTH },
              { bytes: AtomicI32.BYTE_LENGTH },
              { bytes: AtomicI32.BYTE_LENGTH },
              { bytes: 4 },
            ];
            const arena = arrange(regions, layout);
            const b = arena?.buffer as SharedArrayBuffer, o = arena?.offsets ?? [];
            const a = {
              i32: arena ? AtomicI32.at(b, o[0]!) : new AtomicI32(),
              u32: arena ? AtomicU32.at(b, o[1]!) : new AtomicU32(),
              i64: arena ? AtomicI64.at(b, o[2]!) : new AtomicI64(),
              bool: arena ? AtomicBool.at(b, o[3]!) : new AtomicBool(),
              flags: arena ? AtomicI32.at(b, o[4]!) : new AtomicI32(),
              toggles: arena ? AtomicI32.at(b, o[5]!) : new AtomicI32(),
            };
            a.i32.store(i32Start);
            a.u32.store(u32Start);
            a.i64.store(i64Start);
            const data = words(arena, 6, 1);
            const res = await joinAll(
              workers.map((w, i) => spawn<{ sum: number; big: bigint }>(workerUrl("atomic-ops.mjs"), a, data, i, w.iters, w.seed)),
            );
            const sum = res.reduce((s, r) => s + r.sum, 0);
            const big = res.reduce((s, r) => s + r.big, 0n);
            expect(a.i32.load()).toBe((i32Start + sum) | 0);
            expect(a.u32.load()).toBe((u32Start + sum) >>> 0);
            expect(a.i64.load()).toBe(i64Start + big);
            expect(a.bool.load()).toBe(false);
            expect(data[0], "AtomicBool spinlock let increments collide").toBe(workers.reduce((s, w) => s + w.iters, 0));
            expect(a.flags.load()).toBe((1 << workers.length) - 1);
            expect(a.toggles.load()).toBe(0);
            arena?.checkSentinels();
          },
        ),
        fcParams(RUNS),
      );
    },
    timeoutFor(RUNS, 2_000),
  );

  // fetchMax / fetchMin / fetchNand (added in the fourteenth session, after a port of Rust's
  // atomic tests found them missing) are compareExchange loops: none of them loses an update.
  it(
    "fetchMax / fetchMin from many workers end at the extremes offered; fetchNand and fetchUpdate compose exactly",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ iters: fc.integer({ min: 1, max: 2000 }), seed: seedArb }), { minLength: 1, maxLength: 4 }),
          fc.integer({ min: -0x80000000, max: 0x7fffffff }),
          async (workers, nandStart) => {
            const a = {
              max: new AtomicI32(-0x80000000),
              min: new AtomicI32(0x7fffffff),
              umax: new AtomicU32(0),
              umin: new AtomicU32(0xffffffff),
              bmax: new AtomicI64(-(1n << 63n)),
              bmin: new AtomicI64((1n << 63n) - 1n),
              nand: new AtomicI32(nandStart),
              upd: new AtomicI32(nandStart),
            };
            type R = { hi: number; lo: number; uhi: number; ulo: number; bhi: bigint; blo: bigint };
            const res = await joinAll(workers.map((w) => spawn<R>(workerUrl("atomic-minmax.mjs"), a, w.iters, w.seed)));
            expect(a.max.load()).toBe(Math.max(...res.map((r) => r.hi)));
            expect(a.min.load()).toBe(Math.min(...res.map((r) => r.lo)));
            expect(a.umax.load()).toBe(Math.max(...res.map((r) => r.uhi)));
            expect(a.umin.load()).toBe(Math.min(...res.map((r) => r.ulo)));
            expect(a.bmax.load()).toBe(res.map((r) => r.bhi).reduce((x, y) => (x > y ? x : y)));
            expect(a.bmin.load()).toBe(res.map((r) => r.blo).reduce((x, y) => (x < y ? x : y)));
            const nots = workers.reduce((s, w) => s + w.iters, 0);
            expect(a.nand.load()).toBe(nots % 2 === 0 ? nandStart : ~nandStart);
            const adds = workers.reduce((s, w) => s + w.iters - Math.floor(w.iters / 3), 0); // i % 3 === 2 declines
            expect(a.upd.load()).toBe((nandStart + adds) | 0);
          },
        ),
        fcParams(RUNS),
      );
    },
    timeoutFor(RUNS, 2_000),
  );

  it(
    "wait / waitAsync wake when another thread changes the value and notifies, and time out when nobody does",
    async () => {
      type Kind = "i32" | "u32" | "bool" | "i64";
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom<Kind>("i32", "u32", "bool", "i64"),
          fc.array(fc.constantFrom("sync", "async"), { minLength: 1, maxLength: 3 }),
          fc.boolean(), // notify (else: nobody does, and the waits time out)
          fc.integer({ min: 0, max: 30 }),
          async (kind, styles, notify, timeout) => {
            const atom =
              kind === "i32" ? new AtomicI32(-5) : kind === "u32" ? new AtomicU32(0xfffffff0) : kind === "bool" ? new AtomicBool(false) : new AtomicI64(1n << 40n);
            const before = atom.load() as never;
            const after = (kind === "i32" ? 7 : kind === "u32" ? 0xfffffff1 : kind === "bool" ? true : (1n << 40n) + 1n) as never;
            const ready = new Int32Array(new SharedArrayBuffer(4));
            const hs = styles.map((s) => spawn<{ r: string; v: unknown }>(workerUrl("atomic-wait.mjs"), atom, before, s, notify ? null : timeout, ready));
            if (notify) {
              await until(() => Atomics.load(ready, 0) === styles.length, "waiters to start");
              (atom as { store(v: never): void }).store(after);
              atom.notify();
            }
            const out = await joinAll(hs);
            const show = (v: unknown) => (typeof v === "bigint" ? v.toString() : v);
            for (const r of out) expect(r).toEqual(notify ? { r: "ok", v: show(after) } : { r: "timed-out", v: show(before) });
          },
        ),
        fcParams(8),
      );
    },
    timeoutFor(8, 2_000),
  );
});
