/**
 * track(worker) (src/thread/registry.ts): the death of a worker started with `new Worker` —
 * including `terminate()`, which runs no JavaScript in it — poisons the locks it held. And bad
 * input: anything but a worker_threads Worker is a TypeError naming what it got. (Web Workers:
 * test/browser.)
 */
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { AtomicI32, Mutex, PoisonError, share, track } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";

describe("track", () => {
  it("a tracked worker terminated while holding a Mutex poisons it; the next locker gets the guard", async () => {
    const m = new Mutex(new Int32Array(new SharedArrayBuffer(4)));
    const held = new AtomicI32(0);
    const worker = new Worker(workerUrl("raw-hold.mjs"), { workerData: share({ m, held }) });
    track(worker);
    expect(await held.waitAsync(0, { timeout: 30_000 })).toBe("ok");
    expect(m.isLocked).toBe(true);
    await worker.terminate();
    const e = await m.lockAsync({ timeout: 30_000 }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(PoisonError);
    const guard = (e as PoisonError<{ unlock(): void }>).guard;
    guard.unlock();
    m.clearPoison();
    expect(m.withLock((c) => c[0])).toBe(0);
  });

  it("tracking a worker twice is the same as once", async () => {
    const m = new Mutex(new Int32Array(new SharedArrayBuffer(4)));
    const held = new AtomicI32(0);
    const worker = new Worker(workerUrl("raw-hold.mjs"), { workerData: share({ m, held }) });
    track(worker);
    track(worker);
    expect(worker.listenerCount("exit")).toBe(1);
    expect(await held.waitAsync(0, { timeout: 30_000 })).toBe("ok");
    await worker.terminate();
    const e = await m.lockAsync({ timeout: 30_000 }).then(() => null, (err: unknown) => err);
    expect(e).toBeInstanceOf(PoisonError);
    (e as PoisonError<{ unlock(): void }>).guard.unlock();
  });

  it("refuses what is not a worker_threads Worker with a TypeError naming it", () => {
    for (const bad of [undefined, null, {}, { threadId: "1", once() {} }, { threadId: 1 }]) {
      expect(() => track(bad as any), String(bad)).toThrow(TypeError);
    }
    expect(() => track({} as any)).toThrow(/track: expected a worker_threads Worker, got Object/);
  });
});
