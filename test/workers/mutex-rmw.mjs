import { work, rng, pick } from "./_util.mjs";
/**
 * Increments a Mutex-guarded counter `iters` times with a *non-atomic* read-modify-write, using
 * the acquisition style `mode` ("mixed" picks one per iteration from `seed`).
 *
 * Guarded Int32Array words: [0] counter (plain reads/writes), [1] threads inside the critical
 * section (must be 0 on entry), [2] overlaps seen.
 */
export const MODES = ["lock", "lockTimeout", "lockAsync", "withLock", "withLockAsync", "tryLock"];

export function section(v, spin) {
  if (Atomics.add(v, 1, 1) !== 0) Atomics.add(v, 2, 1);
  const x = v[0];
  work(spin);
  v[0] = x + 1;
  Atomics.sub(v, 1, 1);
}

export async function once(mutex, m, spin) {
  switch (m) {
    case "lock": {
      const g = mutex.lock();
      section(g.value, spin);
      g.unlock();
      return;
    }
    case "lockTimeout": {
      // The options path (deadline-sliced parking) with a deadline that never passes.
      const g = mutex.lock({ timeout: 60_000 });
      section(g.value, spin);
      g.unlock();
      return;
    }
    case "lockAsync": {
      const g = await mutex.lockAsync();
      section(g.value, spin);
      g.unlock();
      return;
    }
    case "withLock":
      mutex.withLock((v) => section(v, spin));
      return;
    case "withLockAsync":
      await mutex.withLockAsync(async (v) => {
        section(v, spin);
      });
      return;
    case "tryLock": {
      let g;
      for (let tries = 1; (g = mutex.tryLock()) === null; tries++) {
        if (tries % 64 === 0) await new Promise((r) => setTimeout(r, 0));
      }
      section(g.value, spin);
      g.unlock();
      return;
    }
    default:
      throw new Error(`unknown mode ${m}`);
  }
}

export default async function mutexRmw(mutex, iters, mode, seed, spin) {
  const r = rng(seed);
  for (let i = 0; i < iters; i++) {
    await once(mutex, mode === "mixed" ? MODES[pick(r, MODES.length)] : mode, spin);
  }
  return iters;
}
