/**
 * Worker side of test/acceptance/std-thread.test.ts: each entry of `fns` is the body of one Rust
 * `thread::spawn(move || …)` closure; the default export dispatches by name:
 *   spawn(url, "name", ...args)  →  fns[name](...args)
 * Throwing is Rust's panic. Module scope is per thread (Rust's thread_local!).
 */
import * as wt from "node:worker_threads";
import { spawn, threadLocal, threadSlot } from "../../dist/index.js";

const self = new URL(import.meta.url);
const nap = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms) => Atomics.wait(nap, 0, 0, ms);

/** thread_local!(static FOO: Cell<i32> = Cell::new(1)) */
export const FOO = threadLocal(() => ({ v: 1 }));

export const fns = {
  nothing() {
    return null;
  },
  sendUnit(tx) {
    tx.send(null);
  },
  barrierThen(barrier, value) {
    barrier.wait({ timeout: 10_000 });
    return value;
  },
  panicBare() {
    throw new Error();
  },
  throwValue(v) {
    throw v;
  },
  /** test_spawn_sched's f(i, tx): spawn a thread that sends if i == 0, else recurses. */
  spawnSched(i, tx) {
    spawn(self, i === 0 ? "sendUnit" : "spawnSched", ...(i === 0 ? [tx] : [i - 1, tx]));
    return null;
  },
  /** A child that spawns a grandchild and returns at once (the grandchild sends). */
  spawnChildThatSends(tx) {
    spawn(self, "sleepSend", tx, 50);
    return null;
  },
  sleepSend(tx, ms) {
    sleep(ms);
    tx.send(null);
  },
  /** test_child_doesnt_ref_parent: generation x spawns x + 1 until `gens`; the last one sends. */
  generation(x, gens, tx) {
    if (x < gens) spawn(self, "generation", x + 1, gens, tx);
    else tx.send(x);
    return null;
  },
  /** "avoid copying the body": write through the shared memory the closure captured. */
  touch(words, v) {
    words[0] = v;
    return words; // the same memory comes back
  },
  slot() {
    return threadSlot();
  },
  osId() {
    return wt.threadId;
  },
  /** smoke_no_dtor, in the thread: FOO starts at 1 here whatever the parent set. */
  fooInThread() {
    const first = FOO.with((f) => f.v);
    FOO.get().v = 3;
    return [first, FOO.get().v];
  },
  /** states: the key is usable (try_with is Ok) inside a thread. */
  fooUsable() {
    return FOO.with(() => true);
  },
  recurse(depth) {
    const deep = (d) => {
      const pad = [d, d + 1, d + 2, d + 3];
      return d === 0 ? 0 : 1 + deep(d - 1) + pad[0] * 0;
    };
    return deep(depth);
  },
};

export default function (name, ...args) {
  const f = fns[name];
  if (typeof f !== "function") throw new Error(`acc6-thread: no scenario ${name}`);
  return f(...args);
}
