/**
 * sys: the only module in weft that touches `Atomics`.
 *
 * Everything above this layer speaks in terms of `Int32Array` words over a `SharedArrayBuffer`
 * (and `BigInt64Array` for 64-bit atomics). Every `Atomics` operation is sequentially consistent,
 * so Rust's Relaxed / Acquire / Release orderings all collapse to SeqCst here: callers never need
 * a fence, and the why-comments at call sites explain *which* order of steps makes a protocol safe.
 *
 * Costs measured on the 2-core CI machine (Node 20): one `Atomics` read-modify-write ~15 ns, a
 * spin iteration (a load) ~0.15 µs with the loop overhead, a park/wake through
 * `Atomics.wait`/`notify` ~25 µs each way. Hence "spin a little, then park" (see `SPIN_LIMIT`).
 */
import { BlockingNotAllowedError } from "../errors.js";

// ---------------------------------------------------------------------------------------------
// Plain atomic operations on Int32 words.

/** Atomic load of word `i`. */
export const load = (a: Int32Array, i: number): number => Atomics.load(a, i);
/** Atomic store of `v` into word `i`. */
export const store = (a: Int32Array, i: number, v: number): number => Atomics.store(a, i, v);
/** Atomic exchange; returns the previous value. */
export const exchange = (a: Int32Array, i: number, v: number): number => Atomics.exchange(a, i, v);
/** Compare-and-exchange; returns the value seen (equal to `expected` on success). */
export const cas = (a: Int32Array, i: number, expected: number, replacement: number): number =>
  Atomics.compareExchange(a, i, expected, replacement);
/** Atomic add; returns the previous value. */
export const add = (a: Int32Array, i: number, v: number): number => Atomics.add(a, i, v);
/** Atomic subtract; returns the previous value. */
export const sub = (a: Int32Array, i: number, v: number): number => Atomics.sub(a, i, v);
/** Atomic bitwise and; returns the previous value. */
export const and = (a: Int32Array, i: number, v: number): number => Atomics.and(a, i, v);
/** Atomic bitwise or; returns the previous value. */
export const or = (a: Int32Array, i: number, v: number): number => Atomics.or(a, i, v);
/** Atomic bitwise xor; returns the previous value. */
export const xor = (a: Int32Array, i: number, v: number): number => Atomics.xor(a, i, v);

/** The same operations over unsigned 32-bit words (used by `AtomicU32`). */
export const u32 = {
  load: (a: Uint32Array, i: number): number => Atomics.load(a, i),
  store: (a: Uint32Array, i: number, v: number): number => Atomics.store(a, i, v),
  exchange: (a: Uint32Array, i: number, v: number): number => Atomics.exchange(a, i, v),
  cas: (a: Uint32Array, i: number, e: number, r: number): number => Atomics.compareExchange(a, i, e, r),
  add: (a: Uint32Array, i: number, v: number): number => Atomics.add(a, i, v),
  sub: (a: Uint32Array, i: number, v: number): number => Atomics.sub(a, i, v),
  and: (a: Uint32Array, i: number, v: number): number => Atomics.and(a, i, v),
  or: (a: Uint32Array, i: number, v: number): number => Atomics.or(a, i, v),
  xor: (a: Uint32Array, i: number, v: number): number => Atomics.xor(a, i, v),
};

/** The same operations over 64-bit words (used by `AtomicI64`). */
export const i64 = {
  load: (a: BigInt64Array, i: number): bigint => Atomics.load(a, i),
  store: (a: BigInt64Array, i: number, v: bigint): bigint => Atomics.store(a, i, v),
  exchange: (a: BigInt64Array, i: number, v: bigint): bigint => Atomics.exchange(a, i, v),
  cas: (a: BigInt64Array, i: number, e: bigint, r: bigint): bigint => Atomics.compareExchange(a, i, e, r),
  add: (a: BigInt64Array, i: number, v: bigint): bigint => Atomics.add(a, i, v),
  sub: (a: BigInt64Array, i: number, v: bigint): bigint => Atomics.sub(a, i, v),
  and: (a: BigInt64Array, i: number, v: bigint): bigint => Atomics.and(a, i, v),
  or: (a: BigInt64Array, i: number, v: bigint): bigint => Atomics.or(a, i, v),
  xor: (a: BigInt64Array, i: number, v: bigint): bigint => Atomics.xor(a, i, v),
  /** `what`: the atomic's class, named by the error where blocking is not allowed. */
  wait: (a: BigInt64Array, i: number, expected: bigint, timeoutMs: number, what = "AtomicI64"): WaitResult => {
    assertCanBlock(`${what}.wait`, `${what}.waitAsync`);
    return Atomics.wait(a, i, expected, timeoutMs);
  },
  waitAsync: (a: BigInt64Array, i: number, expected: bigint, timeoutMs: number, signal?: AbortSignal) =>
    waitAsyncImpl(a, i, expected, timeoutMs, signal),
  notify: (a: BigInt64Array, i: number, count: number): number => Atomics.notify(a, i, count),
};

