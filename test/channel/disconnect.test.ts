/**
 * Disconnect semantics (issue #4; DESIGN §6 "Counts and disconnect"): when the last Sender closes,
 * receivers drain everything sent and then see disconnected; when the last Receiver closes, sends
 * fail and hand the value back. Same thread and across workers, every flavor.
 */
import { describe, expect, it } from "vitest";
import {
  RecvError, SendError, TryRecvError, TrySendError, channel, codecs, select, selectAsync, sendArm, spawn,
} from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import { arenaPeek, joinAll, waitFlag, within } from "./util.js";

const buffered = [
  ["bounded(16)", 16],
  ["unbounded", Infinity],
] as const;
const all = [...buffered, ["rendezvous", 0]] as const;
const big = (i: number) => ({ i, pad: "x".repeat(3000 + i) }); // goes to the arena

describe("last sender closes: drain, then disconnected", () => {
  for (const [name, capacity] of buffered) {
    it(`${name}: recv gets every message, then RecvError; tryRecv says disconnected`, () => {
      const [tx, rx] = channel<unknown>({ capacity });
      const sent = [1, "two", big(3), null, undefined, big(5), { six: 6 }];
      for (const v of sent) tx.send(v);
      const tx2 = tx.clone();
      tx.close();
      expect(rx.isClosed).toBe(false); // a clone is still open
      tx2.close();
      expect(rx.isClosed).toBe(false); // still messages to drain
      expect(rx.len).toBe(sent.length);
      for (const v of sent) expect(rx.recv()).toEqual(v);
      expect(() => rx.recv()).toThrow(RecvError);
      expect(() => rx.recv({ timeout: 10 })).toThrow(RecvError);
      const e = (() => { try { rx.tryRecv(); } catch (err) { return err; } })();
      expect(e).toBeInstanceOf(TryRecvError);
      expect((e as TryRecvError).kind).toBe("disconnected");
      expect(rx.isClosed).toBe(true);
    });

    it(`${name}: sync iteration, recvMany and async iteration all end after the drain`, async () => {
      const [tx, rx] = channel<number>({ capacity });
      for (let i = 0; i < 10; i++) tx.send(i);
      tx.close();
      const rx2 = rx.clone(), rx3 = rx.clone();
      expect(rx.recvMany(3)).toEqual([0, 1, 2]);
      const seen: number[] = [];
      for (const v of rx2) {
        seen.push(v);
        if (seen.length === 3) break;
      }
      expect(seen).toEqual([3, 4, 5]);
      expect(await rx3.recvManyAsync(100)).toEqual([6, 7, 8, 9]);
      expect(() => rx.recvMany(5)).toThrow(RecvError);
      await expect(rx3.recvManyAsync(5)).rejects.toBeInstanceOf(RecvError);
      await expect(rx3.recvAsync()).rejects.toBeInstanceOf(RecvError);
      const rest: number[] = [];
      for await (const v of rx3) rest.push(v);
      expect(rest).toEqual([]);
      expect([...rx]).toEqual([]);
    });
  }

  for (const [name, capacity] of all) {
    it(`${name}: a receiver blocked in another worker wakes with RecvError when the last sender closes`, async () => {
      const [tx, rx] = channel<number>({ capacity });
      const flags = new Int32Array(new SharedArrayBuffer(8));
      const h = spawn(workerUrl("ch-script.mjs"), { rx, flags }, [["set", "flags", 0, 1], ["recv", "rx"], ["recvAsync", "rx"]]);
      rx.close();
      await within(waitFlag(flags, 0, 1), "worker start");
      await new Promise((r) => setTimeout(r, 50)); // let it block
      tx.close();
      const [log] = await joinAll<any[]>([h], name);
      expect(log.slice(1)).toEqual([{ err: "RecvError" }, { err: "RecvError" }]);
    });

    it(`${name}: a main-thread recvAsync / for await ends when the last sender (a worker) closes`, async () => {
      const [tx, rx] = channel<number>({ capacity });
      const n = 50;
      const h = spawn(workerUrl("ch-script.mjs"), { tx }, Array.from({ length: n }, (_, i) => ["send", "tx", i]));
      tx.close();
      const got: number[] = [];
      const rx2 = rx.clone();
      await within((async () => { for await (const v of rx) got.push(v); })(), "for await");
      expect(got).toEqual(Array.from({ length: n }, (_, i) => i));
      await expect(rx2.recvAsync()).rejects.toBeInstanceOf(RecvError);
      const [log] = await joinAll<any[]>([h], name);
      expect(log.every((e: any) => "ok" in e)).toBe(true);
    });
  }

  it("a sender shared with a worker counts as a clone: closing the parent's copy does not disconnect", async () => {
    const [tx, rx] = channel<number>({ capacity: 4 });
    const flags = new Int32Array(new SharedArrayBuffer(8));
    const h = spawn(workerUrl("ch-script.mjs"), { tx, flags }, [["waitFor", "flags", 0, 1], ["send", "tx", 42]]);
    tx.close();
    expect(() => rx.tryRecv()).toThrow(expect.objectContaining({ kind: "empty" }));
    Atomics.store(flags, 0, 1);
    Atomics.notify(flags, 0);
    expect(await within(rx.recvAsync(), "recv 42")).toBe(42);
    await joinAll([h], "sender worker");
    await expect(rx.recvAsync({ timeout: 5000 })).rejects.toBeInstanceOf(RecvError);
  });
});

