import { rich } from "./rich-lib.mjs";
/** Sends rich(p, 0..count-1), cycling through send, sendAsync, trySend (with a fallback) and sendMany. */
export default async function produce(tx, p, count) {
  for (let s = 0; s < count; ) {
    switch (s % 4) {
      case 0: tx.send(rich(p, s)); s++; break;
      case 1: await tx.sendAsync(rich(p, s)); s++; break;
      case 2: try { tx.trySend(rich(p, s)); } catch { tx.send(rich(p, s)); } s++; break;
      case 3: { const batch = []; for (let j = 0; j < 3 && s < count; j++, s++) batch.push(rich(p, s)); tx.sendMany(batch); break; }
    }
  }
  return count;
}
