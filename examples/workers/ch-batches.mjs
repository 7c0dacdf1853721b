/** Sends 0…n-1 in batches of 1024 from one reused Float64Array. Its Sender closes when this returns. */
export default function batches(tx, n) {
  const buf = new Float64Array(1024);
  for (let b = 0; b < n; b += buf.length) {
    const len = Math.min(buf.length, n - b);
    for (let i = 0; i < len; i++) buf[i] = b + i;
    tx.sendMany(len === buf.length ? buf : buf.subarray(0, len)); // copied in before sendMany returns
  }
}
