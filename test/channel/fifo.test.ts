/**
 * Parked receivers are served in the order they parked (as crossbeam's waker queues serve them).
 *
 * Regression (found by a helper porting crossbeam-channel's tests/zero.rs `recv_in_send` to
 * workers): two receivers parked 300 ms apart got a message in either order, and `recv_in_send`
 * deadlocked half the time. `Atomics.notify(…, 1)` wakes the front of the futex's queue, but a
 * parked receive ended each 100 ms liveness slice with a new wait at the back. Channel parks now
 * last up to PARK_SLICE_MS (1 s, src/channel/chan.ts): within that, the order they parked in.
 */
import { describe, expect, it } from "vitest";
import { channel, select, sendArm, spawn } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";

const onGo = workerUrl("ch-on-go.mjs");
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const flag = () => new Int32Array(new SharedArrayBuffer(4));
const go = (f: Int32Array) => {
  Atomics.store(f, 0, 1);
  Atomics.notify(f, 0);
};

describe("parked receivers are served first come, first served", () => {
  for (const capacity of [0, 1, Infinity]) {
    it(`capacity ${capacity}: the receiver that parked first gets the first message (3 rounds)`, async () => {
      for (let round = 0; round < 3; round++) {
        const [tx, rx] = channel<number>({ capacity });
        const g1 = flag(), g2 = flag();
        // Both workers are up before either receives, so start-up times do not order them.
        const first = spawn(onGo, rx, "recv", g1);
        const second = spawn(onGo, rx, "recv", g2);
        rx.close();
        await sleep(150);
        go(g1);
        await sleep(300); // the first has polled and parked: several of the old 100 ms slices
        go(g2);
        await sleep(300);
        if (capacity === 0) {
          await tx.sendAsync(1, { timeout: 10_000 });
          await tx.sendAsync(2, { timeout: 10_000 });
        } else {
          tx.send(1);
          tx.send(2, { timeout: 10_000 });
        }
        expect([await first.join(), await second.join()], `round ${round}`).toEqual([1, 2]);
        tx.close();
      }
    });
  }

  it("zero.rs recv_in_send: this thread parks in recv, a worker 100 ms later, another sends at 500 ms; this thread gets it and hands it on with a select send arm", async () => {
    for (let round = 0; round < 3; round++) {
      const [tx, rx] = channel<number>({ capacity: 0 });
      const g = flag();
      const a = spawn(onGo, rx, "recv", g, undefined, 100);
      const b = spawn(onGo, tx, "send", g, 7, 500);
      await sleep(150); // both workers up, waiting for the flag
      go(g);
      expect(rx.recv({ timeout: 10_000 }), `round ${round}`).toBe(7);
      expect(select([sendArm(tx, 7)], { timeout: 10_000 })).toEqual({ index: 0, kind: "send" });
      expect([await a.join(), await b.join()]).toEqual([7, "sent"]);
      tx.close();
      rx.close();
    }
  });
});
