/**
 * Single-thread cost of a bounded f64 channel: send+recv pairs, trySend+tryRecv pairs, and
 * sendMany/recvMany of 512 (no contention: the per-message instruction cost alone).
 *   node bench/micro/channel-single-thread.mjs [path/to/dist/index.js]
 * Run one shape per process for stable figures (V8 tiers each shape separately).
 */
const { channel, codecs } = await import(process.argv[2] ?? new URL("../../dist/index.js", import.meta.url).href);
const [tx, rx] = channel({ capacity: 1024, codec: codecs.f64 });
function round(n) {
  let s = 0;
  for (let k = 0; k < n; k += 512) {
    for (let i = 0; i < 512; i++) tx.send(i + 0.5);
    for (let i = 0; i < 512; i++) s += rx.recv();
  }
  return s;
}
function roundTry(n) {
  let s = 0;
  for (let k = 0; k < n; k += 512) {
    for (let i = 0; i < 512; i++) tx.trySend(i + 0.5);
    for (let i = 0; i < 512; i++) s += rx.tryRecv();
  }
  return s;
}
const out = new Float64Array(1024);
function roundMany(n) {
  let s = 0;
  const batch = new Array(512).fill(0).map((_, i) => i + 0.5);
  for (let k = 0; k < n; k += 512) {
    tx.sendMany(batch);
    const got = rx.recvMany(512);
    for (let i = 0; i < got.length; i++) s += got[i];
  }
  return s;
}
for (const [name, f] of [["send/recv", round], ["try", roundTry], ["many", roundMany]]) {
  for (let r = 0; r < 3; r++) f(1 << 18);
  const N = 1 << 21;
  const t = performance.now();
  f(N);
  const dt = performance.now() - t;
  console.log(name, ((dt * 1e6) / N).toFixed(1), "ns per item (send+recv)");
}
