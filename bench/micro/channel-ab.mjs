/**
 * A/B of weft builds on one channel case, through the benchmark harness (rounds interleaved, so
 * the ratios hold on a noisy machine). Behind the channel profiling notes: build a variant of src/
 * into its own directory, then compare it with the base build and the suite's baselines.
 *
 *   npx tsup --out-dir /tmp/dist-base --no-dts            # the base build
 *   (edit src/) && npx tsup --out-dir /tmp/dist-x --no-dts  # a variant
 *   node bench/micro/channel-ab.mjs bounded-f64-1p1c base=/tmp/dist-base x=/tmp/dist-x [--runs 7] [--items N] [--with spsc-baseline,postMessage] [--capacity N]
 *   node bench/micro/channel-ab.mjs --suite move move-64k base=… x=… [--impl weft-copy] [--with postMessage]
 *
 * The case is one of bench/suites/channel.mjs's; each NAME=DIR adds a `weft` implementation named
 * `weft:NAME` loading that build (its channel is made with the same build). `--with` adds the
 * case's other implementations by name. The first build is the reference of the ratio column.
 */
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { runCase, fmtNs, nsPerOp, sig } from "../lib/harness.mjs";

const args = process.argv.slice(2);
const opts = { runs: 7, scale: 1, items: undefined, with: [], suite: "channel", impl: "weft" };
const builds = [];
let caseName;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--runs") opts.runs = Number(args[++i]);
  else if (a === "--items") opts.items = Number(args[++i]);
  else if (a === "--with") opts.with = args[++i].split(",");
  else if (a === "--capacity") opts.capacity = Number(args[++i]);
  else if (a === "--suite") opts.suite = args[++i];
  else if (a === "--impl") opts.impl = args[++i];
  else if (a.includes("=")) {
    const [name, dir] = a.split("=");
    builds.push({ name, url: pathToFileURL(`${resolve(dir)}/index.js`).href });
  } else caseName = a;
}
// The channel suite by default; `--suite move` for the move suite's cases (`--impl weft-copy` for
// its copying kind), whose weft kinds also load the build named by `shared.dist`.
const { default: suite } = await import(`../suites/${opts.suite}.mjs`);
const kase = suite.cases.find((c) => c.name === caseName);
if (!kase || builds.length === 0) {
  console.error(`usage: channel-ab.mjs CASE NAME=DIR ... (cases: ${suite.cases.map((c) => c.name).join(", ")})`);
  process.exit(2);
}
const weftSpec = kase.impls.find((i) => i.impl === opts.impl);
const impls = [];
for (const b of builds) {
  const mod = await import(b.url);
  impls.push({
    ...weftSpec,
    impl: `weft:${b.name}`,
    kind: weftSpec.kind,
    iters: opts.items ?? weftSpec.iters,
    // The suite's weft `shared` makes the channel with dist/: make it with this build instead.
    shared: () => {
      if (opts.suite === "move") {
        const [tx, rx] = mod.channel({ capacity: opts.capacity ?? 64 });
        return { ...weftSpec.shared(), tx: mod.share(tx), rx: mod.share(rx), dist: b.url };
      }
      const [tx, rx] = mod.channel(channelOpts(kase.name, mod));
      const consumers = kase.name === "mpmc-2p2c" ? 2 : 1;
      return { tx: mod.share(tx), rx: mod.share(rx), dist: b.url, result: new SharedArrayBuffer(32 * consumers) };
    },
  });
}
for (const w of opts.with) {
  const spec = kase.impls.find((i) => i.impl === w);
  if (!spec) throw new Error(`case ${kase.name} has no impl ${w}`);
  impls.push({ ...spec, iters: opts.items && spec.iters === weftSpec.iters ? opts.items : spec.iters });
}

function channelOpts(name, mod) {
  const c = mod.codecs;
  if (opts.capacity !== undefined) return { capacity: opts.capacity, codec: name === "structured-small-objects" ? undefined : c.f64 };
  switch (name) {
    case "structured-small-objects":
      return { capacity: 1024 };
    case "unbounded-f64":
      return { codec: c.f64 };
    case "rendezvous-f64":
      return { capacity: 0, codec: c.f64 };
    default:
      return { capacity: 1024, codec: c.f64 };
  }
}

const rows = await runCase(suite, { ...kase, impls }, {
  runs: opts.runs,
  scale: 1,
  verbose: true,
  onSamples: (impl, text) => console.error(`  ${impl}: ${text} ms`),
});
const ref = rows[0];
console.log(`${kase.name}: ${opts.runs} rounds each, interleaved`);
for (const r of rows) {
  const t = ref.opsPerSec / r.opsPerSec; // r's time per message ÷ the reference's
  console.log(`  ${r.impl.padEnd(24)} ${fmtNs(nsPerOp(r)).padStart(10)}/msg  ${r === ref ? "(reference)" : `time ÷ ${ref.impl}: ${sig(t)}×`}`);
}
