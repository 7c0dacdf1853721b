/**
 * Micro-benchmark behind the "large buffers: 8-aligned" note in docs/design.md: how fast V8 copies
 * 64 KiB out of and into a SharedArrayBuffer, by the alignment of the shared side (single thread).
 *
 *   node bench/micro/shared-copy.mjs
 *
 * Seen on Node 20.20 (V8 11.3): from offsets 0 and 8 ~8 µs out (`slice`, or `new Uint8Array(n)`
 * then `set`) and ~2.6 µs in; from offsets 4 and 5, 25 µs and 19 µs — V8 copies shared memory a
 * word at a time only when both sides are 8-aligned alike, byte by byte otherwise.
 */
const B = 64 * 1024;
const sab = new SharedArrayBuffer(B * 4);
const priv = new Uint8Array(B * 2);
const cases = {};
for (const off of [0, 4, 5, 8]) {
  cases[`out slice   @${off}`] = () => new Uint8Array(sab, 4096 + off, B).slice();
  cases[`out new+set @${off}`] = () => {
    const o = new Uint8Array(B);
    o.set(new Uint8Array(sab, 4096 + off, B));
    return o;
  };
  cases[`in  set     @${off}`] = () => new Uint8Array(sab, 4096 + off, B).set(priv.subarray(0, B));
}
const res = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let r = 0; r < 5; r++) {
  for (const [k, f] of Object.entries(cases)) {
    const t = performance.now();
    for (let j = 0; j < 1000; j++) f();
    res[k].push(performance.now() - t); // ms per 1000 = µs per copy
  }
}
for (const [k, a] of Object.entries(res)) console.log(k, [...a].sort((x, y) => x - y)[2].toFixed(2), "µs per 64 KiB copy");
