/**
 * Takes a read lock on `rw` and ends holding it: "throw" (the function throws — a Rust panic with
 * the guard held), "return" (returns, the guard never unlocked), "exit" (process.exit). `flag[0]`
 * is set once the read lock is held; the end waits for `flag[1]`.
 */
export default function readAndEnd(rw, how, flag) {
  const guard = rw.read();
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  Atomics.wait(flag, 1, 0, 10_000);
  if (how === "throw") throw new Error("died reading");
  if (how === "exit") process.exit(5);
  return guard.value[0];
}
