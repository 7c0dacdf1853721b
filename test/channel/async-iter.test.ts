/**
 * `for await (const v of rx)` (src/channel/channel.ts, `Receiver[Symbol.asyncIterator]`): a
 * hand-written async iterator since the tenth session (a message there now costs one microtask,
 * not an async generator's four). These pin the protocol details a generator gave for free:
 * `next()` calls made before the previous one settled are served in order; `return()` (a `break`)
 * takes nothing more from the channel; an error ends the iteration; a drained, disconnected
 * channel says done, and keeps saying it.
 */
import { describe, expect, it } from "vitest";
import { ClosedError, channel, codecs, spawn } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import { joinAll, within } from "./util.js";

describe("Receiver async iteration", () => {
  it("next() calls made at once, with and without messages waiting, are served in call order", async () => {
    for (const capacity of [0, 1, 4, Infinity]) {
      const [tx, rx] = channel<number>({ capacity, codec: codecs.f64 });
      const it = rx[Symbol.asyncIterator]();
      const early = capacity >= 4 ? [0, 1] : []; // waiting before the calls
      for (const v of early) tx.send(v);
      const calls = Array.from({ length: 8 }, () => it.next());
      const rest = Array.from({ length: 8 - early.length }, (_, k) => early.length + k);
      for (const v of rest) await tx.sendAsync(v);
      tx.close();
      const got = await within(Promise.all(calls), `capacity ${capacity}`);
      expect(got.map((r) => r.value)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(got.every((r) => r.done === false)).toBe(true);
      expect(await it.next()).toEqual({ value: undefined, done: true });
      expect(await it.next()).toEqual({ value: undefined, done: true });
    }
  });

  it("a next() made while an earlier one waits does not overtake it when a message arrives in between", async () => {
    for (const capacity of [1, 4, Infinity]) {
      const [tx, rx] = channel<number>({ capacity, codec: codecs.f64 });
      const it = rx[Symbol.asyncIterator]();
      const a = it.next(); // finds nothing: waits
      tx.send(1); // there now, but `a`'s waiter runs only on a later turn
      const b = it.next(); // must not take 1 from under `a`
      const sent = tx.sendAsync(2); // (capacity 1: room only once `a` has taken 1)
      expect([(await a).value, (await b).value]).toEqual([1, 2]);
      await sent;
    }
  });

  it("break (return()) takes nothing more: the messages after it stay in the channel", async () => {
    const [tx, rx] = channel<number>({ capacity: 16, codec: codecs.i32 });
    for (let i = 0; i < 10; i++) tx.send(i);
    const seen: number[] = [];
    for await (const v of rx) {
      seen.push(v);
      if (v === 3) break;
    }
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(rx.len).toBe(6);
    // A new loop goes on from there.
    tx.close();
    const after: number[] = [];
    for await (const v of rx) after.push(v);
    expect(after).toEqual([4, 5, 6, 7, 8, 9]);
  });

  it("a receiver closed under a waiting loop ends it with ClosedError, and the iterator stays done", async () => {
    const [tx, rx] = channel<number>({ capacity: 4, codec: codecs.f64 });
    const it = rx[Symbol.asyncIterator]();
    tx.send(1);
    expect(await it.next()).toEqual({ value: 1, done: false });
    rx.close();
    await expect(it.next()).rejects.toBeInstanceOf(ClosedError);
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it("a loop on the main thread drains a worker's sends exactly once, in order, then ends", async () => {
    const [tx, rx] = channel<number>({ capacity: 8, codec: codecs.i32 });
    // Producer 0's messages in the i32 codec are its sequence numbers (test/workers/ch-lib.mjs).
    const h = spawn(workerUrl("ch-produce.mjs"), tx, { id: 0, count: 5000, mode: "send", codec: "i32" });
    tx.close();
    const got: number[] = [];
    await within((async () => { for await (const v of rx) got.push(v); })(), "async loop");
    expect(got).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    await joinAll([h], "sender");
  });
});
