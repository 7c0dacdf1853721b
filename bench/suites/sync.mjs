/**
 * The std::sync family: Mutex, RwLock, Condvar, Semaphore, Barrier against hand-written
 * raw-Atomics baselines and the `multithreading` peer, measured in the same run.
 * Worker side: bench/workers/sync.mjs. Harness and suite format: bench/lib/harness.mjs.
 */
import { Mutex, RwLock, Condvar, Semaphore, Barrier, share, revive } from "../../dist/index.js";

const sab = (bytes) => new SharedArrayBuffer(bytes);
const i32 = (buf) => new Int32Array(buf);

/** A non-atomic counter at data[0] must equal the number of increments. */
const counterCheck = (shared, iters, threads) => {
  const got = i32(shared.data)[0];
  return got === iters * threads ? null : `counter is ${got}, expected ${iters * threads} (mutual exclusion broken)`;
};
const zeroData = (shared) => i32(shared.data).fill(0);

// ----------------------------------------------------------------------------------------------

const mutexContended = {
  name: "mutex-contended",
  runs: 7,
  desc: "2 workers × 1M lock / increment / unlock (multithreading: its async lock(); -blocking: blockingLock())",
  threads: 2,
  targets: [
    { vs: "futex-baseline", within: 1.2 },
    { vs: "multithreading", faster: 50 },
  ],
  impls: [
    {
      impl: "weft",
      kind: "mutex-contended/weft",
      iters: 1_000_000,
      shared: () => {
        const data = sab(4);
        return { data, mutex: share(new Mutex(i32(data))) };
      },
      reset: zeroData,
      check: counterCheck,
    },
    {
      impl: "futex-baseline",
      kind: "mutex-contended/futex-baseline",
      iters: 1_000_000,
      shared: () => ({ data: sab(4), lock: sab(4) }),
      reset: zeroData,
      check: counterCheck,
    },
    {
      // multithreading's recommended async lock(); far slower, so fewer iterations (ops/s compare).
      impl: "multithreading",
      kind: "mutex-contended/multithreading",
      iters: 20_000,
      shared: () => ({ data: sab(4), lock: sab(4) }),
      reset: zeroData,
      check: counterCheck,
    },
    {
      impl: "multithreading-blocking",
      kind: "mutex-contended/multithreading-blocking",
      iters: 20_000,
      shared: () => ({ data: sab(4), lock: sab(4) }),
      reset: zeroData,
      check: counterCheck,
    },
  ],
};

const mutexUncontended = {
  name: "mutex-uncontended",
  runs: 7,
  desc: "1 thread × 10M lock + unlock (weft: owner slot + guard object)",
  threads: 1,
  targets: [{ vs: "futex-baseline", within: 1.3 }],
  impls: [
    { impl: "weft", kind: "mutex-uncontended/weft", iters: 10_000_000 },
    { impl: "futex-baseline", kind: "mutex-uncontended/futex-baseline", iters: 10_000_000 },
    { impl: "multithreading-blocking", kind: "mutex-uncontended/multithreading-blocking", iters: 100_000 },
  ],
};

const rwlockReadMostly = {
  name: "rwlock-read-mostly",
  runs: 7,
  desc: "2 workers × 1M ops, 1% writes (baselines: hand-written futex RwLock; futex Mutex for every op)",
  threads: 2,
  targets: [],
  impls: [
    {
      impl: "weft",
      kind: "rwlock-read-mostly/weft",
      iters: 1_000_000,
      shared: () => {
        const data = sab(8);
        return { data, lock: share(new RwLock(i32(data))) };
      },
      reset: zeroData,
      check: writesCheck,
    },
    {
      impl: "rwlock-futex-baseline",
      kind: "rwlock-read-mostly/rwlock-futex-baseline",
      iters: 1_000_000,
      shared: () => ({ data: sab(8), lock: sab(8) }),
      reset: zeroData,
      check: writesCheck,
    },
    {
      impl: "mutex-futex-baseline",
      kind: "rwlock-read-mostly/mutex-futex-baseline",
      iters: 1_000_000,
      shared: () => ({ data: sab(8), lock: sab(4) }),
      reset: zeroData,
      check: writesCheck,
    },
    {
      impl: "multithreading-blocking",
      kind: "rwlock-read-mostly/multithreading-blocking",
      iters: 50_000,
      shared: () => ({ data: sab(8), lock: sab(4) }),
      reset: zeroData,
      check: writesCheck,
    },
  ],
};

