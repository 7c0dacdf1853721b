/**
 * Payloads: a task's arguments and its result as bytes in shared memory.
 *
 * The first byte says how the rest reads. Numbers — the common case for data-parallel work — take
 * a fast path (raw f64s, no allocation); everything else goes through the channel's structured
 * codec (codec.ts), which keeps weft primitives, SharedArrayBuffers and typed arrays over them as
 * the *same* shared memory on the other side (the buffer directory, share/directory.ts).
 *
 *   ARGS_NUMS      [n u8][n × f64]              one call's arguments, all numbers (n < 256)
 *   ARGS_STRUCT    [structured args array]
 *   MANY_NUMS      per call: [n u8][n × f64]    a runMany chunk, every argument a number
 *   MANY_STRUCT    [structured array of args arrays]
 *   RES_UNDEF      (nothing)                    a call returned undefined
 *   RES_NUM        [f64]
 *   RES_STRUCT     [structured value]
 *   RESN_NUMS      [k × f64]                    a chunk's results, all numbers
 *   RESN_STRUCT    [structured array]
 *   ERROR          [structured error record]    what a call threw (thread/error-wire)
 *   ARGS_LEASED    [structured [args array, lease words]]   ARGS_STRUCT holding channel ends
 *   MANY_LEASED    [structured [array of args arrays, lease words]]
 *
 * Channel ends in a task's arguments (in arrays and plain objects, as `spawn` finds them) are the
 * task's: the worker closes them when the call ends, and if the task never runs or its worker
 * dies, the submitting thread releases them for it — one lease word per end (shared), flipped by
 * whichever side releases first, makes that exactly once (see submitter.ts).
 *
 * A payload is encoded into this thread's scratch writer, then copied into the record's inline
 * bytes when it fits, else into a block of the pool's arena (whose offset the record keeps).
 * The shared buffers a structured payload names are pinned once each (share/directory): decoding
 * the payload unpins them, and whoever drops it undecoded calls `releasePayload`.
 */
import { Writer, codecs, releaseStructured } from "../channel/codec.js";
import { DataCloneError } from "../errors.js";
import type { Arena } from "../memory/arena.js";
import { MAX_ALLOCATION } from "../memory/arena.js";
import { CapacityError } from "../errors.js";
import { LEASE, RELEASE_FOR, collectLeasables, type Leasable } from "../share/index.js";
import { sharedBuffer } from "../memory/layout.js";

export const ARGS_NUMS = 1, ARGS_STRUCT = 2, MANY_NUMS = 3, MANY_STRUCT = 4;
export const RES_UNDEF = 5, RES_NUM = 6, RES_STRUCT = 7, RESN_NUMS = 8, RESN_STRUCT = 9, ERROR = 10;
export const ARGS_LEASED = 11, MANY_LEASED = 12;

const structured = codecs.structured;

/** This thread's scratch writer (encoding is synchronous, so one is enough). */
const scratch = new Writer();
let scratchBusy = false;

/**
 * A writer to encode into: the scratch one, unless it is in use — a getter on an argument may
 * itself submit a task while its owner is being encoded. Give it back with `releaseWriter`.
 */
export function takeWriter(): Writer {
  if (scratchBusy) return new Writer();
  scratchBusy = true;
  scratch.reset();
  return scratch;
}

/** Gives back a writer from `takeWriter`. */
export function releaseWriter(w: Writer): void {
  if (w === scratch) scratchBusy = false;
}

function allNumbers(args: readonly unknown[]): boolean {
  if (args.length > 255) return false;
  for (let i = 0; i < args.length; i++) if (typeof args[i] !== "number") return false;
  return true;
}

function putNums(w: Writer, args: readonly unknown[]): void {
  const n = args.length;
  w.ensure(1 + 8 * n);
  let p = w.pos;
  w.buf[p++] = n;
  for (let i = 0; i < n; i++, p += 8) w.view.setFloat64(p, args[i] as number, true);
  w.pos = p;
}

