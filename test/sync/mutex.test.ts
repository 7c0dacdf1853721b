import { describe, expect, it } from "vitest";
import { DeadlockError, LockError, Mutex, PoisonError, TimeoutError, spawn } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";

const counter = () => new Int32Array(new SharedArrayBuffer(4));

describe("Mutex", () => {
  it("guards a non-atomic read-modify-write across real workers", async () => {
    const m = new Mutex(counter());
    const handles = [0, 1, 2].map(() => spawn(workerUrl("increment.mjs"), m, 20_000));
    await Promise.all(handles.map((h) => h.join()));
    expect(m.lock().value[0]).toBe(60_000);
  });

  it("throws DeadlockError when the owning thread locks again, and stays usable", () => {
    const m = new Mutex(counter());
    const g = m.lock();
    expect(() => m.lock()).toThrow(DeadlockError);
    expect(m.tryLock()).toBeNull();
    g.unlock();
    expect(() => g.unlock()).toThrow(LockError);
    m.lock().unlock();
  });

  it("times out with TimeoutError while another holds it", async () => {
    const m = new Mutex(counter());
    const g = m.lock();
    await expect(m.lockAsync({ timeout: 20 })).rejects.toBeInstanceOf(TimeoutError);
    g.unlock();
  });

  it("poisons when withLock's callback throws, and hands the guard over", () => {
    const m = new Mutex(counter());
    expect(() => m.withLock(() => { throw new Error("boom"); })).toThrow("boom");
    expect(m.isPoisoned).toBe(true);
    try {
      m.lock();
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PoisonError);
      const g = (e as PoisonError<any>).guard;
      expect(g.value[0]).toBe(0);
      g.unlock();
    }
    m.clearPoison();
    expect(m.isPoisoned).toBe(false);
  });
});
