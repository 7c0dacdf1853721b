/**
 * Typed atomics over shared memory: AtomicI32, AtomicU32, AtomicBool, AtomicI64.
 *
 * Word layout: [0] TAG, [1] VALUE (Int32) — 8 bytes. AtomicI64: [0] TAG, [1] padding, [2..3] VALUE
 * (a 64-bit word, so 8-byte aligned) — 16 bytes. All-zero is the value 0 / false.
 * Every operation is sequentially consistent.
 */
import * as sys from "../sys/index.js";
import { claimTag, describeValue, placeWords, sharedBuffer, type TypeTagName } from "../memory/layout.js";
import { SHARE, registerKind, type PrimitiveWire, type SharedPrimitive } from "../share/index.js";
import { deadlineOf, type WaitOptions } from "./options.js";

type Placement = { buffer: SharedArrayBuffer; byteOffset: number };

function checkInt(where: string, v: unknown, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`${where}: expected an integer in ${min}..${max}, got ${describeValue(v)}`);
  }
  return v;
}

/**
 * A read-modify-write that `Atomics` has no single operation for, as a compareExchange loop:
 * `next(current)` is the value to store, or undefined when none is needed. Returns the previous value.
 */
function update<V>(load: () => V, cas: (expected: V, replacement: V) => V, next: (current: V) => V | undefined): V {
  for (let cur = load(); ; ) {
    const n = next(cur);
    if (n === undefined) return cur;
    const seen = cas(cur, n);
    if (seen === cur) return cur;
    cur = seen;
  }
}

/** What `fetchUpdate` did: stored (`ok`), or not because the function returned `undefined`; and the value before. */
export interface FetchUpdateResult<V> {
  readonly ok: boolean;
  readonly previous: V;
}

/**
 * `fetchUpdate` over `update`: `f`'s result is checked (`check`, which throws for a bad one before
 * anything is stored); `undefined` stores nothing.
 */
function fetchUpdate<V>(where: string, load: () => V, cas: (expected: V, replacement: V) => V, f: unknown, check: (v: unknown) => V): FetchUpdateResult<V> {
  if (typeof f !== "function") throw new TypeError(`${where}: expected a function, got ${describeValue(f)}`);
  let ok = true;
  const previous = update(load, cas, (c) => {
    const n = (f as (v: V) => unknown)(c);
    ok = n !== undefined;
    return ok ? check(n) : undefined;
  });
  return { ok, previous };
}

/** `v` as 0 or 1; a TypeError for anything but a boolean (not JavaScript's truthiness: `"false"` is no boolean). */
function bit(where: string, v: unknown): number {
  if (typeof v !== "boolean") throw new TypeError(`${where}: expected a boolean, got ${describeValue(v)}`);
  return v ? 1 : 0;
}

/**
 * Waits while the word equals `expected`; shared by the 32-bit atomics.
 * Returns "ok" when woken or the value differs, "timed-out" on timeout.
 */
function wait32(kind: string, words: Int32Array, expected: number, opts?: WaitOptions): "ok" | "timed-out" {
  const d = deadlineOf(`${kind}.wait`, opts);
  sys.assertCanBlock(`${kind}.wait`, `${kind}.waitAsync`);
  const r = sys.wait(words, 0, expected | 0, sys.remaining(d.at));
  return r === "timed-out" ? "timed-out" : "ok";
}

async function wait32Async(kind: string, words: Int32Array, expected: number, opts?: WaitOptions): Promise<"ok" | "timed-out"> {
  const d = deadlineOf(`${kind}.waitAsync`, opts);
  const r = await sys.waitAsync(words, 0, expected | 0, sys.remaining(d.at), d.signal);
  if (r === "aborted") throw d.signal!.reason;
  return r === "timed-out" ? "timed-out" : "ok";
}

/** A wake count: a non-negative integer or Infinity. */
function checkWakeCount(count: unknown): number {
  if (count === Infinity) return count;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 0) {
    throw new RangeError(`notify: count must be a non-negative integer or Infinity, got ${describeValue(count)}`);
  }
  return count;
}

