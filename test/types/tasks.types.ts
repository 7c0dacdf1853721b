/**
 * Type tests for tasks named by module URL + export name and typed from a `moduleRef`: `join`,
 * the parallel helpers (`map`, `forEach`, `reduce`) and `runMany`. Checked by `npm run typecheck`
 * (tsc): every `@ts-expect-error` line must fail to compile, every other line must compile.
 * `messages.test.ts` compiles this file again without the directives and checks that each error
 * says what the directive's backticked fragments say; a fragment `[at '…']` is where the compiler
 * reports it (the offending element of a task, the offending export name).
 *
 * Nothing here runs: the values are `declare`d. (The same forms run on a real pool in
 * test/parallel/parallel.test.ts and test/pool/pool.test.ts.)
 */
import {
  Mutex,
  ThreadPool,
  currentPool,
  join,
  moduleRef,
  parallel,
  type ModuleRef,
  type Task,
} from "../../dist/index.js";

/** Compiles only if `X` and `Y` are the same type (not merely assignable either way). */
type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;
const yes = <T extends true>(): void => {};
const no = <T extends false>(): void => {};

/** A task module's type, as `typeof import("./math.js")` would give it. */
interface MathModule {
  fib(n: number): number;
  sum(xs: number[]): number;
  greet(name: string, times?: number): Promise<string>;
  tune(o: { speed: "fast" | "slow" }): number;
  take(x: unknown): void;
  lock(m: Mutex<Int32Array<SharedArrayBuffer>>): boolean;
  version: string;
}
declare const math: ModuleRef<MathModule>;
/** A real module's type, read from its declaration file (test/workers/par-fns.d.mts). */
const fns = moduleRef<typeof import("../workers/par-fns.mjs")>(new URL("../workers/par-fns.mjs", import.meta.url));
declare const url: URL;
declare const xs: number[];
declare const words: Int32Array<SharedArrayBuffer>;
declare const mutex: Mutex<Int32Array<SharedArrayBuffer>>;
declare const pool: ThreadPool;
declare const f64: Float64Array<SharedArrayBuffer>;
declare const i32: Int32Array<SharedArrayBuffer>;

// ---------------------------------------------------------------------------------------------
// join: each task typed from its moduleRef.

const j1 = join([math, "fib", 30], [math, "sum", xs]);
yes<Equal<typeof j1, Promise<[number, number]>>>();
const j2 = join([math, "greet", "ann"], [math, "greet", "bob", 2]); // awaited, like run
yes<Equal<typeof j2, Promise<[string, string]>>>();
const j3 = join([math, "tune", { speed: "fast" }], [math, "lock", mutex], { pool, signal: AbortSignal.timeout(5) });
yes<Equal<typeof j3, Promise<[number, boolean]>>>();
const j4 = join([fns, "rendezvous", words, "A"], [fns, "square", 3]);
yes<Equal<typeof j4, Promise<[string, number]>>>();
const j5 = join([math, "sum", [1, 2, 3]], [fns, "fail", "no"]);
yes<Equal<typeof j5, Promise<[number, never]>>>();
// A plain URL or string: any export, any Sendable arguments, an `unknown` result (as before).
const j6 = join([url, "a"], [url.href, "b", 1, { x: [2] }]);
yes<Equal<typeof j6, Promise<[unknown, unknown]>>>();
const j7 = join([math, "fib", 1], ["file:///m.mjs", "f"]); // mixed
yes<Equal<typeof j7, Promise<[number, unknown]>>>();
declare const task: Task;
const j8 = join(task, task);
yes<Equal<typeof j8, Promise<[unknown, unknown]>>>();
// Explicit result types: the escape hatch (the tasks are not checked; the run time still is).
const j9 = join<number, string>([url, "a"], [math, "anything", () => 1]);
yes<Equal<typeof j9, Promise<[number, string]>>>();
// (Give both or neither: with one, TypeScript infers nothing else, and the other result is unknown.)
const j10 = join<boolean>([url, "a"], [math, "fib", 1]);
yes<Equal<typeof j10, Promise<[boolean, unknown]>>>();
// Inside a task, on the worker's pool.
const j11 = join([math, "fib", 1], [math, "fib", 2], { pool: currentPool() });
yes<Equal<typeof j11, Promise<[number, number]>>>();
no<Equal<typeof j1, Promise<[unknown, unknown]>>>();

