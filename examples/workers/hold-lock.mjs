/**
 * Holds the lock for `holdMs` (telling the main thread once it has it), then, `laterMs` later,
 * locks again to publish a result and notifies the condvar.
 */
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

export default function holdLock(lock, ready, holding, holdMs, laterMs) {
  const g = lock.lock();
  holding.store(true);
  holding.notify(); // wake the main thread, waiting in holding.waitAsync(false)
  sleep(holdMs);
  g.unlock();

  sleep(laterMs);
  lock.withLock((state) => {
    state[0] = 42; // the result the main thread is waiting for
  });
  ready.notifyOne();
}
