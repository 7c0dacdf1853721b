/** Pool tasks for the buffer-directory tests (see dir-memory.mjs). */
const debug = () => globalThis[Symbol.for("weft.directory.debug")];

/** The first element of a shared array, after writing its negation into the last. */
export function firstAndMark(a) {
  a[a.length - 1] = -a[0];
  return a[0];
}

/**
 * Waits at the barrier (so each of `threads` tasks lands on its own worker), then sweeps this
 * worker's buffer directory and runs gc(); returns this thread's stats.
 */
export function collect(barrier) {
  barrier.wait();
  debug()?.sweep();
  globalThis.gc?.();
  return { ...(debug()?.stats() ?? {}), arrayBuffers: process.memoryUsage().arrayBuffers };
}
