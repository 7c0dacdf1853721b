/**
 * What `Atomics` calls cost against the same operations as WebAssembly exports, single-threaded
 * and in a two-thread Vyukov queue (behind the "WebAssembly atomics, measured and not taken" note
 * in docs/design.md). The wasm module is assembled by hand below (no toolchain): three exports,
 * `load(addr)`, `cas(addr, expected, replacement)` and `xchg(addr, value)`, on an imported shared
 * memory.
 *   node bench/micro/wasm-atomics.mjs            single-thread costs, then 6 rounds of each queue
 */
import { Worker, isMainThread, workerData, parentPort } from "node:worker_threads";

const leb = (n) => {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const section = (id, bytes) => [id, ...leb(bytes.length), ...bytes];
const name = (s) => [...leb(s.length), ...Buffer.from(s)];
const vec = (items) => [...leb(items.length), ...items.flat()];
const body = (code) => {
  const b = [0 /* no locals */, ...code, 0x0b /* end */];
  return [...leb(b.length), ...b];
};
const I32 = 0x7f;
let compiled;
function atomicsModule() {
  const types = vec([[0x60, 1, I32, 1, I32], [0x60, 3, I32, I32, I32, 1, I32], [0x60, 2, I32, I32, 1, I32]]);
  // import "m" "mem": a shared memory (limits flag 3: min and max, shared), 1..16384 pages
  const imports = vec([[...name("m"), ...name("mem"), 0x02, 0x03, 1, ...leb(16384)]]);
  const funcs = vec([[0], [1], [2]]);
  const exports = vec([[...name("load"), 0, 0], [...name("cas"), 0, 1], [...name("xchg"), 0, 2]]);
  const get = (i) => [0x20, i];
  const code = vec([
    body([...get(0), 0xfe, 0x10, 2, 0]), // i32.atomic.load
    body([...get(0), ...get(1), ...get(2), 0xfe, 0x48, 2, 0]), // i32.atomic.rmw.cmpxchg
    body([...get(0), ...get(1), 0xfe, 0x41, 2, 0]), // i32.atomic.rmw.xchg
  ]);
  const header = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
  return (compiled ??= new WebAssembly.Module(
    new Uint8Array([...header, ...section(1, types), ...section(2, imports), ...section(3, funcs), ...section(7, exports), ...section(10, code)]),
  ));
}
const instance = (mem) => new WebAssembly.Instance(atomicsModule(), { m: { mem } }).exports;

const CAP = 1024, MASK = CAP - 1, TAIL = 0, HEAD = 16, SEQ = 32, DATA = (SEQ * 4 + CAP * 4) / 8;
const N = 1_000_000;
const nap = new Int32Array(new SharedArrayBuffer(4));
const backoff = (s) => {
  if (s > 64) Atomics.wait(nap, 0, 0, 0.05);
};

/** Vyukov's bounded MPMC queue of f64 over `Atomics`. */
class WithAtomics {
  constructor(mem) {
    this.h = new Int32Array(mem.buffer);
    this.d = new Float64Array(mem.buffer);
  }
  push(v) {
    const h = this.h;
    let pos = Atomics.load(h, TAIL);
    for (let spins = 0; ; ) {
      const i = pos & MASK;
      const dif = (Atomics.load(h, SEQ + i) - pos) | 0;
      if (dif === 0) {
        const seen = Atomics.compareExchange(h, TAIL, pos, (pos + 1) | 0);
        if (seen === pos) {
          this.d[DATA + i] = v;
          Atomics.exchange(h, SEQ + i, (pos + 1) | 0);
          return;
        }
        pos = seen;
      } else {
        if (dif < 0) backoff(spins++);
        pos = Atomics.load(h, TAIL);
      }
    }
  }
  pop() {
    const h = this.h;
    let pos = Atomics.load(h, HEAD);
    for (let spins = 0; ; ) {
      const i = pos & MASK;
      const dif = (Atomics.load(h, SEQ + i) - ((pos + 1) | 0)) | 0;
      if (dif === 0) {
        const seen = Atomics.compareExchange(h, HEAD, pos, (pos + 1) | 0);
        if (seen === pos) {
          const v = this.d[DATA + i];
          Atomics.exchange(h, SEQ + i, (pos + CAP) | 0);
          return v;
        }
        pos = seen;
      } else {
        if (dif < 0) backoff(spins++);
        pos = Atomics.load(h, HEAD);
      }
    }
  }
}

/** The same queue with its atomic operations as wasm calls (byte addresses). */
class WithWasm {
  constructor(mem) {
    const w = instance(mem);
    this.load = w.load;
    this.cas = w.cas;
    this.xchg = w.xchg;
    this.d = new Float64Array(mem.buffer);
  }
  push(v) {
    const { load, cas, xchg } = this;
    let pos = load(TAIL << 2);
    for (let spins = 0; ; ) {
      const i = pos & MASK;
      const dif = (load((SEQ + i) << 2) - pos) | 0;
      if (dif === 0) {
        const seen = cas(TAIL << 2, pos, (pos + 1) | 0);
        if (seen === pos) {
          this.d[DATA + i] = v;
          xchg((SEQ + i) << 2, (pos + 1) | 0);
          return;
        }
        pos = seen;
      } else {
        if (dif < 0) backoff(spins++);
        pos = load(TAIL << 2);
      }
    }
  }
  pop() {
    const { load, cas, xchg } = this;
    let pos = load(HEAD << 2);
    for (let spins = 0; ; ) {
      const i = pos & MASK;
      const dif = (load((SEQ + i) << 2) - ((pos + 1) | 0)) | 0;
      if (dif === 0) {
        const seen = cas(HEAD << 2, pos, (pos + 1) | 0);
        if (seen === pos) {
          const v = this.d[DATA + i];
          xchg((SEQ + i) << 2, (pos + CAP) | 0);
          return v;
        }
        pos = seen;
      } else {
        if (dif < 0) backoff(spins++);
        pos = load(HEAD << 2);
      }
    }
  }
}

if (isMainThread) {
  const mem = new WebAssembly.Memory({ initial: 1, maximum: 16384, shared: true });
  const a = new Int32Array(mem.buffer);
  const { load, cas, xchg } = instance(mem);
  const M = 1e7;
  const time = (label, fn) => {
    for (let r = 0; r < 3; r++) fn(1e6);
    const t0 = performance.now();
    fn(M);
    console.log(`${label.padEnd(16)} ${(((performance.now() - t0) * 1e6) / M).toFixed(2)} ns`);
  };
  time("Atomics.load", (n) => { let s = 0; for (let i = 0; i < n; i++) s += Atomics.load(a, i & 1023); return s; });
  time("wasm load", (n) => { let s = 0; for (let i = 0; i < n; i++) s += load((i & 1023) << 2); return s; });
  time("Atomics.cas", (n) => { let s = 0; for (let i = 0; i < n; i++) s += Atomics.compareExchange(a, i & 1023, 5, i); return s; });
  time("wasm cas", (n) => { let s = 0; for (let i = 0; i < n; i++) s += cas((i & 1023) << 2, 5, i); return s; });
  time("Atomics.exchange", (n) => { for (let i = 0; i < n; i++) Atomics.exchange(a, i & 1023, i); return 0; });
  time("wasm xchg", (n) => { for (let i = 0; i < n; i++) xchg((i & 1023) << 2, i); return 0; });

  for (let round = 0; round < 6; round++) {
    for (const kind of ["atomics", "wasm"]) {
      const qmem = new WebAssembly.Memory({ initial: 1, maximum: 16384, shared: true });
      const h = new Int32Array(qmem.buffer);
      for (let i = 0; i < CAP; i++) h[SEQ + i] = i;
      const start = new Int32Array(new SharedArrayBuffer(4));
      const ws = ["produce", "consume"].map((role) => new Worker(new URL(import.meta.url), { workerData: { role, kind, mem: qmem, start } }));
      const next = () => Promise.all(ws.map((w) => new Promise((r) => w.once("message", r))));
      await next(); // warmed up
      const t0 = performance.now();
      Atomics.store(start, 0, 1);
      Atomics.notify(start, 0);
      const [, sum] = await next();
      const ns = ((performance.now() - t0) * 1e6) / N;
      if (sum !== N * N / 2) throw new Error(`wrong sum ${sum}`);
      console.log(`1 → 1 ${kind.padEnd(8)} ${ns.toFixed(1)} ns/msg`);
      await Promise.all(ws.map((w) => w.terminate()));
    }
  }
} else {
  const { role, kind, mem, start } = workerData;
  const q = kind === "wasm" ? new WithWasm(mem) : new WithAtomics(mem);
  // Warm up on a private queue of the same kind, so both rounds run optimized code.
  const warm = new WebAssembly.Memory({ initial: 1, maximum: 16384, shared: true });
  const wh = new Int32Array(warm.buffer);
  for (let i = 0; i < CAP; i++) wh[SEQ + i] = i;
  const wq = kind === "wasm" ? new WithWasm(warm) : new WithAtomics(warm);
  for (let r = 0; r < 50; r++) {
    for (let i = 0; i < 512; i++) wq.push(i);
    for (let i = 0; i < 512; i++) wq.pop();
  }
  parentPort.postMessage("ready");
  Atomics.wait(start, 0, 0);
  let sum = 0;
  if (role === "produce") for (let i = 0; i < N; i++) q.push(i + 0.5);
  else for (let i = 0; i < N; i++) sum += q.pop();
  parentPort.postMessage(sum);
}
