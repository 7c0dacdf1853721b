/**
 * The benchmark harness: runs one case of a suite across its implementations, in real workers,
 * with start-up excluded and rounds interleaved between implementations.
 *
 * A suite is a module in bench/suites/ whose default export is
 *
 *   {
 *     suite: "sync",                                   // JSON "suite"
 *     worker: new URL("../workers/sync.mjs", import.meta.url), // worker-side module (see below)
 *     cases: [{
 *       name: "mutex-contended",                       // JSON "case" (stable: README and filters use it)
 *       desc: "2 workers × 1M lock / increment / unlock",
 *       threads: 2,                                    // workers per implementation (default 1)
 *       runs: 7, warmup: 2,                            // timed / discarded rounds (defaults 5 / 2)
 *       targets: [{ vs: "futex-baseline", within: 1.2 },   // weft time/op ≤ 1.2 × baseline's
 *                 { vs: "multithreading", faster: 50 }],   // weft ops/s ≥ 50 × peer's
 *       impls: [{
 *         impl: "weft",                                // JSON "impl"
 *         kind: "mutex-contended/weft",                // key into the worker module's `kinds`
 *         iters: 1_000_000,                            // per worker per round (scaled by --quick)
 *         ops: (iters, threads) => iters * threads,    // ops per round (default iters × threads)
 *         threads: 2,                                  // overrides the case's
 *         shared: () => ({ ... }),                     // made once on the main thread, sent to every worker
 *         perWorker: (threads) => [{ value, transfer }], // optional: one worker's own data (e.g. a MessagePort)
 *         reset: (shared) => {},                       // before each round (workers are parked)
 *         check: (shared, iters, threads) => null,     // after each round: an error string or null
 *         note: (shared, iters, threads) => "…",       // optional, after each round (warm-up included): a remark;
 *                                                      // the last round's is printed under the case's table and
 *                                                      // put in the JSON row as "note" (e.g. a peer's wrong
 *                                                      // results, which must not fail the run: keep a tally in
 *                                                      // `shared` to report every round's)
 *       }],
 *     }],
 *   }
 *
 * The worker-side module exports `kinds: { [kind]: async (ctx) => round }`, where
 * ctx = { shared, local, iters, index, threads } and `round()` (sync or async) performs one timed round.
 * Everything a kind does before returning `round` (imports, reviving primitives, JIT warm-up) is
 * outside the timing.
 *
 * Protocol (one control Int32Array per implementation): each worker sets up, then per round bumps
 * READY and parks until GO reaches that round; the main thread waits (off the clock) until all
 * workers are READY, resets shared state, reads the clock, publishes GO, blocks in Atomics.wait
 * until all have bumped DONE, and reads the clock again. The first rounds (`warmup`) are discarded;
 * each implementation's result is the median of the timed rounds. Rounds of the different
 * implementations of a case alternate (A B C A B C …), so a burst of load from elsewhere on the
 * machine hits all of them alike — the ratios are what to read, not the absolute figures.
 */
import { readdirSync } from "node:fs";
import { Worker } from "node:worker_threads";

export const READY = 0, GO = 1, DONE = 2, ERR = 3, CTRL_WORDS = 4;
export const STOP = -1;
const RUNNER = new URL("./worker-runner.mjs", import.meta.url);

/** Timed rounds per implementation, unless the case or --runs says otherwise. */
export const DEFAULT_RUNS = 5;
/** Untimed rounds first (JIT tiers, background compilation and GC settle). */
export const DEFAULT_WARMUP = 2;

/** Longest a single round may take before the harness gives up on it. */
const ROUND_TIMEOUT_MS = 120_000;

