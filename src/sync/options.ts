/**
 * The options bag shared by every call that can wait, and its validation.
 */
import * as sys from "../sys/index.js";
import { describeValue } from "../memory/layout.js";

/** Options accepted by every method that can wait. */
export interface WaitOptions {
  /** Give up after this many milliseconds (`TimeoutError`). `0` tries once; `Infinity` = never. */
  timeout?: number;
  /** Abort the wait: the call rejects (or throws) with `signal.reason`. */
  signal?: AbortSignal;
}

/** Validated form of `WaitOptions`. */
export interface Deadline {
  /** Absolute `performance.now()` deadline, `Infinity` when none. */
  readonly at: number;
  /** The timeout as given, for error messages. */
  readonly timeout: number;
  readonly signal: AbortSignal | undefined;
  /**
   * A second signal ending an async wait (a channel handle's close): listened to only while the
   * wait is parked, so a call that completes at once leaves nothing on it.
   */
  readonly closing?: AbortSignal;
}

const NO_DEADLINE: Deadline = { at: Infinity, timeout: Infinity, signal: undefined };

/** Validates a count-like argument (integer ≥ min). */
export function checkCount(where: string, name: string, n: unknown, min = 0, max = 0x3fffffff): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
    throw new RangeError(`${where}: ${name} must be an integer in ${min}..${max}, got ${describeValue(n)}`);
  }
  return n;
}

/** Validates options and turns the timeout into a deadline. Throws `signal.reason` if already aborted. */
export function deadlineOf(where: string, opts: WaitOptions | undefined, closing?: AbortSignal): Deadline {
  if (opts === undefined) return closing === undefined ? NO_DEADLINE : { at: Infinity, timeout: Infinity, signal: undefined, closing };
  if (opts === null || typeof opts !== "object") {
    throw new TypeError(`${where}: options must be an object like { timeout, signal }, got ${describeValue(opts)}`);
  }
  const { timeout, signal } = opts;
  if (timeout !== undefined && (typeof timeout !== "number" || Number.isNaN(timeout) || timeout < 0)) {
    throw new RangeError(`${where}: timeout must be a number of milliseconds ≥ 0 (or Infinity), got ${describeValue(timeout)}`);
  }
  if (signal !== undefined && !isAbortSignal(signal)) {
    throw new TypeError(`${where}: signal must be an AbortSignal, got ${describeValue(signal)}`);
  }
  signal?.throwIfAborted();
  const t = timeout ?? Infinity;
  return { at: sys.deadlineAfter(t), timeout: t, signal, closing };
}

const isAbortSignal = (s: unknown): s is AbortSignal =>
  typeof AbortSignal !== "undefined" ? s instanceof AbortSignal : typeof (s as any)?.aborted === "boolean";

/** Throws TypeError unless `fn` is a function (before any lock is taken). */
export function checkCallback(where: string, fn: unknown): void {
  if (typeof fn !== "function") throw new TypeError(`${where}: expected a function, got ${describeValue(fn)}`);
}

/** Whether the deadline has passed. */
export const expired = (d: Deadline): boolean => d.at !== Infinity && sys.remaining(d.at) <= 0;
