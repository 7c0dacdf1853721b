/**
 * The bounded flavor's queue (src/channel/flavors/array.ts) driven by several handles over the
 * same memory from one thread, each standing for a thread: reservations of every kind (single,
 * batch, taking part of a run) stay open while the others go on, in random interleavings, so the
 * windows between a reservation and its publish or release — and between a split reservation and
 * the store that marks where the rest of its run begins — are hit on purpose, not by luck.
 *
 * Checked: every value sent is received exactly once and unchanged, each receiver gets each
 * sender's values in order, and no lost wake-ups — whenever nothing is reserved, no receiver is
 * parked while a message waits and no sender is parked while there is room (a handle parks as the
 * blocking calls do: mark WAITING, look again, then park; any wake-up reported to its side unparks
 * it). Also from laps near the 32-bit wrap of positions and at a stamp-refresh lap.
 *
 * The store a reservation that took part of a run makes where the rest begins (`split`) is held
 * back too (a test hook), so other handles find HEAD / TAIL on that slot before it is written.
 *
 * Real threads run the same code in the channel suites; this is the deterministic complement.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ArrayQueue, BUSY, DISCONNECTED, EMPTY, FULL, SLIP, SPIN_LIMIT, queueHooks } from "../../src/channel/flavors/array.js";
import { HEAD, HEADER_BYTES, TAIL } from "../../src/channel/layout.js";
import { fcParams } from "../prop-helpers.js";

interface Handle {
  q: ArrayQueue;
  sender: boolean;
  id: number;
  /** The open reservation: first slot, count, and whether it was a single-slot one. */
  res: { index: number; n: number; single: boolean } | null;
  parked: boolean;
  /** Wake-one model: unparked by a wake-up and not yet acted on it. */
  woken: boolean;
  /** Wake-one model: stopped sending / receiving for good (a thread gone busy elsewhere). */
  retired: boolean;
  /** Senders: values sent so far. Receivers: last value seen per sender. */
  count: number;
  last: number[];
}

/** Memory of a queue of capacity `cap` whose first position is lap `lap` (all slots free). */
function memory(cap: number, lap: number) {
  let mark = 1;
  while (mark < cap + 1) mark *= 2;
  const oneLap = mark * 2;
  const sab = new SharedArrayBuffer(HEADER_BYTES + 8 * cap);
  const header = new Int32Array(sab, 0, HEADER_BYTES >> 2);
  const stamps = new Int32Array(sab, HEADER_BYTES, 2 * cap);
  const start = Math.imul(lap, oneLap) | 0;
  header[HEAD] = start;
  header[TAIL] = start;
  // As ArrayQueue.init leaves lap 0, shifted to lap `lap`: slot 0 heads a free run of the whole
  // lap, the others hold last lap's published stamp (stored relative to the slot index).
  ArrayQueue.init(stamps, cap);
  for (let i = 0; i < cap; i++) stamps[2 * i] = (stamps[2 * i]! + start) | 0;
  return { sab, header, stamps, oneLap };
}

const VALUE = (sender: number, k: number) => sender * 1_000_000 + k;

/** `quick`: a single-slot attempt made as a polling send / recv makes it (`startSend(true)`). */
type Step = { who: number; single: boolean; max: number; slow: boolean; split: number; quick?: boolean };

/**
 * `wakeOne`: model the channel's sleeper protocol (src/channel/chan.ts) instead of waking every
 * sleeper on a taken mark: a wake-up unparks one sleeper of a side, and none while one is already
 * on its way (PENDING, cleared by a sleeper when it looks again); a sleeper that gets its message or
 * room passes the wake-up on — or marks again for the sleepers left when nothing is left. Handles
 * may retire (stop for good, as a thread that went off to do other work), and a lost wake-up is
 * then: work waiting while every handle of that side still in the game is parked.
 */
