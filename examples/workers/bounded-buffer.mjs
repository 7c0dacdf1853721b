/**
 * A bounded buffer (a ring of Int32 items in a SharedArrayBuffer) guarded by one Mutex and two
 * Condvars, the textbook way: producers wait on `notFull`, consumers on `notEmpty`.
 *
 * The buffer is a plain object of weft primitives, so it crosses to workers as a `spawn` argument
 * (or through `share`/`revive`) and every thread works on the same memory. Used by ../demo.mjs.
 */
import { Condvar, Mutex } from "weft";

// Words of the `meta` array.
const HEAD = 0, TAIL = 1, COUNT = 2, OPEN_PRODUCERS = 3;

/** Creates a buffer holding up to `capacity` items, fed by `producers` producers. */
export function createBuffer(capacity, producers) {
  const meta = new Int32Array(new SharedArrayBuffer(4 * 4));
  const ring = new Int32Array(new SharedArrayBuffer(4 * capacity));
  meta[OPEN_PRODUCERS] = producers;
  return {
    capacity,
    lock: new Mutex({ meta, ring }), // guards meta and ring together
    notEmpty: new Condvar(),
    notFull: new Condvar(),
  };
}

/** Appends `item`, waiting while the buffer is full. */
export function put(buf, item) {
  const g = buf.lock.lock();
  try {
    // waitWhile releases the lock while it sleeps and holds it again when it returns.
    buf.notFull.waitWhile(g, ({ meta }) => meta[COUNT] === buf.capacity);
    const { meta, ring } = g.value;
    ring[meta[TAIL]] = item;
    meta[TAIL] = (meta[TAIL] + 1) % buf.capacity;
    meta[COUNT]++;
  } finally {
    g.unlock();
  }
  buf.notEmpty.notifyOne();
}

/** Removes the oldest item, waiting while the buffer is empty; `null` once drained and closed. */
export function take(buf) {
  let item;
  const g = buf.lock.lock();
  try {
    buf.notEmpty.waitWhile(g, ({ meta }) => meta[COUNT] === 0 && meta[OPEN_PRODUCERS] > 0);
    const { meta, ring } = g.value;
    if (meta[COUNT] === 0) return null; // every producer is done and nothing is left
    item = ring[meta[HEAD]];
    meta[HEAD] = (meta[HEAD] + 1) % buf.capacity;
    meta[COUNT]--;
  } finally {
    g.unlock();
  }
  buf.notFull.notifyOne();
  return item;
}

/** A producer is finished. After the last one, waiting consumers drain the rest and stop. */
export function producerDone(buf) {
  buf.lock.withLock(({ meta }) => {
    meta[OPEN_PRODUCERS]--;
  });
  buf.notEmpty.notifyAll();
}
