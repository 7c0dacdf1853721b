/**
 * Type tests for Send and Sync (src/types.ts, and the APIs typed with it). Checked by
 * `npm run typecheck` (tsc): every `@ts-expect-error` line must fail to compile, every other line
 * must compile. `messages.test.ts` compiles this file again without the directives and checks that
 * each expected error says what the directive's backticked fragments say (the offending property,
 * the reason) — so an error for some other reason does not pass for the right one.
 *
 * Nothing here runs: the values are `declare`d.
 */
import {
  AtomicI32,
  Mutex,
  RwLock,
  channel,
  codecs,
  defineWorker,
  moduleRef,
  select,
  send,
  sendArm,
  sendAsync,
  share,
  spawn,
  spawnWith,
  trySend,
  type IsSendable,
  type ModuleRef,
  type Moved,
  type Receiver,
  type Send,
  type Sendable,
  type SendableValue,
  type Sender,
  type Shareable,
  type Sync,
  type TaskArgs,
  type TaskName,
  type TaskResult,
  type WorkerHandle,
} from "../../dist/index.js";
import type { Job, Report } from "../workers/typed/job.mjs";

type Job_ = typeof import("../workers/typed/job.mjs");

/** Compiles only if `T` is exactly `true` (or exactly `false` for `no`). */
const yes = <T extends true>(): void => {};
const no = <T extends false>(): void => {};

interface Msg {
  id: number;
  data: ArrayBuffer;
  meta?: { tags: string[] };
}
type Tree = { value: number; children: Tree[]; index: Map<string, Tree> };
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
class Point {
  x = 0;
  y = 0;
}
class Counter {
  n = 0;
  bump(): number {
    return ++this.n;
  }
}

declare const url: URL;
declare const sharedInts: Int32Array<SharedArrayBuffer>;
declare const mutex: Mutex<Int32Array<SharedArrayBuffer>>;
declare function check<V>(value: V & Sendable<V>): void;

// ---------------------------------------------------------------------------------------------
// Sendable: what may cross to another worker.

check(1);
check("text");
check(10n);
check(true);
check(null);
check(undefined);
check([1, "a", null] as const);
check({ a: 1, b: [1, 2, { c: "d" }], e: { f: undefined } });
check(new Map([["k", { v: [1, 2] }]]));
check(new Set([1, 2]));
check(new Date());
check(/re/g);
check(new Error("boom"));
check(new ArrayBuffer(8));
check(new Uint8Array(8));
check(new Float64Array(new SharedArrayBuffer(64)));
check(new DataView(new ArrayBuffer(8)));
check(new SharedArrayBuffer(8));
check({} as Msg); // an interface: no index signature needed
check({} as Tree); // recursive types
check({} as Json); // recursive unions
check(mutex); // Sync values cross by reference
check(new AtomicI32());
check({} as Sender<number>);
check({} as Receiver<string>);
check({ lock: mutex, rows: [sharedInts] });
check({} as any); // escape hatch: checked at run time
check({} as unknown); // escape hatch: checked at run time
check(new Point()); // NOT caught: a class instance without methods looks like a plain object (run time: DataCloneError)

// The seed's examples: an object with a method, a closure, a WeakMap.
// @ts-expect-error a method names its property: `'f'`, `a function cannot cross to another worker`
check({ f() {} });
const base = 10;
// @ts-expect-error a closure: `a function cannot cross to another worker`
check((x: number) => x + base);
// @ts-expect-error `a weak collection cannot cross to another worker`
check(new WeakMap<object, number>());
// @ts-expect-error `a weak collection cannot cross to another worker`
check(new WeakSet<object>());
// @ts-expect-error `a weak collection cannot cross to another worker`
check(new WeakRef({}));
// @ts-expect-error `a symbol cannot cross to another worker`
check(Symbol("s"));
// @ts-expect-error `a Promise cannot cross to another worker`
check(Promise.resolve(1));
// @ts-expect-error a class instance with a method: `'bump'`, `a function cannot cross`
check(new Counter());
// @ts-expect-error deep inside, reported at the property: `'b'`, `a function cannot cross`
check({ a: { b: () => 1 }, c: 2 });
// @ts-expect-error in an array: `a function cannot cross`
check({ list: [1, 2, () => 3] });
// @ts-expect-error in a Map's values: `a function cannot cross`
check(new Map([["k", () => 1]]));
// @ts-expect-error in a Set: `a symbol cannot cross`
check(new Set([Symbol("s")]));
// @ts-expect-error a union with a function member: `a function cannot cross`
check(1 as number | (() => void));
// @ts-expect-error a DOM node (an object with methods): `a function cannot cross`
check(document.body);
// @ts-expect-error a class: `a function cannot cross`
check(Counter);

