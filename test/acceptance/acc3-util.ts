/** Small helpers for the Go ports (test/acceptance/go-*.test.ts). */
import { spawn, type WorkerHandle } from "../../dist/index.js";

const WORKER = new URL("../workers/acc3-go.mjs", import.meta.url);

/** `go task(args…)`: runs a task of test/workers/acc3-go.mjs in a worker thread. */
export const go = <R = any>(task: string, ...args: unknown[]): WorkerHandle<R> => (spawn as any)(WORKER, task, ...args);

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const flagsOf = (n: number): Int32Array => new Int32Array(new SharedArrayBuffer(4 * n));

export function setFlag(f: Int32Array, i: number, v: number): void {
  Atomics.store(f, i, v);
  Atomics.notify(f, i);
}

/** Blocks this thread until f[i] === v (the main thread may block: workers do the other side). */
export function waitFlagSync(f: Int32Array, i: number, v: number, ms = 20_000): void {
  const t0 = performance.now();
  for (;;) {
    const cur = Atomics.load(f, i);
    if (cur === v) return;
    if (performance.now() - t0 > ms) throw new Error(`hang: flags[${i}] is ${cur}, wanted ${v}`);
    Atomics.wait(f, i, cur, 50);
  }
}

/** Waits (event loop free) until f[i] === v. */
export async function waitFlag(f: Int32Array, i: number, v: number, ms = 20_000): Promise<void> {
  const t0 = performance.now();
  while (Atomics.load(f, i) !== v) {
    if (performance.now() - t0 > ms) throw new Error(`hang: flags[${i}] is ${Atomics.load(f, i)}, wanted ${v}`);
    await sleep(1);
  }
}

/** Resolves with p, or rejects after ms ("hang"), running onHang first. */
export async function within<T>(p: Promise<T>, what: string, ms = 30_000, onHang?: () => unknown): Promise<T> {
  let t: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, rej) => {
    t = setTimeout(async () => {
      try {
        await onHang?.();
      } finally {
        rej(new Error(`hang: ${what} not done within ${ms} ms`));
      }
    }, ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(t);
  }
}

/** Joins workers (terminating them all on a hang); rethrows the first failure. */
export async function joinAll<R = any>(hs: WorkerHandle<any>[], what: string, ms = 30_000): Promise<R[]> {
  const settled = await within(Promise.allSettled(hs.map((h) => h.join())), what, ms, () =>
    Promise.all(hs.map((h) => h.terminate().catch(() => {}))),
  );
  const bad = settled.find((s) => s.status === "rejected");
  if (bad) throw (bad as PromiseRejectedResult).reason;
  return settled.map((s) => (s as PromiseFulfilledResult<R>).value);
}
