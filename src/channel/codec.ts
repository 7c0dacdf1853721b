/**
 * Codecs: how a message becomes bytes in shared memory and back.
 *
 * Fixed-size codecs (`f64`, `i32`, …) store one number per slot through a typed array over the
 * slot region: no allocation per message, the fast path. Variable-size codecs (`bytes`, `json`,
 * the default `structured`) encode into a thread-local scratch buffer, which the channel then
 * copies into its slot (or into the arena when it does not fit); decoding reads shared memory
 * directly.
 *
 * The structured codec is weft's own binary format with structured-clone fidelity: `undefined`,
 * `null`, booleans, numbers (NaN and -0 included), bigint, strings, arrays (holes kept), plain
 * objects, `Map`, `Set`, `Date`, `RegExp`, `ArrayBuffer`, typed arrays, `DataView`, `Error`s, and
 * shared references / cycles. Node's `v8.serialize` was measured at 7–12 µs per small object here
 * against ~1 µs for this encoder (see docs/design.md), and it does not exist in browsers.
 * What it cannot carry (functions, symbols, WeakMap, Promise, class instances) throws
 * `DataCloneError` before anything enters the channel.
 */
import { DataCloneError, MovedError } from "../errors.js";
import { RELEASE_FOR, SHARE, isLeasable, isPrimitive, reviveRecord, type Leasable } from "../share/index.js";
import { isDetached } from "../share/transfer.js";
import { isIndex, mostlyEmpty, setOwn } from "../share/props.js";
import { bufferOf, idOf, unpinIds } from "../share/directory.js";

/** Type-only key (nothing has it at run time): see `Codec`. */
declare const MESSAGE: unique symbol;

/** A codec for a channel's messages. */
export interface Codec<T> {
  /** Name, as carried across threads (`"f64"`, `"structured"`, …). */
  readonly name: string;
  /** Bytes per message for fixed-size codecs; 0 for variable-size ones. */
  readonly fixedBytes: number;
  /**
   * Type-only, never set: ties the codec to its message type, so that a codec fits only a channel
   * whose every message it can carry (`channel<string>({ codec: codecs.f64 })` and
   * `channel<number | string>({ codec: codecs.f64 })` do not compile; `channel<1 | 2>` does).
   */
  readonly [MESSAGE]?: (message: T) => void;
}

/** A fixed-size numeric codec: one number (or bigint) per slot, no allocation. */
export interface FixedCodec<T> extends Codec<T> {
  readonly fixedBytes: number;
  /** Typed array constructor used over the slot region. */
  readonly view: new (buffer: SharedArrayBuffer, byteOffset: number, length: number) => { [i: number]: any };
  /** Throws TypeError/RangeError if `v` is not representable (before anything is sent). */
  check(v: unknown): void;
}

/** A variable-size codec. */
export interface VarCodec<T> extends Codec<T> {
  readonly fixedBytes: 0;
  /** Encodes into the scratch writer; throws DataCloneError for what it cannot carry. */
  encode(value: T, w: Writer): void;
  /** Decodes `length` bytes at `offset` of `bytes` (a view over shared memory). */
  decode(bytes: Uint8Array, offset: number, length: number): T;
}

export type AnyCodec<T> = FixedCodec<T> | VarCodec<T>;

/**
 * The general codec (`codecs.structured`): it carries any `Sendable` value, so it fits a channel
 * of any message type (`channel<Order>({ codec: codecs.structured })`).
 */
export interface StructuredCodec extends VarCodec<unknown> {
  readonly universal: true;
}

// ---------------------------------------------------------------------------------------------
// Fixed-size numeric codecs.

function numeric<T>(name: string, fixedBytes: number, view: FixedCodec<T>["view"], check: (v: unknown) => void): FixedCodec<T> {
  return Object.freeze({ name, fixedBytes, view, check });
}

const checkNumber = (name: string, min: number, max: number, int: boolean) => (v: unknown) => {
  if (typeof v !== "number") throw new TypeError(`codec ${name}: expected a number, got ${typeof v}`);
  if (int && (!Number.isInteger(v) || v < min || v > max)) {
    throw new RangeError(`codec ${name}: ${v} is not an integer in ${min}..${max}`);
  }
};
const checkBigint = (name: string, signed: boolean) => (v: unknown) => {
  if (typeof v !== "bigint") throw new TypeError(`codec ${name}: expected a bigint, got ${typeof v}`);
  const ok = signed ? v >= -(1n << 63n) && v < 1n << 63n : v >= 0n && v < 1n << 64n;
  if (!ok) throw new RangeError(`codec ${name}: ${v} is out of range`);
};

/** Built-in codecs. `structured` is the default. */
export const codecs = {
  f64: numeric<number>("f64", 8, Float64Array as any, checkNumber("f64", 0, 0, false)),
  f32: numeric<number>("f32", 4, Float32Array as any, checkNumber("f32", 0, 0, false)),
  i32: numeric<number>("i32", 4, Int32Array as any, checkNumber("i32", -0x80000000, 0x7fffffff, true)),
  u32: numeric<number>("u32", 4, Uint32Array as any, checkNumber("u32", 0, 0xffffffff, true)),
  i16: numeric<number>("i16", 2, Int16Array as any, checkNumber("i16", -0x8000, 0x7fff, true)),
  u16: numeric<number>("u16", 2, Uint16Array as any, checkNumber("u16", 0, 0xffff, true)),
  i8: numeric<number>("i8", 1, Int8Array as any, checkNumber("i8", -0x80, 0x7f, true)),
  u8: numeric<number>("u8", 1, Uint8Array as any, checkNumber("u8", 0, 0xff, true)),
  i64: numeric<bigint>("i64", 8, BigInt64Array as any, checkBigint("i64", true)),
  u64: numeric<bigint>("u64", 8, BigUint64Array as any, checkBigint("u64", false)),
  /** `Uint8Array` messages (an `ArrayBuffer` is accepted too, and arrives as a `Uint8Array`). */
  bytes: undefined as unknown as VarCodec<Uint8Array>,
  json: undefined as unknown as VarCodec<unknown>,
  structured: undefined as unknown as StructuredCodec,
};

