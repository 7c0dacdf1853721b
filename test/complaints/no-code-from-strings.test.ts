/**
 * Complaint 8: workers built from stringified functions break bundlers and CSP. weft never makes
 * code from strings: no eval, no new Function / Function("…"), no string timers, no Blob or data:
 * URLs of source, no `eval: true` workers, no function `.toString()` turned into a worker. Checked
 * twice: statically over src/ and the built dist/ (what users run), and at run time — spawn, a
 * ThreadPool, the parallel helpers and a channel run in a process started with
 * --disallow-code-generation-from-strings (eval and Function throw there, in its workers too)
 * whose worker_threads.Worker refuses `eval: true` and anything but a file: URL.
 * (The browser suite runs every browser case under `script-src 'self'; worker-src 'self'`.)
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

function files(dir: string, keep: (f: string) => boolean): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...files(p, keep));
    else if (keep(p)) out.push(p);
  }
  return out;
}

const FORBIDDEN: [string, RegExp][] = [
  ["eval(", /(?<![\w$.])eval\s*\(/],
  ["indirect eval", /\(\s*0\s*,\s*eval\s*\)|globalThis\.eval|\[\s*["'`]eval["'`]\s*\]/],
  ["new Function", /new\s+Function\s*\(/],
  ["Function(string)", /(?<![\w$.])Function\s*\(\s*["'`]/],
  ["AsyncFunction / GeneratorFunction constructor", /\.constructor\s*\(\s*["'`]/],
  ["string timer", /set(?:Timeout|Interval|Immediate)\s*\(\s*["'`]/],
  ["Blob", /new\s+Blob\s*\(/],
  ["createObjectURL", /createObjectURL/],
  ["data: URL", /["'`]data:/],
  ["blob: URL", /["'`]blob:/],
  ["importScripts", /importScripts\s*\(/],
  ["eval: true worker", /eval\s*:\s*(?:true|!0)/],
  ["vm module", /node:vm|["'`]vm["'`]/],
];

/** The one accepted use of Function.prototype.toString: telling a native class from a JS one. */
const NATIVE_CHECK = /NATIVE\d*\.test\(Function\.prototype\.toString\.call\(ctor\)\)/;

function scan(paths: string[]): string[] {
  const hits: string[] = [];
  for (const f of paths) {
    readFileSync(f, "utf8").split("\n").forEach((line, i) => {
      const code = line.replace(/^\s*(\*|\/\/).*$/, ""); // doc comments only
      for (const [what, re] of FORBIDDEN) if (re.test(code)) hits.push(`${relative(root, f)}:${i + 1}: ${what}: ${line.trim()}`);
      if (/Function\.prototype\.toString|\.toString\(\)/.test(code) && /toString/.test(code) && !NATIVE_CHECK.test(code) && /(fn|func|callback|Function\.prototype)\b/.test(code)) {
        hits.push(`${relative(root, f)}:${i + 1}: function toString: ${line.trim()}`);
      }
    });
  }
  return hits;
}

describe("complaint 8: weft never builds code from strings", () => {
  it("src/ has no eval, Function constructor, Blob/data: URL, string timer or eval: true worker", () => {
    const src = files(join(root, "src"), (f) => f.endsWith(".ts"));
    expect(src.length).toBeGreaterThan(20);
    expect(scan(src)).toEqual([]);
  });

  it("nor does the built package (dist/*.js, *.cjs)", () => {
    const dist = files(join(root, "dist"), (f) => /\.(c?js)$/.test(f));
    expect(dist.length).toBeGreaterThan(4);
    expect(scan(dist)).toEqual([]);
  });

  it("the scanner finds what it must (self-test)", () => {
    const dir = mkdtempSync(join(tmpdir(), "weft-scan-"));
    try {
      const bad = ['eval("1")', "new Function('return 1')", "new Blob([src])", 'new Worker("data:text/javascript,1")', "new Worker(src, { eval: true })", 'setTimeout("x()", 1)', "const s = fn.toString();"];
      bad.forEach((b, i) => writeFileSync(join(dir, `b${i}.ts`), `const x = 1;\n${b}\n`));
      writeFileSync(join(dir, "ok.ts"), "// eval(\"1\") in a comment\nconst evaluate = (x: number) => x;\nevaluate(1);\n");
      const hits = scan(files(dir, () => true));
      for (let i = 0; i < bad.length; i++) expect(hits.some((h) => h.includes(`b${i}.ts:2:`)), bad[i]).toBe(true);
      expect(hits.filter((h) => h.includes("ok.ts"))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("spawn, ThreadPool, parallel and channels work with code generation from strings disallowed (process and workers)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "weft-nocodegen-"));
    try {
      const dist = new URL("../../dist/index.js", import.meta.url).href;
      writeFileSync(join(dir, "task.mjs"), `export default (tx, n) => { tx.send(n * 2); return n + 1; };\nexport const sq = (x) => x * x;\nexport const inc = (x) => x + 1;\n`);
      writeFileSync(join(dir, "main.mjs"), `
        import wt from "node:worker_threads";
        let checks = 0;
        const Real = wt.Worker;
        wt.Worker = class extends Real {
          constructor(what, opts) {
            if (opts?.eval) throw new Error("weft started a worker from a string (eval: true)");
            const href = what instanceof URL ? what.href : String(what);
            if (!href.startsWith("file:") && !href.startsWith("/")) throw new Error("weft started a worker from " + href.slice(0, 40));
            checks++;
            super(what, opts);
          }
        };
        let evalOk = true; try { eval("1"); } catch { evalOk = false; }
        let fnOk = true; try { new Function("return 1"); } catch { fnOk = false; }
        const w = await import(${JSON.stringify(dist)});
        const task = new URL("./task.mjs", import.meta.url);
        const [tx, rx] = w.channel();
        const h = w.spawn(task, tx, 20);
        tx.close();
        const joined = await h.join();
        const got = await rx.recvAsync();
        const pool = new w.ThreadPool({ threads: 2 });
        const sq = await pool.run(task, "sq", 7);
        const data = new Float64Array(new SharedArrayBuffer(8 * 1000)).fill(1);
        await w.parallel.map(data, data, task, "inc", { pool });
        const sum = await w.parallel.sum(data, { pool });
        await w.parallel.sort(data, { pool });
        await pool.close();
        console.log(JSON.stringify({ evalOk, fnOk, joined, got, sq, sum, workersChecked: checks > 0 }));
      `);
      const out = await new Promise<{ stdout: string; stderr: string; code: number }>((resolve) => {
        execFile(process.execPath, ["--disallow-code-generation-from-strings", join(dir, "main.mjs")], { timeout: 30_000 }, (err, stdout, stderr) =>
          resolve({ stdout, stderr, code: err ? ((err as any).code ?? 1) : 0 }),
        );
      });
      expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: "" });
      expect(JSON.parse(out.stdout)).toEqual({ evalOk: false, fnOk: false, joined: 21, got: 40, sq: 49, sum: 2000, workersChecked: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
