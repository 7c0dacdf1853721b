/**
 * Acceptance type tests (from the spec): typed `spawn` (moduleRef, explicit module type,
 * defineWorker), pools (`run`, `runWith`, `runMany`, `spawnBlocking`), `join`, and the
 * `parallel` helpers, against the fixture modules in ./types-fixtures (their .d.mts give the types).
 * Checked by `tsc --noEmit`; nothing here runs.
 */
import {
  Mutex,
  Receiver,
  Sender,
  ThreadPool,
  channel,
  defineWorker,
  globalPool,
  join,
  moduleRef,
  parallel,
  spawn,
  spawnBlocking,
  spawnWith,
  type ModuleRef,
  type Pool,
  type TaskArgs,
  type TaskName,
  type TaskResult,
  type WorkerHandle,
} from "../../dist/index.js";
import type { Outcome } from "./types-fixtures/tasks.mjs";

type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
declare function same<A, B>(...ok: Equal<A, B> extends true ? [] : [never]): void;

type Tasks = typeof import("./types-fixtures/tasks.mjs");
type Relay = typeof import("./types-fixtures/chanworker.mjs");
type NoDefault = typeof import("./types-fixtures/nodefault.mjs");
const tasksUrl = new URL("./types-fixtures/tasks.mjs", import.meta.url);
const tasks = moduleRef<Tasks>(tasksUrl);
const relay = moduleRef<Relay>(new URL("./types-fixtures/chanworker.mjs", import.meta.url));
const plainUrl = new URL("./types-fixtures/tasks.mjs", import.meta.url);
same<typeof tasks, ModuleRef<Tasks>>();

const counter = new Mutex(new Int32Array(new SharedArrayBuffer(4)));
const [numTx, numRx] = channel<number>();
const [strTx, strRx] = channel<string>();

// ---------------------------------------------------------------------------------------------
// Typed spawn through a moduleRef.

async function typedSpawn(): Promise<void> {
  const h = spawn(tasks, counter, 5);
  same<typeof h, WorkerHandle<Outcome>>();
  const out: Outcome = await h.join();
  spawn(tasks, counter, 5, "label");
  spawnWith({ name: "w" }, tasks, counter, 5);
  // @ts-expect-error a missing argument
  spawn(tasks, counter);
  // @ts-expect-error no arguments at all
  spawn(tasks);
  // @ts-expect-error a wrong argument type (string for number)
  spawn(tasks, counter, "5");
  // @ts-expect-error a wrong argument type (number for the Mutex)
  spawn(tasks, 42, 5);
  // @ts-expect-error a wrong optional argument type
  spawn(tasks, counter, 5, 6);
  // @ts-expect-error one argument too many
  spawn(tasks, counter, 5, "l", "extra");
  // @ts-expect-error a wrong argument with spawnWith
  spawnWith({}, tasks, counter, "5");
  // @ts-expect-error the result is an Outcome, not a string
  const s: string = await h.join();
  // @ts-expect-error Outcome has no 'count'
  (await h.join()).count;
  const total: number = (await h.join()).total;
  void [out, s, total];

  // A worker taking channel ends: (rx: Receiver<number>, tx: Sender<string>) => number.
  const r = spawn(relay, numRx, strTx);
  same<typeof r, WorkerHandle<number>>();
  // @ts-expect-error the ends swapped
  spawn(relay, strTx, numRx);
  // @ts-expect-error a Sender<number> where a Sender<string> is expected (Sender is invariant)
  spawn(relay, numRx, numTx);
  // @ts-expect-error a Receiver<string> where a Receiver<number> is expected
  spawn(relay, strRx, strTx);
  void strRx;
}
void typedSpawn;

// Explicit module type: spawn<typeof import("./worker.js")>(url, ...args).
async function explicitModule(): Promise<void> {
  const h = spawn<Tasks>(tasksUrl, counter, 1);
  same<typeof h, WorkerHandle<Outcome>>();
  spawn<Tasks>("/abs/path/tasks.mjs", counter, 1);
  // @ts-expect-error a wrong argument type against the explicit module type
  spawn<Tasks>(tasksUrl, counter, "1");
  // @ts-expect-error a missing argument against the explicit module type
  spawn<Tasks>(tasksUrl);
  // @ts-expect-error the wrong result type
  const n: number = await h.join();
  void n;
  // (findings/explicit-type-args.ts: `spawn<Relay>(tasks, …)`, a moduleRef of another module with
  // an explicit module type, compiles: the ref is taken as a plain URL.)
}
void explicitModule;