/** Channel ends found in a task's arguments, and the lease words they are released through. */
export interface Leased {
  ends: Leasable[];
  words: Int32Array;
}

/** The channel ends in `value` with fresh lease words, or null if it holds none. */
function leasesOf(value: unknown): Leased | null {
  const ends = collectLeasables(value);
  return ends.length === 0 ? null : { ends, words: new Int32Array(sharedBuffer(4 * ends.length)) };
}

/**
 * Encodes one call's arguments into the scratch writer; returns the channel ends they hold (with
 * their lease words), or null.
 */
export function encodeArgs(w: Writer, args: readonly unknown[]): Leased | null {
  if (allNumbers(args)) {
    w.u8(ARGS_NUMS);
    putNums(w, args);
    return null;
  }
  const leased = leasesOf(args);
  if (leased === null) {
    w.u8(ARGS_STRUCT);
    structured.encode(args, w);
  } else {
    w.u8(ARGS_LEASED);
    structured.encode([args, leased.words], w);
  }
  return leased;
}

/** Encodes the arguments of calls `from…to` of `argsList` (a runMany chunk); returns as `encodeArgs`. */
export function encodeMany(w: Writer, argsList: readonly unknown[][], from: number, to: number): Leased | null {
  let nums = true;
  for (let i = from; i < to && nums; i++) nums = Array.isArray(argsList[i]) && allNumbers(argsList[i]!);
  if (nums) {
    w.u8(MANY_NUMS);
    for (let i = from; i < to; i++) putNums(w, argsList[i]!);
    return null;
  }
  const chunk = argsList.slice(from, to);
  const leased = leasesOf(chunk);
  if (leased === null) {
    w.u8(MANY_STRUCT);
    structured.encode(chunk, w);
  } else {
    w.u8(MANY_LEASED);
    structured.encode([chunk, leased.words], w);
  }
  return leased;
}

/**
 * Ties the channel ends of decoded arguments (`value`: one call's arguments or a chunk's) to the
 * lease words that came with them; returns the ends, for the caller to close when the call ends.
 */
export function takeLeases(value: unknown, words: Int32Array): Leasable[] {
  const ends = collectLeasables(value);
  for (let k = 0; k < ends.length; k++) ends[k]![LEASE](words, k);
  return ends;
}

/** Releases, on behalf of a task that never ran or whose worker died, the ends it was given. */
export function releaseLeases(leased: Leased): void {
  for (let k = 0; k < leased.ends.length; k++) leased.ends[k]![RELEASE_FOR](leased.words, k);
}

/** Encodes one call's result. */
export function encodeResult(w: Writer, value: unknown): void {
  if (value === undefined) w.u8(RES_UNDEF);
  else if (typeof value === "number") {
    w.u8(RES_NUM);
    w.f64(value);
  } else {
    w.u8(RES_STRUCT);
    structured.encode(value, w);
  }
}

/** Encodes a chunk's results. */
export function encodeResults(w: Writer, values: readonly unknown[]): void {
  let nums = true;
  for (let i = 0; i < values.length && nums; i++) nums = typeof values[i] === "number";
  if (nums) {
    w.u8(RESN_NUMS);
    w.ensure(8 * values.length);
    for (let i = 0; i < values.length; i++) w.f64(values[i] as number);
  } else {
    w.u8(RESN_STRUCT);
    structured.encode(values, w);
  }
}

/** Encodes an error record. */
export function encodeError(w: Writer, record: unknown): void {
  w.u8(ERROR);
  structured.encode(record, w);
}

/**
 * Where an encoded payload goes: copied to `bytes[inlineAt…]` if it fits `inlineCap` (returns 0),
 * else into a new arena block (returns its offset).
 */
