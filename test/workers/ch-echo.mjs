/** Sends back every message received on `rx` over `tx` until `rx` disconnects; returns the count. */
export default function (rx, tx) {
  let n = 0;
  try {
    for (const v of rx) {
      tx.send(v);
      n++;
    }
  } finally {
    rx.close();
    tx.close();
  }
  return n;
}
