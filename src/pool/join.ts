/**
 * Waiting for many tasks at once (tokio's `join_all` / `JoinSet`): `joinAll` fails fast,
 * `joinAllSettled` waits for every one and reports each outcome.
 */
import { describeValue } from "../memory/layout.js";

/** The outcome of one task in `joinAllSettled`, Rust `Result`-style. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Options of `joinAll`. */
export interface JoinAllOptions {
  /**
   * Aborted (with the error) as soon as one promise rejects: pass its `signal` to the tasks
   * (`pool.runWith({ signal }, …)`), and the ones still queued are cancelled — fail-fast for the
   * work itself, not just for the wait.
   */
  controller?: AbortController;
}

type Values<T extends readonly unknown[]> = { -readonly [K in keyof T]: Awaited<T[K]> };
type Outcomes<T extends readonly unknown[]> = { -readonly [K in keyof T]: Settled<Awaited<T[K]>> };

function toArray(where: string, promises: unknown): unknown[] {
  if (promises === null || typeof promises !== "object" || typeof (promises as any)[Symbol.iterator] !== "function") {
    throw new TypeError(`${where}: expected an array (or iterable) of promises, got ${describeValue(promises)}`);
  }
  return Array.isArray(promises) ? promises : [...(promises as Iterable<unknown>)];
}

/**
 * Resolves with every value, in order, once all promises resolve; rejects with the first
 * rejection as soon as it happens (the others' later rejections are handled, never unhandled).
 * With `{ controller }`, the first rejection also aborts the controller.
 *
 * ```ts
 * const ctl = new AbortController();
 * const [a, b] = await joinAll([pool.runWith(ctl, url, "f", 1), pool.runWith(ctl, url, "g", 2)], { controller: ctl });
 * ```
 */
export function joinAll<const T extends readonly unknown[]>(promises: T, opts?: JoinAllOptions): Promise<Values<T>>;
export function joinAll<T>(promises: Iterable<T | PromiseLike<T>>, opts?: JoinAllOptions): Promise<Awaited<T>[]>;
export function joinAll(promises: Iterable<unknown>, opts?: JoinAllOptions): Promise<unknown[]> {
  let list: unknown[];
  try {
    list = toArray("joinAll", promises);
    if (opts !== undefined && (opts === null || typeof opts !== "object")) {
      throw new TypeError(`joinAll: options must be an object like { controller }, got ${describeValue(opts)}`);
    }
    if (opts?.controller !== undefined && !(opts.controller instanceof AbortController)) {
      throw new TypeError(`joinAll: controller must be an AbortController, got ${describeValue(opts.controller)}`);
    }
  } catch (e) {
    return Promise.reject(e);
  }
  const controller = opts?.controller;
  return new Promise((resolve, reject) => {
    const out = new Array<unknown>(list.length);
    let left = list.length;
    let failed = false;
    if (left === 0) return resolve(out);
    list.forEach((p, i) => {
      Promise.resolve(p).then(
        (v) => {
          out[i] = v;
          if (--left === 0 && !failed) resolve(out);
        },
        (e) => {
          if (failed) return;
          failed = true;
          if (controller !== undefined && !controller.signal.aborted) controller.abort(e);
          reject(e);
        },
      );
    });
  });
}

/**
 * Waits for every promise and resolves with each outcome, in order: `{ ok: true, value }` or
 * `{ ok: false, error }`. Never rejects (but for a bad argument).
 */
export function joinAllSettled<const T extends readonly unknown[]>(promises: T): Promise<Outcomes<T>>;
export function joinAllSettled<T>(promises: Iterable<T | PromiseLike<T>>): Promise<Settled<Awaited<T>>[]>;
export function joinAllSettled(promises: Iterable<unknown>): Promise<Settled<unknown>[]> {
  let list: unknown[];
  try {
    list = toArray("joinAllSettled", promises);
  } catch (e) {
    return Promise.reject(e);
  }
  return Promise.all(
    list.map((p) =>
      Promise.resolve(p).then(
        (value): Settled<unknown> => ({ ok: true, value }),
        (error): Settled<unknown> => ({ ok: false, error }),
      ),
    ),
  );
}
