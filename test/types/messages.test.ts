/**
 * The compile errors of the type tests say the right thing.
 *
 * `send-sync.types.ts` (Send/Sync) and `tasks.types.ts` (tasks typed from a moduleRef: `join`, the
 * parallel helpers, `runMany`) mark each line that must not compile with `// @ts-expect-error`, which
 * `npm run typecheck` enforces — but that directive is satisfied by *any* error. Here each file is
 * compiled again (with the TypeScript compiler API, against the built `dist/` types, the project's
 * tsconfig) with every directive blanked out, and for each directive:
 * - the next line must have an error, and
 * - each backticked fragment in the directive must appear in that line's error text or in where
 *   the error is reported (the offending property's name, the NotSendable reason, "moved by
 *   send()", …);
 * and no other line may have an error.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
/** The type-test files, each with the least number of expectations it must have (so none is lost). */
const files: [name: string, atLeast: number][] = [
  ["send-sync.types.ts", 60],
  ["tasks.types.ts", 30],
  ["soundness.types.ts", 11],
];

interface Expectation {
  line: number; // 0-based line the error must be on
  text: string;
  fragments: string[];
}

function expectations(source: string): { stripped: string; expected: Expectation[] } {
  const lines = source.split("\n");
  const expected: Expectation[] = [];
  const stripped = lines.map((l, i) => {
    const m = /^(\s*)\/\/ @ts-expect-error(.*)$/.exec(l);
    if (m === null) return l;
    expected.push({ line: i + 1, text: lines[i + 1]!.trim(), fragments: [...m[2]!.matchAll(/`([^`]+)`/g)].map((f) => f[1]!) });
    return `${m[1]}// (expect an error on the next line)`;
  });
  return { stripped: stripped.join("\n"), expected };
}

function compile(file: string, stripped: string): Map<number, string[]> {
  const configPath = resolve(root, "tsconfig.json");
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    },
  });
  if (parsed === undefined) throw new Error("cannot read tsconfig.json");
  const host = ts.createCompilerHost(parsed.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    resolve(dirname(configPath), name) === file ? ts.createSourceFile(name, stripped, language, true) : getSourceFile(name, language, ...rest);
  const program = ts.createProgram([file], parsed.options, host);
  const sf = program.getSourceFile(file)!;
  const byLine = new Map<number, string[]>();
  for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
    const line = d.start === undefined ? -1 : sf.getLineAndCharacterOfPosition(d.start).line;
    const list = byLine.get(line) ?? [];
    // Where the error is reported counts too: for an object literal the compiler puts it on the
    // offending property itself (`{ f() {} }` → at 'f').
    const at = d.start === undefined ? "" : ` [at '${stripped.slice(d.start, d.start + (d.length ?? 0))}']`;
    list.push(ts.flattenDiagnosticMessageText(d.messageText, "\n") + at);
    byLine.set(line, list);
  }
  return byLine;
}

for (const [name, atLeast] of files) {
  describe(`type errors of ${name}`, () => {
    const file = fileURLToPath(new URL(`./${name}`, import.meta.url));
    const { stripped, expected } = expectations(readFileSync(file, "utf8"));
    const byLine = compile(file, stripped);

    it("the type tests have expectations (and each names what it expects)", () => {
      expect(expected.length).toBeGreaterThan(atLeast);
      const vague = expected.filter((e) => e.fragments.length === 0).map((e) => `${e.line + 1}: ${e.text}`);
      expect(vague).toEqual([]);
    });

    it("every expected error happens, and says what the test says it says", () => {
      const wrong: string[] = [];
      for (const e of expected) {
        const messages = byLine.get(e.line) ?? [];
        if (messages.length === 0) {
          wrong.push(`line ${e.line + 1} compiled: ${e.text}`);
          continue;
        }
        const all = messages.join("\n");
        for (const f of e.fragments) {
          if (!all.includes(f)) wrong.push(`line ${e.line + 1} (${e.text}): no "${f}" in:\n${all}`);
        }
      }
      expect(wrong).toEqual([]);
    });

    it("no other line has an error", () => {
      const targets = new Set(expected.map((e) => e.line));
      const stray = [...byLine].filter(([line]) => !targets.has(line)).map(([line, m]) => `line ${line + 1}: ${m.join(" / ")}`);
      expect(stray).toEqual([]);
    });
  });
}
