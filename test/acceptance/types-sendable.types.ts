/**
 * Acceptance type tests, written from the spec (not from test/types): what `Sendable` accepts and
 * refuses, checked both as a type (`IsSendable`, `Send`) and through the APIs that send
 * (`Sender.send` on a `channel<unknown>()`, `share`, untyped `spawn`, `sendArm`, `sendMany`).
 *
 * Checked by `tsc --noEmit -p tsconfig.json`: every `@ts-expect-error` line must be an error, every
 * other line must compile. Nothing here runs.
 */
import {
  AtomicBool,
  AtomicI32,
  AtomicI64,
  AtomicU32,
  AtomicU64,
  Barrier,
  Condvar,
  Mutex,
  MutexGuard,
  Once,
  Receiver,
  RwLock,
  Semaphore,
  Sender,
  ThreadPool,
  WaitGroup,
  channel,
  send,
  sendArm,
  share,
  spawn,
  type IsSendable,
  type Moved,
  type Send,
  type Sendable,
  type SendableValue,
  type Sync,
  type WorkerHandle,
} from "../../dist/index.js";

// ---------------------------------------------------------------------------------------------
// Helpers.

/** Compiles only when `T` is `true`. */
declare function yes<T extends true>(): void;
/** Compiles only when `T` is `false`. */
declare function no<T extends false>(): void;

declare const url: URL;
const [tx] = channel(); // channel<unknown>: the value's own type is checked
declare const anyTx: Sender<unknown>;

/**
 * README "Generic code": TypeScript cannot prove a type parameter sendable, even one already
 * intersected with `Sendable<V>`; each sending API needs a cast there.
 */
function sendEverywhere<V>(v: V & Sendable<V>): void {
  // @ts-expect-error generic value (documented limitation)
  tx.send(v);
  // @ts-expect-error generic value (documented limitation)
  share(v);
  // @ts-expect-error generic value (documented limitation)
  spawn(url, v);
  // @ts-expect-error generic value (documented limitation)
  sendArm(anyTx, v);
  tx.send(v as any);
}
void sendEverywhere;

// ---------------------------------------------------------------------------------------------
// Primitives.

yes<IsSendable<string>>();
yes<IsSendable<number>>();
yes<IsSendable<boolean>>();
yes<IsSendable<bigint>>();
yes<IsSendable<null>>();
yes<IsSendable<undefined>>();
yes<IsSendable<void>>();
yes<IsSendable<"literal">>();
yes<IsSendable<42>>();
yes<IsSendable<10n>>();
yes<IsSendable<true>>();
yes<IsSendable<`id-${number}`>>();
no<IsSendable<symbol>>();
no<IsSendable<typeof Symbol.iterator>>();

tx.send("s");
tx.send(1);
tx.send(true);
tx.send(10n);
tx.send(null);
tx.send(undefined);
share(1n);
spawn(url, "a", 1, 2n, null, undefined, false);
// @ts-expect-error a symbol cannot cross
tx.send(Symbol("x"));
// @ts-expect-error a symbol cannot cross (share)
share(Symbol.for("x"));
// @ts-expect-error a symbol cannot cross (spawn argument)
spawn(url, 1, Symbol("x"));
// @ts-expect-error a symbol cannot cross (sendArm)
sendArm(anyTx, Symbol("x"));

enum Color {
  Red,
  Green,
}
enum Dir {
  Up = "UP",
}
yes<IsSendable<Color>>();
yes<IsSendable<Dir>>();
tx.send(Color.Red);
tx.send(Dir.Up);

// ---------------------------------------------------------------------------------------------
// Plain objects, arrays, tuples, optional properties, readonly, index signatures.

