/**
 * Says it is about to receive (ctl[0] = 1), then receives messages and counts them in ctl[1]
 * (dead-peer.test.ts terminates it while it decodes a large one).
 */
export default function takeOne(rx, ctl) {
  const c = new Int32Array(ctl);
  Atomics.store(c, 0, 1);
  for (;;) {
    rx.recv();
    Atomics.add(c, 1, 1);
  }
}
