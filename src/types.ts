/**
 * Send and Sync, checked by the compiler (DESIGN §7).
 *
 * Rust decides at compile time what may cross to another thread: `T: Send` values move, `T: Sync`
 * values are shared. weft's equivalents are types:
 *
 * - `Sendable<T>` is `T` when every part of `T` can cross a worker boundary, and otherwise `T` with
 *   each offending part replaced by `NotSendable<"why">`. APIs that send take `V & Sendable<V>`
 *   (inferred from the argument), so a function, a class method, a symbol, a `WeakMap`, a `Promise`
 *   or a moved buffer is a compile error that names the property (`Types of property 'f' are
 *   incompatible … NotSendable<"a function cannot cross to another worker …">`).
 * - `Sync` is the type of weft's primitives over shared memory (locks, atomics, channel ends):
 *   they cross by reference. `Shareable<T>` is what a lock may guard: `Sync` values, typed arrays
 *   over a `SharedArrayBuffer`, and arrays / plain objects of those.
 * - `Moved<T>` is what a variable becomes after `send(tx, value)` moved it: its members are
 *   `never` and every weft API refuses it (see src/channel/move.ts).
 * - Worker modules: `TaskArgs<M, K>` / `TaskResult<M, K>` read a module's exported function,
 *   `moduleRef<M>(url)` brands a URL with the module's type so `spawn` (and a pool) infer them.
 *
 * What types cannot see (class instances without methods, getters, aliases of a moved buffer) is
 * caught at run time by the codec and the move helpers; docs/design.md lists both sides.
 */
import type { SharedPrimitive } from "./share/index.js";

// ---------------------------------------------------------------------------------------------
// Markers.

/**
 * Rust's `Sync`: a weft primitive over shared memory (`Mutex`, `RwLock`, `Condvar`, atomics,
 * `Semaphore`, `Barrier`, `WaitGroup`, `Once`, channel `Sender`/`Receiver`). Sending one shares it:
 * the other worker gets the same primitive over the same memory, not a copy.
 */
export interface Sync extends SharedPrimitive {}

declare const NOT_SENDABLE: unique symbol;
declare const NOT_SHAREABLE: unique symbol;
declare const MOVED: unique symbol;

/**
 * Stands in the place of a part of a value that cannot cross to another worker; `Why` says why.
 * No value has this type, so passing the value is a compile error that names the part.
 */
export interface NotSendable<Why extends string> {
  readonly [NOT_SENDABLE]: Why;
}

/** Stands in the place of a part a lock cannot guard (it would be copied, not shared). */
export interface NotShareable<Why extends string> {
  readonly [NOT_SHAREABLE]: Why;
}

/** The brand a moved value carries (see `Moved`). */
export interface MovedBrand {
  readonly [MOVED]: true;
}

// ---------------------------------------------------------------------------------------------
// Helpers.

type IsAny<T> = 0 extends 1 & T ? true : false;
type IsUnknown<T> = unknown extends T ? (IsAny<T> extends true ? false : true) : false;

/** Values copied as they are. (`void` is `undefined` at run time.) */
type Plain = Primitive | void;
type Primitive = string | number | boolean | bigint | null | undefined;

/** Anything callable or constructible. */
type AnyFunction = ((...args: any) => any) | (abstract new (...args: any) => any);

/** Built-ins the structured codec carries by value, whole. */
type ByValue = Date | RegExp | Error | ArrayBuffer | SharedArrayBuffer | ArrayBufferView;

/** Built-ins that can never cross (`never` for anything else): the message says why. */
type Refused<T> =
  T extends ReadonlyMap<unknown, unknown> | ReadonlySet<unknown> | ByValue ? never
  : T extends AnyFunction ? NotSendable<"a function cannot cross to another worker (send data; name code by module URL)">
  : T extends symbol ? NotSendable<"a symbol cannot cross to another worker">
  : T extends WeakMap<any, any> | WeakSet<any> | WeakRef<any> ? NotSendable<"a weak collection cannot cross to another worker">
  : T extends PromiseLike<unknown> ? NotSendable<"a Promise cannot cross to another worker (await it, then send the value)">
  : never;

