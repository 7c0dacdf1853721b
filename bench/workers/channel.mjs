/**
 * Worker side of the channel suite (bench/suites/channel.mjs). Each entry sets up off the clock
 * (imports, reviving channel ends, building messages) and returns the function running one round.
 * ctx = { shared, local, iters, index, threads } (see bench/lib/harness.mjs).
 *
 * Producers send `value(p, i) = p * iters + i + 0.5` for i in [0, iters) (p = producer number);
 * consumers tally what they receive — count, sum, a hash (sum mod 2³² of imul(2v, K)), and
 * "bad" (order violations: out of sequence for one producer, or out of per-producer FIFO order
 * for two) — into `shared.result` (Float64 × 4 per consumer), which the suite checks after every
 * round: a channel that loses, duplicates, corrupts or reorders a message fails the case.
 */
import { once } from "node:events";
import { RingBuffer } from "ringbuf.js";
import { SpscRing, Vyukov, Handoff } from "../lib/channel-baselines.mjs";
import { loadMultithreading } from "../lib/peers.mjs";

/**
 * weft's build: dist/, or another build named by `shared.dist` (bench/micro/channel-ab.mjs). The
 * worker takes a weft thread identity (`threadSlot()`), as every worker started with `spawn` or
 * by a pool has: a thread with one notes each bounded-channel reservation in the registry (see
 * docs/design.md, "A thread that dies in a bounded channel's reservation"), and that is measured.
 */
const weft = async (shared) => {
  const lib = await import(shared?.dist ?? "../../dist/index.js");
  lib.threadSlot();
  return lib;
};

export const K = 0x9e3779b1 | 0;
/** Result words per consumer: count, sum, hash, bad. */
export const RESULT_WORDS = 4;
/** Marks the end of one producer's messages in the MPMC and multithreading cases. */
const SENTINEL = -1;

/** Writes consumer `slot`'s tally (plain stores: the harness's DONE/READY atomics order them). */
function record(shared, slot, count, sum, hash, bad) {
  const r = new Float64Array(shared.result);
  r[slot * RESULT_WORDS] = count;
  r[slot * RESULT_WORDS + 1] = sum;
  r[slot * RESULT_WORDS + 2] = hash;
  r[slot * RESULT_WORDS + 3] = bad;
}

/**
 * A one-producer consumer tally, in one object so that message-event consumers (postMessage)
 * can carry it across events. `expect` is the next value in sequence.
 */
class Tally {
  constructor() {
    this.reset();
  }
  reset() {
    this.count = 0;
    this.sum = 0;
    this.hash = 0;
    this.bad = 0;
    this.expect = 0.5;
    this.samples = [];
  }
  add(v) {
    this.count++;
    this.sum += v;
    this.hash = (this.hash + Math.imul((v * 2) | 0, K)) | 0;
    if (v !== this.expect) {
      // The first few (expected, got) pairs, for a peer's note.
      if (this.bad < 4) this.samples.push(this.expect, v);
      this.bad++;
    }
    this.expect = v + 1; // resynchronise after a wrong value
  }
  save(shared, slot) {
    record(shared, slot, this.count, this.sum, this.hash, this.bad);
  }
}

/** The same for two producers: per-producer FIFO (values of producer p are p*iters + i + 0.5). */
class Tally2 {
  constructor(iters) {
    this.iters = iters;
    this.reset();
  }
  reset() {
    this.count = 0;
    this.sum = 0;
    this.hash = 0;
    this.bad = 0;
    this.last0 = -1;
    this.last1 = -1;
  }
  add(v) {
    this.count++;
    this.sum += v;
    this.hash = (this.hash + Math.imul((v * 2) | 0, K)) | 0;
    if (v < this.iters) {
      if (v <= this.last0) this.bad++;
      this.last0 = v;
    } else {
      if (v <= this.last1) this.bad++;
      this.last1 = v;
    }
  }
  save(shared, slot) {
    record(shared, slot, this.count, this.sum, this.hash, this.bad);
  }
}

// -----------------------------------------------------------------------------------------------
// Reusable round makers.

/** weft, one producer (index 0) and one consumer (index 1), one send / recv per item. */
async function weft1p1c({ shared, iters, index }) {
  const { revive } = await weft(shared);
  if (index === 0) {
    const tx = revive(shared.tx);
    return () => {
      for (let i = 0; i < iters; i++) tx.send(i + 0.5);
    };
  }
  const rx = revive(shared.rx);
  const t = new Tally();
  return () => {
    t.reset();
    for (let i = 0; i < iters; i++) t.add(rx.recv());
    t.save(shared, 0);
  };
}

