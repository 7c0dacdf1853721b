import { rng, pick } from "./_util.mjs";
/**
 * Hammers four atomics from one worker (`w` of them): `iters` times it adds a random k to the
 * AtomicI32 (fetchAdd / fetchSub of -k / a compareExchange loop), to the AtomicU32 (wrapping), and
 * k·2^33 to the AtomicI64; and takes the AtomicBool as a spinlock around a non-atomic increment of
 * data[0]. At the end it sets bit `w` of `flags` with fetchOr, and toggles bit `w` of `toggles`
 * twice with fetchXor. Returns the sums it added.
 */
export default function atomicOps(a, data, w, iters, seed) {
  const r = rng(seed);
  let sum = 0, big = 0n;
  for (let i = 0; i < iters; i++) {
    const k = pick(r, 1000) - 500;
    switch (pick(r, 3)) {
      case 0: a.i32.fetchAdd(k); break;
      case 1: a.i32.fetchSub(-k); break;
      default:
        for (;;) {
          const v = a.i32.load();
          if (a.i32.compareExchange(v, (v + k) | 0) === v) break;
        }
    }
    if (pick(r, 2) === 0) a.u32.fetchAdd(k >>> 0);
    else for (;;) {
      const v = a.u32.load();
      if (a.u32.compareExchange(v, (v + k) >>> 0) === v) break;
    }
    const kb = BigInt(k) << 33n;
    a.i64.fetchAdd(kb);
    sum += k;
    big += kb;
    while (a.bool.swap(true));
    data[0] = data[0] + 1;
    a.bool.store(false);
  }
  a.flags.fetchOr(1 << w);
  a.toggles.fetchXor(1 << w);
  a.toggles.fetchXor(1 << w);
  return { sum, big };
}
