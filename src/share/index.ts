/**
 * share() / revive(): how weft primitives cross to another thread.
 *
 * A primitive is a view over shared memory plus a little thread-local JavaScript. Structured clone
 * copies the `SharedArrayBuffer` by reference but drops the class, so `share(value)` rewrites every
 * primitive found (at any depth in arrays, plain objects, Maps, Sets and Errors' causes) into a
 * small record naming its kind, buffer and offset; `revive(wire)` on the other side rebuilds the
 * same primitives over the same memory. The wire also carries the thread registry, so the receiving thread joins it (see
 * thread/registry), and the buffer-directory ids of the shared buffers in it, so the receiving
 * thread can later decode messages that name them (see share/directory). Anything else is left
 * for structured clone to copy.
 */
import { adoptRegistry, pinTable, registryBuffer } from "../thread/registry.js";
import { learnBuffers, nameBuffers } from "./directory.js";
import { describeValue, requireSharedMemory } from "../memory/layout.js";
import type { Sendable } from "../types.js";
import { DataCloneError, MovedError } from "../errors.js";
import { isDetached } from "./transfer.js";
import { isIndex, mostlyEmpty, setOwn } from "./props.js";

/** Method by which a primitive describes itself for the wire. */
export const SHARE: unique symbol = Symbol.for("weft.share") as any;

/** Handles that hold a counted reference (channel ends) implement these for `spawn`'s leases. */
export const LEASE: unique symbol = Symbol.for("weft.lease") as any;
export const RELEASE_FOR: unique symbol = Symbol.for("weft.releaseFor") as any;

/** A handle holding a counted reference that a dead worker could leak. */
export interface Leasable {
  [LEASE](words: Int32Array, index: number): void;
  [RELEASE_FOR](words: Int32Array, index: number): void;
  close(): void;
}

export const isLeasable = (v: unknown): v is Leasable =>
  typeof v === "object" && v !== null && typeof (v as any)[LEASE] === "function";

/**
 * Leasable handles in `value` (depth-first through arrays, plain objects, Maps, Sets and Errors'
 * causes — everything the structured codec carries objects in — each once, in a stable order:
 * the same order for a value and its revived copy).
 */
export function collectLeasables(value: unknown, out: Leasable[] = [], seen = new Set<object>()): Leasable[] {
  if (typeof value !== "object" || value === null || seen.has(value)) return out;
  seen.add(value);
  if (isLeasable(value)) out.push(value);
  else if (Array.isArray(value)) {
    // Elements in index order, then non-index properties (both carried by share and the codec);
    // by key alone for a mostly empty array. Either way the same order for a value and its copy.
    const keys = Object.keys(value);
    if (mostlyEmpty(value, keys)) {
      for (const k of keys) collectLeasables((value as any)[k], out, seen);
    } else {
      for (let i = 0; i < value.length; i++) if (i in value) collectLeasables(value[i], out, seen);
      if (keys.length > 0 && !isIndex(keys[keys.length - 1]!, value.length)) {
        for (const k of keys) if (!isIndex(k, value.length)) collectLeasables((value as any)[k], out, seen);
      }
    }
  }
  else if (isPlainObject(value)) for (const k of Object.keys(value)) collectLeasables((value as any)[k], out, seen);
  else if (value instanceof Map) {
    for (const [k, v] of value) {
      collectLeasables(k, out, seen);
      collectLeasables(v, out, seen);
    }
  } else if (value instanceof Set) for (const v of value) collectLeasables(v, out, seen);
  // An Error travels with its `cause` (the codec's only other object inside one).
  else if (value instanceof Error && "cause" in value) collectLeasables(value.cause, out, seen);
  return out;
}

/** What a primitive puts on the wire. */
export interface PrimitiveWire {
  kind: string;
  buffer: SharedArrayBuffer;
  byteOffset: number;
  /** Kind-specific extra data, already encoded (e.g. the value a Mutex guards). */
  extra?: unknown;
}

/** Implemented by every weft primitive. `encode` turns nested values into wire form. */
export interface SharedPrimitive {
  [SHARE](encode: (v: unknown) => unknown): PrimitiveWire;
}

