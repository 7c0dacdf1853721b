/**
 * Worker side of test/acceptance/locks-*.test.ts (ports of the Rust std, Go sync and tokio lock
 * tests). The default export runs the operation named by its first argument with the rest.
 */

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
/** Blocks this worker for `ms` milliseconds (fractions allowed). */
export const sleep = (ms) => void Atomics.wait(sleepCell, 0, 0, ms);

const ops = {
  // ---------------------------------------------------------------------------------- Rust: Mutex
  /** lots_and_lots: J increments under the lock. */
  inc(m, n) {
    for (let i = 0; i < n; i++) {
      const g = m.lock();
      g.value[0]++;
      g.unlock();
    }
    return n;
  },
  /** test_mutex_arc_nested: outer Mutex guards an inner Mutex guarding [1]. */
  nested(outer) {
    const g = outer.lock();
    const g2 = g.value.lock();
    const v = g2.value[0];
    g2.unlock();
    g.unlock();
    return v;
  },
  /** test_mutex_arc_poison: lock, then a failing assertion while the guard is held. */
  lockThenFail(m) {
    const g = m.lock();
    if (g.value[0] !== 2) throw new Error(`assertion failed: ${g.value[0]} != 2`);
    g.unlock();
  },
  /** test_mutex_arc_access_in_unwind: a "destructor" (finally) that locks while unwinding. */
  unwindMutex(m) {
    try {
      throw new Error("panic");
    } finally {
      const g = m.lock();
      g.value[0] += 1;
      g.unlock();
    }
  },

  // --------------------------------------------------------------------------------- Rust: RwLock
  /** frob: random reads and writes (one in n writes). */
  frob(rw, iters, n, seed) {
    let a = seed >>> 0;
    const rnd = () => {
      a = (a * 1103515245 + 12345) >>> 0;
      return a / 4294967296;
    };
    for (let i = 0; i < iters; i++) {
      if (rnd() < 1 / n) rw.write().unlock();
      else rw.read().unlock();
    }
  },
  /** test_rw_arc writer: -1 is visible only inside the write lock. */
  rwArcWriter(rw, tx) {
    const g = rw.write();
    for (let i = 0; i < 10; i++) {
      const tmp = g.value[0];
      g.value[0] = -1;
      sleep(0.2); // thread::yield_now
      g.value[0] = tmp + 1;
    }
    g.unlock();
    tx.send(1);
  },
  rwArcReader(rw) {
    const g = rw.read();
    const v = g.value[0];
    g.unlock();
    if (!(v >= 0)) throw new Error(`reader saw ${v}`);
    return v;
  },
  unwindRw(rw) {
    try {
      throw new Error("panic");
    } finally {
      const g = rw.write();
      g.value[0] += 1;
      g.unlock();
    }
  },
  writeThenThrow(rw) {
    rw.write();
    throw new Error("panic holding the write lock");
  },
  readThenThrow(rw) {
    rw.read();
    throw new Error("panic holding a read lock");
  },

  // -------------------------------------------------------------------------------- Rust: Condvar
  notifyUnderLock(m, c, sleepMs = 0) {
    const g = m.lock();
    if (sleepMs > 0) sleep(sleepMs);
    if (g.value !== undefined) g.value[0] = 1;
    c.notifyOne();
    g.unlock();
  },
  /** notify_all: count up, tell main when all N arrived, wait for the count to be reset. */
  notifyAllParty(m, c, n, tx) {
    const g = m.lock();
    g.value[0]++;
    if (g.value[0] === n) tx.send("all");
    while (g.value[0] !== 0) c.wait(g);
    g.unlock();
    tx.send("done");
  },
  /** test_mutex_arc_condvar child. */
  arcCondvarChild(m, c, rx) {
    rx.recv();
    const g = m.lock();
    g.value[0] = 1;
    c.notifyOne();
    g.unlock();
  },
  /** wait_timeout_wake: lock, sleep 1 ms, mark notified, notify. */
  wakeAfter(m, c, notified) {
    const g = m.lock();
    sleep(1);
    notified.store(true);
    c.notifyOne();
    g.unlock();
  },

  // -------------------------------------------------------------------------------- Rust: Barrier
  barrierWait(b, tx) {
    const r = b.wait();
    tx.send(r.isLeader);
  },

  // ----------------------------------------------------------------------------------- Rust: Once
  stampede(o, run) {
    for (let i = 0; i < 4; i++) sleep(0);
    o.callOnce(() => {
      if (run[0] !== 0) throw new Error("ran twice");
      run[0] = 1;
    });
    if (run[0] !== 1) throw new Error("callOnce returned before the function completed");
  },
  forceAndHold(o, tx1, rx2) {
    o.callOnceForce((p) => {
      if (!p.isPoisoned) throw new Error("expected a poisoned state");
      tx1.send(1);
      rx2.recv();
    });
  },
  callOnceNotCalled(o) {
    let called = false;
    o.callOnce(() => {
      called = true;
    });
    if (called) throw new Error("callOnce ran its function although a forced call was completing");
    return called;
  },

  // ------------------------------------------------------------------------------------ Go: sync
  hammerMutex(m, loops) {
    for (let i = 0; i < loops; i++) {
      if (i % 3 === 0) {
        const g = m.tryLock();
        if (g !== null) g.unlock();
        continue;
      }
      m.lock().unlock();
    }
  },
  hammerSemaphore(s, loops) {
    for (let i = 0; i < loops; i++) {
      s.acquire();
      s.release();
    }
  },
  fairHolder(m, stop) {
    for (;;) {
      const g = m.lock();
      sleep(0.1);
      g.unlock();
      if (stop.load()) return;
    }
  },
  fairTaker(m) {
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) {
      sleep(0.1);
      m.lock().unlock();
    }
    return performance.now() - t0;
  },
  parallelReader(rw, clocked, cunlock, cdone) {
    const g = rw.read();
    clocked.send(1);
    cunlock.recv();
    g.unlock();
    cdone.send(1);
  },
  /** Go HammerRWMutex reader; activity[0] = readers + 10000 × writers. */
  hammerReader(rw, iters, activity) {
    for (let i = 0; i < iters; i++) {
      const g = rw.read();
      const n = Atomics.add(activity, 0, 1) + 1;
      if (n < 1 || n >= 10000) {
        g.unlock();
        throw new Error(`wlock(${n})`);
      }
      for (let k = 0; k < 100; k++);
      Atomics.sub(activity, 0, 1);
      g.unlock();
    }
  },
  hammerWriter(rw, iters, activity) {
    for (let i = 0; i < iters; i++) {
      const g = rw.write();
      const n = Atomics.add(activity, 0, 10000) + 10000;
      if (n !== 10000) {
        g.unlock();
        throw new Error(`wlock(${n})`);
      }
      for (let k = 0; k < 100; k++);
      Atomics.sub(activity, 0, 10000);
      g.unlock();
    }
  },
  /** TestCondSignal / TestCondSignalGenerations waiter: one Wait, no predicate (Go semantics). */
  condSignalWaiter(m, c, running, awake, id) {
    const g = m.lock();
    running.send(id);
    c.wait(g);
    awake.send(id);
    g.unlock();
  },
  /** TestCondBroadcast waiter; m guards [exit]. */
  condBroadcastWaiter(m, c, running, awake, id) {
    const g = m.lock();
    while (g.value[0] === 0) {
      running.send(id);
      c.wait(g);
      awake.send(id);
    }
    g.unlock();
  },
  /** TestRace goroutines; m guards [x]. */
  race1(m, c) {
    const g = m.lock();
    g.value[0] = 1;
    c.wait(g);
    const saw = g.value[0];
    g.value[0] = 3;
    c.notifyOne();
    g.unlock();
    if (saw !== 2) throw new Error(`want 2, got ${saw}`);
  },
  race2(m, c) {
    let g = m.lock();
    for (;;) {
      if (g.value[0] === 1) {
        g.value[0] = 2;
        c.notifyOne();
        break;
      }
      g.unlock();
      sleep(0);
      g = m.lock();
    }
    g.unlock();
  },
  race3(m, c) {
    let g = m.lock();
    let saw = null;
    for (;;) {
      if (g.value[0] === 2) {
        c.wait(g);
        saw = g.value[0];
        break;
      }
      if (g.value[0] === 3) break;
      g.unlock();
      sleep(0);
      g = m.lock();
    }
    g.unlock();
    if (saw !== null && saw !== 3) throw new Error(`want 3, got ${saw}`);
  },
  /** TestCondSignalStealing first waiter, looped: one Wait per round, no predicate. */
  stealWaiter(m, c, rounds, go, ready, woke) {
    for (let r = 0; r < rounds; r++) {
      go.recv();
      const g = m.lock();
      ready.send(r);
      c.wait(g);
      g.unlock();
      woke.send(r);
    }
  },
  /** TestCondSignalStealing second waiter; m guards [done]. */
  stealSecond(m, c) {
    const g = m.lock();
    while (g.value[0] === 0) c.wait(g);
    g.unlock();
  },
  /** TestWaitGroup party, looped over rounds (a gate message starts each round). */
  wgRound(wg1, wg2, rounds, gate, exited) {
    for (let r = 0; r < rounds; r++) {
      gate.recv();
      wg1.done();
      wg2.wait();
      exited.send(r);
    }
  },
  wgRace(wg, n, rounds, gate) {
    for (let r = 0; r < rounds; r++) {
      gate.recv();
      Atomics.add(n, 0, 1);
      wg.done();
    }
  },
  goOnceRun(once, o) {
    once.callOnce(() => {
      o[0]++;
    });
    if (o[0] !== 1) throw new Error(`once failed inside run: ${o[0]} is not 1`);
  },
  /** tokio multithreaded: n write-lock increments by k. */
  addUnderWrite(rw, n, k, barrier) {
    for (let i = 0; i < n; i++) {
      const g = rw.write();
      g.value[0] += k;
      g.unlock();
    }
    barrier.wait();
  },
  /** tokio blocking_acquire_waits_for_permit. */
  acquireOne(s) {
    s.acquire();
    return s.available;
  },
};

export default function run(op, ...args) {
  const f = ops[op];
  if (f === undefined) throw new Error(`acc4-locks: unknown op ${op}`);
  return f(...args);
}
