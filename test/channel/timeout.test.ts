/**
 * Timeouts and aborts (issue #4: "timeouts/aborts leave the channel usable"): sync and async,
 * send and recv, every flavor. A timed-out send hands its value back in `err.value` and the value
 * is never delivered; waits unregister; later traffic is exact.
 */
import { describe, expect, it } from "vitest";
import {
  RecvError, SendTimeoutError, TimeoutError, channel, codecs, spawn, type Sender,
} from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import { arenaPeek, headerPeek, joinAll, runs } from "./util.js";

const err = (f: () => unknown): any => {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error("did not throw");
};

/** Fills a channel so that the next send must wait. */
function fill(tx: Sender<unknown>, capacity: number): unknown[] {
  const vs = Array.from({ length: capacity }, (_, i) => ({ fill: i, pad: "f".repeat(i * 300) }));
  for (const v of vs) tx.send(v);
  return vs;
}

describe("timeouts and aborts on a single thread", () => {
  for (const capacity of [0, 1, 3]) {
    it(`capacity ${capacity}: timed-out and aborted sends hand the value back and deliver nothing`, async () => {
      const [tx, rx] = channel<unknown>({ capacity });
      const arena0 = arenaPeek(tx)!.bytesInUse;
      const filled = fill(tx, capacity);
      const v = { big: "v".repeat(5000) }; // arena-sized: its block must be given back too
      const e1 = err(() => tx.send(v, { timeout: 5 }));
      expect(e1).toBeInstanceOf(SendTimeoutError);
      expect(e1).toBeInstanceOf(TimeoutError);
      expect(e1.value).toBe(v);
      const e0 = err(() => tx.send(v, { timeout: 0 }));
      expect(e0).toBeInstanceOf(SendTimeoutError);
      expect(e0.value).toBe(v);
      const e2 = await tx.sendAsync(v, { timeout: 5 }).then(() => null, (e) => e);
      expect(e2).toBeInstanceOf(SendTimeoutError);
      expect(e2.value).toBe(v);
      const ac = new AbortController();
      const p = tx.sendAsync(v, { signal: ac.signal });
      const reason = new Error("stop sending");
      ac.abort(reason);
      await expect(p).rejects.toBe(reason);
      const e3 = err(() => tx.sendMany([v, v, v], { timeout: 5 }));
      expect(e3).toBeInstanceOf(SendTimeoutError);
      expect(e3.value).toEqual([v, v, v]);
      expect(rx.len).toBe(capacity);
      expect(headerPeek(tx)).toMatchObject({ txSleepers: 0, rxSleepers: 0 });
      // What was there before is intact; nothing from the failed sends arrived.
      for (const f of filled) expect(rx.recv()).toEqual(f);
      expect(() => rx.tryRecv()).toThrow(expect.objectContaining({ kind: "empty" }));
      if (capacity > 0) {
        tx.send(1, { timeout: 0 }); // room now: a zero timeout succeeds
        expect(rx.recv({ timeout: 0 })).toBe(1);
      }
      expect(arenaPeek(tx)!.bytesInUse).toBe(arena0);
    });
  }

  for (const capacity of [0, 1, Infinity]) {
    it(`capacity ${capacity}: timed-out and aborted receives leave the channel usable`, async () => {
      const [tx, rx] = channel<number>({ capacity, codec: codecs.f64 });
      expect(err(() => rx.recv({ timeout: 5 }))).toBeInstanceOf(TimeoutError);
      expect(err(() => rx.recv({ timeout: 0 }))).toBeInstanceOf(TimeoutError);
      expect(err(() => rx.recvMany(4, { timeout: 2 }))).toBeInstanceOf(TimeoutError);
      await expect(rx.recvAsync({ timeout: 5 })).rejects.toBeInstanceOf(TimeoutError);
      await expect(rx.recvManyAsync(3, { timeout: 5 })).rejects.toBeInstanceOf(TimeoutError);
      for (let i = 0; i < 10; i++) {
        const ac = new AbortController();
        const p = rx.recvAsync({ signal: ac.signal });
        ac.abort(new Error(`abort ${i}`));
        await expect(p).rejects.toThrow(`abort ${i}`);
      }
      const pre = new AbortController();
      pre.abort(new Error("early"));
      expect(() => rx.recv({ signal: pre.signal })).toThrow("early");
      await expect(rx.recvAsync({ signal: pre.signal })).rejects.toThrow("early");
      expect(headerPeek(rx)).toMatchObject({ rxSleepers: 0, txSleepers: 0 });
      if (capacity !== 0) {
        tx.send(1.5);
        expect(rx.recv({ timeout: 100 })).toBe(1.5);
      }
      tx.close();
      expect(err(() => rx.recv({ timeout: 100 }))).toBeInstanceOf(RecvError);
    });
  }

  it("a pending recvAsync that times out does not swallow the next message (no lost message)", async () => {
    const [tx, rx] = channel<number>({ capacity: 4, codec: codecs.i32 });
    const late = rx.recvAsync({ timeout: 10 });
    const waiting = rx.recvAsync({ timeout: 5_000 });
    await expect(late).rejects.toBeInstanceOf(TimeoutError);
    tx.send(9);
    expect(await waiting).toBe(9);
    expect(rx.len).toBe(0);
  });

  it("bad options are typed errors: negative / NaN timeout is RangeError, a non-signal is TypeError", () => {
    const [tx, rx] = channel<number>({ capacity: 1 });
    for (const timeout of [-1, NaN, "5" as any]) {
      expect(() => rx.recv({ timeout })).toThrow(RangeError);
      expect(() => tx.send(1, { timeout })).toThrow(RangeError);
    }
    expect(() => rx.recv({ signal: {} as any })).toThrow(TypeError);
    expect(() => rx.recv(5 as any)).toThrow(TypeError);
    expect(rx.len).toBe(0);
  });
});