// @ts-expect-error an unknown export: `'"nope"' is not assignable`, `TaskName<MathModule>`, `[at '"nope"']`
void join([math, "nope", 1], [math, "fib", 1]);
// @ts-expect-error in the second task too: `'"cube"' is not assignable`, `[at '"cube"']`
void join([math, "fib", 1], [fns, "cube", 1]);
// @ts-expect-error an export that is not a function: `'"version"' is not assignable`, `[at '"version"']`
void join([math, "version"], [math, "fib", 1]);
// @ts-expect-error a wrong argument: `'string' is not assignable to type 'number'`, `[at '"30"']`
void join([math, "fib", "30"], [math, "fib", 1]);
// @ts-expect-error in the second task, inside an array: `'string' is not assignable to type 'number'`, `[at '"2"']`
void join([math, "fib", 1], [math, "sum", [1, "2"]]);
// @ts-expect-error a literal the export does not take: `'"fst"' is not assignable to type '"fast" | "slow"'`, `[at 'speed']`
void join([math, "tune", { speed: "fst" }], [math, "fib", 1]);
// @ts-expect-error a missing argument: `Source has 2 element(s) but target requires 3`
void join([math, "fib"], [math, "fib", 1]);
// @ts-expect-error an extra argument: `Source has 4 element(s) but target allows only 3`
void join([math, "fib", 1, 2], [math, "fib", 1]);
// @ts-expect-error a wrong argument for a real module's export: `'string' is not assignable to type 'Int32Array<SharedArrayBuffer>'`, `[at '"words"']`
void join([fns, "rendezvous", "words", "A"], [fns, "square", 3]);
// @ts-expect-error an unsendable argument the export would accept: `a function cannot cross`, `[at '() => 1']`
void join([math, "take", () => 1], [math, "fib", 1]);
// @ts-expect-error deep inside: `a weak collection cannot cross`, `[at 'cache']`
void join([math, "take", { cache: new WeakMap() }], [math, "fib", 1]);
// @ts-expect-error with a plain URL too: `a function cannot cross`, `[at '() => 1']`
void join([url, "a", () => 1], [url, "b"]);
// @ts-expect-error `a Promise cannot cross`, `[at 'Promise.resolve(1)']`
void join([url, "a"], ["file:///m.mjs", "b", Promise.resolve(1)]);
// @ts-expect-error a task needs an export name: `Source has 1 element(s) but target requires 2`
void join([url], [url, "b"]);
// @ts-expect-error the module is a URL or a string: `'number' is not assignable to type 'string | URL'`, `[at '42']`
void join([42, "f"], [url, "b"]);
// @ts-expect-error the results are typed: `Type 'number' is not assignable to type 'string'`
const jWrong: Promise<[string, number]> = join([math, "fib", 1], [math, "fib", 2]);

// ---------------------------------------------------------------------------------------------
// parallel.map / forEach / reduce: the export must fit what the helper calls.

const m1: Promise<void> = parallel.map(f64, i32, fns, "square");
void parallel.map(f64, f64, fns, "affine", { pool, chunkSize: 8 });
void parallel.map(f64, f64, fns, "boom");
void parallel.map(f64, f64, math, "fib"); // (n: number) => number: the index is ignored
void parallel.map(f64, f64, url, "anything"); // a plain URL: any name, checked at run time
void parallel.map(f64, f64, url.href, "anything");
void parallel.forEach(f64, fns, "mark");
void parallel.forEach(f64, fns, "square"); // a result is allowed (ignored)
void parallel.forEach(f64, math, "take");
void parallel.forEach(f64, "file:///m.mjs", "anything");
const r1: Promise<number> = parallel.reduce(f64, fns, "add", 0);
void parallel.reduce(i32, fns, "max", -Infinity, { signal: AbortSignal.timeout(5) });
void parallel.reduce(i32, fns, "xor", 0);
void parallel.reduce(f64, url, "anything", 0);

