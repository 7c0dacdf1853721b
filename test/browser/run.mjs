#!/usr/bin/env node
/**
 * Browser tests: runs test/browser/pages in headless Chromium with real Web Workers, over the built
 * library (dist/), and prints one line per case.
 *
 *   node test/browser/run.mjs [filter] [--seed N]   (npm run test:browser builds dist/ first)
 *
 * A static server on 127.0.0.1 serves dist/, the test pages and examples/browser with
 * `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp` (so the
 * pages are cross-origin isolated and have SharedArrayBuffer), and under a strict
 * Content-Security-Policy (no eval, no blob: workers); paths under /plain/ are served without them
 * (the non-isolated page). The pages POST each case's result back here. Chromium is
 * the system's (`apt-get install chromium`; WEFT_CHROMIUM=/path overrides the search): nothing is
 * downloaded. Chromium is always killed at the end, and the whole run is bounded by
 * WEFT_BROWSER_TIMEOUT_MS (default 60 s).
 *
 * Exit code: 0 if every case passed, 1 if one failed or the run did not finish, 2 if no Chromium.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { delimiter, extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const TIMEOUT_MS = Number(process.env.WEFT_BROWSER_TIMEOUT_MS ?? 60_000);

/** The Chromium binary to use, or null: $WEFT_CHROMIUM, else the usual names on $PATH. */
export function findChromium() {
  const fromEnv = process.env.WEFT_CHROMIUM;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    for (const name of ["chromium", "chromium-browser", "google-chrome-stable", "google-chrome"]) {
      const p = join(dir, name);
      if (existsSync(p) && statSync(p).isFile()) return p;
    }
  }
  return null;
}

// What the server may hand out: nothing outside these folders.
const served = ["dist", "test/browser/pages", "examples/browser"].map((d) => resolve(root, d) + sep);
const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript", ".map": "application/json" };
const isolation = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  // A strict policy (no eval, no inline or blob: scripts or workers): weft must not need any of them.
  "Content-Security-Policy": "script-src 'self'; worker-src 'self'",
};

function serveFile(req, res) {
  const url = new URL(req.url, "http://localhost");
  const plain = url.pathname.startsWith("/plain/");
  const file = resolve(root, "." + decodeURIComponent(plain ? url.pathname.slice("/plain".length) : url.pathname));
  if (!served.some((dir) => file.startsWith(dir)) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404).end("not found");
    return;
  }
  res.writeHead(200, {
    "Content-Type": types[extname(file)] ?? "application/octet-stream",
    "Cache-Control": "no-store",
    ...(plain ? {} : isolation),
  });
  res.end(readFileSync(file));
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d) => (body += d));
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}

/**
 * Runs the suite once. Resolves { passed, failed, results, finished, log }; `onResult` sees each
 * case as it arrives.
 */
export async function runBrowserSuite({ chromium, filter = "", seed = "", onResult = () => {} } = {}) {
  const results = [];
  let planned = null;
  let finish;
  const finished = new Promise((r) => (finish = r));

  const server = createServer(async (req, res) => {
    try {
      if (req.method === "POST") {
        const msg = JSON.parse((await readBody(req)) || "{}");
        const path = new URL(req.url, "http://localhost").pathname;
        if (path === "/plan") planned = (planned ?? []).concat(msg.names);
        else if (path === "/result") {
          results.push(msg);
          onResult(msg);
        } else if (path === "/done") finish("done");
        res.writeHead(204).end();
        return;
      }
      serveFile(req, res);
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address();
  const profile = mkdtempSync(join(tmpdir(), "weft-chromium-"));
  const start = `http://127.0.0.1:${port}/test/browser/pages/index.html?filter=${encodeURIComponent(filter)}&seed=${encodeURIComponent(seed)}`;
  const args = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", `--user-data-dir=${profile}`,
    "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
    "--disable-background-networking", "--disable-component-update", "--mute-audio",
    // Timers in a headless page must not be throttled: the cases time their own waits.
    "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
    start,
  ];
  // Its own process group, so the browser and every child it started are killed together —
  // also when this runner is stopped (a test timeout sends SIGTERM).
  const browser = spawn(chromium, args, { detached: true, stdio: ["ignore", "ignore", "pipe"] });
  const killBrowser = () => {
    try {
      process.kill(-browser.pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  const onSignal = () => {
    killBrowser();
    process.exit(1);
  };
  process.once("SIGTERM", onSignal).once("SIGINT", onSignal);
  let log = "";
  browser.stderr.on("data", (d) => (log = (log + d).slice(-20_000)));
  browser.on("error", (e) => finish(`could not start ${chromium}: ${e.message}`));
  browser.on("exit", (code, sig) => finish(`Chromium exited (code ${code}, signal ${sig}) before the pages finished`));
  const timer = setTimeout(() => finish(`timed out after ${TIMEOUT_MS} ms`), TIMEOUT_MS);
  const outcome = await finished;
  clearTimeout(timer);
  killBrowser();
  process.off("SIGTERM", onSignal).off("SIGINT", onSignal);
  await new Promise((r) => (browser.exitCode !== null || browser.signalCode !== null ? r() : browser.once("exit", r)));
  server.closeAllConnections?.();
  await new Promise((r) => server.close(r));
  rmSync(profile, { recursive: true, force: true });

  // Cases that were announced but never reported (a page that died or hung) count as failures.
  const seen = new Set(results.map((r) => r.name));
  for (const name of planned ?? []) {
    if (!seen.has(name)) results.push({ name, ok: false, error: `no result (${outcome === "done" ? "never reported" : outcome})` });
  }
  if (outcome !== "done") results.push({ name: "(run)", ok: false, error: outcome });
  if (planned === null || planned.length === 0) results.push({ name: "(plan)", ok: false, error: "the pages announced no case" });
  const failed = results.filter((r) => !r.ok).length;
  return { passed: results.length - failed, failed, results, finished: outcome === "done", log };
}

async function main() {
  const chromium = findChromium();
  if (chromium === null) {
    console.log("browser: no Chromium binary found (apt-get install chromium, or set WEFT_CHROMIUM)");
    process.exit(2);
  }
  const seedAt = process.argv.indexOf("--seed");
  const positional = process.argv.slice(2).filter((a, i, all) => a !== "--seed" && all[i - 1] !== "--seed");
  const t0 = performance.now();
  const report = await runBrowserSuite({
    chromium,
    filter: positional[0] ?? "",
    seed: seedAt >= 0 ? process.argv[seedAt + 1] : "",
    onResult: (r) => console.log(`${r.ok ? "ok  " : "FAIL"} ${r.name}${r.ms !== undefined ? ` (${Math.round(r.ms)} ms)` : ""}`),
  });
  for (const r of report.results.filter((x) => !x.ok)) {
    console.log(`\nFAIL ${r.name}\n  ${String(r.error).replace(/\n/g, "\n  ")}`);
  }
  if (!report.finished) console.log(`\nChromium's last output:\n${report.log.slice(-3000)}`);
  console.log(`\nbrowser: ${report.passed} passed, ${report.failed} failed (${Math.round(performance.now() - t0)} ms, ${chromium})`);
  process.exit(report.failed === 0 ? 0 : 1);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