function run(cap: number, senders: number, receivers: number, lap: number, steps: Step[], wakeOne = false): void {
  const { header, stamps } = memory(cap, lap);
  const payload = new Float64Array(cap);
  const handles: Handle[] = [];
  const handle = (sender: boolean, id: number): Handle => ({
    q: new ArrayQueue(header, stamps, cap), sender, id, res: null, parked: false, woken: false, retired: false, count: 0,
    last: sender ? [] : new Array(senders).fill(-1),
  });
  for (let s = 0; s < senders; s++) handles.push(handle(true, s));
  for (let r = 0; r < receivers; r++) handles.push(handle(false, r));
  const pending = { true: false, false: false } as Record<string, boolean>;
  const hasWork = (senderSide: boolean): boolean => (senderSide ? handles[0]!.q.len() < cap : handles[0]!.q.len() > 0);
  const received = new Map<number, number>();
  // Split stores held back (queueHooks.deferSplit): made at a later step, or before their
  // reservation is published / released at the latest (a thread makes it right after its CAS).
  const splits: { owner: Handle; store: () => void }[] = [];
  let acting: Handle | null = null;
  const runSplit = (k: number): void => {
    const { owner, store } = splits.splice(k, 1)[0]!;
    store();
    // The split may have taken a WAITING mark (of either side).
    if (owner.q.takeWake()) {
      wake(true);
      wake(false);
    }
  };
  const wake = (senderSide: boolean) => {
    if (!wakeOne) {
      for (const h of handles) if (h.sender === senderSide) h.parked = false;
      return;
    }
    // chan.ts `wake`: only if someone sleeps, and only the first waker while PENDING is clear.
    if (pending[String(senderSide)]) return;
    const h = handles.find((x) => x.sender === senderSide && x.parked);
    if (h === undefined) return;
    pending[String(senderSide)] = true;
    h.parked = false;
    h.woken = true;
  };

  const reserve = (h: Handle, single: boolean, max: number): number => {
    if (h.sender) return single ? h.q.startSend() : h.q.startSendMany(max);
    return single ? h.q.startRecv() : h.q.startRecvMany(max);
  };

  const open = (h: Handle, single: boolean, max: number, quick: boolean): void => {
    const side = String(h.sender);
    const woken = h.woken;
    h.woken = false;
    let r = BUSY;
    if (!woken && single && quick) {
      // A polling send / recv: FULL / EMPTY from its own next slot means "poll again" (it parks
      // only after a full attempt, below). It must never take a slot a full attempt would not.
      r = h.sender ? h.q.startSend(true) : h.q.startRecv(true);
      if (r === (h.sender ? FULL : EMPTY) || r === BUSY) return;
    } else if (!woken) {
      r = reserve(h, single, max);
      if (r === BUSY) return; // would wait for another handle's reservation: try again later
    }
    let slow = false;
    if (woken || r === (h.sender ? FULL : EMPTY)) {
      // As a blocking call parks: (clear PENDING,) mark WAITING, look again, park if still nothing
      // — for good only if the mark is in place (otherwise it parks briefly and looks again: here,
      // later). A woken sleeper goes straight to this loop.
      slow = true;
      if (wakeOne) pending[side] = false;
      const marked = h.q.markWaiting(!h.sender);
      r = reserve(h, single, max);
      if (r === BUSY) return;
      if (r === (h.sender ? FULL : EMPTY)) {
        h.parked = marked;
        return;
      }
    }
    // A slot index (single) or a count of slots (batch).
    expect(r).toBeGreaterThanOrEqual(single ? 0 : 1);
    const index = single ? r : h.q.runIndex();
    const n = single ? 1 : r;
    expect(index + n).toBeLessThanOrEqual(cap);
    // A reservation that split a run may have taken a WAITING mark (of either side).
    if (h.q.takeWake()) {
      wake(true);
      wake(false);
    }
    if (h.sender) for (let k = 0; k < n; k++) payload[index + k] = VALUE(h.id, h.count++);
    h.res = { index, n, single };
    // A sleeper that got through passes its wake-up on, or marks again for those left (chan.ts).
    if (wakeOne && slow && handles.some((x) => x.sender === h.sender && x.parked)) {
      if (hasWork(h.sender) || !h.q.markWaiting(!h.sender)) wake(h.sender);
    }
  };

  const close = (h: Handle): void => {
    for (let k = splits.length - 1; k >= 0; k--) if (splits[k]!.owner === h) runSplit(k);
    const { index, n, single } = h.res!;
    h.res = null;
    if (!h.sender) {
      for (let k = 0; k < n; k++) {
        const v = payload[index + k]!;
        const s = Math.floor(v / 1_000_000);
        expect(received.has(v), `value ${v} received twice`).toBe(false);
        received.set(v, h.id);
        expect(v % 1_000_000, `receiver ${h.id}: sender ${s}'s values out of order`).toBeGreaterThan(h.last[s]!);
        h.last[s] = v % 1_000_000;
      }
    }
    const woke = h.sender ? (single ? h.q.endSend(index) : h.q.endSendMany(n)) : single ? h.q.endRecv(index) : h.q.endRecvMany(n);
    // A taken WAITING mark wakes sleepers of both sides, as the channel does (see markWaiting).
    if (woke) {
      wake(true);
      wake(false);
    }
  };

  const checkWakeups = (): void => {
    if (handles.some((h) => h.res !== null) || splits.length > 0) return;
    if (wakeOne) {
      for (const side of [true, false]) {
        const inGame = handles.filter((h) => h.sender === side && !h.retired);
        if (inGame.length > 0 && inGame.every((h) => h.parked) && hasWork(side)) {
          throw new Error(`every ${side ? "sender" : "receiver"} still in the game is parked while ${side ? "there is room" : "messages wait"} (lost wake-up)`);
        }
      }
      return;
    }
    const len = handles[0]!.q.len();
    for (const h of handles) {
      if (!h.parked) continue;
      if (h.sender) expect(len, `sender ${h.id} parked with room in the queue (lost wake-up)`).toBe(cap);
      else expect(len, `receiver ${h.id} parked with ${len} messages queued (lost wake-up)`).toBe(0);
    }
  };

  queueHooks.spinLimit = 0;
  queueHooks.deferSplit = (store) => splits.push({ owner: acting!, store });
  try {
    for (const step of steps) {
      // Now and then a held-back split store lands first.
      if (splits.length > 0 && step.split % 3 === 0) runSplit(step.split % splits.length);
      const h = handles[step.who % handles.length]!;
      acting = h;
      if (h.retired) continue;
      if (h.res !== null) {
        // A slow handle keeps its reservation open for another step now and then.
        if (!step.slow) close(h);
      } else if (wakeOne && step.split % 8 === 7 && !h.parked && !h.woken) {
        h.retired = true;
      } else if (!h.parked) open(h, step.single, step.max, step.quick === true);
      checkWakeups();
    }
    // Finish: close what is open, then drain with a fresh receiver.
    for (const h of handles) if (h.res !== null) close(h);
    while (splits.length > 0) runSplit(0);
    checkWakeups();
    const drain = handle(false, receivers);
    acting = drain;
    for (;;) {
      const r = drain.q.startRecvMany(cap);
      if (r === EMPTY) break;
      expect(r).toBeGreaterThan(0);
      drain.res = { index: drain.q.runIndex(), n: r, single: false };
      close(drain); // (makes its split store first)
    }
  } finally {
    queueHooks.spinLimit = SPIN_LIMIT;
    queueHooks.deferSplit = undefined;
  }
  const sent = handles.filter((h) => h.sender).reduce((a, h) => a + h.count, 0);
  expect(received.size).toBe(sent);
  for (const h of handles) if (h.sender) for (let k = 0; k < h.count; k++) expect(received.has(VALUE(h.id, k)), `value ${VALUE(h.id, k)} lost`).toBe(true);
  expect(handles[0]!.q.len()).toBe(0);
}

