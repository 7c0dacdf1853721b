/**
 * RwLock properties over real workers (DESIGN §5, §9): a writer never overlaps a reader or
 * another writer, and readers always see a writer's update whole; writer preference — a writer
 * gets in while readers keep arriving.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { RwLock, spawn, type WorkerHandle } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import { arrange, fcParams, joinAll, layoutArb, rejection, seedArb, sleep, timeoutFor, until, words } from "../prop-helpers.js";

const DATA_WORDS = 3; // [0] write counter, [1] A, [2] B
const STAT_WORDS = 5; // [0] readers inside, [1] writers inside, [2] violations, [3] reads, [4] most readers together

describe("RwLock (property, real workers)", () => {
  const RUNS = 12;
  it(
    "a writer never overlaps a reader or another writer; every write is counted exactly",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              iters: fc.integer({ min: 1, max: 800 }),
              writeRatio: fc.constantFrom(0, 0.05, 0.2, 0.5, 1),
              seed: seedArb,
              modes: fc.constantFrom("plain", "mixed"),
            }),
            { minLength: 1, maxLength: 6 },
          ),
          fc.integer({ min: 0, max: 40 }),
          layoutArb(3),
          async (workers, spin, layout) => {
            const arena = arrange([{ bytes: RwLock.BYTE_LENGTH }, { bytes: DATA_WORDS * 4 }, { bytes: STAT_WORDS * 4 }], layout);
            const data = words(arena, 1, DATA_WORDS);
            const stats = words(arena, 2, STAT_WORDS);
            const lock = arena === null ? new RwLock(data) : RwLock.at(arena.buffer, arena.offsets[0]!, data);
            const dump = () => `stats=${[...stats]} data=${[...data]}`;
            const handles = workers.map((w) =>
              spawn<number>(workerUrl("rwlock-mix.mjs"), lock, stats, w.iters, w.writeRatio, w.seed, spin, w.modes),
            );
            const writes = (await joinAll(handles, undefined, dump)).reduce((a, b) => a + b, 0);
            const total = workers.reduce((s, w) => s + w.iters, 0);
            expect(stats[2], `exclusion violated (${dump()})`).toBe(0);
            expect(stats[0]).toBe(0);
            expect(stats[1]).toBe(0);
            expect(data[0]).toBe(writes);
            expect(stats[3]).toBe(total - writes);
            expect(lock.isPoisoned).toBe(false);
            // Nothing is left held or flagged: both kinds of lock are free to take at once.
            const w = lock.tryWrite();
            expect(w).not.toBeNull();
            w!.unlock();
            const r = lock.tryRead();
            expect(r).not.toBeNull();
            r!.unlock();
            arena?.checkSentinels();
          },
        ),
        fcParams(RUNS),
      );
    },
    timeoutFor(RUNS, 3_000),
  );

  it(
    "a writer gets in while readers keep arriving (writer preference)",
    async () => {
      // Readers re-acquire back to back with overlapping sections, so the lock is practically
      // never free. Each reader gives up on its own after many reads (or seconds) past the
      // moment the writer started waiting; the writer must get in before any reader gives up.
      const GIVE_UP_READS = 50_000, GIVE_UP_MS = 10_000;
      await fc.assert(
        fc.asyncProperty(
          // Three or more readers, so that their sections overlap and the lock is almost never free.
          fc.integer({ min: 3, max: 5 }),
          fc.constantFrom("sync", "async", "timeout"),
          fc.constantFrom("sync", "async", "timeout"),
          fc.integer({ min: 100, max: 400 }),
          layoutArb(2),
          async (readers, readMode, writeMode, hold, layout) => {
            const arena = arrange([{ bytes: RwLock.BYTE_LENGTH }, { bytes: 6 * 4 }], layout);
            const lock = arena === null ? new RwLock() : RwLock.at(arena.buffer, arena.offsets[0]!);
            const ctl = words(arena, 1, 6);
            const url = workerUrl("rwlock-stream.mjs");
            const handles = [...Array(readers)].map(() => spawn<string>(url, "reader", lock, ctl, readMode, hold, GIVE_UP_READS, GIVE_UP_MS, readers));
            handles.push(spawn<string>(url, "writer", lock, ctl, writeMode, hold, GIVE_UP_READS, GIVE_UP_MS, readers));
            const results = await joinAll(handles, 30_000, () => `ctl=${[...ctl]}`);
            expect(results.at(-1)).toBe("in");
            expect(ctl[3], `readers gave up waiting for the writer (ctl=${[...ctl]})`).toBe(0);
            expect(results.slice(0, -1).every((r) => r === "writer got in")).toBe(true);
            arena?.checkSentinels();
          },
        ),
        fcParams(6),
      );
    },
    timeoutFor(6, 4_000),
  );
});

describe("RwLock: never-waiting reads and abandoned writers (property, real workers)", () => {
  // Regression (found as a bug, now fixed): src/sync/rwlock.ts `tryReadFast` makes a single CAS attempt; when another reader changes
  // the reader count between its load and its CAS, `tryRead()` returns null although no writer
  // holds or waits for the lock (it should retry while the state is still read-lockable, as Rust's
  // `try_read` does with `fetch_update`). Repro: 4 workers × 200 000 `tryRead()` + unlock on one
  // `new RwLock()`, no writer anywhere: thousands of nulls.
  it(
    "tryRead() never returns null while only readers use the lock",
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 20_000, max: 200_000 }), layoutArb(1), async (n, iters, layout) => {
          const arena = arrange([{ bytes: RwLock.BYTE_LENGTH }], layout);
          const lock = arena === null ? new RwLock() : RwLock.at(arena.buffer, arena.offsets[0]!);
          const gate = new Int32Array(new SharedArrayBuffer(4));
          const nulls = await joinAll([...Array(n)].map(() => spawn<number>(workerUrl("rwlock-try-read.mjs"), lock, iters, gate, n)));
          expect(nulls, "tryRead() calls that returned null with no writer around").toEqual(nulls.map(() => 0));
        }),
        // Regression: the shrunk counterexample found first.
        fcParams(3, { examples: [[2, 25_331, { own: true }], [4, 200_000, { own: true }]] }),
      );
    },
    timeoutFor(3, 4_000),
  );

  // Regression (found as a bug, now fixed): src/sync/rwlock.ts `writeSlow`: a writer that gives up (TimeoutError, or abort) while
  // the lock is *read*-locked leaves WRITERS_WAITING set (its catch block only hands the lock on
  // when it is unlocked). No writer waits any more, but `isReadLockable` still sees the flag, so
  // every new reader on another thread is kept out — `tryRead()` returns null and `read()` times
  // out or blocks — until all current readers have left. Repro: main thread `lock.read()` (held);
  // a worker `lock.write({ timeout: 50 })` → TimeoutError; then another worker's
  // `lock.read({ timeout: 500 })` → TimeoutError and `tryRead()` → null. (A count of waiting
  // writers, decremented on give-up and clearing the flag at zero, would fix it.)
  it(
    "a writer that timed out or aborted does not keep new readers out while others read",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom("write", "writeAsync-timeout", "writeAsync-abort"),
          fc.integer({ min: 0, max: 30 }),
          fc.constantFrom("tryRead", "read", "readAsync"),
          layoutArb(1),
          async (writer, ms, reader, layout) => {
            const arena = arrange([{ bytes: RwLock.BYTE_LENGTH }], layout);
            const lock = arena === null ? new RwLock() : RwLock.at(arena.buffer, arena.offsets[0]!);
            const held = lock.read();
            try {
              const opts = writer === "writeAsync-abort" ? { abort: ms, reason: "writer gave up" } : { timeout: ms };
              const [w] = await joinAll([spawn<any>(workerUrl("attempt.mjs"), lock, writer.startsWith("writeAsync") ? "writeAsync" : "write", opts)]);
              expect(w.error).toBe(writer === "writeAsync-abort" ? "Error" : "TimeoutError");
              // No writer is waiting now: another thread's read must get in beside ours.
              const [r] = await joinAll([spawn<any>(workerUrl("attempt.mjs"), lock, reader, { timeout: 1_000 })]);
              expect(r, `${reader} after a ${writer} gave up, while a read lock is held`).toMatchObject({ ok: true, error: null });
            } finally {
              held.unlock();
            }
            // Once the last reader leaves, everything is free again.
            lock.tryWrite()!.unlock();
          },
        ),
        // Regression: the shrunk counterexample found first.
        fcParams(4, { examples: [["write", 0, "tryRead", { own: false, gaps: [0, 0], order: [0], sentinel: 1 }]] }),
      );
    },
    timeoutFor(4, 2_000),
  );
});

describe("RwLock: an aborted writeAsync (property, real workers)", () => {
  // Regression (found as a bug, now fixed): src/sync/rwlock.ts `wakeWriterOrReaders` / `wakeWriter`. A `writeAsync` aborted while the
  // lock is write-held leaves WRITERS_WAITING set and its native `Atomics.waitAsync` queued on
  // WRITER_NOTIFY (for up to one 100 ms slice). When the holder unlocks with readers parked
  // (state READERS_WAITING | WRITERS_WAITING), `wakeWriterOrReaders` clears WRITERS_WAITING, and
  // `wakeWriter()` counts the abandoned waiter as a woken writer (`notify() > 0`), so the readers
  // are not woken. The abandoned waiter passes its wake-up on — to WRITER_NOTIFY, where nobody
  // waits. The state is left READERS_WAITING with no holder: `isReadLockable` refuses while that
  // flag is set, so the parked readers re-park on every slice forever.
  // Minimal repro: worker W holds `write()`; worker R calls `read()` (parks); main calls
  // `writeAsync({ signal })` and aborts it; W unlocks within 100 ms → R never gets the lock.
  // (Possible fix: count parked writers explicitly instead of trusting notify()'s count, or have an
  // abandoned writer's pass-on fall back to waking the readers.)
  it(
    "readers parked behind a write lock get in after it is released, though a writeAsync gave up meanwhile",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.constantFrom("read", "readAsync"), { minLength: 1, maxLength: 2 }),
          fc.integer({ min: 0, max: 40 }), // ms between the abort and the unlock
          async (readers, unlockAfter) => {
            const lock = new RwLock(new Int32Array(new SharedArrayBuffer(4)));
            const ctl = new Int32Array(new SharedArrayBuffer(12)); // holder: [0] held · [1] release
            const wctl = new Int32Array(new SharedArrayBuffer(12)); // readers: [2] started
            const holder = spawn<string>(workerUrl("hold.mjs"), lock, "rwlock-w", ctl, 0);
            const all: WorkerHandle<any>[] = [holder];
            try {
              await until(() => Atomics.load(ctl, 0) === 1, "the writer holding it");
              all.push(...readers.map((op) => spawn<any>(workerUrl("poison-waiter.mjs"), lock, op, wctl)));
              await until(() => Atomics.load(wctl, 2) === readers.length, "the readers to start");
              await sleep(20); // let them park
              const ac = new AbortController();
              const w = lock.writeAsync({ signal: ac.signal }); // parks at once
              const reason = new Error("gave up");
              ac.abort(reason);
              expect(await rejection(w)).toBe(reason);
              await sleep(unlockAfter);
              Atomics.store(ctl, 1, 1);
              Atomics.notify(ctl, 1);
              const [held, ...rs] = await joinAll(all, 5_000, () => `ctl=${[...ctl]}`);
              expect(held).toBe("released");
              for (const r of rs) expect(r.error).toBe(null);
            } catch (e) {
              await Promise.allSettled(all.map((h) => h.terminate()));
              throw e;
            }
          },
        ),
        fcParams(2, { examples: [[["read"], 0]] }),
      );
    },
    timeoutFor(2, 8_000),
  );
});