/** postMessage, one number per message over a MessagePort between the two workers. */
async function postMessage1p1c({ local, shared, iters, index }) {
  const port = local.port;
  if (index === 0) {
    return () => {
      for (let i = 0; i < iters; i++) port.postMessage(i + 0.5);
    };
  }
  const t = new Tally();
  let resolve = null;
  port.on("message", (v) => {
    t.add(v);
    if (t.count === iters) {
      t.save(shared, 0);
      resolve();
    }
  });
  return () =>
    new Promise((r) => {
      t.reset();
      resolve = r;
    });
}

/** ringbuf.js, one item per push / pop, busy-polling (as its examples do). */
async function ringbuf1p1c({ shared, iters, index }) {
  const rb = new RingBuffer(shared.ring, Float64Array);
  const one = new Float64Array(1);
  if (index === 0) {
    return () => {
      for (let i = 0; i < iters; i++) {
        one[0] = i + 0.5;
        while (rb.push(one, 1) === 0);
      }
    };
  }
  const t = new Tally();
  return () => {
    t.reset();
    for (let i = 0; i < iters; i++) {
      while (rb.pop(one, 1) === 0);
      t.add(one[0]);
    }
    t.save(shared, 0);
  };
}

/** A hand-written queue (push / pop) from bench/lib/channel-baselines.mjs. */
function queue1p1c(make) {
  return async ({ shared, iters, index }) => {
    const q = make(shared);
    if (index === 0) {
      return () => {
        for (let i = 0; i < iters; i++) q.push(i + 0.5);
      };
    }
    const t = new Tally();
    return () => {
      t.reset();
      for (let i = 0; i < iters; i++) t.add(q.pop());
      t.save(shared, 0);
    };
  };
}

const spsc = (shared) => new SpscRing(shared.ring, shared.cap);
const vyukov = (shared) => new Vyukov(shared.ring, shared.cap);

/**
 * Two producers (index 0, 1) and two consumers (index 2, 3) over one MPMC queue with
 * `send(v)` / `recv()`: each producer sends its items then one SENTINEL; a consumer stops at its
 * first SENTINEL (so each takes exactly one).
 */
function mpmc2p2c(open) {
  return async (ctx) => {
    const { shared, iters, index } = ctx;
    const q = await open(ctx);
    if (index < 2) {
      const base = index * iters + 0.5;
      return () => {
        for (let i = 0; i < iters; i++) q.send(base + i);
        q.send(SENTINEL);
      };
    }
    const t = new Tally2(iters);
    return () => {
      t.reset();
      for (;;) {
        const v = q.recv();
        if (v === SENTINEL) break;
        t.add(v);
      }
      t.save(shared, index - 2);
    };
  };
}

/** A round of weft's batch producer: fills one Float64Array per batch of 1024 and sends it with sendMany. */
function typedBatches(tx, iters) {
  const buf = new Float64Array(1024);
  return () => {
    for (let b = 0; b < iters; b += 1024) {
      const n = Math.min(1024, iters - b);
      for (let j = 0; j < n; j++) buf[j] = b + j + 0.5;
      tx.sendMany(n === 1024 ? buf : buf.subarray(0, n));
    }
  };
}