describe("last receiver closes: sends fail and hand the value back", () => {
  for (const [name, capacity] of buffered) {
    it(`${name}: what was queued is dropped at once (len 0, arena memory given back), as crossbeam drops it`, () => {
      const [tx, rx] = channel<unknown>({ capacity });
      const start = arenaPeek(tx)!.bytesInUse;
      for (let i = 0; i < 10; i++) tx.send(big(i));
      expect(tx.len).toBe(10);
      expect(arenaPeek(tx)!.bytesInUse).toBeGreaterThan(start + 10 * 3000);
      rx.close();
      expect(tx.len).toBe(0);
      expect(tx.isEmpty).toBe(true);
      expect(arenaPeek(tx)!.bytesInUse - start).toBeLessThanOrEqual(16 * 1024); // at most one list block
      expect(() => tx.send(1)).toThrow(SendError);
      tx.close();
    });
  }
  for (const [name, capacity] of buffered) {
    it(`${name}: a channel end inside a dropped message is dropped with it (the reply channel's receiver sees disconnected)`, () => {
      // Found by review: the dropped message's Sender kept its reference, so `reply` never
      // disconnected — the request/reply pattern's caller waited for ever.
      const [tx, rx] = channel<unknown>({ capacity });
      const [replyTx, replyRx] = channel<number>({ capacity: 4 });
      const [, otherRx] = channel<number>();
      tx.send({ ask: 1, reply: replyTx });
      tx.send([new Map([["deep", { reply: replyTx }]]), otherRx]); // ends anywhere in a message
      const sparse: unknown[] = [];
      sparse[100_000] = { reply: replyTx }; // a mostly empty array is encoded by index
      tx.send(sparse);
      tx.send(big(1)); // and a message without any
      replyTx.close();
      expect(replyRx.isClosed).toBe(false); // the queued messages hold references
      rx.close(); // drops all four
      expect(() => replyRx.recv({ timeout: 1000 })).toThrow(RecvError);
      expect(replyRx.isClosed).toBe(true);
      tx.close();
    });
  }
  it("a channel end in a message that is never sent (unsendable beside it, timed out, no receivers) keeps no reference", () => {
    const [replyTx, replyRx] = channel<number>({ capacity: 4 });
    const [tx, rx] = channel<unknown>({ capacity: 1 });
    // @ts-expect-error: not Sendable, so also a compile error; this checks the run-time release
    expect(() => tx.send({ reply: replyTx, f: () => 1 })).toThrow(/function/);
    tx.send("fills the channel");
    expect(() => tx.send({ reply: replyTx }, { timeout: 10 })).toThrow(/timed out/);
    rx.close();
    expect(() => tx.send({ reply: replyTx })).toThrow(SendError);
    replyTx.close();
    expect(() => replyRx.recv({ timeout: 1000 })).toThrow(RecvError);
    tx.close();
  });

  for (const [name, capacity] of all) {
    it(`${name}: send / trySend / sendAsync / sendMany / select arm all fail with the value`, async () => {
      const [tx, rx] = channel<unknown>({ capacity });
      const rx2 = rx.clone();
      rx.close();
      if (capacity !== 0) {
        tx.send("still one receiver");
        expect(rx2.recv()).toBe("still one receiver");
      }
      rx2.close();
      const v = { payload: "x".repeat(4000) };
      const err = (f: () => unknown) => { try { f(); } catch (e) { return e as any; } throw new Error("did not throw"); };
      const e1 = err(() => tx.send(v));
      expect(e1).toBeInstanceOf(SendError);
      expect(e1.value).toBe(v);
      const e1t = err(() => tx.send(v, { timeout: 50 }));
      expect(e1t).toBeInstanceOf(SendError); // disconnected wins over the timeout
      expect(e1t.value).toBe(v);
      const e2 = err(() => tx.trySend(v));
      expect(e2).toBeInstanceOf(TrySendError);
      expect(e2.kind).toBe("disconnected");
      expect(e2.value).toBe(v);
      const e3 = await tx.sendAsync(v).then(() => null, (e) => e);
      expect(e3).toBeInstanceOf(SendError);
      expect(e3.value).toBe(v);
      const e4 = err(() => tx.sendMany([1, 2, 3]));
      expect(e4).toBeInstanceOf(SendError);
      expect(e4.value).toEqual([1, 2, 3]);
      const r = select([sendArm(tx, v)]);
      expect(r.index).toBe(0);
      expect(r.kind).toBe("send");
      expect(r.error).toBeInstanceOf(SendError);
      expect((r.error as SendError).value).toBe(v);
      const ra = await selectAsync([sendArm(tx, v)]);
      expect(ra.error).toBeInstanceOf(SendError);
      expect(tx.isClosed).toBe(true);
    });

    it(`${name}: a sender blocked in another worker wakes with SendError (value back) when the last receiver closes`, async () => {
      const [tx, rx] = channel<unknown>({ capacity });
      const flags = new Int32Array(new SharedArrayBuffer(8));
      const fill = capacity === 0 ? [] : Array.from({ length: capacity === Infinity ? 0 : capacity }, (_, i) => ["send", "tx", i]);
      const blocked = capacity === Infinity ? [] : [["send", "tx", { v: "blocked" }]];
      const h = spawn(workerUrl("ch-script.mjs"), { tx, flags }, [
        ...fill, ["set", "flags", 0, 1], ...blocked, ["waitFor", "flags", 1, 1], ["send", "tx", "after"],
      ]);
      tx.close();
      await within(waitFlag(flags, 0, 1), "worker filled the channel");
      await new Promise((r) => setTimeout(r, 50)); // let it block
      rx.close();
      Atomics.store(flags, 1, 1);
      Atomics.notify(flags, 1);
      const [log] = await joinAll<any[]>([h], name);
      const tail = log.slice(fill.length + 1);
      if (capacity !== Infinity) expect(tail[0]).toEqual({ err: "SendError", value: { v: "blocked" } });
      expect(tail.at(-2)).toEqual({ ok: undefined }); // waitFor
      expect(tail.at(-1)).toEqual({ err: "SendError", value: "after" });
    });
  }

  it("a worker's sends start failing once the main thread's only receiver closes, and no message is lost before", async () => {
    const [tx, rx] = channel<number>({ capacity: 8, codec: codecs.i32 });
    const n = 2000;
    const h = spawn(workerUrl("ch-script.mjs"), { tx }, Array.from({ length: n }, (_, i) => ["send", "tx", i]));
    tx.close();
    const got: number[] = [];
    for (let i = 0; i < 300; i++) got.push(await within(rx.recvAsync(), "recv"));
    rx.close();
    const [log] = await joinAll<any[]>([h], "sender");
    expect(got).toEqual(Array.from({ length: 300 }, (_, i) => i));
    const firstErr = log.findIndex((e: any) => "err" in e);
    expect(firstErr).toBeGreaterThanOrEqual(300);
    expect(log.slice(firstErr).every((e: any, k: number) => e.err === "SendError" && e.value === firstErr + k)).toBe(true);
  });
});
