/**
 * Tasks typed from their module: `moduleRef<typeof import("./fns.js")>(url)` brands the URL with
 * the module's type, so `join` and the parallel helpers check at compile time that the export
 * exists, has the signature the call needs and gets the right arguments, and type the results.
 * Nothing changes at run time: the URL is the same URL.
 *
 * Run: npm run build && node examples/run-ts.mjs typed-tasks
 * (`npm run typecheck` checks this file, including the `@ts-expect-error` lines at the end.)
 */
import { join, moduleRef, parallel } from "weft";

const fns = moduleRef<typeof import("./fns.js")>(new URL("./fns.js", import.meta.url));

const N = 200_000;
const data = new Float64Array(new SharedArrayBuffer(N * 8));
for (let i = 0; i < N; i++) data[i] = (i % 1000) / 100;

// "square" must be an export of type (x: number, i: number) => number: checked by the compiler.
const squares = new Float64Array(new SharedArrayBuffer(N * 8));
await parallel.map(data, squares, fns, "square");
const total = await parallel.reduce(squares, fns, "add", 0); // "add": (acc: number, x: number) => number

// rayon::join: two tasks at once, each typed from its export — [number, string], not [unknown, unknown].
const [f, l] = await join([fns, "fib", 27], [fns, "label", "weft", 3]);
const [s] = await join([fns, "sumOf", [1, 2, 3, 4]], [fns, "fib", 1]);

let expected = 0;
for (let i = 0; i < N; i++) expected += data[i]! * data[i]!;
console.log(`sum of squares: ${total.toFixed(2)} (one thread: ${expected.toFixed(2)})`);
console.log(`join: fib(27) = ${f.toFixed(0)}, label = "${l.toUpperCase()}", sumOf = ${s}`);
if (Math.abs(total - expected) > 1e-9 * expected || f !== 196418 || l !== "weft x3" || s !== 10) {
  console.log("FAILED");
  process.exit(1);
}
console.log("OK");

/** Never called: what the compiler refuses (each line is an error; `npm run typecheck` checks it). */
export function wouldNotCompile(): void {
  // @ts-expect-error no export named "cube"
  void parallel.map(data, squares, fns, "cube");
  // @ts-expect-error sumOf takes an array: not (x: number, i: number) => number (UnfitExport<"parallel.map calls …">)
  void parallel.map(data, squares, fns, "sumOf");
  // @ts-expect-error label takes a string and is async: not (acc: number, x: number) => number
  void parallel.reduce(data, fns, "label", 0);
  // @ts-expect-error fib takes a number (the error is reported at "27")
  void join([fns, "fib", "27"], [fns, "square", 2]);
  // @ts-expect-error fib takes one argument
  void join([fns, "fib"], [fns, "square", 2]);
  // @ts-expect-error a function cannot cross to another worker
  void join([fns, "sumOf", [1, 2]], ["file:///other.mjs", "run", () => 1]);
  // @ts-expect-error the results are typed: fib gives a number
  const wrong: Promise<[string, string]> = join([fns, "fib", 1], [fns, "label", "x"]);
  void wrong;
}
