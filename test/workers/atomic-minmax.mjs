import { rng, pick } from "./_util.mjs";
/**
 * `iters` times: fetchMax and fetchMin of a random value on an AtomicI32, an AtomicU32 and an
 * AtomicI64 each, fetchNand(-1) on a second AtomicI32, and a fetchUpdate that adds 1 (declining
 * every third call) on a third.
 * Returns the extremes it offered, so the test knows what every atomic must end at.
 */
export default function atomicMinMax(a, iters, seed) {
  const r = rng(seed);
  let hi = -Infinity, lo = Infinity, uhi = 0, ulo = 0xffffffff, bhi = -(1n << 63n), blo = (1n << 63n) - 1n;
  for (let i = 0; i < iters; i++) {
    const v = (pick(r, 0x10000) << 16) | pick(r, 0x10000); // any int32
    a.max.fetchMax(v);
    a.min.fetchMin(v);
    hi = Math.max(hi, v);
    lo = Math.min(lo, v);
    const u = v >>> 0;
    a.umax.fetchMax(u);
    a.umin.fetchMin(u);
    uhi = Math.max(uhi, u);
    ulo = Math.min(ulo, u);
    const b = BigInt(v) << 31n;
    a.bmax.fetchMax(b);
    a.bmin.fetchMin(b);
    if (b > bhi) bhi = b;
    if (b < blo) blo = b;
    a.nand.fetchNand(-1); // nand with all ones: a bitwise not; an even total count leaves it as it was
    // fetchUpdate: +1 wrapping, and every third call declines (stores nothing)
    a.upd.fetchUpdate((x) => (i % 3 === 2 ? undefined : (x + 1) | 0));
  }
  return { hi, lo, uhi, ulo, bhi, blo };
}
