/**
 * An async program offloading CPU-bound work (tokio's spawn_blocking): the main thread keeps
 * serving its event loop — here a heartbeat timer standing in for a server's requests — while
 * the global pool counts primes. joinAll waits for the batch and fails fast if one fails.
 *
 * Run: npm run build && node examples/spawn-blocking.mjs
 */
import { joinAll, spawnBlocking } from "weft";

const jobs = new URL("./workers/pool-jobs.mjs", import.meta.url);
const LIMITS = [300_000, 400_000, 500_000, 600_000];

let beats = 0;
const heartbeat = setInterval(() => beats++, 10);
const t0 = performance.now();
try {
  // Each call returns at once with a promise; the work runs on other threads.
  const counts = await joinAll(LIMITS.map((limit) => spawnBlocking(jobs, "countPrimes", limit)));
  const ms = Math.round(performance.now() - t0);
  LIMITS.forEach((limit, i) => console.log(`primes below ${limit}: ${counts[i]}`));
  console.log(`the heartbeat ticked ${beats} times during the ${ms} ms of work`);
  if (counts[0] !== 25_997 || counts[3] !== 49_098) throw new Error(`wrong counts ${counts}`);
  if (beats < 3) throw new Error("the event loop was blocked");
  console.log("OK");
} finally {
  clearInterval(heartbeat);
}
