/**
 * The arena (issue #4, "Memory and algorithms"): large messages and unbounded blocks live in a
 * growable SharedArrayBuffer whose memory is recycled; reaching `maxArenaBytes` is a clear
 * CapacityError from send, never a silent drop, and everything sent before is received intact.
 *
 * The issue says the arena "exposes allocation statistics (bytes in use, peak, allocations,
 * frees)": `arenaStats()` on either end. `arenaPeek` (util.ts) reads the same words from the
 * arena's shared memory independently, and the first test checks the two agree.
 */
import { describe, expect, it } from "vitest";
import { CapacityError, TrySendError, channel, codecs, selectAsync, sendArm, spawn } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import { arenaPeek, joinAll } from "./util.js";

const msg = (i: number, n: number) => ({ i, pad: String.fromCharCode(97 + (i % 26)).repeat(n) });

describe("arenaStats()", () => {
  it("either end, in any thread, reports the arena's figures; null without an arena", async () => {
    const [tx, rx] = channel<{ i: number; pad: string }>({ capacity: 8 });
    const before = tx.arenaStats()!;
    expect(before).toEqual(expect.objectContaining({ bytesInUse: expect.any(Number), peakBytes: expect.any(Number), allocations: expect.any(Number), frees: expect.any(Number) }));
    expect(before.maxByteLength).toBeGreaterThanOrEqual(before.byteLength);
    tx.send(msg(1, 50_000)); // too large for a slot: one arena block
    const mid = rx.arenaStats()!;
    expect(mid.allocations).toBe(before.allocations + 1);
    expect(mid.bytesInUse).toBeGreaterThanOrEqual(before.bytesInUse + 50_000);
    expect(mid.peakBytes).toBeGreaterThanOrEqual(mid.bytesInUse);
    const peek = arenaPeek(tx)!;
    for (const k of ["bytesInUse", "peakBytes", "allocations", "frees", "byteLength"] as const) expect(mid[k], k).toBe(peek[k]);
    // Another thread's end sees the same memory: it receives, the block is freed.
    const [got] = await joinAll<any>([spawn(workerUrl("ch-recv-one.mjs"), rx.clone())], "consumer");
    expect(got).toEqual(msg(1, 50_000));
    const after = tx.arenaStats()!;
    expect(after.frees).toBe(mid.frees + 1);
    expect(after.bytesInUse).toBe(before.bytesInUse);
    expect(channel<number>({ capacity: 4, codec: codecs.f64 })[0].arenaStats()).toBeNull();
    tx.close();
    rx.close();
  });
});

describe("arena memory is recycled", () => {
  it("unbounded: rounds of many large messages return bytes in use to the start, and the buffer stops growing", () => {
    const [tx, rx] = channel<{ i: number; pad: string }>();
    const start = arenaPeek(tx)!;
    let afterFirst = 0;
    for (let round = 0; round < 15; round++) {
      for (let i = 0; i < 300; i++) tx.send(msg(i, 2000 + i));
      for (let i = 0; i < 300; i++) expect(rx.recv()).toEqual(msg(i, 2000 + i));
      const s = arenaPeek(tx)!;
      // At most the current (partly used) list block stays allocated.
      expect(s.bytesInUse - start.bytesInUse).toBeLessThanOrEqual(16 * 1024);
      if (round === 0) afterFirst = s.byteLength;
      else expect(s.byteLength).toBe(afterFirst);
    }
    const end = arenaPeek(tx)!;
    expect(end.allocations - end.frees).toBeLessThanOrEqual(2);
    expect(end.peakBytes).toBeGreaterThan(300 * 2000);
  });

  it("bounded: large messages in slots of 64 bytes are freed as they are received", () => {
    const [tx, rx] = channel<{ i: number; pad: string }>({ capacity: 8, slotBytes: 64 });
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 8; i++) tx.send(msg(i, 100 * i));
      for (let i = 0; i < 8; i++) expect(rx.recv()).toEqual(msg(i, 100 * i));
    }
    const s = arenaPeek(tx)!;
    expect(s.bytesInUse).toBe(0);
    expect(s.allocations).toBe(s.frees);
    expect(s.allocations).toBeGreaterThan(0);
  });

  it("across workers: a worker sends 3000 large messages, the main thread receives; memory comes back", async () => {
    const [tx, rx] = channel<unknown>({ slotBytes: 16 });
    const start = arenaPeek(rx)!.bytesInUse;
    const h = spawn(workerUrl("ch-produce.mjs"), tx, { id: 0, count: 3000, mode: "send", sizes: [0, 1000, 4000], codec: "structured" });
    tx.close();
    let n = 0;
    for await (const _ of rx) n++;
    await joinAll([h], "producer");
    expect(n).toBe(3000);
    const s = arenaPeek(rx)!;
    expect(s.bytesInUse - start).toBeLessThanOrEqual(16 * 1024);
    expect(s.allocations - s.frees).toBeLessThanOrEqual(2);
  });

  it("failed sends give their arena blocks back (timeout, trySend full, select not chosen, disconnected)", async () => {
    const [tx, rx] = channel<unknown>({ capacity: 1 });
    const big = { pad: "z".repeat(5000) };
    tx.send(big);
    const held = arenaPeek(tx)!.bytesInUse;
    expect(() => tx.trySend(big)).toThrow(TrySendError);
    expect(() => tx.send(big, { timeout: 1 })).toThrow();
    await expect(tx.sendAsync(big, { timeout: 1 })).rejects.toThrow();
    await expect(selectAsync([sendArm(tx, big), sendArm(tx, big)], { timeout: 1 })).rejects.toThrow();
    expect(arenaPeek(tx)!.bytesInUse).toBe(held);
    rx.recv();
    rx.close();
    expect(() => tx.send(big)).toThrow();
    expect(arenaPeek(tx)!.bytesInUse).toBe(0);
  });
});

