/**
 * Async waits on the main thread: a worker holds a Mutex for a while; the main thread waits for it
 * with lockAsync (and then for a result with Condvar.waitWhileAsync) while a timer keeps ticking.
 * A blocking lock() would freeze the event loop instead (and throws on a browser's main thread).
 *
 * Run: npm run build && node examples/async-main-thread.mjs
 */
import { AtomicBool, Condvar, Mutex, TimeoutError, spawn } from "weft";

const HOLD_MS = 400, LATER_MS = 300, TICK_MS = 50;

const lock = new Mutex(new Int32Array(new SharedArrayBuffer(4))); // [0] = the result, 0 until ready
const ready = new Condvar();
const holding = new AtomicBool(false);
const worker = spawn(new URL("./workers/hold-lock.mjs", import.meta.url), lock, ready, holding, HOLD_MS, LATER_MS);

// Until the worker has the lock (loop: a wait may also end on a spurious wake-up).
while (!holding.load()) await holding.waitAsync(false);
let ticks = 0;
const timer = setInterval(() => ticks++, TICK_MS);
const t0 = performance.now();
const elapsed = () => `${Math.round(performance.now() - t0)} ms`;

// A timeout (or an AbortSignal) bounds any wait; this one gives up while the worker still holds it.
try {
  await lock.lockAsync({ timeout: 100 });
} catch (e) {
  if (!(e instanceof TimeoutError)) throw e;
  console.log(`${elapsed()}: lockAsync({ timeout: 100 }) gave up: ${e.message}`);
}

const g = await lock.lockAsync(); // no timeout: resolves when the worker unlocks
console.log(`${elapsed()}: main thread has the lock; the timer ticked ${ticks} times meanwhile`);
const ticksBefore = ticks;
// Releases the lock while waiting and holds it again when the result is in.
await ready.waitWhileAsync(g, (state) => state[0] === 0);
const result = g.value[0];
g.unlock();
console.log(`${elapsed()}: result ${result} arrived; the timer ticked ${ticks - ticksBefore} more times`);
clearInterval(timer);
await worker.join();

if (result !== 42) throw new Error(`unexpected result ${result}`);
if (ticks < 5) throw new Error(`the event loop did not keep running (${ticks} ticks)`);
console.log("OK");
