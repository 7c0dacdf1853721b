/**
 * channel(): Sender / Receiver handles over a shared channel (std::sync::mpsc + crossbeam names).
 *
 * Both ends are MPMC: `clone()` makes another handle, and sharing a handle to another worker
 * (share/revive, spawn args) counts as a clone. Each handle is released once with `close()` (or
 * `using`). When the last Sender closes, receivers drain what was sent, then see the channel
 * disconnected; when the last Receiver closes, sends fail and hand the value back.
 */
import * as sys from "../sys/index.js";
import { ClosedError, RecvError, TryRecvError, TrySendError } from "../errors.js";
import { Arena } from "../memory/arena.js";
import { describeValue, requireSharedMemory, sharedBuffer } from "../memory/layout.js";
import { LEASE, RELEASE_FOR, SHARE, registerKind, type PrimitiveWire, type SharedPrimitive } from "../share/index.js";
import type { ArenaStats } from "../memory/arena.js";
import { checkCount, deadlineOf, type Deadline, type WaitOptions } from "../sync/options.js";
import { ArrayChan, ArrayQueue } from "./flavors/array.js";
import { ListChan } from "./flavors/list.js";
import { ZeroChan } from "./flavors/zero.js";
import { TimerChan, TimerKind } from "./flavors/timer.js";
import { Chan, RECV_EMPTY, SEND_FULL, SENT, isSentinel, type Encoded } from "./chan.js";
import { codecByName, codecs, type AnyCodec, type FixedCodec, type StructuredCodec } from "./codec.js";
import * as L from "./layout.js";
import { nextChannelId, registryId } from "../thread/registry.js";
import type { Send, Sendable } from "../types.js";

/** Options of `channel()`. */
export interface ChannelOptions<T> {
  /**
   * A positive integer: bounded (array flavor). `0`: rendezvous. `Infinity` or omitted: unbounded.
   */
  capacity?: number;
  /** How messages become bytes: `codecs.f64`, `codecs.bytes`, … Default: `codecs.structured`. */
  codec?: AnyCodec<T> | StructuredCodec;
  /** Inline bytes per slot for variable-size codecs (longer messages go to the arena). Default 120. */
  slotBytes?: number;
  /**
   * Most shared memory the channel's arena may grow to (large messages; an unbounded channel's
   * blocks). Default 1 GiB. The arena hands out blocks in powers of two (an encoded message plus an
   * 8-byte header, rounded up), so the largest message that fits an empty arena is a little under
   * half of this: about 512 MiB encoded by default; 1 GiB − 8 bytes is the limit however large
   * the arena. Past it, `send` throws `CapacityError` and nothing is sent.
   */
  maxArenaBytes?: number;
}

/**
 * A typed array a numeric channel's messages can be received into (`Receiver.recvInto`): for
 * `Receiver<number>` one of the number typed arrays, for `Receiver<bigint>` a `BigInt64Array` or
 * `BigUint64Array` — at run time it must be exactly the channel codec's own type (a
 * `Float64Array` for `codecs.f64`, an `Int32Array` for `codecs.i32`, …). Other message types have
 * none: `recvInto` does not compile for them. (The codec is not part of the type: a
 * `Receiver<number>` of the structured codec compiles, and throws TypeError at run time.)
 */
export type RecvTarget<T> = [T] extends [bigint]
  ? BigInt64Array | BigUint64Array
  : [T] extends [number]
    ? Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array
    : never;

/**
 * `sendMany`'s values as an array: a typed array of a numeric codec's own type as it is (checked
 * by construction, copied in run by run), any other iterable as an array.
 */
function listOf<T>(chan: Chan<T>, values: Iterable<T>): T[] {
  const codec = chan.codec;
  const typed = codec.fixedBytes > 0 && values instanceof (codec as FixedCodec<T>).view;
  return typed || Array.isArray(values) ? (values as unknown as T[]) : Array.from(values);
}

/**
 * Checks every value of `list` — or, for variable-size codecs, encodes it (the encodings are
 * returned) — before the first is sent, so one the codec cannot carry sends nothing.
 */
function checkMany<T>(chan: Chan<T>, list: T[]): (Encoded | null)[] | null {
  const codec = chan.codec;
  if (codec.fixedBytes > 0) {
    if (list instanceof (codec as FixedCodec<T>).view) return null; // checked by construction
    if (codec === codecs.f64 || codec === codecs.f32) {
      // Any number goes: one typeof per value here, the codec's check (its error) only on a miss.
      for (let i = 0; i < list.length; i++) if (typeof list[i] !== "number") (codec as FixedCodec<T>).check(list[i]);
    } else {
      for (let i = 0; i < list.length; i++) (codec as FixedCodec<T>).check(list[i]);
    }
    return null;
  }
  const encoded: (Encoded | null)[] = [];
  try {
    for (const v of list) encoded.push(chan.encode(v, true));
  } catch (e) {
    for (const enc of encoded) chan.discard(enc);
    throw e;
  }
  return encoded;
}

