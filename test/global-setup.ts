/**
 * Workers in tests run the *built* library (dist/), as users' workers do. Build it once before
 * the suite if dist/ is missing or older than src/ (`npm test` has just built it, so usually this
 * is a no-op; `npx vitest` alone still works).
 */
import { execSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export default function setup(): void {
  const built = "dist/index.js";
  if (!existsSync(built) || !existsSync("dist/worker.js") || statSync(built).mtimeMs < newest("src")) {
    execSync("npx tsup", { stdio: "inherit" });
  }
}
