/**
 * A/B of weft builds on the pool's hot paths, rounds interleaved (the machine is shared and noisy:
 * read the ratios). Build a variant of src/ into its own directory, then:
 *
 *   npx tsup --out-dir /tmp/dist-base --no-dts       # the base build
 *   (edit src/) && npx tsup --out-dir /tmp/dist-x --no-dts
 *   node bench/micro/pool-ab.mjs base=/tmp/dist-base x=/tmp/dist-x [--case run|many|nested] [--rounds 9] [--threads 2]
 *
 * Cases: `run` 100k run() calls submitted then awaited; `many` one runMany of 1M; `nested` one
 * task that submits 20k nested tasks from inside the pool.
 */
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

const args = process.argv.slice(2);
let kase = "run", rounds = 9, threads = 2;
const builds = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--case") kase = args[++i];
  else if (a === "--rounds") rounds = Number(args[++i]);
  else if (a === "--threads") threads = Number(args[++i]);
  else if (a.includes("=")) {
    const [name, dir] = a.split("=");
    builds.push({ name, url: pathToFileURL(`${resolve(dir)}/index.js`).href });
  }
}
if (builds.length === 0) {
  console.error("usage: pool-ab.mjs NAME=DIR ... [--case run|many|nested] [--rounds N] [--threads N]");
  process.exit(2);
}
const TASKS = new URL("../workers/pool-tasks.mjs", import.meta.url);
const ops = { run: 100_000, many: 1_000_000, nested: 20_000 }[kase];
const argsList = Array.from({ length: ops }, (_, i) => [i]);

const round = {
  async run(pool) {
    const ps = new Array(ops);
    for (let i = 0; i < ops; i++) ps[i] = pool.run(TASKS, "inc", i);
    await Promise.all(ps);
  },
  many: (pool) => pool.runMany(TASKS, "inc", argsList),
  nested: (pool) => pool.run(TASKS, "fanOut", ops),
}[kase];

for (const b of builds) {
  const { ThreadPool } = await import(b.url);
  b.pool = new ThreadPool({ threads });
  b.samples = [];
  await round(b.pool); // warm-up
}
for (let r = 0; r < rounds; r++) {
  for (const b of builds) {
    const t = performance.now();
    await round(b.pool);
    b.samples.push(performance.now() - t);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const ref = median(builds[0].samples);
for (const b of builds) {
  const m = median(b.samples);
  console.log(`${b.name.padEnd(10)} ${kase} median ${m.toFixed(1)} ms  ${((ops / m) * 1000 / 1e3).toFixed(0)} k tasks/s  ×${(m / ref).toFixed(3)} of ${builds[0].name}  [${b.samples.map((x) => x.toFixed(0)).join(" ")}]`);
  await b.pool.close();
}
