/**
 * Hand-written queue baselines for the channel suite (bench/suites/channel.mjs): the bare
 * algorithms over raw `Atomics`, as a careful programmer writes them without a library — no
 * codecs, disconnect, timeouts, parking protocol or handles. weft ÷ baseline is the price of all
 * that on top of the algorithm.
 *
 * Both wait by busy-polling (with the same "spin 64, then nap 5 µs" backoff weft's `sys.snooze`
 * uses, so a preempted peer on a 2-core machine gets the CPU), never by parking.
 */

const napWord = new Int32Array(new SharedArrayBuffer(4));

/** Spin for the first 64 rounds, then nap a few µs (lets a preempted peer run). */
export function backoff(round) {
  if (round >= 64) Atomics.wait(napWord, 0, 0, round < 256 ? 0.005 : 0.1);
}

// -----------------------------------------------------------------------------------------------
// SPSC ring of f64: a write index and a read index on their own 64-byte lines, each side caching
// the other's index and re-reading it only when the ring looks full (empty). One Atomics.store
// per item on each side.

const SPSC_W = 0, SPSC_R = 16, SPSC_DATA = 128;

/** Bytes an SPSC ring of `cap` (a power of two) f64 slots needs. */
export const spscBytes = (cap) => SPSC_DATA + 8 * cap;

export class SpscRing {
  constructor(buffer, cap) {
    this.h = new Int32Array(buffer, 0, 32);
    this.data = new Float64Array(buffer, SPSC_DATA, cap);
    this.cap = cap;
    this.mask = cap - 1;
    this.w = Atomics.load(this.h, SPSC_W);
    this.r = Atomics.load(this.h, SPSC_R);
    this.seenR = this.r; // producer's cached copy of the read index
    this.seenW = this.w; // consumer's cached copy of the write index
  }

  push(v) {
    const w = this.w;
    if (((w - this.seenR) | 0) === this.cap) {
      for (let spins = 0; ((w - (this.seenR = Atomics.load(this.h, SPSC_R))) | 0) === this.cap; spins++) backoff(spins);
    }
    this.data[w & this.mask] = v;
    this.w = (w + 1) | 0;
    Atomics.store(this.h, SPSC_W, this.w);
  }

  pop() {
    const r = this.r;
    if (r === this.seenW) {
      for (let spins = 0; r === (this.seenW = Atomics.load(this.h, SPSC_W)); spins++) backoff(spins);
    }
    const v = this.data[r & this.mask];
    this.r = (r + 1) | 0;
    Atomics.store(this.h, SPSC_R, this.r);
    return v;
  }
}

// -----------------------------------------------------------------------------------------------
// Vyukov's bounded MPMC queue of f64 (the algorithm behind crossbeam's array flavor and weft's
// bounded channel): per-slot sequence numbers, CAS on the tail (head) to claim a slot.

const V_TAIL = 0, V_HEAD = 16, V_SEQ = 32;

/** Bytes a Vyukov queue of `cap` (a power of two) f64 slots needs. */
export const vyukovBytes = (cap) => 4 * V_SEQ + 4 * cap + 8 * cap + 8;

/** Initial state: slot i's sequence is i (call once, on the buffer's creator). */
export function vyukovInit(buffer, cap) {
  const seq = new Int32Array(buffer, 4 * V_SEQ, cap);
  for (let i = 0; i < cap; i++) seq[i] = i;
}

export class Vyukov {
  constructor(buffer, cap) {
    this.h = new Int32Array(buffer, 0, V_SEQ);
    this.seq = new Int32Array(buffer, 4 * V_SEQ, cap);
    const at = (4 * V_SEQ + 4 * cap + 7) & ~7;
    this.data = new Float64Array(buffer, at, cap);
    this.mask = cap - 1;
  }

  push(v) {
    const { h, seq, mask } = this;
    let pos = Atomics.load(h, V_TAIL);
    for (let spins = 0; ; ) {
      const i = pos & mask;
      const dif = (Atomics.load(seq, i) - pos) | 0;
      if (dif === 0) {
        const seen = Atomics.compareExchange(h, V_TAIL, pos, (pos + 1) | 0);
        if (seen === pos) {
          this.data[i] = v;
          Atomics.store(seq, i, (pos + 1) | 0);
          return;
        }
        pos = seen;
      } else if (dif < 0) {
        backoff(spins++); // full
        pos = Atomics.load(h, V_TAIL);
      } else {
        pos = Atomics.load(h, V_TAIL);
      }
    }
  }

  pop() {
    const { h, seq, mask } = this;
    let pos = Atomics.load(h, V_HEAD);
    for (let spins = 0; ; ) {
      const i = pos & mask;
      const dif = (Atomics.load(seq, i) - ((pos + 1) | 0)) | 0;
      if (dif === 0) {
        const seen = Atomics.compareExchange(h, V_HEAD, pos, (pos + 1) | 0);
        if (seen === pos) {
          const v = this.data[i];
          Atomics.store(seq, i, (pos + mask + 1) | 0);
          return v;
        }
        pos = seen;
      } else if (dif < 0) {
        backoff(spins++); // empty
        pos = Atomics.load(h, V_HEAD);
      } else {
        pos = Atomics.load(h, V_HEAD);
      }
    }
  }
}

// -----------------------------------------------------------------------------------------------
// Rendezvous hand-off: one slot and a state word (0 empty, 1 full); the sender writes, sets full,
// and waits until the receiver has emptied it. Spin, then park (Atomics.wait / notify).

const H_STATE = 0, H_SLEEP = 1, H_DATA = 8;
export const handoffBytes = () => 8 * H_DATA + 8;

export class Handoff {
  constructor(buffer) {
    this.h = new Int32Array(buffer, 0, H_DATA * 2);
    this.data = new Float64Array(buffer, 8 * H_DATA, 1);
  }

  /** Waits while the state is `s` (spin 100 loads, then sleep). */
  waitWhile(s) {
    const h = this.h;
    for (let i = 0; i < 100; i++) if (Atomics.load(h, H_STATE) !== s) return;
    Atomics.add(h, H_SLEEP, 1);
    while (Atomics.load(h, H_STATE) === s) Atomics.wait(h, H_STATE, s);
    Atomics.sub(h, H_SLEEP, 1);
  }

  set(s) {
    Atomics.store(this.h, H_STATE, s);
    if (Atomics.load(this.h, H_SLEEP) !== 0) Atomics.notify(this.h, H_STATE);
  }

  send(v) {
    this.waitWhile(1); // a previous message not yet taken
    this.data[0] = v;
    this.set(1);
    this.waitWhile(1); // until taken: a rendezvous
  }

  recv() {
    this.waitWhile(0);
    const v = this.data[0];
    this.set(0);
    return v;
  }
}
