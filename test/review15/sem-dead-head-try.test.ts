/**
 * A head whose worker is terminated is replaced only by a waiter in acquireSlow. `tryAcquire`,
 * `available` and the fast path of `acquire` never look at OWNER: with nobody else waiting, the
 * dead head's HEAD bit and HEAD_N stay for good, and every permit up to HEAD_N is unreachable to
 * tryAcquire (and `available` under-reports) forever.
 */
import { describe, expect, it } from "vitest";
import { Semaphore } from "../../dist/index.js";
import { handshake, op, sleep } from "../unit-helpers.js";

describe("review15: a dead head with nobody waiting behind it", () => {
  it("tryAcquire and available see the permits once the head's worker is dead", async () => {
    const s = new Semaphore(2);
    s.acquire(1); // 1 there
    const hs = handshake();
    const h = op<string>("semAcquireTimed", s, 2, hs.started, 20_000);
    await hs.whenStarted();
    const t0 = Date.now();
    while (s.tryAcquire(1)) {
      s.release(1); // not the head yet
      if (Date.now() - t0 > 5_000) throw new Error("worker never became the head");
      await sleep(5);
    }
    await h.terminate(); // its exit was seen: the slot is DEAD
    s.release(1); // 2 there, and nobody alive waits
    await sleep(250); // well past a liveness slice
    expect(s.available).toBe(2);
    expect(s.tryAcquire(2)).toBe(true);
  });
});
