/**
 * One side of a timeout race (crossbeam's stress_timeout_two_threads, strengthened): every
 * operation has a short timeout (or an AbortSignal), so many expire while the peer is in the
 * middle of its own. Afterwards the test checks "sent ⇔ received": each send that reported success
 * was received exactly once, in order, and each that failed was not received and handed its
 * value back.
 *
 * default(end, { mode: "send" | "recv", n, timeouts: number[], async, abort, pauseEvery })
 */
import { RecvError, SendTimeoutError, TimeoutError } from "../../dist/index.js";
import { sleep } from "./ch-lib.mjs";

export default async function (end, { mode, n = 0, timeouts, async = false, abort = false, pauseEvery = 0, seed = 1, retry = false }) {
  let k = seed;
  const nextTimeout = () => timeouts[(k = (k * 1103515245 + 12345) & 0x7fffffff) % timeouts.length];
  const opts = () => {
    const t = nextTimeout();
    if (abort && async && (k & 1)) return { signal: AbortSignal.timeout(Math.max(1, Math.ceil(t))) };
    return { timeout: t };
  };
  const expired = (e) => e instanceof TimeoutError || e?.name === "TimeoutError" || e?.name === "AbortError";
  const done = [];
  let failures = 0;
  try {
    if (mode === "send") {
      for (let i = 0; i < n; i++) {
        if (pauseEvery && i % pauseEvery === 0) sleep(2);
        for (;;) {
          try {
            if (async) await end.sendAsync(i, opts());
            else end.send(i, opts());
            done.push(i);
            break;
          } catch (e) {
            if (!expired(e)) throw e;
            if (e instanceof TimeoutError && !(e instanceof SendTimeoutError)) throw new Error("a send timed out with a plain TimeoutError");
            if (e instanceof SendTimeoutError && e.value !== i) throw new Error(`SendTimeoutError.value ${e.value} for ${i}`);
            failures++;
            if (!retry && failures % 3 === 0) break; // give up on this value: it must never arrive
          }
        }
      }
    } else {
      for (;;) {
        if (pauseEvery && done.length % pauseEvery === 0) sleep(2);
        try {
          done.push(async ? await end.recvAsync(opts()) : end.recv(opts()));
        } catch (e) {
          if (e instanceof RecvError) break;
          if (!expired(e)) throw e;
          failures++;
        }
      }
    }
  } finally {
    end.close();
  }
  return { done, failures };
}
