/**
 * Worker side of the sync suite (bench/suites/sync.mjs): one entry per case/impl. Each entry sets
 * up off the clock and returns the function that runs one timed round.
 * ctx = { shared, local, iters, index, threads } (see bench/lib/harness.mjs).
 */
import * as B from "../lib/baselines.mjs";
import { loadMultithreading } from "../lib/peers.mjs";

const weft = () => import("../../dist/index.js");

/** Results a round computes are stored here, so the JIT cannot drop the work. */
let sink = 0;
const keep = (v) => {
  sink = (sink + v) | 0;
};

export const kinds = {
  // ------------------------------------------------------------------------ mutex, contended
  // Non-atomic read-modify-write of a shared counter under the lock; the main thread checks the total.

  "mutex-contended/weft": async ({ shared, iters }) => {
    const { revive } = await weft();
    const m = revive(shared.mutex);
    return () => {
      for (let i = 0; i < iters; i++) {
        const g = m.lock();
        const v = g.value;
        v[0] = v[0] + 1;
        g.unlock();
      }
    };
  },

  "mutex-contended/futex-baseline": async ({ shared, iters }) => {
    const lock = new Int32Array(shared.lock);
    const v = new Int32Array(shared.data);
    return () => {
      for (let i = 0; i < iters; i++) {
        B.futexLock(lock, 0);
        v[0] = v[0] + 1;
        B.futexUnlock(lock, 0);
      }
    };
  },

  "mutex-contended/multithreading": async ({ shared, iters }) => {
    const { Mutex } = await loadMultithreading();
    const m = new Mutex(new Int32Array(shared.data), shared.lock);
    // The library's recommended (async) lock.
    return async () => {
      for (let i = 0; i < iters; i++) {
        const g = await m.lock();
        const v = g.value;
        v[0] = v[0] + 1;
        g.dispose();
      }
    };
  },

  "mutex-contended/multithreading-blocking": async ({ shared, iters }) => {
    const { Mutex } = await loadMultithreading();
    const m = new Mutex(new Int32Array(shared.data), shared.lock);
    return () => {
      for (let i = 0; i < iters; i++) {
        const g = m.blockingLock();
        const v = g.value;
        v[0] = v[0] + 1;
        g.dispose();
      }
    };
  },

  // ---------------------------------------------------------------------- mutex, uncontended
  // One thread, lock + unlock; weft's includes the owner slot and the guard object.

  "mutex-uncontended/weft": async ({ iters }) => {
    const { Mutex } = await weft();
    const m = new Mutex(new Int32Array(new SharedArrayBuffer(4)));
    return () => {
      for (let i = 0; i < iters; i++) m.lock().unlock();
    };
  },

  "mutex-uncontended/futex-baseline": async ({ iters }) => {
    const lock = new Int32Array(new SharedArrayBuffer(4));
    return () => {
      for (let i = 0; i < iters; i++) {
        B.futexLock(lock, 0);
        B.futexUnlock(lock, 0);
      }
    };
  },

  "mutex-uncontended/multithreading-blocking": async ({ iters }) => {
    const { Mutex } = await loadMultithreading();
    const m = new Mutex(new Int32Array(new SharedArrayBuffer(4)));
    return () => {
      for (let i = 0; i < iters; i++) m.blockingLock().dispose();
    };
  },

  // --------------------------------------------------------------------- rwlock, read-mostly
  // Every 100th operation writes (increments data[0] and data[1]); the others read both words.

  "rwlock-read-mostly/weft": async ({ shared, iters, index }) => {
    const { revive } = await weft();
    const l = revive(shared.lock);
    return () => {
      let sum = 0;
      for (let i = index; i < iters + index; i++) {
        if (i % 100 === 0) {
          const g = l.write();
          const v = g.value;
          v[0]++;
          v[1]++;
          g.unlock();
        } else {
          const g = l.read();
          const v = g.value;
          sum += v[0] + v[1];
          g.unlock();
        }
      }
      keep(sum);
    };
  },

  "rwlock-read-mostly/rwlock-futex-baseline": async ({ shared, iters, index }) => {
    const w = new Int32Array(shared.lock);
    const v = new Int32Array(shared.data);
    return () => {
      let sum = 0;
      for (let i = index; i < iters + index; i++) {
        if (i % 100 === 0) {
          B.rwWriteLock(w, 0, 1);
          v[0]++;
          v[1]++;
          B.rwWriteUnlock(w, 0, 1);
        } else {
          B.rwReadLock(w, 0, 1);
          sum += v[0] + v[1];
          B.rwReadUnlock(w, 0, 1);
        }
      }
      keep(sum);
    };
  },

  "rwlock-read-mostly/mutex-futex-baseline": async ({ shared, iters, index }) => {
    const w = new Int32Array(shared.lock);
    const v = new Int32Array(shared.data);
    return () => {
      let sum = 0;
      for (let i = index; i < iters + index; i++) {
        B.futexLock(w, 0);
        if (i % 100 === 0) {
          v[0]++;
          v[1]++;
        } else {
          sum += v[0] + v[1];
        }
        B.futexUnlock(w, 0);
      }
      keep(sum);
    };
  },

  "rwlock-read-mostly/multithreading-blocking": async ({ shared, iters, index }) => {
    const { RwLock } = await loadMultithreading();
    const l = new RwLock(new Int32Array(shared.data), shared.lock);
    return () => {
      let sum = 0;
      for (let i = index; i < iters + index; i++) {
        if (i % 100 === 0) {
          const g = l.blockingWrite();
          const v = g.value;
          v[0]++;
          v[1]++;
          g.dispose();
        } else {
          const g = l.blockingRead();
          const v = g.value;
          sum += v[0] + v[1];
          g.dispose();
        }
      }
      keep(sum);
    };
  },

  // -------------------------------------------------------------------- condvar, ping-pong
  // Two workers take turns: worker k waits until turn == k, then hands the turn to the other.

  "condvar-ping-pong/weft": async ({ shared, iters, index: k }) => {
    const { revive } = await weft();
    const { mutex, cv } = revive(shared.state);
    return () => {
      for (let i = 0; i < iters; i++) {
        const g = mutex.lock();
        while (g.value[0] !== k) cv.wait(g);
        g.value[0] = 1 - k;
        cv.notifyOne();
        g.unlock();
      }
    };
  },

  "condvar-ping-pong/futex-condvar-baseline": async ({ shared, iters, index: k }) => {
    // words: [0] mutex, [1] condvar sequence, [2] turn
    const w = new Int32Array(shared.words);
    return () => {
      for (let i = 0; i < iters; i++) {
        B.futexLock(w, 0);
        while (w[2] !== k) B.futexCondWait(w, 1, 0);
        w[2] = 1 - k;
        B.futexCondNotifyOne(w, 1);
        B.futexUnlock(w, 0);
      }
    };
  },

  "condvar-ping-pong/atomics-ping-pong": async ({ shared, iters, index: k }) => {
    // One word holds whose turn it is; each side sleeps on it until it is theirs.
    const w = new Int32Array(shared.words);
    return () => {
      for (let i = 0; i < iters; i++) {
        let t;
        while ((t = Atomics.load(w, 2)) !== k) Atomics.wait(w, 2, t);
        Atomics.store(w, 2, 1 - k);
        Atomics.notify(w, 2, 1);
      }
    };
  },

  "condvar-ping-pong/postMessage": async ({ local, iters, index: k }) => {
    // A MessagePort between the two workers; worker 0 serves, worker 1 returns every message.
    const port = local.port;
    return () =>
      new Promise((resolve) => {
        let sent = 0, received = 0;
        port.onmessage = (e) => {
          received++;
          if (k === 1) {
            port.postMessage(e.data + 1);
            if (++sent === iters) done();
          } else if (sent < iters) {
            port.postMessage(e.data + 1);
            sent++;
          } else if (received === iters) done();
        };
        const done = () => {
          port.onmessage = null;
          resolve();
        };
        if (k === 0) {
          port.postMessage(0);
          sent++;
        }
      });
  },

  // ------------------------------------------------------------------- semaphore, throughput
  // Two workers acquire and release one permit each of a 2-permit semaphore: never waits, but
  // every operation is a read-modify-write on a cache line both cores write.

  "semaphore-throughput/weft": async ({ shared, iters }) => {
    const { revive } = await weft();
    const s = revive(shared.sem);
    return () => {
      for (let i = 0; i < iters; i++) {
        s.acquire();
        s.release();
      }
    };
  },

  "semaphore-throughput/atomics-baseline": async ({ shared, iters }) => {
    const w = new Int32Array(shared.words); // [0] permits, [1] sleepers
    return () => {
      for (let i = 0; i < iters; i++) {
        B.semAcquire(w, 0, 1);
        B.semRelease(w, 0, 1);
      }
    };
  },

  // ------------------------------------------------------------------------------- barrier
  // Two workers pass a reusable barrier `iters` times (each generation parks one of them).

  "barrier-round-trip/weft": async ({ shared, iters }) => {
    const { revive } = await weft();
    const b = revive(shared.barrier);
    return () => {
      let leaders = 0;
      for (let i = 0; i < iters; i++) if (b.wait().isLeader) leaders++;
      keep(leaders);
    };
  },

  "barrier-round-trip/atomics-baseline": async ({ shared, iters, threads }) => {
    const w = new Int32Array(shared.words); // [0] arrivals, [1] generation
    return () => {
      let leaders = 0;
      for (let i = 0; i < iters; i++) if (B.barrierWait(w, 0, 1, threads)) leaders++;
      keep(leaders);
    };
  },
};

export const __sink = () => sink;
