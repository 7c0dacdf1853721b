/**
 * Helpers for the unit tests: asserting the class *and* the message of an error, the worker
 * handshakes of `workers/unit/ops.mjs`, and short async sleeps.
 */
import { expect } from "vitest";
import { AtomicI32, spawn, type WorkerHandle } from "../dist/index.js";
import { workerUrl } from "./helpers.js";

type ErrorClass = abstract new (...args: any[]) => unknown;

/**
 * Checks that an error that came from another thread has the shape structured clone gives
 * `thrown`: own or not, enumerable or not, and the value of `message`, `name` and `cause`; the
 * same enumerable keys.
 */
export function expectErrorShape(got: unknown, thrown: Error): void {
  const clone: any = structuredClone(thrown);
  for (const k of ["message", "name", "cause"]) {
    expect(Object.getOwnPropertyDescriptor(got, k)?.enumerable, k).toBe(Object.getOwnPropertyDescriptor(clone, k)?.enumerable);
    expect(Object.hasOwn(got as object, k), k).toBe(Object.hasOwn(clone, k));
    expect((got as any)[k], k).toEqual(clone[k]);
  }
  expect(Object.keys(got as object)).toEqual(Object.keys(clone));
}

/** Checks `e` is an instance of `cls` whose message contains every fragment. */
export function checkError(e: unknown, cls: ErrorClass, fragments: (string | RegExp)[]): Error {
  expect(e).toBeInstanceOf(cls);
  const msg = (e as Error).message;
  for (const f of fragments) {
    if (typeof f === "string") expect(msg).toContain(f);
    else expect(msg).toMatch(f);
  }
  return e as Error;
}

/** Runs `fn`, expects it to throw an instance of `cls` whose message contains every fragment. */
export function expectThrow(fn: () => unknown, cls: ErrorClass, ...fragments: (string | RegExp)[]): Error {
  let thrown: unknown;
  let threw = false;
  try {
    fn();
  } catch (e) {
    thrown = e;
    threw = true;
  }
  expect(threw, "expected a throw").toBe(true);
  return checkError(thrown, cls, fragments);
}

/**
 * Calls `fn` (which must return a promise and not throw synchronously) and expects the promise to
 * reject with an instance of `cls` whose message contains every fragment.
 */
export async function expectReject(fn: () => unknown, cls: ErrorClass, ...fragments: (string | RegExp)[]): Promise<Error> {
  let p: unknown;
  expect(() => {
    p = fn();
  }, "an async method must reject, not throw synchronously").not.toThrow();
  expect(p).toBeInstanceOf(Promise);
  let thrown: unknown;
  let rejected = false;
  try {
    await p;
  } catch (e) {
    thrown = e;
    rejected = true;
  }
  expect(rejected, "expected a rejection").toBe(true);
  return checkError(thrown, cls, fragments);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A zeroed shared Int32Array of `n` words. */
export const sharedInts = (n = 1): Int32Array => new Int32Array(new SharedArrayBuffer(4 * n));

/**
 * Spawns `workers/unit/ops.mjs` running `op`. (A generic `R` cannot pick spawn's typing at
 * compile time — module type or result type — so the handle is typed by a cast.)
 */
export const op = <R = unknown>(name: string, ...args: unknown[]): WorkerHandle<R> =>
  spawn<unknown>(workerUrl("unit/ops.mjs"), name, ...args) as WorkerHandle<R>;

/** The started/release flags of the ops handshake. */
export function handshake(): { started: AtomicI32; release: AtomicI32; letGo(): void; whenStarted(): Promise<void> } {
  const started = new AtomicI32(0);
  const release = new AtomicI32(0);
  return {
    started,
    release,
    letGo() {
      release.store(1);
      release.notify();
    },
    async whenStarted() {
      const deadline = Date.now() + 10_000;
      while (started.load() === 0) {
        if (Date.now() > deadline) throw new Error("worker never signalled 'started'");
        await started.waitAsync(0, { timeout: 100 });
      }
    },
  };
}

/** What `p` rejects with (typed loosely, for asserting on it); fails the test if `p` resolves. */
export async function rejectionOf(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}
