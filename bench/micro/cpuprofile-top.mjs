/**
 * Summarises V8 .cpuprofile files (from `node --cpu-prof`): self time per function, top N, per
 * file — enough to see where a worker's time goes without opening DevTools.
 *
 *   node bench/micro/cpuprofile-top.mjs [--top N] [--total] FILE.cpuprofile ...
 *
 *   --total   also print inclusive (self + callees) time per function
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";

const args = process.argv.slice(2);
let top = 25;
let inclusive = false;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--top") top = Number(args[++i]);
  else if (args[i] === "--total") inclusive = true;
  else files.push(args[i]);
}

for (const f of files) {
  const p = JSON.parse(readFileSync(f, "utf8"));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Sample counts → time: timeDeltas[i] is the time before sample i.
  const self = new Map();
  const dt = p.timeDeltas;
  for (let i = 0; i < p.samples.length; i++) {
    const d = dt[i + 1] ?? dt[i] ?? 0;
    self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + d);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const label = (n) => {
    const cf = n.callFrame;
    const file = cf.url ? basename(cf.url.replace(/^file:\/\//, "")) : "";
    return `${cf.functionName || "(anonymous)"}${file ? ` ${file}:${cf.lineNumber + 1}` : ""}`;
  };
  const selfBy = new Map();
  const inclBy = new Map();
  for (const [id, t] of self) {
    const n = byId.get(id);
    const k = label(n);
    selfBy.set(k, (selfBy.get(k) ?? 0) + t);
    // Inclusive: credit every distinct ancestor label once.
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(byId.get(cur));
      if (seen.has(l)) continue;
      seen.add(l);
      inclBy.set(l, (inclBy.get(l) ?? 0) + t);
    }
  }
  console.log(`\n== ${basename(f)}: ${(total / 1000).toFixed(0)} ms sampled`);
  const pct = (t) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
  for (const [k, t] of [...selfBy].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  self ${pct(t)}  ${k}`);
  if (inclusive) {
    console.log("  --");
    for (const [k, t] of [...inclBy].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  incl ${pct(t)}  ${k}`);
  }
}