/** A send of `list[i]` failed with `e`: gives back the later values' encodings, and puts the values not sent in the error. */
function unsent<T>(chan: Chan<T>, list: T[], encoded: (Encoded | null)[] | null, i: number, e: unknown): unknown {
  if (encoded !== null) for (let j = i + 1; j < list.length; j++) chan.discard(encoded[j]!);
  if (e !== null && typeof e === "object" && "value" in e) (e as { value: unknown }).value = list.slice(i);
  return e;
}

/** `sendManyAsync`'s loop: runs as they fit, then one value at a time with an async wait for room. */
async function sendManyAsync<T>(chan: Chan<T>, list: T[], encoded: (Encoded | null)[] | null, fixed: boolean, d: Deadline): Promise<void> {
  for (let i = 0; i < list.length; ) {
    const n = fixed ? chan.trySendMany(list, i) : 0;
    if (n > 0) {
      i += n;
      continue;
    }
    try {
      await chan.sendEncodedAsync(list[i]!, encoded === null ? null : encoded[i]!, d, "Sender.sendManyAsync");
      i++;
    } catch (e) {
      throw unsent(chan, list, encoded, i, e);
    }
  }
}

/** Throws unless `target` is a non-empty typed array of the channel's numeric codec's type. */
function checkTarget(where: string, codec: AnyCodec<any>, target: unknown): void {
  if (codec.fixedBytes === 0) {
    throw new TypeError(
      `${where}: receiving into a typed array needs a numeric codec (codecs.f64, codecs.i32, …); this channel's codec is ${codec.name}: use recvMany`,
    );
  }
  const view = (codec as FixedCodec<unknown>).view;
  if (!(target instanceof view)) {
    throw new TypeError(`${where}: target must be a ${view.name} (the type of this channel's codec, ${codec.name}), got ${describeTarget(target)}`);
  }
  if ((target as unknown as ArrayLike<unknown>).length === 0) {
    throw new RangeError(`${where}: target has length 0; it needs room for at least one message`);
  }
}

const describeTarget = (v: unknown): string =>
  ArrayBuffer.isView(v) ? `a ${v.constructor.name} of length ${(v as unknown as ArrayLike<unknown>).length}` : describeValue(v);

const DEFAULT_SLOT_BYTES = 120;
const DEFAULT_ARENA_BYTES = 2 ** 30;

/**
 * Creates a channel and returns its two ends.
 *
 * ```ts
 * const [tx, rx] = channel<number>({ capacity: 1024, codec: codecs.f64 });
 * tx.send(1.5);
 * rx.recv(); // 1.5
 * ```
 * `T` must be `Sendable` (checked by the compiler: `channel<() => void>()` does not compile), and
 * so must every value sent, by its own type (`channel<unknown>()` still checks what is sent).
 * @throws RangeError for a capacity that is negative, NaN, not an integer or not a number (`null`
 *   included: leave it out for unbounded); TypeError for a codec that is not one of weft's.
 */
