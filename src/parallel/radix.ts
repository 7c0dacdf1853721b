/**
 * LSD radix sort of numeric typed arrays on their bit patterns: the per-chunk loops the sort
 * kernels run. Pure functions over typed arrays, no threads: `sort.ts` drives them in phases on a
 * pool, `sortInThread` runs them on one thread (small arrays), and tests call them directly.
 *
 * Keys. An element's bits map to an unsigned key whose order is the numeric order:
 *   unsigned ints  the bits
 *   signed ints    the bits with the sign bit flipped
 *   floats         positive: flip the sign bit; negative: flip every bit. So -Infinity < … < -0 <
 *                  +0 < … < +Infinity, positive NaNs after +Infinity and negative NaNs (sign bit
 *                  set) before -Infinity: `moveLeadingNaNs` puts those last afterwards.
 * Descending flips every key bit on top (then the positive NaNs come first, and move the same way).
 * Keys are never stored: each loop derives the digit it needs from the element's bits, so elements
 * move as raw bits (NaN payloads survive) and no pass is spent encoding or decoding.
 *
 * Digits are 8 bits, least significant first: a W-byte element takes W passes, each a count
 * (histogram of the chunk's digit) and a scatter (stable move to per-chunk, per-digit offsets).
 */
import * as sys from "../sys/index.js";

/** Buckets per pass (8-bit digits). */
export const BUCKETS = 256;
/** Elements between two looks at the cancel word. */
export const CANCEL_EVERY = 1 << 16;
/**
 * A job's words (parallel/buffers.ts `takeControl`; shared by the caller's side and the kernels):
 * [0] the stop word (non-zero: stop), [JOB_CURSOR] the block cursor of a dynamic job, on its own
 * 64-byte line.
 */
export const JOB_CURSOR = 16;
const SIGN32 = 0x80000000 | 0;

/** How an element's bits order: the four key transforms above. */
export type SortKind = "f64" | "f32" | "int" | "uint";

/** What the sort needs to know about an array type. */
export interface SortSpec {
  kind: SortKind;
  /** Bytes per element (= passes). */
  width: 1 | 2 | 4 | 8;
}

/** Typed arrays the sort (and the other helpers) accept. */
export type NumericArray =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray;

/** Sort spec of a typed array, or undefined for types the sort does not handle. */
export function sortSpecOf(a: unknown): SortSpec | undefined {
  if (a instanceof Float64Array) return { kind: "f64", width: 8 };
  if (a instanceof Float32Array) return { kind: "f32", width: 4 };
  if (a instanceof Int32Array) return { kind: "int", width: 4 };
  if (a instanceof Uint32Array) return { kind: "uint", width: 4 };
  if (a instanceof Int16Array) return { kind: "int", width: 2 };
  if (a instanceof Uint16Array) return { kind: "uint", width: 2 };
  if (a instanceof Int8Array) return { kind: "int", width: 1 };
  if (a instanceof Uint8Array || a instanceof Uint8ClampedArray) return { kind: "uint", width: 1 };
  return undefined;
}

type Bits = Uint32Array | Uint16Array | Uint8Array;

/** The raw bits of `a` as unsigned words: two Uint32 (low, high) per f64, else one word per element. */
function bitsOf(a: NumericArray, width: number): Bits {
  const n = a.length;
  if (width === 8) return new Uint32Array(a.buffer, a.byteOffset, 2 * n);
  if (width === 4) return new Uint32Array(a.buffer, a.byteOffset, n);
  if (width === 2) return new Uint16Array(a.buffer, a.byteOffset, n);
  return new Uint8Array(a.buffer, a.byteOffset, n);
}

/**
 * For kinds whose key is `bits ^ constant` (the integers): that constant. Floats' depends on the
 * element's sign and is computed in the loop.
 */
function intXor(spec: SortSpec, desc: boolean): number {
  const bits = spec.width * 8;
  const all = bits === 32 ? -1 : (1 << bits) - 1;
  const sign = spec.kind === "int" ? (bits === 32 ? SIGN32 : 1 << (bits - 1)) : 0;
  return sign ^ (desc ? all : 0);
}

/** Whether the job's stop word is set (an atomic load: the flag only, it orders nothing else). */
const cancelled = (cancel: Int32Array | undefined): boolean => cancel !== undefined && sys.load(cancel, 0) !== 0;

