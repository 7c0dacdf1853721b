/** Stage 2 (×N): receive records until the loader is done, hash each, send results on. */
import { digest } from "./work.mjs";

export default function transform(id, rx, tx, rounds, transformed) {
  let handled = 0, busyMs = 0;
  for (const record of rx) {
    const t0 = performance.now();
    const hash = digest(record, rounds);
    busyMs += performance.now() - t0;
    tx.send({ id: record.id, hash, by: id });
    handled++;
    transformed.fetchAdd(1);
  }
  return { id, handled, busyMs };
}