// ---------------------------------------------------------------------------------------------
// Scratch writer (thread-local, grows by doubling; reused for every message).

/** Growable scratch buffer that variable-size codecs write into. */
/** `raw` runs at least this long are copied once, where the message goes (see `Writer.deferRaw`). */
export const RAW_DEFER = 1024;

/**
 * Whether views over `buffer` keep their length (not a resizable ArrayBuffer or growable
 * SharedArrayBuffer), read through the built-in getters like everything `raw` reads.
 */
const fixedLength = (buffer: ArrayBufferLike): boolean =>
  buffer instanceof ArrayBuffer
    ? intrinsic.abResizable === undefined || intrinsic.abResizable.call(buffer) !== true
    : intrinsic.sabGrowable === undefined || intrinsic.sabGrowable.call(buffer) !== true;

export class Writer {
  buf = new Uint8Array(256);
  view = new DataView(this.buf.buffer);
  pos = 0;
  /**
   * Ids of the shared buffers the bytes name, each pinned once (share/directory): whoever
   * publishes the bytes hands the pins on with them; whoever drops them unpins (`releasePins`).
   */
  pins: number[] = [];
  /**
   * Channel ends the bytes hold a reference of (taken as each was encoded): handed on with the
   * bytes like the pins; released by `releasePins` if the bytes are dropped unpublished.
   */
  ends: Leasable[] = [];

  /**
   * Set by an owner that takes the message out with `copyTo` or `flatten` (the channel's): runs
   * of `RAW_DEFER` bytes or more given to `raw` are then remembered instead of copied into `buf`
   * (their place in `buf` is reserved and left as it was), and copied once, straight to where the
   * message goes. A 64 KiB ArrayBuffer then crosses memory once on its way into a channel, not
   * twice (scratch, then the arena).
   */
  deferRaw = false;
  /** The runs `raw` deferred: where each goes in the message, its bytes, and its length then. */
  private deferredAt: number[] = [];
  private deferred: Uint8Array[] = [];
  private deferredLen: number[] = [];

  /** Starts a new message (the previous one's pins were handed on or released). */
  reset(): void {
    this.pos = 0;
    // Only when there is something to drop: storing an array's length costs more than testing it.
    if (this.pins.length > 0) this.pins.length = 0;
    if (this.ends.length > 0) this.ends.length = 0;
    if (this.deferredAt.length > 0) this.dropDeferred();
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
  }

  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  raw(bytes: Uint8Array): void {
    // Length, offset and buffer through the built-in getters: a subclass of Uint8Array (the bytes
    // codec takes the user's own array) cannot misreport them.
    const n = intrinsic.taLength.call(bytes) as number;
    this.ensure(n);
    // Deferred only over memory whose length cannot change under the view (a resizable buffer's
    // view may track its length), and aligned as its place in the message (see `pad8`).
    if (
      this.deferRaw &&
      n >= RAW_DEFER &&
      ((intrinsic.taByteOffset.call(bytes) as number) & 7) === (this.pos & 7) &&
      fixedLength(intrinsic.taBuffer.call(bytes) as ArrayBufferLike)
    ) {
      this.deferredAt.push(this.pos);
      this.deferred.push(bytes);
      this.deferredLen.push(n);
    } else this.buf.set(bytes, this.pos);
    this.pos += n;
  }

  /**
   * A count byte and that many zero bytes, so that what is written next starts at a multiple of
   * 8 in the message (the reader skips `1 + count`).
   */
  pad8(): void {
    const pad = (8 - ((this.pos + 1) & 7)) & 7;
    this.ensure(1 + pad);
    const buf = this.buf;
    buf[this.pos++] = pad;
    for (let k = 0; k < pad; k++) buf[this.pos++] = 0;
  }

  /** Copies the deferred runs into `buf`: the message is then all there. */
  flatten(): void {
    if (this.deferredAt.length > 0) this.copyDeferred(this.buf);
  }

  private dropDeferred(): void {
    this.deferredAt.length = 0;
    this.deferred.length = 0;
    this.deferredLen.length = 0;
  }

  /** Copies the message (`pos` bytes) into `dst`, taking deferred runs from their own memory. */
  copyTo(dst: Uint8Array): void {
    const at = this.deferredAt;
    let from = 0;
    for (let k = 0; k < at.length; k++) {
      if (at[k]! > from) dst.set(this.buf.subarray(from, at[k]), from);
      from = at[k]! + this.deferredLen[k]!;
    }
    if (this.pos > from) dst.set(this.buf.subarray(from, this.pos), from);
    this.copyDeferred(dst);
  }

  private copyDeferred(dst: Uint8Array): void {
    const at = this.deferredAt;
    for (let k = 0; k < at.length; k++) {
      const run = this.deferred[k]!;
      // A safety net: the channel defers only for a message that is a buffer or a view, read
      // through the built-in getters, so no code of the user's runs between `raw` and here. Were
      // the buffer moved (detached) all the same, its view would have no bytes, and the message
      // would keep whatever its place held.
      if ((intrinsic.taLength.call(run) as number) !== this.deferredLen[k]) {
        throw new DataCloneError("the buffer was moved (detached) while the message was being encoded (by a getter of it)");
      }
      dst.set(run, at[k]!);
    }
    this.dropDeferred();
  }