type Reviver = (wire: PrimitiveWire, decode: (v: unknown) => unknown) => unknown;
const revivers = new Map<string, Reviver>();

/** Rebuilds one primitive from its record (its `extra` already decoded). Used by the channel codec. */
export function reviveRecord(w: PrimitiveWire): unknown {
  const reviver = revivers.get(w.kind);
  if (reviver === undefined) throw new TypeError(`revive: unknown weft primitive kind ${JSON.stringify(w.kind)}`);
  return reviver(w, (v) => v);
}

/** Registers how a kind is rebuilt by `revive`. Called once per primitive module. */
export function registerKind(kind: string, reviver: Reviver): void {
  revivers.set(kind, reviver);
}

const WIRE = "\u0000weft.wire";
const PRIM = "\u0000weft.prim";

/** The structured-clone-safe form of a value holding weft primitives. Pass it to `revive`. */
export interface Wire<T = unknown> {
  readonly [WIRE]: 1;
  readonly registry: SharedArrayBuffer;
  /** The registry's pin table (share/directory). */
  readonly pins?: SharedArrayBuffer | null;
  /** Directory ids of the shared buffers in `value` (share/directory), or null. */
  readonly buffers?: Map<number, SharedArrayBuffer> | null;
  readonly value: unknown;
  /** Phantom: the type `revive` returns. */
  readonly __type?: T;
}

export const isPrimitive = (v: unknown): v is SharedPrimitive =>
  typeof v === "object" && v !== null && typeof (v as any)[SHARE] === "function";

const isPlainObject = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * Whether object `v` is an instance of a built-in or host class (Date, RegExp, a boxed primitive,
 * Blob, MessagePort, …: structured clone knows, or refuses, each), not of a class defined in
 * JavaScript — whose instances structured clone copies as plain objects, silently.
 */
function isBuiltIn(v: object): boolean {
  const ctor = Object.getPrototypeOf(v)?.constructor;
  return typeof ctor === "function" && NATIVE.test(Function.prototype.toString.call(ctor));
}
const NATIVE = /\{\s*\[native code\]\s*\}\s*$/;

/**
 * Where a weft primitive sits inside `v` (a path like `.inner[2]`, "" for `v` itself), looking
 * through own enumerable properties of any object, Maps and Sets; null if none.
 */
function primitiveIn(v: unknown, path: string, seen: Set<object>): string | null {
  if (typeof v !== "object" || v === null || seen.has(v)) return null;
  seen.add(v);
  if (isPrimitive(v)) return path;
  if (ArrayBuffer.isView(v)) return null;
  if (v instanceof Map || v instanceof Set) {
    let k = 0;
    for (const x of v instanceof Map ? [...v.keys(), ...v.values()] : v) {
      const at = primitiveIn(x, `${path}<entry ${k++}>`, seen);
      if (at !== null) return at;
    }
    return null;
  }
  for (const k of Object.keys(v)) {
    const at = primitiveIn((v as any)[k], `${path}.${k}`, seen);
    if (at !== null) return at;
  }
  return null;
}

/**
 * A copy of array `v` with `map` applied to its elements, holes kept as holes and non-index own
 * properties kept (as structured clone keeps them: a `RegExp` match's `index`, `input`, `groups`).
 */
function copyArray(v: unknown[], memo: Map<object, unknown>, map: (x: unknown) => unknown): unknown[] {
  const out: unknown[] = new Array(v.length);
  memo.set(v, out);
  const keys = Object.keys(v);
  if (mostlyEmpty(v, keys)) {
    for (const k of keys) setOwn(out, k, map((v as any)[k]));
    return out;
  }
  let present = 0;
  for (let i = 0; i < v.length; i++) {
    if (!(i in v)) continue;
    present++;
    out[i] = map(v[i]);
  }
  if (keys.length > present) {
    for (const k of keys) if (!isIndex(k, v.length)) setOwn(out, k, map((v as any)[k]));
  }
  return out;
}

/** A copy of plain object `v` (own enumerable keys) with `map` applied to its values. */
function copyObject(v: object, memo: Map<object, unknown>, map: (x: unknown) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  memo.set(v, out);
  for (const k of Object.keys(v)) setOwn(out, k, map((v as any)[k]));
  return out;
}