export function channel<T extends Send<T> = unknown>(opts: ChannelOptions<T> = {}): [Sender<T>, Receiver<T>] {
  if (opts === null || typeof opts !== "object") throw new TypeError(`channel: options must be an object, got ${describeValue(opts)}`);
  // Only an absent capacity means unbounded: a null (a config value that was never set, say) is
  // refused like any other non-number.
  const capacity = opts.capacity === undefined ? Infinity : opts.capacity;
  if (capacity !== Infinity) {
    if (typeof capacity !== "number" || !Number.isInteger(capacity) || capacity < 0 || capacity > ArrayQueue.MAX_CAPACITY) {
      throw new RangeError(
        `channel: capacity must be a non-negative integer ≤ ${ArrayQueue.MAX_CAPACITY} or Infinity, got ${describeValue(capacity)}`,
      );
    }
  }
  const codec = (opts.codec === undefined ? codecs.structured : opts.codec) as AnyCodec<T>;
  if (codec === null || typeof codec !== "object" || typeof codec.name !== "string") {
    throw new TypeError(`channel: codec must be one of weft's codecs (codecs.f64, codecs.structured, …), got ${describeValue(codec)}`);
  }
  codecByName(codec.name);
  const slotBytes = opts.slotBytes === undefined ? DEFAULT_SLOT_BYTES : checkCount("channel", "slotBytes", opts.slotBytes, 8, 1 << 20);
  const maxArena = opts.maxArenaBytes === undefined ? DEFAULT_ARENA_BYTES : checkCount("channel", "maxArenaBytes", opts.maxArenaBytes, 4096, 2 ** 32);
  const slot = L.alignUp(slotBytes, 8);
  const flavor = capacity === Infinity ? L.Flavor.List : capacity === 0 ? L.Flavor.Zero : L.Flavor.Array;
  const byteLength =
    flavor === L.Flavor.Array ? ArrayChan.byteLength(capacity, codec, slot)
    : flavor === L.Flavor.Zero ? ZeroChan.byteLength(codec, slot)
    : L.HEADER_BYTES;
  requireSharedMemory();
  let buffer: SharedArrayBuffer;
  try {
    buffer = new SharedArrayBuffer(byteLength);
  } catch {
    throw new RangeError(
      `channel: capacity ${capacity} needs ${byteLength} bytes of shared memory (slots of ${codec.fixedBytes || slot + 8} bytes), ` +
        `more than can be allocated; use a smaller capacity, a smaller slotBytes, or an unbounded channel`,
    );
  }
  const h = new Int32Array(buffer, 0, L.HEADER_BYTES >> 2);
  sys.store(h, L.FLAVOR, flavor);
  sys.store(h, L.CAP, flavor === L.Flavor.Array ? capacity : 0);
  sys.store(h, L.SLOT_BYTES, slot);
  if (flavor === L.Flavor.Array) ArrayQueue.init(new Int32Array(buffer, L.HEADER_BYTES, 2 * capacity), capacity);
  sys.store(h, L.CHAN_ID, nextChannelId());
  sys.store(h, L.CHAN_REG, registryId());
  sys.store(h, L.SENDERS, 1);
  sys.store(h, L.RECEIVERS, 1);
  sys.store(h, L.TAG, L.CHANNEL_TAG);
  const needsArena = flavor === L.Flavor.List || codec.fixedBytes === 0;
  const chan = makeChan<T>(buffer, codec, needsArena ? new Arena(maxArena) : null);
  return [new Sender(chan), new Receiver(chan)];
}

/** A timer channel's receiving end (its memory: a channel header whose sender count is pinned at 1). */
function timerReceiver(kind: TimerKind, delayMs: number, periodMs: number): Receiver<number> {
  const buffer = sharedBuffer(L.HEADER_BYTES);
  const h = new Int32Array(buffer, 0, L.HEADER_BYTES >> 2);
  sys.store(h, L.FLAVOR, L.Flavor.Timer);
  // No Sender exists: a phantom one keeps the channel from ever reading as disconnected.
  sys.store(h, L.SENDERS, 1);
  sys.store(h, L.RECEIVERS, 1);
  // No CHAN_ID yet: `sameChannel` gives one on first need (Chan.identity). Drawn here, every
  // after() of a select loop took an id from the registry's shared counter (a review: at 100k
  // timers/s the 31-bit counter wraps in hours, and ids then collide).
  TimerChan.init(buffer, kind, delayMs, periodMs);
  sys.store(h, L.TAG, L.CHANNEL_TAG);
  return new Receiver(new TimerChan(buffer, codecs.f64));
}

function checkMs(where: string, name: string, ms: unknown, positive: boolean, infinite = false): number {
  if (typeof ms !== "number" || Number.isNaN(ms) || (!infinite && !Number.isFinite(ms)) || ms < 0 || (positive && ms === 0)) {
    const what = infinite ? "a number of milliseconds ≥ 0 (or Infinity)" : `a finite number of milliseconds ${positive ? "> 0" : "≥ 0"}`;
    throw new RangeError(`${where}: ${name} must be ${what}, got ${describeValue(ms)}`);
  }
  return ms;
}

/**
 * A receiver that gets one message once `ms` milliseconds have passed (crossbeam's `after`, Go's
 * `time.After`): the time it was due, in milliseconds since the epoch. Meant as a `select` arm;
 * after its message it stays empty, and it never disconnects. Share it with `share`/`spawn` like
 * any receiver: of all its clones, in any threads, exactly one gets the message.
 *
 * ```ts
 * const r = select(rx, after(100)); // r.index === 1: nothing came within 100 ms
 * ```
 * `after(Infinity)`, like a delay too long for the clock (past about 290,000 years), gives a timer
 * that never fires, as crossbeam's does for a deadline past its clock (`never()`), and as
 * `{ timeout: Infinity }` means no timeout.
 * @throws RangeError for a negative or NaN `ms`.
 */
export function after(ms: number): Receiver<number> {
  return timerReceiver(TimerKind.After, checkMs("after", "ms", ms, false, true), 0);
}

