/**
 * Sending by move: `send(tx, value)` is Rust's `tx.send(value)` — the value belongs to the
 * receiver afterwards.
 *
 * At run time the `ArrayBuffer`s the value owns (itself, under typed arrays and DataViews, at any
 * depth in arrays, plain objects, Maps and Sets) are detached once the message is in the channel,
 * as `postMessage(v, [buf])` would leave them; shared memory is left alone. At compile time the
 * assertion signature turns the argument's variable into `Moved<V>`: using it again — sending it,
 * calling its methods, iterating it — is an error. These are free functions because TypeScript
 * narrows an argument only through a function declared `asserts value is …`, not through a method
 * call on another object (`tx.send(v)`), and because the method form stays a plain copy: the hot
 * path `tx.send(v)` does no extra work.
 *
 * If the send fails (no receiver left, timeout, full for `trySend`), nothing is detached and the
 * error hands the value back intact, as Rust's `SendError` does.
 */
import { Sender } from "./channel.js";
import { describeValue } from "../memory/layout.js";
import { detach, ownedBuffers } from "../share/transfer.js";
import type { WaitOptions } from "../sync/options.js";
import type { Moved, Sendable } from "../types.js";

function checkSender(tx: unknown, where: string): Sender<unknown> {
  if (!(tx instanceof Sender)) throw new TypeError(`${where}: expected a Sender, got ${describeValue(tx)}`);
  return tx as Sender<unknown>;
}

/**
 * Sends `value` by moving it: waits for room like `tx.send`, then detaches the `ArrayBuffer`s
 * it owned. After the call the compiler treats the variable passed as `Moved` (a later use is an
 * error); aliases it cannot see fail at run time with `MovedError` when weft meets them.
 *
 * ```ts
 * const frame = new Uint8Array(1 << 20);
 * send(tx, frame);   // frame.buffer is detached now
 * frame.fill(0);     // compile error: frame was moved
 * ```
 * @throws MovedError (nothing sent) if a buffer in `value` was already moved; the errors of
 *   `tx.send` (SendError and SendTimeoutError hand back the value, not detached).
 */
export function send<T, V extends T>(tx: Sender<T>, value: V & Sendable<V>, opts?: WaitOptions): asserts value is V & Sendable<V> & Moved<V> {
  const sender = checkSender(tx, "send");
  const buffers = ownedBuffers(value, "send");
  sender.send(value as unknown, opts);
  detach(buffers);
}

/**
 * `trySend` by move: sends `value` if there is room now, then detaches its buffers (see `send`).
 * Never waits, so it is the move for a thread that must not block.
 * @throws TrySendError `full` or `disconnected` (value handed back, not detached); MovedError.
 */
export function trySend<T, V extends T>(tx: Sender<T>, value: V & Sendable<V>): asserts value is V & Sendable<V> & Moved<V> {
  const sender = checkSender(tx, "trySend");
  const buffers = ownedBuffers(value, "trySend");
  sender.trySend(value as unknown);
  detach(buffers);
}

/**
 * `sendAsync` by move: the buffers are detached when the send completes. An async function
 * cannot narrow its argument (assertion signatures return `void`), so the compiler does not
 * mark the variable moved: a later use is caught at run time only (`MovedError`).
 * @throws as `send`, asynchronously.
 */
export async function sendAsync<T, V extends T>(tx: Sender<T>, value: V & Sendable<V>, opts?: WaitOptions): Promise<void> {
  const sender = checkSender(tx, "sendAsync");
  const buffers = ownedBuffers(value, "sendAsync");
  await sender.sendAsync(value as unknown, opts);
  detach(buffers);
}
