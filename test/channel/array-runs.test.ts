/**
 * The bounded flavor's runs (src/channel/flavors/array.ts), driven directly in one thread: a batch
 * reserves a run of slots with one CAS, and runs published or released one after another must
 * merge again when the next batch reserves them. Without that, runs only ever split (a batch that
 * does not line up with the ring, a single send or receive in between), and a long exchange of
 * batches ended up moving a few slots per reservation (the bench's batch-1024 case went from 100
 * to 300 ms per round over seven rounds).
 *
 * This file imports the queue from the sources: the run structure is not observable through the
 * public API (which returns the same values either way), only through its cost.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ArrayQueue, EMPTY, FULL } from "../../src/channel/flavors/array.js";
import { HEADER_BYTES } from "../../src/channel/layout.js";
import { fcParams } from "../prop-helpers.js";

function queue(cap: number): ArrayQueue {
  const sab = new SharedArrayBuffer(HEADER_BYTES + 8 * cap);
  const stamps = new Int32Array(sab, HEADER_BYTES, 2 * cap);
  ArrayQueue.init(stamps, cap);
  return new ArrayQueue(new Int32Array(sab, 0, HEADER_BYTES >> 2), stamps, cap);
}

/**
 * Publishes (`sending`) or receives `n` slots as singles (k = 1) or batches of up to `k`; returns
 * the reservations made.
 */
function move(q: ArrayQueue, sending: boolean, n: number, k: number): number {
  let made = 0;
  for (let left = n; left > 0; made++) {
    if (k === 1) {
      const i = sending ? q.startSend() : q.startRecv();
      expect(i).toBeGreaterThanOrEqual(0);
      if (sending) q.endSend(i);
      else q.endRecv(i);
      left--;
    } else {
      const got = sending ? q.startSendMany(Math.min(k, left)) : q.startRecvMany(Math.min(k, left));
      expect(got).toBeGreaterThan(0);
      if (sending) q.endSendMany(got);
      else q.endRecvMany(got);
      left -= got;
    }
  }
  return made;
}

const send = (q: ArrayQueue, n: number, k: number): number => move(q, true, n, k);
const recv = (q: ArrayQueue, n: number, k: number): number => move(q, false, n, k);

describe("bounded flavor: runs merge again", () => {
  it("slots released one by one are reserved by the next batch with one CAS", () => {
    const q = queue(16);
    expect(send(q, 16, 16)).toBe(1);
    expect(q.startSendMany(16)).toBe(FULL);
    // Released as 1, 1, 1, 5, 8 slots.
    recv(q, 3, 1);
    expect(recv(q, 5, 5)).toBe(1);
    expect(recv(q, 8, 8)).toBe(1);
    expect(q.startRecvMany(16)).toBe(EMPTY);
    // All 16 free: one reservation takes them, and publishes them as one run.
    expect(q.startSendMany(16)).toBe(16);
    q.endSendMany(16);
    expect(q.startRecvMany(16)).toBe(16);
    q.endRecvMany(16);
  });

  it("slots published one by one are taken by the next batch receive with one CAS", () => {
    const q = queue(16);
    send(q, 2, 1);
    send(q, 6, 3);
    send(q, 8, 8);
    expect(q.startRecvMany(16)).toBe(16);
    q.endRecvMany(16);
    // And the release is one run again.
    expect(q.startSendMany(16)).toBe(16);
    q.endSendMany(16);
  });

  it("a merge stops at the end of the ring and at a slot that is not ready", () => {
    const q = queue(8);
    send(q, 6, 1);
    recv(q, 6, 1);
    // TAIL at 6: the free run ends at the end of the ring (2 slots), the next batch starts at 0.
    expect(q.startSendMany(8)).toBe(2);
    q.endSendMany(2);
    expect(q.startSendMany(8)).toBe(6);
    q.endSendMany(6);
    // Published: 6,7 then 0..5. A receive at 6 takes 2 (ring end), then 0..5 in one run.
    expect(q.startRecvMany(8)).toBe(2);
    q.endRecvMany(2);
    // Only slots 0..2 released so far when 3..5 are still full: a batch send stops at 3.
    expect(q.startRecvMany(3)).toBe(3);
    q.endRecvMany(3);
    expect(q.startSendMany(8)).toBe(2); // 6,7 (freed first), up to the ring end
    q.endSendMany(2);
    expect(q.startSendMany(8)).toBe(3); // 0..2; 3 is still full
    q.endSendMany(3);
    expect(q.startSendMany(8)).toBe(FULL);
  });

  it("property: after any mix of singles and batches, a drained ring is one run for the next batch", () => {
    const ops = fc.array(fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 })), {
      minLength: 1,
      maxLength: 30,
    });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 24 }), ops, (cap, steps) => {
        const q = queue(cap);
        for (const [count, sk, rk] of steps) {
          // Move `count` messages through in chunks that fit: sends of up to sk, receives of up to rk.
          for (let left = count; left > 0; ) {
            const n = Math.min(left, cap);
            send(q, n, sk);
            recv(q, n, rk);
            left -= n;
          }
        }
        // Empty now. Whatever the history, a full-capacity batch needs at most two reservations
        // (the ring's end splits it), and so does the receive of it.
        const sent = send(q, cap, cap);
        const got = recv(q, cap, cap);
        return sent <= 2 && got <= 2;
      }),
      fcParams(300),
    );
  });
});