/** Loads every suite module in bench/suites/, in file-name order. */
export async function loadSuites() {
  const dir = new URL("../suites/", import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith(".mjs")).sort();
  const suites = [];
  for (const f of files) suites.push((await import(new URL(f, dir))).default);
  return suites;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Median of a list of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

class Group {
  constructor(suite, kase, spec, opts) {
    this.suite = suite;
    this.case = kase;
    this.spec = spec;
    this.impl = spec.impl;
    this.threads = spec.threads ?? kase.threads ?? 1;
    this.iters = Math.max(1, Math.round(spec.iters * opts.scale));
    this.ops = spec.ops ? spec.ops(this.iters, this.threads) : this.iters * this.threads;
    this.ctrl = new Int32Array(new SharedArrayBuffer(CTRL_WORDS * 4));
    this.shared = spec.shared ? spec.shared() : {};
    this.samples = [];
    this.errors = [];
    this.notes = [];
    this.workers = [];
    this.round = 0;
  }

  start() {
    const locals = this.spec.perWorker?.(this.threads) ?? [];
    for (let index = 0; index < this.threads; index++) {
      const local = locals[index] ?? { value: undefined, transfer: [] };
      const w = new Worker(RUNNER, {
        workerData: {
          module: this.suite.worker.href,
          kind: this.spec.kind,
          shared: this.shared,
          local: local.value,
          iters: this.iters,
          index,
          threads: this.threads,
          ctrl: this.ctrl,
        },
        transferList: local.transfer,
        name: `${this.case.name}/${this.impl}#${index}`,
      });
      w.on("message", (m) => {
        if (m?.error) this.errors.push(m.error);
      });
      w.on("error", (e) => this.errors.push(String(e?.stack ?? e)));
      this.workers.push(w);
    }
  }

  failed() {
    return Atomics.load(this.ctrl, ERR) !== 0 || this.errors.length > 0;
  }

  async raise(what) {
    // Error messages are delivered through the event loop: give them a moment to arrive.
    for (let i = 0; i < 20 && this.errors.length === 0; i++) await sleep(25);
    const detail = this.errors.length ? this.errors.join("\n") : "no error message arrived";
    throw new Error(`${this.suite.suite}/${this.case.name}/${this.impl}: ${what}\n${detail}`);
  }

  /** Waits, without blocking the event loop, until every worker is parked before round `r`. */
  async waitReady(r) {
    const want = this.threads * r;
    const t0 = performance.now();
    for (;;) {
      const v = Atomics.load(this.ctrl, READY);
      if (v >= want) return;
      if (this.failed()) return this.raise(`failed before round ${r}`);
      if (performance.now() - t0 > ROUND_TIMEOUT_MS) return this.raise(`workers not ready for round ${r}`);
      const res = Atomics.waitAsync(this.ctrl, READY, v, 50);
      if (res.async) await res.value;
    }
  }

  /** One round: returns the wall time in ms from GO to the last worker's DONE. */
  async runRound() {
    const r = ++this.round;
    await this.waitReady(r);
    this.spec.reset?.(this.shared);
    const want = this.threads * r;
    const t0 = performance.now();
    Atomics.store(this.ctrl, GO, r);
    Atomics.notify(this.ctrl, GO);
    // Block (this is the main thread of a benchmark: nothing else to do) so the end is seen promptly.
    for (;;) {
      const v = Atomics.load(this.ctrl, DONE);
      if (v >= want) break;
      if (Atomics.load(this.ctrl, ERR) !== 0) break;
      if (performance.now() - t0 > ROUND_TIMEOUT_MS) return this.raise(`round ${r} did not finish in ${ROUND_TIMEOUT_MS} ms`);
      Atomics.wait(this.ctrl, DONE, v, 100);
    }
    const ms = performance.now() - t0;
    if (this.failed()) return this.raise(`failed in round ${r}`);
    const bad = this.spec.check?.(this.shared, this.iters, this.threads);
    if (bad) throw new Error(`${this.suite.suite}/${this.case.name}/${this.impl}: wrong result in round ${r}: ${bad}`);
    const note = this.spec.note?.(this.shared, this.iters, this.threads);
    if (note) this.notes.push(note);
    return ms;
  }

  async stop() {
    Atomics.store(this.ctrl, GO, STOP);
    Atomics.notify(this.ctrl, GO);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  result() {
    const ms = median(this.samples);
    const row = {
      suite: this.suite.suite,
      case: this.case.name,
      impl: this.impl,
      ops: this.ops,
      ms: round3(ms),
      opsPerSec: Math.round((this.ops / ms) * 1000),
    };
    if (this.notes.length > 0) row.note = this.notes.at(-1);
    return row;
  }

  /** The timed rounds' wall times, in ms (for --verbose). */
  sampleText() {
    return this.samples.map((x) => x.toFixed(1)).join(" ");
  }
}

const round3 = (x) => Math.round(x * 1000) / 1000;

/**
 * Runs one case: starts every implementation's workers, runs the warm-up rounds, then the timed
 * rounds, interleaved across implementations. Resolves with one result row per impl.
 * `onProgress(text)` is told what is happening (for stderr).
 */
export async function runCase(suite, kase, opts) {
  const impls = kase.impls.filter((s) => opts.implFilter === undefined || opts.implFilter(s.impl));
  const groups = impls.map((spec) => new Group(suite, kase, spec, opts));
  try {
    // Start one implementation's workers at a time, so start-ups do not slow each other down.
    for (const g of groups) {
      g.start();
      await g.waitReady(1);
    }
    const warmup = kase.warmup ?? DEFAULT_WARMUP;
    const runs = opts.runs ?? kase.runs ?? DEFAULT_RUNS;
    for (let i = 0; i < warmup; i++) for (const g of groups) await g.runRound(); // discarded
    for (let i = 0; i < runs; i++) {
      for (const g of groups) {
        g.samples.push(await g.runRound());
        opts.onProgress?.(`${suite.suite}/${kase.name}: ${g.impl} run ${i + 1}/${runs} ${g.samples.at(-1).toFixed(1)} ms`);
      }
    }
  } finally {
    await Promise.all(groups.map((g) => g.stop()));
  }
  if (opts.verbose) for (const g of groups) opts.onSamples?.(g.impl, g.sampleText());
  return groups.map((g) => g.result());
}

// -----------------------------------------------------------------------------------------------
// Ratios and targets.

/** ns per op of a result row. */
export const nsPerOp = (row) => 1e9 / row.opsPerSec;

/**
 * Compares weft to another implementation: `time` = weft's time per op ÷ theirs (below 1: weft
 * is faster), `speedup` = its inverse.
 */
export function compare(weft, other) {
  const time = other.opsPerSec / weft.opsPerSec;
  return { time, speedup: 1 / time };
}

/** Evaluates a target `{ vs, within }` or `{ vs, faster }` against result rows. */
export function evaluateTarget(target, weft, other) {
  if (weft === undefined || other === undefined) return { text: describeTarget(target), met: undefined };
  const { time, speedup } = compare(weft, other);
  const met = target.within !== undefined ? time <= target.within : speedup >= target.faster;
  return { text: describeTarget(target), met };
}

export function describeTarget(t, short = false) {
  if (short) return t.within !== undefined ? `≤ ${t.within}×` : `≥ ${t.faster}× faster`;
  return t.within !== undefined ? `≤ ${t.within}× ${t.vs}'s time per op` : `≥ ${t.faster}× faster than ${t.vs}`;
}

/** Ratio text, time-based: "1.07×", or "0.0159× (weft 62.9× faster)" when weft is faster. */
export function ratioText(weft, other) {
  const { time, speedup } = compare(weft, other);
  return speedup >= 1 ? `${sig(time)}× (weft ${sig(speedup)}× faster)` : `${sig(time)}×`;
}

/** Three significant digits, no exponent. */
export const sig = (v) => (v >= 100 ? v.toFixed(0) : String(Number(v.toPrecision(3))));

/** Human number formatting. */
export function fmtNs(ns) {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(1)} ns`;
}

export function fmtRate(opsPerSec) {
  if (opsPerSec >= 1e6) return `${(opsPerSec / 1e6).toFixed(2)} M/s`;
  if (opsPerSec >= 1e3) return `${(opsPerSec / 1e3).toFixed(1)} k/s`;
  return `${opsPerSec.toFixed(0)} /s`;
}
