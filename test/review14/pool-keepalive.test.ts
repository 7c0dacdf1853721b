/**
 * Part 3: while only abandoned tasks (aborted while running) are pending, the collector's wait
 * holds no keep-alive — but a caller may still await something of the pool meanwhile: a task
 * submitted after that wait began, or `close()` (which waits for the running task to end).
 */
import { describe, expect, it } from "vitest";
import { dist, poolTasks, runScript } from "./util.js";

const header = `
import * as w from "${dist}";
const tasks = ${JSON.stringify(poolTasks)};
const pool = new w.ThreadPool({ threads: 2 });
const flag = new Int32Array(new SharedArrayBuffer(4));
const started = new Int32Array(new SharedArrayBuffer(4));
const ac = new AbortController();
const stuck = pool.runWith({ signal: ac.signal }, tasks, "waitFlag", flag, started);
while (Atomics.load(started, 0) === 0) await new Promise((r) => setTimeout(r, 5));
ac.abort(new Error("cancelled"));
console.log("aborted:", await stuck.catch((e) => e.message));
// Let the collector's current (keep-alive) wait run out: its next one holds none.
await new Promise((r) => setTimeout(r, 1300));
`;

describe("review14: pool keep-alive with only abandoned tasks pending", () => {
  it("a task submitted while the collector waits without keep-alive: the process stays alive until it settles", async () => {
    const r = await runScript("pool-new-task.mjs", header + `
const v = await pool.run(tasks, "later", 21, 400);
console.log("got", v);
Atomics.store(flag, 0, 1); Atomics.notify(flag, 0);
await pool.close();
console.log("closed");
`);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("aborted: cancelled");
    expect(r.stdout, "the process exited while `await pool.run(...)` was pending").toContain("got 42");
  });

  it("await pool.close() with an abandoned task still running: the process stays alive until close() resolves", async () => {
    const r = await runScript("pool-close.mjs", header + `
setTimeout(() => { Atomics.store(flag, 0, 1); Atomics.notify(flag, 0); }, 400).unref();
// The task ends in 400 ms (an unref'd timer of ours frees it, as a task that ends by itself).
const t0 = Date.now();
await pool.close();
console.log("closed after", Date.now() - t0 < 5000 ? "a while" : "too long");
`);
    expect(r.stderr).toBe("");
    expect(r.stdout, "the process exited while `await pool.close()` was pending").toContain("closed after a while");
  });
});
