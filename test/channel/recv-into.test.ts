/**
 * `Receiver.recvInto` / `recvIntoAsync`: batches received into a typed array the caller owns
 * (numeric codecs), and `sendMany` of the codec's typed array. Semantics against a model queue
 * (fast-check, one thread), the errors for bad targets, and a real-thread producer/consumer pair.
 * Many-thread histories with these styles: channel.prop.test.ts (modes sendManyTyped, recvInto,
 * recvIntoAsync).
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ClosedError, RecvError, TimeoutError, channel, codecs, spawn } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import { SOAK, joinAll, runs } from "./util.js";

describe("recvInto: what it takes, where it puts it", () => {
  it("takes what is there now, up to the target's length, into target[0…], and leaves the rest of the target alone", () => {
    for (const capacity of [4, 16, Infinity]) {
      const [tx, rx] = channel<number>({ capacity, codec: codecs.f64 });
      tx.sendMany([1.5, 2.5, 3.5]);
      const buf = new Float64Array(8).fill(-1);
      expect(rx.recvInto(buf), String(capacity)).toBe(3);
      expect(Array.from(buf)).toEqual([1.5, 2.5, 3.5, -1, -1, -1, -1, -1]);
      tx.sendMany(Float64Array.of(4, 5, 6, 7));
      const two = new Float64Array(2);
      expect(rx.recvInto(two)).toBe(2);
      expect(Array.from(two)).toEqual([4, 5]);
      // A subarray fills part of a larger array.
      const big = new Float64Array(6).fill(0);
      expect(rx.recvInto(big.subarray(3))).toBe(2);
      expect(Array.from(big)).toEqual([0, 0, 0, 6, 7, 0]);
      expect(rx.isEmpty).toBe(true);
    }
  });

  it("runs that wrap round the ring arrive whole and in order", () => {
    const [tx, rx] = channel<number>({ capacity: 5, codec: codecs.i32 });
    const got: number[] = [];
    const buf = new Int32Array(4);
    let next = 0;
    for (let round = 0; round < 50; round++) {
      tx.sendMany(Int32Array.from({ length: 1 + (round % 5) }, () => next++));
      while (!rx.isEmpty) {
        const n = rx.recvInto(buf);
        for (let k = 0; k < n; k++) got.push(buf[k]!);
      }
    }
    expect(got).toEqual(Array.from({ length: next }, (_, i) => i));
  });

  it("bigint codecs receive into BigInt64Array / BigUint64Array", () => {
    const [tx, rx] = channel<bigint>({ capacity: 8, codec: codecs.i64 });
    tx.sendMany(BigInt64Array.of(-(2n ** 63n), 0n, 2n ** 63n - 1n));
    const buf = new BigInt64Array(4);
    expect(rx.recvInto(buf)).toBe(3);
    expect(Array.from(buf.subarray(0, 3))).toEqual([-(2n ** 63n), 0n, 2n ** 63n - 1n]);
    const [utx, urx] = channel<bigint>({ codec: codecs.u64 });
    utx.send(2n ** 64n - 1n);
    const ubuf = new BigUint64Array(1);
    expect(urx.recvInto(ubuf)).toBe(1);
    expect(ubuf[0]).toBe(2n ** 64n - 1n);
  });

  it("matches a model queue over random sends (typed and plain batches) and target lengths", () => {
    const cmd = fc.oneof(
      fc.record({ op: fc.constant("send" as const), n: fc.integer({ min: 1, max: 40 }), typed: fc.boolean() }),
      fc.record({ op: fc.constant("recvInto" as const), len: fc.integer({ min: 1, max: 40 }), at: fc.integer({ min: 0, max: 3 }) }),
    );
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 1, max: 70 }), fc.constant(Infinity)), fc.array(cmd, { maxLength: 60 }), (capacity, cmds) => {
        const [tx, rx] = channel<number>({ capacity, codec: codecs.f64 });
        const model: number[] = [];
        let next = 0;
        for (const c of cmds) {
          if (c.op === "send") {
            // Never more than there is room for (a full bounded channel would block this thread).
            const n = capacity === Infinity ? c.n : Math.min(c.n, capacity - model.length);
            if (n === 0) continue;
            const vs = Array.from({ length: n }, () => next++ + 0.25);
            tx.sendMany(c.typed ? Float64Array.from(vs) : vs);
            model.push(...vs);
          } else {
            const whole = new Float64Array(c.at + c.len).fill(-7);
            const target = whole.subarray(c.at);
            if (model.length === 0) {
              expect(() => rx.recvInto(target, { timeout: 0 })).toThrow(TimeoutError);
              expect(whole.every((x) => x === -7)).toBe(true);
              continue;
            }
            const n = rx.recvInto(target);
            const want = model.splice(0, Math.min(c.len, model.length));
            expect(n).toBe(want.length);
            expect(Array.from(target.subarray(0, n))).toEqual(want);
            expect(whole.subarray(0, c.at).every((x) => x === -7)).toBe(true);
            expect(target.subarray(n).every((x) => x === -7)).toBe(true);
          }
          expect(rx.len).toBe(model.length);
        }
      }),
      { numRuns: runs(200) },
    );
  });

  it("recvIntoAsync resolves once a message arrives, with everything there by then", async () => {
    const [tx, rx] = channel<number>({ capacity: 16, codec: codecs.u8 });
    const buf = new Uint8Array(10);
    const p = rx.recvIntoAsync(buf);
    setTimeout(() => tx.sendMany(Uint8Array.of(9, 8, 7)), 20);
    expect(await p).toBe(3);
    expect(Array.from(buf.subarray(0, 3))).toEqual([9, 8, 7]);
    tx.send(1);
    expect(await rx.recvIntoAsync(buf)).toBe(1);
    tx.close();
    await expect(rx.recvIntoAsync(buf)).rejects.toBeInstanceOf(RecvError);
  });
});

describe("recvInto: bad input is a clear typed error, and nothing is taken", () => {
  it("a codec that is not numeric: TypeError saying so; the message stays", async () => {
    const [tx, rx] = channel<number>({ capacity: 4 });
    tx.send(1);
    expect(() => rx.recvInto(new Float64Array(4))).toThrow(/needs a numeric codec .* codec is structured: use recvMany/);
    await expect(rx.recvIntoAsync(new Float64Array(4))).rejects.toThrow(TypeError);
    expect(rx.recv()).toBe(1);
  });

  it("a target of another type than the codec's: TypeError naming both; the message stays", async () => {
    const [tx, rx] = channel<number>({ capacity: 4, codec: codecs.f64 });
    tx.send(2.5);
    for (const bad of [new Int32Array(4), new Float32Array(4), [0, 0], new DataView(new ArrayBuffer(8)), null, undefined, 4]) {
      let e: any;
      try {
        rx.recvInto(bad as any);
      } catch (err) {
        e = err;
      }
      expect(e, String(bad)).toBeInstanceOf(TypeError);
      expect(e.message).toMatch(/Receiver\.recvInto: target must be a Float64Array \(the type of this channel's codec, f64\), got /);
    }
    expect(() => rx.recvInto(new Int32Array(3) as any)).toThrow(/got a Int32Array of length 3/);
    await expect(rx.recvIntoAsync(new Int32Array(4) as any)).rejects.toThrow(/Receiver\.recvIntoAsync: target must be a Float64Array/);
    expect(rx.recv()).toBe(2.5);
  });

  it("an empty target: RangeError; a closed receiver: ClosedError; disconnected and drained: RecvError", async () => {
    const [tx, rx] = channel<number>({ capacity: 4, codec: codecs.f64 });
    tx.send(1);
    expect(() => rx.recvInto(new Float64Array(0))).toThrow(RangeError);
    await expect(rx.recvIntoAsync(new Float64Array(0))).rejects.toBeInstanceOf(RangeError);
    tx.close();
    const buf = new Float64Array(2);
    expect(rx.recvInto(buf)).toBe(1); // drained first
    expect(() => rx.recvInto(buf)).toThrow(RecvError);
    rx.close();
    expect(() => rx.recvInto(buf)).toThrow(ClosedError);
    await expect(rx.recvIntoAsync(buf)).rejects.toBeInstanceOf(ClosedError);
  });

  it("a timeout or an abort leaves the channel usable and the target untouched", async () => {
    const [tx, rx] = channel<number>({ capacity: 4, codec: codecs.f64 });
    const buf = new Float64Array(3).fill(5);
    expect(() => rx.recvInto(buf, { timeout: 10 })).toThrow(TimeoutError);
    const ac = new AbortController();
    const p = rx.recvIntoAsync(buf, { signal: ac.signal });
    ac.abort(new Error("stop"));
    await expect(p).rejects.toThrow("stop");
    expect(Array.from(buf)).toEqual([5, 5, 5]);
    tx.sendMany([1, 2]);
    expect(rx.recvInto(buf)).toBe(2);
    expect(Array.from(buf)).toEqual([1, 2, 5]);
  });
});

describe("recvInto across threads", () => {
  it("a worker's typed batches arrive exactly once and in order in recvInto targets of random lengths", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 64, max: 512 }), fc.constant(Infinity)),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 300 }),
        async (capacity, batch, targetLen) => {
          const count = 5000;
          const [tx, rx] = channel<number>({ capacity, codec: codecs.f64 });
          const h = spawn(workerUrl("ch-produce.mjs"), tx, { id: 0, count, mode: "sendManyTyped", batch, codec: "f64" });
          tx.close();
          const buf = new Float64Array(targetLen);
          const got: number[] = [];
          for (;;) {
            let n: number;
            try {
              n = rx.recvInto(buf, { timeout: 20_000 });
            } catch (e) {
              if (e instanceof RecvError) break;
              throw e;
            }
            expect(n).toBeGreaterThanOrEqual(1);
            expect(n).toBeLessThanOrEqual(targetLen);
            for (let k = 0; k < n; k++) got.push(buf[k]!);
          }
          await joinAll([h], "typed producer");
          expect(got.length).toBe(count);
          for (let s = 0; s < count; s++) if (got[s] !== s) expect(got[s], `message ${s}`).toBe(s);
        },
      ),
      { numRuns: runs(12) },
    );
    // 12 worker spawns take ~2 s; the soak's 240 took 38–40 s alone and past 60 s beside the
    // other files.
  }, 60_000 * SOAK);
});
