import { work, rng, pick } from "./_util.mjs";
/**
 * Readers and writers on one RwLock, checking exclusion from inside every section.
 *
 * Guarded Int32Array: [0] write counter (non-atomic ++ under the write lock), [1] A, [2] B — a
 * writer sets A, works, sets B to the same value; a reader must always see A === B.
 * `stats` (plain shared Int32Array, not guarded):
 *   [0] readers inside  [1] writers inside  [2] violations  [3] reads done  [4] most readers seen together
 */
const READ_MODES = ["read", "readTimeout", "readAsync", "withRead", "tryRead", "nestedRead"];
const WRITE_MODES = ["write", "writeTimeout", "writeAsync", "withWrite", "tryWrite"];

function readSection(v, stats, spin) {
  const inside = Atomics.add(stats, 0, 1) + 1;
  if (Atomics.load(stats, 1) !== 0) Atomics.add(stats, 2, 1);
  for (let seen = Atomics.load(stats, 4); inside > seen; seen = Atomics.load(stats, 4)) {
    if (Atomics.compareExchange(stats, 4, seen, inside) === seen) break;
  }
  const a = v[1];
  work(spin);
  if (v[2] !== a) Atomics.add(stats, 2, 1);
  Atomics.add(stats, 3, 1);
  Atomics.sub(stats, 0, 1);
}

function writeSection(v, stats, spin) {
  if (Atomics.add(stats, 1, 1) !== 0) Atomics.add(stats, 2, 1);
  if (Atomics.load(stats, 0) !== 0) Atomics.add(stats, 2, 1);
  const n = v[0] + 1;
  v[1] = n;
  work(spin);
  v[2] = n;
  v[0] = n;
  Atomics.sub(stats, 1, 1);
}

const yieldNow = () => new Promise((r) => setTimeout(r, 0));

async function readOnce(lock, stats, m, spin) {
  switch (m) {
    case "read": { const g = lock.read(); readSection(g.value, stats, spin); g.unlock(); return; }
    case "readTimeout": { const g = lock.read({ timeout: 60_000 }); readSection(g.value, stats, spin); g.unlock(); return; }
    case "readAsync": { const g = await lock.readAsync(); readSection(g.value, stats, spin); g.unlock(); return; }
    case "withRead": lock.withRead((v) => readSection(v, stats, spin)); return;
    case "tryRead": {
      let g;
      for (let t = 1; (g = lock.tryRead()) === null; t++) if (t % 64 === 0) await yieldNow();
      readSection(g.value, stats, spin);
      g.unlock();
      return;
    }
    case "nestedRead": {
      // A thread holding a read lock may take another even while a writer waits.
      const g1 = lock.read();
      const g2 = lock.read({ timeout: 60_000 });
      readSection(g2.value, stats, spin);
      g2.unlock();
      g1.unlock();
      return;
    }
  }
  throw new Error(`unknown read mode ${m}`);
}

async function writeOnce(lock, stats, m, spin) {
  switch (m) {
    case "write": { const g = lock.write(); writeSection(g.value, stats, spin); g.unlock(); return; }
    case "writeTimeout": { const g = lock.write({ timeout: 60_000 }); writeSection(g.value, stats, spin); g.unlock(); return; }
    case "writeAsync": { const g = await lock.writeAsync(); writeSection(g.value, stats, spin); g.unlock(); return; }
    case "withWrite": lock.withWrite((v) => writeSection(v, stats, spin)); return;
    case "tryWrite": {
      let g;
      for (let t = 1; (g = lock.tryWrite()) === null; t++) if (t % 64 === 0) await yieldNow();
      writeSection(g.value, stats, spin);
      g.unlock();
      return;
    }
  }
  throw new Error(`unknown write mode ${m}`);
}

/** Does `iters` sections; each is a write with probability `writeRatio` (0..1). Returns writes done. */
export default async function rwlockMix(lock, stats, iters, writeRatio, seed, spin, modes) {
  const r = rng(seed);
  let writes = 0;
  for (let i = 0; i < iters; i++) {
    if (r() < writeRatio) {
      writes++;
      await writeOnce(lock, stats, modes === "mixed" ? WRITE_MODES[pick(r, WRITE_MODES.length)] : "write", spin);
    } else {
      await readOnce(lock, stats, modes === "mixed" ? READ_MODES[pick(r, READ_MODES.length)] : "read", spin);
    }
  }
  return writes;
}
