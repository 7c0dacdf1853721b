/**
 * Moves (src/channel/move.ts, src/share/transfer.ts): `send` / `trySend` / `sendAsync(tx, value)`
 * deliver the value intact to real workers and leave the sender's ArrayBuffers detached; a failed
 * send detaches nothing and hands the value back; an alias of a moved buffer fails with
 * `MovedError` wherever weft meets it (never as an empty message); shared memory is never moved.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Mutex,
  MovedError,
  DataCloneError,
  SendError,
  SendTimeoutError,
  TrySendError,
  channel,
  codecs,
  select,
  send,
  sendArm,
  sendAsync,
  share,
  spawn,
  trySend,
  type Receiver,
  type Sender,
} from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import { timeoutFor } from "../prop-helpers.js";
import { SHAPES, buffersOf, digest, makeBody, type Shape } from "../workers/move-lib.mjs";
import { HANG_MS, joinAll, runs, within } from "./util.js";

const peer = workerUrl("move-peer.mjs");
type Msg = { id: number; body: any };
type Report = [id: number, sum: number, bytes: number][];

const sharedInts = (n = 4): Int32Array<SharedArrayBuffer> => new Int32Array(new SharedArrayBuffer(4 * n));

/**
 * Shared memory that will travel inside channel messages to workers: sent once through a channel
 * here *before* the workers start, so they inherit it from the buffer directory (a thread that
 * starts after the first such message would not know it yet: docs/design.md, buffer directory).
 */
function announced(shared: Int32Array<SharedArrayBuffer>): Int32Array<SharedArrayBuffer> {
  const [tx, rx] = channel<Int32Array<SharedArrayBuffer>>();
  tx.send(shared);
  rx.recv();
  return shared;
}
const isDetached = (b: ArrayBuffer): boolean => {
  try {
    new Uint8Array(b);
    return false;
  } catch {
    return true;
  }
};

describe("moves to real workers (property)", () => {
  // Random channel flavours, consumer counts, message shapes and sizes (past a slot, into the
  // arena), and move flavours (blocking send; trySend retried while full, which must leave the
  // value intact each time; sendAsync). Checked on the full history: every message arrives exactly
  // once with the same bytes, in order per consumer, and every buffer it owned is detached here,
  // while the shared memory next to it is untouched.
  it("every message arrives once and intact; the sender's buffers are detached, shared memory is not", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          capacity: fc.constantFrom(0, 1, 3, 16, Infinity),
          consumers: fc.integer({ min: 1, max: 3 }),
          how: fc.constantFrom("send", "trySend", "sendAsync"),
          msgs: fc.array(
            fc.record({ shape: fc.constantFrom(...SHAPES), size: fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 200, max: 70_000 })) }),
            { minLength: 1, maxLength: 24 },
          ),
        }),
        async ({ capacity, consumers, how, msgs }) => {
          const [tx, rx] = channel<Msg>({ capacity });
          const shared = announced(sharedInts());
          shared.set([1, 2, 3, 4]);
          const hs = Array.from({ length: consumers }, () => spawn(peer, "sum", rx)); // (sharing an end counts as a clone)
          rx.close();
          const expected = new Map<number, { sum: number; bytes: number }>();
          const retained: string[] = [];
          for (let id = 0; id < msgs.length; id++) {
            const { shape, size } = msgs[id]!;
            const msg: Msg = { id, body: makeBody(shape as Shape, size, id, shared) };
            expected.set(id, digest(msg.body));
            const owned = [...buffersOf(msg.body)];
            if (how === "send") {
              send(tx, msg);
            } else if (how === "sendAsync") {
              await within(sendAsync(tx, msg), "sendAsync");
            } else {
              // trySend never waits: retry while full, the value intact after every failure.
              for (;;) {
                try {
                  trySend(tx, msg);
                  break;
                } catch (e) {
                  if (!(e instanceof TrySendError) || !e.isFull) throw e;
                  if (e.value !== msg || owned.some(isDetached)) retained.push(`message ${id}: a failed trySend touched the value`);
                  await new Promise((r) => setTimeout(r, 1));
                }
              }
            }
            for (const b of owned) if (!isDetached(b)) retained.push(`message ${id} (${shape}): a buffer of ${b.byteLength} bytes is still attached`);
          }
          tx.close();
          const reports = await joinAll<Report>(hs, "consumers");
          expect(retained).toEqual([]);
          expect([...shared]).toEqual([1, 2, 3, 4]);
          // Exactly once overall, in order within each consumer, each with the bytes that were sent.
          const seen = reports.flat().map(([id]) => id).sort((a, b) => a - b);
          expect(seen).toEqual([...expected.keys()]);
          for (const r of reports) {
            const ids = r.map(([id]) => id);
            expect(ids).toEqual([...ids].sort((a, b) => a - b));
            for (const [id, sum, bytes] of r) expect({ id, sum, bytes }).toEqual({ id, ...expected.get(id)! });
          }
        },
      ),
      { numRuns: runs(12) },
    );
  }, timeoutFor(12, 2_000)); // (each run spawns workers: ×20 runs under WEFT_SOAK need more than the default 60 s)

  it("a move made in a worker detaches the worker's copy, and the main thread gets every message intact", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.record({ shape: fc.constantFrom(...SHAPES), size: fc.integer({ min: 1, max: 5000 }) }), { minLength: 1, maxLength: 16 }),
        async (workers, msgs) => {
          const [tx, rx] = channel<Msg>({ capacity: 4 });
          const [backTx, backRx] = channel<Msg>();
          const shared = announced(sharedInts());
          const hs = Array.from({ length: workers }, () => spawn(peer, "forward", rx, backTx));
          rx.close();
          backTx.close();
          const expected = new Map<number, { sum: number; bytes: number }>();
          for (let id = 0; id < msgs.length; id++) {
            const body = makeBody(msgs[id]!.shape as Shape, msgs[id]!.size, id, shared);
            expected.set(id, digest(body));
            await within(sendAsync(tx, { id, body }), "sendAsync");
          }
          tx.close();
          const back = new Map<number, { sum: number; bytes: number }>();
          await within((async () => {
            for await (const m of backRx) back.set(m.id, digest(m.body));
          })(), "receiving the forwarded messages");
          const flags = (await joinAll<[number, number][]>(hs, "forwarders")).flat();
          expect([...back.keys()].sort((a, b) => a - b)).toEqual([...expected.keys()]);
          for (const [id, d] of expected) expect(back.get(id)).toEqual(d);
          // 1: the worker's buffers were detached by its send; -1: the message owned none ("plain").
          for (const [id, flag] of flags) expect([id, flag]).toEqual([id, msgs[id]!.shape === "plain" ? -1 : 1]);
        },
      ),
      { numRuns: runs(8) },
    );
  }, timeoutFor(8, 2_000));
});