// Untyped spawn: any sendable arguments; join() is unknown (or the explicit result type).
async function untypedSpawn(): Promise<void> {
  const h = spawn(plainUrl, 1, "two", [3]);
  const r = await h.join();
  same<typeof r, unknown>();
  const h2 = spawn<number>(plainUrl, 1);
  same<typeof h2, WorkerHandle<number>>();
  spawn("/abs/worker.mjs");
  // @ts-expect-error untyped spawn still checks Sendable
  spawn(plainUrl, () => 1);
  // @ts-expect-error untyped spawn still checks Sendable (nested)
  spawn(plainUrl, { cb() {} });
}
void untypedSpawn;

// Documented gap: a module with no default export compiles, typed as the module.
spawn(moduleRef<NoDefault>(new URL("./types-fixtures/nodefault.mjs", import.meta.url)));

// ---------------------------------------------------------------------------------------------
// defineWorker: parameters and result must be Sendable.

const w1 = defineWorker((m: Mutex<Int32Array<SharedArrayBuffer>>, n: number) => n * 2);
same<typeof w1, (m: Mutex<Int32Array<SharedArrayBuffer>>, n: number) => number>();
defineWorker(async (s: string) => s.length);
defineWorker((rx: Receiver<number>, tx: Sender<string>) => { tx.send(String(rx.recv())); });
defineWorker(() => ({ when: new Date(), bytes: new Uint8Array(1), tags: new Set(["a"]) }));
defineWorker((...xs: number[]) => xs.length);
defineWorker((o?: { a: number }) => o?.a);
// @ts-expect-error a function parameter
defineWorker((f: () => void) => 1);
// @ts-expect-error a symbol parameter
defineWorker((s: symbol) => 1);
// @ts-expect-error an object parameter with a method
defineWorker((o: { run(): void }) => 1);
// @ts-expect-error a function result
defineWorker(() => () => 1);
// @ts-expect-error an async WeakMap result
defineWorker(async () => new WeakMap());
// @ts-expect-error a result with a method
defineWorker(() => ({ f() {} }));
// @ts-expect-error not a function
defineWorker(42);

// ---------------------------------------------------------------------------------------------
// TaskName / TaskArgs / TaskResult.

same<TaskArgs<Tasks, "fib">, [n: number]>();
same<TaskResult<Tasks, "asyncLen">, number>();
same<TaskResult<Tasks>, Outcome>();
same<TaskResult<Tasks, "counts">, Map<string, number>>();
type Names = TaskName<Tasks>;
const okName: Names = "fib";
const okDefault: Names = "default";
// @ts-expect-error not an export
const badName: Names = "nope";
// @ts-expect-error not a function
const notFn: Names = "notFn";
// @ts-expect-error its result (a function) cannot come back
const makeFn: Names = "makeFn";
void [okName, okDefault, badName, notFn, makeFn];

// ---------------------------------------------------------------------------------------------
// Pools: run / runWith / runMany / spawnBlocking.

