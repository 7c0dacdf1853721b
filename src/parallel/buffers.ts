/**
 * Shared memory the helpers reuse from call to call, per thread.
 *
 * Every SharedArrayBuffer that travels in a pool task's arguments goes through the buffer
 * directory (src/share/directory.ts): posted to every weft thread when it is first (or again) sent,
 * held there while a task names it. So a helper does not make fresh buffers per call: its control
 * words come from one block, and the sort's scratch arrays and counters from a free list (reused
 * by later sorts on this thread; kept for that, not freed).
 * Reuse also saves the first-touch page faults of fresh memory: touching a fresh 80 MB buffer
 * measured 0.1–0.4 s on this VM, as long as a whole 10M-element sort.
 */
import * as sys from "../sys/index.js";
import { sharedBuffer } from "../memory/layout.js";
import { JOB_CURSOR } from "./radix.js";

/** Words per block of job words; a job's words span two 64-byte lines (see radix.ts `JOB_CURSOR`). */
const BLOCK_WORDS = 1024, JOB_STRIDE = 2 * JOB_CURSOR;

const controls: Int32Array[] = [];

/**
 * A job's words (a view of a shared block): [0] its stop word, [JOB_CURSOR] its block cursor, both
 * zero. Give them back with `releaseControl`.
 */
export function takeControl(): Int32Array {
  if (controls.length === 0) {
    const block = sharedBuffer(BLOCK_WORDS * 4);
    for (let i = BLOCK_WORDS - JOB_STRIDE; i >= 0; i -= JOB_STRIDE) controls.push(new Int32Array(block, i * 4, JOB_CURSOR + 1));
  }
  return controls.pop()!;
}

/** Returns a job's words once no task of its job can still use them. */
export function releaseControl(words: Int32Array): void {
  // Cleared before reuse; no task of the old job uses them any more (its promise settled).
  sys.store(words, 0, 0);
  sys.store(words, JOB_CURSOR, 0);
  controls.push(words);
}

const spare: SharedArrayBuffer[] = [];

/** A buffer of at least `bytes` (contents unspecified): the smallest spare one that fits, or a new one. */
export function takeBuffer(bytes: number): SharedArrayBuffer {
  let best = -1;
  for (let i = 0; i < spare.length; i++) {
    const len = spare[i]!.byteLength;
    if (len >= bytes && (best < 0 || len < spare[best]!.byteLength)) best = i;
  }
  if (best >= 0) return spare.splice(best, 1)[0]!;
  // Small buffers (counters) round up to a power of two, so they fit the next call too.
  return sharedBuffer(bytes < 1 << 20 ? 2 ** Math.ceil(Math.log2(Math.max(bytes, 64))) : bytes);
}

/** Returns a buffer taken with `takeBuffer` once no task uses it. */
export function releaseBuffer(b: SharedArrayBuffer): void {
  spare.push(b);
}
