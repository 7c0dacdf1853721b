/**
 * Says it is about to receive (ctl[0] = 1), then receives up to `max` messages, counting each in
 * ctl[1] once received (decoded), then blocks until terminated (dead-peer.test.ts terminates it
 * while it decodes a large one).
 */
export default function takeOne(rx, ctl, max = Infinity) {
  const c = new Int32Array(ctl);
  Atomics.store(c, 0, 1);
  for (let i = 0; i < max; i++) {
    rx.recv();
    Atomics.add(c, 1, 1);
  }
  Atomics.wait(c, 0, 1); // nobody stores there again
}
