/**
 * Semaphore (src/sync/semaphore.ts): counts, ceiling, tryAcquire, close → ClosedError, timeouts,
 * placement with and without a count, across workers.
 */
import { describe, expect, it } from "vitest";
import { ClosedError, Semaphore, TimeoutError, WeftError } from "../../dist/index.js";
import { expectReject, expectThrow, handshake, op, sleep } from "../unit-helpers.js";

describe("Semaphore: bad input", () => {
  it.each([
    [-1, "number -1"],
    [NaN, "NaN"],
    [1.5, "1.5"],
    [2 ** 30, String(2 ** 30)],
    [Infinity, "Infinity"],
    ["3", 'string "3"'],
    [undefined, "undefined"],
  ])("new Semaphore(%s) is a RangeError naming the value", (permits, shown) => {
    expectThrow(() => new Semaphore(permits as any), RangeError, "Semaphore", "permits", shown);
  });

  it.each([
    [-1, "number -1"],
    [0.5, "0.5"],
    [NaN, "NaN"],
    ["1", 'string "1"'],
  ])("acquire / tryAcquire / acquireAsync / release reject n = %s with a RangeError; permits unchanged", async (n, shown) => {
    const s = new Semaphore(3);
    expectThrow(() => s.acquire(n as any), RangeError, "Semaphore.acquire", shown);
    expectThrow(() => s.tryAcquire(n as any), RangeError, "Semaphore.tryAcquire", shown);
    await expectReject(() => s.acquireAsync(n as any), RangeError, "Semaphore.acquireAsync", shown);
    s.acquire(2);
    expectThrow(() => s.release(n as any), RangeError, "Semaphore.release", shown);
    expect(s.available).toBe(1);
  });

  it("acquiring more than the ceiling could ever hold is a RangeError, not a hang", async () => {
    const s = new Semaphore(2);
    expectThrow(() => s.acquire(3), RangeError, "Semaphore.acquire(3)", "never holds more than 2");
    expectThrow(() => s.tryAcquire(3), RangeError, "Semaphore.tryAcquire(3)");
    await expectReject(() => s.acquireAsync(3), RangeError, "Semaphore.acquireAsync(3)");
    expect(s.available).toBe(2);
  });

  it("release beyond the ceiling is a RangeError naming the counts; the permit count is unchanged", () => {
    const s = new Semaphore(3);
    s.acquire(2);
    expectThrow(() => s.release(3), RangeError, "Semaphore.release(3)", "1 of 3", "exceed the ceiling");
    expect(s.available).toBe(1);
    s.release(2);
    expect(s.available).toBe(3);
    expectThrow(() => s.release(), RangeError, "Semaphore.release(1)", "3 of 3");
    expect(s.available).toBe(3);
  });

  it("Semaphore.at on memory holding a semaphore with another count is a RangeError; state unchanged", () => {
    const b = new SharedArrayBuffer(64);
    const s = Semaphore.at(b, 8, 3);
    s.acquire();
    expectThrow(() => Semaphore.at(b, 8, 4), RangeError, "byteOffset 8", "3 permits, not 4");
    expect(s.available).toBe(2);
    expect(s.maxPermits).toBe(3);
    const again = Semaphore.at(b, 8, 3);
    expect(again.available).toBe(2);
    expect(Semaphore.at(b, 8).available).toBe(2);
  });

  // Regression (found as a bug, now fixed): src/sync/semaphore.ts constructor: attaching without a count to fresh memory claims the
  // type tag and leaves MAX = 0, so when the creator then places it with its count, the count
  // check fails. DESIGN §2 says a worker may attach before the creator has written anything; with
  // a Semaphore that order breaks it for good. Repro:
  // `const b = new SharedArrayBuffer(20); Semaphore.at(b, 0); Semaphore.at(b, 0, 3)` →
  // RangeError "the semaphore at byteOffset 0 has 0 permits, not 3".
  it("a worker may attach before the creator sets the count (attach-first order)", () => {
    const b = new SharedArrayBuffer(Semaphore.BYTE_LENGTH);
    const early = Semaphore.at(b, 0);
    const s = Semaphore.at(b, 0, 3);
    expect(s.available).toBe(3);
    expect(early.available).toBe(3);
  });
});