abstract class Atomic32 implements SharedPrimitive {
  /** Bytes a 32-bit atomic occupies in a buffer. */
  static readonly BYTE_LENGTH = 8;
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  /** @internal */
  protected readonly words: Int32Array;

  protected constructor(kind: TypeTagName, placement: Placement | undefined) {
    const buffer = placement === undefined ? sharedBuffer(8) : placement.buffer;
    const byteOffset = placement === undefined ? 0 : placement.byteOffset;
    const region = placeWords(kind, buffer, byteOffset, 8);
    claimTag(kind, region, 0, byteOffset);
    // The value's own one-word view: every operation below uses index 0.
    this.words = new Int32Array(buffer, byteOffset + 4, 1);
    this.buffer = buffer;
    this.byteOffset = byteOffset;
  }

  /** Wakes up to `count` threads waiting on this atomic (default: all). Returns how many woke. */
  notify(count = Infinity): number {
    return sys.notify(this.words, 0, checkWakeCount(count));
  }

  abstract [SHARE](): PrimitiveWire;
}

/** A shared signed 32-bit integer. */
export class AtomicI32 extends Atomic32 {
  /** Creates one in its own buffer, holding `initial` (default 0). */
  constructor(initial = 0, placement?: Placement) {
    super("AtomicI32", placement);
    if (placement === undefined) sys.store(this.words, 0, checkInt("AtomicI32", initial, -0x80000000, 0x7fffffff));
  }
  /** Places one at `byteOffset` of `buffer` (8 bytes, 4-aligned); zeroed memory holds 0. */
  static at(buffer: SharedArrayBuffer, byteOffset: number): AtomicI32 {
    return new AtomicI32(0, { buffer, byteOffset });
  }
  load(): number { return sys.load(this.words, 0); }
  store(v: number): void { sys.store(this.words, 0, checkInt("AtomicI32.store", v, -0x80000000, 0x7fffffff)); }
  /** Stores `v`, returns the previous value. */
  swap(v: number): number { return sys.exchange(this.words, 0, checkInt("AtomicI32.swap", v, -0x80000000, 0x7fffffff)); }
  /** Stores `replacement` if the value is `expected`. Returns the value seen (=== expected on success). */
  compareExchange(expected: number, replacement: number): number {
    return sys.cas(this.words, 0, checkInt("AtomicI32.compareExchange", expected, -0x80000000, 0x7fffffff), checkInt("AtomicI32.compareExchange", replacement, -0x80000000, 0x7fffffff));
  }
  /** Wrapping add; returns the previous value. */
  fetchAdd(v: number): number { return sys.add(this.words, 0, checkInt("AtomicI32.fetchAdd", v, -0x80000000, 0x7fffffff)); }
  fetchSub(v: number): number { return sys.sub(this.words, 0, checkInt("AtomicI32.fetchSub", v, -0x80000000, 0x7fffffff)); }
  fetchAnd(v: number): number { return sys.and(this.words, 0, checkInt("AtomicI32.fetchAnd", v, -0x80000000, 0x7fffffff)); }
  fetchOr(v: number): number { return sys.or(this.words, 0, checkInt("AtomicI32.fetchOr", v, -0x80000000, 0x7fffffff)); }
  fetchXor(v: number): number { return sys.xor(this.words, 0, checkInt("AtomicI32.fetchXor", v, -0x80000000, 0x7fffffff)); }
  /** Stores the larger of the value and `v` (Rust's `fetch_max`); returns the previous value. */
  fetchMax(v: number): number {
    const x = checkInt("AtomicI32.fetchMax", v, -0x80000000, 0x7fffffff);
    return update(() => sys.load(this.words, 0), (e, r) => sys.cas(this.words, 0, e, r), (c) => (c >= x ? undefined : x));
  }
  /** Stores the smaller of the value and `v` (Rust's `fetch_min`); returns the previous value. */
  fetchMin(v: number): number {
    const x = checkInt("AtomicI32.fetchMin", v, -0x80000000, 0x7fffffff);
    return update(() => sys.load(this.words, 0), (e, r) => sys.cas(this.words, 0, e, r), (c) => (c <= x ? undefined : x));
  }
  /** Stores `~(value & v)` (Rust's `fetch_nand`); returns the previous value. */
  fetchNand(v: number): number {
    const x = checkInt("AtomicI32.fetchNand", v, -0x80000000, 0x7fffffff);
    return update(() => sys.load(this.words, 0), (e, r) => sys.cas(this.words, 0, e, r), (c) => ~(c & x));
  }
  /**
   * Rust's `fetch_update`: stores `f(value)`, calling `f` again with the new value if another
   * thread changed it meanwhile (so keep `f` free of side effects); `f` returning `undefined`
   * stores nothing. Returns whether it stored, and the value before.
   */
  fetchUpdate(f: (value: number) => number | undefined): FetchUpdateResult<number> {
    return fetchUpdate("AtomicI32.fetchUpdate", () => sys.load(this.words, 0), (e, r) => sys.cas(this.words, 0, e, r), f, (v) => checkInt("AtomicI32.fetchUpdate", v, -0x80000000, 0x7fffffff));
  }
  /** Blocks while the value equals `expected` (until notified or timeout). */
  wait(expected: number, opts?: WaitOptions): "ok" | "timed-out" {
    return wait32("AtomicI32", this.words, checkInt("AtomicI32.wait", expected, -0x80000000, 0x7fffffff), opts);
  }
  /** Async twin of `wait`. */
  waitAsync(expected: number, opts?: WaitOptions): Promise<"ok" | "timed-out"> {
    try {
      return wait32Async("AtomicI32", this.words, checkInt("AtomicI32.waitAsync", expected, -0x80000000, 0x7fffffff), opts);
    } catch (e) {
      return Promise.reject(e);
    }
  }
  /** @internal */
  [SHARE](): PrimitiveWire { return { kind: "AtomicI32", buffer: this.buffer, byteOffset: this.byteOffset }; }
}

