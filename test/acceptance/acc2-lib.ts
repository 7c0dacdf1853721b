/**
 * acc2 helpers for the crossbeam ports: run a closure in a worker thread (its source is sent, so it
 * may use only its parameters: the weft module, its ends and the helpers of acc2-eval.mjs).
 */
import { spawn, type WorkerHandle } from "../../dist/index.js";

export interface H {
  sleep(ms: number): void;
  eq(a: unknown, b: unknown, what?: string): void;
  ok(c: unknown, what?: string): void;
  err(fn: () => unknown): { name?: string; kind?: string; value?: unknown; returned?: unknown };
  errAsync(fn: () => Promise<unknown>): Promise<{ name?: string; kind?: string; value?: unknown; returned?: unknown }>;
  now(): number;
}
export type ThreadFn = (w: any, e: any, h: H) => unknown;

const url = new URL("../workers/acc2-eval.mjs", import.meta.url);

/**
 * The threads made in one synchronous run of a test start their closures together: crossbeam's
 * timings (a sleep of 1.5 U in one thread against U in another) assume threads that start at once,
 * and workers start tens of ms apart on a loaded 2-core machine. Each group is words
 * [registered, arrived] over shared memory: the test registers its threads synchronously (a
 * worker takes ≥ 10 ms to start, so none arrives before the last is registered), and each worker
 * waits (at most 2 s) until all have arrived. A group is sealed at the end of the synchronous run.
 */
let group: Int32Array | null = null;

/** crossbeam's `scope.spawn(closure)`: the closure runs in a new worker with `ends`. */
export function thread(fn: ThreadFn, ends: Record<string, unknown> = {}): WorkerHandle<any> {
  if (group === null) {
    const g = (group = new Int32Array(new SharedArrayBuffer(8)));
    queueMicrotask(() => {
      if (group === g) group = null;
    });
  }
  Atomics.add(group, 0, 1);
  return spawn(url, fn.toString(), ends as any, group);
}

/** Joins all handles (crossbeam's `scope` end), rejecting on the first failure or after `ms` (workers terminated). */
export async function scope(hs: WorkerHandle<any>[], ms = 30_000): Promise<any[]> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, rej) => {
    timer = setTimeout(() => {
      Promise.all(hs.map((h) => h.terminate().catch(() => {}))).finally(() => rej(new Error(`hang: scope did not finish within ${ms} ms`)));
    }, ms);
  });
  try {
    const settled = await Promise.race([Promise.allSettled(hs.map((h) => h.join())), hang]);
    const bad = settled.find((s) => s.status === "rejected");
    if (bad) throw (bad as PromiseRejectedResult).reason;
    return settled.map((s) => (s as PromiseFulfilledResult<any>).value);
  } finally {
    clearTimeout(timer);
  }
}

/** What `fn` threw, as { name, kind?, value? }. */
export function err(fn: () => unknown): { name?: string; kind?: string; value?: unknown; returned?: unknown } {
  try {
    return { returned: fn() };
  } catch (e: any) {
    const out: any = { name: e?.name ?? String(e) };
    if (e && typeof e === "object") {
      if ("kind" in e) out.kind = e.kind;
      if ("value" in e) out.value = e.value;
    }
    return out;
  }
}

export const ms = (n: number) => new Promise((r) => setTimeout(r, n));
