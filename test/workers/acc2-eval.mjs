/**
 * acc2: runs a function given as source text in this worker — a port of one of crossbeam's
 * `scope.spawn(|_| …)` closures. The function is called as fn(weft, ends, h) where weft is the
 * built library, ends the (shared) arguments, and h a few helpers:
 *   h.sleep(ms)      blocks this thread (thread::sleep)
 *   h.eq(a, b, what) deep-equality assertion (throws with a message)
 *   h.ok(c, what)    assertion
 *   h.err(fn)        runs fn, returns what it threw as { name, kind?, value? } (or { returned })
 * Whatever the function returns is join()'s result.
 */
import * as weft from "../../dist/index.js";
import { isDeepStrictEqual, inspect } from "node:util";

const nap = new Int32Array(new SharedArrayBuffer(4));
const h = {
  sleep(ms) {
    Atomics.wait(nap, 0, 0, ms);
  },
  eq(a, b, what = "") {
    if (!isDeepStrictEqual(a, b)) throw new Error(`${what}: expected ${inspect(b)}, got ${inspect(a)}`);
  },
  ok(c, what = "") {
    if (!c) throw new Error(`assertion failed: ${what}`);
  },
  err(fn) {
    try {
      return { returned: fn() };
    } catch (e) {
      const out = { name: e?.name ?? String(e) };
      if (e && typeof e === "object") {
        if ("kind" in e) out.kind = e.kind;
        if ("value" in e) out.value = e.value;
      }
      return out;
    }
  },
  async errAsync(fn) {
    try {
      return { returned: await fn() };
    } catch (e) {
      const out = { name: e?.name ?? String(e) };
      if (e && typeof e === "object") {
        if ("kind" in e) out.kind = e.kind;
        if ("value" in e) out.value = e.value;
      }
      return out;
    }
  },
  now: () => performance.now(),
};

export default async function (src, ends, group) {
  const fn = (0, eval)(`(${src})`);
  if (group !== undefined) {
    // Start together with the other threads of the group (see acc2-lib.ts `thread`).
    Atomics.add(group, 1, 1);
    Atomics.notify(group, 1);
    const until = performance.now() + 2000;
    for (let seen; (seen = Atomics.load(group, 1)) < Atomics.load(group, 0) && performance.now() < until; ) {
      Atomics.wait(group, 1, seen, 50);
    }
  }
  return await fn(weft, ends, h);
}
