/** Sends `count` messages `{ from, i }`, one every `everyMs` milliseconds. */
export default async function ticker(tx, from, count, everyMs) {
  for (let i = 0; i < count; i++) {
    await new Promise((r) => setTimeout(r, everyMs));
    await tx.sendAsync({ from, i });
  }
}
