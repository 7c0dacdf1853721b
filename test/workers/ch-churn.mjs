/**
 * Sends or receives on a bounded f64 channel until terminated (dead-peer.test.ts terminates it at
 * a random moment, often in the middle of a reservation). `ctl[0]` counts calls made (updated
 * every 16th call: the loop should be nearly all channel calls).
 *
 * role: "send" (values 0, 1, 2, … one per send) · "sendMany" (batches of 1–5 of the same sequence)
 *     · "recv" · "recvMany" (batches of up to 5)
 */
export default function churn(end, ctl, role) {
  const c = new Int32Array(ctl);
  for (let i = 0, k = 1; ; k++) {
    if (role === "send") end.send(i++);
    else if (role === "sendMany") {
      const n = 1 + (k % 5);
      const batch = [];
      for (let j = 0; j < n; j++) batch.push(i++);
      end.sendMany(batch);
    } else if (role === "recv") end.recv();
    else end.recvMany(5);
    if ((k & 15) === 0) Atomics.store(c, 0, k);
  }
}
