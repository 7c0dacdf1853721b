/**
 * Spawned by dir-memory.mjs and the directory property test: receives shared typed arrays from
 * `rx` and answers on `back`.
 *   a Float64Array        checks every element equals a[0]; writes -a[0] into its last element
 *                         (the sender reads it back: same memory); answers a[0]
 *   { keep: array }       as above, but keeps the array (until { drop: true })
 *   { drop: true }        lets go of kept arrays
 *   "gc"                  sweeps this thread's buffer directory, runs gc(); answers its stats
 *   a number              answers it (a ping)
 * The loop ends when every sender is gone.
 */
const debug = () => globalThis[Symbol.for("weft.directory.debug")];

export default function sink(rx, back) {
  let kept = [];
  for (const m of rx) {
    if (typeof m === "number") {
      back.send(m); // a ping: the sink is up
      continue;
    }
    if (m === "gc") {
      kept = [];
      debug()?.sweep();
      globalThis.gc?.();
      back.send({ ...(debug()?.stats() ?? {}), arrayBuffers: process.memoryUsage().arrayBuffers });
      continue;
    }
    if (m !== null && typeof m === "object" && m.drop === true) {
      kept = [];
      back.send("dropped");
      continue;
    }
    const a = m instanceof Float64Array ? m : m.keep;
    if (!(a instanceof Float64Array) || !(a.buffer instanceof SharedArrayBuffer)) throw new TypeError(`sink: got ${typeof m}`);
    const v = a[0];
    for (let i = 0; i < a.length - 1; i += 4096) if (a[i] !== v) throw new Error(`sink: element ${i} is ${a[i]}, expected ${v}`);
    a[a.length - 1] = -v;
    if (m !== a) kept.push(a);
    back.send(v);
  }
}