/** Writes happen where (index + i) % 100 == 0, i in 0..iters: count them and compare. */
function writesCheck(shared, iters, threads) {
  let want = 0;
  for (let k = 0; k < threads; k++) want += Math.floor((iters + k - 1) / 100) - Math.ceil(k / 100) + 1;
  const v = i32(shared.data);
  return v[0] === want && v[1] === want ? null : `write counters are ${v[0]}/${v[1]}, expected ${want}`;
}

const condvarPingPong = {
  name: "condvar-ping-pong",
  warmup: 1, // rounds of seconds: one warms the JIT
  desc: "2 workers × 50k turns (100k hand-overs) through Mutex + Condvar",
  threads: 2,
  targets: [],
  impls: [
    {
      impl: "weft",
      kind: "condvar-ping-pong/weft",
      iters: 50_000,
      shared: () => {
        const data = sab(4);
        return { data, state: share({ mutex: new Mutex(i32(data)), cv: new Condvar() }) };
      },
      reset: zeroData,
      check: turnCheck((s) => i32(s.data)[0]),
    },
    {
      impl: "futex-condvar-baseline",
      kind: "condvar-ping-pong/futex-condvar-baseline",
      iters: 50_000,
      shared: () => ({ words: sab(12) }),
      reset: (s) => i32(s.words).fill(0),
      check: turnCheck((s) => i32(s.words)[2]),
    },
    {
      impl: "atomics-ping-pong",
      kind: "condvar-ping-pong/atomics-ping-pong",
      iters: 50_000,
      shared: () => ({ words: sab(12) }),
      reset: (s) => i32(s.words).fill(0),
      check: turnCheck((s) => i32(s.words)[2]),
    },
    {
      impl: "postMessage",
      kind: "condvar-ping-pong/postMessage",
      iters: 50_000,
      perWorker: () => {
        const { port1, port2 } = new MessageChannel();
        return [
          { value: { port: port1 }, transfer: [port1] },
          { value: { port: port2 }, transfer: [port2] },
        ];
      },
    },
  ],
};

/** After both workers took all their turns, the turn is back with worker 0. */
function turnCheck(turnOf) {
  return (shared) => (turnOf(shared) === 0 ? null : `turn word is ${turnOf(shared)}, expected 0`);
}

const semaphoreThroughput = {
  name: "semaphore-throughput",
  runs: 7,
  desc: "2 workers × 1M acquire + release of a 2-permit Semaphore (never waits)",
  threads: 2,
  targets: [],
  impls: [
    {
      impl: "weft",
      kind: "semaphore-throughput/weft",
      iters: 1_000_000,
      shared: () => ({ sem: share(new Semaphore(2)) }),
      check: (s) => {
        const n = revive(s.sem).available;
        return n === 2 ? null : `permits are ${n}, expected 2`;
      },
    },
    {
      impl: "atomics-baseline",
      kind: "semaphore-throughput/atomics-baseline",
      iters: 1_000_000,
      shared: () => {
        const words = sab(8);
        i32(words)[0] = 2;
        return { words };
      },
      check: (s) => (i32(s.words)[0] === 2 ? null : `permits are ${i32(s.words)[0]}, expected 2`),
    },
  ],
};

const barrierRoundTrip = {
  name: "barrier-round-trip",
  runs: 7,
  desc: "2 workers × 20k waits on a reusable Barrier(2)",
  threads: 2,
  targets: [],
  impls: [
    {
      impl: "weft",
      kind: "barrier-round-trip/weft",
      iters: 20_000,
      shared: () => ({ barrier: share(new Barrier(2)) }),
    },
    {
      impl: "atomics-baseline",
      kind: "barrier-round-trip/atomics-baseline",
      iters: 20_000,
      shared: () => ({ words: sab(8) }),
    },
  ],
};

export default {
  suite: "sync",
  worker: new URL("../workers/sync.mjs", import.meta.url),
  cases: [mutexContended, mutexUncontended, rwlockReadMostly, condvarPingPong, semaphoreThroughput, barrierRoundTrip],
};