/** A shared unsigned 32-bit integer. */
export class AtomicU32 extends Atomic32 {
  private readonly u: Uint32Array;
  constructor(initial = 0, placement?: Placement) {
    super("AtomicU32", placement);
    this.u = new Uint32Array(this.buffer, this.byteOffset + 4, 1);
    if (placement === undefined) sys.u32.store(this.u, 0, checkInt("AtomicU32", initial, 0, 0xffffffff));
  }
  /** Places one at `byteOffset` of `buffer`. */
  static at(buffer: SharedArrayBuffer, byteOffset: number): AtomicU32 {
    return new AtomicU32(0, { buffer, byteOffset });
  }
  load(): number { return sys.u32.load(this.u, 0); }
  store(v: number): void { sys.u32.store(this.u, 0, checkInt("AtomicU32.store", v, 0, 0xffffffff)); }
  swap(v: number): number { return sys.u32.exchange(this.u, 0, checkInt("AtomicU32.swap", v, 0, 0xffffffff)); }
  /** Stores `replacement` if the value is `expected`. Returns the value seen (=== expected on success). */
  compareExchange(expected: number, replacement: number): number {
    return sys.u32.cas(this.u, 0, checkInt("AtomicU32.compareExchange", expected, 0, 0xffffffff), checkInt("AtomicU32.compareExchange", replacement, 0, 0xffffffff));
  }
  fetchAdd(v: number): number { return sys.u32.add(this.u, 0, checkInt("AtomicU32.fetchAdd", v, 0, 0xffffffff)); }
  fetchSub(v: number): number { return sys.u32.sub(this.u, 0, checkInt("AtomicU32.fetchSub", v, 0, 0xffffffff)); }
  fetchAnd(v: number): number { return sys.u32.and(this.u, 0, checkInt("AtomicU32.fetchAnd", v, 0, 0xffffffff)); }
  fetchOr(v: number): number { return sys.u32.or(this.u, 0, checkInt("AtomicU32.fetchOr", v, 0, 0xffffffff)); }
  fetchXor(v: number): number { return sys.u32.xor(this.u, 0, checkInt("AtomicU32.fetchXor", v, 0, 0xffffffff)); }
  /** Stores the larger of the value and `v` (Rust's `fetch_max`); returns the previous value. */
  fetchMax(v: number): number {
    const x = checkInt("AtomicU32.fetchMax", v, 0, 0xffffffff);
    return update(() => sys.u32.load(this.u, 0), (e, r) => sys.u32.cas(this.u, 0, e, r), (c) => (c >= x ? undefined : x));
  }
  /** Stores the smaller of the value and `v` (Rust's `fetch_min`); returns the previous value. */
  fetchMin(v: number): number {
    const x = checkInt("AtomicU32.fetchMin", v, 0, 0xffffffff);
    return update(() => sys.u32.load(this.u, 0), (e, r) => sys.u32.cas(this.u, 0, e, r), (c) => (c <= x ? undefined : x));
  }
  /** Stores `~(value & v)` (Rust's `fetch_nand`); returns the previous value. */
  fetchNand(v: number): number {
    const x = checkInt("AtomicU32.fetchNand", v, 0, 0xffffffff);
    return update(() => sys.u32.load(this.u, 0), (e, r) => sys.u32.cas(this.u, 0, e, r), (c) => ~(c & x) >>> 0);
  }
  /**
   * Rust's `fetch_update`: stores `f(value)`, calling `f` again with the new value if another
   * thread changed it meanwhile (so keep `f` free of side effects); `f` returning `undefined`
   * stores nothing. Returns whether it stored, and the value before.
   */
  fetchUpdate(f: (value: number) => number | undefined): FetchUpdateResult<number> {
    return fetchUpdate("AtomicU32.fetchUpdate", () => sys.u32.load(this.u, 0), (e, r) => sys.u32.cas(this.u, 0, e, r), f, (v) => checkInt("AtomicU32.fetchUpdate", v, 0, 0xffffffff));
  }
  wait(expected: number, opts?: WaitOptions): "ok" | "timed-out" {
    return wait32("AtomicU32", this.words, checkInt("AtomicU32.wait", expected, 0, 0xffffffff), opts);
  }
  waitAsync(expected: number, opts?: WaitOptions): Promise<"ok" | "timed-out"> {
    try {
      return wait32Async("AtomicU32", this.words, checkInt("AtomicU32.waitAsync", expected, 0, 0xffffffff), opts);
    } catch (e) {
      return Promise.reject(e);
    }
  }
  /** @internal */
  [SHARE](): PrimitiveWire { return { kind: "AtomicU32", buffer: this.buffer, byteOffset: this.byteOffset }; }
}

