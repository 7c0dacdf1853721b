/** Task functions for the ThreadPool tests (test/pool/*.test.ts). Module scope is per worker. */
import { AtomicI32, Mutex, currentPool, threadSlot } from "../../dist/index.js";

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

let calls = 0;
/** Counts calls in this worker's module scope (thread-local state). */
export function countCalls() {
  return ++calls;
}