export const kinds = {
  // ------------------------------------------------------------------ bounded f64, 1P1C
  "bounded-f64-1p1c/weft": weft1p1c,
  "bounded-f64-1p1c/postMessage": postMessage1p1c,
  "bounded-f64-1p1c/ringbuf.js": ringbuf1p1c,
  "bounded-f64-1p1c/spsc-baseline": queue1p1c(spsc),
  "bounded-f64-1p1c/vyukov-baseline": queue1p1c(vyukov),

  // ------------------------------------------------------------------ batches of 1024
  // The producer fills a Float64Array and sends it with sendMany, as ringbuf.js's and
  // postMessage's producers fill theirs; the consumer takes arrays from recvMany.
  "batch-1024/weft": async ({ shared, iters, index }) => {
    const { revive } = await weft(shared);
    if (index === 0) return typedBatches(revive(shared.tx), iters);
    const rx = revive(shared.rx);
    const t = new Tally();
    return () => {
      t.reset();
      while (t.count < iters) {
        const got = rx.recvMany(1024);
        for (let j = 0; j < got.length; j++) t.add(got[j]);
      }
      t.save(shared, 0);
    };
  },

  "batch-1024/weft-cap8192": (ctx) => kinds["batch-1024/weft"](ctx),

  // Both ends typed: recvInto, ringbuf.js's pop(buffer) shape.
  "batch-1024/weft-typed": async ({ shared, iters, index }) => {
    const { revive } = await weft(shared);
    if (index === 0) return typedBatches(revive(shared.tx), iters);
    const rx = revive(shared.rx);
    const buf = new Float64Array(1024);
    const t = new Tally();
    return () => {
      t.reset();
      while (t.count < iters) {
        const n = rx.recvInto(buf);
        for (let j = 0; j < n; j++) t.add(buf[j]);
      }
      t.save(shared, 0);
    };
  },

  "batch-1024/ringbuf.js": async ({ shared, iters, index }) => {
    const rb = new RingBuffer(shared.ring, Float64Array);
    const buf = new Float64Array(1024);
    if (index === 0) {
      return () => {
        for (let b = 0; b < iters; b += 1024) {
          const n = Math.min(1024, iters - b);
          for (let j = 0; j < n; j++) buf[j] = b + j + 0.5;
          for (let done = 0; done < n; ) done += rb.push(buf, n - done, done);
        }
      };
    }
    const t = new Tally();
    return () => {
      t.reset();
      while (t.count < iters) {
        const n = rb.pop(buf, 1024);
        for (let j = 0; j < n; j++) t.add(buf[j]);
      }
      t.save(shared, 0);
    };
  },

  "batch-1024/postMessage": async ({ local, shared, iters, index }) => {
    // A 1024-element Float64Array per message (structured clone copies it).
    const port = local.port;
    if (index === 0) {
      const buf = new Float64Array(1024);
      return () => {
        for (let b = 0; b < iters; b += 1024) {
          const n = Math.min(1024, iters - b);
          const msg = n === 1024 ? buf : new Float64Array(n);
          for (let j = 0; j < n; j++) msg[j] = b + j + 0.5;
          port.postMessage(msg);
        }
      };
    }
    const t = new Tally();
    let resolve = null;
    port.on("message", (a) => {
      for (let j = 0; j < a.length; j++) t.add(a[j]);
      if (t.count === iters) {
        t.save(shared, 0);
        resolve();
      }
    });
    return () =>
      new Promise((r) => {
        t.reset();
        resolve = r;
      });
  },

  // ------------------------------------------------------------------ MPMC 2P2C
  "mpmc-2p2c/weft": mpmc2p2c(async ({ shared, index }) => {
    const { revive } = await weft(shared);
    if (index < 2) {
      const tx = revive(shared.tx);
      return { send: (v) => tx.send(v) };
    }
    const rx = revive(shared.rx);
    return { recv: () => rx.recv() };
  }),

  "mpmc-2p2c/vyukov-baseline": mpmc2p2c(async ({ shared }) => {
    const q = vyukov(shared);
    return { send: (v) => q.push(v), recv: () => q.pop() };
  }),

  "mpmc-2p2c/postMessage": async ({ local, shared, iters, index }) => {
    // Producer p holds ports to both consumers and deals its items round-robin; each consumer
    // takes iters/2 from each producer (FIFO per port).
    if (index < 2) {
      const [a, b] = local.ports;
      const base = index * iters + 0.5;
      return () => {
        for (let i = 0; i < iters; i += 2) {
          a.postMessage(base + i);
          if (i + 1 < iters) b.postMessage(base + i + 1);
        }
      };
    }
    const want = index === 2 ? Math.ceil(iters / 2) * 2 : Math.floor(iters / 2) * 2;
    const t = new Tally2(iters);
    let resolve = null;
    const on = (v) => {
      t.add(v);
      if (t.count === want) {
        t.save(shared, index - 2);
        resolve();
      }
    };
    for (const p of local.ports) p.on("message", on);
    return () =>
      new Promise((r) => {
        t.reset();
        resolve = r;
      });
  },

  // ------------------------------------------------------------------ structured small objects
  "structured-small-objects/weft": async ({ shared, iters, index }) => {
    const { revive } = await weft(shared);
    if (index === 0) {
      const tx = revive(shared.tx);
      const objs = makeObjects(iters);
      return () => {
        for (let i = 0; i < iters; i++) tx.send(objs[i]);
      };
    }
    const rx = revive(shared.rx);
    const t = new ObjTally();
    return () => {
      t.reset();
      for (let i = 0; i < iters; i++) t.add(rx.recv());
      t.save(shared, 0);
    };
  },

  "structured-small-objects/postMessage": async ({ local, shared, iters, index }) => {
    const port = local.port;
    if (index === 0) {
      const objs = makeObjects(iters);
      return () => {
        for (let i = 0; i < iters; i++) port.postMessage(objs[i]);
      };
    }
    const t = new ObjTally();
    let resolve = null;
    port.on("message", (o) => {
      t.add(o);
      if (t.count === iters) {
        t.save(shared, 0);
        resolve();
      }
    });
    return () =>
      new Promise((r) => {
        t.reset();
        resolve = r;
      });
  },

  // ------------------------------------------------------------------ unbounded / rendezvous
  "unbounded-f64/weft": weft1p1c,
  "unbounded-f64/postMessage": postMessage1p1c,

  "rendezvous-f64/weft": weft1p1c,
  "rendezvous-f64/postMessage": postMessage1p1c,
  "rendezvous-f64/postMessage-ack": async ({ local, shared, iters, index }) => {
    // A rendezvous over postMessage: the producer posts the next item only once the consumer has
    // acknowledged the previous one.
    const port = local.port;
    if (index === 0) {
      let i = 0;
      let resolve = null;
      port.on("message", () => {
        if (++i < iters) port.postMessage(i + 0.5);
        else resolve();
      });
      return () =>
        new Promise((r) => {
          i = 0;
          resolve = r;
          port.postMessage(0.5);
        });
    }
    const t = new Tally();
    let resolve = null;
    port.on("message", (v) => {
      t.add(v);
      port.postMessage(0);
      if (t.count === iters) {
        t.save(shared, 0);
        resolve();
      }
    });
    return () =>
      new Promise((r) => {
        t.reset();
        resolve = r;
      });
  },
  "rendezvous-f64/atomics-handoff": queue1p1c((shared) => {
    const h = new Handoff(shared.ring);
    return { push: (v) => h.send(v), pop: () => h.recv() };
  }),

  // ------------------------------------------------------------------ multithreading's channel
  "multithreading-channel/weft": weft1p1c,
  "multithreading-channel/multithreading": multithreadingChannel(false),
  "multithreading-channel/multithreading-blocking": multithreadingChannel(true),
};

