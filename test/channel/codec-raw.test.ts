/**
 * Large byte runs in messages (src/channel/codec.ts `Writer.raw`, `pad8`, `copyTo`): an
 * ArrayBuffer's bytes start 8-aligned in the message (V8 copies to and from shared memory a word
 * at a time only when both sides are 8-aligned alike), and the channel's writer copies runs of
 * RAW_DEFER bytes or more once, straight from their own memory to the arena. These tests pin the
 * layout and every path around the deferred copy (made only for a message that is a buffer or a
 * view of one): runs that cannot be deferred (odd offsets, resizable buffers), the bytes codec,
 * getters that must not run (they could change or move the bytes before the deferred copy), and a
 * buffer moved away by a getter inside an object.
 */
import { describe, expect, it } from "vitest";
import { DataCloneError, channel, codecs } from "../../dist/index.js";
import { RAW_DEFER, Writer, decodeFromBytes, encodeToBytes } from "../../src/channel/codec.js";

/** A buffer of `n` bytes whose byte i is (seed + i * step) & 255. */
function pattern(n: number, seed: number, step = 7): ArrayBuffer {
  const u = new Uint8Array(n);
  for (let i = 0; i < n; i++) u[i] = (seed + i * step) & 255;
  return u.buffer;
}

/** Where `needle`'s bytes start in `hay`, or -1. */
function indexOfBytes(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let k = 0; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}

describe("short Latin-1 strings (decoded 8 characters per call)", () => {
  it("every length up to 80, every byte value, as values and as keys, in one message and across messages", () => {
    const strings: string[] = [];
    for (let n = 0; n <= 80; n++) {
      let s = "";
      for (let i = 0; i < n; i++) s += String.fromCharCode((n * 37 + i * 11) & 0xff);
      strings.push(s);
    }
    const all = strings.join("") + String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
    const value = { strings, all, keyed: Object.fromEntries(strings.map((s, i) => [s, i])) };
    expect(decodeFromBytes(encodeToBytes(value))).toEqual(value);
    for (const s of strings) expect(decodeFromBytes(encodeToBytes(s))).toBe(s);
  });
});

describe("an ArrayBuffer's bytes start 8-aligned in the message", () => {
  it("whatever comes before them (strings of every length, nested buffers, a resizable one)", () => {
    for (let pre = 0; pre < 12; pre++) {
      const big = pattern(300, pre + 1);
      const small = pattern(3, 200 + pre);
      const rab = new (ArrayBuffer as any)(40, { maxByteLength: 80 }) as ArrayBuffer;
      new Uint8Array(rab).set(new Uint8Array(pattern(40, 99 + pre, 3))); // a step of its own: not found inside `big`
      const value = { s: "x".repeat(pre), small, big, view: new Uint16Array(big, 2, 5), rab };
      const bytes = encodeToBytes(value);
      for (const b of [big, rab]) {
        const at = indexOfBytes(bytes, new Uint8Array(b));
        expect(at).toBeGreaterThan(0);
        expect({ pre, at: at % 8, n: b.byteLength }).toEqual({ pre, at: 0, n: b.byteLength });
      }
      const back = decodeFromBytes(bytes) as typeof value;
      expect([...new Uint8Array(back.big)]).toEqual([...new Uint8Array(big)]);
      expect([...new Uint8Array(back.small)]).toEqual([...new Uint8Array(small)]);
      expect(back.view.buffer).toBe(back.big);
      expect([...back.view]).toEqual([...new Uint16Array(big, 2, 5)]);
      expect((back.rab as any).resizable).toBe(true);
      expect([...new Uint8Array(back.rab)]).toEqual([...new Uint8Array(rab)]);
    }
  });
});

describe("a writer that defers large runs", () => {
  it("copyTo gives the bytes a copying writer gives, for runs deferred or not", () => {
    const runs = [
      new Uint8Array(pattern(RAW_DEFER, 1)), // deferred (aligned as its place)
      new Uint8Array(pattern(RAW_DEFER + 13, 2)).subarray(3), // offset 3: copied at once
      new Uint8Array(pattern(RAW_DEFER * 3, 3)),
      new Uint8Array(pattern(RAW_DEFER - 1, 4)), // too short to defer
    ];
    const plain = new Writer();
    const deferring = new Writer();
    deferring.deferRaw = true;
    for (const w of [plain, deferring]) {
      for (const r of runs) {
        w.u8(7);
        w.pad8();
        w.raw(r);
      }
      w.u32(0xdeadbeef);
    }
    const want = plain.buf.slice(0, plain.pos);
    expect(deferring.pos).toBe(plain.pos);
    const out = new Uint8Array(new SharedArrayBuffer(deferring.pos + 16), 8, deferring.pos);
    deferring.copyTo(out);
    expect([...out]).toEqual([...want]);
  });

  it("flatten fills the deferred places of its own buffer", () => {
    const w = new Writer();
    w.deferRaw = true;
    w.u8(1);
    w.pad8();
    const run = new Uint8Array(pattern(RAW_DEFER * 2, 5));
    w.raw(run);
    w.u8(2);
    w.flatten();
    expect([...w.buf.subarray(8, 8 + run.length)]).toEqual([...run]);
    expect(w.buf[8 + run.length]).toBe(2);
  });
});

