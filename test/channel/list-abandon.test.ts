/**
 * The unbounded (list) flavor when a sender stops between claiming a slot and publishing it
 * (src/channel/flavors/list.ts, `awaitWrite`). A receiver that reaches such a slot used to wait for
 * the write without end — in `tryRecv`, past any timeout, on the main thread too — because it had
 * taken the slot's place in line. Now it gives the slot up after ABANDON_MS and goes on; a sender
 * that publishes after all finds the mark and sends its message again.
 *
 * One thread stands for both: the test hook runs between the claim and the publish, and either
 * throws (the sender "terminated" there: nothing after the claim runs) or acts as the receiver
 * while the sender is "descheduled". Before the fix the receives below never returned (the test
 * file's watchdog then kills the run).
 */
import { afterEach, describe, expect, it } from "vitest";
import { channel, type Receiver, type Sender } from "../../src/channel/channel.js";
import { codecs } from "../../src/channel/codec.js";
import { ABANDON_MS, ListChan, listHooks } from "../../src/channel/flavors/list.js";
import { TimeoutError, TryRecvError } from "../../src/errors.js";
import { allocateSlot, markDead } from "../../src/thread/registry.js";
import "./util.js";

afterEach(() => {
  listHooks.beforePublish = undefined;
  listHooks.afterClaimLast = undefined;
  listHooks.installer = undefined;
  listHooks.afterAbandon = undefined;
});

/** Runs `f` as the hook of the next send only. */
function onceBeforePublish(f: () => void): void {
  listHooks.beforePublish = () => {
    listHooks.beforePublish = undefined;
    f();
  };
}

const TERMINATED = new Error("terminated between claim and publish");

function emptyNow(rx: Receiver<unknown>): void {
  try {
    rx.tryRecv();
    expect.unreachable("tryRecv should say empty");
  } catch (e) {
    expect(e).toBeInstanceOf(TryRecvError);
    expect((e as TryRecvError).kind).toBe("empty");
  }
}

/**
 * Sends 0…39 on a new f64 channel. With `stall`, the send of message 5 runs it between its claim
 * and its publish (the sender "descheduled" there); `stall` may send the next messages itself and
 * returns the last it sent, and the loop goes on after that one. Then receives what is left.
 * Returns everything received, in order, and the arena's bytes in use at the end.
 */
function sendWithStall(
  stall: ((tx: Sender<number>, rx: Receiver<number>, got: number[]) => number) | null,
): { got: number[]; inUse: number } {
  const [tx, rx] = channel<number>({ codec: codecs.f64 });
  const got: number[] = [];
  for (let i = 0; i < 40; i++) {
    if (stall !== null && i === 5) {
      let last = 5;
      onceBeforePublish(() => {
        last = stall(tx, rx, got);
      });
      tx.send(5); // published after all: finds the mark and goes in again
      i = last;
      continue;
    }
    tx.send(i);
  }
  for (;;) {
    try {
      got.push(rx.tryRecv());
    } catch {
      break;
    }
  }
  return { got, inUse: tx.arenaStats()!.bytesInUse };
}

