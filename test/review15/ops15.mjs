/** Worker ops for the review15 tests (same convention as test/workers/unit/ops.mjs). */
import { createRequire } from "node:module";
import { RwLock } from "../../dist/index.js";

const signal = (started) => {
  started.store(1);
  started.notify();
};
const awaitRelease = (release) => {
  const deadline = Date.now() + 20_000;
  while (release.load() === 0 && Date.now() < deadline) release.wait(0, { timeout: 50 });
};

const ops = {
  /**
   * Two copies of weft in one thread (ESM, as imported, and the CJS build via require): reads `a`
   * once through the ESM copy, `b` once through the CJS copy, `a` again through ESM; holds them.
   */
  dualCopyReads(a, b, started, release, useCjs = true) {
    const cjs = useCjs ? createRequire(import.meta.url)("../../dist/index.cjs") : { RwLock };
    const bCjs = cjs.RwLock.at(b.buffer, b.byteOffset);
    const g1 = a.read();
    const g2 = bCjs.read();
    const g3 = a.read();
    signal(started);
    awaitRelease(release);
    g3.unlock();
    g2.unlock();
    g1.unlock();
    return "unlocked";
  },
  /**
   * Reads the lock at (buffer, 0) once and unlocks it; signals `phase` 1 and waits for it to be 2
   * (the test zeroes the memory: a fresh lock in the same place); then reads the new lock placed
   * there with RwLock.at, signals 3 and holds it until terminated.
   */
  readReusedMemory(buffer, phase) {
    const first = RwLock.at(buffer, 0);
    first.read().unlock();
    phase.store(1);
    phase.notify();
    const deadline = Date.now() + 20_000;
    while (phase.load() !== 2 && Date.now() < deadline) phase.wait(1, { timeout: 50 });
    const fresh = RwLock.at(buffer, 0);
    const g = fresh.read();
    phase.store(3);
    phase.notify();
    const forever = Date.now() + 20_000;
    while (Date.now() < forever) phase.wait(3, { timeout: 50 });
    g.unlock();
    return "unlocked";
  },
};

export default function run(op, ...args) {
  const f = ops[op];
  if (f === undefined) throw new Error(`ops15.mjs: no op ${op}`);
  return f(...args);
}
