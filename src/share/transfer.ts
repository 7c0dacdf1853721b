/**
 * Moving ArrayBuffers: finding the buffers a value owns, detaching them, and recognising a buffer
 * that was already moved away.
 *
 * A weft message is copied into shared memory, so "moving" a buffer does not save a copy: it
 * transfers ownership, as Rust's move does. After a move the sender's buffer is detached (length
 * 0, unreadable), exactly as `postMessage(v, [buf])` leaves it, so no stale alias can be read by
 * mistake — and weft refuses to send a detached buffer (`MovedError`) instead of sending it empty.
 */
import { MovedError } from "../errors.js";

/**
 * Whether `buffer` was detached (moved away by a transfer). Node 20 has no
 * `ArrayBuffer.prototype.detached`; there a detached buffer is one of length 0 that cannot be viewed.
 */
export function isDetached(buffer: ArrayBuffer): boolean {
  if (buffer.byteLength !== 0) return false;
  const detached = (buffer as { detached?: unknown }).detached;
  if (typeof detached === "boolean") return detached;
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

const isPlainObject = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * The `ArrayBuffer`s `value` owns — itself, under typed arrays and DataViews, and at any depth in
 * arrays, plain objects, Maps and Sets — each once. Shared memory (`SharedArrayBuffer`s, weft
 * primitives) is not owned by anyone and is skipped.
 * @throws MovedError naming the path (`value.data`) of a buffer that is already detached.
 */
export function ownedBuffers(value: unknown, where: string): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const seen = new Set<object>();
  const path: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v !== "object" || v === null || seen.has(v)) return;
    seen.add(v);
    let buffer: ArrayBufferLike | null = null;
    if (v instanceof ArrayBuffer) buffer = v;
    else if (ArrayBuffer.isView(v)) buffer = v.buffer;
    if (buffer !== null) {
      if (!(buffer instanceof ArrayBuffer)) return; // a SharedArrayBuffer: shared, not moved
      if (isDetached(buffer)) {
        const at = path.length === 0 ? "the value" : `value${path.join("")}`;
        throw new MovedError(
          `${where}: ${at} is ${v === buffer ? "an ArrayBuffer" : "a view of an ArrayBuffer"} that was already moved ` +
            `(detached) by an earlier send or transfer; it has no contents left to send`,
        );
      }
      out.add(buffer);
      return;
    }
    // Anything else that is not a container (weft primitives, Dates, class instances) owns no
    // buffer the codec would copy.
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) step(`[${i}]`, v[i]);
    } else if (v instanceof Map) {
      for (const [k, x] of v) {
        step(".<map key>", k);
        step(`.get(${typeof k === "string" ? JSON.stringify(k) : "…"})`, x);
      }
    } else if (v instanceof Set) {
      for (const x of v) step(".<set item>", x);
    } else if (isPlainObject(v)) {
      for (const k of Object.keys(v)) step(`.${k}`, (v as Record<string, unknown>)[k]);
    }
  };
  const step = (key: string, v: unknown): void => {
    path.push(key);
    visit(v);
    path.pop();
  };
  visit(value);
  return [...out];
}

/**
 * Detaches each buffer, as a transfer would (their contents go nowhere: the message already holds
 * a copy). A buffer the runtime refuses to transfer — Node's pooled `Buffer` memory, anything
 * passed to `markAsUntransferable`, WebAssembly memory — stays as it is.
 */
export function detach(buffers: readonly ArrayBuffer[]): void {
  if (buffers.length === 0) return;
  const live = buffers.filter((b) => !isDetached(b));
  if (live.length === 0) return;
  if (typeof (ArrayBuffer.prototype as { transfer?: unknown }).transfer === "function") {
    for (const b of live) {
      try {
        (b as unknown as { transfer(): ArrayBuffer }).transfer();
      } catch {
        // untransferable: stays attached
      }
    }
    return;
  }
  // (Posting them to a MessagePort whose closed peer drops the message detaches faster in one
  // thread, 0.6 against 2.3 µs per small buffer, but made a worker sending 64 KiB frames 3.5–5×
  // slower than a copy, against 0.5–1.2× this way: bench/suites/move.mjs, bench/micro/detach-ab.mjs.)
  try {
    structuredClone(live, { transfer: live });
  } catch {
    // One of them cannot be transferred: detach the others one by one.
    for (const b of live) {
      try {
        structuredClone(b, { transfer: [b] });
      } catch {
        // untransferable: stays attached
      }
    }
  }
}

/**
 * Whether `e` is the platform's DataCloneError for a detached buffer (what `postMessage` and
 * `new Worker({ workerData })` throw), so weft can say what happened in its own terms.
 */
export const isDetachedCloneError = (e: unknown): boolean =>
  e instanceof Error && e.name === "DataCloneError" && /detached/i.test(e.message);