/** The sort spec of an array the helpers accepted (a kernel may still be handed anything). */
function specOf(a: NumericArray): SortSpec {
  const spec = sortSpecOf(a);
  if (spec === undefined) throw new TypeError(`parallel.sort: not a numeric typed array: ${Object.prototype.toString.call(a)}`);
  return spec;
}

/**
 * Counts digit `pass` of elements [lo, hi) of `src` into `hist[at … at+256)` (overwritten).
 * Stops early, with `hist` unspecified, if `cancel[0]` becomes non-zero.
 * (Also the kernel `sortCount`: phase 1 of a pass.)
 */
export function countDigits(
  src: NumericArray,
  desc: boolean,
  pass: number,
  lo: number,
  hi: number,
  hist: Uint32Array,
  at: number,
  cancel?: Int32Array,
): void {
  const spec = specOf(src);
  const bits = bitsOf(src, spec.width);
  // Count into a local array: neighbouring chunks' regions of `hist` share cache lines, and other
  // workers count into them at the same time.
  const h = new Uint32Array(BUCKETS);
  const flip = desc ? -1 : 0;
  const x = intXor(spec, desc);
  for (let b = lo; b < hi; b += CANCEL_EVERY) {
    if (cancelled(cancel)) return;
    const e = Math.min(hi, b + CANCEL_EVERY);
    if (spec.kind === "f64") count64(bits as Uint32Array, pass, flip, b, e, h);
    else if (spec.kind === "f32") countF32(bits as Uint32Array, pass * 8, flip, b, e, h);
    else countInt(bits, pass * 8, x, b, e, h);
  }
  hist.set(h, at);
}

/**
 * Moves elements [lo, hi) of `src` to `dst` (same type): an element whose digit `pass` is d goes
 * to `offs[at + d]`, which is then incremented (so `offs` must start as this chunk's first slot per
 * digit; `countsToOffsets` computes them). Stable within the chunk. Stops early if cancelled.
 * (Also the kernel `sortScatter`: phase 2 of a pass.)
 */
export function scatterDigits(
  src: NumericArray,
  dst: NumericArray,
  desc: boolean,
  pass: number,
  lo: number,
  hi: number,
  offs: Uint32Array,
  at: number,
  cancel?: Int32Array,
): void {
  const spec = specOf(src);
  const from = bitsOf(src, spec.width), to = bitsOf(dst, spec.width);
  const o = offs.slice(at, at + BUCKETS);
  const flip = desc ? -1 : 0;
  const x = intXor(spec, desc);
  for (let b = lo; b < hi; b += CANCEL_EVERY) {
    if (cancelled(cancel)) return;
    const e = Math.min(hi, b + CANCEL_EVERY);
    if (spec.kind === "f64") scatter64(from as Uint32Array, to as Uint32Array, pass, flip, b, e, o);
    else if (spec.kind === "f32") scatterF32(from as Uint32Array, to as Uint32Array, pass * 8, flip, b, e, o);
    else scatterInt(from, to, pass * 8, x, b, e, o);
  }
}

// The loops. f64 keys: low word ^ m, high word ^ (m | SIGN), m = all ones for negatives (>> 31
// of the high word), each also ^ flip for descending. Passes 0–3 read their digit from the low
// word, 4–7 from the high one.

function count64(u: Uint32Array, pass: number, flip: number, lo: number, hi: number, h: Uint32Array): void {
  if (pass < 4) {
    const s = pass * 8;
    for (let i = lo; i < hi; i++) {
      const m = (u[2 * i + 1] >> 31) ^ flip;
      h[((u[2 * i] ^ m) >>> s) & 255]++;
    }
  } else {
    const s = (pass - 4) * 8;
    for (let i = lo; i < hi; i++) {
      const w = u[2 * i + 1];
      h[((w ^ ((w >> 31) | SIGN32) ^ flip) >>> s) & 255]++;
    }
  }
}