yes<IsSendable<Msg>>();
yes<IsSendable<Tree>>();
yes<IsSendable<Mutex<Int32Array>>>();
no<IsSendable<Counter>>();
no<IsSendable<{ cb: () => void }>>();
no<IsSendable<WeakMap<object, 1>>>();

// SendableValue: a plain annotation type.
const sv: SendableValue = { a: [1, "b", new Date(), new Map([[1, 2]])] };
// @ts-expect-error `'SendableValue'`
const svBad: SendableValue = { a: [1, () => 1] };

// Send<T>: the bound form, for type parameters.
function typedChannel<T extends Send<T>>(): [Sender<T>, Receiver<T>] {
  return channel<T>();
}
typedChannel<Msg>();
// @ts-expect-error `a function cannot cross`
typedChannel<() => void>();

// ---------------------------------------------------------------------------------------------
// Channels: the element type, and every value sent.

channel(); // no T: unknown (what is sent is still checked)
channel<unknown>(); // escape hatch
channel<any>();
channel<number>({ codec: codecs.f64 });
channel<Msg>();
channel<Tree>();
channel<Json>();
channel<Sender<number>>(); // channel ends are Sync: they cross
channel<{ lock: Mutex<Int32Array> }>();
// @ts-expect-error `does not satisfy the constraint`, `a function cannot cross`
channel<() => void>();
// @ts-expect-error names the property: `'f'`, `a function cannot cross`
channel<{ id: number; f(): void }>();
// @ts-expect-error `a weak collection cannot cross`
channel<WeakMap<object, number>>();
// @ts-expect-error `a Promise cannot cross`
channel<Promise<number>>();
// @ts-expect-error `a symbol cannot cross`
channel<symbol>();

const [tx, rx] = channel();
tx.send({ id: 1, tags: ["a"], when: new Date() });
tx.send(new Uint8Array(4));
// @ts-expect-error `'f'`, `a function cannot cross`
tx.send({ f() {} });
// @ts-expect-error `a function cannot cross`
tx.send(() => 1);
// @ts-expect-error `a weak collection cannot cross`
tx.send(new WeakMap());
// @ts-expect-error `a function cannot cross`
tx.trySend({ cb: () => 1 });
// @ts-expect-error `a Promise cannot cross`
void tx.sendAsync(Promise.resolve(1));
// @ts-expect-error `a function cannot cross`
tx.sendMany([1, () => 2]);
// @ts-expect-error `a function cannot cross`
select([rx, sendArm(tx, { run: () => 1 })]);
const got: unknown = rx.recv();

const [txMsg, rxMsg] = channel<Msg>();
txMsg.send({ id: 1, data: new ArrayBuffer(8) });
txMsg.sendMany([{ id: 1, data: new ArrayBuffer(1) }]);
// @ts-expect-error a wrong type is still a wrong type: `'string' is not assignable`
txMsg.send("not a Msg");
const m: Msg = rxMsg.recv();

const [txN] = channel<number>({ codec: codecs.f64 });
txN.send(1.5);
// @ts-expect-error `not assignable to parameter of type 'number'`
txN.send("1.5");

// Generic code: TypeScript cannot prove a type parameter Sendable (it has no trait bounds that
// imply it), so passing one through needs an explicit opt-out.
function relay<X>(out: Sender<X>, x: X): void {
  // @ts-expect-error `is not assignable to type 'Sendable<X>'`
  out.send(x);
  out.send(x as any);
}

// ---------------------------------------------------------------------------------------------
// Moves: send(tx, value) asserts the value moved.

const [txB] = channel<ArrayBuffer>();
const buf = new ArrayBuffer(1024);
send(txB, buf);
// @ts-expect-error the moved buffer's methods: `not callable`
buf.slice(0);
// @ts-expect-error the method form refuses it: `moved by send()`
txB.send(buf);
// @ts-expect-error `moved by send()`
select([sendArm(txB, buf)]);
// @ts-expect-error `moved by send()`
spawn(url, buf);
// @ts-expect-error `moved by send()`
share(buf);
const later = buf; // an alias made *after* the move is moved too
// @ts-expect-error `moved by send()`
txB.send(later);
// @ts-expect-error `moved by send()`
trySend(txB, later);
// @ts-expect-error sending it again: `moved by send()`
send(txB, buf);
// (After a failed send(tx, buf) the variable carries that error's type, so later misuses of it
// are not reported again: fix the first one.)

const [txV] = channel<Float64Array<ArrayBuffer>>();
const samples = new Float64Array(256);
trySend(txV, samples);
// @ts-expect-error `not callable`
samples.fill(0);
// @ts-expect-error iterating it: `[Symbol.iterator]()`
for (const s of samples) void s;
// @ts-expect-error `moved by send()`
txV.send(samples);