  /** Strings: Latin-1 (1 byte per char) when every char fits, else UTF-16 code units. */
  str(s: string): void {
    const n = s.length;
    this.ensure(6 + n * 2);
    const start = this.pos;
    this.buf[start] = T.STR8;
    this.view.setUint32(start + 1, n, true);
    let p = start + 5;
    const buf = this.buf;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) return this.str16(s, start);
      buf[p++] = c;
    }
    this.pos = p;
  }

  private str16(s: string, start: number): void {
    const n = s.length;
    this.buf[start] = T.STR16;
    let p = start + 5;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      this.buf[p++] = c & 0xff;
      this.buf[p++] = c >>> 8;
    }
    this.pos = p;
  }
}

/** Tag bytes of the structured format. */
const enum T {
  UNDEF = 0, NULL = 1, FALSE = 2, TRUE = 3, INT = 4, F64 = 5, BIGINT = 6, STR8 = 7, STR16 = 8,
  ARRAY = 9, HOLE = 10, OBJECT = 11, MAP = 12, SET = 13, DATE = 14, REGEXP = 15, REF = 16,
  ARRAYBUFFER = 17, TYPED = 18, DATAVIEW = 19, ERROR = 20, SMALLINT = 21, END = 22,
  BOXED_NUMBER = 23, BOXED_STRING = 24, BOXED_BOOLEAN = 25, BOXED_BIGINT = 26,
  SHARED_BUFFER = 27, PRIMITIVE = 28, SPARSE_ARRAY = 29, RESIZABLE_ARRAYBUFFER = 30,
}

const typedKinds = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
] as const;

const errorKinds: Record<string, ErrorConstructor> = {
  Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError,
};

function typeName(v: object): string {
  const c = (v as any).constructor;
  return typeof c === "function" && c.name ? c.name : "object";
}

/** A built-in accessor's getter (undefined where this engine lacks the property). */
const getterOf = (proto: object, key: string): ((this: unknown) => unknown) | undefined =>
  Object.getOwnPropertyDescriptor(proto, key)?.get as ((this: unknown) => unknown) | undefined;
const typedArrayProto = Object.getPrototypeOf(Int8Array.prototype) as object;
/** The built-in getters the encoder reads buffers and views through (never a user's override). */
const intrinsic = {
  taBuffer: getterOf(typedArrayProto, "buffer")!,
  taByteOffset: getterOf(typedArrayProto, "byteOffset")!,
  taLength: getterOf(typedArrayProto, "length")!,
  dvBuffer: getterOf(DataView.prototype, "buffer")!,
  dvByteOffset: getterOf(DataView.prototype, "byteOffset")!,
  dvByteLength: getterOf(DataView.prototype, "byteLength")!,
  abByteLength: getterOf(ArrayBuffer.prototype, "byteLength")!,
  abResizable: getterOf(ArrayBuffer.prototype, "resizable"),
  abMaxByteLength: getterOf(ArrayBuffer.prototype, "maxByteLength"),
  sabGrowable: typeof SharedArrayBuffer === "function" ? getterOf(SharedArrayBuffer.prototype, "growable") : undefined,
};

/** Encodes `value` with the structured format. */
/**
 * Deepest nesting of objects the structured codec sends. Its decoder recurses once per level: a
 * main thread (about 1 MB of stack) overflowed at 2 000–2 900 levels, so a deeper message would
 * be refused by its receiver, after it was taken. Sending refuses it instead (DataCloneError),
 * with nothing sent.
 */
export const MAX_DEPTH = 1000;

/**
 * One step of the encoder's path into a value, for its error messages: a property key (`.key`),
 * an array index (`[i]`), a Map entry's value (`.get(key)`), or a fixed text. Kept raw and made
 * into text only when an error names the place: building `.${key}` for every property and
 * `[${i}]` for every element was a string allocation per value sent.
 */
type PathStep = string | number | { get: unknown } | { text: string };
const MAP_KEY = { text: ".<map key>" }, SET_ITEM = { text: ".<set item>" };

function pathText(path: readonly PathStep[]): string {
  if (path.length === 0) return "the top level";
  let s = "value";
  for (const step of path) {
    if (typeof step === "number") s += `[${step}]`;
    else if (typeof step === "string") s += `.${step}`;
    else if ("get" in step) s += `.get(${typeof step.get === "string" ? JSON.stringify(step.get) : "…"})`;
    else s += step.text;
  }
  return s;
}

/**
 * Objects a message holds before the encoder indexes them with a Map: up to here it finds a
 * repeated one (a shared reference, a cycle) by scanning the list of those met so far. A Map per
 * message — and the identity hash V8 gives each fresh object put in one — was a good part of the
 * time to encode a small object.
 */
const SCAN_REFS = 16;

