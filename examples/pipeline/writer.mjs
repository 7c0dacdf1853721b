/** Stage 3: receive every result and check each item arrived exactly once, with the right hash. */
import { digest } from "./work.mjs";

export default function writer(rx, items, rounds, written) {
  const t0 = performance.now();
  const seen = new Uint8Array(items);
  const problems = [];
  let received = 0;
  for (const r of rx) {
    received++;
    written.fetchAdd(1);
    if (!(r.id >= 0 && r.id < items)) problems.push(`unknown item ${r.id}`);
    else if (seen[r.id]++ !== 0) problems.push(`item ${r.id} arrived twice`);
    // Spot-check one result in 64 against a fresh computation.
    if (r.id % 64 === 0 && digest({ id: r.id, name: `item-${r.id}` }, rounds) !== r.hash) problems.push(`item ${r.id} has a wrong hash`);
  }
  const missing = seen.indexOf(0);
  if (missing !== -1) problems.push(`item ${missing} never arrived`);
  return { received, problems, ms: performance.now() - t0 };
}
