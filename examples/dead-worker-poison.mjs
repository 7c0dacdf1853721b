/**
 * Dead owners poison locks: a worker is terminated while holding a Mutex, half-way through an
 * update. The main thread, waiting for the lock, is not left hanging: its lockAsync rejects with
 * PoisonError, which still hands over the lock (err.guard), so it can repair the data, unlock and
 * clearPoison() — as with Rust's PoisonError::into_inner.
 *
 * Run: npm run build && node examples/dead-worker-poison.mjs
 */
import { AtomicBool, Mutex, PoisonError, WorkerExitError, spawn } from "weft";

// Two accounts [A, B] with the invariant A + B === 100.
const balances = new Int32Array(new SharedArrayBuffer(2 * 4));
balances.set([100, 0]);
const accounts = new Mutex(balances);
const holding = new AtomicBool(false);

const worker = spawn(new URL("./workers/die-holding.mjs", import.meta.url), accounts, holding);
// Until the worker holds the lock, mid-update (loop: a wait may also end spuriously).
while (!holding.load()) await holding.waitAsync(false);

const started = performance.now();
const waiting = accounts.lockAsync(); // queues behind the worker
setTimeout(() => void worker.terminate(), 200); // …which dies holding the lock

let guard;
try {
  guard = await waiting;
  throw new Error("expected a PoisonError");
} catch (e) {
  if (!(e instanceof PoisonError)) throw e;
  console.log(`after ${Math.round(performance.now() - started)} ms: ${e.name}: ${e.message}`);
  guard = e.guard; // we hold the lock despite the poison
}
const [a, b] = guard.value;
console.log(`the data as the dead worker left it: A=${a} B=${b} (A+B=${a + b})`);
guard.value[1] = 100 - a; // repair: complete the transfer
console.log(`repaired: A=${guard.value[0]} B=${guard.value[1]}`);
guard.unlock();
accounts.clearPoison();

try {
  await worker.join();
} catch (e) {
  if (!(e instanceof WorkerExitError)) throw e;
  console.log(`join() rejected: ${e.message}`);
}

// The lock is healthy again.
const sum = accounts.withLock(([a, b]) => a + b);
console.log(`isPoisoned ${accounts.isPoisoned}, A+B = ${sum}`);
if (accounts.isPoisoned || sum !== 100) throw new Error("recovery failed");
console.log("OK");
