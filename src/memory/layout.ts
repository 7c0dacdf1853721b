/**
 * Placing primitives in shared memory: validation of (buffer, byteOffset) and type tags.
 *
 * Every primitive is a view over `BYTE_LENGTH` bytes at `byteOffset` of a `SharedArrayBuffer`,
 * whose last Int32 word is a type tag. Fresh memory is all zero, and all-zero is a valid initial
 * state for every primitive, so the tag word is 0 until the first placement claims it.
 */
import * as sys from "../sys/index.js";
import { SharedMemoryUnavailableError } from "../errors.js";

/** Type tags ("wf" in the high bytes, a kind number below). 0 = fresh memory, not yet claimed. */
export const TypeTag = {
  Mutex: 0x77660001,
  RwLock: 0x77660002,
  Condvar: 0x77660003,
  Once: 0x77660004,
  Semaphore: 0x77660005,
  Barrier: 0x77660006,
  WaitGroup: 0x77660007,
  AtomicI32: 0x77660008,
  AtomicU32: 0x77660009,
  AtomicBool: 0x7766000a,
  AtomicI64: 0x7766000b,
  AtomicU64: 0x7766000c,
  Registry: 0x77660010,
} as const;

export type TypeTagName = keyof typeof TypeTag;

const tagNames = new Map<number, string>(Object.entries(TypeTag).map(([k, v]) => [v, k]));

/** A human name for a tag value, for error messages. */
export const tagName = (tag: number): string => tagNames.get(tag) ?? `unknown data (tag 0x${(tag >>> 0).toString(16)})`;

const describe = (v: unknown): string => {
  if (v === null) return "null";
  if (typeof v === "object") return (v as object).constructor?.name ?? "object";
  if (typeof v === "string") return `string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)}`;
  return `${typeof v} ${String(v)}`;
};
export { describe as describeValue };

/**
 * Validates a placement and returns the Int32 words of the region (`byteLength / 4` of them).
 * Throws TypeError for a non-shared buffer, RangeError for a bad offset.
 */
export function placeWords(
  kind: string,
  buffer: unknown,
  byteOffset: unknown,
  byteLength: number,
  align = 4,
): Int32Array {
  requireSharedMemory();
  if (!(buffer instanceof SharedArrayBuffer)) {
    throw new TypeError(
      `${kind}.at: expected a SharedArrayBuffer, got ${describe(buffer)}` +
        (buffer instanceof ArrayBuffer ? " (an ArrayBuffer cannot be shared between threads)" : ""),
    );
  }
  if (typeof byteOffset !== "number" || !Number.isInteger(byteOffset) || byteOffset < 0) {
    throw new RangeError(`${kind}.at: byteOffset must be a non-negative integer, got ${describe(byteOffset)}`);
  }
  if (byteOffset % align !== 0) {
    throw new RangeError(`${kind}.at: byteOffset ${byteOffset} is not a multiple of ${align}`);
  }
  if (byteOffset + byteLength > buffer.byteLength) {
    throw new RangeError(
      `${kind}.at: byteOffset ${byteOffset} + BYTE_LENGTH ${byteLength} is past the end of the ` +
        `buffer (byteLength ${buffer.byteLength})`,
    );
  }
  return new Int32Array(buffer, byteOffset, byteLength >> 2);
}

/**
 * Claims or checks the tag word at `words[index]`. Returns true when this call claimed fresh
 * memory (so the caller may initialise parameters), false when the tag was already there.
 */
export function claimTag(kind: TypeTagName, words: Int32Array, index: number, byteOffset: number): boolean {
  const tag = TypeTag[kind];
  // CAS from 0: of several threads placing the same fresh memory at once, exactly one claims it.
  const seen = sys.cas(words, index, 0, tag);
  if (seen === 0) return true;
  if (seen !== tag) {
    throw new TypeError(`${kind}.at: the memory at byteOffset ${byteOffset} holds a ${tagName(seen)}, not a ${kind}`);
  }
  return false;
}

/**
 * Throws `SharedMemoryUnavailableError` where there is no `SharedArrayBuffer` (a browser page that
 * is not cross-origin isolated), instead of a bare ReferenceError from deep inside.
 */
export function requireSharedMemory(): void {
  if (typeof SharedArrayBuffer !== "function") throw new SharedMemoryUnavailableError();
}

/**
 * A fresh, zeroed SharedArrayBuffer of `byteLength` bytes, growable up to `maxByteLength` when
 * given. Every buffer weft makes for itself comes from here.
 */
export function sharedBuffer(byteLength: number, maxByteLength?: number): SharedArrayBuffer {
  requireSharedMemory();
  return maxByteLength === undefined
    ? new SharedArrayBuffer(byteLength)
    : (new (SharedArrayBuffer as any)(byteLength, { maxByteLength }) as SharedArrayBuffer);
}
