/**
 * What one Atomics call costs against a plain typed-array access (behind the WAITING-bit note in
 * docs/design.md). On Node 20 (V8 11.3) Atomics.* are builtin calls, not inlined.
 *   node bench/micro/atomics-cost.mjs
 */
const a = new Int32Array(new SharedArrayBuffer(4096));
const f = new Float64Array(new SharedArrayBuffer(8192));
const N = 1e7;
function t(name, fn) { for (let r=0;r<3;r++) fn(1e6); const s=performance.now(); const x=fn(N); console.log(name, ((performance.now()-s)*1e6/N).toFixed(2), "ns", x===12345?"":"" ); }
t("plain load", n => { let s=0; for (let i=0;i<n;i++) s+=a[i&1023]; return s; });
t("Atomics.load", n => { let s=0; for (let i=0;i<n;i++) s+=Atomics.load(a, i&1023); return s; });
t("plain store", n => { for (let i=0;i<n;i++) a[i&1023]=i; return 0; });
t("Atomics.store", n => { for (let i=0;i<n;i++) Atomics.store(a, i&1023, i); return 0; });
t("Atomics.cas", n => { let s=0; for (let i=0;i<n;i++) s+=Atomics.compareExchange(a, i&1023, 5, i); return s; });
t("Atomics.add", n => { let s=0; for (let i=0;i<n;i++) s+=Atomics.add(a, i&1023, 1); return s; });
t("f64 store", n => { for (let i=0;i<n;i++) f[i&1023]=i+0.5; return 0; });