/** A shared boolean. */
export class AtomicBool extends Atomic32 {
  constructor(initial = false, placement?: Placement) {
    super("AtomicBool", placement);
    if (placement === undefined) sys.store(this.words, 0, bit("AtomicBool", initial));
  }
  /** Places one at `byteOffset` of `buffer`; zeroed memory holds false. */
  static at(buffer: SharedArrayBuffer, byteOffset: number): AtomicBool {
    return new AtomicBool(false, { buffer, byteOffset });
  }
  load(): boolean { return sys.load(this.words, 0) !== 0; }
  store(v: boolean): void { sys.store(this.words, 0, bit("AtomicBool.store", v)); }
  swap(v: boolean): boolean { return sys.exchange(this.words, 0, bit("AtomicBool.swap", v)) !== 0; }
  /**
   * Stores `replacement` if the value is `expected`. Returns the value seen, not whether it swapped
   * (so `compareExchange(false, true)` returns `false` on success): test `=== expected`.
   */
  compareExchange(expected: boolean, replacement: boolean): boolean {
    return sys.cas(this.words, 0, bit("AtomicBool.compareExchange", expected), bit("AtomicBool.compareExchange", replacement)) !== 0;
  }
  fetchAnd(v: boolean): boolean { return sys.and(this.words, 0, bit("AtomicBool.fetchAnd", v)) !== 0; }
  fetchOr(v: boolean): boolean { return sys.or(this.words, 0, bit("AtomicBool.fetchOr", v)) !== 0; }
  fetchXor(v: boolean): boolean { return sys.xor(this.words, 0, bit("AtomicBool.fetchXor", v)) !== 0; }
  /** Stores `!(value && v)` (Rust's `fetch_nand`); returns the previous value. */
  fetchNand(v: boolean): boolean {
    // true: the value becomes !value; false: it becomes true. Stores 0 or 1 whatever the word held
    // (load() reads any non-zero word as true: an `xor 1` turned 2 into 3, still true).
    return (bit("AtomicBool.fetchNand", v) === 1 ? this.fetchNot() : sys.exchange(this.words, 0, 1) !== 0);
  }
  /** Stores `!value` (Rust's `fetch_not`); returns the previous value. */
  fetchNot(): boolean {
    return update(() => sys.load(this.words, 0), (e, r) => sys.cas(this.words, 0, e, r), (c) => (c !== 0 ? 0 : 1)) !== 0;
  }
  /**
   * Rust's `fetch_update`: stores `f(value)`, calling `f` again with the new value if another
   * thread changed it meanwhile (so keep `f` free of side effects); `f` returning `undefined`
   * stores nothing. Returns whether it stored, and the value before.
   */
  fetchUpdate(f: (value: boolean) => boolean | undefined): FetchUpdateResult<boolean> {
    if (typeof f !== "function") throw new TypeError(`AtomicBool.fetchUpdate: expected a function, got ${describeValue(f)}`);
    const r = fetchUpdate<number>(
      "AtomicBool.fetchUpdate",
      () => sys.load(this.words, 0),
      (e, rep) => sys.cas(this.words, 0, e, rep),
      (v: number) => (f as (value: boolean) => boolean | undefined)(v !== 0),
      (v) => bit("AtomicBool.fetchUpdate", v),
    );
    return { ok: r.ok, previous: r.previous !== 0 };
  }
  wait(expected: boolean, opts?: WaitOptions): "ok" | "timed-out" { return wait32("AtomicBool", this.words, bit("AtomicBool.wait", expected), opts); }
  waitAsync(expected: boolean, opts?: WaitOptions): Promise<"ok" | "timed-out"> {
    try {
      return wait32Async("AtomicBool", this.words, bit("AtomicBool.waitAsync", expected), opts);
    } catch (e) {
      return Promise.reject(e);
    }
  }
  /** @internal */
  [SHARE](): PrimitiveWire { return { kind: "AtomicBool", buffer: this.buffer, byteOffset: this.byteOffset }; }
}

