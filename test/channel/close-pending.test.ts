/**
 * Closing a handle ends the async calls still waiting on it (as a tokio future borrows its
 * handle: dropping the handle cannot leave the call running). Regression (a helper's port of
 * tokio's sync_mpsc tests, thirteenth session): closing a clone left its pending `recvAsync`
 * running — it took the next message, meant for the open receivers, and with none coming held
 * the Node process open for good; a closed clone's pending `sendAsync` still delivered its value.
 */
import { describe, expect, it } from "vitest";
import { ClosedError, channel, codecs } from "../../dist/index.js";

const settledWithin = async <T>(p: Promise<T>, ms: number): Promise<{ value?: T; error?: unknown } | "pending"> => {
  const timer = new Promise<"pending">((r) => setTimeout(() => r("pending"), ms));
  return Promise.race([p.then((value) => ({ value }), (error) => ({ error })), timer]);
};

describe("close() ends the calls waiting on that handle", () => {
  for (const capacity of [0, 1, 4, Infinity]) {
    it(`a closed clone's pending recvAsync rejects with ClosedError; the message goes to an open receiver (capacity ${capacity})`, async () => {
      const [tx, rx] = channel<number>({ capacity, codec: codecs.i32 });
      const rx2 = rx.clone();
      const pending = rx2.recvAsync();
      rx2.close();
      const r = await settledWithin(pending, 1000);
      expect(r).not.toBe("pending");
      expect((r as { error: unknown }).error).toBeInstanceOf(ClosedError);
      expect(((r as { error: Error }).error).message).toMatch(/^Receiver: this Receiver was closed while a call on it waited$/);
      const sent = tx.sendAsync(7);
      expect(await rx.recvAsync({ timeout: 2000 })).toBe(7);
      await sent;
      tx.close();
      rx.close();
    });
  }

  it("a closed clone's pending sendAsync (channel full) rejects with ClosedError and its value is not delivered", async () => {
    const [tx, rx] = channel<number>({ capacity: 1, codec: codecs.i32 });
    tx.send(1);
    const tx2 = tx.clone();
    const pending = tx2.sendAsync(2);
    tx2.close();
    const r = await settledWithin(pending, 1000);
    expect(r).not.toBe("pending");
    expect((r as { error: unknown }).error).toBeInstanceOf(ClosedError);
    expect(rx.recv({ timeout: 1000 })).toBe(1);
    expect(() => rx.tryRecv()).toThrow(expect.objectContaining({ kind: "empty" })); // 2 never went in
    tx.close();
    rx.close();
  });

  it("recvManyAsync, recvIntoAsync, sendManyAsync and a for-await loop on a closed clone end too", async () => {
    const [tx, rx] = channel<number>({ capacity: 1, codec: codecs.f64 });
    const rx2 = rx.clone();
    const many = rx2.recvManyAsync(4);
    const into = rx2.recvIntoAsync(new Float64Array(4));
    const loop = (async () => {
      for await (const v of rx2) return v;
      return "done";
    })();
    tx.send(1); // taken by one of them (recvManyAsync: [1]; recvIntoAsync: a count of 1; the loop: 1), before the close
    await Promise.race([many, into, loop]);
    rx2.close();
    const outcomes = await Promise.allSettled([many, into, loop]);
    const fulfilled = outcomes.filter((o) => o.status === "fulfilled").map((o) => (o as PromiseFulfilledResult<unknown>).value);
    expect(fulfilled.length).toBe(1);
    expect([[1], 1]).toContainEqual(fulfilled[0]);
    const rejected = outcomes.filter((o) => o.status === "rejected");
    expect(rejected.length).toBe(2);
    for (const o of rejected) expect((o as PromiseRejectedResult).reason).toBeInstanceOf(ClosedError);
    tx.send(2);
    const tx2 = tx.clone();
    const sending = tx2.sendManyAsync([3, 4]);
    tx2.close();
    await expect(sending).rejects.toBeInstanceOf(ClosedError);
    expect(rx.recv({ timeout: 1000 })).toBe(2);
    tx.close();
    rx.close();
  });

  it("a user's signal still works beside it, and a call on an open handle is unaffected by a clone's close", async () => {
    const [tx, rx] = channel<number>({ capacity: 2, codec: codecs.i32 });
    const ac = new AbortController();
    const p = rx.recvAsync({ signal: ac.signal, timeout: 5000 });
    const rx2 = rx.clone();
    rx2.close(); // not this handle
    ac.abort(new Error("stop"));
    await expect(p).rejects.toThrow("stop");
    const q = rx.recvAsync({ timeout: 2000 });
    tx.send(5);
    expect(await q).toBe(5);
    tx.close();
    rx.close();
  });
});
