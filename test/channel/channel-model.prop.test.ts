/**
 * Model-based property (single thread): random sequences of channel operations against a plain
 * array-queue model — send / trySend / sendMany / recv / tryRecv / recvMany / len / isFull /
 * isEmpty / clone / close of either side — for bounded (including capacities around lap and
 * power-of-two edges), unbounded (crossing the 31-slot block boundaries many times) and
 * rendezvous channels, with payloads that sometimes overflow their slot into the arena.
 */
import { describe, it } from "vitest";
import fc from "fast-check";
import {
  RecvError, SendError, TimeoutError, TrySendError, channel, codecs, type Receiver, type Sender,
} from "../../dist/index.js";
import { arenaPeek, runs } from "./util.js";

interface Model {
  q: unknown[];
  cap: number;
  senders: number;
  receivers: number;
}

type Real = { txs: Sender<unknown>[]; rxs: Receiver<unknown>[] };

const fail = (msg: string): never => {
  throw new Error(msg);
};
const same = (a: unknown, b: unknown, what: string) => {
  if (JSON.stringify(a) !== JSON.stringify(b)) fail(`${what}: got ${JSON.stringify(a)}, model says ${JSON.stringify(b)}`);
};
const catching = (f: () => unknown): { ok?: unknown; err?: any } => {
  try {
    return { ok: f() };
  } catch (err) {
    return { err };
  }
};

const valueArb = fc.oneof(fc.integer(), fc.string({ maxLength: 300 }), fc.constant(null), fc.array(fc.integer(), { maxLength: 50 }));

const cmdArb = fc.oneof(
  { weight: 6, arbitrary: valueArb.map((v) => ({ op: "send" as const, v })) },
  { weight: 3, arbitrary: valueArb.map((v) => ({ op: "trySend" as const, v })) },
  { weight: 2, arbitrary: fc.array(valueArb, { maxLength: 40, size: "medium" }).map((vs) => ({ op: "sendMany" as const, vs })) },
  { weight: 6, arbitrary: fc.constant({ op: "recv" as const }) },
  { weight: 3, arbitrary: fc.constant({ op: "tryRecv" as const }) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 70 }).map((max) => ({ op: "recvMany" as const, max })) },
  { weight: 1, arbitrary: fc.constant({ op: "tryIter" as const }) },
  { weight: 1, arbitrary: fc.constant({ op: "clone" as const, side: "tx" as const }) },
  { weight: 1, arbitrary: fc.constant({ op: "clone" as const, side: "rx" as const }) },
  { weight: 1, arbitrary: fc.constantFrom("tx" as const, "rx" as const).map((side) => ({ op: "close" as const, side })) },
);

function step(cmd: any, m: Model, r: Real): void {
  const tx = r.txs.at(-1), rx = r.rxs.at(-1);
  const disconnectedForSend = m.receivers === 0;
  const roomFor = (n: number) => m.cap === Infinity || m.q.length + n <= m.cap;
  switch (cmd.op) {
    case "send":
    case "trySend": {
      if (!tx) return;
      // A rendezvous / full channel would block this thread forever: only timeout-0 sends there.
      const res = catching(() => (cmd.op === "send" ? tx.send(cmd.v, { timeout: 0 }) : tx.trySend(cmd.v)));
      if (disconnectedForSend) {
        if (!(res.err instanceof (cmd.op === "send" ? SendError : TrySendError))) fail(`${cmd.op} with no receivers: ${res.err ?? "ok"}`);
        same(res.err.value, cmd.v, "value handed back");
      } else if (roomFor(1)) {
        if (res.err) fail(`${cmd.op} with room failed: ${res.err}`);
        m.q.push(cmd.v);
      } else {
        const ok = cmd.op === "send" ? res.err instanceof TimeoutError : res.err instanceof TrySendError && res.err.kind === "full";
        if (!ok) fail(`${cmd.op} on a full channel: ${res.err ?? "ok"}`);
        same(res.err.value, cmd.v, "value handed back");
      }
      return;
    }
    case "sendMany": {
      if (!tx || !roomFor(cmd.vs.length)) return;
      // f64 channels: every other batch goes in as a Float64Array (the typed fast path).
      const batch = cmd.typed ? Float64Array.from(cmd.vs) : cmd.vs;
      const res = catching(() => tx.sendMany(batch, { timeout: 0 }));
      if (disconnectedForSend) {
        if (cmd.vs.length > 0 && !(res.err instanceof SendError)) fail(`sendMany with no receivers: ${res.err ?? "ok"}`);
      } else {
        if (res.err) fail(`sendMany with room failed: ${res.err}`);
        m.q.push(...cmd.vs);
      }
      return;
    }
    case "recv":
    case "tryRecv":
    case "recvMany": {
      if (!rx) return;
      const res = catching(() =>
        cmd.op === "recv" ? rx.recv({ timeout: 0 }) : cmd.op === "tryRecv" ? rx.tryRecv() : rx.recvMany(cmd.max, { timeout: 0 }),
      );
      if (m.q.length > 0) {
        if (res.err) fail(`${cmd.op} with ${m.q.length} queued failed: ${res.err}`);
        if (cmd.op === "recvMany") {
          const n = Math.min(cmd.max, m.q.length);
          same(res.ok, m.q.splice(0, n), "recvMany");
        } else same(res.ok, m.q.shift(), cmd.op);
      } else if (m.senders === 0) {
        const ok = cmd.op === "tryRecv" ? res.err?.kind === "disconnected" : res.err instanceof RecvError;
        if (!ok) fail(`${cmd.op} on empty+disconnected: ${res.err ?? JSON.stringify(res.ok)}`);
      } else {
        const ok = cmd.op === "tryRecv" ? res.err?.kind === "empty" : res.err instanceof TimeoutError;
        if (!ok) fail(`${cmd.op} on empty: ${res.err ?? JSON.stringify(res.ok)}`);
      }
      return;
    }
    case "tryIter": {
      // Rust's try_iter: everything waiting now, never blocks, never throws for empty/disconnected.
      if (!rx) return;
      const res = catching(() => [...rx.tryIter()]);
      if (res.err) fail(`tryIter failed: ${res.err}`);
      same(res.ok, m.q.splice(0), "tryIter");
      return;
    }
    case "clone": {
      if (cmd.side === "tx" && tx) {
        r.txs.push(tx.clone());
        m.senders++;
      } else if (cmd.side === "rx" && rx) {
        r.rxs.push(rx.clone());
        m.receivers++;
      }
      return;
    }
    case "close": {
      const list = cmd.side === "tx" ? r.txs : r.rxs;
      const end = list.pop();
      if (!end) return;
      end.close();
      if (cmd.side === "tx") m.senders--;
      else {
        m.receivers--;
        // Crossbeam semantics: once the last receiver is gone the queued messages are unreachable.
        if (m.receivers === 0) m.q.length = 0;
      }
      return;
    }
  }
}

