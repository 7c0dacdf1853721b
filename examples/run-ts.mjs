/**
 * Runs a TypeScript example: `node examples/run-ts.mjs <name>` transpiles examples/<name>/*.ts
 * (types removed, nothing else changed; `npm run typecheck` is what checks them) into
 * examples/<name>/.build/ and runs its main.js there. The example imports "weft", which Node
 * resolves to this package's dist/ (run `npm run build` first).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const name = process.argv[2];
if (!name || !/^[\w-]+$/.test(name)) {
  console.error("usage: node examples/run-ts.mjs <example directory name>");
  process.exit(2);
}
const dir = fileURLToPath(new URL(`./${name}/`, import.meta.url));
const out = `${dir}.build/`;
mkdirSync(out, { recursive: true });
for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
  const { outputText } = ts.transpileModule(readFileSync(dir + file, "utf8"), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    fileName: file,
  });
  writeFileSync(out + file.replace(/\.ts$/, ".js"), outputText);
}
try {
  execFileSync(process.execPath, [`${out}main.js`], { stdio: "inherit" });
} catch (e) {
  process.exit(typeof e.status === "number" ? e.status : 1);
}