function encodeStructured(value: unknown, w: Writer): void {
  // The objects met so far, by reference number (their index): scanned, then also in a Map.
  const seen: object[] = [];
  let refs: Map<object, number> | null = null;
  // Where the encoder is, one step per level, made into text only for an error (see PathStep).
  const path: PathStep[] = [];

  const fail = (what: string): never => {
    throw new DataCloneError(`${what} at ${pathText(path)} cannot be sent (structured codec)`);
  };

  const enc = (v: unknown): void => {
    switch (typeof v) {
      case "undefined":
        return w.u8(T.UNDEF);
      case "boolean":
        return w.u8(v ? T.TRUE : T.FALSE);
      case "number":
        if ((v | 0) === v && !Object.is(v, -0)) {
          if (v >= 0 && v < 128) {
            w.ensure(2);
            w.buf[w.pos] = T.SMALLINT;
            w.buf[w.pos + 1] = v;
            w.pos += 2;
            return;
          }
          w.ensure(5);
          w.buf[w.pos] = T.INT;
          w.view.setInt32(w.pos + 1, v, true);
          w.pos += 5;
          return;
        }
        w.u8(T.F64);
        return w.f64(v);
      case "string":
        return w.str(v);
      case "bigint":
        return encBigint(v);
      case "function":
        return fail("a function");
      case "symbol":
        return fail("a symbol");
    }
    if (v === null) return w.u8(T.NULL);
    const o = v as object;
    const r = refs !== null ? refs.get(o) : seen.indexOf(o);
    if (r !== undefined && r >= 0) {
      w.u8(T.REF);
      return w.u32(r);
    }
    if (refs !== null) refs.set(o, seen.length);
    else if (seen.length === SCAN_REFS) {
      refs = new Map();
      for (let i = 0; i < seen.length; i++) refs.set(seen[i]!, i);
      refs.set(o, seen.length);
    }
    seen.push(o);
    // `path` has one entry per level of nesting: refuse what the receiver could not decode.
    if (path.length >= MAX_DEPTH) {
      throw new DataCloneError(
        `the value is nested more than ${MAX_DEPTH} levels deep (structured codec: the receiving thread decodes it recursively, and a deeper one could overflow its stack)`,
      );
    }
    if (Array.isArray(o) && o.length > 64) {
      // A mostly empty array (`a[1e9] = x`): its elements by index, not a hole per missing one.
      const keys = Object.keys(o);
      if (mostlyEmpty(o, keys)) {
        w.u8(T.SPARSE_ARRAY);
        w.u32(o.length);
        const extras: string[] = [];
        for (const key of keys) {
          if (!isIndex(key, o.length)) {
            extras.push(key);
            continue;
          }
          w.u8(1);
          w.u32(Number(key));
          path.push(Number(key));
          enc((o as any)[key]);
          path.pop();
        }
        w.u8(0);
        for (const key of extras) {
          w.str(key);
          path.push(key);
          enc((o as any)[key]);
          path.pop();
        }
        return w.u8(T.END);
      }
    }
    if (Array.isArray(o)) {
      w.u8(T.ARRAY);
      w.u32(o.length);
      let present = 0;
      for (let i = 0; i < o.length; i++) {
        if (!(i in o)) {
          w.u8(T.HOLE);
          continue;
        }
        present++;
        path.push(i);
        enc(o[i]);
        path.pop();
      }
      // Non-index own properties, as structured clone keeps them: there are some when there are
      // more keys than elements present (holes included: a sparse array's extra property was lost).
      const keys = Object.keys(o);
      for (let k = present < keys.length ? 0 : keys.length; k < keys.length; k++) {
        const key = keys[k]!;
        if (isIndex(key, o.length)) continue;
        w.str(key);
        path.push(key);
        enc((o as any)[key]);
        path.pop();
      }
      return w.u8(T.END);
    }
    const proto = Object.getPrototypeOf(o);
    if (proto === Object.prototype || proto === null) {
      w.u8(T.OBJECT);
      for (const k in o) {
        if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
        w.str(k);
        path.push(k);
        enc((o as any)[k]);
        path.pop();
      }
      return w.u8(T.END);
    }
    if (o instanceof Map) {
      w.u8(T.MAP);
      w.u32(o.size);
      for (const [k, val] of o) {
        path.push(MAP_KEY);
        enc(k);
        path.pop();
        path.push({ get: k });
        enc(val);
        path.pop();
      }
      return;
    }
    if (o instanceof Set) {
      w.u8(T.SET);
      w.u32(o.size);
      path.push(SET_ITEM);
      for (const item of o) enc(item);
      path.pop();
      return;
    }
    if (o instanceof Date) {
      w.u8(T.DATE);
      return w.f64(o.getTime());
    }
    if (o instanceof RegExp) {
      w.u8(T.REGEXP);
      w.str(o.source);
      return w.str(o.flags);
    }
    if (ArrayBuffer.isView(o)) {
      // As structured clone does: the view's whole buffer travels (once per message, so views
      // sharing a buffer still share one; a SharedArrayBuffer is shared, not copied), then the
      // view's offset and length.
      let kind = -1;
      if (!(o instanceof DataView)) {
        kind = typedKinds.findIndex((K) => o instanceof K);
        if (kind < 0) return fail(`a ${typeName(o)}`);
      }
      // Buffer, offset and length from the view itself (its internal slots, through the
      // built-in getters), as structured clone reads them: a subclass's or an own getter is never
      // called. It could change the bytes, or move the buffer, and a deferred copy of the bytes is
      // made at the end of the message (see Writer.deferRaw).
      const dv = kind < 0;
      const buffer = (dv ? intrinsic.dvBuffer : intrinsic.taBuffer).call(o) as ArrayBufferLike;
      const byteOffset = (dv ? intrinsic.dvByteOffset : intrinsic.taByteOffset).call(o) as number;
      const length = (dv ? intrinsic.dvByteLength : intrinsic.taLength).call(o) as number;
      w.u8(dv ? T.DATAVIEW : T.TYPED);
      if (!dv) w.u8(kind);
      enc(buffer);
      w.u32(byteOffset);
      return w.u32(length);
    }
    if (o instanceof ArrayBuffer) {
      // A resizable one arrives resizable, with its maximum (as structured clone does). Read
      // through the built-in getters, as for views.
      const resizable = intrinsic.abResizable !== undefined && intrinsic.abResizable.call(o) === true;
      w.u8(resizable ? T.RESIZABLE_ARRAYBUFFER : T.ARRAYBUFFER);
      w.u32(intrinsic.abByteLength.call(o) as number);
      // The maximum as a double: it may be 2^32, one more than a u32 holds.
      if (resizable) w.f64(intrinsic.abMaxByteLength!.call(o) as number);
      // The bytes start 8-aligned in the message (the arena's blocks are): V8 copies to and from
      // shared memory a word at a time only when both sides are 8-aligned alike, else byte by
      // byte — 64 KiB out of the arena took 25 µs at an odd offset against 8 at an aligned one.
      w.pad8();
      return w.raw(new Uint8Array(o));
    }
    if (o instanceof SharedArrayBuffer) {
      const id = idOf(o);
      w.pins.push(id);
      w.u8(T.SHARED_BUFFER);
      return w.u32(id);
    }
    if (isPrimitive(o)) {
      // A weft primitive (or channel end) is shared, not copied: its kind, buffer and offset
      // travel, and the receiver rebuilds it over the same memory (as share/revive do).
      const rec = o[SHARE]((x) => x);
      if (isLeasable(o)) w.ends.push(o);
      const id = idOf(rec.buffer);
      w.pins.push(id);
      w.u8(T.PRIMITIVE);
      w.str(rec.kind);
      w.u32(id);
      w.u32(rec.byteOffset);
      path.push({ text: `<${rec.kind}>` });
      enc(rec.extra);
      path.pop();
      return;
    }
    if (o instanceof Number) {
      w.u8(T.BOXED_NUMBER);
      return w.f64(o.valueOf());
    }
    if (o instanceof String) {
      w.u8(T.BOXED_STRING);
      return w.str(o.valueOf());
    }
    if (o instanceof Boolean) {
      return w.u8(T.BOXED_BOOLEAN), w.u8(o.valueOf() ? 1 : 0);
    }
    if (o instanceof BigInt) {
      w.u8(T.BOXED_BIGINT);
      return encBigint(o.valueOf() as bigint);
    }
    if (o instanceof Error) {
      w.u8(T.ERROR);
      // As structured clone: a name that is not a string is "Error", a message is made a string.
      w.str(typeof o.name === "string" ? o.name : "Error");
      w.str(typeof o.message === "string" ? o.message : o.message === undefined ? "" : String(o.message));
      w.str(o.stack ?? "");
      if ("cause" in o) {
        w.u8(T.TRUE);
        path.push("cause");
        enc(o.cause);
        path.pop();
      } else {
        w.u8(T.FALSE);
      }
      return;
    }
    return fail(`a ${typeName(o)} (only plain objects, arrays, Map, Set, Date, RegExp, Error, ArrayBuffer and typed arrays are sendable)`);
  };

  const encBigint = (b: bigint): void => {
    const neg = b < 0n;
    let m = neg ? -b : b;
    const limbs: number[] = [];
    while (m > 0n) {
      limbs.push(Number(m & 0xffffffffn));
      m >>= 32n;
    }
    w.u8(T.BIGINT);
    w.u8(neg ? 1 : 0);
    w.u32(limbs.length);
    for (const l of limbs) w.u32(l);
  };

  const mark = w.pins.length;
  const endsMark = w.ends.length;
  try {
    enc(value);
  } catch (e) {
    // Nothing will be published: give back the pins and references taken so far.
    releasePins(w, mark, endsMark);
    // structured clone handles any depth; a recursive encoder runs out of stack first.
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new DataCloneError("the value is nested too deeply to send (structured codec)");
    }
    // Reading a moved (detached) ArrayBuffer throws a TypeError: `path` still names where it was.
    if (e instanceof TypeError && /detached/i.test(e.message)) {
      throw new MovedError(
        `an ArrayBuffer at ${pathText(path)} was moved (detached) by an ` +
          `earlier send or transfer; it has no contents left to send (structured codec)`,
      );
    }
    throw e;
  }
}

