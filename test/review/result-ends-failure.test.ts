/**
 * review13 #3: ends in a result "move" to the joiner only when the result gets there. On the
 * failure paths the worker reports an error and a reference stays behind, so the channel never
 * disconnects:
 *  (a) src/thread/worker-entry.ts: share(result) succeeds (a class instance with a function field
 *      passes share, which leaves class instances to structured clone), the result's ends are
 *      closed, then port.postMessage throws DataCloneError: the catch reports the error, and the
 *      wire's reference of each end (taken by share) is never released — nobody revives it.
 *      Before the change this case was a ClosedError with no leak (the end was closed before share).
 *  (b) worker-entry.ts: share(result) throws (a function in it): share gives back what it took,
 *      but an end the function made and returned (`tx.clone()`) is never closed.
 *  (c) src/pool/worker.ts succeed: the result's encoding fails → fail(…, ending): the argument
 *      ends are closed, an end the task made and returned is not.
 *
 * A helper's review of the thirteenth session's changes; fixed: the worker closes its handles of
 * the result's ends whether or not the result could be shared or encoded, and gives back the wire's
 * references when postMessage refuses it.
 */
import { afterAll, describe, expect, it } from "vitest";
import { RecvError, ThreadPool, TimeoutError, channel, spawn } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";

const evalUrl = workerUrl("acc2-eval.mjs");
const tasks = workerUrl("review13-tasks.mjs");

async function disconnectedWithin(rx: { recvAsync(o: any): Promise<unknown> }, ms: number): Promise<string> {
  try {
    await rx.recvAsync({ timeout: ms });
    return "message";
  } catch (e) {
    if (e instanceof RecvError) return "disconnected";
    if (e instanceof TimeoutError) return "still connected (leaked reference)";
    throw e;
  }
}

const pools: ThreadPool[] = [];
afterAll(async () => {
  for (const p of pools) await p.terminate();
});

describe("review13: channel ends in a result that cannot be sent back", () => {
  it("(a) spawn: postMessage refuses the shared result: the error is reported and the end is released", async () => {
    const [tx, rx] = channel<number>();
    const h = spawn(evalUrl, `(weft, [tx]) => {
      class Holder { constructor() { this.f = () => 1; } }
      return [tx, new Holder()];
    }`, [tx]);
    tx.close();
    let err: any;
    await h.join().then(() => {}, (e) => (err = e));
    console.log("(a) join rejected with:", err?.name, err?.message);
    expect(err).toBeDefined();
    expect(await disconnectedWithin(rx, 1500)).toBe("disconnected");
  });

  it("(b) spawn: share(result) throws: the end the function made is closed", async () => {
    const [tx, rx] = channel<number>();
    const h = spawn(evalUrl, `(weft, [tx]) => ({ tx: tx.clone(), f: () => 1 })`, [tx]);
    tx.close();
    let err: any;
    await h.join().then(() => {}, (e) => (err = e));
    console.log("(b) join rejected with:", err?.name, err?.message);
    expect(err?.name).toBe("DataCloneError");
    expect(await disconnectedWithin(rx, 1500)).toBe("disconnected");
  });

  it("(c) pool: the result cannot be encoded: the end the task made is closed", async () => {
    const pool = new ThreadPool({ threads: 1 });
    pools.push(pool);
    const [tx, rx] = channel<number>();
    let err: any;
    await pool.run(tasks, "cloneAndFunction", tx).then(() => {}, (e) => (err = e));
    tx.close();
    console.log("(c) run rejected with:", err?.name, err?.message);
    expect(err?.name).toBe("DataCloneError");
    expect(await disconnectedWithin(rx, 1500)).toBe("disconnected");
  });
});
