/**
 * A/B of the two ways to detach a moved ArrayBuffer on Node 20 (no ArrayBuffer.prototype.transfer):
 * structuredClone(b, { transfer: [b] }) against posting it to a MessagePort whose peer is closed
 * (src/share/transfer.ts uses the port). One thread, rounds interleaved, medians.
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