/**
 * Unpins the buffers `w` names from its `from`-th on, and releases the references of the channel
 * ends it holds from its `endsFrom`-th on (the bytes will not be published).
 */
export function releasePins(w: Writer, from = 0, endsFrom = 0): void {
  for (let k = endsFrom; k < w.ends.length; k++) w.ends[k]![RELEASE_FOR](new Int32Array(1), 0);
  if (w.ends.length > endsFrom) w.ends.length = endsFrom;
  if (w.pins.length <= from) return;
  unpinIds(w.pins, from);
  w.pins.length = from;
}

/** Whether `key` is an array index of an array of length `len`. */

/** Reads the structured format from shared memory. */
/**
 * A fixed-length view of `n` bytes at `start` of `bytes`. The channel's views over a growable
 * arena track its length, and V8 copies out of such a view on a slow element-by-element path:
 * `slice` of 64 KiB measured ~10× slower than from a fixed-length view of the same memory.
 */
const fixedView = (bytes: Uint8Array, start: number, n: number): Uint8Array =>
  new Uint8Array(bytes.buffer, bytes.byteOffset + start, n);

/**
 * A fresh (unshared) copy of `n` bytes at `start` of `bytes`: `slice`, whose new array V8 does
 * not zero before the copy (64 KiB messages 1 → 1: 0.62× and 0.82× the time of `new
 * Uint8Array(n).set(…)` in two interleaved 9-round runs).
 */
function copyOut(bytes: Uint8Array, start: number, n: number): Uint8Array {
  return fixedView(bytes, start, n).slice();
}

/**
 * Property keys decoded lately, by a hash of their bytes (direct-mapped). A message of objects
 * repeats its keys, and so do the messages of a channel: a key found here is the same string as
 * last time, which V8 has already internalized — a fresh string per key is built, and then looked
 * up in V8's string table at the property store, every time.
 */
const KEYS: (string | undefined)[] = new Array(256).fill(undefined);
/** Longest key the cache holds. */
const KEY_MAX = 32;

function decodeStructured(bytes: Uint8Array, offset: number, length: number): unknown {
  return decodeValue(bytes, offset, length, false);
}

const fromCharCode = String.fromCharCode;

/**
 * A DataView over `bytes`: the last one made, if it was over the same array. A receiver decodes
 * from the same scratch buffer message after message; a DataView made per message was ~1/10 of
 * the time to decode a small object.
 */
let lastBytes: Uint8Array | null = null;
let lastView: DataView | null = null;
function viewOf(bytes: Uint8Array): DataView {
  // (Same array and length: a view of a growable buffer's bytes may have grown since.)
  if (bytes !== lastBytes || lastView!.byteLength !== bytes.byteLength) {
    lastView = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    lastBytes = bytes;
  }
  return lastView!;
}