type MovedMessage = NotSendable<"this value was moved by send(); it can no longer be used or sent">;

// ---------------------------------------------------------------------------------------------
// Sendable.

/**
 * The type of a value that may cross to another worker, checked part by part (Rust's `T: Send`).
 *
 * `Sendable<T>` is `T` when all of `T` can cross, and otherwise `T` with each offending part
 * replaced by `NotSendable<"why">`, so `V & Sendable<V>` accepts exactly the sendable values and
 * the compiler's error names the offending property. What crosses:
 * - primitives (not `symbol`), and arrays, tuples and plain objects of sendable values;
 * - `Map`/`Set` of sendable values, `Date`, `RegExp`, `Error`, `ArrayBuffer` (copied, or moved by
 *   `send(tx, v)`), typed arrays and `DataView`;
 * - `Sync` values (weft primitives, channel ends) and `SharedArrayBuffer`s: shared, not copied.
 *
 * What does not: functions and class instances with methods, symbols, `WeakMap`/`WeakSet`/`WeakRef`,
 * `Promise`s, DOM nodes (objects with methods), and values already moved (`Moved<T>`).
 * `any` and `unknown` are accepted (checked at run time instead); a class instance without methods
 * looks like a plain object to the compiler and is refused at run time (`DataCloneError`).
 */
export type Sendable<T> =
  IsAny<T> extends true ? T
  : [T] extends [never] ? T
  : IsUnknown<T> extends true ? T
  : [Extract<T, MovedBrand>] extends [never] ? ([T] extends [Settled] ? T : SendableParts<T, []>)
  : MovedMessage;

/**
 * How deep `Sendable` checks part by part: below that a part is taken as it is (the run-time codec
 * still checks it). A recursive type outside the `Settled` fast path — one holding a buffer or a
 * typed array (`type Json = … | Uint8Array | Json[] | { [k: string]: Json }`), or `SendableValue`
 * itself — otherwise unfolded without end: TS2589, "excessively deep" (a helper's type tests,
 * thirteenth session).
 */
type MaxDepth = 12;

/** `Sendable` at nesting depth `D["length"]` (`Sendable` is depth 0, spelled out for its error messages). */
type SendableAt<T, D extends readonly unknown[]> =
  IsAny<T> extends true ? T
  : [T] extends [never] ? T
  : IsUnknown<T> extends true ? T
  : [Extract<T, MovedBrand>] extends [never]
    ? [T] extends [Settled] ? T
      : D["length"] extends MaxDepth ? ([Refused<T>] extends [never] ? T : Refused<T>)
      : SendableParts<T, D>
  : MovedMessage;

/**
 * A fast path, and what keeps recursive types (JSON-like unions) from instantiating forever: a
 * type assignable to this union is sendable as it is. (ArrayBuffers and views are left out: a
 * moved one inside an object is found by the part-by-part check.)
 */
type Settled =
  | Primitive
  | Sync
  | Date | RegExp | Error | SharedArrayBuffer
  | readonly Settled[]
  | ReadonlyMap<Settled, Settled>
  | ReadonlySet<Settled>
  | { readonly [key: string]: Settled };

/** Distributes over unions: each member is checked on its own. */
type SendableParts<T, D extends readonly unknown[]> =
  T extends Plain | Sync | ByValue ? T
  : T extends ReadonlyMap<infer K, infer V> ? ReadonlyMap<SendableAt<K, [...D, 0]>, SendableAt<V, [...D, 0]>>
  : T extends ReadonlySet<infer V> ? ReadonlySet<SendableAt<V, [...D, 0]>>
  : [Refused<T>] extends [never] ? (T extends object ? { [K in keyof T]: SendableAt<T[K], [...D, 0]> } : T)
  : Refused<T>;

