/**
 * Loops from crossbeam-channel's tests/{array,list,zero}.rs that need a thread of their own.
 *   "linearizable": cfg.count × (send(0); tryRecv() must succeed) — returns the failures.
 *   "stress_iter":  the requesting side of stress_iter — drain responses without blocking, add
 *                   them up until cfg.count, otherwise send (or, cfg.trySend, try to send) a
 *                   request. Returns the total.
 *   "ping":         cfg.count round trips: send i on ends.tx, expect i back on ends.rx (with
 *                   select when cfg.select). Returns the number of rounds.
 *   "len":          cfg.count receives of 0..count-1, checking 0 ≤ len ≤ cfg.cap after each;
 *                   returns the list of violations.
 */
import { TryRecvError, select, sendArm } from "../../dist/index.js";

export default function (ends, cfg) {
  try {
    if (cfg.mode === "linearizable") {
      let failures = 0;
      for (let i = 0; i < cfg.count; i++) {
        ends.tx.send(0);
        try {
          ends.rx.tryRecv();
        } catch (e) {
          if (!(e instanceof TryRecvError)) throw e;
          failures++;
        }
      }
      return failures;
    }
    if (cfg.mode === "stress_iter") {
      let count = 0;
      for (;;) {
        for (;;) {
          let x;
          try {
            x = ends.responses.tryRecv();
          } catch (e) {
            if (!(e instanceof TryRecvError)) throw e;
            break;
          }
          count += x;
          if (count === cfg.count) return count;
        }
        if (cfg.trySend) {
          try {
            ends.requests.trySend(0);
          } catch {
            /* full: nobody waiting yet */
          }
        } else ends.requests.send(0);
      }
    }
    if (cfg.mode === "ping") {
      for (let i = 0; i < cfg.count; i++) {
        if (cfg.select) select([sendArm(ends.tx, i)]);
        else ends.tx.send(i);
        const back = cfg.select ? select([ends.rx]).value : ends.rx.recv();
        if (back !== i) throw new Error(`ping ${i}: got ${back} back`);
      }
      return cfg.count;
    }
    if (cfg.mode === "len") {
      const bad = [];
      for (let i = 0; i < cfg.count; i++) {
        const v = ends.rx.recv();
        if (v !== i) bad.push(`got ${v}, expected ${i}`);
        const len = ends.rx.len;
        if (!(len >= 0 && len <= cfg.cap)) bad.push(`len ${len} after ${i}`);
      }
      return bad;
    }
    throw new Error(`unknown mode ${cfg.mode}`);
  } finally {
    for (const e of Object.values(ends)) e?.close?.();
  }
}
