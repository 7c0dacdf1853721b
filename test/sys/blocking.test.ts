/**
 * Blocking forms on Node's main thread (src/sys/index.ts canBlock / assertCanBlock).
 *
 * A browser main thread cannot block (Atomics.wait throws there) and weft must then throw
 * BlockingNotAllowedError naming the …Async twin; that needs a browser and is not tested here.
 * On Node's main thread blocking is allowed: every sync form really waits (for its timeout) and
 * never throws BlockingNotAllowedError.
 */
import { isMainThread } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import {
  AtomicBool,
  AtomicI32,
  AtomicI64,
  AtomicU32,
  Barrier,
  BlockingNotAllowedError,
  Condvar,
  Mutex,
  Once,
  RwLock,
  Semaphore,
  TimeoutError,
  WaitGroup,
} from "../../dist/index.js";
import { handshake, op } from "../unit-helpers.js";

const T = 25;

/** Each blocks for T ms (held by a worker, or nothing will ever change) and then times out. */
const cases: [string, () => unknown, "throws" | "returns"][] = [
  ["Semaphore.acquire", () => { const s = new Semaphore(1); s.acquire(); return s.acquire(1, { timeout: T }); }, "throws"],
  ["Barrier.wait", () => new Barrier(2).wait({ timeout: T }), "throws"],
  ["WaitGroup.wait", () => { const w = new WaitGroup(); w.add(1); return w.wait({ timeout: T }); }, "throws"],
  ["Condvar.wait", () => { const m = new Mutex(); const g = m.lock(); const r = new Condvar().wait(g, { timeout: T }); g.unlock(); return r; }, "returns"],
  ["Condvar.waitWhile", () => { const m = new Mutex(); const g = m.lock(); const r = new Condvar().waitWhile(g, () => true, { timeout: T }); g.unlock(); return r; }, "returns"],
  ["AtomicI32.wait", () => new AtomicI32(0).wait(0, { timeout: T }), "returns"],
  ["AtomicU32.wait", () => new AtomicU32(0).wait(0, { timeout: T }), "returns"],
  ["AtomicBool.wait", () => new AtomicBool(false).wait(false, { timeout: T }), "returns"],
  ["AtomicI64.wait", () => new AtomicI64(0n).wait(0n, { timeout: T }), "returns"],
];

describe("sync forms on Node's main thread", () => {
  it("this test really runs on a main thread", () => {
    expect(isMainThread).toBe(true);
  });

  it.each(cases)("%s blocks for its timeout instead of throwing BlockingNotAllowedError", (_name, call, outcome) => {
    const t0 = performance.now();
    let err: unknown;
    let result: unknown;
    try {
      result = call();
    } catch (e) {
      err = e;
    }
    expect(err).not.toBeInstanceOf(BlockingNotAllowedError);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(T - 5);
    if (outcome === "throws") expect(err).toBeInstanceOf(TimeoutError);
    else expect(result === false || result === "timed-out").toBe(true);
  });

  it("Mutex.lock, RwLock.read/write and Once.callOnce block while a worker holds them, then time out", async () => {
    const m = new Mutex();
    const rw = new RwLock();
    const once = new Once();
    const runs = new AtomicI32();
    const [a, b, c] = [handshake(), handshake(), handshake()];
    const hs = [op("holdMutex", m, a!.started, a!.release), op("holdRwLock", rw, "write", b!.started, b!.release), op("callOnce", once, runs, c!.started, c!.release)];
    await Promise.all([a!.whenStarted(), b!.whenStarted(), c!.whenStarted()]);
    for (const [name, call] of [
      ["Mutex.lock", () => m.lock({ timeout: T })],
      ["RwLock.read", () => rw.read({ timeout: T })],
      ["RwLock.write", () => rw.write({ timeout: T })],
      ["Once.callOnce", () => once.callOnce(() => {}, { timeout: T })],
    ] as const) {
      const t0 = performance.now();
      let err: unknown;
      try {
        call();
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(TimeoutError);
      expect(performance.now() - t0, name).toBeGreaterThanOrEqual(T - 5);
    }
    for (const h of [a!, b!, c!]) h.letGo();
    await Promise.all(hs.map((h) => h.join()));
    expect(runs.load()).toBe(1);
  });
});