/**
 * A short Latin-1 string from `n` bytes at `at`: one `String.fromCharCode` call per 8 characters,
 * with its arguments spelled out. Appending one character at a time made a string per character:
 * a 10-character string took ~70 ns this way against ~40 (the small objects a channel carries
 * are mostly such strings).
 */
function latin1(b: Uint8Array, at: number, n: number): string {
  switch (n) {
    case 0: return "";
    case 1: return fromCharCode(b[at]!);
    case 2: return fromCharCode(b[at]!, b[at + 1]!);
    case 3: return fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!);
    case 4: return fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
    case 5: return fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!, b[at + 4]!);
    case 6: return fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!, b[at + 4]!, b[at + 5]!);
    case 7: return fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!, b[at + 4]!, b[at + 5]!, b[at + 6]!);
  }
  const s = fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!, b[at + 4]!, b[at + 5]!, b[at + 6]!, b[at + 7]!);
  return n === 8 ? s : s + latin1(b, at + 8, n - 8);
}

/**
 * Decodes a structured message; with `dropping`, every channel end in it is closed as it is
 * revived (the message is being dropped: see `releaseStructured`).
 */
function decodeValue(bytes: Uint8Array, offset: number, length: number, dropping: boolean): unknown {
  const view = viewOf(bytes);
  let p = offset;
  const end = offset + length;
  const refs: unknown[] = [];
  /** Buffer ids looked up (and unpinned) so far: on failure the rest are released. */
  let looked = 0;

  const str = (): string => {
    const tag = bytes[p];
    const n = view.getUint32(p + 1, true);
    p += 5;
    let s = "";
    if (tag === T.STR8) {
      if (n < 64) s = latin1(bytes, p, n);
      else {
        for (let i = 0; i < n; i += 8192) {
          s += String.fromCharCode.apply(null, fixedView(bytes, p + i, Math.min(n - i, 8192)) as unknown as number[]);
        }
      }
      p += n;
    } else {
      const codes = new Uint16Array(n);
      for (let i = 0; i < n; i++) codes[i] = bytes[p + 2 * i]! | (bytes[p + 2 * i + 1]! << 8);
      for (let i = 0; i < n; i += 8192) {
        s += String.fromCharCode.apply(null, codes.subarray(i, Math.min(n, i + 8192)) as unknown as number[]);
      }
      p += 2 * n;
    }
    return s;
  };

  /** A property key: `str`, through this thread's key cache for short Latin-1 keys (see KEYS). */
  const key = (): string => {
    const n = view.getUint32(p + 1, true);
    if (bytes[p] !== T.STR8 || n > KEY_MAX) return str();
    const at = p + 5;
    let h = n;
    for (let i = 0; i < n; i++) h = (h * 31 + bytes[at + i]!) | 0;
    h &= KEYS.length - 1;
    const cached = KEYS[h];
    if (cached !== undefined && cached.length === n) {
      let i = 0;
      while (i < n && cached.charCodeAt(i) === bytes[at + i]) i++;
      if (i === n) {
        p = at + n;
        return cached;
      }
    }
    return (KEYS[h] = str());
  };

  const dec = (): unknown => {
    if (p >= end) throw new DataCloneError("structured codec: message is truncated");
    const tag = bytes[p]!;
    switch (tag) {
      case T.UNDEF: p++; return undefined;
      case T.NULL: p++; return null;
      case T.FALSE: p++; return false;
      case T.TRUE: p++; return true;
      case T.SMALLINT: p += 2; return bytes[p - 1];
      case T.INT: p += 5; return view.getInt32(p - 4, true);
      case T.F64: p += 9; return view.getFloat64(p - 8, true);
      case T.STR8:
      case T.STR16: return str();
      case T.BIGINT: {
        const neg = bytes[p + 1] === 1;
        const n = view.getUint32(p + 2, true);
        p += 6;
        let b = 0n;
        for (let i = n - 1; i >= 0; i--) b = (b << 32n) | BigInt(view.getUint32(p + 4 * i, true));
        p += 4 * n;
        return neg ? -b : b;
      }
      case T.REF: {
        const i = view.getUint32(p + 1, true);
        p += 5;
        return refs[i];
      }
      case T.ARRAY: {
        const n = view.getUint32(p + 1, true);
        p += 5;
        const a: unknown[] = new Array(n);
        refs.push(a);
        for (let i = 0; i < n; i++) {
          if (bytes[p] === T.HOLE) {
            p++;
            continue;
          }
          a[i] = dec();
        }
        while (bytes[p] !== T.END) {
          const k = str();
          setOwn(a, k, dec());
        }
        p++;
        return a;
      }
      case T.SPARSE_ARRAY: {
        const n = view.getUint32(p + 1, true);
        p += 5;
        const a: unknown[] = new Array(n);
        refs.push(a);
        while (bytes[p] === 1) {
          const i = view.getUint32(p + 1, true);
          p += 5;
          a[i] = dec();
        }
        p++;
        while (bytes[p] !== T.END) {
          const k = str();
          setOwn(a, k, dec());
        }
        p++;
        return a;
      }
      case T.SHARED_BUFFER: {
        const sab = bufferOf(view.getUint32(p + 1, true));
        looked++;
        p += 5;
        refs.push(sab);
        return sab;
      }
      case T.PRIMITIVE: {
        p++;
        const slot = refs.length;
        refs.push(undefined);
        const kind = str();
        const buffer = bufferOf(view.getUint32(p, true));
        looked++;
        const byteOffset = view.getUint32(p + 4, true);
        p += 8;
        const extra = dec();
        const v = reviveRecord({ kind, buffer, byteOffset, extra });
        if (dropping && isLeasable(v)) v.close();
        return (refs[slot] = v);
      }
      case T.BOXED_NUMBER: {
        const b = Object(view.getFloat64(p + 1, true));
        p += 9;
        refs.push(b);
        return b;
      }
      case T.BOXED_STRING: {
        p++;
        const slot = refs.length;
        refs.push(undefined);
        return (refs[slot] = Object(str()));
      }
      case T.BOXED_BOOLEAN: {
        const b = Object(bytes[p + 1] === 1);
        p += 2;
        refs.push(b);
        return b;
      }
      case T.BOXED_BIGINT: {
        p++;
        const slot = refs.length;
        refs.push(undefined);
        return (refs[slot] = Object(dec()));
      }
      case T.OBJECT: {
        p++;
        const o: Record<string, unknown> = {};
        refs.push(o);
        while (bytes[p] !== T.END) {
          const k = key();
          setOwn(o, k, dec());
        }
        p++;
        return o;
      }
      case T.MAP: {
        const n = view.getUint32(p + 1, true);
        p += 5;
        const m = new Map();
        refs.push(m);
        for (let i = 0; i < n; i++) {
          const k = dec();
          m.set(k, dec());
        }
        return m;
      }
      case T.SET: {
        const n = view.getUint32(p + 1, true);
        p += 5;
        const s = new Set();
        refs.push(s);
        for (let i = 0; i < n; i++) s.add(dec());
        return s;
      }
      case T.DATE: {
        const d = new Date(view.getFloat64(p + 1, true));
        p += 9;
        refs.push(d);
        return d;
      }
      case T.REGEXP: {
        p++;
        const slot = refs.length;
        refs.push(undefined);
        const source = str();
        const flags = str();
        return (refs[slot] = new RegExp(source, flags));
      }
      case T.ARRAYBUFFER: {
        const n = view.getUint32(p + 1, true);
        p += 5;
        p += 1 + bytes[p]!; // the padding (see Writer.pad8)
        const ab = copyOut(bytes, p, n).buffer;
        p += n;
        refs.push(ab);
        return ab;
      }
      case T.RESIZABLE_ARRAYBUFFER: {
        const n = view.getUint32(p + 1, true), max = view.getFloat64(p + 5, true);
        p += 13;
        p += 1 + bytes[p]!;
        const ab = new (ArrayBuffer as new (n: number, o: { maxByteLength: number }) => ArrayBuffer)(n, { maxByteLength: max });
        new Uint8Array(ab).set(fixedView(bytes, p, n));
        p += n;
        refs.push(ab);
        return ab;
      }
      case T.TYPED:
      case T.DATAVIEW: {
        const kind = tag === T.TYPED ? bytes[p + 1]! : -1;
        p += tag === T.TYPED ? 2 : 1;
        const slot = refs.length;
        refs.push(undefined);
        const ab = dec() as ArrayBuffer;
        const off = view.getUint32(p, true);
        const len = view.getUint32(p + 4, true);
        p += 8;
        const K: any = kind < 0 ? DataView : typedKinds[kind];
        return (refs[slot] = new K(ab, off, len));
      }
      case T.ERROR: {
        p++;
        const slot = refs.length;
        refs.push(undefined);
        const name = str();
        const message = str();
        const stack = str();
        const hasCause = bytes[p++] === T.TRUE;
        const E = (Object.hasOwn(errorKinds, name) ? errorKinds[name] : undefined) ?? Error;
        const e = new E(message);
        refs[slot] = e;
        if (E === Error && name !== "Error") Object.defineProperty(e, "name", { value: name, writable: true, configurable: true });
        Object.defineProperty(e, "stack", { value: stack, writable: true, configurable: true });
        if (hasCause) Object.defineProperty(e, "cause", { value: dec(), writable: true, configurable: true });
        return e;
      }
      default:
        throw new DataCloneError(`structured codec: unknown tag ${tag} at byte ${p - offset}`);
    }
  };
  try {
    return dec();
  } catch (e) {
    // The message is consumed all the same: unpin the buffers it names that we did not reach.
    // (Not its channel ends: that would decode it again, and fail again. A message that cannot be
    // decoded keeps their references — a leak, the way a corrupt message keeps pins.)
    releaseStructured(bytes, offset, length, looked, false);
    throw e;
  }
}