describe("a failed send detaches nothing and hands the value back", () => {
  it("send on a disconnected channel: SendError with the value, its buffer intact", () => {
    const [tx, rx] = channel<{ frame: Uint8Array }>();
    rx.close();
    const msg = { frame: new Uint8Array([1, 2, 3]) };
    const e = catchError(() => send(tx, msg));
    expect(e).toBeInstanceOf(SendError);
    expect((e as SendError<unknown>).value).toBe(msg);
    expect([...msg.frame]).toEqual([1, 2, 3]);
  });

  it("send that times out on a full channel: SendTimeoutError, buffer intact; trySend on a full channel: TrySendError, intact", () => {
    const [tx, rx] = channel<ArrayBuffer>({ capacity: 1 });
    tx.send(new ArrayBuffer(1));
    const buf = new Uint8Array([9, 8, 7]).buffer;
    expect(catchError(() => send(tx, buf, { timeout: 20 }))).toBeInstanceOf(SendTimeoutError);
    expect(catchError(() => trySend(tx, buf))).toBeInstanceOf(TrySendError);
    expect([...new Uint8Array(buf)]).toEqual([9, 8, 7]);
    expect(rx.len).toBe(1);
  });

  it("sendAsync on a disconnected channel rejects with SendError, buffer intact", async () => {
    const [tx, rx] = channel<ArrayBuffer>();
    rx.close();
    const buf = new Uint8Array([5, 6]).buffer;
    await expect(sendAsync(tx, buf)).rejects.toBeInstanceOf(SendError);
    expect([...new Uint8Array(buf)]).toEqual([5, 6]);
  });

  it("the free functions check their Sender", async () => {
    expect(() => send({} as Sender<unknown>, 1)).toThrow(/send: expected a Sender, got Object/);
    expect(() => trySend(null as unknown as Sender<unknown>, 1)).toThrow(/trySend: expected a Sender, got null/);
    await expect(sendAsync(1 as unknown as Sender<unknown>, 1)).rejects.toThrow(/sendAsync: expected a Sender/);
  });
});

