#!/usr/bin/env node
/**
 * Turns `npm run bench -- --json` output into the README's performance table (markdown).
 *
 *   npm run -s bench -- --json > bench.jsonl && node bench/readme-table.mjs bench.jsonl
 *   npm run -s bench -- --json | node bench/readme-table.mjs
 *
 * Lines that are not JSON result rows (build output, npm's banner) are skipped. Case descriptions
 * and targets come from the suite definitions in bench/suites/. One table row per comparison:
 * weft against each baseline or peer measured in the same run.
 */
import { readFileSync } from "node:fs";
import { loadSuites, compare, describeTarget, evaluateTarget, fmtNs, nsPerOp, sig } from "./lib/harness.mjs";

const files = process.argv.slice(2);
const text = files.length ? files.map((f) => readFileSync(f, "utf8")).join("\n") : readFileSync(0, "utf8");

const rows = [];
for (const line of text.split("\n")) {
  const t = line.trim();
  if (!t.startsWith("{")) continue;
  try {
    const r = JSON.parse(t);
    if (typeof r.suite === "string" && typeof r.case === "string" && typeof r.impl === "string" && r.opsPerSec > 0) rows.push(r);
  } catch {
    // not a result row
  }
}
if (rows.length === 0) {
  console.error("readme-table: no result rows found (expected the output of `npm run bench -- --json`)");
  process.exit(1);
}

let suites = [];
try {
  suites = await loadSuites();
} catch (e) {
  console.error(`readme-table: could not load the suite definitions (targets left out): ${e.message}`);
}
const caseDef = (suite, name) => suites.find((s) => s.suite === suite)?.cases.find((c) => c.name === name);

// Group by suite/case, keeping the order of the input.
const groups = new Map();
for (const r of rows) {
  const k = `${r.suite}\u0000${r.case}`;
  if (!groups.has(k)) groups.set(k, []);
  groups.get(k).push(r);
}

const rate = (ops) =>
  ops >= 1e6 ? `${(ops / 1e6).toFixed(1)} M ops/s` : ops >= 1e3 ? `${(ops / 1e3).toFixed(1)} k ops/s` : `${ops.toFixed(0)} ops/s`;

const out = [];
out.push("| Suite | Case | weft | Baseline / peer | weft ÷ it (time per op) | Target |");
out.push("|---|---|---|---|---|---|");
const legend = [];
for (const group of groups.values()) {
  const { suite, case: name } = group[0];
  const def = caseDef(suite, name);
  if (def?.desc) legend.push(`- **${suite}/${name}**: ${def.desc}`);
  const weft = group.find((r) => r.impl === "weft");
  const others = group.filter((r) => r !== weft);
  const weftCell = weft ? `${fmtNs(nsPerOp(weft))}/op (${rate(weft.opsPerSec)})` : "—";
  if (others.length === 0) out.push(`| ${suite} | ${name} | ${weftCell} | — | — | — |`);
  others.forEach((o, i) => {
    let ratio = "—";
    if (weft) {
      const { time, speedup } = compare(weft, o);
      ratio = speedup >= 1 ? `${sig(time)}× (weft ${sig(speedup)}× faster)` : `${sig(time)}×`;
    }
    const t = def?.targets?.find((t) => t.vs === o.impl);
    let target = "—";
    if (t) {
      const v = evaluateTarget(t, weft, o);
      target = `${describeTarget(t, true)} ${v.met === undefined ? "?" : v.met ? "✅" : "❌"}`;
    }
    const first = i === 0;
    out.push(
      `| ${first ? suite : ""} | ${first ? name : ""} | ${first ? weftCell : ""} | \`${o.impl}\` ${fmtNs(nsPerOp(o))}/op | ${ratio} | ${target} |`,
    );
  });
}
console.log(out.join("\n"));
if (legend.length) console.log(`\n${legend.join("\n")}`);
console.log(
  "\nMedians of interleaved rounds, all implementations measured in the same run (`npm run bench`); " +
    "a ratio below 1 means weft takes less time per operation.",
);