/**
 * Unpins the shared buffers a structured message names, for a message that is dropped without
 * being decoded (a cancelled task, a result nobody waits for, messages left in a closed channel),
 * skipping the first `skip` (already unpinned by a decode that failed half-way). A message too
 * corrupt to walk keeps its pins (a leak, never a lost buffer).
 *
 * A channel end in the message holds a reference of its side (taken when it was encoded): a
 * dropped message drops it too, as crossbeam drops a `Sender` inside a message it discards —
 * else the other side would never see a disconnect (a reply channel sent in a request that is
 * never received). Such a message is decoded instead, closing the ends as they are revived.
 */
export function releaseStructured(bytes: Uint8Array, offset: number, length: number, skip = 0, closeEnds = true): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = offset + length;
  let p = offset;
  let seen = 0;
  let ends = false;
  const ids: number[] = [];
  const found = (id: number): void => {
    if (seen++ >= skip) ids.push(id);
  };
  const str = (): void => {
    const n = view.getUint32(p + 1, true);
    p += 5 + (bytes[p] === T.STR8 ? n : 2 * n);
  };
  const walk = (): void => {
    if (p >= end) throw new RangeError("truncated");
    const tag = bytes[p]!;
    switch (tag) {
      case T.UNDEF: case T.NULL: case T.FALSE: case T.TRUE: p++; return;
      case T.SMALLINT: case T.BOXED_BOOLEAN: p += 2; return;
      case T.INT: case T.REF: p += 5; return;
      case T.F64: case T.DATE: case T.BOXED_NUMBER: p += 9; return;
      case T.STR8: case T.STR16: return str();
      case T.BIGINT: p += 6 + 4 * view.getUint32(p + 2, true); return;
      case T.ARRAYBUFFER: p += 6 + bytes[p + 5]! + view.getUint32(p + 1, true); return;
      case T.RESIZABLE_ARRAYBUFFER: p += 14 + bytes[p + 13]! + view.getUint32(p + 1, true); return;
      case T.SHARED_BUFFER: found(view.getUint32(p + 1, true)); p += 5; return;
      case T.PRIMITIVE:
        p++;
        if (isEndKind(bytes, view, p)) ends = true;
        str();
        found(view.getUint32(p, true));
        p += 8;
        return walk();
      case T.ARRAY: {
        const n = view.getUint32(p + 1, true);
        p += 5;
        for (let i = 0; i < n; i++) {
          if (bytes[p] === T.HOLE) p++;
          else walk();
        }
        while (bytes[p] !== T.END) str(), walk();
        p++;
        return;
      }
      case T.SPARSE_ARRAY: {
        p += 5;
        while (bytes[p] === 1) {
          p += 5;
          walk();
        }
        p++;
        while (bytes[p] !== T.END) str(), walk();
        p++;
        return;
      }
      case T.OBJECT:
        p++;
        while (bytes[p] !== T.END) str(), walk();
        p++;
        return;
      case T.MAP: case T.SET: {
        const n = view.getUint32(p + 1, true) * (tag === T.MAP ? 2 : 1);
        p += 5;
        for (let i = 0; i < n; i++) walk();
        return;
      }
      case T.BOXED_STRING: p++; return str();
      case T.BOXED_BIGINT: p++; return walk();
      case T.REGEXP: p++; str(); return str();
      case T.TYPED: case T.DATAVIEW:
        p += tag === T.TYPED ? 2 : 1;
        walk();
        p += 8;
        return;
      case T.ERROR: {
        p++;
        str(), str(), str();
        if (bytes[p++] === T.TRUE) walk();
        return;
      }
      default:
        throw new RangeError(`unknown tag ${tag}`);
    }
  };
  try {
    walk();
  } catch {
    return;
  }
  if (ends && closeEnds && skip === 0) {
    try {
      decodeValue(bytes, offset, length, true);
      return;
    } catch {
      // (A decode that fails half-way has released the pins it did not reach.)
      return;
    }
  }
  unpinIds(ids);
}

