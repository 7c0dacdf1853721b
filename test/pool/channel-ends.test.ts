/**
 * Channel ends passed to pool tasks belong to the task, as with `spawn` (and as a Sender moved
 * into a Rust closure is dropped when it ends): the worker closes them when the call ends —
 * returned, thrown or settled — and the submitting thread releases them when the task never runs
 * (cancelled, terminated) or its worker dies. Found by review: they were never released unless
 * the task closed them, so the channel never disconnected and receivers waited for ever.
 */
import { afterAll, describe, expect, it } from "vitest";
import { ClosedError, RecvError, ThreadPool, WorkerExitError, channel } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import { rejectionOf as rejection } from "../unit-helpers.js";

const tasks = workerUrl("pool-tasks.mjs");
const pools: ThreadPool[] = [];
const newPool = (threads: number) => {
  const p = new ThreadPool({ threads });
  pools.push(p);
  return p;
};
afterAll(async () => {
  for (const p of pools) await p.terminate();
});

/** Drains `rx` until it disconnects (with a timeout, so a leak fails instead of hanging). */
async function drain(rx: ReturnType<typeof channel<number>>[1]): Promise<number[]> {
  const got: number[] = [];
  for (;;) {
    try {
      got.push(await rx.recvAsync({ timeout: 5000 }));
    } catch (e) {
      if (e instanceof RecvError) return got;
      throw e;
    }
  }
}