/** `true` when `Sendable<T>` accepts `T`. */
export type IsSendable<T> = [T] extends [Sendable<T>] ? true : false;

/**
 * Rust's `T: Send` bound, for type parameters: `<T extends Send<T>>` holds exactly when `T` is
 * sendable (`channel<T>()` is declared so). It is `unknown` for a sendable `T`, and otherwise
 * names what is wrong, part by part, like `Sendable<T>`. (A bound cannot be `Sendable<T>` itself:
 * TypeScript rejects a type parameter constrained by a conditional type of itself as circular.)
 */
export type Send<T> = [T] extends [Sendable<T>] ? unknown : SendReport<T>;

type SendReport<T> =
  [Extract<T, MovedBrand>] extends [never]
    ? [Refused<T>] extends [never] ? ReportParts<T> : Refused<T>
    : MovedMessage;

type ReportParts<T> =
  [T] extends [ReadonlyMap<infer K, infer V>] ? ReadonlyMap<Sendable<K>, Sendable<V>>
  : [T] extends [ReadonlySet<infer V>] ? ReadonlySet<Sendable<V>>
  : { [K in keyof T]: Sendable<T[K]> };

/**
 * A sendable value, without reference to a particular type: for annotations such as
 * `function log(v: SendableValue)`. (Interfaces are not assignable to it — they have no index
 * signature — so generic APIs use `Sendable<T>` instead.)
 */
export type SendableValue =
  | Primitive
  | Sync
  | ByValue
  | readonly SendableValue[]
  | ReadonlyMap<SendableValue, SendableValue>
  | ReadonlySet<SendableValue>
  | { readonly [key: string]: SendableValue };

// ---------------------------------------------------------------------------------------------
// Moves.

/**
 * What a variable is after `send(tx, value)` moved it (Rust's "value moved here"): every member is
 * `never` — calling a method, iterating or reading through it is an error — and it carries
 * `MovedBrand`, which every weft API that sends refuses. Plain values (numbers, strings, …) are
 * copied, like Rust's `Copy` types, and `Sync` values and shared memory are shared: they stay usable.
 */
export type Moved<T> =
  T extends Plain | Sync | SharedArrayBuffer | ArrayBufferView<SharedArrayBuffer> ? T
  : { [K in keyof T as K]: never } & MovedBrand;

// ---------------------------------------------------------------------------------------------
// Shareable: what a lock may guard.

/**
 * What `Mutex<T>` / `RwLock<T>` may guard, checked part by part: `T` when every part lives in
 * shared memory — `Sync` values, `SharedArrayBuffer`, typed arrays and `DataView`s over a
 * `SharedArrayBuffer` (or over a buffer the compiler cannot tell: `ArrayBufferLike`), and arrays /
 * plain objects of those — otherwise `T` with each offending part replaced by `NotShareable<"why">`.
 * A value copied to each worker would not be guarded by anything, so it is refused.
 */
export type Shareable<T> =
  IsAny<T> extends true ? T
  : [T] extends [never] ? T
  : IsUnknown<T> extends true ? T
  : [T] extends [void | undefined] ? T
  : ShareableParts<T>;

type ShareableParts<T> =
  T extends Sync | SharedArrayBuffer ? T
  : T extends ArrayBufferView
    ? ([T["buffer"]] extends [ArrayBuffer] ? NotShareable<"a typed array over an ArrayBuffer is copied, not shared: create it over a SharedArrayBuffer"> : T)
  : T extends Plain ? NotShareable<"a plain value is copied to each worker, not shared: guard a typed array over a SharedArrayBuffer or an Atomic">
  : T extends AnyFunction ? NotShareable<"a function cannot be shared between workers">
  : T extends ArrayBuffer ? NotShareable<"an ArrayBuffer is copied, not shared: use a SharedArrayBuffer">
  : T extends object ? { [K in keyof T]: Shareable<T[K]> }
  : NotShareable<"not shared memory">;

