import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const dist = process.env.REVIEW14_DIST ?? new URL("../../dist/index.js", import.meta.url).href;
export const poolTasks = new URL("../workers/pool-tasks.mjs", import.meta.url).href;
export const dir = mkdtempSync(join(tmpdir(), "weft-review14-"));

export interface Run { code: number | null; signal: string | null; stdout: string; stderr: string }

/** Runs `source` as its own Node process (an .mjs script in a temp dir). */
export function runScript(name: string, source: string, limitMs = 15_000): Promise<Run> {
  const file = join(dir, name);
  writeFileSync(file, source);
  return new Promise((resolve) => {
    execFile(process.execPath, [file], { timeout: limitMs, cwd: dir }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as any).code ?? null) : 0, signal: err ? ((err as any).signal ?? null) : null, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

export function writeModule(name: string, source: string): string {
  const file = join(dir, name);
  writeFileSync(file, source);
  return new URL(`file://${file}`).href;
}

/** The library under test (REVIEW14_DIST points at another build, e.g. the base commit's). */
export const lib = (): Promise<typeof import("../../dist/index.js")> => import(dist);
