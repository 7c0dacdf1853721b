/**
 * Bad input (issue #4, "Tests"): clear typed errors, nothing lost — capacities, options, a
 * non-channel revived as a channel end, closed ends used again, recvMany(0), junk select arms.
 */
import { describe, expect, it } from "vitest";
import {
  ClosedError, DeadlockError, Mutex, RecvError, channel, codecs, revive, select, selectAsync, sendArm, share, spawn, trySelect,
} from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import { joinAll } from "./util.js";

describe("channel() options", () => {
  it("capacity: negative, NaN, non-integer, -Infinity, non-number or above the limit is a RangeError naming it", () => {
    for (const capacity of [-1, -0.5, 1.5, NaN, -Infinity, 2 ** 28 + 1, 2 ** 40, "3", true, 1n, {}, null]) {
      let e: any;
      try {
        channel({ capacity: capacity as any });
      } catch (err) {
        e = err;
      }
      expect(e, String(capacity)).toBeInstanceOf(RangeError);
      expect(e.message).toContain("capacity");
      const shown = typeof capacity === "string" ? `"${capacity}"` : capacity === null ? "null" : typeof capacity === "object" ? "Object" : String(capacity);
      expect(e.message, String(capacity)).toContain(shown);
    }
  });

  it("a capacity too big to allocate is a RangeError naming the capacity, not a bare allocation failure", () => {
    // Regression (found as a bug, now fixed): channel({ capacity: 2 ** 28 }) (the documented maximum) with the default codec needs
    // ~35 GB and fails with V8's "RangeError: Array buffer allocation failed" (and 2 ** 26 with
    // "Invalid typed array length: 8053063680"), which names neither the option nor the value.
    let e: any;
    try {
      channel({ capacity: 2 ** 28 });
    } catch (err) {
      e = err;
    }
    if (e !== undefined) {
      expect(e).toBeInstanceOf(RangeError);
      expect(e.message).toMatch(/capacity/);
      expect(e.message).toContain(String(2 ** 28));
    }
  });

  it("0, positive integers and Infinity are fine; capacity and flavor are as asked", () => {
    expect(channel({ capacity: 0 })[1].capacity).toBe(0);
    expect(channel({ capacity: 1 })[1].capacity).toBe(1);
    expect(channel({ capacity: 1000 })[1].capacity).toBe(1000);
    expect(channel({ capacity: Infinity })[1].capacity).toBe(Infinity);
    expect(channel()[1].capacity).toBe(Infinity);
  });

  it("options that are not an object, unknown codecs and bad slotBytes / maxArenaBytes are typed errors", () => {
    for (const opts of [null, 5, "x", true]) expect(() => channel(opts as any)).toThrow(TypeError);
    for (const codec of [5, "f64", {}, { name: "nope", fixedBytes: 0 }, null]) {
      expect(() => channel({ codec: codec as any }), String(codec)).toThrow(TypeError);
    }
    for (const slotBytes of [0, -1, 1.5, NaN, 2 ** 21, "8"]) {
      expect(() => channel({ slotBytes: slotBytes as any }), String(slotBytes)).toThrow(RangeError);
    }
    for (const maxArenaBytes of [0, -1, 100, 1.5, NaN, 2 ** 33]) {
      expect(() => channel({ maxArenaBytes: maxArenaBytes as any }), String(maxArenaBytes)).toThrow(RangeError);
    }
  });
});

describe("reviving something that is not a channel as a channel end", () => {
  /** A real Sender's wire with its record edited by `edit`. */
  const forged = (edit: (rec: any) => void) => {
    const [tx] = channel<number>({ capacity: 2 });
    const w: any = share(tx);
    tx.close();
    const rec = w.value;
    // Every field of the record we forge must exist (layout check of the test itself).
    expect(Object.keys(rec)).toEqual(["\u0000weft.prim", "b", "o", "x"]);
    edit(rec);
    return w;
  };

  it("fresh zeroed memory, too-small memory, another primitive's memory and non-shared memory are TypeErrors", () => {
    const mutex = new Mutex(new Int32Array(new SharedArrayBuffer(4)));
    const mutexBuf = (share(mutex) as any).value.b as SharedArrayBuffer;
    const cases: [string, (rec: any) => void][] = [
      ["zeroed memory", (r) => (r.b = new SharedArrayBuffer(4096))],
      ["too small", (r) => (r.b = new SharedArrayBuffer(16))],
      ["a Mutex's memory", (r) => (r.b = mutexBuf)],
      ["an ArrayBuffer", (r) => (r.b = new ArrayBuffer(4096))],
      ["no buffer", (r) => (r.b = undefined)],
      ["an unknown codec", (r) => (r.x = { ...r.x, codec: "nope" })],
      ["a corrupt flavor word", (r) => {
        const copy = new SharedArrayBuffer(r.b.byteLength);
        new Uint8Array(copy).set(new Uint8Array(r.b));
        new Int32Array(copy)[1] = 99;
        r.b = copy;
      }],
    ];
    for (const [what, edit] of cases) {
      expect(() => revive(forged(edit)), what).toThrow(TypeError);
    }
  });

  it("a forged end handed to a worker fails there with TypeError (join rejects), no hang", async () => {
    const fake = (forged((r) => (r.b = new SharedArrayBuffer(4096))) as any).value;
    const h = spawn(workerUrl("ch-script.mjs"), { tx: fake }, [["send", "tx", 1]]);
    await expect(joinAll([h], "forged end")).rejects.toBeInstanceOf(TypeError);
  });

  it("revive of a non-wire is a TypeError", () => {
    for (const v of [null, 1, {}, { value: 1 }, [], "wire"]) expect(() => revive(v as any)).toThrow(TypeError);
  });
});