async function pools(pool: ThreadPool, p: Pool): Promise<void> {
  const n = pool.run(tasks, "fib", 30);
  same<typeof n, Promise<number>>();
  const len = await pool.run(tasks, "asyncLen", "abc");
  same<typeof len, number>();
  const m = await pool.run(tasks, "counts", ["a", "bb"]);
  same<typeof m, Map<string, number>>();
  await pool.run(tasks, "optional", 1);
  await pool.run(tasks, "optional", 1, "b");
  await pool.run(tasks, "rest");
  await pool.run(tasks, "rest", 1, 2, 3);
  await pool.run(tasks, "default", counter, 1);
  await p.run(tasks, "greet", "x");
  await globalPool().run(tasks, "fib", 1);
  // @ts-expect-error a wrong argument type
  pool.run(tasks, "fib", "30");
  // @ts-expect-error a missing argument
  pool.run(tasks, "fib");
  // @ts-expect-error too many arguments
  pool.run(tasks, "fib", 1, 2);
  // @ts-expect-error not an export of the module
  pool.run(tasks, "nope", 1);
  // @ts-expect-error an export that is not a function
  pool.run(tasks, "notFn");
  // @ts-expect-error an export whose result cannot come back
  pool.run(tasks, "makeFn");
  // @ts-expect-error a wrong rest argument type
  pool.run(tasks, "rest", 1, "2");
  // @ts-expect-error a wrongly typed use of the result
  const s: string = await pool.run(tasks, "fib", 1);
  // @ts-expect-error an argument the parameter accepts (unknown) but that cannot cross
  pool.run(tasks, "echo", () => 1);
  // @ts-expect-error through the Pool interface too
  p.run(tasks, "greet", 1);
  void s;

  const ac = new AbortController();
  const r = pool.runWith({ signal: ac.signal }, tasks, "greet", "x");
  same<typeof r, Promise<string>>();
  // @ts-expect-error runWith checks the arguments
  pool.runWith({ signal: ac.signal }, tasks, "greet", 1);
  // @ts-expect-error runWith checks the export name
  pool.runWith({}, tasks, "nope");

  const many = pool.runMany(tasks, "fib", [[1], [2], [3]]);
  same<typeof many, Promise<number[]>>();
  await pool.runMany(tasks, "optional", [[1], [2, "x"]]);
  // @ts-expect-error runMany checks every argument list
  pool.runMany(tasks, "fib", [[1], ["2"]]);
  // @ts-expect-error runMany checks the argument count
  pool.runMany(tasks, "fib", [[1, 2]]);
  // @ts-expect-error runMany checks the export name
  pool.runMany(tasks, "nope", [[1]]);
  // @ts-expect-error runMany result type
  const ms: string[] = await pool.runMany(tasks, "fib", [[1]]);
  void ms;

  // Plain URLs: any export name, Sendable arguments, result unknown or named.
  const u = await pool.run(plainUrl, "anything", 1, "x");
  same<typeof u, unknown>();
  const un = pool.run<number>("/abs/tasks.mjs", "fib", 1);
  same<typeof un, Promise<number>>();
  const um = pool.runMany<number>(plainUrl, "fib", [[1], [2]]);
  same<typeof um, Promise<number[]>>();
  // @ts-expect-error plain URL: arguments still Sendable
  pool.run(plainUrl, "x", () => 1);
  // @ts-expect-error plain URL: runMany arguments still Sendable
  pool.runMany(plainUrl, "x", [[Symbol("s")]]);
  // @ts-expect-error plain URL: runWith arguments still Sendable
  pool.runWith({}, plainUrl, "x", new WeakMap());
}
void pools;

async function blocking(): Promise<void> {
  const n = spawnBlocking(tasks, "fib", 20);
  same<typeof n, Promise<number>>();
  const g = await spawnBlocking(tasks, "greet", "you");
  same<typeof g, string>();
  const h = spawnBlocking<string>(plainUrl, "sha256", new Uint8Array(4));
  same<typeof h, Promise<string>>();
  // @ts-expect-error spawnBlocking checks the arguments
  spawnBlocking(tasks, "greet", 1);
  // @ts-expect-error spawnBlocking checks the export name
  spawnBlocking(tasks, "nope");
  // @ts-expect-error spawnBlocking refuses an export whose result cannot come back
  spawnBlocking(tasks, "makeFn");
  // @ts-expect-error spawnBlocking result type
  const bad: string = await spawnBlocking(tasks, "fib", 1);
  // @ts-expect-error plain URL: arguments still Sendable
  spawnBlocking(plainUrl, "x", Promise.resolve(1));
  void bad;
}
void blocking;

// ---------------------------------------------------------------------------------------------
// join: each task checked, results typed.