/**
 * A receiver that gets a message every `ms` milliseconds (crossbeam's `tick`): the time it was
 * due, in milliseconds since the epoch. Ticks missed while nobody received are dropped (the next
 * one is due `ms` after a receive), so a slow receiver never finds a backlog.
 * `tick(0)` is always ready (crossbeam's likewise): every receive gets the current time.
 * `tick(Infinity)`, like a period too long for the clock (past about 290,000 years), gives a timer
 * that never fires, as crossbeam's.
 * @throws RangeError for a negative or NaN `ms`.
 */
export function tick(ms: number): Receiver<number> {
  const period = checkMs("tick", "ms", ms, false, true);
  return timerReceiver(TimerKind.Tick, period, period);
}

/**
 * A receiver that never gets a message and never disconnects (crossbeam's `never`): a `select`
 * arm that is never ready — e.g. to switch an arm off without changing the arm list.
 */
export function never(): Receiver<never> {
  return timerReceiver(TimerKind.Never, 0, 0) as unknown as Receiver<never>;
}

interface EndWire {
  codec: string;
  arena: SharedArrayBuffer | null;
}

function attachChan<T>(w: PrimitiveWire): Chan<T> {
  const buffer = w.buffer;
  if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength < L.HEADER_BYTES) {
    throw new TypeError("revive: a channel end's memory is not a weft channel");
  }
  const h = new Int32Array(buffer, 0, L.HEADER_BYTES >> 2);
  if (sys.load(h, L.TAG) !== L.CHANNEL_TAG) throw new TypeError("revive: the memory is not a weft channel");
  const x = w.extra as EndWire;
  const codec = codecByName(x.codec) as AnyCodec<T>;
  return makeChan<T>(buffer, codec, x.arena === null ? null : new Arena(0, 0, x.arena));
}

function makeChan<T>(buffer: SharedArrayBuffer, codec: AnyCodec<T>, arena: Arena | null): Chan<T> {
  const h = new Int32Array(buffer, 0, L.HEADER_BYTES >> 2);
  switch (sys.load(h, L.FLAVOR)) {
    case L.Flavor.Timer:
      return new TimerChan(buffer, codecs.f64) as unknown as Chan<T>;
    case L.Flavor.Array:
      return new ArrayChan<T>(buffer, codec, arena, sys.load(h, L.CAP));
    case L.Flavor.List:
      return new ListChan<T>(buffer, codec, arena!);
    case L.Flavor.Zero:
      return new ZeroChan<T>(buffer, codec, arena);
    default:
      throw new TypeError("revive: the channel's flavor word is corrupt");
  }
}

/** Drops one reference of a side (SENDERS / RECEIVERS); the last one disconnects the channel. */
function release(chan: Chan<unknown>, which: number): void {
  if (sys.sub(chan.header, which, 1) === 1) {
    chan.disconnect();
    chan.wakeAll();
    if (which === L.RECEIVERS) chan.dropRemaining();
  }
}

/**
 * A handle's lease: when an end is passed to `spawn`, its reference is owned by the worker, and
 * either the worker releases it (closing the end, or when its function ends) or — if the worker
 * dies first — the parent releases it on the worker's behalf. Whoever flips the lease word from
 * 0 to 1 first does the release, so it happens exactly once.
 */
interface Lease {
  words: Int32Array;
  index: number;
}

const claimLease = (lease: Lease | null): boolean => lease === null || sys.exchange(lease.words, lease.index, 1) === 0;

/** @internal The channel behind an open end (select). Throws ClosedError for a closed end. */
export let chanOf: (end: Sender<any> | Receiver<any>, where: string) => Chan<any>;

/** @internal The signal `close()` of this end aborts (a `selectAsync` waiting on it ends too). */
export let closingOf: (end: Sender<any> | Receiver<any>) => AbortSignal | undefined;

/**
 * What both ends share: the channel, the closed flag, the lease, and the counted reference
 * (`side` is SENDERS or RECEIVERS) that `clone`, sharing and `close` move.
 */
abstract class ChannelEnd<T> implements SharedPrimitive, Disposable {
  #chan: Chan<T>;
  #closed = false;
  #lease: Lease | null = null;
  readonly #side: number;
  readonly #name: string;
  /** Aborted by `close()`: the signal of this handle's async waits (made at the first). */
  #closing: AbortController | null = null;
  /** The deadline of an async wait with no options (one per handle: no allocation per call). */
  #untilClosed: Deadline | null = null;