interface Point {
  x: number;
  y: number;
}
type Line = { from: Point; to: Point; label?: string; readonly tags: readonly string[] };
yes<IsSendable<Point>>();
yes<IsSendable<Line>>();
yes<IsSendable<Point[]>>();
yes<IsSendable<readonly Point[]>>();
yes<IsSendable<ReadonlyArray<ReadonlyArray<number>>>>();
yes<IsSendable<[number, string]>>();
yes<IsSendable<readonly [number, string, boolean?]>>();
yes<IsSendable<[first: number, ...rest: string[]]>>();
yes<IsSendable<[]>>();
yes<IsSendable<{}>>(); // an empty object type: no property to refuse
yes<IsSendable<Record<string, number>>>();
yes<IsSendable<{ [k: string]: Point; [i: number]: Point }>>();
yes<IsSendable<Record<"a" | "b", Date>>>();
yes<IsSendable<Partial<Line>>>();
yes<IsSendable<Required<Line>>>();
yes<IsSendable<Readonly<Line>>>();
yes<IsSendable<{ a?: number | undefined; b: number | null }>>();
yes<IsSendable<{ deep: { deeper: { deepest: [Point, Map<string, Set<Date>>] } } }>>();

tx.send({ x: 1, y: 2 });
tx.send({ from: { x: 1, y: 2 }, to: { x: 3, y: 4 }, tags: ["a"] as const });
tx.send([1, "two", [3, [4, { five: 5n }]]]);
tx.send([1, 2] as const);
tx.send({ a: undefined, b: null });
tx.send({});
tx.send([]);
declare const line: Line;
declare const roLine: Readonly<Line>;
declare const tuple: readonly [number, string, boolean?];
tx.send(line);
tx.send(roLine);
tx.send(tuple);
share({ line, tuple });
spawn(url, line, tuple, [line]);

no<IsSendable<{ f: () => void }>>();
no<IsSendable<{ f(): void }>>();
no<IsSendable<{ f?: () => void }>>();
no<IsSendable<{ f?(): void }>>();
no<IsSendable<{ a: { b: { c: () => void } } }>>();
no<IsSendable<(() => void)[]>>();
no<IsSendable<readonly (() => void)[]>>();
no<IsSendable<[number, () => void]>>();
no<IsSendable<readonly [number, symbol]>>();
no<IsSendable<[number, ...(() => void)[]]>>();
no<IsSendable<Record<string, () => void>>>();
no<IsSendable<{ [k: string]: number | (() => void) }>>();
no<IsSendable<{ s: symbol }>>();
no<IsSendable<{ p: Promise<number> }>>();

// @ts-expect-error a method in an object literal
tx.send({ id: 2, draw() {} });
// @ts-expect-error an arrow function property
tx.send({ id: 2, draw: () => {} });
// @ts-expect-error a function nested deep
tx.send({ a: { b: [{ c: () => 1 }] } });
// @ts-expect-error a function in an array
tx.send([1, 2, () => 3]);
// @ts-expect-error a function in a tuple (as const)
tx.send([1, () => 3] as const);
declare const withOptionalFn: { n: number; cb?: () => void };
// @ts-expect-error an optional function property (its type says it may be there)
tx.send(withOptionalFn);
declare const dict: Record<string, (x: number) => number>;
// @ts-expect-error an index signature of functions
tx.send(dict);
// @ts-expect-error a function as a spawn argument
spawn(url, 1, () => 2);
// @ts-expect-error a method nested in a spawn argument
spawn(url, { nested: { go() {} } });
// @ts-expect-error share refuses a function inside
share({ f() {} });

// ---------------------------------------------------------------------------------------------
// Unions and intersections.

yes<IsSendable<number | string>>();
yes<IsSendable<number | undefined>>();
yes<IsSendable<{ kind: "a"; n: number } | { kind: "b"; s: string }>>();
yes<IsSendable<Point & { z: number }>>();
no<IsSendable<number | (() => void)>>();
no<IsSendable<{ kind: "a"; n: number } | { kind: "b"; f(): void }>>();
no<IsSendable<Point & { f(): void }>>();
no<IsSendable<string | symbol>>();
no<IsSendable<number | Promise<number>>>();

declare const maybeFn: number | (() => void);
// @ts-expect-error one union member is a function
tx.send(maybeFn);
declare const shape: { kind: "a"; n: number } | { kind: "b"; s: string };
tx.send(shape);
declare const badShape: { kind: "a"; n: number } | { kind: "b"; run(): void };
// @ts-expect-error one variant has a method
tx.send(badShape);