describe("large buffers through channels", () => {
  it("large buffers and views as messages, and several inside one message, arrive intact (bounded and unbounded)", () => {
    for (const capacity of [4, Infinity]) {
      const [tx, rx] = channel<any>({ capacity });
      for (let m = 0; m < 6; m++) {
        const value = {
          m,
          a: pattern(RAW_DEFER * (m + 1) + m, m),
          t: new Float64Array(pattern(8 * (RAW_DEFER + m), 50 + m)),
          odd: new Uint8Array(pattern(RAW_DEFER * 2 + 5, 90 + m)).subarray(5),
          tiny: pattern(m, 7),
          s: "é".repeat(m),
        };
        tx.send(value.a);
        tx.send(value.t);
        tx.send(value.odd);
        tx.send(new DataView(value.a, 8));
        expect([...new Uint8Array(rx.recv())]).toEqual([...new Uint8Array(value.a)]);
        expect([...rx.recv()]).toEqual([...value.t]);
        expect([...rx.recv()]).toEqual([...value.odd]);
        expect([...new Uint8Array(rx.recv().buffer)]).toEqual([...new Uint8Array(value.a)]);
        tx.send(value);
        const got = rx.recv();
        expect(got.m).toBe(m);
        for (const k of ["a", "tiny"] as const) expect([...new Uint8Array(got[k])]).toEqual([...new Uint8Array(value[k])]);
        expect([...got.t]).toEqual([...value.t]);
        expect([...got.odd]).toEqual([...value.odd]);
        expect(got.s).toBe(value.s);
      }
    }
  });

  it("the bytes codec carries a large Uint8Array at any offset", () => {
    const [tx, rx] = channel<Uint8Array>({ capacity: 8, codec: codecs.bytes });
    const src = new Uint8Array(pattern(RAW_DEFER * 4 + 8, 3));
    for (const off of [0, 1, 4, 8]) {
      const v = src.subarray(off, off + RAW_DEFER * 4);
      tx.send(v);
      expect([...rx.recv()]).toEqual([...v]);
    }
    // A subclass that misreports its length and offset: the bytes sent are its own, all of them.
    class Liar extends Uint8Array {
      override get length(): number {
        return 3;
      }
      override get byteOffset(): number {
        return 1;
      }
    }
    for (const n of [16, RAW_DEFER * 4]) {
      const liar = new Liar(n).fill(5);
      tx.send(liar);
      const got = rx.recv();
      expect(got.byteLength).toBe(n);
      expect(got.every((x) => x === 5)).toBe(true);
    }
  });

  it("inside an object, a buffer is copied as it was when encoded: a getter read later that moves it changes nothing sent", () => {
    for (const capacity of [4, Infinity]) {
      const [tx, rx] = channel<any>({ capacity });
      const big = pattern(RAW_DEFER * 8, 9);
      const want = [...new Uint8Array(big)];
      const value = {
        big,
        get later() {
          structuredClone(big, { transfer: [big] }); // detaches `big`, already encoded
          return 1;
        },
      };
      tx.send(value);
      expect(big.byteLength).toBe(0);
      const got = rx.recv();
      expect(got.later).toBe(1);
      expect([...new Uint8Array(got.big)]).toEqual(want); // as structuredClone would have it
    }
  });

  it("a view's overridden getters (a subclass's, an own one) are never called: the bytes sent are the view's own, at any size", () => {
    // As structured clone reads views (their internal slots). A getter run while encoding could
    // change the bytes or move the buffer after they were (not yet) copied (review finding).
    class Sneaky extends Uint8Array {
      override get length(): number {
        this[0] = 99;
        return super.length;
      }
      override get byteOffset(): number {
        structuredClone(this.buffer, { transfer: [this.buffer] });
        return 0;
      }
    }
    for (const capacity of [4, Infinity]) {
      const [tx, rx] = channel<any>({ capacity });
      for (const n of [64, RAW_DEFER * 8]) {
        const sneaky = new Sneaky(new ArrayBuffer(n));
        sneaky.fill(7);
        tx.send(sneaky);
        const got = rx.recv();
        expect(got).toBeInstanceOf(Uint8Array);
        expect(got.length).toBe(n);
        expect(got.every((x: number) => x === 7)).toBe(true);
        expect(sneaky.buffer.byteLength).toBe(n); // not moved: the getter never ran
        const own = new Float64Array(n / 8).fill(1.5);
        Object.defineProperty(own, "buffer", { get: () => new ArrayBuffer(8) });
        Object.defineProperty(own, "length", { get: () => 1 });
        tx.send({ own });
        expect([...rx.recv().own]).toEqual([...new Float64Array(n / 8).fill(1.5)]);
      }
    }
  });
});