const I64_MIN = -(1n << 63n), I64_MAX = (1n << 63n) - 1n, U64_MAX = (1n << 64n) - 1n;

/** `v` if it is a bigint in the signed 64-bit range; else a RangeError naming `kind.method` (built only then). */
function checkBig(kind: string, method: string, v: unknown): bigint {
  if (typeof v !== "bigint" || v < I64_MIN || v > I64_MAX) {
    throw new RangeError(`${kind}${method}: expected a bigint in the signed 64-bit range, got ${describeValue(v)}`);
  }
  return v;
}

/** `v` if it is a bigint in the unsigned 64-bit range; else a RangeError naming `kind.method`. */
function checkU64(kind: string, method: string, v: unknown): bigint {
  if (typeof v !== "bigint" || v < 0n || v > U64_MAX) {
    throw new RangeError(`${kind}${method}: expected a bigint in the unsigned 64-bit range (0 to 2^64 - 1), got ${describeValue(v)}`);
  }
  return v;
}

/** The `Atomics` operations of a 64-bit word (`sys.i64` or `sys.u64`). */
interface Ops64 {
  load(a: any, i: number): bigint;
  store(a: any, i: number, v: bigint): bigint;
  exchange(a: any, i: number, v: bigint): bigint;
  cas(a: any, i: number, e: bigint, r: bigint): bigint;
  add(a: any, i: number, v: bigint): bigint;
  sub(a: any, i: number, v: bigint): bigint;
  and(a: any, i: number, v: bigint): bigint;
  or(a: any, i: number, v: bigint): bigint;
  xor(a: any, i: number, v: bigint): bigint;
}

/** What tells the two 64-bit atomics apart: name, the word's view and operations, its range. */
interface Kind64 {
  readonly name: "AtomicI64" | "AtomicU64";
  readonly View: new (buffer: SharedArrayBuffer, byteOffset: number, length: number) => BigInt64Array | BigUint64Array;
  readonly ops: Ops64;
  /** Checks `v` for method `method` (".store", …; "" for the constructor). */
  readonly check: (kind: string, method: string, v: unknown) => bigint;
  /** A bitwise result (nand) brought into the range. */
  readonly wrap: (v: bigint) => bigint;
}