describe("timeouts racing a peer in another worker: sent ⇔ received", () => {
  const cases = [
    { name: "rendezvous, sync both sides", capacity: 0, send: { async: false }, recv: { async: false } },
    { name: "rendezvous, async sender with aborts", capacity: 0, send: { async: true, abort: true }, recv: { async: false } },
    { name: "rendezvous, async receiver with aborts", capacity: 0, send: { async: false }, recv: { async: true, abort: true } },
    { name: "bounded(1), sync", capacity: 1, send: { async: false }, recv: { async: false } },
    { name: "bounded(2), async both with aborts", capacity: 2, send: { async: true, abort: true }, recv: { async: true, abort: true } },
  ];
  for (const c of cases) {
    it(`${c.name}: every successful send is received once, in order; every timed-out one never`, async () => {
      for (let round = 0; round < runs(2); round++) {
        const [tx, rx] = channel<number>({ capacity: c.capacity, codec: codecs.i32 });
        const n = 300;
        const timeouts = [0, 0.02, 0.2, 1, 3];
        const hs = [
          spawn(workerUrl("ch-timeouts.mjs"), tx, { mode: "send", n, timeouts, pauseEvery: 37, seed: 7 + round, ...c.send }),
          spawn(workerUrl("ch-timeouts.mjs"), rx, { mode: "recv", timeouts, pauseEvery: 41, seed: 3 + round, ...c.recv }),
        ];
        tx.close();
        rx.close();
        const [s, r] = await joinAll<{ done: number[]; failures: number }>(hs, c.name, 25_000);
        expect(r!.done).toEqual(s!.done);
        expect(s!.done.length).toBeGreaterThan(0);
      }
    });
  }

  it("stress_timeout_two_threads (crossbeam array.rs / zero.rs): retrying sends and receives with 10 ms timeouts", async () => {
    for (const capacity of [0, 2]) {
      const [tx, rx] = channel<number>({ capacity, codec: codecs.i32 });
      // The sender retries each value until it goes through, so the receiver must see 0..n-1.
      const n = 60;
      const hs = [];
      hs.push(spawn(workerUrl("ch-timeouts.mjs"), tx, { mode: "send", n, timeouts: [10], pauseEvery: 2, seed: 1, retry: true }));
      hs.push(spawn(workerUrl("ch-timeouts.mjs"), rx, { mode: "recv", timeouts: [10], pauseEvery: 2, seed: 2 }));
      tx.close();
      rx.close();
      const [s, r] = await joinAll<{ done: number[] }>(hs, `capacity ${capacity}`);
      expect(s!.done).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(r!.done).toEqual(s!.done);
    }
  });
});