// ---------------------------------------------------------------------------------------------
// Built-ins carried by value: Date, RegExp, Map, Set, Error, ArrayBuffer, typed arrays, DataView.

yes<IsSendable<Date>>();
yes<IsSendable<RegExp>>();
yes<IsSendable<Map<string, number>>>();
yes<IsSendable<Map<Point, Point[]>>>();
yes<IsSendable<ReadonlyMap<string, Date>>>();
yes<IsSendable<Set<string>>>();
yes<IsSendable<ReadonlySet<bigint>>>();
yes<IsSendable<Map<string, Map<number, Set<Date>>>>>();
yes<IsSendable<Error>>();
yes<IsSendable<TypeError>>();
yes<IsSendable<RangeError>>();
yes<IsSendable<{ err: Error; errors: Error[] }>>();
yes<IsSendable<ArrayBuffer>>();
yes<IsSendable<SharedArrayBuffer>>();
yes<IsSendable<Uint8Array>>();
yes<IsSendable<Uint8Array<ArrayBuffer>>>();
yes<IsSendable<Int32Array<SharedArrayBuffer>>>();
yes<IsSendable<Float64Array<SharedArrayBuffer>>>();
yes<IsSendable<BigInt64Array>>();
yes<IsSendable<BigUint64Array<SharedArrayBuffer>>>();
yes<IsSendable<Uint8ClampedArray>>();
yes<IsSendable<DataView>>();
yes<IsSendable<DataView<SharedArrayBuffer>>>();
yes<IsSendable<{ pixels: Uint8Array; meta: Map<string, string> }>>();

no<IsSendable<Map<string, () => void>>>();
no<IsSendable<Map<() => void, number>>>();
no<IsSendable<Map<symbol, number>>>();
no<IsSendable<Set<() => void>>>();
no<IsSendable<Set<Promise<number>>>>();
no<IsSendable<ReadonlyMap<string, { f(): void }>>>();
no<IsSendable<Map<string, Map<string, Set<symbol>>>>>();
no<IsSendable<{ m: Map<string, () => void> }>>();

tx.send(new Date());
tx.send(/re/g);
tx.send(new Map([["a", 1]]));
tx.send(new Map<string, Set<Date>>());
tx.send(new Set([1, 2, 3]));
tx.send(new Error("boom"));
tx.send(new TypeError("bad", { cause: new Error("inner") }));
tx.send({ failure: new RangeError("r") });
tx.send(new ArrayBuffer(8));
tx.send(new SharedArrayBuffer(8));
tx.send(new Uint8Array(4));
tx.send(new Int32Array(new SharedArrayBuffer(16)));
tx.send(new Float64Array(new ArrayBuffer(16)));
tx.send(new BigInt64Array(2));
tx.send(new DataView(new ArrayBuffer(4)));
tx.send(new DataView(new SharedArrayBuffer(4)));
share(new Map([[1, new Set(["x"])]]));
spawn(url, new Date(), /x/, new Set<number>(), new Uint16Array(2));

// @ts-expect-error a Map of functions
tx.send(new Map([["f", () => 1]]));
// @ts-expect-error a Map keyed by functions
tx.send(new Map([[() => 1, 1]]));
// @ts-expect-error a Set of symbols
tx.send(new Set([Symbol("s")]));
// @ts-expect-error a Map of functions as a spawn argument
spawn(url, new Map<string, () => void>());

// ---------------------------------------------------------------------------------------------
// Never sendable: functions, class instances with methods, symbols, weak collections, Promises, DOM.

no<IsSendable<() => void>>();
no<IsSendable<(x: number) => number>>();
no<IsSendable<new () => object>>();
no<IsSendable<abstract new () => object>>();
no<IsSendable<typeof Date>>(); // a constructor
no<IsSendable<Function>>();
no<IsSendable<WeakMap<object, number>>>();
no<IsSendable<WeakSet<object>>>();
no<IsSendable<WeakRef<object>>>();
no<IsSendable<Promise<number>>>();
no<IsSendable<PromiseLike<number>>>();
no<IsSendable<Promise<void>>>();
no<IsSendable<HTMLElement>>();
no<IsSendable<Node>>();
no<IsSendable<Document>>();
no<IsSendable<HTMLCanvasElement>>();
no<IsSendable<Event>>();
no<IsSendable<{ el: HTMLDivElement }>>();
no<IsSendable<Generator<number>>>();
no<IsSendable<Iterator<number>>>();