describe("unbounded channel: a sender stopped between its claim and its publish", () => {
  it("a sender that died there: the receiver gives its slot up and gets the messages sent after it", () => {
    const [tx, rx] = channel<number>({ codec: codecs.f64 });
    tx.send(1);
    onceBeforePublish(() => {
      throw TERMINATED;
    });
    expect(() => tx.send(2)).toThrow(TERMINATED);
    tx.send(3);
    expect(rx.recv()).toBe(1);
    const t0 = performance.now();
    expect(rx.recv({ timeout: 10_000 })).toBe(3);
    const waited = performance.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(ABANDON_MS - 1);
    expect(waited).toBeLessThan(5_000);
    emptyNow(rx);
    // The channel goes on working, across block boundaries (31 slots per block).
    for (let i = 0; i < 100; i++) tx.send(10 + i);
    expect(rx.recvMany(100)).toEqual(Array.from({ length: 100 }, (_, i) => 10 + i));
  });

  it("tryRecv and a timed recv facing only that slot end (empty / TimeoutError) instead of waiting for ever", () => {
    const [tx, rx] = channel<number>({ codec: codecs.i32 });
    onceBeforePublish(() => {
      throw TERMINATED;
    });
    expect(() => tx.send(7)).toThrow(TERMINATED);
    emptyNow(rx);
    expect(() => rx.recv({ timeout: 20 })).toThrow(/timed out|timeout/i);
    tx.send(8);
    expect(rx.recv({ timeout: 1000 })).toBe(8);
  });

  it("a sender descheduled there: its message arrives once, after the ones that overtook it, and the block is freed", () => {
    const control = sendWithStall(null);
    // While message 5 is claimed but not published, message 6 goes in after it and the receiver
    // takes what there is: 0…4, then gives slot 5 up and takes 6.
    const r = sendWithStall((tx, rx, got) => {
      tx.send(6);
      for (let k = 0; k < 6; k++) got.push(rx.recv({ timeout: 10_000 }));
      emptyNow(rx);
      return 6;
    });
    expect(control.got).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(r.got).toEqual([0, 1, 2, 3, 4, 6, 5, ...Array.from({ length: 33 }, (_, i) => 7 + i)]);
    // Every slot of the first block was read or given up and then written: it went back to the
    // arena as in the control run (the sender did the reader's part for its abandoned slot).
    expect(r.inUse).toBe(control.inUse);
  });

  it("a sender that publishes right after its slot was given up, before the receiver's next claim: each message once, in order", () => {
    // The receiver's guess of its next slot (src/channel/flavors/list.ts, `claimed`) must move on
    // with the abandoned claim: a guess still pointing at the abandoned slot would find it written
    // now, claim the slot after it and read the abandoned one (a duplicate of the message its
    // sender sends again), leaving the one after it unread (lost, its block never freed).
    const control = sendWithStall(null);
    const r = sendWithStall((tx, rx, got) => {
      tx.send(6);
      tx.send(7);
      listHooks.afterAbandon = (publish) => {
        listHooks.afterAbandon = undefined;
        publish(); // the stalled sender's `or` of WRITE lands now, before our next claim
      };
      for (let k = 0; k < 7; k++) got.push(rx.recv({ timeout: 10_000 }));
      emptyNow(rx);
      return 7;
    });
    expect(control.got).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(r.got).toEqual([0, 1, 2, 3, 4, 6, 7, 5, ...Array.from({ length: 32 }, (_, i) => 8 + i)]);
    expect(r.inUse).toBe(control.inUse);
  });

  it("variable-size messages (inline and in the arena) sent again arrive intact", () => {
    for (const size of [10, 5000]) {
      const [tx, rx]: [Sender<{ s: string; n: bigint }>, Receiver<{ s: string; n: bigint }>] = channel();
      const msg = { s: "x".repeat(size) + "é", n: 2n ** 70n };
      onceBeforePublish(() => {
        emptyNow(rx); // gives the claimed slot up after ABANDON_MS
      });
      tx.send(msg);
      expect(rx.recv({ timeout: 1000 })).toEqual(msg);
      emptyNow(rx);
      const stats = tx.arenaStats()!;
      tx.send(msg);
      expect(rx.recv()).toEqual(msg);
      expect(tx.arenaStats()!.bytesInUse).toBe(stats.bytesInUse);
    }
  });
});

describe("unbounded channel: polling hints", () => {
  /** The receiving end's channel object (the flavor), for its polling hints. */
  const flavor = (rx: Receiver<number>) => (rx as unknown as { chan: { mayRecv(): boolean; header: Int32Array } }).chan;

  it("mayRecv says no only while the slot after this thread's last receive is unwritten", () => {
    const [tx, rx] = channel<number>({ codec: codecs.f64 });
    const c = flavor(rx);
    expect(c.mayRecv()).toBe(true); // nothing received yet: no guess
    tx.send(1);
    tx.send(2);
    expect(rx.recv()).toBe(1);
    expect(c.mayRecv()).toBe(true); // slot 1 holds 2
    expect(rx.recv()).toBe(2);
    expect(c.mayRecv()).toBe(false);
    tx.send(3);
    expect(c.mayRecv()).toBe(true);
    expect(rx.recv()).toBe(3);
    // Across a block boundary (31 slots): the guess is dropped, and found again after a receive.
    for (let i = 0; i < 40; i++) tx.send(100 + i);
    for (let i = 0; i < 40; i++) expect(rx.recv()).toBe(100 + i);
    expect(c.mayRecv()).toBe(false);
    tx.send(7);
    expect(c.mayRecv()).toBe(true);
    expect(rx.recv()).toBe(7);
  });

  it("a receive that finds the slot at HEAD written takes it without reading TAIL", () => {
    const [tx, rx] = channel<number>({ codec: codecs.f64 });
    tx.send(1);
    tx.send(2);
    expect(rx.recv()).toBe(1);
    // Pretend TAIL still at HEAD: a receive that looked there would say empty.
    const h = flavor(rx).header;
    const TAIL = 16, HEAD = 32;
    const tail = h[TAIL]!;
    h[TAIL] = h[HEAD]!;
    try {
      expect(rx.tryRecv()).toBe(2);
    } finally {
      h[TAIL] = tail;
    }
    emptyNow(rx);
  });
});