const msg: Msg = { id: 7, data: new ArrayBuffer(16) };
send(txMsg, msg); // the whole message moved, as in Rust
// @ts-expect-error reading through it: `does not exist on type 'never'`
msg.data.byteLength;
// @ts-expect-error `moved by send()`
txMsg.send(msg);

// Moved<T> keeps plain values (copied, Rust's `Copy`) and Sync values (shared) usable.
let count = 3;
send(tx, count);
send(tx, count);
count += 1;
const [txLock] = channel<Mutex<Int32Array<SharedArrayBuffer>>>();
send(txLock, mutex);
mutex.withLock((v) => v[0]);
const kept: Moved<number> = 1;

// What the compiler cannot see (documented; the run time catches these with MovedError):
const alias = new ArrayBuffer(8);
const aliasView = new Uint8Array(alias); // an alias made *before* the move
send(txB, alias);
txB.send(aliasView.buffer); // compiles: aliasView was not moved, its buffer was
const n: number = alias.byteLength; // compiles: a property read is `never`, assignable anywhere
new Uint8Array(alias); // compiles: a moved buffer is still an ArrayBuffer to other APIs
const again = new ArrayBuffer(8);
for (let i = 0; i < 2; i++) send(txB, again); // compiles: narrowing does not flow round loops
const asyncBuf = new ArrayBuffer(8);
void sendAsync(txB, asyncBuf);
txB.send(asyncBuf); // compiles: an async function cannot assert

// ---------------------------------------------------------------------------------------------
// Typed spawn.

const jobUrl = moduleRef<Job_>(new URL("../workers/typed/job.mjs", import.meta.url));
declare const job: Job;
const h = spawn(jobUrl, mutex, job);
const report: Promise<Report> = h.join();
spawnWith({ name: "typed" }, jobUrl, mutex, job);
// @ts-expect-error a wrong argument: `'number' is not assignable`
spawn(jobUrl, mutex, 42);
// @ts-expect-error a missing argument: `target requires 2`
spawn(jobUrl, mutex);
// @ts-expect-error a wrong result: `'Report' is not assignable to type 'string'`
const wrongResult: string = await spawn(jobUrl, mutex, job).join();
// @ts-expect-error `target allows only 2`
spawnWith({}, jobUrl, mutex, job, "extra");

// An explicit module type instead of a moduleRef:
const h2: WorkerHandle<Report> = spawn<Job_>(url, mutex, job);
// @ts-expect-error `'string' is not assignable`
spawn<Job_>(url, "mutex", job);

// Untyped: every argument must still be Sendable.
spawn(url, 1, "a", mutex, new Map([[1, 2]]));
// @ts-expect-error `a weak collection cannot cross`
spawn(url, new WeakMap());
// @ts-expect-error `a function cannot cross`
spawn(url, 1, () => 2);
// @ts-expect-error `'f'`, `a function cannot cross`
spawnWith({}, url, { f() {} });
// As before, an explicit result type:
const h3: WorkerHandle<number> = spawn<number>(url, "slot");

// defineWorker checks a worker function's parameters and (awaited) result.
const w1 = defineWorker((a: number, b: { xs: number[] }) => a + b.xs.length);
const w2 = defineWorker(async (lock: Mutex<Int32Array>) => lock.isLocked);
// @ts-expect-error `parameters and result must be Sendable`
defineWorker((cb: () => void) => 1);
// @ts-expect-error `parameters and result must be Sendable`
defineWorker(() => () => 1);

// TaskName / TaskArgs / TaskResult: how a pool's run(ref, "name", ...args) is typed.
declare function run<M, K extends TaskName<M>, A extends TaskArgs<M, K> = TaskArgs<M, K>>(
  module: ModuleRef<M>,
  name: K,
  ...args: A & Sendable<A>
): Promise<TaskResult<M, K>>;
const sq: Promise<number> = run(jobUrl, "square", 4);
const rep: Promise<Report> = run(jobUrl, "default", mutex, job);
yes<TaskName<Job_> extends "default" | "square" | "echo" ? true : false>();
// @ts-expect-error an unknown export: `'"cube"' is not assignable`, `TaskName`
run(jobUrl, "cube", 4);
// @ts-expect-error `'string' is not assignable`
run(jobUrl, "square", "4");

// ---------------------------------------------------------------------------------------------
// Sync, and what a lock may guard (Shareable).

const s1: Sync = mutex;
const s2: Sync = new AtomicI32();
const s3: Sync = {} as Sender<number>;
// @ts-expect-error a plain object is not Sync: `type 'Sync'`
const s4: Sync = { lock() {} };

