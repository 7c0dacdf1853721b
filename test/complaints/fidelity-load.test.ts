/**
 * Complaint 7 (comlink; `multithreading`'s JSON channel losing Map, Date and bigint and delivering
 * wrong values under load): values structured clone keeps must arrive exactly — through channels
 * and pools, with several threads sending and receiving at once. The existing tests check rich
 * values one at a time (codec.prop.test.ts, pool.test.ts) and exactly-once under load with simple
 * payloads (channel.prop.test.ts); here both at once. Every message is rich(p, s) (rich-lib.mjs):
 * each receiver rebuilds what it should have got and compares.
 */
import { describe, expect, it } from "vitest";
import { ThreadPool, channel, spawn } from "../../dist/index.js";
// @ts-expect-error plain JS helper module
import { diff, rich } from "./workers/rich-lib.mjs";
import { here } from "./util.js";

const PRODUCERS = 3;
const COUNT = 150;

describe("complaint 7: structured-clone fidelity under concurrent load", () => {
  for (const capacity of [0, 3, Infinity]) {
    it(`channel, capacity ${capacity}: ${PRODUCERS} producer workers → 2 consumer workers + this thread, every value exact, exactly once`, async () => {
      const [tx, rx] = channel<any>({ capacity, slotBytes: 256 });
      const consumers = [spawn(here("rich-consume.mjs"), rx), spawn(here("rich-consume.mjs"), rx)];
      const producers = Array.from({ length: PRODUCERS }, (_, p) => spawn(here("rich-produce.mjs"), tx, p, COUNT));
      tx.close();
      const myRx = rx.clone();
      const mine = { seen: [] as number[], bad: [] as string[] };
      const local = (async () => {
        for (let i = 0; ; i++) {
          let vs: any[];
          try {
            vs = i % 2 === 0 ? [await myRx.recvAsync({ timeout: 30_000 })] : await myRx.recvManyAsync(4, { timeout: 30_000 });
          } catch (e) {
            if ((e as Error).name === "RecvError") break;
            throw e;
          }
          for (const v of vs) {
            const d = typeof v?.p === "number" ? diff(v, v.p, v.s) : "no (p, s)";
            if (d === null) mine.seen.push(v.p * 100_000 + v.s);
            else mine.bad.push(`${v?.p}/${v?.s}: ${d}`);
          }
        }
      })().finally(() => myRx.close());
      rx.close();
      expect(await Promise.all(producers.map((h) => h.join()))).toEqual(Array(PRODUCERS).fill(COUNT));
      const results = [...(await Promise.all(consumers.map((h) => h.join()))), (await local, mine)] as { seen: number[]; bad: string[] }[];
      expect(results.flatMap((r) => r.bad)).toEqual([]);
      const all = results.flatMap((r) => r.seen).sort((a, b) => a - b);
      const want = Array.from({ length: PRODUCERS }, (_, p) => Array.from({ length: COUNT }, (_, s) => p * 100_000 + s)).flat();
      expect(all).toEqual(want);
      // Per-producer order holds within each receiver.
      for (const r of results) {
        for (let p = 0; p < PRODUCERS; p++) {
          const mineP = r.seen.filter((k) => Math.floor(k / 100_000) === p);
          expect(mineP).toEqual([...mineP].sort((a, b) => a - b));
        }
      }
    });
  }

  it("pool: 600 concurrent tasks (run and runMany) carry rich arguments and results exactly", async () => {
    const pool = new ThreadPool({ threads: 2 });
    try {
      const url = here("rich-tasks.mjs");
      const singles = Array.from({ length: 400 }, (_, s) => pool.run<any>(url, "roundTrip", 0, s, rich(0, s)));
      const many = pool.runMany<any>(url, "roundTrip", Array.from({ length: 200 }, (_, s) => [1, s, rich(1, s)]));
      const got = [...(await Promise.all(singles)), ...(await many)];
      const problems = got.map((v, i) => (typeof v === "string" ? v : diff(v, i < 400 ? 0 : 1, i < 400 ? i : i - 400))).filter((d) => d !== null);
      expect(problems).toEqual([]);
    } finally {
      await pool.close();
    }
  });
});
