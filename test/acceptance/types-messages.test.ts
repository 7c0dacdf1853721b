/**
 * The spec: "the error message names the offending property where TypeScript allows". Each snippet
 * is compiled (in memory, with the repo's tsconfig options) and its one diagnostic is checked for
 * the property's name (in the message, or as the source text the error points at) and the reason.
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");

const prelude = `import { channel, share, spawn, send, sendArm, Mutex, defineWorker, moduleRef, ThreadPool } from "../../dist/index.js";
const [tx] = channel();
declare const url: URL;
`;

/** name → [snippet, substrings every one of which the diagnostic text must contain] */
const cases: Record<string, [string, string[]]> = {
  method: ["tx.send({ id: 2, draw() {} });", ["draw", "a function cannot cross"]],
  arrowProp: ["tx.send({ id: 2, onDone: () => 1 });", ["onDone", "a function cannot cross"]],
  nested: ["tx.send({ a: { b: { cb: () => 1 } } });", ["cb", "a function cannot cross"]],
  symbolProp: ["tx.send({ tag: Symbol('t') });", ["tag", "a symbol cannot cross"]],
  weakProp: ["tx.send({ cache: new WeakMap() });", ["cache", "a weak collection"]],
  promiseProp: ["tx.send({ later: Promise.resolve(1) });", ["later", "a Promise cannot cross"]],
  spawnArg: ["spawn(url, { job: { run() {} } });", ["run", "a function cannot cross"]],
  shareProp: ["share({ handler() {} });", ["handler", "a function cannot cross"]],
  channelType: ["channel<{ id: number; f(): void }>();", ["a function cannot cross"]],
  bareFunction: ["tx.send(() => 1);", ["a function cannot cross"]],
  moved: ["const b = new Uint8Array(1); send(tx, b); tx.send(b);", ["moved by send()"]],
  mutexPlain: ["new Mutex({ count: 0 });", ["count", "copied to each worker"]],
  mutexLocal: ["new Mutex(new Int32Array(4));", ["SharedArrayBuffer"]],
  defineWorker: ["defineWorker((f: () => void) => 1);", ["Sendable"]],
};

function diagnose(): Map<string, string[]> {
  const parsed = ts.getParsedCommandLineOfConfigFile(resolve(root, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const files = new Map<string, string>();
  for (const [name, [code]] of Object.entries(cases)) files.set(resolve(here, `__msg_${name}.ts`), prelude + code + "\nexport {};\n");
  const host = ts.createCompilerHost(parsed.options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => files.get(resolve(f)) ?? readFile(f);
  host.fileExists = (f) => files.has(resolve(f)) || fileExists(f);
  host.getSourceFile = (f, lang, ...rest) => {
    const text = files.get(resolve(f));
    return text !== undefined ? ts.createSourceFile(f, text, lang) : getSourceFile(f, lang, ...rest);
  };
  const program = ts.createProgram([...files.keys()], { ...parsed.options, noEmit: true }, host);
  const out = new Map<string, string[]>();
  for (const [name] of Object.entries(cases)) {
    const sf = program.getSourceFile(resolve(here, `__msg_${name}.ts`))!;
    const diags = [...program.getSemanticDiagnostics(sf), ...program.getSyntacticDiagnostics(sf)];
    // Each diagnostic as "<the source text it points at> :: <its message>": TypeScript reports an
    // object literal's offending property at the property (the message then names only the type).
    out.set(
      name,
      diags.map((d) => `${sf.text.slice(d.start ?? 0, (d.start ?? 0) + (d.length ?? 0))} :: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`),
    );
  }
  return out;
}

describe("compile errors name the offending property and the reason", () => {
  const results = diagnose();
  for (const [name, [code, needles]] of Object.entries(cases)) {
    it(`${name}: ${code}`, () => {
      const diags = results.get(name)!;
      expect(diags.length, `expected one error for: ${code}`).toBe(1);
      for (const n of needles) expect(diags[0]).toContain(n);
    });
  }
});