// @ts-expect-error a bare function
channel<unknown>()[0].send(() => 1);
// @ts-expect-error a bare function
tx.send(function named() {});
// @ts-expect-error a class (constructor)
tx.send(class {});
// @ts-expect-error a WeakMap
tx.send(new WeakMap());
// @ts-expect-error a WeakSet
tx.send(new WeakSet());
// @ts-expect-error a WeakRef
tx.send(new WeakRef({}));
// @ts-expect-error a Promise
tx.send(Promise.resolve(1));
// @ts-expect-error a Promise in a property
tx.send({ later: Promise.resolve(1) });
declare const el: HTMLElement;
// @ts-expect-error a DOM node
tx.send(el);
// @ts-expect-error a DOM node in a property
tx.send({ target: el });
// @ts-expect-error a WeakMap as a spawn argument
spawn(url, new WeakMap());
// @ts-expect-error a Promise as a spawn argument
spawn(url, Promise.resolve(1));
// @ts-expect-error a WeakMap through share
share(new WeakMap());
// @ts-expect-error a Promise through share
share({ p: Promise.resolve(1) });

// A thenable is a PromiseLike (and has a method): refused.
// @ts-expect-error a thenable
tx.send({ then(resolve: (v: number) => void) { resolve(1); } });

// ---------------------------------------------------------------------------------------------
// Class instances: with methods refused; data-only ones pass the compiler (refused at run time).

class WithMethod {
  x = 1;
  area(): number {
    return this.x;
  }
}
class DataOnly {
  x = 1;
  readonly y: string = "y";
}
class WithGetter {
  private _v = 1;
  get v(): number {
    return this._v;
  }
}
class WithArrowField {
  handler = () => 1;
}
class Sub extends WithMethod {}

no<IsSendable<WithMethod>>();
no<IsSendable<Sub>>();
no<IsSendable<WithArrowField>>();
no<IsSendable<{ shape: WithMethod }>>();
no<IsSendable<WithMethod[]>>();
no<IsSendable<Map<string, WithMethod>>>();
yes<IsSendable<DataOnly>>(); // README: a class instance without methods passes the compiler
yes<IsSendable<WithGetter>>(); // a getter is a property to the compiler

// @ts-expect-error a class instance with a method
tx.send(new WithMethod());
// @ts-expect-error a subclass instance inherits the method
tx.send(new Sub());
// @ts-expect-error a class instance with a function-valued field
tx.send(new WithArrowField());
// @ts-expect-error a class instance with methods, as a spawn argument
spawn(url, new WithMethod());
// @ts-expect-error a class instance with methods, nested
share({ inner: [new WithMethod()] });
tx.send(new DataOnly());
tx.send(new WithGetter());

// Built-in class instances with methods the codec does not carry.
// @ts-expect-error a URL (an object with methods)
tx.send(new URL("https://example.com"));
// @ts-expect-error an AbortController
tx.send(new AbortController());

// ---------------------------------------------------------------------------------------------
// Branded / opaque types.

type UserId = number & { readonly __brand: "UserId" };
declare const brandKey: unique symbol;
type Token = string & { readonly [brandKey]: "Token" };
type Opaque<T, B extends string> = T & { readonly __opaque: B };
type Meters = Opaque<number, "m">;
type BrandedObj = Point & { readonly __kind: "point" };

yes<IsSendable<UserId>>();
yes<IsSendable<Token>>();
yes<IsSendable<Meters>>();
yes<IsSendable<BrandedObj>>();
yes<IsSendable<{ id: UserId; tok: Token; dist: Meters[] }>>();
yes<IsSendable<Map<UserId, Token>>>();
declare const uid: UserId;
declare const tok: Token;
tx.send(uid);
tx.send(tok);
tx.send({ uid, tok });
spawn(url, uid, tok);
const [idTx, idRx] = channel<UserId>();
idTx.send(uid);
// @ts-expect-error a plain number is not a UserId
idTx.send(5);
const gotId: UserId = idRx.recv();
void gotId;

