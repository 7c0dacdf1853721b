/** Sends i² for i in 0..n-1. Its Sender is closed when this function returns. */
export default function squares(tx, n) {
  for (let i = 0; i < n; i++) tx.send(i * i);
}
