/** Task functions for the ThreadPool tests (test/pool/*.test.ts). Module scope is per worker. */
import { AtomicI32, Mutex, currentPool, threadLocal, threadSlot } from "../../dist/index.js";

export const add = (a, b) => a + b;
export const identity = (x) => x;
export const echo = (...args) => args;
export const nothing = () => undefined;
export const typeNames = (...args) => args.map((a) => (a === null ? "null" : typeof a === "object" ? a.constructor.name : typeof a));
export const notAFunction = 42;

export async function later(x, ms = 5) {
  await new Promise((r) => setTimeout(r, ms));
  return x * 2;
}

export function fail(message) {
  throw new RangeError(message);
}

export async function failLater(message) {
  await new Promise((r) => setTimeout(r, 1));
  throw new TypeError(message);
}

export class CodedError extends Error {
  constructor(message) {
    super(message);
    this.name = "CodedError";
    this.code = "E_CODED";
  }
}
export function throwCoded(message) {
  throw new CodedError(message);
}

/** Throws a TypeError carrying a class instance (which the pool's codec refuses) beside a plain property. */
export function throwWithClassProp() {
  class Info {
    constructor() {
      this.a = 1;
    }
    describe() {
      return "info";
    }
  }
  const e = new TypeError("with a class inside");
  e.info = new Info();
  e.code = 7;
  throw e;
}

/** Throws what `what` names: "cause" (an Error with a cause), "bare" (`new TypeError()`), "coded" (CodedError). */
export function throwShaped(what) {
  if (what === "cause") throw new Error("outer failure", { cause: new RangeError("inner cause") });
  if (what === "bare") throw new TypeError();
  throw new CodedError("coded");
}

export function throwString() {
  throw "a plain string";
}

export const returnFunction = () => () => 1;

/** Writes `v` into every element of a shared typed array; returns the array (same memory). */
export function fillShared(arr, v) {
  arr.fill(v);
  return arr;
}

/** Adds 1 to an AtomicI32 and to a Mutex-guarded Int32Array, returns the thread's slot. */
export function bump(atomic, mutex) {
  atomic.fetchAdd(1);
  mutex.withLock((v) => {
    v[0]++;
  });
  return threadSlot();
}

export function makePrimitives(n) {
  return { atomic: new AtomicI32(n), mutex: new Mutex(new Int32Array(new SharedArrayBuffer(4))) };
}

/** Spins for `ms` milliseconds of CPU (a long task that does not yield). */
export function spin(ms) {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x++;
  return x > 0 ? ms : -1;
}

/** Locks `mutex`, says so in `held[0]`, holds it for `ms` of CPU, unlocks. */
export function holdLock(mutex, held, ms) {
  const g = mutex.lock();
  Atomics.store(held, 0, 1);
  spin(ms);
  g.unlock();
  return true;
}

/** Blocks until `flag[0]` becomes non-zero (a task that holds its worker). */
export function waitFlag(flag, started) {
  if (started) Atomics.store(started, 0, 1), Atomics.notify(started, 0);
  while (Atomics.load(flag, 0) === 0) Atomics.wait(flag, 0, 0, 50);
  return "released";
}

/** Sum of fib-like recursion through the pool: nested submission to the local deque. */
export async function fibPool(n) {
  if (n < 2) return n;
  const pool = currentPool();
  const [a, b] = await Promise.all([pool.run(import.meta.url, "fibPool", n - 1), pool.run(import.meta.url, "fibPool", n - 2)]);
  return a + b;
}

/** Submits `count` nested tasks that each spin `ms`, returns the sorted list of slots that ran them. */
export async function fanOut(count, ms) {
  const pool = currentPool();
  const ps = [];
  for (let i = 0; i < count; i++) ps.push(pool.run(import.meta.url, "spinSlot", ms));
  return (await Promise.all(ps)).sort((a, b) => a - b);
}

export function spinSlot(ms) {
  spin(ms);
  return threadSlot();
}

export function exitWorker(code) {
  process.exit(code);
}

/** Per-worker state, made on first use in each worker. */
const perThread = threadLocal(() => ({ slot: threadSlot(), calls: 0 }));

/** [this worker's slot, how many times this worker ran tick()]. */
export function tick() {
  const s = perThread.get();
  s.calls++;
  return [s.slot, s.calls];
}

/** Adds 1 to a shared counter (to see whether a task ran at all). */
export function count(atomic) {
  return atomic.fetchAdd(1) + 1;
}

/** Throws from a timer after returning a promise that never settles: the worker dies. */
export function crashLater(message) {
  setTimeout(() => {
    throw new Error(message);
  }, 1);
  return new Promise(() => {});
}

/** Awaits a nested task that kills its worker. */
export async function nestedExit(code) {
  return currentPool().run(import.meta.url, "exitWorker", code);
}

/**
 * A task with an id: counts its run in `counts[id]`, runs its nested jobs (`nested`: [id, fails]
 * pairs) through the pool, then returns [id, ...what the nested ones returned or threw], or
 * throws if `fails`.
 */
export async function job(counts, id, fails, nested) {
  Atomics.add(counts, id, 1);
  const pool = currentPool();
  const got = await Promise.all(
    nested.map(([n, f]) => pool.run(import.meta.url, "job", counts, n, f, []).then((v) => v[0], (e) => `${e.name}:${e.message}`)),
  );
  if (fails) throw new RangeError(`job ${id} failed on purpose`);
  return [id, ...got];
}

/** Counts a call in `counts[i]`; returns i * 2. */
export function mark(counts, i) {
  Atomics.add(counts, i, 1);
  return i * 2;
}

/** Sends `n` numbers on `tx` and returns without closing it (the pool closes a task's ends when it ends). */
export function sendSome(tx, n) {
  for (let i = 0; i < n; i++) tx.send(i);
  return n;
}

/** Async: sends after a delay, then returns; `ends` is an object holding a Sender (found there too). */
export async function sendLater(ends, v, ms = 5) {
  await new Promise((r) => setTimeout(r, ms));
  ends.tx.send(v);
  return v;
}

/** Sends `v` on the Sender that is `err`'s cause, and returns without closing it. */
export function sendOnCause(err, v) {
  err.cause.send(v);
  return v;
}

/** Returns the Sender it was given (the result carries it back to the caller). */
export const giveBack = (tx) => tx;

/** Returns a clone of the Sender it was given: the clone moves to the caller with the result. */
export const giveClone = (tx) => ({ tx: tx.clone() });

/** Sends one value, then dies (process.exit) without closing `tx`. */
export function sendThenExit(tx, code) {
  tx.send(1);
  process.exit(code);
}

/** Keeps a clone of `tx` in this worker beyond the task (a clone is the way to keep one). */
let kept = null;
export function keepClone(tx) {
  kept = tx.clone();
  return true;
}
export function sendOnKept(v) {
  kept.send(v);
  kept.close();
  kept = null;
  return true;
}

/** Submits a nested task holding `tx` (left queued in this worker's own deque), then dies. */
export function nestThenDie(tx, code) {
  currentPool().run(import.meta.url, "identity", tx).catch(() => {});
  process.exit(code);
}
