/**
 * Run as a plain Node script (not a worker module): starts one worker with the stack size given
 * (`pool` or `spawn`), prints what happened as one JSON line. A child process, because the bugs it
 * guards against aborted the whole process (exit code 6), which would take a test runner with it.
 *   node stack-probe.mjs pool|spawn <stackSizeMb>
 */
import { ThreadPool, spawnWith } from "../../dist/index.js";

const [how, mb] = process.argv.slice(2);
const stackSizeMb = Number(mb);
const tasks = new URL("./pool-tasks.mjs", import.meta.url);
try {
  if (how === "pool") {
    const pool = new ThreadPool({ threads: 1, stackSizeMb });
    const r = await pool.run(tasks, "add", 2, 3);
    await pool.close();
    console.log(JSON.stringify({ ok: r }));
  } else {
    const r = await spawnWith({ stackSizeMb }, new URL("./unit/spawned.mjs", import.meta.url), "args", 5).join();
    console.log(JSON.stringify({ ok: r }));
  }
} catch (e) {
  console.log(JSON.stringify({ error: e.name, message: e.message }));
}