describe("Semaphore on one thread", () => {
  it("acquire / tryAcquire / release count permits; available and maxPermits report them", () => {
    const s = new Semaphore(3);
    expect(s.available).toBe(3);
    expect(s.maxPermits).toBe(3);
    s.acquire();
    expect(s.available).toBe(2);
    expect(s.tryAcquire(2)).toBe(true);
    expect(s.available).toBe(0);
    expect(s.tryAcquire()).toBe(false);
    expect(s.available).toBe(0);
    s.release(2);
    expect(s.tryAcquire(3)).toBe(false); // only 2: takes nothing
    expect(s.available).toBe(2);
    expect(s.tryAcquire(0)).toBe(true);
    s.acquire(0);
    expect(s.available).toBe(2);
    s.release();
    expect(s.available).toBe(3);
  });

  it("new Semaphore(0) holds nothing: tryAcquire(0) works, tryAcquire(1) is a ceiling RangeError", () => {
    const s = new Semaphore(0);
    expect(s.available).toBe(0);
    expect(s.tryAcquire(0)).toBe(true);
    expectThrow(() => s.tryAcquire(1), RangeError, "never holds more than 0");
  });

  it("acquire times out with TimeoutError and takes nothing; acquireAsync too", async () => {
    const s = new Semaphore(2);
    s.acquire(2);
    const t0 = performance.now();
    expectThrow(() => s.acquire(1, { timeout: 25 }), TimeoutError, "Semaphore.acquire timed out after 25 ms");
    expect(performance.now() - t0).toBeGreaterThanOrEqual(20);
    s.release(1);
    await expectReject(() => s.acquireAsync(2, { timeout: 25 }), TimeoutError, "Semaphore.acquireAsync");
    expect(s.available).toBe(1);
  });

  it("acquireAsync waits for a release from another task", async () => {
    const s = new Semaphore(2);
    s.acquire(2);
    let got = false;
    const p = s.acquireAsync(2, { timeout: 5_000 }).then(() => (got = true));
    s.release(1);
    await sleep(10);
    expect(got).toBe(false); // one permit is not enough
    s.release(1);
    await p;
    expect(s.available).toBe(0);
  });

  it("close: waiters and every later acquire fail with ClosedError; release and available still work", async () => {
    const s = new Semaphore(1);
    s.acquire();
    const waiting = s.acquireAsync(1, { timeout: 5_000 });
    await sleep(5);
    expect(s.isClosed).toBe(false);
    s.close();
    expect(s.isClosed).toBe(true);
    const e = (await waiting.then(() => undefined, (x) => x)) as Error;
    expect(e).toBeInstanceOf(ClosedError);
    expect(e).toBeInstanceOf(WeftError);
    expect(e.message).toContain("closed");
    expectThrow(() => s.acquire(), ClosedError, "Semaphore is closed");
    expectThrow(() => s.tryAcquire(), ClosedError);
    await expectReject(() => s.acquireAsync(), ClosedError);
    s.release();
    expect(s.available).toBe(1);
    expectThrow(() => s.tryAcquire(), ClosedError); // permits are there, but closed is closed
    s.close(); // idempotent
    expect(s.isClosed).toBe(true);
  });
});

describe("Semaphore across workers", () => {
  it("a blocking acquire on Node's main thread is released by a worker", async () => {
    const s = new Semaphore(2);
    s.acquire(2);
    const h = op("semRelease", s, 2, 30);
    const t0 = performance.now();
    s.acquire(2, { timeout: 10_000 });
    expect(performance.now() - t0).toBeGreaterThan(10);
    expect(s.available).toBe(0);
    await h.join();
    s.release(2);
  });

  it("close wakes a worker blocked in acquire with ClosedError", async () => {
    const s = new Semaphore(1);
    s.acquire();
    const hs = handshake();
    const h = op("semAcquire", s, 1, hs.started);
    await hs.whenStarted();
    await sleep(20); // let it park
    s.close();
    expect(await h.join()).toBe("ClosedError");
  });

  it("a worker's acquire gets a permit released here", async () => {
    const s = new Semaphore(1);
    s.acquire();
    const hs = handshake();
    const h = op("semAcquire", s, 1, hs.started);
    await hs.whenStarted();
    s.release();
    expect(await h.join()).toBe("acquired");
    expect(s.available).toBe(0);
  });
});
