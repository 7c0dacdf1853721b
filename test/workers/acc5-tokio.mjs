/**
 * Worker side of test/acceptance/tokio-*.test.ts (ports of tokio's sync_mpsc.rs, task_blocking.rs,
 * rt_common.rs and task_join_set.rs).
 *
 * Named exports are pool tasks (`spawnBlocking(url, "name", ...)`, `pool.run(url, "name", ...)`):
 * each is the body of one tokio `spawn_blocking(move || …)` closure (or a JoinSet task).
 * The default export dispatches by name for `spawn(url, "name", ...args)`: the body of a
 * `std::thread::spawn(move || …)` closure. A failed check throws (a Rust panic).
 */
import { currentPool, spawnBlocking } from "../../dist/index.js";

const self = new URL(import.meta.url);
const napWord = new Int32Array(new SharedArrayBuffer(4));
/** thread::sleep: blocks this worker thread. */
const sleep = (ms) => void Atomics.wait(napWord, 0, 0, ms);
/** tokio::time::sleep: an async sleep (the thread stays free). */
const later = (ms) => new Promise((r) => setTimeout(r, ms));
const check = (cond, what) => {
  if (!cond) throw new Error(`assertion failed: ${what}`);
};

// ------------------------------------------------------------------------------ pool tasks

/** `|| "hello"`. */
export const hello = () => "hello";

/** `|| 1`. */
export const one = () => 1;

/** `|| { thread::sleep(ms); "hello" }` (task_blocking.rs basic_blocking). */
export function sleepHello(ms) {
  sleep(ms);
  return "hello";
}

/** rt_common spawn_from_blocking: from a blocking task, spawn a task on the runtime and hand back its result. */
export async function spawnFromBlocking() {
  return await currentPool().run(self, "hello");
}

/** rt_common spawn_blocking_from_blocking: `spawn_blocking(|| spawn_blocking(|| "hello"))`. */
export async function spawnBlockingFromBlocking() {
  return await spawnBlocking(self, "hello");
}

/** rt_common sleep_from_blocking: an async sleep of `ms` inside a blocking task; returns the time it took. */
export async function sleepFromBlocking(ms) {
  const t0 = performance.now();
  await later(ms);
  return performance.now() - t0;
}

/** rt_common socket_from_blocking: connect to 127.0.0.1:port from a blocking task. */
export async function connect(port) {
  const net = await import("node:net");
  await new Promise((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1", () => {
      s.end();
      resolve();
    });
    s.on("error", reject);
  });
  return "connected";
}

/** rt_common shutdown_timeout: `tx.send(()); thread::sleep(long)`. */
export function signalThenBlock(tx, ms) {
  tx.send(null);
  sleep(ms);
  return "woke";
}

/** Blocks this worker for `ms` (shutdown_timeout_0's never-ending blocking task). */
export function block(ms) {
  sleep(ms);
  return "woke";
}

/** Drains `rx` with blocking receives until it is disconnected; returns the count (coop_disabled_in_block_in_place). */
export function drainCount(rx) {
  let n = 0;
  for (const _ of rx) n++;
  return n;
}

/** JoinSet task: `async move { sleep(ms).await; i }`. */
export async function valueAfter(i, ms) {
  await later(ms);
  return i;
}

/** JoinSet task that panics after `ms`. */
export async function panicAfter(ms) {
  await later(ms);
  throw new Error("task panicked");
}

/** JoinSet task: `async move { sleep(ms).await; tx.send(()).unwrap() }`. */
export async function sendAfter(tx, ms) {
  await later(ms);
  tx.send(null);
}

/** `futures::future::pending()`: never settles (the worker thread stays free). */
export function pendingForever() {
  return new Promise(() => {});
}

/** Keeps this worker busy until `flags[0]` is set (so later tasks stay queued). */
export function busyUntil(flags) {
  const end = performance.now() + 20_000;
  while (Atomics.load(flags, 0) === 0) {
    check(performance.now() < end, "busyUntil: flag never set");
    Atomics.wait(flags, 0, 0, 50);
  }
  return "released";
}

// ------------------------------------------------------------------------------ threads

export const threads = {
  /** sync_mpsc blocking_recv: `assert_eq!(Some(10), rx.blocking_recv())`. */
  blockingRecv(rx, expected) {
    const v = rx.recv();
    check(v === expected, `blocking_recv: got ${String(v)}, expected ${String(expected)}`);
    return v;
  },
  /** sync_mpsc blocking_send: `tx.blocking_send(v).unwrap()`. */
  blockingSend(tx, v) {
    tx.send(v);
  },
  /** task_blocking coop_disabled_in_block_in_place_in_block_on: a blocking drain in a thread. */
  drainCount(rx) {
    return drainCount(rx);
  },
};

export default function (name, ...args) {
  const f = threads[name];
  if (typeof f !== "function") throw new Error(`acc5-tokio: no thread body ${name}`);
  return f(...args);
}
