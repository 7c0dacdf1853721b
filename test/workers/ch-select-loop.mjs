/**
 * Select-driven loops over several channels.
 *
 * default(ends, cfg) with cfg.mode:
 *   "recv"  — select (or selectAsync) over every receiver in ends.rxs until all are disconnected
 *             (or, with cfg.quota, until quota[k] messages came from channel k); returns one
 *             (producer, seq) history per channel (see ch-lib consume).
 *   "send"  — cfg.counts[k] messages (producer cfg.id) into ends.txs[k], all through one select of
 *             send arms; a channel whose quota is done leaves the arm list (Go's TestSelectStress).
 *   "hits"  — cfg.count selects over ends.rxs (duplicates allowed); returns how often each arm won.
 *   "self"  — Go's TestSelfSelect: cfg.count selects of [send(tx, id), recv(rx)] on one channel
 *             (order flipped on odd rounds for id 1); returns the values received.
 */
import { RecvError, select, selectAsync, sendArm } from "../../dist/index.js";
import { makeMsg, readMsg } from "./ch-lib.mjs";

export default async function (ends, cfg) {
  const { mode, codec = "structured", sizes = [] } = cfg;
  const sel = cfg.async ? selectAsync : select;
  try {
    if (mode === "recv") {
      const rxs = ends.rxs;
      const quota = cfg.quota;
      const live = rxs.map((_, i) => i).filter((k) => quota === undefined || quota[k] > 0);
      const seen = rxs.map(() => []);
      const bad = rxs.map(() => 0);
      while (live.length > 0) {
        const r = await sel(live.map((i) => rxs[i]));
        const k = live[r.index];
        if (r.kind !== "recv") throw new Error(`select returned ${JSON.stringify(r)}`);
        if (r.error !== undefined) {
          if (!(r.error instanceof RecvError)) throw r.error;
          live.splice(r.index, 1);
          continue;
        }
        const ps = readMsg(codec, r.value, sizes);
        if (ps === null) bad[k]++;
        else seen[k].push(ps[0], ps[1]);
        if (quota !== undefined && seen[k].length / 2 + bad[k] === quota[k]) live.splice(r.index, 1);
      }
      return seen.map((s, k) => ({ seen: Int32Array.from(s), bad: bad[k] }));
    }
    if (mode === "send") {
      const txs = ends.txs;
      const n = txs.map(() => 0);
      const live = txs.map((_, i) => i);
      while (live.length > 0) {
        const arms = live.map((k) => sendArm(txs[k], makeMsg(codec, cfg.id, n[k], sizes)));
        const r = await sel(arms);
        const k = live[r.index];
        if (r.kind !== "send" || r.error !== undefined) throw r.error ?? new Error(`select returned ${JSON.stringify(r)}`);
        if (++n[k] === cfg.counts[k]) live.splice(r.index, 1);
        for (let j = live.length - 1; j >= 0; j--) if (cfg.counts[live[j]] === 0) live.splice(j, 1);
      }
      return n;
    }
    if (mode === "hits") {
      const hits = ends.rxs.map(() => 0);
      for (let i = 0; i < cfg.count; i++) {
        const r = await sel(ends.rxs);
        if (r.error !== undefined) throw r.error;
        hits[r.index]++;
      }
      return hits;
    }
    if (mode === "self") {
      const got = [];
      for (let i = 0; i < cfg.count; i++) {
        const flip = cfg.id === 1 && i % 2 === 1;
        const arms = flip ? [ends.rx, sendArm(ends.tx, cfg.id)] : [sendArm(ends.tx, cfg.id), ends.rx];
        const r = await sel(arms);
        if (r.error !== undefined) throw r.error;
        if (r.kind === "recv") got.push(r.value);
      }
      return got;
    }
    throw new Error(`unknown mode ${mode}`);
  } finally {
    for (const e of [...(ends.rxs ?? []), ...(ends.txs ?? []), ends.rx, ends.tx]) e?.close();
  }
}
