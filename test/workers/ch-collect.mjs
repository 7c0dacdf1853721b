/** Receives until the channel is disconnected and drained; returns every message in arrival order. */
export default function collect(rx) {
  const out = [];
  for (const v of rx) out.push(v);
  return out;
}