const NOT_A_CONTAINER = Symbol("not a container");

/**
 * A copy of Map, Set or Error `v` with `map` applied to what it holds (an Error: its `cause`, the
 * one object structured clone carries inside one), recorded in `memo` before its contents (cycles);
 * NOT_A_CONTAINER for anything else. New objects, never `v` changed: `share` must not touch the
 * caller's value, and `revive` may be called on the same wire again.
 */
function walkContainer(v: object, memo: Map<object, unknown>, map: (x: unknown) => unknown): unknown {
  if (v instanceof Map) {
    const out = new Map<unknown, unknown>();
    memo.set(v, out);
    for (const [k, x] of v) out.set(map(k), map(x));
    return out;
  }
  if (v instanceof Set) {
    const out = new Set<unknown>();
    memo.set(v, out);
    for (const x of v) out.add(map(x));
    return out;
  }
  if (v instanceof Error && "cause" in v) {
    // Same prototype (structured clone keeps the standard Error types), message and stack.
    const out = new Error(v.message);
    Object.setPrototypeOf(out, Object.getPrototypeOf(v));
    if (typeof v.stack === "string") Object.defineProperty(out, "stack", { value: v.stack, writable: true, configurable: true });
    if (Object.hasOwn(v, "name")) Object.defineProperty(out, "name", { value: v.name, writable: true, configurable: true });
    memo.set(v, out);
    Object.defineProperty(out, "cause", { value: map(v.cause), writable: true, configurable: true });
    return out;
  }
  return NOT_A_CONTAINER;
}

function encodeWith(memo: Map<object, unknown>, buffers: Set<SharedArrayBuffer>, shared: Leasable[]) {
  const encode = (v: unknown): unknown => {
    if (typeof v === "function" || typeof v === "symbol") {
      throw new DataCloneError(`share: a ${typeof v} cannot be sent to another thread (${describeValue(v)})`);
    }
    if (typeof v !== "object" || v === null) return v;
    const seen = memo.get(v);
    if (seen !== undefined) return seen;
    if (isPrimitive(v)) {
      const w = v[SHARE](encode);
      if (isLeasable(v)) shared.push(v);
      buffers.add(w.buffer);
      const out = { [PRIM]: w.kind, b: w.buffer, o: w.byteOffset, x: w.extra };
      memo.set(v, out);
      return out;
    }
    if (Array.isArray(v)) return copyArray(v, memo, encode);
    if (isPlainObject(v)) return copyObject(v, memo, encode);
    // Containers structured clone keeps: walked too, or a primitive inside one would arrive as a
    // bare `{}` (structured clone copies a class instance's own fields only).
    const walked = walkContainer(v, memo, encode);
    if (walked !== NOT_A_CONTAINER) return walked;
    // A moved (detached) buffer would fail later, inside postMessage: say so here.
    const buffer = v instanceof ArrayBuffer ? v : ArrayBuffer.isView(v) ? v.buffer : null;
    if (buffer instanceof ArrayBuffer && isDetached(buffer)) {
      throw new MovedError("share: the value holds an ArrayBuffer that was moved (detached) by an earlier send or transfer");
    }
    if (v instanceof SharedArrayBuffer) buffers.add(v);
    else if (ArrayBuffer.isView(v) && v.buffer instanceof SharedArrayBuffer) buffers.add(v.buffer);
    else if (buffer === null && !(v instanceof Error) && !isBuiltIn(v)) {
      // Structured clone copies a class instance's own fields into a plain object (the platform's
      // rule, as for postMessage) — but a weft primitive among them would arrive as a bare object
      // over nothing: refuse that, loudly.
      const at = primitiveIn(v, "", new Set());
      if (at !== null) {
        throw new DataCloneError(
          `share: a ${describeValue(v)} (a class instance) holds a weft primitive (at ${at || "its top"}), which structured ` +
            "clone would copy as a plain object: put the primitives in a plain object or array to send them",
        );
      }
    }
    return v; // typed arrays, Date, Blob, …: structured clone's business
  };
  return encode;
}