describe("unbounded channel: a sender that died after taking a block's last slot", () => {
  // Each block has 31 slots; the sender of the last one installs the next block (others wait at
  // the boundary). Before, a sender terminated in between left every later send — trySend and
  // timed sends too — spinning at the boundary for ever, and the receiver of that slot waiting for
  // the next block for ever. Now, once that sender is dead (here: a slot marked dead stands for
  // it), a waiting sender or receiver installs the block after ABANDON_MS.
  const dieAfterClaimingLast = (tx: Sender<number>, value: number): void => {
    const dead = allocateSlot();
    markDead(dead);
    listHooks.installer = dead;
    listHooks.afterClaimLast = () => {
      throw TERMINATED;
    };
    try {
      expect(() => tx.send(value)).toThrow(TERMINATED);
    } finally {
      listHooks.installer = undefined;
      listHooks.afterClaimLast = undefined;
    }
  };

  it("the next sender installs the block for it; the receiver gives the dead slot up and gets the rest", () => {
    const [tx, rx] = channel<number>({ codec: codecs.f64 });
    for (let i = 0; i < 30; i++) tx.send(i);
    dieAfterClaimingLast(tx, 30);
    const t0 = performance.now();
    tx.trySend(31); // waits at the boundary, then installs the next block
    const waited = performance.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(ABANDON_MS - 1);
    expect(waited).toBeLessThan(5_000);
    for (let i = 32; i < 80; i++) tx.send(i);
    const got: number[] = [];
    for (let i = 0; i < 79; i++) got.push(rx.recv({ timeout: 10_000 }));
    expect(got).toEqual([...Array.from({ length: 30 }, (_, i) => i), ...Array.from({ length: 49 }, (_, i) => 31 + i)]);
    emptyNow(rx);
  });

  it("with no sender after it, the receiver of that slot installs the block itself; its timed recv ends", () => {
    const [tx, rx] = channel<number>({ codec: codecs.f64 });
    for (let i = 0; i < 30; i++) tx.send(i);
    dieAfterClaimingLast(tx, 30);
    for (let i = 0; i < 30; i++) expect(rx.recv()).toBe(i);
    const t0 = performance.now();
    expect(() => rx.recv({ timeout: 100 })).toThrow(TimeoutError);
    expect(performance.now() - t0).toBeLessThan(5_000);
    // The channel goes on: TAIL was stepped over the boundary for the dead sender.
    tx.send(40);
    expect(rx.recv({ timeout: 1000 })).toBe(40);
  });

  it("regression: a helper that saw the installer dead only after it had finished, published and exited does not link onto the recycled block", () => {
    // Found in review. Four flavor objects over one channel stand for four threads: S takes block
    // X's last slot and stalls; H waits 5 ms at the boundary and reads TAIL / TAIL_BLOCK (= X),
    // then stalls twice around its installerDead check: first S finishes its install, publishes
    // and exits (dead); then the receivers read X out, X is freed, and the arena hands its memory
    // to the next block installed (TAIL_BLOCK = X's offset again). H then found S dead and linked
    // its spare onto the recycled block (and moved TAIL_BLOCK): later messages went to the wrong
    // block, and the receivers' HEAD ran past TAIL. H must re-read TAIL after seeing S dead.
    const [tx] = channel<number>({ codec: codecs.f64 });
    const base = (tx as unknown as { chan: ListChan<number> }).chan as unknown as {
      header: Int32Array;
      codec: unknown;
      arena: unknown;
    };
    type Flavor = {
      trySendEncoded(v: number, e: null): number;
      tryRecv(): unknown;
      installerDead(block: number): boolean;
      newBlock(): number;
      install(block: number, boundary: number, spare: number): boolean;
      cover(block: number): void;
      fixedView: Float64Array;
      a32: Int32Array;
      disconnect(): void;
    };
    const make = () => new (ListChan as unknown as new (...a: unknown[]) => Flavor)(base.header.buffer, base.codec, base.arena);
    const S = make(), H = make(), other = make(), receiver = make();
    const send = (c: Flavor, v: number) => expect(c.trySendEncoded(v, null)).toBe(0);
    const h = base.header;
    const TAIL = 16, TAIL_BLOCK = 17;
    for (let i = 0; i < 30; i++) send(other, i);
    const X = h[TAIL_BLOCK]!;
    const sSlot = allocateSlot();
    listHooks.installer = sSlot;
    listHooks.afterClaimLast = () => {
      throw TERMINATED; // stands for S stalled right after its claim (it resumes below, by hand)
    };
    expect(() => send(S, 30)).toThrow(TERMINATED);
    listHooks.installer = undefined;
    listHooks.afterClaimLast = undefined;
    const boundary = h[TAIL]!;
    let phase = 0;
    const installerDead = H.installerDead.bind(H);
    H.installerDead = (block: number) => {
      if (phase === 0) {
        phase = 1;
        // S resumes: finishes the install, publishes slot 30, exits.
        S.install(X, boundary, S.newBlock());
        S.cover(X);
        S.fixedView[(X + 136) / 8 + 30] = 30;
        Atomics.or(S.a32, ((X + 12) >> 2) + 30, 1);
        markDead(sSlot);
      }
      const dead = installerDead(block);
      if (phase === 1) {
        phase = 2;
        // Traffic goes on while H stalls: X is read out and freed, and its memory comes back.
        for (let i = 0; i <= 30; i++) expect(receiver.tryRecv()).toBe(i);
        for (let i = 31; i < 67; i++) send(other, i);
      }
      return dead;
    };
    send(H, 1000);
    for (let i = 67; i < 140; i++) send(other, i);
    other.disconnect();
    const got: unknown[] = [];
    for (let v = receiver.tryRecv(); typeof v === "number" && got.length < 500; v = receiver.tryRecv()) got.push(v);
    expect(got.length).toBe(140 - 31 + 1);
    expect(new Set(got).size).toBe(got.length);
    expect(got).toContain(1000);
    for (let i = 31; i < 140; i++) expect(got).toContain(i);
  });
});