/**
 * AtomicI64 and AtomicU64: a 16-byte region (tag, then the 8-aligned value word). `Atomics.wait`
 * and `notify` take a `BigInt64Array` only, so waits go through a signed view of the word, with
 * the expected value's bit pattern.
 */
abstract class Atomic64 implements SharedPrimitive {
  /** Bytes a 64-bit atomic occupies (8-byte aligned). */
  static readonly BYTE_LENGTH = 16;
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  private readonly k: Kind64;
  private readonly big: BigInt64Array | BigUint64Array;
  private readonly signed: BigInt64Array;

  protected constructor(k: Kind64, initial: bigint, placement: Placement | undefined) {
    const buffer = placement === undefined ? sharedBuffer(16) : placement.buffer;
    const byteOffset = placement === undefined ? 0 : placement.byteOffset;
    const words = placeWords(k.name, buffer, byteOffset, 16, 8);
    claimTag(k.name, words, 0, byteOffset);
    this.k = k;
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.big = new k.View(buffer, byteOffset + 8, 1);
    this.signed = new BigInt64Array(buffer, byteOffset + 8, 1);
    if (placement === undefined) k.ops.store(this.big, 0, k.check(k.name, "", initial));
  }

  load(): bigint { return this.k.ops.load(this.big, 0); }
  store(v: bigint): void { this.k.ops.store(this.big, 0, this.k.check(this.k.name, ".store", v)); }
  /** Stores `v`, returns the previous value. */
  swap(v: bigint): bigint { return this.k.ops.exchange(this.big, 0, this.k.check(this.k.name, ".swap", v)); }
  /** Stores `replacement` if the value is `expected`. Returns the value seen (=== expected on success). */
  compareExchange(expected: bigint, replacement: bigint): bigint {
    const { name, check } = this.k;
    return this.k.ops.cas(this.big, 0, check(name, ".compareExchange", expected), check(name, ".compareExchange", replacement));
  }
  /** Wrapping add (mod 2^64); returns the previous value. */
  fetchAdd(v: bigint): bigint { return this.k.ops.add(this.big, 0, this.k.check(this.k.name, ".fetchAdd", v)); }
  /** Wrapping subtract (mod 2^64); returns the previous value. */
  fetchSub(v: bigint): bigint { return this.k.ops.sub(this.big, 0, this.k.check(this.k.name, ".fetchSub", v)); }
  fetchAnd(v: bigint): bigint { return this.k.ops.and(this.big, 0, this.k.check(this.k.name, ".fetchAnd", v)); }
  fetchOr(v: bigint): bigint { return this.k.ops.or(this.big, 0, this.k.check(this.k.name, ".fetchOr", v)); }
  fetchXor(v: bigint): bigint { return this.k.ops.xor(this.big, 0, this.k.check(this.k.name, ".fetchXor", v)); }
  /** Stores the larger of the value and `v` (Rust's `fetch_max`); returns the previous value. */
  fetchMax(v: bigint): bigint {
    const x = this.k.check(this.k.name, ".fetchMax", v);
    return this.rmw((c) => (c >= x ? undefined : x));
  }
  /** Stores the smaller of the value and `v` (Rust's `fetch_min`); returns the previous value. */
  fetchMin(v: bigint): bigint {
    const x = this.k.check(this.k.name, ".fetchMin", v);
    return this.rmw((c) => (c <= x ? undefined : x));
  }
  /** Stores `~(value & v)` (Rust's `fetch_nand`); returns the previous value. */
  fetchNand(v: bigint): bigint {
    const x = this.k.check(this.k.name, ".fetchNand", v);
    return this.rmw((c) => this.k.wrap(~(c & x)));
  }
  /**
   * Rust's `fetch_update`: stores `f(value)`, calling `f` again with the new value if another
   * thread changed it meanwhile (so keep `f` free of side effects); `f` returning `undefined`
   * stores nothing. Returns whether it stored, and the value before.
   */
  fetchUpdate(f: (value: bigint) => bigint | undefined): FetchUpdateResult<bigint> {
    const { name, ops, check } = this.k;
    return fetchUpdate(`${name}.fetchUpdate`, () => ops.load(this.big, 0), (e, r) => ops.cas(this.big, 0, e, r), f, (v) => check(name, ".fetchUpdate", v));
  }
  /** Blocks while the value equals `expected`. */
  wait(expected: bigint, opts?: WaitOptions): "ok" | "timed-out" {
    const name = this.k.name;
    const d = deadlineOf(`${name}.wait`, opts);
    const e = BigInt.asIntN(64, this.k.check(name, ".wait", expected));
    return sys.i64.wait(this.signed, 0, e, sys.remaining(d.at), name) === "timed-out" ? "timed-out" : "ok";
  }
  /** Async twin of `wait`. */
  async waitAsync(expected: bigint, opts?: WaitOptions): Promise<"ok" | "timed-out"> {
    const name = this.k.name;
    const d = deadlineOf(`${name}.waitAsync`, opts);
    const e = BigInt.asIntN(64, this.k.check(name, ".waitAsync", expected));
    const r = await sys.i64.waitAsync(this.signed, 0, e, sys.remaining(d.at), d.signal);
    if (r === "aborted") throw d.signal!.reason;
    return r === "timed-out" ? "timed-out" : "ok";
  }
  /** Wakes up to `count` threads waiting on this atomic (default: all). Returns how many woke. */
  notify(count = Infinity): number { return sys.i64.notify(this.signed, 0, checkWakeCount(count)); }

