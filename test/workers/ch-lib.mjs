/**
 * Shared by channel tests and their workers (ch-*.mjs): how a test message names its producer and
 * sequence number, how its payload is derived from them (so a receiver can tell a corrupted message
 * from a good one), and the produce / consume loops, one per API flavour.
 */
import { RecvError, TrySendError, codecs, select, selectAsync, sendArm } from "../../dist/index.js";

/** Producer index and sequence number fit a 32-bit integer: p · 2^20 + s. */
export const SEQ_BITS = 20;
const PAD_CHARS = ["a", "é", "ж", "😀"];

/** Payload length of message (p, s): one of `sizes`, cycling. */
export const padLen = (p, s, sizes) => (sizes.length === 0 ? 0 : sizes[(p * 7 + s) % sizes.length]);

/** Deterministic padding: Latin-1, then UTF-16, then surrogate pairs, depending on (p, s). */
export function padFor(p, s, sizes) {
  const n = padLen(p, s, sizes);
  const ch = PAD_CHARS[(p + s) % PAD_CHARS.length];
  return ch.repeat(Math.ceil(n / ch.length)).slice(0, n);
}

/** The message for (p, s) in codec `codec` ("structured", "json", "bytes", "f64", "i32", …). */
export function makeMsg(codec, p, s, sizes) {
  switch (codec) {
    case "structured":
      return (s & 1) === 0 ? { p, s, pad: padFor(p, s, sizes) } : [p, s, padFor(p, s, sizes), new Map([[s, p]])];
    case "json":
      return { p, s, pad: padFor(p, s, sizes) };
    case "bytes": {
      const n = Math.max(8, padLen(p, s, sizes));
      const b = new Uint8Array(n);
      new DataView(b.buffer).setInt32(0, p, true);
      new DataView(b.buffer).setInt32(4, s, true);
      for (let i = 8; i < n; i++) b[i] = (p * 31 + s + i) & 0xff;
      return b;
    }
    case "i64":
    case "u64":
      return BigInt(p * 2 ** SEQ_BITS + s);
    default:
      return p * 2 ** SEQ_BITS + s;
  }
}

/** Decodes a received message into [p, s], or null if it is malformed / corrupted. */
export function readMsg(codec, m, sizes) {
  let p, s;
  switch (codec) {
    case "structured":
    case "json": {
      if (Array.isArray(m)) {
        [p, s] = m;
        if (!Number.isInteger(p) || !Number.isInteger(s)) return null;
        if (m.length !== 4 || !(m[3] instanceof Map) || m[3].get(s) !== p) return null;
        if (m[2] !== padFor(p, s, sizes)) return null;
      } else {
        if (m === null || typeof m !== "object") return null;
        ({ p, s } = m);
        if (!Number.isInteger(p) || !Number.isInteger(s) || m.pad !== padFor(p, s, sizes)) return null;
      }
      break;
    }
    case "bytes": {
      if (!(m instanceof Uint8Array) || m.length < 8) return null;
      const dv = new DataView(m.buffer, m.byteOffset, m.byteLength);
      p = dv.getInt32(0, true);
      s = dv.getInt32(4, true);
      if (m.length !== Math.max(8, padLen(p, s, sizes))) return null;
      for (let i = 8; i < m.length; i++) if (m[i] !== ((p * 31 + s + i) & 0xff)) return null;
      break;
    }
    case "i64":
    case "u64":
      if (typeof m !== "bigint") return null;
      m = Number(m);
    // fall through
    default:
      if (typeof m !== "number" || !Number.isInteger(m)) return null;
      p = Math.floor(m / 2 ** SEQ_BITS);
      s = m % 2 ** SEQ_BITS;
  }
  if (!Number.isInteger(p) || !Number.isInteger(s) || p < 0 || s < 0) return null;
  return [p, s];
}

/** Looks a codec up by name ("structured" → codecs.structured). */
export const codecOf = (name) => codecs[name];

/** Whether codec `name` is numeric (fixed-size: recvInto and typed sendMany apply). */
export const isNumericCodec = (name) => (codecs[name]?.fixedBytes ?? 0) > 0;

/**
 * Sends messages (id, 0..count-1) on `tx` in `mode`, then closes `tx` (also on failure, so
 * consumers are not left waiting on a producer that died).
 * Modes: send · sendMany · sendManyTyped (numeric codecs) · sendAsync · trySend (falls back to send
 * when full) · select · selectAsync.
 */
