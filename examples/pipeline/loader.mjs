/** Stage 1: generate records (no network: made up here) and send them down the bounded channel. */
export default function loader(tx, items, loaded) {
  const t0 = performance.now();
  for (let id = 0; id < items; id++) {
    tx.send({ id, name: `item-${id}`, tags: ["demo", id % 2 ? "odd" : "even"], at: new Date(1_700_000_000_000 + id) });
    loaded.fetchAdd(1);
  }
  return { sent: items, ms: performance.now() - t0 };
}
