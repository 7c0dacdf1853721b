/**
 * A ThreadPool built to order (rayon's ThreadPoolBuilder::num_threads / stack_size): 3 workers
 * with 64 MiB stacks run a recursion 200 000 frames deep, which overflows a default worker stack.
 * Tasks are named by module + export; results come back as promises.
 *
 * Run: npm run build && node examples/pool-custom.mjs
 */
import { ThreadPool } from "weft";

const jobs = new URL("./workers/pool-jobs.mjs", import.meta.url);
const DEPTH = 200_000;

const deep = new ThreadPool({ threads: 3, stackSizeMb: 64, name: "deep-stack" });
const plain = new ThreadPool({ threads: 1 });
try {
  console.log(`pool "deep-stack": ${deep.threads} threads, 64 MiB stacks`);
  const sums = await Promise.all([DEPTH, DEPTH / 2, DEPTH / 4].map((d) => deep.run(jobs, "deepSum", d)));
  console.log(`deepSum(${DEPTH}) = ${sums[0]} (and ${sums[1]}, ${sums[2]}) on the big-stack pool`);

  let overflow = "";
  try {
    await plain.run(jobs, "deepSum", DEPTH);
  } catch (e) {
    overflow = `${e.name}: ${e.message}`;
  }
  console.log(`the same on a default pool: ${overflow || "no error?"}`);
  const stats = deep.stats();
  console.log(`tasks run: ${stats.tasksRun} over ${stats.workers.length} workers`);

  if (sums[0] !== (DEPTH * (DEPTH + 1)) / 2) throw new Error(`wrong sum ${sums[0]}`);
  if (!/call stack/i.test(overflow)) throw new Error("expected a stack overflow on the default pool");
  console.log("OK");
} finally {
  await Promise.all([deep.close(), plain.close()]);
}
