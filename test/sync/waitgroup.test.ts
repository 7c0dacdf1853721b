/**
 * WaitGroup (src/sync/waitgroup.ts): add/done/count, never negative, wait / waitAsync, workers.
 */
import { describe, expect, it } from "vitest";
import { TimeoutError, WaitGroup } from "../../dist/index.js";
import { expectReject, expectThrow, op, sleep } from "../unit-helpers.js";

describe("WaitGroup: bad input", () => {
  it.each([
    [1.5, "1.5"],
    [NaN, "NaN"],
    [Infinity, "Infinity"],
    ["1", 'string "1"'],
    [null, "null"],
    [2 ** 31, String(2 ** 31)],
  ])("add(%s) is a RangeError naming the value; the count is unchanged", (n, shown) => {
    const wg = new WaitGroup();
    wg.add(2);
    expectThrow(() => wg.add(n as any), RangeError, "WaitGroup.add", shown);
    expect(wg.count).toBe(2);
  });

  it("going negative is a RangeError naming the count; nothing changes", () => {
    const wg = new WaitGroup();
    expectThrow(() => wg.done(), RangeError, "WaitGroup.add(-1)", "the count is 0", "negative");
    expect(wg.count).toBe(0);
    wg.add(2);
    expectThrow(() => wg.add(-3), RangeError, "WaitGroup.add(-3)", "the count is 2");
    expect(wg.count).toBe(2);
  });

  it("overflowing the count is a RangeError; nothing changes", () => {
    const wg = new WaitGroup();
    wg.add(0x3fffffff);
    expectThrow(() => wg.add(1), RangeError, "WaitGroup.add(1)", "overflow");
    expect(wg.count).toBe(0x3fffffff);
  });
});

describe("WaitGroup on one thread", () => {
  it("add / done / count; add() defaults to 1; add(0) and negative add are allowed", () => {
    const wg = new WaitGroup();
    expect(wg.count).toBe(0);
    wg.add();
    wg.add(3);
    expect(wg.count).toBe(4);
    wg.add(0);
    wg.add(-2);
    wg.done();
    expect(wg.count).toBe(1);
    wg.done();
    expect(wg.count).toBe(0);
  });

  it("wait returns at once at 0; times out with TimeoutError otherwise (count unchanged)", async () => {
    const wg = new WaitGroup();
    wg.wait();
    await wg.waitAsync();
    wg.add(1);
    const t0 = performance.now();
    expectThrow(() => wg.wait({ timeout: 20 }), TimeoutError, "WaitGroup.wait timed out after 20 ms");
    expect(performance.now() - t0).toBeGreaterThanOrEqual(15);
    await expectReject(() => wg.waitAsync({ timeout: 20 }), TimeoutError, "WaitGroup.waitAsync");
    expect(wg.count).toBe(1);
  });

  it("waitAsync resolves only when the count reaches 0, not on every change", async () => {
    const wg = new WaitGroup();
    wg.add(3);
    let done = false;
    const p = wg.waitAsync({ timeout: 5_000 }).then(() => (done = true));
    wg.done();
    await sleep(5);
    wg.add(1);
    wg.done();
    await sleep(5);
    expect(done).toBe(false);
    wg.done();
    wg.done();
    await p;
    expect(wg.count).toBe(0);
  });

  it("is reusable after reaching 0", async () => {
    const wg = new WaitGroup();
    for (let round = 0; round < 3; round++) {
      wg.add(2);
      setTimeout(() => wg.done(), 2);
      setTimeout(() => wg.done(), 4);
      await wg.waitAsync({ timeout: 5_000 });
      expect(wg.count).toBe(0);
    }
  });
});

describe("WaitGroup across workers", () => {
  it("a blocking wait on Node's main thread returns once every worker is done", async () => {
    const wg = new WaitGroup();
    wg.add(2);
    const ws = [op("wgDone", wg, 20), op("wgDone", wg, 40)];
    wg.wait({ timeout: 10_000 });
    expect(wg.count).toBe(0);
    await Promise.all(ws.map((w) => w.join()));
  });

  it("waitAsync resolves once a worker is done", async () => {
    const wg = new WaitGroup();
    wg.add(1);
    const w = op("wgDone", wg, 10);
    await wg.waitAsync({ timeout: 10_000 });
    expect(wg.count).toBe(0);
    expect(await w.join()).toBe("done");
  });
});