async function joins(): Promise<void> {
  const both = join([tasks, "fib", 30], [tasks, "greet", "x"]);
  same<typeof both, Promise<[number, string]>>();
  const [a, b] = await join([tasks, "asyncLen", "abc"], [tasks, "counts", ["a"]]);
  same<typeof a, number>();
  same<typeof b, Map<string, number>>();
  const plain = await join([plainUrl, "fib", 1], ["/abs/x.mjs", "f"]);
  same<typeof plain, [unknown, unknown]>();
  const mixed = await join([tasks, "fib", 1], [plainUrl, "whatever", 2]);
  same<typeof mixed, [number, unknown]>();
  const explicit = await join<number, string>([plainUrl, "fib", 1], [plainUrl, "greet", "x"]);
  same<typeof explicit, [number, string]>();
  await join([tasks, "fib", 1], [tasks, "rest", 1, 2, 3]);
  // @ts-expect-error first task: wrong argument type
  join([tasks, "fib", "30"], [tasks, "greet", "x"]);
  // @ts-expect-error second task: wrong argument type
  join([tasks, "fib", 30], [tasks, "greet", 1]);
  // @ts-expect-error not an export
  join([tasks, "nope"], [tasks, "fib", 1]);
  // @ts-expect-error a missing argument
  join([tasks, "fib"], [tasks, "fib", 1]);
  // @ts-expect-error an extra argument
  join([tasks, "fib", 1, 2], [tasks, "fib", 1]);
  // @ts-expect-error an export whose result cannot come back
  join([tasks, "makeFn"], [tasks, "fib", 1]);
  // @ts-expect-error plain URL: a function argument cannot cross
  join([plainUrl, "f", () => 1], [plainUrl, "g"]);
  // @ts-expect-error moduleRef: an unknown-typed parameter still refuses a function
  join([tasks, "echo", () => 1], [plainUrl, "g"]);
  // @ts-expect-error a wrongly typed use of the results
  const [x, y]: [string, string] = await join([tasks, "fib", 1], [tasks, "greet", "x"]);
  void [x, y];
}
void joins;

// ---------------------------------------------------------------------------------------------
// parallel: map / forEach / reduce / sum / sort.

async function par(): Promise<void> {
  const data = new Float64Array(new SharedArrayBuffer(8 * 16));
  const out = new Float64Array(new SharedArrayBuffer(8 * 16));
  const ints = new Int32Array(new SharedArrayBuffer(4 * 16));
  const loose: Int32Array = new Int32Array(16); // ArrayBufferLike: checked at run time
  const local = new Float64Array(16); // known to be over an ArrayBuffer

  const m = parallel.map(data, out, tasks, "sq");
  same<typeof m, Promise<void>>();
  await parallel.map(data, data, tasks, "fib"); // (n: number) => number fits (x, i) => number
  await parallel.map(ints, out, tasks, "sq");
  await parallel.map(data, out, plainUrl, "anything");
  await parallel.map(data, out, "/abs/fns.mjs", "anything");
  await parallel.map(loose, loose, tasks, "sq");
  // @ts-expect-error an async export
  parallel.map(data, out, tasks, "sqAsync");
  // @ts-expect-error returns a string
  parallel.map(data, out, tasks, "toStr");
  // @ts-expect-error takes a string
  parallel.map(data, out, tasks, "greet");
  // @ts-expect-error not an export
  parallel.map(data, out, tasks, "nope");
  // @ts-expect-error not a function
  parallel.map(data, out, tasks, "notFn");
  // @ts-expect-error data over an ArrayBuffer
  parallel.map(local, out, tasks, "sq");
  // @ts-expect-error out over an ArrayBuffer
  parallel.map(data, local, tasks, "sq");
  // @ts-expect-error not a numeric array
  parallel.map([1, 2, 3], out, tasks, "sq");

  await parallel.forEach(data, tasks, "sq");
  // @ts-expect-error forEach refuses an async export
  parallel.forEach(data, tasks, "sqAsync");
  // @ts-expect-error forEach refuses an export taking a string
  parallel.forEach(data, tasks, "greet");
  // @ts-expect-error forEach refuses ArrayBuffer-backed data
  parallel.forEach(local, tasks, "sq");

  const total = parallel.reduce(data, tasks, "rest", 0);
  same<typeof total, Promise<number>>();
  // @ts-expect-error reduce refuses an export taking a string
  parallel.reduce(data, tasks, "greet", 0);
  // @ts-expect-error reduce refuses an export returning a string
  parallel.reduce(data, tasks, "toStr", 0);
  // @ts-expect-error reduce needs an identity
  parallel.reduce(data, tasks, "rest");

  const sum = parallel.sum(ints);
  same<typeof sum, Promise<number>>();
  await parallel.sum(loose);
  // @ts-expect-error sum refuses a typed array over an ArrayBuffer
  parallel.sum(local);
  const sorted = await parallel.sort(data, { descending: true });
  same<typeof sorted, Float64Array<SharedArrayBuffer>>();
  // @ts-expect-error sort refuses a typed array over an ArrayBuffer
  parallel.sort(local);
}
void par;