const stepArb = (cap: number) =>
  fc.record({
    who: fc.nat(20),
    single: fc.boolean(),
    max: fc.integer({ min: 1, max: cap + 2 }),
    slow: fc.boolean(),
    split: fc.nat(30),
    quick: fc.boolean(),
  });

describe("bounded flavor queue: interleaved handles (one thread standing for several)", () => {
  it("property: exactly once, in order per sender, no lost wake-ups — random capacities, handles and interleavings", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }).chain((cap) =>
          fc.tuple(
            fc.constant(cap),
            fc.integer({ min: 1, max: 3 }),
            fc.integer({ min: 1, max: 3 }),
            fc.array(stepArb(cap), { minLength: 1, maxLength: 400 }),
          ),
        ),
        ([cap, senders, receivers, steps]) => run(cap, senders, receivers, 0, steps),
      ),
      fcParams(400),
    );
  });

  it("property: the same from laps at the 32-bit wrap of positions and at a stamp-refresh lap", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }).chain((cap) =>
          fc.tuple(
            fc.constant(cap),
            fc.integer({ min: 1, max: 2 }),
            fc.integer({ min: 1, max: 2 }),
            // Laps counted from 0: 2^k - 1 and 2^k - 2 put the wrap (or a refresh lap, every power
            // of two in the lap count) one or two laps ahead.
            fc.constantFrom(-1, -2, -3, 2 ** 26 - 1, 2 ** 27 - 2, 2 ** 28 - 1, 2 ** 29 - 1),
            fc.array(stepArb(cap), { minLength: 1, maxLength: 300 }),
          ),
        ),
        ([cap, senders, receivers, lap, steps]) => run(cap, senders, receivers, lap, steps),
      ),
      fcParams(300),
    );
  });

  it("property: the same with one sleeper woken per wake-up (the channel's protocol), pass-ons, and handles that retire", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }).chain((cap) =>
          fc.tuple(
            fc.constant(cap),
            fc.integer({ min: 1, max: 3 }),
            fc.integer({ min: 1, max: 3 }),
            fc.constantFrom(0, 0, 0, -2, 2 ** 26 - 1),
            fc.array(stepArb(cap), { minLength: 1, maxLength: 400 }),
          ),
        ),
        ([cap, senders, receivers, lap, steps]) => run(cap, senders, receivers, lap, steps, true),
      ),
      fcParams(400),
    );
  });

  it("wake-one model: a receiver left parked on a mark another sleeper's wake-up took is woken by the next message", () => {
    // Receivers R1 and R2 park on the one WAITING mark at HEAD; S's message takes it and wakes R1
    // only; R1 gets the message and retires. Unless R1 marked HEAD again for R2, S's next message
    // (on a slot nobody marked) woke nobody (wakeup.test.ts has the real-thread version).
    const st = (who: number, split = 1): Step => ({ who, single: true, max: 1, slow: false, split });
    // Handles: 0 = S, 1 = R1, 2 = R2.
    run(4, 1, 2, 0, [st(1), st(2), st(0), st(0), st(1), st(1), st(1, 7), st(0), st(0)], true);
  });

  it("regression: a receiver that parks while another still reads the slot at HEAD is woken by the next publish", () => {
    // Capacity 1, one sender, two receivers: receiver B takes the message; receiver A finds the
    // queue empty and parks, marking the slot at HEAD — which B has not released yet. B's release
    // takes A's mark: it must wake receivers too, or the next publish (unmarked) wakes nobody.
    const S = (who: number): Step => ({ who, single: false, max: 1, slow: false, split: 1 });
    run(1, 1, 2, 0, [S(0), S(0), S(2), S(1), S(2), S(0), S(0)]);
  });

  it("a run writes only its first slot's stamp, except in a refresh lap, where it writes them all", () => {
    // Capacity 4: oneLap = 16, so laps cycle every 2^28 and one lap in 2^26 refreshes.
    const inner = (lap: number) => {
      const { header, stamps } = memory(4, lap);
      const before = Array.from({ length: 4 }, (_, i) => stamps[2 * i]);
      const q = new ArrayQueue(header, stamps, 4);
      expect(q.startSendMany(4)).toBe(4);
      q.endSendMany(4);
      const changed = [0, 1, 2, 3].filter((i) => stamps[2 * i] !== before[i]);
      // Rewritten inside the run, a slot holds the stamp it had before the publish (free in this
      // lap: the published one minus 1), so it still looks unpublished to a receiver there.
      for (const i of changed) if (i > 0) expect(stamps[2 * i]).toBe((stamps[0]! - 1) | 0);
      // And the run is received whole either way.
      expect(q.startRecvMany(4)).toBe(4);
      q.endRecvMany(4);
      return changed;
    };
    expect(inner(1)).toEqual([0]);
    expect(inner(2 ** 26 - 1)).toEqual([0]);
    expect(inner(2 ** 26)).toEqual([0, 1, 2, 3]);
    expect(inner(0)).toEqual([0, 1, 2, 3]);
  });

  it("a split store reports a WAITING mark left on the rest's first slot while it was pending", () => {
    const { header, stamps } = memory(8, 3);
    const s1 = new ArrayQueue(header, stamps, 8), r1 = new ArrayQueue(header, stamps, 8), r2 = new ArrayQueue(header, stamps, 8);
    expect(s1.startSendMany(4)).toBe(4);
    s1.endSendMany(4);
    const held: (() => void)[] = [];
    queueHooks.deferSplit = (store) => held.push(store);
    try {
      expect(r1.startRecvMany(2)).toBe(2); // HEAD now on slot 2, whose split store is held back
    } finally {
      queueHooks.deferSplit = undefined;
    }
    // A receiver about to park marks the slot at HEAD (it does not look ready yet)...
    expect(r2.markWaiting(true)).toBe(true);
    // ...and the split store, when it lands, takes the mark and reports it.
    expect(held).toHaveLength(1);
    held[0]!();
    expect(r1.takeWake()).toBe(true);
    expect(r1.takeWake()).toBe(false);
    r1.endRecvMany(2);
    expect(r2.startRecvMany(8)).toBe(2);
  });

  it("polling attempts say FULL / EMPTY from the thread's own next slot, without telling disconnection apart", () => {
    const { header, stamps } = memory(4, 0);
    const s = new ArrayQueue(header, stamps, 4), r = new ArrayQueue(header, stamps, 4);
    expect(r.startRecv(true)).toBe(EMPTY);
    for (let k = 0; k < 4; k++) {
      const i = s.startSend(true);
      expect(i).toBe(k);
      s.endSend(i);
    }
    expect(s.startSend(true)).toBe(FULL);
    expect(s.startSend()).toBe(FULL);
    // HEAD is not read: a polling sender says FULL from its slot even if HEAD looked a lap on
    // (only the full attempt looks there, and a corrupt HEAD would make it wait instead).
    const head = header[HEAD]!;
    header[HEAD] = (head + 4096) | 0;
    expect(s.startSend(true)).toBe(FULL);
    header[HEAD] = head;
    for (let k = 0; k < 4; k++) {
      const i = r.startRecv(true);
      expect(i).toBe(k);
      r.endRecv(i);
    }
    expect(r.startRecv(true)).toBe(EMPTY);
    expect(r.disconnect()).toBe(true);
    expect(r.startRecv(true)).toBe(EMPTY); // the polling attempt does not read TAIL's mark...
    expect(r.startRecv()).toBe(DISCONNECTED); // ...the full one, made before parking, does
    expect(s.startSend()).toBe(DISCONNECTED);
  });

  it("a polling attempt whose guess is stale (another thread moved on) falls back to the full attempt", () => {
    const { header, stamps } = memory(4, 0);
    const s = new ArrayQueue(header, stamps, 4), a = new ArrayQueue(header, stamps, 4), b = new ArrayQueue(header, stamps, 4);
    for (let k = 0; k < 3; k++) s.endSend(s.startSend());
    a.endRecv(a.startRecv()); // a's guess: slot 1
    b.endRecv(b.startRecv(true)); // b's guess was slot 0, taken by a: it finds HEAD and takes slot 1
    expect(a.startRecv(true)).toBe(2); // a's guess (slot 1) was taken and released: full attempt
    a.endRecv(2);
    expect(a.startRecv(true)).toBe(EMPTY);
    expect(b.startRecv(true)).toBe(EMPTY);
  });

  it("maySendAhead: room a cache line (SLIP slots) ahead of the thread's TAIL, on rings of at least 8 lines", () => {
    const cap = 8 * SLIP;
    const { header, stamps } = memory(cap, 0);
    const s = new ArrayQueue(header, stamps, cap), r = new ArrayQueue(header, stamps, cap);
    expect(s.startSendMany(cap)).toBe(cap);
    s.endSendMany(cap);
    expect(s.maySend()).toBe(false);
    expect(s.maySendAhead()).toBe(false);
    r.endRecv(r.startRecv());
    expect(s.maySend()).toBe(true);
    expect(s.maySendAhead()).toBe(false); // one slot free, the line ahead still full
    for (let k = 1; k <= SLIP; k++) r.endRecv(r.startRecv());
    expect(s.maySendAhead()).toBe(true);
    // Near the end of the lap it asks only for the next slot.
    const { header: h2, stamps: st2 } = memory(cap, 0);
    const s2 = new ArrayQueue(h2, st2, cap), r2 = new ArrayQueue(h2, st2, cap);
    for (let k = 0; k < cap - 2; k++) {
      s2.endSend(s2.startSend());
      r2.endRecv(r2.startRecv());
    }
    for (let k = 0; k < cap; k++) s2.endSend(s2.startSend());
    r2.endRecv(r2.startRecv()); // frees slot cap - 2, where s2's TAIL is
    expect(s2.maySendAhead()).toBe(true);
    // A small ring asks only for the next slot too.
    const { header: h3, stamps: st3 } = memory(4, 0);
    const s3 = new ArrayQueue(h3, st3, 4), r3 = new ArrayQueue(h3, st3, 4);
    for (let k = 0; k < 4; k++) s3.endSend(s3.startSend());
    expect(s3.maySendAhead()).toBe(false);
    r3.endRecv(r3.startRecv());
    expect(s3.maySendAhead()).toBe(true);
  });

  it("a reservation that takes part of a published run leaves the rest to the next receiver", () => {
    const { header, stamps } = memory(8, 0);
    const a = new ArrayQueue(header, stamps, 8), b = new ArrayQueue(header, stamps, 8), s = new ArrayQueue(header, stamps, 8);
    expect(s.startSendMany(8)).toBe(8);
    expect(s.endSendMany(8)).toBe(false);
    // a takes 3 of the run of 8; b takes the other 5 in one reservation while a still reads.
    expect(a.startRecvMany(3)).toBe(3);
    expect(b.startRecvMany(8)).toBe(5);
    expect(b.runIndex()).toBe(3);
    b.endRecvMany(5);
    a.endRecvMany(3);
    expect(a.startRecvMany(8)).toBe(EMPTY);
  });
});