describe("channel ends in a pool task's arguments", () => {
  it("are closed when the task returns, throws or settles (run, runMany, in objects)", async () => {
    const pool = newPool(2);
    const [tx, rx] = channel<number>();
    expect(await pool.run(tasks, "sendSome", tx, 3)).toBe(3);
    expect(await pool.run(tasks, "sendLater", { tx }, 7)).toBe(7);
    await expect(pool.run(tasks, "fail", "boom")).rejects.toThrow("boom");
    expect(await pool.runMany(tasks, "sendSome", [[tx, 1], [tx, 2]])).toEqual([1, 2]);
    tx.close(); // ours was the last handle: the tasks' are all closed
    const got = await drain(rx);
    expect(got.slice(0, 4)).toEqual([0, 1, 2, 7]);
    expect(got.slice(4).sort()).toEqual([0, 0, 1]); // the two runMany calls may run at once
  });

  it("an end that is an Error's cause or an array's extra property is the task's too (closed when it ends)", async () => {
    // Found by review: the ends a task owns were looked for in arrays, plain objects, Maps and
    // Sets only; one carried as an Error's cause was shared but never closed.
    const pool = newPool(1);
    const [tx, rx] = channel<number>();
    expect(await pool.run(tasks, "sendOnCause", new Error("carrier", { cause: tx }), 5)).toBe(5);
    // And one in an array's extra property (the codec carries those; review regression).
    expect(await pool.run(tasks, "sendLater", Object.assign([0], { tx }), 6)).toBe(6);
    tx.close();
    expect(await drain(rx)).toEqual([5, 6]);
  });

  it("a task may return an end it was given: the result holds its own reference", async () => {
    const pool = newPool(1);
    const [tx, rx] = channel<number>();
    const back = await pool.run<typeof tx>(tasks, "giveBack", tx);
    tx.close();
    back.send(5);
    back.close();
    expect(await drain(rx)).toEqual([5]);
  });

  // Regression (found by a helper's port of Rust's mpsc tests, thirteenth session): an end the
  // task made and returned stayed open in the worker as well as in the caller's hands, so the
  // channel never disconnected after the caller closed what it got back. Ends in a result move.
  it("an end the task makes and returns moves to the caller (the worker's handle is closed)", async () => {
    const pool = newPool(1);
    const [tx, rx] = channel<number>();
    const back = await pool.run<{ tx: typeof tx }>(tasks, "giveClone", tx);
    tx.close();
    back.tx.send(4);
    back.tx.close();
    expect(await drain(rx)).toEqual([4]); // disconnected: no handle left open in the worker
  });

  it("a clone made in the task outlives it", async () => {
    const pool = newPool(1);
    const [tx, rx] = channel<number>();
    expect(await pool.run(tasks, "keepClone", tx)).toBe(true);
    tx.close();
    expect(await pool.run(tasks, "sendOnKept", 9)).toBe(true);
    expect(await drain(rx)).toEqual([9]);
  });

  it("a queued task cancelled by its signal never runs, and its ends are released", async () => {
    const pool = newPool(1);
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const started = new Int32Array(new SharedArrayBuffer(4));
    const hold = pool.run(tasks, "waitFlag", flag, started);
    while (Atomics.load(started, 0) === 0) await new Promise((r) => setTimeout(r, 1));
    const [tx, rx] = channel<number>();
    const ac = new AbortController();
    const queued = pool.runWith({ signal: ac.signal }, tasks, "sendSome", tx, 2);
    const queuedMany = pool.runMany(tasks, "sendSome", [[tx, 1]], { signal: ac.signal });
    tx.close();
    ac.abort(new Error("never mind"));
    await expect(queued).rejects.toThrow("never mind");
    await expect(queuedMany).rejects.toThrow("never mind");
    expect(await drain(rx)).toEqual([]); // disconnected: nothing sent, nothing held
    Atomics.store(flag, 0, 1);
    expect(await hold).toBe("released");
  });

  it("a task whose arguments cannot be sent takes no reference; one that is cancelled does not release a reference twice", async () => {
    const pool = newPool(1);
    const [tx, rx] = channel<number>();
    // @ts-expect-error: not Sendable, so also a compile error; this checks the run-time release
    await expect(pool.run(tasks, "sendSome", tx, () => 1)).rejects.toThrow(/function/);
    // A cancelled task's payload is dropped and its ends released — once: our own tx still works.
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const started = new Int32Array(new SharedArrayBuffer(4));
    const hold = pool.run(tasks, "waitFlag", flag, started);
    while (Atomics.load(started, 0) === 0) await new Promise((r) => setTimeout(r, 1));
    const ac = new AbortController();
    const queued = rejection(pool.runWith({ signal: ac.signal }, tasks, "sendSome", tx, 2));
    ac.abort(new Error("no"));
    expect(await queued).toBeInstanceOf(Error);
    // Our tx still counts: the release did not take its reference too (else rx would see disconnected).
    expect(() => rx.tryRecv()).toThrow(expect.objectContaining({ kind: "empty" }));
    tx.send(42);
    Atomics.store(flag, 0, 1);
    await hold;
    expect(tx.isClosed).toBe(false);
    tx.close();
    expect(await drain(rx)).toEqual([42]);
  });

  it("a task that never starts (its export is missing) has its ends released (review regression)", async () => {
    const pool = newPool(1);
    const [tx, rx] = channel<number>();
    await expect(pool.run(tasks, "noSuchExport", tx)).rejects.toThrow(/no exported function|noSuchExport/);
    tx.close();
    expect(await drain(rx)).toEqual([]);
  });

  it("runMany whose later chunk cannot be encoded releases the ends of the chunks before it (review regression)", async () => {
    const pool = newPool(1);
    const [tx, rx] = channel<number>();
    const argsList: unknown[][] = [[tx, 1], ...Array.from({ length: 40 }, (): unknown[] => [tx, 0]), [() => 1]];
    await expect(pool.runMany(tasks, "sendSome", argsList as any)).rejects.toThrow(/function/);
    tx.close();
    expect(await drain(rx)).toEqual([]);
  });

  it("a nested task still queued in a worker that dies has its ends released by the worker's successor (review regression)", async () => {
    const pool = newPool(1);
    const [tx, rx] = channel<number>();
    expect(await rejection(pool.run(tasks, "nestThenDie", tx, 4))).toBeInstanceOf(WorkerExitError);
    expect(await pool.run(tasks, "add", 1, 1)).toBe(2); // the replacement adopts the dead worker's port
    tx.close();
    expect(await drain(rx)).toEqual([]);
  });

  it("a task whose worker dies has its ends released for it", async () => {
    const pool = newPool(1);
    const [tx, rx] = channel<number>();
    const e = await rejection(pool.run(tasks, "sendThenExit", tx, 7));
    expect(e).toBeInstanceOf(WorkerExitError);
    tx.close();
    expect(await drain(rx)).toEqual([1]);
    expect(await pool.run(tasks, "add", 1, 2)).toBe(3); // replaced
  });

  it("terminate() releases the ends of queued and running tasks", async () => {
    const pool = newPool(1);
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const started = new Int32Array(new SharedArrayBuffer(4));
    const [tx, rx] = channel<number>();
    const running = pool.run(tasks, "waitFlag", flag, started, { tx } as any);
    while (Atomics.load(started, 0) === 0) await new Promise((r) => setTimeout(r, 1));
    const queued = rejection(pool.run(tasks, "sendSome", tx, 2));
    const runningError = rejection(running);
    tx.close();
    await pool.terminate();
    expect(await runningError).toBeInstanceOf(ClosedError);
    expect(await queued).toBeInstanceOf(ClosedError);
    expect(await drain(rx)).toEqual([]);
  });
});
