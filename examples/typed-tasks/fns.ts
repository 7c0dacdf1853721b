/**
 * Task functions for the typed-tasks example. main.ts names them by this module's URL + export
 * name, and `moduleRef<typeof import("./fns.js")>` gives the compiler their types.
 */

/** For `parallel.map`: called as fn(x, i) for every element. */
export const square = (x: number): number => x * x;

/** For `parallel.reduce`: associative, with identity 0. */
export const add = (acc: number, x: number): number => acc + x;

/** For `join`: CPU-bound work. */
export function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

/** For `join`: an array argument (copied to the worker). */
export function sumOf(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

/** For `join`: an async function's result arrives awaited. */
export async function label(name: string, times = 1): Promise<string> {
  return `${name} x${times}`;
}
