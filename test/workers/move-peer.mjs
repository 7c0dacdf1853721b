/**
 * Worker peer of the move tests. `sum`: receives until disconnected and reports, per message, its
 * id and the digest of what arrived. `forward`: moves every message on to `back` with
 * `send(back, msg)` (a move made in a worker) and reports whether its own copy was left detached.
 */
import { send } from "../../dist/index.js";
import { buffersOf, digest } from "./move-lib.mjs";

export default function (mode, rx, back) {
  const out = [];
  try {
    for (const msg of rx) {
      if (mode === "sum") {
        const d = digest(msg.body);
        out.push([msg.id, d.sum, d.bytes]);
      } else {
        const owned = [...buffersOf(msg.body)];
        const hadBytes = owned.some((b) => b.byteLength > 0);
        send(back, msg);
        out.push([msg.id, hadBytes && owned.every((b) => b.byteLength === 0) ? 1 : hadBytes ? 0 : -1]);
      }
    }
  } finally {
    rx.close();
    back?.close();
  }
  return out;
}
