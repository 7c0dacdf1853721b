/**
 * Sender.sendManyAsync: sendMany's async twin (a helper checking the README found that sendMany,
 * which blocks while the channel is full, had none, though "every call that can wait" has one).
 */
import { describe, expect, it } from "vitest";
import { SendError, SendTimeoutError, channel, codecs, spawn } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";

describe("Sender.sendManyAsync", () => {
  for (const codec of [codecs.f64, codecs.structured]) {
    it(`${codec.name}: waits for room without blocking the event loop; a worker gets every value in order`, async () => {
      const [tx, rx] = channel<number>({ capacity: 2, codec: codec as typeof codecs.f64 });
      const N = 500;
      const consumer = spawn(workerUrl("ch-collect.mjs"), rx);
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      const values = Array.from({ length: N }, (_, i) => i);
      await tx.sendManyAsync(codec === codecs.f64 ? Float64Array.from(values) : values, { timeout: 20_000 });
      clearInterval(timer);
      tx.close();
      expect(await consumer.join()).toEqual(values);
      expect(ticks, "timers ran while it waited for room").toBeGreaterThan(0);
    });
  }

  it("times out with the values not sent; those sent stay in the channel", async () => {
    const [tx, rx] = channel<number>({ capacity: 2, codec: codecs.i32 });
    const e = await tx.sendManyAsync([1, 2, 3, 4], { timeout: 30 }).then(
      () => null,
      (err: unknown) => err as SendTimeoutError<number[]>,
    );
    expect(e).toBeInstanceOf(SendTimeoutError);
    expect(e!.value).toEqual([3, 4]);
    expect(rx.recvMany(10)).toEqual([1, 2]);
  });

  it("a value the codec cannot carry rejects before anything is sent; no receivers is SendError with every value", async () => {
    const [tx, rx] = channel<unknown>({ capacity: 4 });
    await expect(tx.sendManyAsync([1, () => 2] as any)).rejects.toMatchObject({ name: "DataCloneError" });
    expect(rx.len).toBe(0);
    rx.close();
    const e = await tx.sendManyAsync([{ a: 1 }, { b: 2 }]).then(
      () => null,
      (err: unknown) => err as SendError<unknown[]>,
    );
    expect(e).toBeInstanceOf(SendError);
    expect(e!.value).toEqual([{ a: 1 }, { b: 2 }]);
    // A closed handle rejects (never throws synchronously).
    tx.close();
    await expect(tx.sendManyAsync([1])).rejects.toMatchObject({ name: "ClosedError" });
  });
});
