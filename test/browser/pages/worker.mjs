/**
 * A Web Worker for the browser suite: receives { id, role, wire }, revives the wire (weft
 * primitives arrive over the same memory), runs the role — with weft's *blocking* calls, which a
 * worker may make — and posts { id, ok, value | error } back.
 */
import { revive } from "/dist/index.js";

const roles = {
  /** n critical sections, each a non-atomic read-modify-write; counts overlaps seen inside. */
  mutexCount({ m, inside, n }) {
    let overlaps = 0;
    for (let i = 0; i < n; i++) {
      const g = m.lock();
      if (Atomics.add(inside, 0, 1) !== 0) overlaps++;
      const v = g.value[0];
      for (let k = 0; k < 20; k++) Atomics.load(inside, 0); // widen the window a lost update needs
      g.value[0] = v + 1;
      Atomics.sub(inside, 0, 1);
      g.unlock();
    }
    return overlaps;
  },

  /** Condvar bounded buffer, producing side: blocks while the ring is full. */
  condvarProduce({ m, notFull, notEmpty, id, n }) {
    for (let i = 0; i < n; i++) {
      const g = m.lock();
      notFull.waitWhile(g, (q) => q[1] - q[0] === q.length - 3);
      const q = g.value;
      q[3 + (q[1] % (q.length - 3))] = id * 1e6 + i;
      q[1]++;
      notEmpty.notifyOne();
      g.unlock();
    }
    return n;
  },

  /** Condvar bounded buffer, consuming side: takes until `total` items were taken by everyone. */
  condvarConsume({ m, notFull, notEmpty, total }) {
    const got = [];
    for (;;) {
      const g = m.lock();
      notEmpty.waitWhile(g, (q) => q[0] === q[1] && q[2] < total);
      const q = g.value;
      if (q[2] === total) {
        notEmpty.notifyAll(); // let the other consumers see the end too
        g.unlock();
        return got;
      }
      got.push(q[3 + (q[0] % (q.length - 3))]);
      q[0]++;
      q[2]++;
      notFull.notifyOne();
      g.unlock();
    }
  },

  /** n acquire/release rounds, tracking how many holders there are at once. */
  semaphoreWork({ sem, active, n }) {
    let max = 0;
    for (let i = 0; i < n; i++) {
      sem.acquire();
      const now = active.fetchAdd(1) + 1;
      if (now > max) max = now;
      for (let k = 0; k < 50; k++) active.load();
      active.fetchSub(1);
      sem.release();
    }
    return max;
  },

  /** `rounds` barrier generations; after each, checks every party had arrived. */
  barrierRounds({ b, arrivals, rounds }) {
    let early = 0, leaders = 0;
    for (let r = 0; r < rounds; r++) {
      Atomics.add(arrivals, r, 1);
      const { isLeader } = b.wait();
      if (Atomics.load(arrivals, r) !== b.parties) early++;
      if (isLeader) leaders++;
    }
    return { early, leaders };
  },

  /** Races to run the Once; returns how many runs it saw once callOnce returned (must be 1). */
  onceInit({ once, runs }) {
    once.callOnce(() => {
      Atomics.add(runs, 0, 1);
      for (let k = 0; k < 10_000; k++) Atomics.load(runs, 0); // let the others arrive meanwhile
    });
    return Atomics.load(runs, 0);
  },

  /** Marks its task done in `flags`, then counts down the WaitGroup. */
  waitGroupTask({ wg, flags, i }) {
    Atomics.store(flags, i, 1);
    wg.done();
    return i;
  },

  /** Sends `id * 1e6 + i` for i < n (as { p, i } objects when `objects`), then closes its sender. */
  produce({ tx, id, n, objects }) {
    for (let i = 0; i < n; i++) tx.send(objects ? { p: id, i, tag: `item ${i}` } : id * 1e6 + i);
    tx.close();
    return n;
  },

  /** Receives until every sender is closed (blocking iteration), then closes its receiver. */
  consume({ rx }) {
    const got = [];
    for (const v of rx) got.push(typeof v === "object" ? v.p * 1e6 + v.i : v);
    rx.close();
    return got;
  },

  /** Takes the lock, says so, and never lets go (until the page terminates this worker). */
  holdLock({ m, held }) {
    m.lock();
    held.store(1);
    held.notify();
    held.wait(1); // nobody stores anything else: blocks until terminate()
    return "woke up";
  },

  /** Takes the write lock, says so, and waits for `release` before unlocking. */
  holdWrite({ rw, held, release }) {
    const g = rw.write();
    held.store(1);
    held.notify();
    release.wait(0);
    g.unlock();
    return "released";
  },
};

onmessage = async ({ data: { id, role, wire } }) => {
  try {
    const value = await roles[role](revive(wire));
    postMessage({ id, ok: true, value });
  } catch (e) {
    postMessage({ id, ok: false, error: { name: e?.name, message: e?.message, stack: e?.stack } });
  }
};