// ---------------------------------------------------------------------------------------------
// any / unknown / never / object: accepted by the compiler (checked at run time).

yes<IsSendable<any>>();
yes<IsSendable<unknown>>();
yes<IsSendable<never>>();
declare const anything: any;
declare const mystery: unknown;
tx.send(anything);
tx.send(mystery);
tx.send({ payload: mystery, more: anything });
share(anything);
spawn(url, mystery, anything);
channel<any>();
channel<unknown>();
channel<{ data: unknown }>();

// ---------------------------------------------------------------------------------------------
// Recursive types (JSON-like): sendable, no "excessively deep" error.

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
interface Tree {
  value: number;
  children: Tree[];
  parent?: Tree;
}
interface BadTree {
  value: number;
  children: BadTree[];
  visit(): void;
}
yes<IsSendable<Json>>();
yes<IsSendable<Tree>>();
yes<IsSendable<Map<string, Tree>>>();
no<IsSendable<BadTree>>();
declare const json: Json;
declare const tree: Tree;
tx.send(json);
tx.send(tree);
channel<Json>();
channel<Tree>();
// @ts-expect-error a recursive type with a method
channel<BadTree>();

// ---------------------------------------------------------------------------------------------
// weft primitives (Sync): shared, sendable anywhere in a message.

declare const mutex: Mutex<Int32Array<SharedArrayBuffer>>;
declare const rw: RwLock<Float64Array<SharedArrayBuffer>>;
declare const cv: Condvar;
declare const sem: Semaphore;
declare const bar: Barrier;
declare const wg: WaitGroup;
declare const once: Once;
declare const ai32: AtomicI32;
declare const au32: AtomicU32;
declare const ab: AtomicBool;
declare const ai64: AtomicI64;
declare const strTx: Sender<string>;
declare const numRx: Receiver<number>;

yes<IsSendable<Mutex<Int32Array<SharedArrayBuffer>>>>();
yes<IsSendable<Mutex>>();
yes<IsSendable<RwLock<Float64Array<SharedArrayBuffer>>>>();
yes<IsSendable<Condvar>>();
yes<IsSendable<Semaphore>>();
yes<IsSendable<Barrier>>();
yes<IsSendable<WaitGroup>>();
yes<IsSendable<Once>>();
yes<IsSendable<AtomicI32>>();
yes<IsSendable<AtomicU32>>();
yes<IsSendable<AtomicBool>>();
yes<IsSendable<AtomicI64>>();
yes<IsSendable<AtomicU64>>();
yes<IsSendable<{ hits: AtomicU64; big: AtomicI64 }>>();
yes<IsSendable<Sender<string>>>();
yes<IsSendable<Receiver<number>>>();
yes<IsSendable<Sync>>();
yes<IsSendable<{ lock: Mutex<Int32Array<SharedArrayBuffer>>; reply: Sender<string>; work: Receiver<number>[] }>>();
yes<IsSendable<Map<string, AtomicI32>>>();

tx.send(mutex);
tx.send(rw);
tx.send({ cv, sem, bar, wg, once, atoms: [ai32, au32, ab, ai64] });
tx.send({ reply: strTx, jobs: numRx });
tx.send([strTx, numRx] as const);
share({ mutex, strTx, numRx });
spawn(url, mutex, rw, cv, sem, bar, wg, once, ai32, au32, ab, ai64, strTx, numRx);
channel<Sender<string>>();
channel<{ reply: Sender<number>; lock: Mutex<Int32Array<SharedArrayBuffer>> }>();
channel<Receiver<Receiver<number>>>();

