/**
 * RwLock readers that are *terminated* holding read locks (src/sync/rwlock.ts, "Dead readers"):
 * no JavaScript runs in a terminated worker, so its guards are never dropped; each thread records
 * its read locks in the thread registry, and a writer kept out by readers gives back those of
 * threads known to have exited. One of the brief's complaints: locks orphaned forever when a
 * worker dies. (Before the fourteenth session, a reader terminated holding a read lock kept every
 * writer out for good.)
 */
import { describe, expect, it } from "vitest";
import { fc, test as fcTest } from "@fast-check/vitest";
import { RwLock, TimeoutError } from "../../dist/index.js";
import { expectThrow, handshake, op, sharedInts, sleep } from "../unit-helpers.js";

describe("RwLock: readers terminated holding read locks", () => {
  it.each([
    ["write()", "sync"],
    ["writeAsync()", "async"],
    ["tryWrite()", "try"],
  ] as const)("%s gets in once the reader's worker is terminated; the lock is not poisoned", async (_name, how) => {
    const l = new RwLock(sharedInts());
    const hs = handshake();
    const h = op("holdReadsUntilKilled", [l], 1, hs.started, hs.release, false);
    await hs.whenStarted();
    expect(l.tryWrite()).toBeNull();
    await h.terminate(); // resolves once the worker's exit has been seen
    if (how === "sync") l.write({ timeout: 10_000 }).unlock();
    else if (how === "async") (await l.writeAsync({ timeout: 10_000 })).unlock();
    else {
      const g = l.tryWrite();
      expect(g).not.toBeNull();
      g!.unlock();
    }
    expect(l.isPoisoned).toBe(false);
    // Nothing left over: readers and writers go on as usual.
    const r1 = l.read(), r2 = l.read();
    expect(l.tryWrite()).toBeNull();
    r1.unlock();
    r2.unlock();
    l.write().unlock();
  });

  it("a writer already waiting when the reader is terminated gets in", async () => {
    const l = new RwLock(sharedInts());
    const hs = handshake();
    const h = op("holdReadsUntilKilled", [l], 1, hs.started, hs.release, false);
    await hs.whenStarted();
    const w = l.writeAsync({ timeout: 10_000 });
    await sleep(150); // parked, past a liveness slice
    await h.terminate();
    (await w).unlock();
  });

  it("nested and async read locks on several locks are all given back", async () => {
    const locks = [new RwLock(sharedInts()), new RwLock(sharedInts()), new RwLock(sharedInts())];
    for (const useAsync of [false, true]) {
      const hs = handshake();
      const h = op("holdReadsUntilKilled", locks, 3, hs.started, hs.release, useAsync);
      await hs.whenStarted();
      for (const l of locks) expect(l.tryWrite()).toBeNull();
      await h.terminate();
      for (const l of locks) (await l.writeAsync({ timeout: 10_000 })).unlock();
    }
  });

  it("a live reader is never taken for dead: the writer times out while it reads, then gets in after it", async () => {
    const l = new RwLock(sharedInts());
    // Another worker dies meanwhile (the death count moves, so the writer looks at the records).
    const other = handshake();
    const bystander = op("holdReadsUntilKilled", [new RwLock(sharedInts())], 1, other.started, other.release, false);
    const hs = handshake();
    const h = op("holdReadsUntilKilled", [l], 2, hs.started, hs.release, false);
    await Promise.all([hs.whenStarted(), other.whenStarted()]);
    await bystander.terminate();
    expectThrow(() => l.write({ timeout: 150 }), TimeoutError, "RwLock.write");
    expect(l.tryWrite()).toBeNull();
    hs.letGo();
    expect(await h.join()).toBe("unlocked");
    l.write({ timeout: 10_000 }).unlock();
  });

  it("the dead reader's read locks are given back, and only those: this thread's own read lock is kept", async () => {
    const l = new RwLock(sharedInts());
    const mine = l.read();
    const hs = handshake();
    const h = op("holdReadsUntilKilled", [l], 2, hs.started, hs.release, false);
    await hs.whenStarted();
    await h.terminate();
    expect(l.tryWrite()).toBeNull(); // the dead worker's two are back; ours is still held
    const again = l.tryRead(); // and counted right: one more read, then both out, and the lock is free
    expect(again).not.toBeNull();
    again!.unlock();
    mine.unlock();
    const w = l.tryWrite();
    expect(w).not.toBeNull();
    w!.unlock();
  });

  it("more read locks at once than a thread has records for: those recorded are given back, the lock count stays exact", async () => {
    // Five locks read at once: four are recorded, the fifth is not (kept, as before).
    const locks = Array.from({ length: 5 }, () => new RwLock(sharedInts()));
    const hs = handshake();
    const h = op("holdReadsUntilKilled", locks, 1, hs.started, hs.release, false);
    await hs.whenStarted();
    await h.terminate();
    let freed = 0;
    for (const l of locks) {
      const g = l.tryWrite();
      if (g !== null) {
        freed++;
        g.unlock();
      }
    }
    expect(freed).toBe(4);
  });
});

describe("RwLock dead readers: property", () => {
  // Random numbers of locks and nesting depths, blocking or async reads, terminated or let go:
  // every recorded read lock of a terminated reader comes back (the first READ_RECORDS = 4 locks it
  // read), none twice, and a reader that unlocks itself is never counted again.
  fcTest.prop([fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 3 }), fc.boolean(), fc.boolean()], { numRuns: 8 })(
    "the locks of a terminated reader are given back exactly; those of one that unlocked are untouched",
    async (nLocks, depth, useAsync, kill) => {
      const locks = Array.from({ length: nLocks }, () => new RwLock(sharedInts()));
      const hs = handshake();
      const h = op("holdReadsUntilKilled", locks, depth, hs.started, hs.release, useAsync);
      await hs.whenStarted();
      const mine = locks.map((l) => l.read()); // one read lock of our own on each
      if (kill) await h.terminate();
      else {
        hs.letGo();
        expect(await h.join()).toBe("unlocked");
      }
      locks.forEach((l, i) => {
        // Still read-locked by us, so never writable here; readable, which a miscount below zero
        // or a lost reader would show once ours is given back.
        expect(l.tryWrite()).toBeNull();
        mine[i]!.unlock();
        const g = l.tryWrite();
        if (!kill || i < 4) expect(g).not.toBeNull();
        else expect(g).toBeNull(); // beyond the records: kept, as before
        g?.unlock();
      });
    },
  );
});