function scatter64(u: Uint32Array, v: Uint32Array, pass: number, flip: number, lo: number, hi: number, o: Uint32Array): void {
  if (pass < 4) {
    const s = pass * 8;
    for (let i = lo; i < hi; i++) {
      const a = u[2 * i], w = u[2 * i + 1];
      const j = o[((a ^ (w >> 31) ^ flip) >>> s) & 255]++;
      v[2 * j] = a;
      v[2 * j + 1] = w;
    }
  } else {
    const s = (pass - 4) * 8;
    for (let i = lo; i < hi; i++) {
      const a = u[2 * i], w = u[2 * i + 1];
      const j = o[((w ^ ((w >> 31) | SIGN32) ^ flip) >>> s) & 255]++;
      v[2 * j] = a;
      v[2 * j + 1] = w;
    }
  }
}

function countF32(u: Uint32Array, s: number, flip: number, lo: number, hi: number, h: Uint32Array): void {
  for (let i = lo; i < hi; i++) {
    const w = u[i];
    h[((w ^ ((w >> 31) | SIGN32) ^ flip) >>> s) & 255]++;
  }
}

function scatterF32(u: Uint32Array, v: Uint32Array, s: number, flip: number, lo: number, hi: number, o: Uint32Array): void {
  for (let i = lo; i < hi; i++) {
    const w = u[i];
    v[o[((w ^ ((w >> 31) | SIGN32) ^ flip) >>> s) & 255]++] = w;
  }
}

function countInt(u: Bits, s: number, x: number, lo: number, hi: number, h: Uint32Array): void {
  for (let i = lo; i < hi; i++) h[((u[i] ^ x) >>> s) & 255]++;
}

function scatterInt(u: Bits, v: Bits, s: number, x: number, lo: number, hi: number, o: Uint32Array): void {
  for (let i = lo; i < hi; i++) {
    const w = u[i];
    v[o[((w ^ x) >>> s) & 255]++] = w;
  }
}

/**
 * Turns per-chunk digit counts (`chunks` regions of 256 in `hist`) into per-chunk starting offsets,
 * in place: bucket-major, chunk-minor, so equal digits keep chunk order (the sort stays stable).
 * Returns true when one bucket holds every element (the pass would move nothing: skip it).
 */
export function countsToOffsets(hist: Uint32Array, chunks: number, n: number): boolean {
  let start = 0;
  for (let d = 0; d < BUCKETS; d++) {
    const before = start;
    for (let c = 0; c < chunks; c++) {
      const k = c * BUCKETS + d;
      const count = hist[k];
      hist[k] = start;
      start += count;
    }
    if (start - before === n) return true;
  }
  return false;
}

/**
 * After a float sort, the NaNs whose key sorts first (sign bit set ascending, clear descending)
 * sit at the front: move them, in order, behind everything else so every NaN is last.
 * `temp` is scratch of at least the array's length, of the same type.
 */
export function moveLeadingNaNs(a: Float64Array | Float32Array, temp?: Float64Array | Float32Array): void {
  const n = a.length;
  let k = 0;
  while (k < n && a[k] !== a[k]) k++;
  if (k === 0 || k === n) return;
  // Copy through typed-array memmove/memcpy (set/copyWithin of the same type), never through
  // JavaScript numbers, so NaN payloads keep their bits.
  const held = temp !== undefined ? temp.subarray(0, k) : a.slice(0, k);
  if (temp !== undefined) held.set(a.subarray(0, k));
  a.copyWithin(0, k);
  a.set(held, n - k);
}

/**
 * The whole sort on this thread (for small arrays and for tests): the same passes as the
 * parallel sort, over one chunk. Scratch: one array of the same size.
 */
export function sortInThread(a: NumericArray, desc: boolean): void {
  const spec = specOf(a);
  const n = a.length;
  if (n < 2) return;
  const scratch = new (a.constructor as { new (n: number): NumericArray })(n);
  let src = a, dst = scratch;
  const hist = new Uint32Array(BUCKETS);
  for (let pass = 0; pass < spec.width; pass++) {
    countDigits(src, desc, pass, 0, n, hist, 0);
    if (countsToOffsets(hist, 1, n)) continue;
    scatterDigits(src, dst, desc, pass, 0, n, hist, 0);
    [src, dst] = [dst, src];
  }
  if (src !== a) a.set(scratch as any);
  if (spec.kind === "f64" || spec.kind === "f32") moveLeadingNaNs(a as Float64Array, scratch as Float64Array);
}
