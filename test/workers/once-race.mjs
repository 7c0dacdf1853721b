import { work, nap } from "./_util.mjs";
/**
 * Races `Once` calls: waits at the start line (ctl[0] counts runners ready, ctl[1] is the gun),
 * then calls the Once in the style `mode`. The function counts its runs in ctl[2], works a while,
 * and sets ctl[3] when done. Returns whether the function had finished by the time this call
 * returned (it must have).
 */
export default async function onceRace(once, ctl, mode, spin, napMs) {
  Atomics.add(ctl, 0, 1);
  while (Atomics.load(ctl, 1) === 0) Atomics.wait(ctl, 1, 0, 50);
  const fn = () => {
    Atomics.add(ctl, 2, 1);
    work(spin);
    if (napMs > 0) nap(napMs);
    Atomics.store(ctl, 3, 1);
  };
  switch (mode) {
    case "callOnce": once.callOnce(fn); break;
    case "callOnceTimeout": once.callOnce(fn, { timeout: 60_000 }); break;
    case "callOnceForce": once.callOnceForce(() => fn()); break;
    case "callOnceAsync":
      await once.callOnceAsync(async () => {
        await new Promise((r) => setTimeout(r, 0));
        fn();
      });
      break;
    default: throw new Error(`unknown mode ${mode}`);
  }
  return Atomics.load(ctl, 3) === 1;
}