new Mutex();
new Mutex(new Int32Array(new SharedArrayBuffer(4)));
new Mutex(new SharedArrayBuffer(16));
new Mutex({ hits: new AtomicI32(), rows: [new Float64Array(new SharedArrayBuffer(64))], inner: mutex });
new Mutex(new DataView(new SharedArrayBuffer(8)));
new Mutex({} as Int32Array); // compiles: over some ArrayBufferLike, the compiler cannot tell (run time: TypeError)
// @ts-expect-error `a typed array over an ArrayBuffer is copied, not shared`
new Mutex(new Int32Array(4));
// @ts-expect-error `a plain value is copied to each worker`
new Mutex(0);
// @ts-expect-error `'count'`, `a plain value is copied to each worker`
new Mutex({ count: 0, rows: sharedInts });
// @ts-expect-error `an ArrayBuffer is copied, not shared`
new Mutex(new ArrayBuffer(8));
// @ts-expect-error `a function cannot be shared`
new Mutex(() => 1);
// @ts-expect-error `a typed array over an ArrayBuffer is copied`
Mutex.at(new SharedArrayBuffer(8), 0, new Float64Array(2));
new RwLock({ config: new Uint8Array(new SharedArrayBuffer(64)) });
// @ts-expect-error `a plain value is copied to each worker`
new RwLock({ version: 1 });
yes<Shareable<Int32Array<SharedArrayBuffer>> extends Int32Array<SharedArrayBuffer> ? true : false>();

// Receiver.recvInto: a typed array of the messages' kind; none for other message types.
declare const numRx: Receiver<number>, bigRx: Receiver<bigint>, strRx: Receiver<string>;
const intoCount: number = numRx.recvInto(new Float64Array(8));
numRx.recvInto(new Int32Array(8), { timeout: 5 });
bigRx.recvInto(new BigInt64Array(8));
void bigRx.recvIntoAsync(new BigUint64Array(8));
// @ts-expect-error `BigInt64Array<ArrayBuffer>' is not assignable to parameter of type 'Float64Array`
numRx.recvInto(new BigInt64Array(8));
// @ts-expect-error `Float64Array<ArrayBuffer>' is not assignable to parameter of type 'BigInt64Array`
bigRx.recvInto(new Float64Array(8));
// @ts-expect-error `never`
strRx.recvInto(new Float64Array(8));
// @ts-expect-error `number[]`
numRx.recvInto([0, 0]);

// share(): what it carries must be Sendable.
share({ lock: mutex, n: 1, tags: new Set(["a"]) });
// @ts-expect-error `'f'`, `a function cannot cross`
share({ lock: mutex, f() {} });
// @ts-expect-error `a weak collection cannot cross`
share(new WeakMap());

export { intoCount, got, m, sv, svBad, kept, n, report, wrongResult, h2, h3, w1, w2, sq, rep, s1, s2, s3, s4 };

// Regressions (a helper's type tests, thirteenth session): a recursive type outside Sendable's fast
// path — one holding a buffer or a typed array — and SendableValue itself unfolded without end:
// TS2589 "Type instantiation is excessively deep and possibly infinite" at the first send of one.
// Sendable now checks part by part to a fixed depth (MaxDepth in src/types.ts) and takes what
// lies deeper as it is (the codec still checks it at run time).
{
  type Json = string | number | boolean | null | Uint8Array | Json[] | { [key: string]: Json };
  const [jtx] = channel<Json>();
  const j = { a: [1, "x", new Uint8Array(2), { b: null }] } as Json;
  jtx.send(j);
  share(j);
  const [anyTx] = channel();
  const logValue = (v: SendableValue): void => anyTx.send(v);
  logValue({ when: new Date(0), bytes: new Uint8Array(1), list: [1, 2] });
  // Still refused within the checked depth: a function in a nested part.
  // @ts-expect-error a function three levels down, at `c`: `a function cannot cross`
  anyTx.send({ a: { b: { c: () => 1 } } });
}

// Regression (a helper's type tests, thirteenth session): Moved<T> mapped an array type as an
// array (a homomorphic mapped type keeps arrays arrays), so a moved array could still be iterated,
// and its methods called. Mapped as an object now, every member is `never`. (Spreading one,
// `[...arr]`, still compiles: TypeScript does not check it the same way. The run time does:
// the buffers inside were detached.)
{
  const [atx] = channel<Float64Array[]>();
  const arr = [new Float64Array(2)];
  send(atx, arr);
  // @ts-expect-error iterating a moved array: `[Symbol.iterator]()`
  for (const x of arr) void x;
  // @ts-expect-error calling a moved array's method: `not callable`
  arr.map((x: unknown) => x);
  // @ts-expect-error pushing onto a moved array: `not callable`
  arr.push(new Float64Array(1));
}
