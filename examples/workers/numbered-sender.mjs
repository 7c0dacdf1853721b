/** Sends `base`, `base + 1`, `base + 2`, … on `tx` until terminated (examples/dead-worker-channel.mjs). */
export default function numberedSender(tx, base) {
  for (let i = 0; ; i++) tx.send(base + i);
}
