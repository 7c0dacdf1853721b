/**
 * Part 2: every async call given a `signal` now combines it with the handle's close signal
 * (`eitherSignal`), even a call that finds a message at once. On Node 20 (the supported engine)
 * `AbortSignal.any` registers the combined signal in each source's dependants set and never takes
 * the entry out when the call ends; the fallback adds an 'abort' listener to each source, never
 * removed. Either way a long-lived user signal (and the handle's own close signal) grows with
 * every call: a consumer `for (;;) await rx.recvAsync({ signal })` leaks without bound.
 */
import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { lib } from "./util.js";

/** The size of Node's internal dependants set on `s` (AbortSignal.any), 0 if none. */
function dependants(s: AbortSignal): number {
  for (const sym of Object.getOwnPropertySymbols(s)) {
    if (sym.description === "kDependantSignals") return ((s as any)[sym] as Set<unknown> | undefined)?.size ?? 0;
  }
  return 0;
}

const N = 5_000;

describe("review14: a long-lived user signal passed to channel calls", () => {
  it("AbortSignal.any: completed recvAsync/sendAsync calls leave nothing on the user's signal", async () => {
    const { channel } = await lib();
    const [tx, rx] = channel<number>({ capacity: 4 });
    const user = new AbortController();
    for (let i = 0; i < N; i++) {
      await tx.sendAsync(i, { signal: user.signal });
      expect(await rx.recvAsync({ signal: user.signal })).toBe(i);
    }
    (globalThis as any).gc?.();
    await new Promise((r) => setTimeout(r, 50));
    // N completed calls: at most a handful of entries may stay behind.
    expect(dependants(user.signal), `entries on the user's signal after ${2 * N} completed calls`).toBeLessThan(100);
    tx.close();
    rx.close();
  });

  it("without AbortSignal.any (older browsers' fallback): no 'abort' listener stays on the user's signal", async () => {
    const { channel } = await lib();
    const any = (AbortSignal as any).any;
    delete (AbortSignal as any).any;
    try {
      const [tx, rx] = channel<number>({ capacity: 4 });
      const user = new AbortController();
      for (let i = 0; i < 500; i++) {
        tx.send(i);
        expect(await rx.recvAsync({ signal: user.signal })).toBe(i);
      }
      expect(getEventListeners(user.signal, "abort").length, "abort listeners left on the user's signal").toBeLessThan(10);
      tx.close();
      rx.close();
    } finally {
      (AbortSignal as any).any = any;
    }
  });
});