describe("maxArenaBytes: CapacityError, nothing lost", () => {
  it("unbounded, 1 MiB: filling past the limit is CapacityError; every message before it arrives intact", () => {
    const limit = 1 << 20;
    const [tx, rx] = channel<{ i: number; pad: string }>({ maxArenaBytes: limit });
    let sent = 0;
    let err: unknown;
    for (; sent < 10_000; sent++) {
      try {
        tx.send(msg(sent, 1000));
      } catch (e) {
        err = e;
        break;
      }
    }
    expect(err).toBeInstanceOf(CapacityError);
    expect(sent * 1000).toBeLessThanOrEqual(limit);
    expect(sent).toBeGreaterThan(100);
    expect(rx.len).toBe(sent);
    // Other forms fail the same way, and add nothing.
    expect(() => tx.trySend(msg(0, 1000))).toThrow(CapacityError);
    expect(rx.len).toBe(sent);
    for (let i = 0; i < sent; i++) expect(rx.recv()).toEqual(msg(i, 1000));
    // Room again once drained.
    tx.send(msg(1, 1000));
    expect(rx.recv()).toEqual(msg(1, 1000));
  });

  it("unbounded numeric channel: list blocks themselves hit the limit cleanly", () => {
    const [tx, rx] = channel<number>({ codec: codecs.f64, maxArenaBytes: 256 * 1024 });
    let sent = 0;
    let err: unknown;
    for (; sent < 1_000_000; sent++) {
      try {
        tx.send(sent);
      } catch (e) {
        err = e;
        break;
      }
    }
    expect(err).toBeInstanceOf(CapacityError);
    expect(rx.len).toBe(sent);
    for (let i = 0; i < sent; i++) if (rx.recv() !== i) throw new Error(`message ${i} corrupted`);
    expect(() => rx.tryRecv()).toThrow(expect.objectContaining({ kind: "empty" }));
  });

  it("a small limit (16 KiB) is honoured", () => {
    // Regression (found as a bug, now fixed): an arena is never smaller than its 64 KiB initial size — src/memory/arena.ts takes
    // maxByteLength = max(initialBytes, maxArenaBytes) — so { maxArenaBytes: 16384 } accepts 27
    // messages of ~1000 bytes (and 47 bare 1000-char strings) before CapacityError.
    const limit = 16 * 1024;
    const [tx, rx] = channel<{ i: number; pad: string }>({ maxArenaBytes: limit });
    let sent = 0;
    try {
      for (; sent < 1000; sent++) tx.send(msg(sent, 1000));
    } catch (e) {
      expect(e).toBeInstanceOf(CapacityError);
    }
    expect(sent * 1000).toBeLessThanOrEqual(limit);
    for (let i = 0; i < sent; i++) expect(rx.recv()).toEqual(msg(i, 1000));
  });

  it("bounded channel with arena-sized messages: CapacityError, earlier messages intact, usable after", () => {
    const [tx, rx] = channel<{ i: number; pad: string }>({ capacity: 64, maxArenaBytes: 128 * 1024 });
    let sent = 0;
    let err: unknown;
    for (; sent < 64; sent++) {
      try {
        tx.send(msg(sent, 10_000));
      } catch (e) {
        err = e;
        break;
      }
    }
    expect(err).toBeInstanceOf(CapacityError);
    expect(rx.len).toBe(sent);
    for (let i = 0; i < sent; i++) expect(rx.recv()).toEqual(msg(i, 10_000));
    tx.send(msg(7, 10_000));
    expect(rx.recv()).toEqual(msg(7, 10_000));
  });

  it("a message larger than the whole arena is a CapacityError up front", () => {
    const [tx, rx] = channel<string>({ capacity: 2, maxArenaBytes: 1 << 20 });
    expect(() => tx.send("x".repeat(2 << 20))).toThrow(CapacityError);
    expect(rx.len).toBe(0);
    tx.send("ok");
    expect(rx.recv()).toBe("ok");
  });
});