function checkObservers(m: Model, r: Real): void {
  const tx = r.txs.at(-1);
  if (tx) {
    // The sender sees the same snapshot (crossbeam's Sender::len / is_full / capacity).
    same(tx.len, m.cap === 0 ? 0 : m.q.length, "tx.len");
    same(tx.isEmpty, m.cap === 0 ? true : m.q.length === 0, "tx.isEmpty");
    same(tx.isFull, m.cap === 0 ? true : m.q.length >= m.cap, "tx.isFull");
    same(tx.capacity, m.cap, "tx.capacity");
  }
  const rx = r.rxs.at(-1);
  if (!rx) return;
  same(rx.len, m.cap === 0 ? 0 : m.q.length, "len");
  same(rx.isEmpty, m.cap === 0 ? true : m.q.length === 0, "isEmpty");
  same(rx.isFull, m.cap === 0 ? true : m.q.length >= m.cap, "isFull");
  same(rx.capacity, m.cap, "capacity");
}

describe("channel vs queue model (single thread)", () => {
  const caps = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 9 }), fc.constantFrom(15, 16, 17, 31, 32, 33, 63, 64), fc.constant(Infinity));
  for (const codec of ["structured", "f64"] as const) {
    it(`${codec}: every operation agrees with the model; arena bytes return to the start when drained`, () => {
      fc.assert(
        fc.property(caps, fc.constantFrom(8, 64, 120), fc.array(cmdArb, { minLength: 1, maxLength: 300, size: "max" }), (cap, slotBytes, cmds) => {
          const numeric = codec === "f64";
          const [tx, rx] = channel<unknown>({ capacity: cap, slotBytes, ...(numeric ? { codec: codecs.f64 as any } : {}) });
          const m: Model = { q: [], cap, senders: 1, receivers: 1 };
          const r: Real = { txs: [tx], rxs: [rx] };
          const start = arenaPeek(tx)?.bytesInUse ?? 0;
          for (const raw0 of cmds) {
            const raw: any = raw0;
            const cmd: any = numeric
              ? {
                  ...raw,
                  v: typeof raw.v === "number" ? raw.v : 0.5,
                  vs: raw.vs?.map((v: unknown) => (typeof v === "number" ? v : -0.25)),
                  typed: raw.vs !== undefined && raw.vs.length % 2 === 1,
                }
              : raw;
            step(cmd, m, r);
            checkObservers(m, r);
          }
          // Drain what is left and check the arena is back where it started (up to one list block).
          const rxl = r.rxs.at(-1);
          if (rxl) {
            while (m.q.length > 0) same(rxl.recv({ timeout: 0 }), m.q.shift(), "drain");
            const s = arenaPeek(rxl);
            if (s && s.bytesInUse - start > 16 * 1024) fail(`arena holds ${s.bytesInUse - start} bytes after draining`);
          }
          for (const e of [...r.txs, ...r.rxs]) e.close();
        }),
        { numRuns: runs(120) },
      );
    });
  }
});
