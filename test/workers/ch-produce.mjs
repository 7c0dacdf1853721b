import { produce } from "./ch-lib.mjs";
/** Sends cfg.count messages identified by (cfg.id, seq) in cfg.mode, then closes tx. */
export default function (tx, cfg) {
  return produce(tx, cfg);
}