describe("an alias of a moved buffer is a MovedError wherever weft meets it", () => {
  /** A buffer moved by send(), and a view of it made before the move (an alias). */
  function moved(): { tx: Sender<unknown>; rx: Receiver<unknown>; alias: Uint8Array } {
    const [tx, rx] = channel<unknown>({ capacity: 8 });
    const buf = new ArrayBuffer(16);
    const alias = new Uint8Array(buf);
    alias.fill(7);
    send(tx, buf);
    expect([...new Uint8Array(rx.recv() as ArrayBuffer)]).toEqual(new Array(16).fill(7));
    expect(alias.length).toBe(0); // the alias saw the detach
    return { tx, rx, alias };
  }

  it("tx.send(alias), at any depth: MovedError naming where, nothing sent", () => {
    const { tx, rx, alias } = moved();
    expectMoved(() => tx.send(alias), /an ArrayBuffer at the top level was moved \(detached\)/);
    expectMoved(() => tx.send({ frame: { data: alias } }), /at value\.frame\.data was moved/);
    expectMoved(() => tx.send([1, alias.buffer]), /at value\[1\] was moved/);
    expectMoved(() => tx.trySend(new Map([["k", alias]])), /at value\.get\("k"\) was moved/);
    expectMoved(() => tx.sendMany([1, { a: alias }]), /was moved/);
    expect(rx.len).toBe(0);
  });

  it("send(tx, alias) and friends refuse it before sending, naming the path", async () => {
    const { tx, rx, alias } = moved();
    expectMoved(() => send(tx, { list: [0, alias] }), /send: value\.list\[1\] is a view of an ArrayBuffer that was already moved/);
    expectMoved(() => trySend(tx, alias.buffer), /trySend: the value is an ArrayBuffer that was already moved/);
    await expect(sendAsync(tx, { a: alias })).rejects.toThrow(MovedError);
    expect(rx.len).toBe(0);
  });

  it("the bytes codec, select's send arms, share() and spawn() refuse it too", async () => {
    const { alias } = moved();
    const [btx, brx] = channel<Uint8Array>({ codec: codecs.bytes });
    expectMoved(() => btx.send(alias), /codec bytes: the ArrayBuffer was moved/);
    expectMoved(() => btx.send(alias.buffer as unknown as Uint8Array), /codec bytes: the ArrayBuffer was moved/);
    btx.send(new Uint8Array(0)); // an empty, not moved, message still goes
    expect(brx.recv().length).toBe(0);
    expect(brx.len).toBe(0);
    const [tx, rx] = channel<unknown>({ capacity: 1 });
    expectMoved(() => select([sendArm(tx, { alias })]), /at value\.alias was moved/);
    expect(rx.len).toBe(0);
    expectMoved(() => share({ alias }), /share: the value holds an ArrayBuffer that was moved/);
    expectMoved(() => spawn(peer, "sum", alias), /spawn: an argument holds an ArrayBuffer that was moved/);
    // (inside a Map, share() leaves it to structured clone, whose DataCloneError spawn translates)
    expectMoved(() => spawn(peer, "sum", new Map([["k", alias]])), /spawn: an argument holds an ArrayBuffer that was moved/);
  });

  it("MovedError is a DataCloneError (code that catches those still does)", () => {
    const { tx, alias } = moved();
    expect(catchError(() => tx.send(alias))).toBeInstanceOf(DataCloneError);
  });
});

describe("what is not moved", () => {
  it("shared memory and weft primitives next to a moved buffer stay shared and usable", () => {
    const [tx, rx] = channel<unknown>();
    const lock = new Mutex(sharedInts(1));
    const table = sharedInts(2);
    const data = new Uint8Array([1, 2, 3]);
    send(tx, { lock, table, data });
    expect(data.length).toBe(0);
    const got = rx.recv() as { lock: Mutex<Int32Array>; table: Int32Array; data: Uint8Array };
    got.table[1] = 42;
    expect(table[1]).toBe(42); // the same memory
    got.lock.withLock((v) => (v[0] = 5));
    expect(lock.withLock((v) => v[0])).toBe(5);
    expect([...got.data]).toEqual([1, 2, 3]);
  });

  it("Node's pooled Buffer memory is copied, not moved (Node refuses to transfer it), and still arrives", () => {
    const [tx, rx] = channel<Uint8Array>();
    const pooled = Buffer.from("hello");
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.length); // a slice of Node's pool
    const moving = pooled; // (the compiler now treats `moving` as moved; `pooled` is the alias we inspect)
    send(tx, moving);
    expect(pooled.toString()).toBe("hello");
    expect(Buffer.from(rx.recv()).toString()).toBe("hello");
  });

  it("a message without buffers is sent as by tx.send, and values are not touched", () => {
    const [tx, rx] = channel<unknown>();
    const msg = { n: 1, list: [1, 2], when: new Date(5) };
    send(tx, msg);
    expect(msg).toEqual({ n: 1, list: [1, 2], when: new Date(5) });
    expect(rx.recv()).toEqual(msg);
  }, HANG_MS);
});

function catchError(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
}

function expectMoved(f: () => unknown, message: RegExp): void {
  const e = catchError(f);
  expect(e).toBeInstanceOf(MovedError);
  expect((e as Error).name).toBe("MovedError");
  expect((e as Error).message).toMatch(message);
}
