/**
 * review13 #2 (src/channel/flavors/zero.ts recvSlice = RECV_SLICE_MS 2 000, src/sync/park.ts
 * parkSlice): a sender's wake-up (Chan.wake: RX_SEQ bump + notify(…, 1), then PENDING set until a
 * sleeper re-checks) goes to the longest-parked RX_SEQ waiter. If that waiter is a pending
 * `recvAsync` of a thread whose event loop is busy (blocked in a sync call), the wake-up is
 * consumed by a receiver that cannot run, and every further offer finds PENDING set and notifies
 * nobody. A receiver blocked in `recv()` on another thread then takes the message only when its
 * park slice ends: within 100 ms before the change, up to 2 s now.
 *
 * A helper's review of the thirteenth session's changes; fixed: a sender whose offer is still up
 * after its own (100 ms) slice clears PENDING and wakes the next receiver; receivers keep their
 * long slice (now 1 s: a blocked rendezvous receiver also drains the buffer directory then).
 */
import { describe, expect, it } from "vitest";
import { channel, spawn } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";

const evalUrl = workerUrl("acc2-eval.mjs");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("review13: rendezvous receiver behind a receiver that cannot run", () => {
  it("a blocked recv() on another thread gets the message promptly", async () => {
    const [tx, rx] = channel<number>({ capacity: 0 });
    // W: a recvAsync pending (parked first), then its thread blocks for a while.
    const w = spawn(evalUrl, `async (weft, [rx], h) => {
      const p = rx.recvAsync().then((v) => ({ got: v }), (e) => ({ error: e.name }));
      h.sleep(4000);
      return await p;
    }`, [rx]);
    await sleep(400);
    // R: a plain blocking receive, parked after W's.
    const r = spawn(evalUrl, `(weft, [rx], h) => {
      const v = rx.recv({ timeout: 6000 });
      return { got: v, at: Date.now() };
    }`, [rx]);
    await sleep(400);
    const sentAt = Date.now();
    await tx.sendAsync(1, { timeout: 6000 });
    const rr: any = await r.join();
    const latency = rr.at - sentAt;
    tx.close();
    const wr = await w.join();
    rx.close();
    console.log("R:", rr, `latency ${latency} ms`, "W:", wr);
    expect(rr.got).toBe(1);
    expect(latency).toBeLessThan(500);
  });
});