/** Whether the string at `bytes[p]` (a kind name) is "Sender" or "Receiver": a channel end's record. */
function isEndKind(bytes: Uint8Array, view: DataView, p: number): boolean {
  if (bytes[p] !== T.STR8) return false;
  const n = view.getUint32(p + 1, true);
  if (n !== 6 && n !== 8) return false;
  let s = "";
  for (let i = 0; i < n; i++) s += String.fromCharCode(bytes[p + 5 + i]!);
  return s === "Sender" || s === "Receiver";
}

codecs.structured = Object.freeze({
  name: "structured",
  fixedBytes: 0 as const,
  universal: true as const,
  encode: encodeStructured,
  decode: decodeStructured,
});

/** An empty buffer may be a moved (detached) one, which must not go out as an empty message. */
function refuseMoved(buffer: ArrayBuffer): void {
  if (buffer.byteLength === 0 && isDetached(buffer)) {
    throw new MovedError("codec bytes: the ArrayBuffer was moved (detached) by an earlier send or transfer; it has no contents left to send");
  }
}

codecs.bytes = Object.freeze({
  name: "bytes",
  fixedBytes: 0 as const,
  encode(v: Uint8Array, w: Writer) {
    if ((v as unknown) instanceof ArrayBuffer) {
      refuseMoved(v as unknown as ArrayBuffer);
      return w.raw(new Uint8Array(v as unknown as ArrayBuffer));
    }
    if (!(v instanceof Uint8Array)) {
      throw new DataCloneError(`codec bytes: expected a Uint8Array or ArrayBuffer, got ${v === null ? "null" : typeof v === "object" ? typeName(v) : typeof v}`);
    }
    if (v.length === 0 && v.buffer instanceof ArrayBuffer) refuseMoved(v.buffer);
    w.raw(v);
  },
  decode: (bytes: Uint8Array, offset: number, length: number) => copyOut(bytes, offset, length),
});

codecs.json = Object.freeze({
  name: "json",
  fixedBytes: 0 as const,
  encode(v: unknown, w: Writer) {
    let s: string | undefined;
    try {
      s = JSON.stringify(v);
    } catch (e) {
      // A bigint, a cycle, a throwing toJSON: the same typed refusal as every codec's.
      throw new DataCloneError(`codec json: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    if (s === undefined) throw new DataCloneError(`codec json: ${typeof v} has no JSON form`);
    w.str(s);
  },
  decode(bytes: Uint8Array, offset: number, length: number) {
    return JSON.parse(decodeStructured(bytes, offset, length) as string);
  },
});

/** Looks a codec up by name (for handles revived in another thread). */
export function codecByName(name: string): AnyCodec<unknown> {
  const c = (codecs as Record<string, AnyCodec<unknown>>)[name];
  if (c === undefined) throw new TypeError(`unknown codec ${JSON.stringify(name)}`);
  return c;
}

/** Encodes a value with the structured codec into a fresh Uint8Array (tests, tools). */
export function encodeToBytes(value: unknown, codec: VarCodec<unknown> = codecs.structured): Uint8Array {
  const w = new Writer();
  codec.encode(value, w);
  return w.buf.slice(0, w.pos);
}

/** Decodes bytes produced by `encodeToBytes`. */
export function decodeFromBytes(bytes: Uint8Array, codec: VarCodec<unknown> = codecs.structured): unknown {
  return codec.decode(bytes, 0, bytes.length);
}
