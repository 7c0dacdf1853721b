/**
 * Barrier (src/sync/barrier.ts): bad counts, exactly one leader per generation, reuse, and a
 * timed-out or aborted waiter withdrawing its arrival so the barrier still needs n parties.
 */
import { describe, expect, it } from "vitest";
import { Barrier, TimeoutError } from "../../dist/index.js";
import { expectReject, expectThrow, op, sleep } from "../unit-helpers.js";

const leaders = (rs: { isLeader: boolean }[]) => rs.filter((r) => r.isLeader).length;

describe("Barrier: bad input", () => {
  it.each([
    [-1, "number -1"],
    [1.5, "1.5"],
    [NaN, "NaN"],
    [2 ** 20, String(2 ** 20)],
    ["2", 'string "2"'],
    [undefined, "undefined"],
  ])("new Barrier(%s) is a RangeError naming the value", (n, shown) => {
    expectThrow(() => new Barrier(n as any), RangeError, "Barrier", "parties", shown);
  });

  // Rust std and tokio (`zero_does_not_block`) accept a barrier of 0 parties and treat it as 1;
  // weft threw RangeError until a helper's port found it.
  it("new Barrier(0) acts as Barrier(1): every wait returns at once as leader", async () => {
    const b = new Barrier(0);
    expect(b.parties).toBe(0);
    for (let i = 0; i < 3; i++) expect(b.wait({ timeout: 1_000 })).toEqual({ isLeader: true });
    expect(await b.waitAsync({ timeout: 1_000 })).toEqual({ isLeader: true });
    const placed = Barrier.at(new SharedArrayBuffer(Barrier.BYTE_LENGTH), 0, 0);
    expect(placed.wait({ timeout: 1_000 }).isLeader).toBe(true);
  });

  it("Barrier.at with another party count than the memory holds is a RangeError; the barrier is unchanged", async () => {
    const b = new SharedArrayBuffer(64);
    const bar = Barrier.at(b, 16, 2);
    expectThrow(() => Barrier.at(b, 16, 3), RangeError, "byteOffset 16", "2 parties, not 3");
    expect(Barrier.at(b, 16).parties).toBe(2);
    const rs = await Promise.all([bar.waitAsync(), Barrier.at(b, 16).waitAsync()]);
    expect(leaders(rs)).toBe(1);
  });

  // Regression (found as a bug, now fixed): src/sync/barrier.ts constructor: `Barrier.at(buffer, off)` on fresh memory claims the type
  // tag *then* throws "fresh memory … needs the number of parties", leaving a Barrier with N = 0
  // behind. The creator's `Barrier.at(buffer, off, 3)` then fails for good ("has 0 parties, not 3"),
  // so a worker that attaches before the creator (DESIGN §2: all-zero is a valid initial state)
  // breaks the barrier. Repro: `const b = new SharedArrayBuffer(16); try { Barrier.at(b, 0) } catch {};
  // Barrier.at(b, 0, 3)` → RangeError.
  it("a failed Barrier.at on fresh memory leaves it fresh (the creator can still place it)", () => {
    const b = new SharedArrayBuffer(Barrier.BYTE_LENGTH);
    expectThrow(() => Barrier.at(b, 0), RangeError, "needs the number of parties");
    expect(new Uint8Array(b).every((x) => x === 0)).toBe(true);
    expect(Barrier.at(b, 0, 3).parties).toBe(3);
  });
});

describe("Barrier on one thread (async parties)", () => {
  it("Barrier(1) trips at once, every time, as leader", () => {
    const b = new Barrier(1);
    expect(b.parties).toBe(1);
    for (let i = 0; i < 3; i++) expect(b.wait()).toEqual({ isLeader: true });
  });

  it("n async waiters: all released together, exactly one leader, over several generations", async () => {
    const b = new Barrier(3);
    for (let gen = 0; gen < 4; gen++) {
      let released = 0;
      const ps = [b.waitAsync(), b.waitAsync()].map((p) => p.then((r) => (released++, r)));
      await sleep(5);
      expect(released).toBe(0); // two of three parties: nobody passes
      const rs = await Promise.all([...ps, b.waitAsync()]);
      expect(released).toBe(2);
      expect(leaders(rs)).toBe(1);
    }
  });

  it("a timed-out waiter withdraws its arrival: the barrier still needs all n parties", async () => {
    const b = new Barrier(2);
    const t0 = performance.now();
    expectThrow(() => b.wait({ timeout: 20 }), TimeoutError, "Barrier.wait", "20 ms");
    expect(performance.now() - t0).toBeGreaterThanOrEqual(15);
    await expectReject(() => b.waitAsync({ timeout: 20 }), TimeoutError, "Barrier.waitAsync", "20 ms");
    // Had either arrival stayed, this lone waiter would trip the barrier as leader.
    await expectReject(() => b.waitAsync({ timeout: 20 }), TimeoutError);
    const rs = await Promise.all([b.waitAsync({ timeout: 5_000 }), b.waitAsync({ timeout: 5_000 })]);
    expect(leaders(rs)).toBe(1);
  });

  it("an aborted waitAsync withdraws its arrival too and rejects with the reason", async () => {
    const b = new Barrier(2);
    const ctl = new AbortController();
    const reason = new Error("left the barrier");
    setTimeout(() => ctl.abort(reason), 10);
    await expect(b.waitAsync({ signal: ctl.signal })).rejects.toBe(reason);
    await expectReject(() => b.waitAsync({ timeout: 15 }), TimeoutError);
    const rs = await Promise.all([b.waitAsync(), b.waitAsync()]);
    expect(leaders(rs)).toBe(1);
  });

  it("generations keep working past the 11-bit generation counter in the state word", async () => {
    const b = new Barrier(2);
    for (let i = 0; i < 2100; i++) {
      const rs = await Promise.all([b.waitAsync(), b.waitAsync()]);
      if (leaders(rs) !== 1) expect.fail(`generation ${i}: ${leaders(rs)} leaders`);
    }
  });
});

describe("Barrier across workers", () => {
  it("2 workers + this thread (sync waits on Node's main thread): one leader per generation", async () => {
    const rounds = 20;
    const b = new Barrier(3);
    const ws = [op<number>("barrier", b, rounds), op<number>("barrier", b, rounds)];
    let mine = 0;
    for (let i = 0; i < rounds; i++) if (b.wait({ timeout: 10_000 }).isLeader) mine++;
    const theirs = await Promise.all(ws.map((w) => w.join()));
    expect(mine + theirs[0]! + theirs[1]!).toBe(rounds);
  });

  it("a waiter here that timed out does not let a single worker through a 2-party barrier", async () => {
    const b = new Barrier(2);
    await expectReject(() => b.waitAsync({ timeout: 10 }), TimeoutError);
    const w = op<number>("barrier", b, 1);
    let done = false;
    const joined = w.join().then((x) => ((done = true), x));
    await sleep(150);
    expect(done).toBe(false);
    const mine = (await b.waitAsync({ timeout: 10_000 })).isLeader ? 1 : 0;
    expect(mine + (await joined)).toBe(1);
  });
});