/**
 * Turns `value` into a wire form that survives any `postMessage`, `workerData` or
 * `BroadcastChannel`; weft primitives inside it, at any depth, come back from `revive` as the same
 * primitives over the same memory. Sharing a channel end counts as a clone of it.
 */
export function share<T>(value: T & Sendable<T>): Wire<T> {
  requireSharedMemory();
  const buffers = new Set<SharedArrayBuffer>();
  const shared: Leasable[] = [];
  let encoded: unknown;
  try {
    encoded = encodeWith(new Map(), buffers, shared)(value);
  } catch (e) {
    // Refused half-way: give back the references the channel ends already shared took (each
    // counts as a clone), or their channels would never disconnect.
    for (const end of shared) end[RELEASE_FOR](new Int32Array(1), 0);
    throw e;
  }
  return { [WIRE]: 1, registry: registryBuffer(), pins: pinTable(), buffers: nameBuffers(buffers), value: encoded } as Wire<T>;
}

function decodeWith(memo: Map<object, unknown>) {
  const decode = (v: unknown): unknown => {
    if (typeof v !== "object" || v === null) return v;
    const seen = memo.get(v);
    if (seen !== undefined) return seen;
    if (Array.isArray(v)) return copyArray(v, memo, decode);
    if (!isPlainObject(v)) {
      const walked = walkContainer(v, memo, decode);
      return walked === NOT_A_CONTAINER ? v : walked;
    }
    const kind = (v as any)[PRIM];
    if (typeof kind === "string") {
      const reviver = revivers.get(kind);
      if (reviver === undefined) throw new TypeError(`revive: unknown weft primitive kind ${JSON.stringify(kind)}`);
      const w = v as any;
      const out = reviver({ kind, buffer: w.b, byteOffset: w.o, extra: w.x }, decode);
      memo.set(v, out);
      return out;
    }
    return copyObject(v, memo, decode);
  };
  return decode;
}

/** Whether `v` looks like the output of `share` (after any structured clone). */
export const isWire = (v: unknown): v is Wire =>
  typeof v === "object" && v !== null && (v as any)[WIRE] === 1 && typeof SharedArrayBuffer === "function" &&
  (v as any).registry instanceof SharedArrayBuffer;

/**
 * Rebuilds what `share` sent: the same primitives over the same shared memory. Throws a
 * TypeError for anything that did not come from `share`, and a TypeError if the memory a record
 * points at holds a different kind of primitive.
 */
export function revive<T>(wire: Wire<T>): T {
  requireSharedMemory();
  if (!isWire(wire)) {
    throw new TypeError(`revive: expected a value produced by share(), got ${describeValue(wire)}`);
  }
  adoptRegistry(wire.registry, wire.pins);
  learnBuffers(wire.buffers);
  return decodeWith(new Map())(wire.value) as T;
}

/**
 * Checks that `value` lives in shared memory, so that guarding it with a lock means something:
 * a typed array or DataView over a SharedArrayBuffer, a weft primitive, or an array / plain object
 * of those. Returns a description of the first offending part, or null if all is shareable.
 */
export function findUnshareable(value: unknown, path = "value", seen = new Set<object>()): string | null {
  requireSharedMemory();
  if (typeof value !== "object" || value === null) {
    return `${path} is ${describeValue(value)}, which is copied, not shared`;
  }
  if (seen.has(value)) return null;
  seen.add(value);
  if (isPrimitive(value)) return null;
  if (ArrayBuffer.isView(value)) {
    return value.buffer instanceof SharedArrayBuffer
      ? null
      : `${path} is a ${value.constructor.name} over an ArrayBuffer (it needs a SharedArrayBuffer)`;
  }
  if (value instanceof SharedArrayBuffer) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = findUnshareable(value[i], `${path}[${i}]`, seen);
      if (bad !== null) return bad;
    }
    return null;
  }
  if (isPlainObject(value)) {
    for (const k of Object.keys(value)) {
      const bad = findUnshareable((value as any)[k], `${path}.${k}`, seen);
      if (bad !== null) return bad;
    }
    return null;
  }
  return `${path} is a ${describeValue(value)}, which is not shared memory`;
}
