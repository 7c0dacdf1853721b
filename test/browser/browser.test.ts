/**
 * weft in a browser. The cases themselves are ES modules in test/browser/pages, run in headless
 * Chromium with real Web Workers by test/browser/run.mjs (also `npm run test:browser`); this file
 * runs that runner when a Chromium binary is found, and is skipped (saying why) when not.
 * Without Chromium still checked here: weft loads where there is no SharedArrayBuffer and says
 * what is missing, and the example's server sends the COOP/COEP headers.
 */
import { execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { findChromium } from "./run.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const chromium = findChromium();

function node(args: string[], timeout: number, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: root, timeout, maxBuffer: 8 << 20, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === "number" ? err.code : 1, stdout, stderr });
    });
  });
}

describe("browser", () => {
  it(`every case in headless Chromium passes${chromium ? "" : " (skipped: no Chromium binary)"}`, async (ctx) => {
    if (chromium === null) {
      console.warn("browser tests skipped: no Chromium binary found (apt-get install chromium, or set WEFT_CHROMIUM)");
      ctx.skip("no Chromium binary found: apt-get install chromium (or set WEFT_CHROMIUM=/path/to/chrome)");
      return;
    }
    // The runner bounds itself (Chromium is killed at the end); the env gives a loaded machine room.
    const { code, stdout, stderr } = await node(["test/browser/run.mjs"], 170_000);
    const summary = /^browser: (\d+) passed, (\d+) failed/m.exec(stdout);
    expect({ code, summary: summary?.[0], stderr }, stdout).toMatchObject({ code: 0, stderr: "" });
    // The pages announce their cases; a page that lost some would fail the run, but check the
    // floor too: every module of cases ran.
    expect(Number(summary![1])).toBeGreaterThanOrEqual(25);
    expect(summary![2]).toBe("0");
  }, 180_000);

  it(`the runner fails a run with no cases, and one that runs out of time${chromium ? "" : " (skipped: no Chromium binary)"}`, async (ctx) => {
    if (chromium === null) {
      ctx.skip("no Chromium binary found");
      return;
    }
    const none = await node(["test/browser/run.mjs", "no case is named like this"], 120_000);
    expect(none.code, none.stdout).toBe(1);
    expect(none.stdout).toMatch(/FAIL \(plan\)\n {2}the pages announced no case/);
    const late = await node(["test/browser/run.mjs"], 120_000, { WEFT_BROWSER_TIMEOUT_MS: "300" });
    expect(late.code, late.stdout).toBe(1);
    expect(late.stdout).toMatch(/FAIL \(run\)\n {2}timed out after 300 ms/);
  }, 150_000);

  it("without SharedArrayBuffer weft still loads, and making a primitive throws SharedMemoryUnavailableError", async () => {
    const script = `
      delete globalThis.SharedArrayBuffer;
      const weft = await import("./dist/index.js");
      const makers = [() => new weft.Mutex(), () => weft.channel(), () => new weft.Barrier(2), () => weft.Mutex.at({}, 0),
        () => new weft.Mutex(new Int32Array(4)), () => new weft.RwLock({ a: new Int32Array(4) }), () => weft.share({ n: 1 }), () => weft.revive({}),
        () => weft.parallel.sum(new Float64Array(4))];
      for (const make of makers) {
        try { await make(); console.log("made one"); }
        catch (e) { console.log(e.name, e instanceof weft.UnsupportedError, /Cross-Origin-Embedder-Policy: require-corp/.test(e.message)); }
      }`;
    const { code, stdout, stderr } = await node(["--input-type=module", "-e", script], 20_000);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout.trim().split("\n")).toEqual(new Array(9).fill("SharedMemoryUnavailableError true true"));
  });

  it("examples/browser/serve.mjs serves the page, its worker and dist/ with COOP/COEP, and nothing outside", async () => {
    const server = spawn(process.execPath, ["examples/browser/serve.mjs", "0"], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    try {
      const base = await new Promise<string>((resolve, reject) => {
        let out = "";
        server.stdout.on("data", (d) => {
          out += d;
          const m = /serving (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        server.once("exit", (c) => reject(new Error(`serve.mjs exited with ${c}: ${out}`)));
      });
      for (const path of ["", "index.html", "main.mjs", "worker.mjs", "dist/index.js"]) {
        const res = await fetch(base + path);
        expect(res.status, path).toBe(200);
        expect(res.headers.get("cross-origin-opener-policy"), path).toBe("same-origin");
        expect(res.headers.get("cross-origin-embedder-policy"), path).toBe("require-corp");
        expect(res.headers.get("content-type"), path).toMatch(path.endsWith("js") ? /^text\/javascript/ : /^text\/html/);
      }
      for (const path of ["..%2f..%2fpackage.json", "dist/..%2f..%2fpackage.json", "missing.mjs"]) {
        expect([403, 404], path).toContain((await fetch(base + path)).status);
      }
    } finally {
      server.kill();
    }
  });
});