export async function produce(tx, { id, count, mode, batch = 1, sizes = [], codec = "structured" }) {
  try {
    const msg = (s) => makeMsg(codec, id, s, sizes);
    if (mode === "sendMany") {
      for (let s = 0; s < count; s += batch) {
        const vs = [];
        for (let k = s; k < Math.min(count, s + batch); k++) vs.push(msg(k));
        tx.sendMany(vs);
      }
      return count;
    }
    if (mode === "sendManyTyped") {
      // A typed array of the codec's own type (numeric codecs): copied in run by run.
      const View = codecOf(codec).view;
      for (let s = 0; s < count; s += batch) {
        const vs = new View(Math.min(count, s + batch) - s);
        for (let k = 0; k < vs.length; k++) vs[k] = msg(s + k);
        tx.sendMany(vs);
      }
      return count;
    }
    for (let s = 0; s < count; s++) {
      const m = msg(s);
      switch (mode) {
        case "send":
          tx.send(m);
          break;
        case "sendAsync":
          await tx.sendAsync(m);
          break;
        case "trySend":
          try {
            tx.trySend(m);
          } catch (e) {
            if (!(e instanceof TrySendError) || e.kind !== "full") throw e;
            tx.send(m);
          }
          break;
        case "select":
        case "selectAsync": {
          const r = mode === "select" ? select([sendArm(tx, m)]) : await selectAsync([sendArm(tx, m)]);
          if (r.index !== 0 || r.kind !== "send" || r.error !== undefined) throw new Error(`select send: ${JSON.stringify(r)}`);
          break;
        }
        default:
          throw new Error(`unknown produce mode ${mode}`);
      }
    }
    return count;
  } finally {
    tx.close();
  }
}

/**
 * Receives until the channel is disconnected and drained (or `limit` messages arrived), in
 * `mode`; returns the history as an
 * Int32Array of (p, s) pairs in arrival order, and the number of malformed messages.
 * Modes: recv · recvMany · recvInto / recvIntoAsync (numeric codecs) · iter · tryRecv (falls back
 * to recv) · select · recvAsync · forAwait · recvManyAsync · selectAsync.
 */
export async function consume(rx, { mode, batch = 1, sizes = [], codec = "structured", limit = Infinity }) {
  const seen = [];
  let bad = 0;
  let sample;
  const full = () => seen.length / 2 + bad >= limit;
  const take = (m) => {
    const ps = readMsg(codec, m, sizes);
    if (ps === null) {
      bad++;
      sample ??= String(m).slice(0, 200);
    } else seen.push(ps[0], ps[1]);
    if (full()) throw LIMIT;
  };
  const ended = (e) => {
    if (e instanceof RecvError) return true;
    throw e;
  };
  try {
    if (full()) throw LIMIT;
    switch (mode) {
      case "recv":
        for (;;) {
          let m;
          try {
            m = rx.recv();
          } catch (e) {
            if (ended(e)) break;
          }
          take(m);
        }
        break;
      case "recvMany":
      case "recvManyAsync":
        for (;;) {
          let ms;
          try {
            ms = mode === "recvMany" ? rx.recvMany(batch) : await rx.recvManyAsync(batch);
          } catch (e) {
            if (ended(e)) break;
          }
          if (ms.length < 1 || ms.length > batch) throw new Error(`recvMany(${batch}) returned ${ms.length} messages`);
          for (const m of ms) take(m);
        }
        break;
      case "recvInto":
      case "recvIntoAsync": {
        // Into a typed array of the codec's own type (numeric codecs), `batch` long.
        const buf = new (codecOf(codec).view)(batch);
        for (;;) {
          let n;
          try {
            n = mode === "recvInto" ? rx.recvInto(buf) : await rx.recvIntoAsync(buf);
          } catch (e) {
            if (ended(e)) break;
          }
          if (!(n >= 1 && n <= batch)) throw new Error(`recvInto(${batch}-element target) returned ${n}`);
          for (let k = 0; k < n; k++) take(buf[k]);
        }
        break;
      }
      case "iter":
        for (const m of rx) take(m);
        break;
      case "forAwait":
        for await (const m of rx) take(m);
        break;
      case "recvAsync":
        for (;;) {
          let m;
          try {
            m = await rx.recvAsync();
          } catch (e) {
            if (ended(e)) break;
          }
          take(m);
        }
        break;
      case "tryRecv":
        for (;;) {
          let m;
          try {
            m = rx.tryRecv();
          } catch (e) {
            if (e?.name !== "TryRecvError") throw e;
            if (e.kind === "disconnected") break;
            try {
              m = rx.recv();
            } catch (e2) {
              if (ended(e2)) break;
            }
          }
          take(m);
        }
        break;
      case "select":
      case "selectAsync":
        for (;;) {
          const r = mode === "select" ? select([rx]) : await selectAsync([rx]);
          if (r.index !== 0 || r.kind !== "recv") throw new Error(`select recv: ${JSON.stringify(r)}`);
          if (r.error !== undefined) {
            if (ended(r.error)) break;
          }
          take(r.value);
        }
        break;
      default:
        throw new Error(`unknown consume mode ${mode}`);
    }
  } catch (e) {
    if (e !== LIMIT) throw e;
  } finally {
    rx.close();
  }
  return { seen: Int32Array.from(seen), bad, sample };
}

const LIMIT = Symbol("limit reached");

/** Blocks this thread for `ms` milliseconds (workers only). */
export function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
