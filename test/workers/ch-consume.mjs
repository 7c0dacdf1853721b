import { consume } from "./ch-lib.mjs";
/** Receives until disconnected and drained; returns the (producer, seq) history. */
export default function (rx, cfg) {
  return consume(rx, cfg);
}
