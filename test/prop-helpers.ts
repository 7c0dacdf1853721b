/**
 * Shared pieces of the fast-check property tests over real workers (`test/sync/*.prop.test.ts`):
 * run counts (scaled up by `WEFT_SOAK`), placements of primitives at random offsets of one bigger
 * `SharedArrayBuffer` with sentinel bytes around them, and "no hang" deadlines that terminate
 * every worker of a run instead of stalling the suite.
 */
import fc from "fast-check";
import type { WorkerHandle } from "../dist/index.js";

/**
 * `npm run soak` sets `WEFT_SOAK=1`: every property then runs ×20 (a number > 1 is used as the
 * factor itself, e.g. `WEFT_SOAK=5`).
 */
export const SOAK: number = (() => {
  const v = process.env.WEFT_SOAK;
  if (v === undefined || v === "" || v === "0" || v === "false") return 1;
  const n = Number(v);
  return Number.isFinite(n) && n > 1 ? Math.floor(n) : 20;
})();

/** No run of any property may take longer than this: past it, the run fails as a hang. */
export const HANG_MS = 20_000;

/** vitest timeout for a property of `numRuns` runs: room for every run plus one hang. */
export const timeoutFor = (numRuns: number, perRunMs = 2_000): number => numRuns * SOAK * perRunMs + HANG_MS + 10_000;

/**
 * fast-check parameters: `numRuns` (× SOAK). A failing run ends the property at once (no
 * shrinking: each shrink step spawns workers and may wait out a hang) unless `WEFT_SHRINK=1`;
 * the seed and path are printed either way, so a failure can be replayed and shrunk later.
 */
export function fcParams(numRuns: number, extra: fc.Parameters<any> = {}): fc.Parameters<any> {
  return { numRuns: numRuns * SOAK, endOnFailure: process.env.WEFT_SHRINK !== "1", ...extra };
}

/** A seed for the deterministic per-worker random choices (test/workers/_rng.mjs). */
export const seedArb = fc.integer({ min: 1, max: 0x7fffffff });

// ---------------------------------------------------------------------------------------------
// Placement

/** How a run lays out its primitives: each in its own buffer (`new X()`), or all in one buffer. */
export type Layout = { own: true } | { own: false; gaps: number[]; order: number[]; sentinel: number };

/**
 * Layouts for `n` regions: half the time `own`, otherwise the regions in a random order with
 * random gaps (0–7 words) before, between and after them.
 */
export const layoutArb = (n: number): fc.Arbitrary<Layout> =>
  fc.oneof(
    fc.constant({ own: true as const }),
    fc.record({
      own: fc.constant(false as const),
      gaps: fc.array(fc.nat(7), { minLength: n + 1, maxLength: n + 1 }),
      order: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
      sentinel: fc.integer({ min: 1, max: 255 }),
    }),
  );

export interface Region {
  bytes: number;
  /** Byte alignment (4 unless said). */
  align?: number;
}

/**
 * Regions laid out in one `SharedArrayBuffer`. Every byte outside the regions holds a sentinel
 * byte; `checkSentinels()` throws if a primitive wrote outside its `BYTE_LENGTH`.
 */
export class Arena {
  readonly buffer: SharedArrayBuffer;
  readonly offsets: number[];
  private readonly free: Array<[number, number]> = [];
  private readonly sentinel: number;

  constructor(regions: Region[], layout: Extract<Layout, { own: false }>) {
    this.sentinel = layout.sentinel;
    this.offsets = new Array(regions.length);
    let at = 0;
    for (let k = 0; k < regions.length; k++) {
      const i = layout.order[k]!;
      const r = regions[i]!;
      const align = r.align ?? 4;
      const start = at;
      at += layout.gaps[k]! * 4;
      at = Math.ceil(at / align) * align;
      this.free.push([start, at]);
      this.offsets[i] = at;
      at += Math.ceil(r.bytes / 4) * 4;
    }
    const start = at;
    at += layout.gaps[regions.length]! * 4;
    this.free.push([start, at]);
    this.buffer = new SharedArrayBuffer(Math.max(at, 8));
    const bytes = new Uint8Array(this.buffer);
    for (const [a, b] of this.free) bytes.fill(this.sentinel, a, b);
  }

  /** Throws if any byte outside the regions lost its sentinel value. */
  checkSentinels(): void {
    const bytes = new Uint8Array(this.buffer);
    for (const [a, b] of this.free) {
      for (let i = a; i < b; i++) {
        if (bytes[i] !== this.sentinel) {
          throw new Error(`byte ${i} outside every primitive changed: ${bytes[i]} instead of sentinel ${this.sentinel}`);
        }
      }
    }
  }
}

/** An `Arena` for `regions`, or `null` for the `own` layout. */
export const arrange = (regions: Region[], layout: Layout): Arena | null => (layout.own ? null : new Arena(regions, layout));

/** An Int32Array of `n` words: at `arena.offsets[i]`, or in its own new buffer. */
export function words(arena: Arena | null, i: number, n: number): Int32Array {
  return arena === null ? new Int32Array(new SharedArrayBuffer(n * 4)) : new Int32Array(arena.buffer, arena.offsets[i], n);
}

// ---------------------------------------------------------------------------------------------
// No hangs

/** Resolves like `p`, or rejects with a "hang" error after `ms` (after running `onHang`). */
export async function within<T>(p: Promise<T>, ms: number, what: string, onHang?: () => unknown): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      let detail = "";
      try {
        const d = onHang?.();
        if (typeof d === "string") detail = `: ${d}`;
      } catch (e) {
        detail = `: (dump failed: ${String(e)})`;
      }
      reject(new Error(`hang: ${what} did not finish within ${ms} ms${detail}`));
    }, ms);
  });
  try {
    return await Promise.race([p, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Joins every worker, failing as a hang after `ms`. On a hang or a failure, every worker still
 * running is terminated (so a broken run never outlives its test). `dump` describes the shared
 * state for the hang message.
 */
export async function joinAll<R = unknown>(handles: WorkerHandle<R>[], ms = HANG_MS, dump?: () => string): Promise<R[]> {
  try {
    return await within(Promise.all(handles.map((h) => h.join())), ms, `${handles.length} worker(s)`, dump);
  } catch (e) {
    await Promise.allSettled(handles.map((h) => h.terminate()));
    throw e;
  }
}

/** Resolves once `pred()` holds (polled each ms), or rejects as a hang after `ms`. */
export async function until(pred: () => boolean, what: string, ms = HANG_MS): Promise<void> {
  const end = performance.now() + ms;
  while (!pred()) {
    if (performance.now() > end) throw new Error(`hang: ${what} not seen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Captures a rejection (or `undefined` on success), for asserting on the error itself. */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return e;
  }
}
