/**
 * Two copies of weft in one thread (the package ships ESM and CJS; registry.ts keeps the thread's
 * identity on globalThis precisely so that both agree). Each copy has its own module-level
 * `records` view and `recordOwners`, but both write the same registry READS words of the thread's
 * slot: the CJS copy takes pair 0 (its own recordOwners is empty) over the ESM copy's pair, and
 * the ESM copy's next count store goes into a pair that now names the other lock. When the thread
 * dies, a writer of that other lock "gives back" read locks the dead thread never held on it:
 * a live reader's lock is given back, and the writer gets in while it reads.
 */
import { describe, expect, it } from "vitest";
import { RwLock, spawn } from "../../dist/index.js";
import { handshake, sharedInts } from "../unit-helpers.js";

const ops15 = (name: string, ...args: unknown[]) => spawn<string>(new URL("./ops15.mjs", import.meta.url), name, ...args);

describe("review15: read-lock records with two copies of weft in one thread", () => {
  it.each([
    ["one copy (ESM only), the control", false],
    ["two copies (ESM + CJS): fixed, the records are shared per thread", true],
  ] as const)("a writer never gets in while a live reader holds the lock — %s", async (_name, useCjs) => {
    const a = new RwLock(sharedInts());
    const b = new RwLock(sharedInts());
    const mine = b.read(); // a live reader of b: this thread
    const hs = handshake();
    const h = ops15("dualCopyReads", a, b, hs.started, hs.release, useCjs);
    await hs.whenStarted();
    await h.terminate(); // dead holding a×2 (ESM) and b×1 (CJS)
    // Our read lock on b is still held: no write lock may be had, whatever was recovered.
    const w = b.tryWrite();
    const got = w !== null;
    w?.unlock();
    mine.unlock();
    expect(got).toBe(false);
  });
});