// ---------------------------------------------------------------------------------------------
// Worker modules: typed spawn and pool tasks.

/** A function a worker can run: called with the (revived) arguments; its awaited result comes back. */
export type WorkerFunction = (...args: any[]) => unknown;

/** A module whose default export a spawned worker runs (`typeof import("./worker.js")`). */
export interface WorkerModule {
  default: WorkerFunction;
}

/**
 * Names of the exports of module type `M` that are functions whose result can cross back
 * (`Sendable`: Rust's `JoinHandle<R>` needs `R: Send`): the tasks a pool can run. A function
 * that returns a function, say, is not one (at run time its call would reject with DataCloneError).
 */
export type TaskName<M> = { [K in keyof M]: M[K] extends (...args: any[]) => infer R ? ([Awaited<R>] extends [Sendable<Awaited<R>>] ? K : never) : never }[keyof M] &
  string;

/** Parameters of export `K` (default: the default export) of module type `M`. */
export type TaskArgs<M, K extends keyof M = "default" & keyof M> = M[K] extends (...args: infer A) => unknown ? A : never;

/** What running export `K` of module type `M` resolves to (its awaited return value). */
export type TaskResult<M, K extends keyof M = "default" & keyof M> = M[K] extends (...args: any[]) => infer R ? Awaited<R> : never;

declare const MODULE: unique symbol;

/**
 * A module URL that carries the module's type, so `spawn(ref, ...args)` (and a pool's
 * `run(ref, "name", ...args)`) check the arguments and type the result. Make one with
 * `moduleRef<typeof import("./worker.js")>(new URL("./worker.js", import.meta.url))`.
 */
export type ModuleRef<M> = URL & { readonly [MODULE]?: M };

/**
 * A module URL that carries no module type: a string or a plain `URL` (not a `moduleRef`). The
 * untyped forms of the pool's `run`/`runWith`/`runMany`/`spawnBlocking` take it, so a typed ref
 * never silently falls through to them.
 */
export type PlainModuleUrl = string | (URL & { readonly [MODULE]?: undefined });

/**
 * Brands `url` with the type of the module it points at (no run-time cost: it returns `url`).
 *
 * ```ts
 * const sum = moduleRef<typeof import("./sum.js")>(new URL("./sum.js", import.meta.url));
 * const n = await spawn(sum, shared, 0, 1000).join(); // args checked, n: number
 * ```
 * @throws TypeError unless `url` is a URL.
 */
export function moduleRef<M>(url: URL): ModuleRef<M> {
  if (!(url instanceof URL)) {
    throw new TypeError(`moduleRef: expected a URL (new URL("./worker.js", import.meta.url)), got ${url === null ? "null" : typeof url}`);
  }
  return url as ModuleRef<M>;
}

/** The reason a worker function's signature is refused, or `unknown` when it is fine. */
type WorkerCheck<F> = F extends (...args: infer A) => infer R
  ? [A, Awaited<R>] extends [Sendable<A>, Sendable<Awaited<R>>]
    ? unknown
    : NotSendable<"a worker function's parameters and result must be Sendable">
  : NotSendable<"a worker's export must be a function">;

/**
 * Declares a worker function (a module's default export, or a pool task): returns `fn` itself,
 * after the compiler has checked that its parameters and (awaited) result are `Sendable` — what
 * crosses to and from the worker.
 *
 * ```ts
 * // worker.ts
 * export default defineWorker((counter: Mutex<Int32Array>, n: number) => n * 2);
 * ```
 * @throws TypeError unless `fn` is a function.
 */
export function defineWorker<F extends WorkerFunction>(fn: F & WorkerCheck<F>): F {
  if (typeof fn !== "function") throw new TypeError(`defineWorker: expected a function, got ${fn === null ? "null" : typeof fn}`);
  return fn;
}