/**
 * `multithreading@0.3.52`'s channel (`channel(capacity)` → [Sender, Receiver] over a
 * SharedJsonBuffer ring guarded by its semaphores). The producer worker creates it and moves the
 * Receiver to the consumer over a MessagePort (the library's own serialize/deserialize), so the
 * main thread never loads the library. `blocking`: blockingSend / blockingRecv; otherwise the
 * async send / recv.
 *
 * Its errors must not fail the suite, so the round ends on a SENTINEL (sent after the items)
 * rather than on a count; `bad` counts wrong values, error results and missing values, and the
 * suite reports it as a note.
 */
function multithreadingChannel(blocking) {
  return async ({ local, shared, iters, index }) => {
    const mt = await loadMultithreading();
    const lib = await import(new URL("../../node_modules/multithreading/src/lib/shared.js", import.meta.url));
    const port = local.port;
    if (index === 0) {
      const [tx, rx] = mt.channel(1024);
      const [envelope] = lib.serialize(rx);
      port.postMessage(envelope);
      return blocking
        ? () => {
            for (let i = 0; i < iters; i++) tx.blockingSend(i + 0.5);
            tx.blockingSend(SENTINEL);
          }
        : async () => {
            for (let i = 0; i < iters; i++) await tx.send(i + 0.5);
            await tx.send(SENTINEL);
          };
    }
    const [envelope] = await once(port, "message");
    const rx = lib.deserialize(envelope);
    const t = new Tally();
    const finish = (errors) => {
      // Wrong values and error results, plus values that never arrived; the first few wrong
      // (expected, got) pairs after the tally.
      t.bad += errors + Math.max(0, iters - t.count);
      t.save(shared, 0);
      const r = new Float64Array(shared.result);
      r.fill(NaN, RESULT_WORDS);
      r.set(t.samples.slice(0, r.length - RESULT_WORDS), RESULT_WORDS);
    };
    if (blocking) {
      return () => {
        t.reset();
        let errors = 0;
        for (;;) {
          const r = rx.blockingRecv();
          if (!r.ok) {
            if (++errors > iters) break;
            continue;
          }
          if (r.value === SENTINEL) break;
          t.add(r.value);
        }
        finish(errors);
      };
    }
    return async () => {
      t.reset();
      let errors = 0;
      for (;;) {
        const r = await rx.recv();
        if (!r.ok) {
          if (++errors > iters) break;
          continue;
        }
        if (r.value === SENTINEL) break;
        t.add(r.value);
      }
      finish(errors);
    };
  };
}

// -----------------------------------------------------------------------------------------------
// Small objects for the structured codec case.

const TAGS = ["t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9"];

function makeObjects(n) {
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = { id: i, name: `item-${i}`, tags: ["alpha", "beta", TAGS[i % 10]] };
  return out;
}

/** Tally of small objects: count, sum of ids, a hash of the other fields, and order/shape errors. */
class ObjTally {
  constructor() {
    this.reset();
  }
  reset() {
    this.count = 0;
    this.sum = 0;
    this.hash = 0;
    this.bad = 0;
  }
  add(o) {
    const id = o.id;
    this.sum += id;
    this.hash = (this.hash + Math.imul(id, K) + o.name.length + o.tags.length * 31) | 0;
    if (id !== this.count || o.tags[2] !== TAGS[id % 10] || o.tags[0] !== "alpha") this.bad++;
    this.count++;
  }
  save(shared, slot) {
    record(shared, slot, this.count, this.sum, this.hash, this.bad);
  }
}
