/**
 * The parallel sort, caller's side: an LSD radix sort (radix.ts) whose passes run as phases of
 * chunk tasks on the pool.
 *
 * Per 8-bit digit, least significant first:
 *   1. count   every chunk counts its elements' digits into its own 256 counters (shared memory);
 *   2. offsets here: counts → starting offsets, bucket-major and chunk-minor (so the sort is stable
 *              and every chunk writes its own disjoint runs of the destination); a digit whose
 *              elements all fall in one bucket moves nothing and is skipped;
 *   3. scatter every chunk moves its elements to those offsets in the other array.
 * Source and destination swap each pass; if the result ends in the scratch array, a last phase
 * copies it back. Floats then get their leading NaNs moved last (radix.ts `moveLeadingNaNs`).
 *
 * Memory: one scratch SharedArrayBuffer the size of the array, plus 1 KiB of counters per chunk,
 * both taken from (and given back to) this thread's spare buffers (buffers.ts).
 */
import type { Job } from "./job.js";
import { releaseBuffer, takeBuffer } from "./buffers.js";
import { BUCKETS, countsToOffsets, moveLeadingNaNs, type NumericArray, type SortSpec } from "./radix.js";

/** Arrays up to this length (with no `chunkSize` given) are sorted whole, in one task. */
export const SORT_WHOLE_MAX = 1 << 16;

/**
 * Most chunks a sort is cut into, whatever `chunkSize` says: every chunk has 1 KiB of digit
 * counters allocated up front and is a task per phase (17 phases for f64), so `chunkSize: 1` on
 * 10M elements would have asked for 10 GB of counters (a helper's port found 100k elements with
 * `chunkSize: 1` taking 8.5 s).
 */
export const SORT_MAX_CHUNKS = 1024;

/** Progress units of a sort of n elements: count + scatter per pass, plus the finish. */
export const sortWork = (n: number, spec: SortSpec): number => n * (2 * spec.width + 1);

export async function sortOnPool(job: Job, kernels: string, data: NumericArray, spec: SortSpec, desc: boolean): Promise<void> {
  const n = data.length;
  const { pool, ctl } = job;
  if (n <= SORT_WHOLE_MAX && job.chunkSize === undefined) {
    await job.phase(1, () => pool.run(kernels, "sortWhole", data, desc, ctl), () => job.total);
    return;
  }
  const chunks = job.chunks(n, job.chunkSize === undefined ? undefined : Math.max(job.chunkSize, Math.ceil(n / SORT_MAX_CHUNKS)));
  const weight = (i: number) => chunks[i]![1] - chunks[i]![0];
  const scratchBuffer = takeBuffer(n * spec.width);
  const histBuffer = takeBuffer(chunks.length * BUCKETS * 4);
  const scratch = new (data.constructor as new (b: SharedArrayBuffer, at: number, n: number) => NumericArray)(scratchBuffer, 0, n);
  const hist = new Uint32Array(histBuffer, 0, chunks.length * BUCKETS);
  let src = data, dst = scratch;
  let ok = false;
  try {
    for (let pass = 0; pass < spec.width; pass++) {
      const from = src, to = dst;
      await job.phase(chunks.length, (i) => pool.run(kernels, "sortCount", from, desc, pass, ...chunks[i]!, hist, i * BUCKETS, ctl), weight);
      if (countsToOffsets(hist, chunks.length, n)) {
        job.advance(n);
        continue;
      }
      await job.phase(chunks.length, (i) => pool.run(kernels, "sortScatter", from, to, desc, pass, ...chunks[i]!, hist, i * BUCKETS, ctl), weight);
      [src, dst] = [to, from];
    }
    if (src !== data) {
      const from = src;
      await job.phase(chunks.length, (i) => pool.run(kernels, "copyChunk", from, data, ...chunks[i]!, ctl), weight);
      src = data;
    } else {
      job.advance(n);
    }
    if (spec.kind === "f64" || spec.kind === "f32") moveLeadingNaNs(data as Float64Array, scratch as Float64Array);
    ok = true;
  } catch (e) {
    // Leave `data` a permutation of its elements: the last completed pass may sit in scratch
    // (a failed scatter or copy into `data` may have written part of it). Same-type set() is a
    // byte copy, so NaN payloads survive.
    if (src !== data) data.set(src as any);
    throw e;
  } finally {
    // Reused by later calls only after a success: a pool terminated mid-sort rejects before its
    // workers have stopped, and a kernel still running must not write into the next job's memory.
    if (ok) {
      releaseBuffer(scratchBuffer);
      releaseBuffer(histBuffer);
    }
  }
}
