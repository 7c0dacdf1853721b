/**
 * Send and Sync in weft: a typed worker, frames moved to it over a channel, and what the compiler
 * and the run time each catch.
 *
 * Run: npm run build && node examples/run-ts.mjs send-sync
 * (TypeScript: run-ts.mjs strips the types; `npm run typecheck` checks this file, including the
 * `@ts-expect-error` lines below, which show what does not compile.)
 */
import { Mutex, MovedError, channel, moduleRef, send, spawn, type Sender } from "weft";
import type { Frame } from "./frames.js";

const FRAMES = 20;
const SIZE = 64 * 1024;

// The module's type travels with its URL: spawn checks the arguments and types join().
const framesWorker = moduleRef<typeof import("./frames.js")>(new URL("./frames.js", import.meta.url));
const [tx, rx] = channel<Frame>({ capacity: 4 });
const total = new Mutex(new Float64Array(new SharedArrayBuffer(8))); // Sync: shared, not copied
const worker = spawn(framesWorker, rx, total); // (rx, total) checked against frames.ts
rx.close();

let expected = 0;
let alias: Uint8Array | null = null;
for (let id = 0; id < FRAMES; id++) {
  const frame: Frame = { id, pixels: new Uint8Array(SIZE).map((_, i) => (i * 7 + id) & 255) };
  for (const p of frame.pixels) expected += p * (id + 1);
  if (id === 0) alias = frame.pixels; // an alias the compiler cannot follow
  send(tx, frame); // moved: frame.pixels's buffer is detached here now
  // frame.pixels.fill(0);          ← would not compile: frame was moved (see below)
}

// The run time catches what the compiler cannot see: the alias is detached, and sending it is an
// error (nothing is sent), not an empty frame.
console.log(`alias after the move: ${alias!.length} bytes left`);
try {
  tx.send({ id: 99, pixels: alias! });
  console.log("FAILED: the alias was sent");
  process.exit(1);
} catch (e) {
  console.log(`alias refused: ${(e as Error).name}: ${(e as Error).message}`);
  if (!(e instanceof MovedError)) process.exit(1);
}
tx.close();

const { count, checksum } = await worker.join(); // typed { count: number; checksum: number }
console.log(`worker got ${count} frames, checksum ${checksum} (expected ${expected})`);
console.log(`the shared Mutex says ${total.withLock((t) => t[0])}`);

if (count !== FRAMES || checksum !== expected || total.withLock((t) => t[0]) !== expected) {
  console.log("FAILED");
  process.exit(1);
}
console.log("OK");

/** Never called: what the compiler refuses (each line is an error; `npm run typecheck` checks it). */
export function wouldNotCompile(out: Sender<Frame>): void {
  const frame: Frame = { id: 1, pixels: new Uint8Array(4) };
  send(out, frame);
  // @ts-expect-error use after move: frame's members are `never` now
  frame.pixels.fill(0);
  // @ts-expect-error sending it again: "this value was moved by send()"
  out.send(frame);
  const [anyTx] = channel();
  // @ts-expect-error a function cannot cross to another worker (the error names the property: 'render')
  anyTx.send({ id: 2, render() {} });
  // @ts-expect-error a WeakMap cannot cross
  anyTx.send(new WeakMap());
  // @ts-expect-error the worker takes (Receiver<Frame>, Mutex<…>): a number is the wrong argument
  spawn(framesWorker, rx, 42);
  // @ts-expect-error a Mutex guards shared memory: a typed array over an ArrayBuffer would be copied
  new Mutex(new Float64Array(8));
}
