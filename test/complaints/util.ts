/** Helpers of the complaint tests: worker URLs, handshakes with holder.mjs, polling. */
export const here = (name: string): URL => new URL(`./workers/${name}`, import.meta.url);
export const shared = (n = 4): Int32Array => new Int32Array(new SharedArrayBuffer(4 * n));
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits (event loop free) until words[i] !== 0, or fails as a hang. */
export async function until(words: Int32Array, i: number, what: string, ms = 20_000): Promise<void> {
  const end = performance.now() + ms;
  while (Atomics.load(words, i) === 0) {
    if (performance.now() > end) throw new Error(`hang: ${what} not seen within ${ms} ms`);
    const r = (Atomics as any).waitAsync(words, i, 0, 50);
    if (r.async) await r.value;
  }
}

export function release(ctl: Int32Array): void {
  Atomics.store(ctl, 1, 1);
  Atomics.notify(ctl, 1);
}
