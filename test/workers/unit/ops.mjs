/**
 * One worker module, many small named operations, so unit tests need few worker files.
 * `spawn(workerUrl("unit/ops.mjs"), "op-name", ...args)`; each op returns something the test checks.
 *
 * Handshake convention: `started` is an AtomicI32 the worker sets to 1 (and notifies) once it holds
 * what it was asked to hold (and, for the hold ops, to 2 just before letting go); `release` is an
 * AtomicI32 the test sets to 1 (and notifies) to let go — or a number of milliseconds to hold.
 */
import { AtomicI32, ClosedError, PoisonError, threadSlot } from "../../../dist/index.js";

const NO_HANG_MS = 20_000;

const signal = (started) => {
  started.store(1);
  started.notify();
};
/** Blocks until `release` becomes non-zero (bounded, so a broken test cannot hang a worker forever). */
const awaitRelease = (release) => {
  const deadline = Date.now() + NO_HANG_MS;
  while (release.load() === 0 && Date.now() < deadline) release.wait(0, { timeout: 50 });
};
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

const ops = {
  /** Locks `mutex`, signals, holds until released (or for `ms` when `release` is a number). */
  holdMutex(mutex, started, release) {
    const g = mutex.lock();
    signal(started);
    typeof release === "number" ? sleep(release) : awaitRelease(release);
    started.store(2); // "about to unlock": whoever gets the lock next must see 2
    g.unlock();
    return "unlocked";
  },
  /** Holds a read or write lock on `rw`. */
  holdRwLock(rw, mode, started, release) {
    const g = mode === "read" ? rw.read() : rw.write();
    signal(started);
    typeof release === "number" ? sleep(release) : awaitRelease(release);
    started.store(2); // "about to unlock"
    g.unlock();
    return "unlocked";
  },
  /**
   * Takes `depth` nested read locks on each lock of `locks` (blocking `read()`; `async`: `readAsync`
   * instead), signals `started`, then holds them until terminated (or `release` is set).
   */
  async holdReadsUntilKilled(locks, depth, started, release, useAsync) {
    const guards = [];
    for (const rw of locks) for (let i = 0; i < depth; i++) guards.push(useAsync ? await rw.readAsync() : rw.read());
    signal(started);
    awaitRelease(release);
    for (const g of guards) g.unlock();
    return "unlocked";
  },
  /**
   * Stores this thread's slot in `info`, waits for `gate` to be set, tries `rw.write({ timeout: ms })`,
   * marks `gate` 2 and stays alive until `gate` is 3 (so the test decides when this thread dies).
   */
  giveUpWriting(rw, info, ms, gate) {
    info.store(threadSlot());
    info.notify();
    while (gate.load() === 0) gate.wait(0, { timeout: 50 });
    let r;
    try {
      rw.write({ timeout: ms }).unlock();
      r = "wrote";
    } catch (e) {
      r = e.name;
    }
    gate.store(2);
    while (gate.load() !== 3) gate.wait(2, { timeout: 50 });
    return r;
  },
  /** Signals `started`, then waits in `rw.write()`; once in, marks `started` 3 and unlocks. */
  waitToWrite(rw, started) {
    signal(started);
    const g = rw.write();
    started.store(3);
    g.unlock();
    return "wrote";
  },
  /** Locks `mutex` and throws inside withLock, poisoning it. */
  poisonMutex(mutex) {
    try {
      mutex.withLock(() => {
        throw new Error("worker failed under the lock");
      });
    } catch (e) {
      return e.message;
    }
    return "did not throw";
  },
  /** Writes 99 under the write lock, then throws inside withWrite, poisoning it. */
  /**
   * Takes the write lock, then zeroes word 3 (where the holder's slot used to be stored, after the
   * CAS that took the lock: the state a holder terminated between the two left behind), signals
   * and blocks until terminated.
   */
  writeThenClearOwnerWord(rw, started, release) {
    rw.write();
    Atomics.store(rw.words, 3, 0);
    signal(started);
    awaitRelease(release);
    return "released without unlocking";
  },
  /**
   * Takes and releases the write lock until terminated; `rounds[0]` counts rounds. (Write locks
   * only: readers terminated holding read locks are tested in rwlock-dead-readers.test.ts.)
   */
  churnRwLock(rw, rounds) {
    for (;;) {
      const g = rw.write();
      g.value[0]++;
      g.unlock();
      Atomics.add(rounds, 0, 1);
    }
  },
  /**
   * Stands for a writer that is woken to take the lock and dies before it does (white-box: the
   * steps of RwLock's writeSlow on its words). Counts itself in WRITERS, answers (ROLL, ROLL_AT),
   * flags WRITERS_WAITING (the lock must be read-locked), signals `started` and parks on
   * WRITER_NOTIFY; once woken it returns at once — its thread then ends — without taking the lock.
   * Returns how the park ended ("ok": woken by a notify).
   */
  wokenWriterDies(rw, started) {
    const w = rw.words, STATE = 1, WRITER_NOTIFY = 2, WRITERS = 5, ROLL = 6, ROLL_AT = 7, WRITERS_WAITING = 1 << 30;
    Atomics.store(w, ROLL_AT, Date.now() % (1 << 30));
    Atomics.store(w, ROLL, threadSlot());
    Atomics.add(w, WRITERS, 1);
    Atomics.or(w, STATE, WRITERS_WAITING);
    const seq = Atomics.load(w, WRITER_NOTIFY);
    signal(started);
    return Atomics.wait(w, WRITER_NOTIFY, seq, 10_000);
  },
  poisonRwLock(rw) {
    try {
      rw.withWrite((v) => {
        v[0] = 99;
        throw new Error("worker failed under the write lock");
      });
    } catch (e) {
      return e.message;
    }
    return "did not throw";
  },
  /** Locks, never unlocks, signals, then blocks until released (for terminate tests). */
  lockAndStay(mutex, started, release) {
    mutex.lock();
    signal(started);
    awaitRelease(release);
    return "released without unlocking";
  },
  /** After `delayMs`, sets `value[0] = v` under the lock and notifies the condvar. */
  setAndNotify(mutex, condvar, delayMs, v, all) {
    sleep(delayMs);
    const g = mutex.lock();
    g.value[0] = v;
    all ? condvar.notifyAll() : condvar.notifyOne();
    g.unlock();
    return "notified";
  },
  /** Waits on the condvar until `value[0] !== 0`; returns what it saw. */
  waitWhileZero(mutex, condvar, started) {
    const g = mutex.lock();
    signal(started);
    const ok = condvar.waitWhile(g, (v) => v[0] === 0, { timeout: NO_HANG_MS });
    const seen = g.value[0];
    g.unlock();
    return { ok, seen };
  },
  /** Runs `once.callOnce`, counting runs in `runs`; holds the run until released if asked. */
  callOnce(once, runs, started, release) {
    once.callOnce(() => {
      runs.fetchAdd(1);
      if (started) signal(started);
      if (release) awaitRelease(release);
    });
    return runs.load();
  },
  /** Passes a barrier `rounds` times; returns how many times this thread was the leader. */
  barrier(barrier, rounds) {
    let leads = 0;
    for (let i = 0; i < rounds; i++) if (barrier.wait({ timeout: NO_HANG_MS }).isLeader) leads++;
    return leads;
  },
  /** Acquires `n` permits of a semaphore, signalling first; returns the outcome's name. */
  semAcquire(sem, n, started) {
    if (started) signal(started);
    try {
      sem.acquire(n, { timeout: NO_HANG_MS });
      return "acquired";
    } catch (e) {
      return e instanceof ClosedError ? "ClosedError" : `${e.name}: ${e.message}`;
    }
  },
  /**
   * Until `stop` is set: acquire(1), hold it for ~`holdUs` µs, release(1), over and over (Go's
   * TestLargeAcquireDoesntStarve loop); signals `started` after the first round. Returns the rounds.
   */
  semChurn(sem, stop, started, holdUs) {
    let rounds = 0;
    const deadline = Date.now() + NO_HANG_MS;
    while (stop.load() === 0 && Date.now() < deadline) {
      sem.acquire(1, { timeout: NO_HANG_MS });
      for (const t = performance.now() + holdUs / 1000; performance.now() < t; );
      sem.release(1);
      if (++rounds === 1) signal(started);
    }
    return rounds;
  },
  /** Signals, then acquire(n) waiting at most `timeoutMs`; returns the outcome's name. */
  semAcquireTimed(sem, n, started, timeoutMs) {
    signal(started);
    try {
      sem.acquire(n, { timeout: timeoutMs });
      return "acquired";
    } catch (e) {
      return `${e.name}: ${e.message}`;
    }
  },
  /** After `delayMs`, releases `n` permits. */
  semRelease(sem, n, delayMs) {
    sleep(delayMs);
    sem.release(n);
    return sem.available;
  },
  /** After `delayMs`, marks one WaitGroup task done. */
  wgDone(wg, delayMs) {
    sleep(delayMs);
    wg.done();
    return "done";
  },
  /** After `delayMs`, stores `v` into the atomic and notifies it. */
  storeAndNotify(atomic, v, delayMs) {
    sleep(delayMs);
    atomic.store(v);
    return atomic.notify();
  },
  /** Writes to every primitive it was given, and hands them back (share/revive round trip). */
  touchAll(p) {
    p.mutex.withLock((v) => (v[0] = 11));
    p.nested.deep[0].atomic.store(22);
    p.nested.deep[1].flag.store(true);
    p.big.store(33n);
    p.u.store(0xfffffffe);
    p.sem.acquire(1);
    p.wg.done();
    p.once.callOnce(() => {});
    p.rw.withWrite((v) => (v[0] = 44));
    p.typed[0] = 55;
    return p;
  },
  /** Returns a primitive created in the worker. */
  makeAtomic(v) {
    return { atomic: new AtomicI32(v) };
  },
  /** This worker's thread slot. */
  slot() {
    return threadSlot();
  },
  /** Tries to lock; reports PoisonError or success. */
  tryLockReport(mutex) {
    try {
      const g = mutex.tryLock();
      if (g === null) return "held";
      g.unlock();
      return "free";
    } catch (e) {
      if (e instanceof PoisonError) {
        e.guard.unlock();
        return "poisoned";
      }
      throw e;
    }
  },
};

export default function run(op, ...args) {
  const f = ops[op];
  if (f === undefined) throw new Error(`ops.mjs: no op ${op}`);
  return f(...args);
}