export function place(w: Writer, bytes: Uint8Array, inlineAt: number, inlineCap: number, arena: Arena): number {
  const len = w.pos;
  if (len <= inlineCap) {
    const src = w.buf;
    if (len <= 24) for (let i = 0; i < len; i++) bytes[inlineAt + i] = src[i]!;
    else bytes.set(src.subarray(0, len), inlineAt);
    return 0;
  }
  if (len > MAX_ALLOCATION) throw new CapacityError(`ThreadPool: a ${len}-byte task payload exceeds the ${MAX_ALLOCATION}-byte limit`);
  const at = arena.alloc(len);
  arena.bytes.set(w.buf.subarray(0, len), at);
  return at;
}

/**
 * Unpins the shared buffers a payload names (kind byte at `at`), for a payload dropped without
 * being decoded: a cancelled task's arguments, a result nobody waits for.
 */
export function releasePayload(bytes: Uint8Array, at: number, len: number): void {
  const kind = bytes[at];
  if (kind === ARGS_STRUCT || kind === MANY_STRUCT || kind === RES_STRUCT || kind === RESN_STRUCT || kind === ERROR) {
    releaseStructured(bytes, at + 1, len - 1);
  } else if (kind === ARGS_LEASED || kind === MANY_LEASED) {
    // Its channel ends are released through their leases (releaseLeases), not here.
    releaseStructured(bytes, at + 1, len - 1, 0, false);
  }
}

/** Decodes a structured value at `bytes[at…at+len)`. */
export const decodeStructured = (bytes: Uint8Array, at: number, len: number): unknown => structured.decode(bytes, at, len);

/** Decodes a single-call argument payload (kind byte at `at`) into an array. */
export function decodeArgs(bytes: Uint8Array, view: DataView, at: number, len: number): unknown[] {
  if (bytes[at] === ARGS_NUMS) {
    const n = bytes[at + 1]!;
    const out = new Array<number>(n);
    for (let i = 0, p = at + 2; i < n; i++, p += 8) out[i] = view.getFloat64(p, true);
    return out;
  }
  return structured.decode(bytes, at + 1, len - 1) as unknown[];
}

/**
 * Decodes an ARGS_LEASED / MANY_LEASED payload: the arguments (one call's, or a chunk's argument
 * arrays) and their lease words.
 */
export function decodeLeased(bytes: Uint8Array, at: number, len: number): [args: unknown[], words: Int32Array] {
  return structured.decode(bytes, at + 1, len - 1) as [unknown[], Int32Array];
}

/** Decodes a chunk's argument payload into `count` argument arrays. */
export function decodeMany(bytes: Uint8Array, view: DataView, at: number, len: number, count: number): unknown[][] {
  if (bytes[at] === MANY_NUMS) {
    const out: number[][] = new Array(count);
    let p = at + 1;
    for (let c = 0; c < count; c++) {
      const n = bytes[p++]!;
      const args = new Array<number>(n);
      for (let i = 0; i < n; i++, p += 8) args[i] = view.getFloat64(p, true);
      out[c] = args;
    }
    return out;
  }
  return structured.decode(bytes, at + 1, len - 1) as unknown[][];
}

/** Decodes a single result payload. */
export function decodeResult(bytes: Uint8Array, view: DataView, at: number, len: number): unknown {
  switch (bytes[at]) {
    case RES_UNDEF:
      return undefined;
    case RES_NUM:
      return view.getFloat64(at + 1, true);
    case RES_STRUCT:
    case ERROR:
      return structured.decode(bytes, at + 1, len - 1);
  }
  throw new DataCloneError(`ThreadPool: unknown result payload kind ${bytes[at]}`);
}

/** Decodes a chunk's results into `out[start…start+count)`. */
export function decodeResults(bytes: Uint8Array, view: DataView, at: number, len: number, out: unknown[], start: number, count: number): void {
  if (bytes[at] === RESN_NUMS) {
    for (let i = 0, p = at + 1; i < count; i++, p += 8) out[start + i] = view.getFloat64(p, true);
    return;
  }
  const values = structured.decode(bytes, at + 1, len - 1) as unknown[];
  for (let i = 0; i < count; i++) out[start + i] = values[i];
}
