/** Sends `n` records with a Map and a Date inside (the structured codec keeps both), slowly. */
export default async function records(tx, n) {
  for (let id = 0; id < n; id++) {
    tx.send({ id, at: new Date(), tags: new Map([["even", id % 2 === 0]]) });
    if (id % 20 === 0) await new Promise((r) => setTimeout(r, 10));
  }
}
