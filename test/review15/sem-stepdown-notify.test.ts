/**
 * A head that leaves without its permits (timeout / abort) must wake the waiter behind it at once.
 * stepDown(false) runs in acquireSlow's finally *after* WAITERS was decremented, so its
 * `WAITERS > 1` test needs two *other* waiters: with exactly one waiter behind the head, nobody is
 * notified and that waiter sleeps out its liveness slice (up to 100 ms) although its permits are there.
 */
import { describe, expect, it } from "vitest";
import { Semaphore } from "../../dist/index.js";
import { handshake, op, sleep } from "../unit-helpers.js";

describe("review15: head step-down wakes the (single) waiter behind it", () => {
  it("timeout of an async head: the one waiter behind it gets its permit promptly", async () => {
    const s = new Semaphore(10);
    s.acquire(1); // 9 there
    let bigAt = 0;
    // The waiter behind parks at once, in 100 ms slices: a head timing out at 110 ms leaves it
    // ~90 ms of its second slice to sleep if nobody wakes it.
    const big = s.acquireAsync(10, { timeout: 110 }).catch((e) => ((bigAt = performance.now()), e));
    let smallAt = 0;
    const small = s.acquireAsync(1).then(() => (smallAt = performance.now()));
    await big;
    await small;
    expect(smallAt - bigAt).toBeLessThan(50);
  });

  it("timeout of a blocking head (worker): the blocking waiter behind it gets in promptly", async () => {
    const s = new Semaphore(4);
    s.acquire(1); // 3 there
    const a = handshake();
    const head = op<string>("semAcquireTimed", s, 4, a.started, 150);
    await a.whenStarted();
    await sleep(30); // head in place
    expect(s.tryAcquire(1)).toBe(false);
    // The waiter: main thread, async (so we can time it), parked right now.
    let smallAt = 0;
    const small = s.acquireAsync(1).then(() => (smallAt = performance.now()));
    expect(await head.join()).toMatch(/TimeoutError/);
    const headDoneAt = performance.now(); // at most a few ms after the head stepped down
    await small;
    // With one waiter behind the head, stepDown(false) skips the notify: the waiter sleeps to the
    // end of its slice (parked ~120 ms before the timeout: ~80 ms more).
    expect(smallAt - headDoneAt).toBeLessThan(50);
  });
});
