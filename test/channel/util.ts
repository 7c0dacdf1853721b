/**
 * Helpers for the channel tests: soak scaling, hang guards, history checking, a structured-clone
 * aware deep equality, and a peek at a channel's arena statistics.
 */
import { Worker } from "node:worker_threads";
import { afterEach, beforeEach } from "vitest";
import { revive, share, type Receiver, type Sender, type WorkerHandle } from "../../dist/index.js";
import type { History } from "../workers/ch-lib.mjs";

// ---------------------------------------------------------------------------------------------
// Watchdog. A channel that is broken can block the *main* thread in a synchronous send / recv /
// select, where no timer (vitest's test timeout, `within`) can fire, and the suite would stall.
// A small watchdog thread watches a heartbeat the main thread's event loop bumps; if the loop
// has not turned for BLOCKED_MS it names the running test on stderr and kills this test process,
// so the file fails (vitest reports the fork as crashed) instead of hanging.

const BLOCKED_MS = 30_000;
const wd = new Int32Array(new SharedArrayBuffer(8 + 1024));
const wdName = new Uint8Array(wd.buffer, 8);
new Worker(new URL("./watchdog.cjs", import.meta.url), { workerData: { sab: wd.buffer, blockedMs: BLOCKED_MS } }).unref();
setInterval(() => Atomics.add(wd, 0, 1), 250).unref();
beforeEach((ctx) => {
  wdName.fill(0);
  wdName.set(new TextEncoder().encode(`${ctx.task.file?.name ?? ""} > ${ctx.task.name}`.slice(0, 1000)).subarray(0, 1023));
});
afterEach(() => {
  wdName.fill(0);
});

/** `WEFT_SOAK=1` multiplies run counts ~20×. */
export const SOAK = process.env.WEFT_SOAK ? 20 : 1;
export const runs = (n: number): number => n * SOAK;

/** How long any single scenario may take before it counts as a hang. */
export const HANG_MS = 25_000;

/**
 * Resolves with `p`, or rejects if it takes longer than `ms` (a hang fails instead of stalling the
 * suite). `onTimeout` runs first (terminate workers).
 */
export async function within<T>(p: Promise<T>, what: string, ms = HANG_MS, onTimeout?: () => unknown): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, rej) => {
    timer = setTimeout(async () => {
      try {
        await onTimeout?.();
      } finally {
        rej(new Error(`hang: ${what} did not finish within ${ms} ms`));
      }
    }, ms);
  });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

