/**
 * A lock placed with RwLock.at over reused memory. A thread's LocalReads is keyed by (buffer,
 * offset) and keeps its record pair (`local.record`) after its count went back to 0, and the pair
 * keeps naming the *old* lock id. When the memory is zeroed and a new lock placed there (all-zero
 * is a valid unlocked RwLock), the thread's next read stores its count into that stale pair
 * without calling id(): the pair names the old id, and the new lock's ID word stays 0, so
 * recoverDeadReaders returns at `id === 0` — the terminated reader's lock is never given back.
 */
import { describe, expect, it } from "vitest";
import { AtomicI32, RwLock, TimeoutError, spawn } from "../../dist/index.js";
import { expectThrow } from "../unit-helpers.js";

const ops15 = (name: string, ...args: unknown[]) => spawn<string>(new URL("./ops15.mjs", import.meta.url), name, ...args);

async function waitFor(a: AtomicI32, v: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (a.load() !== v) {
    if (Date.now() > deadline) throw new Error(`never reached phase ${v}`);
    await a.waitAsync(a.load(), { timeout: 50 });
  }
}

describe("review15: dead readers of a lock placed over reused memory", () => {
  it("the read lock of a reader terminated on the new lock is given back", async () => {
    const buffer = new SharedArrayBuffer(RwLock.BYTE_LENGTH);
    const phase = new AtomicI32(0);
    const h = ops15("readReusedMemory", buffer, phase);
    await waitFor(phase, 1);
    // The old lock is free: reuse its memory for a new one.
    new Int32Array(buffer).fill(0);
    const l = RwLock.at(buffer, 0);
    phase.store(2);
    phase.notify();
    await waitFor(phase, 3);
    expect(l.tryWrite()).toBeNull(); // the worker reads it
    // The cause: the worker recorded its read in its old pair (old id); the new lock never got an id.
    console.log("ID word of the new lock:", new Int32Array(buffer)[3]);
    await h.terminate();
    // Sanity: a fresh-memory lock is recovered at once (rwlock-dead-readers.test.ts); this one is not.
    let g = l.tryWrite();
    if (g === null) {
      try {
        g = l.write({ timeout: 1_000 });
      } catch (e) {
        expect(e).not.toBeInstanceOf(TimeoutError);
        throw e;
      }
    }
    g.unlock();
  });
});
