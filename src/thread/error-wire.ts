/**
 * Errors across threads: structured clone keeps only built-in error classes and drops custom
 * names and properties, so a worker's error is sent as a plain record and rebuilt here with its
 * name, message, stack and own properties (and its weft class, so `instanceof` still works).
 */
import * as errors from "../errors.js";

/** Plain, cloneable form of an error. */
export interface ErrorRecord {
  name: string;
  /** What to rebuild: a weft error class, a DOMException, or a built-in/plain Error. */
  family?: "weft" | "dom" | "builtin";
  message: string;
  /** The error had no own `message` (`new Error()`): the rebuilt one inherits it too. */
  noMessage?: true;
  stack?: string;
  props: Record<string, unknown>;
  /** The error's `cause`, when it had one: rebuilt non-enumerable, as structured clone does. */
  cause?: unknown;
  hasCause?: true;
  notAnError?: boolean;
}

const builtins: Record<string, ErrorConstructor> = {
  Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError,
};

function cloneable(v: unknown): boolean {
  try {
    structuredClone(v);
    return true;
  } catch {
    return false;
  }
}

/**
 * Turns anything thrown into a record that survives postMessage — or, with `keep`, whatever
 * transport `keep` vouches for (a pool's codec refuses more than structured clone does: what it
 * refuses is dropped property by property, not the whole error).
 */
export function serializeError(e: unknown, keep: (v: unknown) => boolean = cloneable): ErrorRecord {
  if (!(e instanceof Error)) {
    return { name: "Error", message: `a non-Error value was thrown: ${String(e)}`, props: keep(e) ? { value: e } : {}, notAnError: true };
  }
  const props: Record<string, unknown> = {};
  for (const k of Object.keys(e)) {
    const v = (e as any)[k];
    if (k !== "guard" && k !== "cause" && keep(v)) props[k] = v;
  }
  const family = e instanceof errors.WeftError ? "weft" : typeof DOMException !== "undefined" && e instanceof DOMException ? "dom" : "builtin";
  const r: ErrorRecord = { name: e.name, family, message: e.message, stack: e.stack, props };
  // Inherited "" (every built-in prototype's): the rebuilt one inherits it too. An inherited
  // message of a custom class's prototype arrives as the error's own, as before.
  if (e.message === "" && !Object.prototype.hasOwnProperty.call(e, "message")) r.noMessage = true;
  if ("cause" in e && keep(e.cause)) {
    r.hasCause = true;
    r.cause = e.cause;
  }
  return r;
}

/** Rebuilds an error from its record. */
export function deserializeError(r: ErrorRecord): Error {
  if (r.notAnError && "value" in r.props) return r.props.value as Error;
  if (r.family === "dom" && typeof DOMException !== "undefined") {
    const d = new DOMException(r.message, r.name);
    if (r.stack !== undefined) Object.defineProperty(d, "stack", { value: r.stack, writable: true, configurable: true });
    return d;
  }
  // Only errors that were weft's on the other side become weft classes again: a user's own
  // `class LockError` stays a plain Error named LockError.
  const weft = r.family === "weft" ? (errors as Record<string, unknown>)[r.name] : undefined;
  const ctor: any = typeof weft === "function" && (weft as any).prototype instanceof Error ? weft : builtins[r.name] ?? Error;
  const err: Error = Object.create(ctor.prototype);
  // Not enumerable, as on a new Error; an own enumerable one (`this.name = …` in a constructor)
  // comes with the props instead, and stays enumerable.
  const hidden = (k: string, value: unknown) => {
    if (!Object.prototype.hasOwnProperty.call(r.props, k)) Object.defineProperty(err, k, { value, writable: true, configurable: true });
  };
  // As the thrower had them: `new Error()` has no own message, and a built-in class its name
  // only on the prototype (a custom class's name arrives as an own property of a plain Error).
  if (r.noMessage !== true) hidden("message", r.message);
  if (r.name !== ctor.prototype.name) hidden("name", r.name);
  if (r.stack !== undefined) hidden("stack", r.stack);
  if (r.hasCause === true) hidden("cause", r.cause);
  for (const [k, v] of Object.entries(r.props)) (err as any)[k] = v;
  return err;
}
