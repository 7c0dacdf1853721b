#!/usr/bin/env node
/**
 * weft's benchmark runner (DESIGN §10). `npm run bench` builds dist/ and runs this.
 *
 *   node bench/run.mjs [filter ...] [--json] [--runs N] [--quick] [--list] [--verbose] [--save FILE]
 *
 *   filter     run only cases whose "suite/case" contains one of the filters (case-insensitive),
 *              e.g. `mutex`, `sync/condvar`, `rwlock-read`
 *   --json     one JSON object per line on stdout: {"suite","case","impl","ops","ms","opsPerSec"}
 *              (ms = median wall time of one round, ops = operations in one round); progress on stderr
 *   --runs N   timed rounds per implementation (default: the case's, else 5; 2 warm-up rounds before)
 *   --quick    a tenth of the iterations and 3 runs: a smoke test, not a measurement
 *   --list     list the suites and cases and exit
 *   --verbose  also print every timed round's wall time (stderr)
 *   --save F   also write the JSON rows to file F (e.g. for bench/readme-table.mjs)
 *
 * Suites are the modules in bench/suites/ (format: bench/lib/harness.mjs); add a file there to add
 * a suite. Every case reports weft against baselines and peers measured in the same run, rounds
 * interleaved, so read the ratios: absolute figures move with whatever else runs on the machine.
 */
import { writeFileSync, appendFileSync } from "node:fs";
import { loadSuites, runCase, evaluateTarget, describeTarget, ratioText, nsPerOp, fmtNs, fmtRate } from "./lib/harness.mjs";

const args = process.argv.slice(2);
const opts = { json: false, runs: undefined, scale: 1, list: false, verbose: false, filters: [] };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--json") opts.json = true;
  else if (a === "--quick") {
    opts.scale = 0.1;
    opts.runs = 3;
  } else if (a === "--runs") opts.runs = Number(args[++i]);
  else if (a.startsWith("--runs=")) opts.runs = Number(a.slice(7));
  else if (a === "--list") opts.list = true;
  else if (a === "--verbose" || a === "-v") opts.verbose = true;
  else if (a === "--save") opts.save = args[++i];
  else if (a.startsWith("--save=")) opts.save = a.slice(7);
  else if (a === "--help" || a === "-h") {
    console.log("usage: node bench/run.mjs [filter ...] [--json] [--runs N] [--quick] [--list] [--verbose] [--save FILE]");
    process.exit(0);
  } else if (a.startsWith("--")) {
    console.error(`bench: unknown option ${a} (try --help)`);
    process.exit(2);
  } else opts.filters.push(a.toLowerCase());
}
if (opts.runs !== undefined && (!Number.isInteger(opts.runs) || opts.runs < 1)) {
  console.error("bench: --runs needs a positive integer");
  process.exit(2);
}

const matches = (suite, kase) =>
  opts.filters.length === 0 || opts.filters.some((f) => `${suite.suite}/${kase.name}`.toLowerCase().includes(f));

const suites = await loadSuites();
const selected = suites.flatMap((s) => s.cases.filter((c) => matches(s, c)).map((c) => [s, c]));

if (opts.list) {
  for (const [s, c] of selected) console.log(`${s.suite}/${c.name}  — ${c.desc}  [${c.impls.map((i) => i.impl).join(", ")}]`);
  process.exit(0);
}
if (selected.length === 0) {
  console.error(`bench: no case matches ${opts.filters.join(", ")} (see --list)`);
  process.exit(2);
}

if (opts.save) writeFileSync(opts.save, "");
const log = (s) => process.stderr.write(`${s}\n`);
const out = (s) => process.stdout.write(`${s}\n`);
const verdicts = [];
const failures = [];
const started = performance.now();

for (const [suite, kase] of selected) {
  log(`bench: ${suite.suite}/${kase.name} …`);
  const t0 = performance.now();
  let rows;
  try {
    rows = await runCase(suite, kase, {
      ...opts,
      onSamples: (impl, text) => log(`  ${impl}: rounds ${text} ms`),
      onProgress: process.stderr.isTTY && !opts.json ? (s) => process.stderr.write(`\r\x1b[K  ${s}`) : undefined,
    });
  } catch (e) {
    // Report and go on with the other cases; the run still fails at the end.
    failures.push(`${suite.suite}/${kase.name}`);
    log(`bench: ${suite.suite}/${kase.name} FAILED: ${e?.stack ?? e}`);
    continue;
  }
  if (process.stderr.isTTY && !opts.json) process.stderr.write("\r\x1b[K");
  const weft = rows.find((r) => r.impl === "weft");
  for (const t of kase.targets ?? []) {
    const other = rows.find((r) => r.impl === t.vs);
    const ratio = weft && other ? ratioText(weft, other) : "n/a";
    verdicts.push({ where: `${suite.suite}/${kase.name}`, ...evaluateTarget(t, weft, other), ratio });
  }
  if (opts.save) appendFileSync(opts.save, rows.map((r) => `${JSON.stringify(r)}\n`).join(""));
  if (opts.json) {
    for (const r of rows) out(JSON.stringify(r));
  } else {
    printCase(suite, kase, rows, weft);
    log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
}

if (!opts.json && verdicts.length > 0) {
  out("");
  out(`Targets (${verdicts.filter((v) => v.met).length} met, ${verdicts.filter((v) => v.met === false).length} missed):`);
  for (const v of verdicts) {
    const mark = v.met === undefined ? "?  not measured" : v.met ? "✓  met   " : "✗  MISSED";
    out(`  ${mark}  ${v.where}: weft ${v.text} — measured ${v.ratio}`);
  }
}
if (!opts.json) {
  out(`\nTotal ${((performance.now() - started) / 1000).toFixed(1)} s. Ratios are weft's time per op ÷ the other's (< 1: weft is faster).`);
}

function printCase(suite, kase, rows, weft) {
  out("");
  out(`${suite.suite}/${kase.name} — ${kase.desc}`);
  const header = ["impl", "ops/round", "median ms", "per op", "throughput", "weft ÷ impl (time)", "target"];
  const table = [header];
  for (const r of rows) {
    const t = (kase.targets ?? []).find((t) => t.vs === r.impl);
    let target = "";
    if (t) {
      const v = evaluateTarget(t, weft, r);
      target = `${describeTarget(t, true)} ${v.met === undefined ? "?" : v.met ? "✓ met" : "✗ MISSED"}`;
    }
    table.push([
      r.impl,
      r.ops.toLocaleString("en-US"),
      r.ms.toFixed(1),
      fmtNs(nsPerOp(r)),
      fmtRate(r.opsPerSec),
      r === weft || weft === undefined ? "" : ratioText(weft, r),
      target,
    ]);
  }
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const right = new Set([1, 2, 3, 4]);
  for (const row of table) {
    out("  " + row.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd());
  }
  for (const r of rows) if (r.note) out(`  note: ${r.impl}: ${r.note}`);
}
if (failures.length > 0) {
  log(`bench: ${failures.length} case(s) failed: ${failures.join(", ")}`);
  process.exitCode = 1;
}