// @ts-expect-error an unknown export: `'"nope"' is not assignable`, `[at '"nope"']`
void parallel.map(f64, f64, fns, "nope");
// @ts-expect-error not a function: `'"notAFunction"' is not assignable`, `[at '"notAFunction"']`
void parallel.map(f64, f64, fns, "notAFunction");
// @ts-expect-error async: `UnfitExport<"parallel.map calls fn(x: number, i: number) and stores the number it returns (synchronously)">`, `[at '"asyncSquare"']`
void parallel.map(f64, f64, fns, "asyncSquare");
// @ts-expect-error returns nothing to store: `UnfitExport<"parallel.map calls fn(x: number, i: number)`, `[at '"mark"']`
void parallel.map(f64, f64, fns, "mark");
// @ts-expect-error the wrong parameters: `UnfitExport<"parallel.map calls fn(x: number, i: number)`, `[at '"rendezvous"']`
void parallel.map(f64, f64, fns, "rendezvous");
// @ts-expect-error a string result: `UnfitExport<"parallel.map`, `[at '"greet"']`
void parallel.map(f64, f64, math, "greet");
// @ts-expect-error async: `UnfitExport<"parallel.forEach calls fn(x: number, i: number) synchronously (it must not return a Promise)">`, `[at '"asyncSquare"']`
void parallel.forEach(f64, fns, "asyncSquare");
// @ts-expect-error the wrong parameters: `UnfitExport<"parallel.forEach`, `[at '"rendezvous"']`
void parallel.forEach(f64, fns, "rendezvous");
// @ts-expect-error an unknown export: `'"cube"' is not assignable`, `[at '"cube"']`
void parallel.forEach(f64, fns, "cube");
// @ts-expect-error no result to fold: `UnfitExport<"parallel.reduce calls fn(acc: number, x: number) and folds the number it returns (synchronously)">`, `[at '"mark"']`
void parallel.reduce(f64, fns, "mark", 0);
// @ts-expect-error the wrong parameters: `UnfitExport<"parallel.reduce`, `[at '"rendezvous"']`
void parallel.reduce(f64, fns, "rendezvous", 0);
// @ts-expect-error a Promise: `UnfitExport<"parallel.reduce`, `[at '"fail"']`
void parallel.reduce(f64, fns, "fail", 0);
// @ts-expect-error the identity is still a number: `'string' is not assignable to parameter of type 'number'`
void parallel.reduce(f64, fns, "add", "0");
// @ts-expect-error reduce resolves to a number: `'Promise<number>' is not assignable to type 'Promise<string>'`
const rWrong: Promise<string> = parallel.reduce(f64, fns, "add", 0);

// ---------------------------------------------------------------------------------------------
// runMany: every argument list is Sendable, as run's arguments are (typed or not).

const rm1: Promise<number[]> = pool.runMany(math, "fib", [[1], [2]]);
const rm2: Promise<unknown[]> = pool.runMany(url, "f", [[1, "a"], [{ x: new Map([[1, 2]]) }], [mutex]]);
const rm3: Promise<boolean[]> = currentPool().runMany(math, "lock", [[mutex]], { signal: AbortSignal.timeout(5) });
const rm4: Promise<string[]> = pool.runMany<string>(url, "f", [[() => 1]]); // explicit result type: not checked (as run<R>)
// (runMany is overloaded, as run is: the compiler reports "No overload matches this call" at the method.)
// @ts-expect-error typed: `a function cannot cross`, `Type '() => number' is not assignable`
void pool.runMany(math, "take", [[1], [() => 1]]);
// @ts-expect-error untyped: `a weak collection cannot cross`, `Type 'WeakMap<object, any>' is not assignable`
void pool.runMany(url, "f", [[1], [{ w: new WeakMap() }]]);
// @ts-expect-error the pool a task sees checks the same: `a symbol cannot cross`
void currentPool().runMany(url.href, "f", [[Symbol("s")]]);
// @ts-expect-error still checked against the export: `'string' is not assignable to type 'number'`
void pool.runMany(math, "fib", [[1], ["2"]]);

export { j1, j2, j3, j4, j5, j6, j7, j8, j9, j10, j11, jWrong, m1, r1, rWrong, rm1, rm2, rm3, rm4 };
