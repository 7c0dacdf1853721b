/**
 * Spawned by test/share/directory.test.ts with a SharedArrayBuffer argument: receives two
 * Int32Arrays (one over that buffer, one over a buffer it was never given), checks that the
 * first is the same memory as the argument, writes into both and answers what it read.
 */
export default function spawned(sab, rx, back) {
  const mine = new Int32Array(sab);
  const a = rx.recv({ timeout: 10_000 });
  const b = rx.recv({ timeout: 10_000 });
  a[1] = 7; // the parent reads it back
  b[1] = 9;
  back.send({ sameMemory: mine[1] === 7, a0: a[0], b0: b[0] });
}