/**
 * The same operations over unsigned 64-bit words (used by `AtomicU64`). `Atomics.wait` takes a
 * `BigInt64Array` only: `AtomicU64` waits through a signed view of the same word with `i64`'s.
 */
export const u64 = {
  load: (a: BigUint64Array, i: number): bigint => Atomics.load(a, i),
  store: (a: BigUint64Array, i: number, v: bigint): bigint => Atomics.store(a, i, v),
  exchange: (a: BigUint64Array, i: number, v: bigint): bigint => Atomics.exchange(a, i, v),
  cas: (a: BigUint64Array, i: number, e: bigint, r: bigint): bigint => Atomics.compareExchange(a, i, e, r),
  add: (a: BigUint64Array, i: number, v: bigint): bigint => Atomics.add(a, i, v),
  sub: (a: BigUint64Array, i: number, v: bigint): bigint => Atomics.sub(a, i, v),
  and: (a: BigUint64Array, i: number, v: bigint): bigint => Atomics.and(a, i, v),
  or: (a: BigUint64Array, i: number, v: bigint): bigint => Atomics.or(a, i, v),
  xor: (a: BigUint64Array, i: number, v: bigint): bigint => Atomics.xor(a, i, v),
};

// ---------------------------------------------------------------------------------------------
// Futex: wait / notify.

/** Outcome of a futex wait. */
export type WaitResult = "ok" | "not-equal" | "timed-out";
/** Outcome of an async futex wait, which can also be abandoned through an AbortSignal. */
export type AsyncWaitResult = WaitResult | "aborted";

/**
 * How many times a contended lock re-reads its word before parking. A spin iteration costs
 * ~0.15 µs and a park/wake round trip ~50 µs, so 100 spins (~15 µs) catch a holder that is about
 * to release without ever costing more than a third of one park. Rust's std uses the same count.
 */
export const SPIN_LIMIT = 100;

/**
 * Longest single park of a waiter that watches for a dead owner. A holder that dies (terminate,
 * crash) cannot wake anyone, so waiters wake at least this often to check the owner's liveness
 * slot: a dead owner is noticed within this many milliseconds. Ten wake-ups a second cost nothing
 * measurable.
 */
export const LIVENESS_SLICE_MS = 100;

let blockingAllowed: boolean | undefined;

/** Whether this thread may block in `Atomics.wait` (false on a browser's main thread). */
export function canBlock(): boolean {
  if (blockingAllowed === undefined) {
    try {
      // Cheap probe: a 0 ms wait on a value that does not match returns at once where blocking is
      // allowed, and throws where it is not (a browser main thread).
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
      blockingAllowed = true;
    } catch {
      blockingAllowed = false;
    }
  }
  return blockingAllowed;
}

let mainThread: boolean | undefined;

/**
 * Whether this thread's event loop must not be blocked by weft's own bookkeeping: Node's main
 * thread, or any thread that cannot block at all (a browser's main thread).
 */
export function isMainThread(): boolean {
  if (mainThread === undefined) {
    const proc: any = (globalThis as any).process;
    const wt = typeof proc?.getBuiltinModule === "function" ? proc.getBuiltinModule("node:worker_threads") : undefined;
    mainThread = wt !== undefined ? wt.isMainThread === true : !canBlock();
  }
  return mainThread;
}

/** Throws `BlockingNotAllowedError` naming the async twin when this thread cannot block. */
export function assertCanBlock(what: string, asyncTwin: string): void {
  if (!canBlock()) throw new BlockingNotAllowedError(what, asyncTwin);
}

