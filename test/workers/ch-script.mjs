/**
 * Runs a list of channel operations on named ends and records what each did, so a test can
 * script one side of a two-thread scenario (crossbeam's and Rust's tests are mostly that) and
 * assert on the log afterwards.
 *
 * A step is [op, ...args]; ends[name] is a Sender, a Receiver or an Int32Array of flags.
 *   ["send" | "sendAsync", name, value, opts?]    ["trySend", name, value]
 *   ["sendMany", name, values, opts?]
 *   ["recv" | "recvAsync", name, opts?]           ["tryRecv", name]    ["recvMany", name, max, opts?]
 *   ["select", [name | ["send", name, value], …], opts?]
 *   ["close", name]   ["len", name]   ["sleep", ms]
 *   ["set", flags, index, value]   ["waitFor", flags, index, value]   (flags: Int32Array over a SAB)
 *   ["drain", name]   receive until disconnected, log the values
 * Each log entry is { ok: value } or { err: name, kind?, value? }.
 */
import { select, sendArm } from "../../dist/index.js";
import { sleep } from "./ch-lib.mjs";

const describeErr = (e) => {
  const out = { err: e?.name ?? String(e) };
  if (e && typeof e === "object") {
    if ("kind" in e) out.kind = e.kind;
    if ("value" in e) out.value = e.value;
    if (e.name === "Error" || e.name === "TypeError") out.message = e.message;
  }
  return out;
};

export async function runScript(ends, steps) {
  const log = [];
  for (const [op, ...a] of steps) {
    try {
      let v;
      switch (op) {
        case "send": v = ends[a[0]].send(a[1], a[2]); break;
        case "sendAsync": v = await ends[a[0]].sendAsync(a[1], a[2]); break;
        case "trySend": v = ends[a[0]].trySend(a[1]); break;
        case "sendMany": v = ends[a[0]].sendMany(a[1], a[2]); break;
        case "recv": v = ends[a[0]].recv(a[1]); break;
        case "recvAsync": v = await ends[a[0]].recvAsync(a[1]); break;
        case "tryRecv": v = ends[a[0]].tryRecv(); break;
        case "recvMany": v = ends[a[0]].recvMany(a[1], a[2]); break;
        case "close": v = ends[a[0]].close(); break;
        case "len": v = ends[a[0]].len; break;
        case "sleep": sleep(a[0]); break;
        case "set": Atomics.store(ends[a[0]], a[1], a[2]); Atomics.notify(ends[a[0]], a[1]); break;
        case "waitFor": {
          const f = ends[a[0]];
          const t0 = performance.now();
          while (Atomics.load(f, a[1]) !== a[2]) {
            if (performance.now() - t0 > 20_000) throw new Error(`waitFor flag ${a[1]} = ${a[2]} timed out`);
            Atomics.wait(f, a[1], Atomics.load(f, a[1]), 50);
          }
          break;
        }
        case "drain": v = [...ends[a[0]]]; break;
        case "select": {
          const arms = a[0].map((x) => (typeof x === "string" ? ends[x] : sendArm(ends[x[1]], x[2])));
          const r = select(arms, a[1]);
          v = { index: r.index, kind: r.kind, value: r.value, error: r.error?.name };
          break;
        }
        default:
          throw new Error(`unknown step ${op}`);
      }
      log.push({ ok: v });
    } catch (e) {
      log.push(describeErr(e));
    }
  }
  return log;
}

/** Runs `steps` on `ends`, then closes every channel end it was given that is still open. */
export default async function (ends, steps) {
  try {
    return await runScript(ends, steps);
  } finally {
    for (const e of Object.values(ends)) if (typeof e?.close === "function") e.close();
  }
}
