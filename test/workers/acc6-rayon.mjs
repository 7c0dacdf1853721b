/**
 * Worker side of test/acceptance/rayon-core.test.ts: each export is the body of a closure a rayon
 * test hands to `join` / `install` / `spawn`, run on a ThreadPool worker by module URL + export name.
 * A thrown error is Rust's panic. Module scope is per worker (Rust's thread-locals).
 */
import { Barrier, ThreadPool, currentPool, join, threadLocal, threadSlot } from "../../dist/index.js";

const self = import.meta.url;
const nap = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms) => Atomics.wait(nap, 0, 0, ms);

// --- join/test.rs: quick_sort over a shared Uint32Array, split with join -------------------------

/** Lomuto partition of v[lo, hi) around v[hi-1]; returns the pivot's final index. */
function partition(v, lo, hi) {
  const pivot = hi - 1;
  let i = lo;
  for (let j = lo; j < pivot; j++) {
    if (v[j] <= v[pivot]) {
      const t = v[i]; v[i] = v[j]; v[j] = t;
      i++;
    }
  }
  const t = v[i]; v[i] = v[pivot]; v[pivot] = t;
  return i;
}

/** rayon's quick_sort: partition, then sort both halves with join (down to length 1). */
export async function quickSort(v, lo, hi) {
  if (hi - lo <= 1) return;
  const mid = partition(v, lo, hi);
  // split_at_mut(mid): [lo, mid) and [mid, hi) (the pivot stays in the upper half, as in Rust)
  await join([self, "quickSort", v, lo, mid], [self, "quickSort", v, mid, hi]);
}

/** scope_join.rs: the same sort with join emulated by "spawn g, run f here, wait for the spawn". */
export async function quickSortPseudoJoin(v, lo, hi) {
  if (hi - lo <= 1) return;
  const mid = partition(v, lo, hi);
  const g = currentPool().run(self, "quickSortPseudoJoin", v, mid, hi);
  try {
    await quickSortPseudoJoin(v, lo, mid);
  } finally {
    await g;
  }
}

export function panics(message) {
  throw new Error(message);
}
export const unit = () => null;
export function setFlag(flag) {
  Atomics.store(flag, 0, 1);
  return true;
}
export const slot = () => threadSlot();
export function bump(atomic) {
  return atomic.fetchAdd(1);
}

/** Both sides of join_context_second: each waits on the same 2-party barrier. */
export function barrierSide(barrier) {
  barrier.wait({ timeout: 10_000 });
  return threadSlot();
}

/** join_context_neither: inside a 1-thread pool, join two tasks that report their thread. */
export async function joinSlots() {
  const [a, b] = await join([self, "slot"], [self, "slot"]);
  return [threadSlot(), a, b];
}

/** join_counter_overflow: `rounds` joins in a row from inside the pool, each bumping i and j. */
export async function joinRounds(i, j, rounds) {
  for (let k = 0; k < rounds; k++) await join([self, "bump", i], [self, "bump", j]);
  return rounds;
}

// --- thread_pool/test.rs ---------------------------------------------------------------------

/** join_a_lot(n): a binary tree of joins, 2^n leaves. Returns the number of leaves. */
export async function joinALot(n) {
  if (n === 0) return 1;
  const [a, b] = await join([self, "joinALot", n - 1], [self, "joinALot", n - 1]);
  return a + b;
}

/** self_install: pool.install(|| pool.install(|| true)) — the nested one goes to the same pool. */
export async function selfInstall() {
  return currentPool().run(self, "yes");
}
export const yes = () => true;

/**
 * mutual_install (adapted): a task of pool1 makes pool2 (weft pools belong to their creating
 * thread, so pool2 cannot be handed in), installs into it; pool2's task installs into its own pool.
 */
export async function nestedPoolInstall(sleepMs) {
  const pool2 = new ThreadPool({ threads: 1, name: "acc6-inner" });
  try {
    return await pool2.run(self, "sleepyInstall", sleepMs);
  } finally {
    await pool2.close();
  }
}
export async function sleepyInstall(sleepMs) {
  if (sleepMs) sleep(sleepMs);
  const r = await currentPool().run(self, "sleepyYes", sleepMs);
  return r;
}
export function sleepyYes(sleepMs) {
  if (sleepMs) sleep(sleepMs);
  return true;
}

/**
 * spawn_lifo_order: inside a 1-thread pool, queue ten nested tasks that each append their index
 * to `log` (an Int32Array: [count, i0, i1, …]); returns once all ran.
 */
export async function spawnTen(log) {
  const ps = [];
  for (let i = 0; i < 10; i++) ps.push(currentPool().run(self, "append", log, i));
  await Promise.all(ps);
  return Array.from(log.subarray(1, 1 + log[0]));
}
export function append(log, i) {
  const k = Atomics.add(log, 0, 1);
  log[1 + k] = i;
}

// --- stack_overflow_crash.rs: recursion deep enough to need a big stack -------------------------

function deep(d) {
  const pad = [d, d + 1, d + 2, d + 3];
  return d === 0 ? 0 : 1 + deep(d - 1) + pad[0] * 0;
}
/** Recurses `depth` frames; returns depth (or throws RangeError when the stack is too small). */
export function recurse(depth) {
  return deep(depth);
}

// --- scoped_threadpool.rs: a scoped thread-local set on the caller is not set in the pool --------

export const LOCAL = threadLocal(() => ({ value: -1 }));
/** [is LOCAL initialised in this worker, its value after get()]. */
export function localState() {
  const was = LOCAL.isInitialized;
  return [was, LOCAL.get().value];
}

/** Keeps a Barrier type reachable for tsc users of this module. */
export const _types = { Barrier };