// Not primitives: guards, pools, handles (objects with methods, not Sync).
declare const guard: MutexGuard<Int32Array<SharedArrayBuffer>>;
declare const pool: ThreadPool;
declare const handle: WorkerHandle<number>;
no<IsSendable<MutexGuard<Int32Array<SharedArrayBuffer>>>>();
no<IsSendable<ThreadPool>>();
no<IsSendable<WorkerHandle<number>>>();
// @ts-expect-error a lock guard cannot cross (Rust: MutexGuard is !Send)
tx.send(guard);
// @ts-expect-error a pool cannot cross
tx.send(pool);
// @ts-expect-error a worker handle cannot cross
tx.send(handle);

// ---------------------------------------------------------------------------------------------
// Moved values are not sendable.

no<IsSendable<Moved<{ data: Uint8Array }>>>();
no<IsSendable<Moved<Uint8Array>>>();
yes<IsSendable<Moved<number>>>(); // Copy types stay usable
yes<IsSendable<Moved<Mutex>>>(); // Sync values are shared

// ---------------------------------------------------------------------------------------------
// SendableValue: an annotation for any sendable value.

const sv1: SendableValue = { a: 1, b: [new Date(), new Map([["k", new Set([1n])]])], e: new Error("x") };
const sv2: SendableValue = mutex;
const sv3: SendableValue = new Uint8Array(2);
// @ts-expect-error a function is not a SendableValue
const sv4: SendableValue = () => 1;
// @ts-expect-error a nested function is not a SendableValue
const sv5: SendableValue = { a: { f() {} } };
// @ts-expect-error a symbol is not a SendableValue
const sv6: SendableValue = Symbol("s");
// @ts-expect-error a Promise is not a SendableValue
const sv7: SendableValue = Promise.resolve(1);
void [sv1, sv2, sv3, sv4, sv5, sv6, sv7];
// FINDING (see report): `function logIt(v: SendableValue) { tx.send(v) }` fails with TS2589
// "Type instantiation is excessively deep" for the first such call in a program (share, spawn,
// sendArm and IsSendable<SendableValue> too); reproduced in /tmp/acc7/findings/. Not asserted here,
// because whether it errors depends on which file the checker reaches first.

// ---------------------------------------------------------------------------------------------
// Send<T> as a bound on the user's own generics.

function relay<T extends Send<T>>(t: Sender<T>, v: T): void {
  // Inside the generic, TypeScript cannot prove `T` sendable: README says cast.
  t.send(v as any);
}
function wrap<T extends Send<T>>(v: T): { v: T } {
  return { v };
}
declare const pointTx: Sender<Point>;
relay(pointTx, { x: 1, y: 2 });
wrap(1);
wrap({ a: [1, 2], d: new Date() });
wrap(mutex);
// @ts-expect-error a function does not meet Send<T>
wrap(() => 1);
// @ts-expect-error a method does not meet Send<T>
wrap({ f() {} });
// @ts-expect-error a symbol does not meet Send<T>
wrap(Symbol("s"));
// @ts-expect-error a Promise does not meet Send<T>
wrap(Promise.resolve(1));
// @ts-expect-error a Map of functions does not meet Send<T>
wrap(new Map([[1, () => 1]]));
// @ts-expect-error a class instance with methods does not meet Send<T>
wrap(new WithMethod());

// Generic code without a bound: the documented limitation (does not compile without a cast).
function relayUnbounded<X>(t: Sender<X>, x: X): void {
  // @ts-expect-error README "Generic code": TypeScript cannot prove X sendable
  t.send(x);
  t.send(x as any);
}
void relayUnbounded;

// A generic container instantiated with sendable / non-sendable arguments.
interface Envelope<T> {
  id: number;
  body: T;
  meta?: Map<string, T>;
}
yes<IsSendable<Envelope<string>>>();
yes<IsSendable<Envelope<Envelope<Point[]>>>>();
no<IsSendable<Envelope<() => void>>>();
no<IsSendable<Envelope<Envelope<{ f(): void }>>>>();
channel<Envelope<Point>>();
// @ts-expect-error a generic envelope around a function
channel<Envelope<() => void>>();

// The send helper, for completeness.
declare const envTx: Sender<Envelope<Point>>;
const env = { id: 1, body: { x: 1, y: 2 } };
send(envTx, env);