/** Blocks until word `i` is notified, no longer equals `expected`, or `timeoutMs` passes. */
export function wait(a: Int32Array, i: number, expected: number, timeoutMs: number): WaitResult {
  return Atomics.wait(a, i, expected, timeoutMs < 0 ? 0 : timeoutMs);
}

/** Wakes up to `count` waiters (sync or async) parked on word `i`; returns how many woke. */
export const notify = (a: Int32Array, i: number, count: number): number => Atomics.notify(a, i, count);

/** Wakes every waiter parked on word `i`. */
export const notifyAll = (a: Int32Array, i: number): number => Atomics.notify(a, i, Infinity);

// ---------------------------------------------------------------------------------------------
// Keeping a Node process alive while a weft promise is pending.
//
// A pending `Atomics.waitAsync` does not keep Node's event loop alive: a script whose only work
// is `await mutex.lockAsync()` would exit with the promise unsettled. While any async wait is
// pending we hold one ref'd timer; when the last settles we clear it so the process may exit.

let pendingAsyncWaits = 0;
let keepAliveTimer: ReturnType<typeof setInterval> | undefined;
const noop = () => {};

function holdProcess(): void {
  if (pendingAsyncWaits++ === 0) keepAliveTimer = setInterval(noop, 0x7fffffff);
}

function releaseProcess(): void {
  if (--pendingAsyncWaits === 0 && keepAliveTimer !== undefined) {
    clearInterval(keepAliveTimer);
    keepAliveTimer = undefined;
  }
}

/** Number of async waits currently pending on this thread (exposed for tests of the keep-alive). */
export const pendingWaits = (): number => pendingAsyncWaits;

type AnyIntArray = Int32Array | BigInt64Array;

const nativeWaitAsync: ((a: AnyIntArray, i: number, v: any, t?: number) => { async: boolean; value: any }) | undefined =
  typeof (Atomics as any).waitAsync === "function" ? (Atomics as any).waitAsync : undefined;

function waitAsyncImpl(
  a: AnyIntArray,
  i: number,
  expected: number | bigint,
  timeoutMs: number,
  signal?: AbortSignal,
  keepAlive = true,
  other?: AbortSignal,
): Promise<AsyncWaitResult> {
  if (signal?.aborted || other?.aborted) return Promise.resolve("aborted");
  const t = timeoutMs < 0 ? 0 : timeoutMs;
  if (nativeWaitAsync === undefined) return pollWait(a, i, expected, t, signal, other);
  const r = nativeWaitAsync(a, i, expected, t);
  if (!r.async) return Promise.resolve(r.value as WaitResult);
  if (!keepAlive) return r.value as Promise<WaitResult>;
  holdProcess();
  if (signal === undefined && other === undefined) {
    return (r.value as Promise<WaitResult>).then((v) => {
      releaseProcess();
      return v;
    });
  }
  return new Promise<AsyncWaitResult>((resolve) => {
    let settled = false;
    const onAbort = () => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      other?.removeEventListener("abort", onAbort);
      releaseProcess();
      // A native async wait cannot be cancelled: left queued, it would count as a waiter and could
      // swallow a notify(…, 1) meant for a live one. Wake every waiter on the word instead — ours
      // leaves the queue, the others see a spurious wake-up, which every futex user (and every
      // weft protocol) must tolerate anyway.
      Atomics.notify(a as Int32Array, i);
      resolve("aborted");
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    other?.addEventListener("abort", onAbort, { once: true });
    (r.value as Promise<WaitResult>).then((v) => {
      signal?.removeEventListener("abort", onAbort);
      other?.removeEventListener("abort", onAbort);
      if (settled) return;
      settled = true;
      releaseProcess();
      resolve(v);
    });
  });
}

/**
 * Resolves after the event loop has run its pending tasks (not just microtasks): `setImmediate`
 * where it exists (Node), else a `MessageChannel` message, else `setTimeout(0)`.
 */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as any;
  if (typeof g.setImmediate === "function") return new Promise((r) => g.setImmediate(r));
  if (typeof g.MessageChannel === "function") {
    return new Promise((r) => {
      const { port1, port2 } = new g.MessageChannel();
      port1.onmessage = () => {
        port1.close();
        r();
      };
      port2.postMessage(0);
    });
  }
  return new Promise((r) => setTimeout(r, 0));
}

