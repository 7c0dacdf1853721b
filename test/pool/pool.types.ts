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
  type ModuleRef,
  moduleRef,
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

/** A task module's type, as `typeof import("./math.js")` would give it. */
interface MathModule {
  fib(n: number): number;
  greet(name: string, times?: number): Promise<string>;
  version: string;
}
declare const math: ModuleRef<MathModule>;

export async function typedRunTypes(pool: ThreadPool): Promise<void> {
  // A moduleRef types the export name, the arguments and the (awaited) result.
  const f: number = await pool.run(math, "fib", 30);
  const g: string = await pool.run(math, "greet", "ann", 2);
  const g1: string = await pool.run(math, "greet", "ann");
  const w: number = await pool.runWith({ signal: AbortSignal.timeout(5) }, math, "fib", 1);
  const fs: number[] = await pool.runMany(math, "fib", [[1], [2]]);
  const sb: number = await spawnBlocking(math, "fib", 3);
  const cp: number = await currentPool().run(math, "fib", 3);
  const made = moduleRef<MathModule>(new URL("file:///math.js"));
  const m: number = await pool.run(made, "fib", 2);
  void [f, g, g1, w, fs, sb, cp, m];

  // @ts-expect-error fib takes a number
  void pool.run(math, "fib", "30");
  // @ts-expect-error fib takes one argument
  void pool.run(math, "fib");
  // @ts-expect-error no export named nope
  void pool.run(math, "nope", 1);
  // @ts-expect-error version is not a function
  void pool.run(math, "version");
  // @ts-expect-error fib resolves to a number, not a string
  const bad: string = await pool.run(math, "fib", 1);
  // @ts-expect-error runMany checks every argument list
  void pool.runMany(math, "fib", [[1], ["2"]]);
  // @ts-expect-error runWith checks the arguments too
  void pool.runWith({}, math, "greet", 5);
  // @ts-expect-error spawnBlocking is typed the same way
  void spawnBlocking(math, "greet");
  // @ts-expect-error so is the pool a task sees
  void currentPool().run(math, "fib", true);
  void bad;
}
