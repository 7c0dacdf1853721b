/**
 * One worker's share of a parallel smoothing: each phase, every interior cell of `cells` in
 * [from, to) becomes the mean of its neighbours in the previous phase's array. A phase may only
 * start once every worker has finished the previous one: that is what the Barrier is for.
 */
export default function smooth(barrier, grids, leaders, from, to, phases) {
  for (let phase = 0; phase < phases; phase++) {
    const src = grids[phase % 2], dst = grids[(phase + 1) % 2];
    for (let i = from; i < to; i++) {
      dst[i] = i === 0 || i === src.length - 1 ? src[i] : (src[i - 1] + src[i + 1]) / 2;
    }
    // Wait for everyone: after this, all of `dst` is written and may be read as the next `src`.
    const { isLeader } = barrier.wait();
    if (isLeader) Atomics.add(leaders, phase, 1); // exactly one leader per phase
  }
  return to - from;
}
