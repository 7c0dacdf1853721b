/**
 * A/B of the two ways to detach a moved ArrayBuffer on Node 20 (no ArrayBuffer.prototype.transfer):
 * structuredClone(b, { transfer: [b] }) against posting it to a MessagePort whose peer is closed.
 * One thread, rounds interleaved, medians. The port wins here (0.6 vs 2.3 µs per 64-byte buffer)
 * but lost end to end — a worker moving 64 KiB frames (`npm run bench -- move-64k`) was 3.5–5× a
 * copy with it, 0.5–1.2× with structuredClone — so src/share/transfer.ts uses structuredClone.
 *   node bench/micro/detach-ab.mjs [bytes]
 */
const size = +(process.argv[2] ?? 64);
const N = 20000;
const { port1, port2 } = new MessageChannel(); port2.close(); port1.unref();
await new Promise((r) => setTimeout(r, 20));
const impls = {
  clone: (b) => structuredClone(b, { transfer: [b] }),
  port: (b) => port1.postMessage(null, [b]),
  none: (b) => b,
};
const samples = { clone: [], port: [], none: [] };
for (let round = 0; round < 15; round++) {
  for (const [name, f] of Object.entries(impls)) {
    const bufs = Array.from({ length: N }, () => new ArrayBuffer(size));
    const t = performance.now();
    for (let i = 0; i < N; i++) f(bufs[i]);
    samples[name].push(((performance.now() - t) * 1000) / N);
    if (name !== "none" && bufs[3].byteLength !== 0) throw new Error("not detached");
  }
}
const med = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
for (const k of Object.keys(samples)) console.log(size, k, med(samples[k]).toFixed(2), "µs");