describe("closed ends used again: ClosedError", () => {
  it("every Sender operation on a closed Sender throws (or rejects with) ClosedError", async () => {
    const [tx, rx] = channel<number>({ capacity: 4 });
    const keep = tx.clone();
    tx.close();
    expect(() => tx.send(1)).toThrow(ClosedError);
    expect(() => tx.send(1, { timeout: 0 })).toThrow(ClosedError);
    expect(() => tx.trySend(1)).toThrow(ClosedError);
    expect(() => tx.sendMany([1, 2])).toThrow(ClosedError);
    await expect(tx.sendAsync(1)).rejects.toBeInstanceOf(ClosedError);
    expect(() => tx.clone()).toThrow(ClosedError);
    expect(() => share(tx)).toThrow(ClosedError);
    expect(() => spawn(workerUrl("ch-script.mjs"), { tx }, [])).toThrow(ClosedError);
    expect(() => select([sendArm(tx, 1)])).toThrow(ClosedError);
    expect(() => trySelect([sendArm(tx, 1)])).toThrow(ClosedError);
    await expect(selectAsync([sendArm(tx, 1)])).rejects.toBeInstanceOf(ClosedError);
    expect(tx.isClosed).toBe(true);
    expect(rx.len).toBe(0);
    // Closing again is a no-op: it must not count as a second release (keep is still open).
    tx.close();
    tx[Symbol.dispose]();
    keep.send(9);
    expect(rx.recv()).toBe(9);
    expect(rx.isClosed).toBe(false);
    expect(() => rx.tryRecv()).toThrow(expect.objectContaining({ kind: "empty" }));
  });

  it("every Receiver operation on a closed Receiver throws (or rejects with) ClosedError", async () => {
    const [tx, rx] = channel<number>({ capacity: 4 });
    tx.send(1);
    const keep = rx.clone();
    rx.close();
    expect(() => rx.recv()).toThrow(ClosedError);
    expect(() => rx.recv({ timeout: 0 })).toThrow(ClosedError);
    expect(() => rx.tryRecv()).toThrow(ClosedError);
    expect(() => rx.recvMany(2)).toThrow(ClosedError);
    await expect(rx.recvAsync()).rejects.toBeInstanceOf(ClosedError);
    await expect(rx.recvManyAsync(2)).rejects.toBeInstanceOf(ClosedError);
    expect(() => [...rx]).toThrow(ClosedError);
    await expect((async () => { for await (const _ of rx) { /* nothing */ } })()).rejects.toBeInstanceOf(ClosedError);
    expect(() => rx.clone()).toThrow(ClosedError);
    expect(() => share(rx)).toThrow(ClosedError);
    expect(() => select([rx])).toThrow(ClosedError);
    await expect(selectAsync([rx])).rejects.toBeInstanceOf(ClosedError);
    expect(rx.isClosed).toBe(true);
    rx.close();
    rx[Symbol.dispose]();
    // Nothing was consumed, and the other receiver keeps the channel connected.
    expect(keep.recv()).toBe(1);
    tx.send(2);
    expect(keep.recv()).toBe(2);
    tx.close();
    expect(() => keep.recv()).toThrow(RecvError);
  });

  it("`using` releases the handle at scope exit", () => {
    const [tx, rx] = channel<number>({ capacity: 2 });
    {
      using t = tx;
      t.send(1);
    }
    expect(() => tx.send(2)).toThrow(ClosedError);
    expect(rx.recv()).toBe(1);
    expect(() => rx.recv()).toThrow(RecvError);
  });
});

describe("recvMany / select argument checks", () => {
  it("recvMany(max) with max < 1, non-integer or non-number is a RangeError and takes nothing", async () => {
    const [tx, rx] = channel<number>({ capacity: 4, codec: codecs.i32 });
    tx.send(1);
    for (const max of [0, -1, 1.5, NaN, Infinity, "2", undefined]) {
      expect(() => rx.recvMany(max as any), String(max)).toThrow(RangeError);
      await expect(rx.recvManyAsync(max as any), String(max)).rejects.toBeInstanceOf(RangeError);
    }
    expect(rx.recvMany(1)).toEqual([1]);
  });

  it("select with a non-array or junk arms is a TypeError and consumes nothing", async () => {
    const [tx, rx] = channel<number>({ capacity: 4 });
    tx.send(1);
    for (const arms of ["rx", null, undefined, new Set([rx]), [1], [rx, null], [{ sender: rx, value: 1 }], [sendArm(rx as any, 1)], [tx]]) {
      expect(() => select(arms as any), String(arms)).toThrow(TypeError);
      expect(() => trySelect(arms as any)).toThrow(TypeError);
      await expect(selectAsync(arms as any)).rejects.toBeInstanceOf(TypeError);
    }
    // No arms at all (an empty array, or only a trailing options object) is not bad input but a
    // select that can never complete: see select.test.ts ("no arms").
    expect(() => select({} as any)).toThrow(DeadlockError);
    expect(trySelect([])).toBeNull();
    expect(rx.len).toBe(1);
  });
});