/** Joins every handle (all settle), failing on a hang (workers terminated) or on the first error. */
export async function joinAll<R = unknown>(hs: WorkerHandle<any>[], what: string, ms = HANG_MS, extra: Promise<unknown>[] = []): Promise<R[]> {
  const all = Promise.allSettled([...hs.map((h) => h.join()), ...extra]);
  const settled = await within(all, what, ms, () => Promise.all(hs.map((h) => h.terminate().catch(() => {}))));
  const failed = settled.find((s) => s.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return settled.map((s) => (s as PromiseFulfilledResult<R>).value);
}

/**
 * Checks full histories: every (p, s) with s < counts[p] arrived exactly once over all consumers,
 * nothing else arrived, no message was malformed, and each consumer saw each producer's messages
 * in increasing order. Returns a description of the first violation, or null.
 */
export function checkHistories(hist: History[], counts: number[]): string | null {
  const got = counts.map((n) => new Uint8Array(n));
  for (let c = 0; c < hist.length; c++) {
    const h = hist[c]!;
    if (h.bad !== 0) return `consumer ${c} got ${h.bad} malformed message(s), e.g. ${h.sample}`;
    const last = counts.map(() => -1);
    for (let i = 0; i < h.seen.length; i += 2) {
      const p = h.seen[i]!, s = h.seen[i + 1]!;
      if (p >= counts.length || s >= counts[p]!) return `consumer ${c} got (${p}, ${s}), which nobody sent`;
      if (s <= last[p]!) return `consumer ${c} got producer ${p}'s message ${s} after ${last[p]} (FIFO violated)`;
      last[p] = s;
      if (got[p]![s]! !== 0) return `(${p}, ${s}) was received twice`;
      got[p]![s] = 1;
    }
  }
  for (let p = 0; p < counts.length; p++) {
    const missing = got[p]!.indexOf(0);
    if (missing >= 0) {
      const n = got[p]!.reduce((a, b) => a + (b === 0 ? 1 : 0), 0);
      return `${n} of producer ${p}'s ${counts[p]} messages were lost, first (${p}, ${missing})`;
    }
  }
  return null;
}

/** Statistics of a channel's arena, read from its shared memory (the API exposes none). */
export interface ArenaPeek {
  bytesInUse: number;
  peakBytes: number;
  allocations: number;
  frees: number;
  byteLength: number;
}

/**
 * Reads a channel's arena statistics. The public API has no stats accessor, so this takes the
 * arena buffer from the end's share() wire and reads the words documented in
 * src/memory/arena.ts (IN_USE = word 3, …; TAG = word 7 checked). The wire counted as a clone, so
 * it is revived and closed again. Returns null for a channel without an arena.
 */
export function arenaPeek(end: Sender<any> | Receiver<any>): ArenaPeek | null {
  const w = share(end);
  const rec = (w as any).value as { x?: { arena?: SharedArrayBuffer | null } };
  (revive(w) as Sender<any> | Receiver<any>).close();
  const arena = rec.x?.arena ?? null;
  if (arena === null) return null;
  const words = new Int32Array(arena, 0, 8);
  if (Atomics.load(words, 7) !== 0x77660020) throw new Error("arenaPeek: arena layout changed (tag word 7)");
  return {
    bytesInUse: Atomics.load(words, 3),
    peakBytes: Atomics.load(words, 4),
    allocations: Atomics.load(words, 5),
    frees: Atomics.load(words, 6),
    byteLength: arena.byteLength,
  };
}

// ---------------------------------------------------------------------------------------------
// Deep equality with structured-clone semantics.

const isTyped = (v: unknown): v is ArrayBufferView => ArrayBuffer.isView(v);

/**
 * Deep equality as structured clone defines sameness: same-value numbers (NaN equals NaN, -0 is
 * not 0), prototypes (Map, Set, Date, RegExp, typed-array kind, Error class), contents, array
 * holes, and reference structure: two positions hold the same object in `a` iff they do in `b`.
 * Returns null when equal, else the path of the first difference.
 */
export function scDiff(a: unknown, b: unknown): string | null {
  const ab = new Map<object, object>();
  const ba = new Map<object, object>();
  const walk = (x: unknown, y: unknown, path: string): string | null => {
    if (typeof x !== typeof y) return `${path}: ${typeof x} vs ${typeof y}`;
    if (typeof x !== "object" || x === null || y === null) {
      return Object.is(x, y) ? null : `${path}: ${String(x)} vs ${String(y)}`;
    }
    const xo = x as object, yo = y as object;
    // Reference structure: a bijection between the objects of a and of b.
    const mx = ab.get(xo), my = ba.get(yo);
    if (mx !== undefined || my !== undefined) return mx === yo && my === xo ? null : `${path}: shared-reference structure differs`;
    ab.set(xo, yo);
    ba.set(yo, xo);
    if (Object.getPrototypeOf(xo) !== Object.getPrototypeOf(yo)) {
      return `${path}: ${xo.constructor?.name} vs ${yo.constructor?.name}`;
    }
    if (xo instanceof Date) return Object.is(xo.getTime(), (yo as Date).getTime()) ? null : `${path}: date ${xo.getTime()} vs ${(yo as Date).getTime()}`;
    if (xo instanceof RegExp) return xo.source === (yo as RegExp).source && xo.flags === (yo as RegExp).flags ? null : `${path}: ${xo} vs ${yo}`;
    if (xo instanceof ArrayBuffer) {
      const yb = yo as ArrayBuffer;
      if (xo.byteLength !== yb.byteLength) return `${path}: byteLength ${xo.byteLength} vs ${yb.byteLength}`;
      const u = new Uint8Array(xo), v = new Uint8Array(yb);
      for (let i = 0; i < u.length; i++) if (u[i] !== v[i]) return `${path}: byte ${i}`;
      return null;
    }
    if (isTyped(xo)) {
      const yt = yo as ArrayBufferView;
      if (xo.byteOffset !== yt.byteOffset || xo.byteLength !== yt.byteLength) {
        return `${path}: view at ${xo.byteOffset}+${xo.byteLength} vs ${yt.byteOffset}+${yt.byteLength}`;
      }
      if (xo instanceof DataView) return walk(xo.buffer, yt.buffer, `${path}.buffer`);
      const xs = xo as unknown as ArrayLike<unknown>, ys = yt as unknown as ArrayLike<unknown>;
      for (let i = 0; i < xs.length; i++) if (!Object.is(xs[i], ys[i])) return `${path}[${i}]: ${String(xs[i])} vs ${String(ys[i])}`;
      return walk(xo.buffer, yt.buffer, `${path}.buffer`);
    }
    if (xo instanceof Map) {
      const ym = yo as Map<unknown, unknown>;
      if (xo.size !== ym.size) return `${path}: Map size ${xo.size} vs ${ym.size}`;
      const xe = [...xo], ye = [...ym];
      for (let i = 0; i < xe.length; i++) {
        const d = walk(xe[i]![0], ye[i]![0], `${path}.<key ${i}>`) ?? walk(xe[i]![1], ye[i]![1], `${path}.<value ${i}>`);
        if (d !== null) return d;
      }
      return null;
    }
    if (xo instanceof Set) {
      const ys = yo as Set<unknown>;
      if (xo.size !== ys.size) return `${path}: Set size ${xo.size} vs ${ys.size}`;
      const xe = [...xo], ye = [...ys];
      for (let i = 0; i < xe.length; i++) {
        const d = walk(xe[i], ye[i], `${path}.<item ${i}>`);
        if (d !== null) return d;
      }
      return null;
    }
    if (xo instanceof Error) {
      const ye = yo as Error;
      if (xo.name !== ye.name || xo.message !== ye.message) return `${path}: ${xo.name}: ${xo.message} vs ${ye.name}: ${ye.message}`;
      if (("cause" in xo) !== ("cause" in ye)) return `${path}.cause: present vs absent`;
      return "cause" in xo ? walk(xo.cause, ye.cause, `${path}.cause`) : null;
    }
    if (Array.isArray(xo)) {
      const ya = yo as unknown[];
      if (xo.length !== ya.length) return `${path}: length ${xo.length} vs ${ya.length}`;
    }
    const xk = Object.keys(xo), yk = Object.keys(yo);
    if (xk.length !== yk.length || xk.some((k, i) => k !== yk[i])) return `${path}: keys [${xk}] vs [${yk}]`;
    for (const k of xk) {
      const d = walk((xo as any)[k], (yo as any)[k], `${path}.${k}`);
      if (d !== null) return d;
    }
    return null;
  };
  return walk(a, b, "value");
}

/** Waits (without blocking the event loop) until flags[i] === v. */
export async function waitFlag(flags: Int32Array, i: number, v: number): Promise<void> {
  while (Atomics.load(flags, i) !== v) {
    const r = (Atomics as any).waitAsync(flags, i, Atomics.load(flags, i), 100);
    if (r.async) await r.value;
  }
}

/**
 * `waitFlag`, failing at once with the worker's own outcome if worker `h` ends (returns, throws or
 * dies) before the flag is set, instead of hanging until `within`'s limit with no cause.
 */
export function waitFlagOf(h: WorkerHandle<any>, flags: Int32Array, i: number, v: number): Promise<void> {
  // A worker that sets the flag and ends at once is fine: look at the flag before blaming it.
  const ended = h.join().then(
    (r) => {
      if (Atomics.load(flags, i) === v) return;
      throw new Error(`the worker returned ${JSON.stringify(r)} before setting flag ${i} to ${v}`);
    },
    (e) => {
      if (Atomics.load(flags, i) === v) return;
      throw new Error(`the worker failed before setting flag ${i} to ${v}: ${e?.stack ?? e}`);
    },
  );
  ended.catch(() => {}); // the worker ending after the flag (as it should) is no error
  return Promise.race([waitFlag(flags, i, v), ended]);
}

/** Sets flags[i] = v and wakes its waiters. */
export function setFlag(flags: Int32Array, i: number, v: number): void {
  Atomics.store(flags, i, v);
  Atomics.notify(flags, i);
}

/**
 * Header words of a channel (src/channel/layout.ts): the blocking protocol's counters, read from
 * the end's shared memory so tests can check that timed-out / aborted waits unregister.
 */
export interface HeaderPeek {
  senders: number;
  receivers: number;
  rxSleepers: number;
  txSleepers: number;
  selRx: number;
  selTx: number;
}

export function headerPeek(end: Sender<any> | Receiver<any>): HeaderPeek {
  const w = share(end);
  const buf = (w as any).value.b as SharedArrayBuffer;
  (revive(w) as Sender<any> | Receiver<any>).close();
  const h = new Int32Array(buf, 0, 128);
  if (Atomics.load(h, 0) !== 0x77660030) throw new Error("headerPeek: channel layout changed (TAG word 0)");
  return {
    senders: Atomics.load(h, 3),
    receivers: Atomics.load(h, 4),
    rxSleepers: Atomics.load(h, 49),
    txSleepers: Atomics.load(h, 65),
    selRx: Atomics.load(h, 96),
    selTx: Atomics.load(h, 112),
  };
}
