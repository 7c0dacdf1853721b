/**
 * Type-level tests of the pool API, checked by `npm run typecheck` (tsc; not run by vitest):
 * each `@ts-expect-error` line must be an error, or tsc fails on the unused directive.
 */
import {
  ThreadPool,
  joinAll,
  joinAllSettled,
  spawnBlocking,
  threadLocal,
  currentPool,
  type Pool,
  type PoolStats,
  type Settled,
  type ThreadPoolOptions,
} from "../../dist/index.js";

declare const url: URL;

export async function poolTypes(): Promise<void> {
  const pool = new ThreadPool({ threads: 2, stackSizeMb: 4, name: "t", idleTimeoutMs: 1000 });
  const p: Pool = pool;
  const n: number = await pool.run<number>(url, "f", 1, "a", { b: 2 });
  const u: unknown = await pool.run(url, "f");
  const many: string[] = await pool.runMany<string>(url, "f", [[1], [2, 3]], { signal: new AbortController().signal });
  const w: number = await pool.runWith<number>({ signal: AbortSignal.timeout(5) }, url.href, "f");
  const s: PoolStats = p.stats();
  const threads: number = s.workers[0]!.tasksRun + pool.threads;
  void [n, u, many, w, threads];

  // @ts-expect-error threads is a number
  new ThreadPool({ threads: "2" });
  // @ts-expect-error unknown option
  new ThreadPool({ thread: 2 } satisfies ThreadPoolOptions);
  // @ts-expect-error the export is named by a string
  void pool.run(url, 3);
  // @ts-expect-error the module is a URL or a string
  void pool.run(42, "f");
  // @ts-expect-error runMany takes an array of argument arrays
  void pool.runMany(url, "f", [1, 2]);
  // @ts-expect-error runWith's first argument is the options
  void pool.runWith(url, "f");
  // @ts-expect-error the pool's threads are read-only
  pool.threads = 3;
  // @ts-expect-error a result typed as number is not a string
  const bad: string = await pool.run<number>(url, "f");
  void bad;

  const b: number = await spawnBlocking<number>(url, "f", 1);
  const c: Pool = currentPool();
  void [b, c];
}

export async function joinTypes(): Promise<void> {
  const [a, b] = await joinAll([Promise.resolve(1), Promise.resolve("x")] as const);
  const na: number = a;
  const sb: string = b;
  // @ts-expect-error the tuple keeps each position's type
  const wrong: number = b;
  const all: number[] = await joinAll(new Set([Promise.resolve(1)]));
  const settled = await joinAllSettled([Promise.resolve(1), Promise.resolve("y")] as const);
  const first: Settled<number> = settled[0];
  if (first.ok) {
    const v: number = first.value;
    void v;
  } else {
    const e: unknown = first.error;
    // @ts-expect-error a failed outcome has no value
    void first.value;
    void e;
  }
  // @ts-expect-error controller must be an AbortController
  await joinAll([], { controller: new AbortSignal() });
  void [na, sb, wrong, all];
}

export function threadLocalTypes(): void {
  const t = threadLocal(() => new Map<string, number>());
  const m: Map<string, number> = t.get();
  const size: number = t.with((x) => x.size);
  // @ts-expect-error set takes the declared type
  t.set(5);
  // @ts-expect-error init is a function
  threadLocal(5);
  void [m, size];
}
