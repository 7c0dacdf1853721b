/**
 * spawnBlocking and the owner thread's event loop: CPU-bound work runs on the global pool while
 * the caller's timers keep firing; a pending task keeps a Node process alive, an idle pool does
 * not (each case runs as its own process).
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { globalPool, spawnBlocking } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";

const tasks = workerUrl("pool-tasks.mjs");
const script = fileURLToPath(workerUrl("pool-process.mjs"));

function run(mode: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, mode], { timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === "number" ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe("spawnBlocking", () => {
  it("runs the export on the global pool and resolves with its result", async () => {
    expect(await spawnBlocking<number>(tasks, "add", 20, 22)).toBe(42);
    expect(globalPool().stats().tasksRun).toBeGreaterThan(0);
    await expect(spawnBlocking(tasks, "fail", "from spawnBlocking")).rejects.toThrow(RangeError);
  });

  it("never blocks the caller's event loop: a timer keeps firing while a long task runs", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      const busy = await spawnBlocking<number>(tasks, "spin", 400);
      expect(busy).toBe(400);
    } finally {
      clearInterval(timer);
    }
    // 400 ms of work elsewhere; a blocked loop would have let the timer fire at most once.
    expect(ticks).toBeGreaterThanOrEqual(3);
  });
});

describe("keeping the process alive", () => {
  it("a pending task keeps Node alive until it settles", async () => {
    expect(await run("pending")).toEqual({ code: 0, stdout: "result 42\n", stderr: "" });
  });

  it("an idle pool does not keep Node alive (nor does the idle global pool)", async () => {
    expect(await run("idle")).toEqual({ code: 0, stdout: "result 42\n", stderr: "" });
    expect(await run("global")).toEqual({ code: 0, stdout: "result 10\n", stderr: "" });
  });
});