  static {
    chanOf = (end, where) => {
      if (!(end instanceof ChannelEnd)) throw new TypeError(`${where}: not a channel end`);
      return (end as ChannelEnd<unknown>).open(where) as Chan<any>;
    };
    closingOf = (end) => {
      const e = end as ChannelEnd<unknown>;
      if (typeof AbortController !== "function") return undefined;
      return (e.#closing ??= new AbortController()).signal;
    };
  }

  protected constructor(chan: Chan<T>, side: number, name: string) {
    this.#chan = chan;
    this.#side = side;
    this.#name = name;
  }

  /** The channel, for an operation named `what`; throws ClosedError once this handle is closed. */
  protected open(what: string): Chan<T> {
    if (this.#closed) throw new ClosedError(`${what.includes(".") || what.includes(":") ? what : `${this.#name}.${what}`}: this ${this.#name} was closed`);
    return this.#chan;
  }

  /** The channel whether or not this handle is closed (snapshots: len, capacity, isClosed). */
  protected get chan(): Chan<T> {
    return this.#chan;
  }

  protected get closed(): boolean {
    return this.#closed;
  }

  /**
   * Whether `other` is an end of the same channel (crossbeam's `same_channel`), open or closed, in
   * this thread or revived from another: clones and shared copies are. Every `never()` receiver
   * counts as the same channel, as crossbeam's (so do `after(Infinity)` and `tick(Infinity)`,
   * which are `never()`s).
   */
  protected isSameChannel(other: unknown, where: string): boolean {
    if (!(other instanceof ChannelEnd) || other.#name !== this.#name) throw new TypeError(`${where}: expected a ${this.#name}, got ${describeValue(other)}`);
    const a = this.#chan as Chan<unknown>, b = other.#chan as Chan<unknown>;
    if (a === b || (a.isNever && b.isNever)) return true;
    return a.identity() === b.identity() && sys.load(a.header, L.CHAN_REG) === sys.load(b.header, L.CHAN_REG);
  }

  /** Counts one more reference of this side (clone, share). */
  protected addRef(what: string): Chan<T> {
    const chan = this.open(what);
    sys.add(chan.header, this.#side, 1);
    return chan;
  }

  /**
   * The deadline of an async call on this handle: `opts`' timeout and signal, and this handle's
   * close — as a Rust or tokio future borrows its handle, closing (dropping) a handle ends the
   * calls still waiting on it, with ClosedError. Before, they went on: a pending `recvAsync` of a
   * closed clone took a message meant for the open ones, and held a Node process open for good
   * when none came (a helper's port of tokio's tests, thirteenth session).
   */
  protected asyncDeadline(where: string, opts: WaitOptions | undefined): Deadline {
    if (typeof AbortController !== "function") return deadlineOf(where, opts);
    const closing = (this.#closing ??= new AbortController());
    // One deadline per handle for calls with no options (nothing allocated per call).
    if (opts === undefined) return (this.#untilClosed ??= deadlineOf(where, undefined, closing.signal));
    // A second signal of the deadline, listened to only while a wait is parked: combining it with
    // the caller's (AbortSignal.any) left an entry on the caller's signal for every call, for good
    // on Node 20 (a helper's review: 10 000 calls, 10 000 entries).
    return deadlineOf(where, opts, closing.signal);
  }

  /** Releases this handle; the last handle of a side closing disconnects the channel. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (claimLease(this.#lease)) release(this.#chan as Chan<unknown>, this.#side);
    this.#closing?.abort(new ClosedError(`${this.#name}: this ${this.#name} was closed while a call on it waited`));
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** Messages in the channel now (a snapshot; other threads may change it at once). */
  get len(): number {
    return this.#chan.len();
  }

  /** The channel's capacity (`Infinity` unbounded, `0` rendezvous). */
  get capacity(): number {
    return this.#chan.cap;
  }

  /** Whether no message is waiting now (always true for a rendezvous channel). */
  get isEmpty(): boolean {
    return this.len === 0;
  }

  /** Whether a send would have to wait now (always true for a rendezvous channel). */
  get isFull(): boolean {
    return this.len >= this.#chan.cap;
  }

  /**
   * Statistics of the channel's arena — the shared memory that holds messages too large for a
   * slot, and an unbounded channel's blocks (Rust's counting `GlobalAlloc`): bytes in use, peak,
   * allocations, frees, and the buffer's size and limit. Read from shared memory, so every end
   * of the channel, in any thread, sees the same figures. `null` for a channel without an arena
   * (bounded or rendezvous with a numeric codec).
   */
  arenaStats(): ArenaStats | null {
    return this.#chan.arena?.stats() ?? null;
  }

  /** @internal Ties this handle's reference to a lease word (spawn). */
  [LEASE](words: Int32Array, index: number): void {
    this.#lease = { words, index };
  }

  /** @internal Releases, on a dead worker's behalf, the reference it held through lease `index`. */
  [RELEASE_FOR](words: Int32Array, index: number): void {
    if (sys.exchange(words, index, 1) === 0) release(this.#chan as Chan<unknown>, this.#side);
  }

  /** @internal Sharing an end counts as a clone: the wire holds a reference. */
  [SHARE](): PrimitiveWire {
    const chan = this.addRef("share") as Chan<unknown>;
    const extra: EndWire = { codec: chan.codec.name, arena: chan.arena?.buffer ?? null };
    return { kind: this.#name, buffer: chan.header.buffer as SharedArrayBuffer, byteOffset: 0, extra };
  }
}

/** The sending end of a channel. */
export class Sender<in out T> extends ChannelEnd<T> {
  /** @internal */
  constructor(chan: Chan<T>) {
    super(chan, L.SENDERS, "Sender");
  }

  /**
   * Sends `value`, waiting for room if the channel is full.
   * @throws SendError (with `.value`) if every receiver is gone; SendTimeoutError (with `.value`);
   *   DataCloneError if the codec cannot carry `value` (nothing was sent); `signal.reason` on abort.
   */
  send<V extends T>(value: V & Sendable<V>, opts?: WaitOptions): void {
    const chan = this.open("send");
    chan.send(value, deadlineOf("Sender.send", opts), "Sender.send");
  }

  /**
   * Sends `value` if there is room now.
   * @throws TrySendError `full` or `disconnected` (with `.value`); DataCloneError.
   */
  trySend<V extends T>(value: V & Sendable<V>): void {
    const chan = this.open("trySend");
    const e = chan.encode(value, false);
    const r = chan.trySendEncoded(value, e);
    if (r === SENT) return;
    chan.discard(e);
    throw new TrySendError(r === SEND_FULL ? "full" : "disconnected", value);
  }

  /** Async twin of `send`: waits for room without blocking the event loop. */
  sendAsync<V extends T>(value: V & Sendable<V>, opts?: WaitOptions): Promise<void> {
    // Not an async function around the channel's (itself async): that `await` cost microtasks on
    // every send. Errors thrown here still come back as a rejected promise.
    try {
      const chan = this.open("sendAsync");
      return chan.sendAsync(value, this.asyncDeadline("Sender.sendAsync", opts), "Sender.sendAsync");
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Sends every value in order (waiting for room as needed). Every value is checked (encoded)
   * before the first is sent, so one the codec cannot carry sends nothing. A typed array of a
   * numeric codec's own type (`Float64Array` for `codecs.f64`, `Int32Array` for `i32`, …) goes in
   * without per-value checks, copied run by run.
   * @throws SendError whose `.value` holds the values not sent (an array, or a typed array if one
   *   was given), if the receivers go away; SendTimeoutError likewise.
   */
  sendMany<V extends T>(values: Iterable<V & Sendable<V>>, opts?: WaitOptions): void {
    const chan = this.open("sendMany");
    const d = deadlineOf("Sender.sendMany", opts);
    const list = listOf(chan, values);
    const encoded = checkMany(chan, list);
    const fixed = chan.codec.fixedBytes > 0;
    // Whether this wait for room has polled already (once per wait: a stale hint could say
    // "maybe" for as long as the channel stays full).
    let polled = false;
    for (let i = 0; i < list.length; ) {
      // Fixed codecs: as many as fit now with one reservation (where the flavor has it).
      const n = fixed ? chan.trySendMany(list, i) : 0;
      if (n > 0) {
        i += n;
        polled = false;
        continue;
      }
      // Full: poll for room first, to go on with whole runs.
      if (fixed && n === 0 && !polled) {
        polled = true;
        if (chan.pollReady(false, d)) continue;
      }
      // Full (or disconnected): send one the ordinary way, waiting for room (or failing).
      try {
        chan.sendEncoded(list[i]!, encoded === null ? null : encoded[i]!, d, "Sender.sendMany");
        i++;
      } catch (e) {
        throw unsent(chan, list, encoded, i, e);
      }
    }
  }

  /**
   * Async twin of `sendMany`: sends every value in order, waiting for room without blocking the
   * event loop. Checks every value first, as `sendMany` does.
   * @throws (rejects with) SendError / SendTimeoutError whose `.value` holds the values not sent.
   */
  sendManyAsync<V extends T>(values: Iterable<V & Sendable<V>>, opts?: WaitOptions): Promise<void> {
    try {
      const chan = this.open("sendManyAsync");
      const d = this.asyncDeadline("Sender.sendManyAsync", opts);
      const list = listOf(chan, values);
      return sendManyAsync(chan, list, checkMany(chan, list), chan.codec.fixedBytes > 0, d);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Whether this handle was closed, or every receiver is gone. */
  get isClosed(): boolean {
    return this.closed || this.chan.isDisconnected;
  }

  /** Another handle to the same channel (closing one does not close the other). */
  clone(): Sender<T> {
    return new Sender(this.addRef("clone"));
  }

  /**
   * Whether `other` sends on the same channel as this handle (crossbeam's `same_channel`): true
   * for clones and shared copies, in any thread, open or closed.
   * @throws TypeError if `other` is not a Sender.
   */
  sameChannel(other: Sender<any>): boolean {
    return this.isSameChannel(other, "Sender.sameChannel");
  }

}

/** The receiving end of a channel. */
export class Receiver<T> extends ChannelEnd<T> implements Iterable<T>, AsyncIterable<T> {
  /** @internal */
  constructor(chan: Chan<T>) {
    super(chan, L.RECEIVERS, "Receiver");
  }

  /**
   * Receives the next message, waiting for one.
   * @throws RecvError when the channel is empty and every sender is gone; TimeoutError; `signal.reason`.
   */
  recv(opts?: WaitOptions): T {
    const chan = this.open("recv");
    return chan.recv(deadlineOf("Receiver.recv", opts), "Receiver.recv");
  }

  /**
   * Receives a message if one is there now.
   * @throws TryRecvError `empty` or `disconnected`.
   */
  tryRecv(): T {
    const r = this.open("tryRecv").tryRecv();
    if (!isSentinel(r)) return r;
    throw new TryRecvError(r === RECV_EMPTY ? "empty" : "disconnected");
  }

  /** Async twin of `recv`. */
  recvAsync(opts?: WaitOptions): Promise<T> {
    try {
      const chan = this.open("recvAsync");
      return chan.recvAsync(this.asyncDeadline("Receiver.recvAsync", opts), "Receiver.recvAsync");
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Waits for at least one message, then takes up to `max` without waiting further.
   * @throws RangeError unless `max` ≥ 1; RecvError when empty and disconnected.
   */
  recvMany(max: number, opts?: WaitOptions): T[] {
    checkCount("Receiver.recvMany", "max", max, 1, 0x7fffffff);
    const chan = this.open("recvMany");
    const d = deadlineOf("Receiver.recvMany", opts);
    // Whatever is there now, with one reservation where the flavor has it; else poll for a
    // while (a sender may be copying a batch in), then wait for one.
    let r = chan.tryTakeMany(max);
    if (typeof r !== "number") return r;
    if (r === -1 && chan.pollReady(true, d) && typeof (r = chan.tryTakeMany(max)) !== "number") return r;
    const out: T[] = [chan.recv(d, "Receiver.recvMany")];
    if (max > 1) chan.tryRecvMany(out, max - 1);
    return out;
  }

  /** Async twin of `recvMany`. */
  async recvManyAsync(max: number, opts?: WaitOptions): Promise<T[]> {
    checkCount("Receiver.recvManyAsync", "max", max, 1, 0x7fffffff);
    const chan = this.open("recvManyAsync");
    const d = this.asyncDeadline("Receiver.recvManyAsync", opts);
    const r = chan.tryTakeMany(max);
    if (typeof r !== "number") return r;
    const out: T[] = [await chan.recvAsync(d, "Receiver.recvManyAsync")];
    if (max > 1) chan.tryRecvMany(out, max - 1);
    return out;
  }

  /**
   * `recvMany` into a typed array you own, allocating nothing: waits for at least one message,
   * then takes as many as are there now, up to `target.length`, into `target[0…]`, and returns how
   * many it took (the rest of `target` is left as it was). Like ringbuf.js's `pop(buffer)`.
   * Numeric codecs only, and `target` must be the codec's own type (a `Float64Array` for
   * `codecs.f64`; see `RecvTarget`); pass a `subarray` to fill part of a larger array.
   *
   * ```ts
   * const buf = new Float64Array(1024);
   * for (;;) {
   *   const n = rx.recvInto(buf); // throws RecvError once disconnected and drained
   *   for (let i = 0; i < n; i++) total += buf[i];
   * }
   * ```
   * @throws TypeError for a channel whose codec is not numeric, or a target of another type;
   *   RangeError for an empty target; RecvError when empty and disconnected; TimeoutError;
   *   `signal.reason`.
   */
  recvInto(target: RecvTarget<T>, opts?: WaitOptions): number {
    const chan = this.open("recvInto");
    checkTarget("Receiver.recvInto", chan.codec as AnyCodec<unknown>, target);
    const d = deadlineOf("Receiver.recvInto", opts);
    const into = target as unknown as T[];
    let r = chan.tryRecvInto(into, 0);
    if (r > 0) return r;
    if (r === -1 && chan.pollReady(true, d) && (r = chan.tryRecvInto(into, 0)) > 0) return r;
    into[0] = chan.recv(d, "Receiver.recvInto");
    return into.length > 1 ? 1 + Math.max(0, chan.tryRecvInto(into, 1)) : 1;
  }

  /**
   * Async twin of `recvInto`: the returned promise resolves with the count once `target` holds
   * the messages (do not use `target` meanwhile).
   */
  async recvIntoAsync(target: RecvTarget<T>, opts?: WaitOptions): Promise<number> {
    const chan = this.open("recvIntoAsync");
    checkTarget("Receiver.recvIntoAsync", chan.codec as AnyCodec<unknown>, target);
    const d = this.asyncDeadline("Receiver.recvIntoAsync", opts);
    const into = target as unknown as T[];
    const r = chan.tryRecvInto(into, 0);
    if (r > 0) return r;
    into[0] = await chan.recvAsync(d, "Receiver.recvIntoAsync");
    return into.length > 1 ? 1 + Math.max(0, chan.tryRecvInto(into, 1)) : 1;
  }

  /** Whether this handle was closed, or every sender is gone and nothing is left. */
  get isClosed(): boolean {
    return this.closed || (this.chan.isDisconnected && this.len === 0);
  }

  /** Another handle to the same channel. */
  clone(): Receiver<T> {
    return new Receiver(this.addRef("clone"));
  }

  /**
   * Whether `other` receives from the same channel as this handle (crossbeam's `same_channel`):
   * true for clones and shared copies, in any thread, open or closed — and between any two
   * `never()` receivers, as crossbeam's.
   * @throws TypeError if `other` is not a Receiver.
   */
  sameChannel(other: Receiver<any>): boolean {
    return this.isSameChannel(other, "Receiver.sameChannel");
  }

  /**
   * Iterates over the messages waiting now, without blocking (Rust's `try_iter`): ends at the
   * first moment the channel is empty, whether or not senders remain.
   */
  *tryIter(): IterableIterator<T> {
    for (;;) {
      const r = this.open("tryIter").tryRecv();
      if (isSentinel(r)) return;
      yield r as T;
    }
  }

  /** Iterates until the channel is disconnected and drained (blocking). */
  *[Symbol.iterator](): Iterator<T> {
    for (;;) {
      let v: T;
      try {
        v = this.recv();
      } catch (e) {
        if (e instanceof RecvError) return;
        throw e;
      }
      yield v;
    }
  }

  /**
   * Async iteration until the channel is disconnected and drained. A message that is there when
   * `next()` is called comes back in an already-resolved promise: one microtask per message,
   * where an async generator over `recvAsync` took four (0.9–1.1 µs per message on the main
   * thread; see docs/design.md). `next()` calls made before the previous one settled are served
   * in order, as a generator's are. Breaking out of the loop (`return()`) takes nothing more
   * from the channel.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    let finished = false;
    /** The last `next()` still waiting for a message (later calls queue behind it), or null. */
    let waiting: Promise<IteratorResult<T>> | null = null;
    const end = (): IteratorResult<T> => {
      finished = true;
      return { value: undefined, done: true };
    };
    const take = (): Promise<IteratorResult<T>> => {
      if (finished) return Promise.resolve({ value: undefined, done: true });
      let chan: Chan<T>;
      try {
        chan = this.open("recvAsync");
      } catch (e) {
        finished = true; // as a generator is done once an error has left it
        return Promise.reject(e);
      }
      const r = chan.tryRecv();
      if (!isSentinel(r)) return Promise.resolve({ value: r, done: false });
      if (r !== RECV_EMPTY) return Promise.resolve(end());
      const p = chan.recvAsync(this.asyncDeadline("Receiver.recvAsync", undefined), "Receiver.recvAsync").then(
        (value): IteratorResult<T> => ({ value, done: false }),
        (e: unknown): IteratorResult<T> => {
          const result = end();
          if (e instanceof RecvError) return result;
          throw e;
        },
      );
      return track(p);
    };
    const track = (p: Promise<IteratorResult<T>>): Promise<IteratorResult<T>> => {
      waiting = p;
      const clear = (): void => {
        if (waiting === p) waiting = null;
      };
      p.then(clear, clear);
      return p;
    };
    const it: AsyncIterableIterator<T> = {
      next: () => (waiting === null ? take() : track(waiting.then(take, take))),
      return: (value?: unknown) => {
        finished = true;
        return Promise.resolve({ value: value as T, done: true });
      },
      throw: (e?: unknown) => {
        finished = true;
        return Promise.reject(e);
      },
      [Symbol.asyncIterator]: () => it,
    };
    return it;
  }

}


registerKind("Sender", (w) => new Sender(attachChan(w)));
registerKind("Receiver", (w) => new Receiver(attachChan(w)));
