/**
 * Micro-benchmark behind a weft performance note: typed arrays over a *growable*
 * SharedArrayBuffer (length-tracking views) versus a fixed one.
 *
 *   node bench/micro/growable-sab.mjs
 *
 * Seen on Node 20.20 (V8 11.3): `.length` ~10× and `Atomics.load` ~2.5× slower on the growable
 * buffer's view, so hot paths (weft's thread registry `isAlive`, a growable channel arena) pay
 * for it on every access. A fixed-length view made after each grow (`new Int32Array(sab, 0, n)`)
 * avoids it.
 */
const fixed = new Int32Array(new SharedArrayBuffer(4096));
const growableSab = new SharedArrayBuffer(4096, { maxByteLength: 1 << 24 });
const growable = new Int32Array(growableSab);
const fixedViewOfGrowable = new Int32Array(growableSab, 0, 1024);

// One function per array kind, so each call site stays monomorphic.
const make = () => ({
  length: (w, s) => 4 + 2 * s >= w.length,
  "Atomics.load": (w, s) => Atomics.load(w, 4 + 2 * s) !== 2,
  "index []": (w, s) => w[4 + 2 * s] !== 2,
});
const N = 10_000_000;
for (const [kind, w] of [["fixed SAB", fixed], ["growable SAB", growable], ["fixed view of growable", fixedViewOfGrowable]]) {
  for (const [op, f] of Object.entries(make())) {
    let c = 0;
    for (let i = 0; i < N; i++) if (f(w, i & 127)) c++; // warm up
    const t0 = performance.now();
    for (let i = 0; i < N; i++) if (f(w, i & 127)) c++;
    console.log(`${kind.padEnd(23)} ${op.padEnd(13)} ${(((performance.now() - t0) / N) * 1e6).toFixed(1)} ns/call`);
  }
}