  /** A compareExchange loop (`update`) over the word. */
  private rmw(next: (current: bigint) => bigint | undefined): bigint {
    const ops = this.k.ops;
    return update(() => ops.load(this.big, 0), (e, r) => ops.cas(this.big, 0, e, r), next);
  }

  /** @internal */
  [SHARE](): PrimitiveWire { return { kind: this.k.name, buffer: this.buffer, byteOffset: this.byteOffset }; }
}

const I64: Kind64 = { name: "AtomicI64", View: BigInt64Array, ops: sys.i64, check: checkBig, wrap: (v) => v };
const U64: Kind64 = { name: "AtomicU64", View: BigUint64Array, ops: sys.u64, check: checkU64, wrap: (v) => BigInt.asUintN(64, v) };

/** A shared signed 64-bit integer (values are `bigint`). */
export class AtomicI64 extends Atomic64 {
  constructor(initial: bigint = 0n, placement?: Placement) {
    super(I64, initial, placement);
  }
  /** Places one at `byteOffset` of `buffer` (16 bytes, 8-aligned); zeroed memory holds 0n. */
  static at(buffer: SharedArrayBuffer, byteOffset: number): AtomicI64 {
    return new AtomicI64(0n, { buffer, byteOffset });
  }
}

/**
 * A shared unsigned 64-bit integer (values are `bigint`, 0 to 2^64 - 1; arithmetic wraps, as
 * Rust's `AtomicU64` and Go's `atomic.Uint64`). Same methods as `AtomicI64`.
 */
export class AtomicU64 extends Atomic64 {
  constructor(initial: bigint = 0n, placement?: Placement) {
    super(U64, initial, placement);
  }
  /** Places one at `byteOffset` of `buffer` (16 bytes, 8-aligned); zeroed memory holds 0n. */
  static at(buffer: SharedArrayBuffer, byteOffset: number): AtomicU64 {
    return new AtomicU64(0n, { buffer, byteOffset });
  }
}

registerKind("AtomicI32", (w) => AtomicI32.at(w.buffer, w.byteOffset));
registerKind("AtomicU32", (w) => AtomicU32.at(w.buffer, w.byteOffset));
registerKind("AtomicBool", (w) => AtomicBool.at(w.buffer, w.byteOffset));
registerKind("AtomicI64", (w) => AtomicI64.at(w.buffer, w.byteOffset));
registerKind("AtomicU64", (w) => AtomicU64.at(w.buffer, w.byteOffset));
