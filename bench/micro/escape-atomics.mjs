/**
 * Micro-benchmark behind a weft performance note: does V8 keep a short-lived guard object off the
 * heap (escape analysis) when its method ends in an `Atomics` call?
 *
 *   node --trace-gc bench/micro/escape-atomics.mjs | grep -c Scavenge    # many = guards allocated
 *   node bench/micro/escape-atomics.mjs                                  # ns per lock/unlock shape
 *
 * Seen on Node 20.20 (V8 11.3): when the fresh object is the *receiver* of an inlined method that
 * (transitively) performs an `Atomics` operation (`new Guard(m).unlock()` → `m.release()` →
 * `Atomics.store`), the object is allocated every iteration (~1200 scavenges per 40M). The same
 * work with the object as a parameter (`unlockGuard(g)`) or a plain store instead of `Atomics` is
 * scalar-replaced (about one scavenge). weft's `MutexGuard.unlock()` is the first shape. Alone, on
 * an idle core, the allocation costs little time; the price shows as GC work competing for cores
 * when every core is busy (2 contending workers on a 2-core host).
 */
class Mutex {
  constructor() {
    this.w = new Int32Array(new SharedArrayBuffer(8));
  }
  release() {
    Atomics.store(this.w, 0, 0);
  }
  releasePlain() {
    this.w[0] = 0;
  }
}
class Guard {
  constructor(m) {
    this.m = m;
  }
  unlock() {
    this.m.release();
  }
  unlockPlain() {
    this.m.releasePlain();
  }
}
function unlockGuard(g) {
  g.m.release();
}

const m = new Mutex();
const N = 10_000_000;
const shapes = {
  "receiver + Atomics (weft's shape)": () => {
    for (let i = 0; i < N; i++) new Guard(m).unlock();
  },
  "parameter + Atomics": () => {
    for (let i = 0; i < N; i++) unlockGuard(new Guard(m));
  },
  "receiver + plain store": () => {
    for (let i = 0; i < N; i++) new Guard(m).unlockPlain();
  },
};
const only = process.argv[2];
for (const [name, run] of Object.entries(shapes)) {
  if (only && !name.includes(only)) continue;
  run(); // warm up
  const t0 = performance.now();
  for (let r = 0; r < 3; r++) run();
  console.log(`${name.padEnd(36)} ${(((performance.now() - t0) / (3 * N)) * 1e6).toFixed(1)} ns/op`);
}
