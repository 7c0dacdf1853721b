import { work, nap, rng, pick } from "./_util.mjs";
/**
 * Races on a series of Onces. For each `onces[j]` the `n` racers meet at a start line
 * (ctl[3j] counts arrivals; they spin there so that they leave together), then call it in the
 * style `mode` ("mixed": a random style per race). The function counts its runs in ctl[3j+1],
 * works a while and sets ctl[3j+2] when done. Returns how many calls returned before the
 * function had finished (there must be none).
 */
const MODES = ["callOnce", "callOnceTimeout", "callOnceForce", "callOnceAsync"];

function startLine(ctl, i, n) {
  Atomics.add(ctl, i, 1);
  for (let spins = 0; ; spins++) {
    const here = Atomics.load(ctl, i);
    if (here >= n) return;
    if (spins > 100_000) Atomics.wait(ctl, i, here, 1);
  }
}

export default async function onceRace(onces, ctl, n, mode, spin, napMs, seed) {
  const r = rng(seed);
  let early = 0;
  for (let j = 0; j < onces.length; j++) {
    const once = onces[j];
    const fn = () => {
      Atomics.add(ctl, 3 * j + 1, 1);
      work(spin);
      if (napMs > 0) nap(napMs);
      Atomics.store(ctl, 3 * j + 2, 1);
    };
    startLine(ctl, 3 * j, n);
    const m = mode === "mixed" ? MODES[pick(r, MODES.length)] : mode;
    switch (m) {
      case "callOnce": once.callOnce(fn); break;
      case "callOnceTimeout": once.callOnce(fn, { timeout: 60_000 }); break;
      case "callOnceForce": once.callOnceForce(() => fn()); break;
      case "callOnceAsync":
        await once.callOnceAsync(async () => {
          await new Promise((res) => setTimeout(res, 0));
          fn();
        });
        break;
      default: throw new Error(`unknown mode ${m}`);
    }
    if (Atomics.load(ctl, 3 * j + 2) !== 1) early++;
  }
  return early;
}
