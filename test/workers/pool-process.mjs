/**
 * Run as its own process by test/pool/blocking.test.ts: whether a pool keeps Node alive.
 *   pending   a task is pending and nothing else is: the process must stay until it settles
 *   idle      a pool that has finished its work: the process must exit by itself
 *   global    the same with the global pool (spawnBlocking)
 */
import { ThreadPool, spawnBlocking } from "../../dist/index.js";

const tasks = new URL("./pool-tasks.mjs", import.meta.url);
const mode = process.argv[2];

if (mode === "pending") {
  const pool = new ThreadPool({ threads: 1 });
  pool.run(tasks, "later", 21, 300).then((v) => console.log(`result ${v}`));
} else if (mode === "idle") {
  const pool = new ThreadPool({ threads: 2 });
  console.log(`result ${await pool.run(tasks, "add", 40, 2)}`);
} else if (mode === "global") {
  spawnBlocking(tasks, "later", 5, 100).then((v) => console.log(`result ${v}`));
} else {
  throw new Error(`unknown mode ${mode}`);
}