/** Fallback where `Atomics.waitAsync` is missing: poll with exponential backoff, never block. */
function pollWait(
  a: AnyIntArray,
  i: number,
  expected: number | bigint,
  timeoutMs: number,
  signal?: AbortSignal,
  other?: AbortSignal,
): Promise<AsyncWaitResult> {
  const deadline = performance.now() + timeoutMs;
  return new Promise((resolve) => {
    let delay = 0.5;
    const tick = () => {
      if (signal?.aborted || other?.aborted) return resolve("aborted");
      if (Atomics.load(a as any, i) !== expected) return resolve("ok");
      const left = deadline - performance.now();
      if (left <= 0) return resolve("timed-out");
      delay = Math.min(delay * 2, 20);
      setTimeout(tick, Math.min(delay, left));
    };
    if (Atomics.load(a as any, i) !== expected) return resolve("not-equal");
    setTimeout(tick, delay);
  });
}

/**
 * Async twin of `wait`: never blocks the event loop. Resolves `"aborted"` as soon as `signal` (or
 * `other`: a second signal, listened to only while the wait is pending) aborts. Keeps a Node
 * process alive while pending (and only then), unless `keepAlive` is false (a wait nobody's
 * promise depends on; with a signal, it is kept alive regardless).
 */
export function waitAsync(
  a: Int32Array,
  i: number,
  expected: number,
  timeoutMs: number,
  signal?: AbortSignal,
  keepAlive = true,
  other?: AbortSignal,
): Promise<AsyncWaitResult> {
  return waitAsyncImpl(a, i, expected, timeoutMs, signal, keepAlive || signal !== undefined || other !== undefined, other);
}

// ---------------------------------------------------------------------------------------------
// Deadlines.

/** Monotonic milliseconds. */
export const now = (): number => performance.now();

/** Absolute deadline for a relative timeout (`Infinity` when none). */
export const deadlineAfter = (timeoutMs: number | undefined): number =>
  timeoutMs === undefined || timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;

/** Milliseconds left until `deadline` (may be ≤ 0; `Infinity` for no deadline). */
export const remaining = (deadline: number): number =>
  deadline === Infinity ? Infinity : deadline - performance.now();

/** Park time for one slice: the time left, capped at `slice` ms. */
export const sliceOf = (deadline: number, slice: number): number => {
  const left = remaining(deadline);
  return left < slice ? left : slice;
};

// ---------------------------------------------------------------------------------------------
// Backoff for lock-free loops.

/** Result of `relax`'s loop, kept so that the loop is not optimized away. */
let relaxSink = 0;

/**
 * A pause between two polls of a word another core writes (JS has no `pause` instruction: a
 * ~100-iteration register loop, ~30–50 ns, stands in). A receiver that polls the slot its sender
 * writes next pulls that cache line back after every store to it; polling a little less often
 * lets the sender fill a few slots of the line in a row. Measured on the 1 → 1 bounded bench, and
 * within this host's noise: median 126 → 102 ns per message over seven interleaved runs (taken
 * while another job loaded the host), weft ÷ a hand Vyukov queue 0.56–1.81 → 0.67–1.11 over four
 * quieter ones; 2 → 2 unchanged.
 */
export function relax(): void {
  let x = relaxSink;
  for (let i = 0; i < 100; i++) x = (x * 31 + i) | 0;
  relaxSink = x;
}

// Made on first use: importing weft must work where there is no SharedArrayBuffer (a page that is
// not cross-origin isolated), so that making a primitive there can say what is missing.
let napWord: Int32Array | undefined;

/**
 * Backoff while another thread finishes a step we must wait for (a slot claimed but not yet
 * published). Spins for the first `spin` rounds (64 by default: the step is a few stores); after
 * that, where the thread may block, naps through a private futex word, so a preempted peer on a
 * 2-core machine gets the CPU (crossbeam's `Backoff::snooze` yields the thread for the same
 * reason). A nap asked for 5 µs lasts ~50–60 µs on Linux (timer slack), so waits for a step that
 * takes microseconds (a batch being copied) pass a larger `spin`.
 */
export function snooze(round: number, spin = 64): void {
  if (round < spin) return;
  if (canBlock()) Atomics.wait((napWord ??= new Int32Array(new SharedArrayBuffer(4))), 0, 0, round < spin + 192 ? 0.005 : 0.1);
}
