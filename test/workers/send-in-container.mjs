/**
 * Spawned with (holder, v): finds the Sender inside `holder` — a Map's value, a Set's member, an
 * array's `tx` property or an Error's cause — sends `v` on it and returns what it found (the end is the task's: closed
 * when the worker ends).
 */
export default function sendInContainer(holder, v) {
  const tx = holder instanceof Map ? holder.get("tx") : holder instanceof Set ? [...holder][0] : Array.isArray(holder) ? holder.tx : holder.cause;
  tx.send(v);
  return { holder: holder.constructor.name, end: tx.constructor.name };
}
