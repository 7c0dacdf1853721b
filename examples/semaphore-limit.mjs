/**
 * Semaphore: six workers each run five 10 ms jobs, but a Semaphore with 2 permits lets at most two
 * jobs run at any moment. The main thread also takes a permit without blocking, with acquireAsync.
 *
 * Run: npm run build && node examples/semaphore-limit.mjs
 */
import { AtomicI32, Semaphore, spawn } from "weft";

const WORKERS = 6, JOBS = 5, PERMITS = 2;

const permits = new Semaphore(PERMITS);
const active = new AtomicI32(0); // jobs running now
const peak = new AtomicI32(0); // most jobs ever running at once

const url = new URL("./workers/limited-job.mjs", import.meta.url);
const started = performance.now();
const handles = Array.from({ length: WORKERS }, () => spawn(url, permits, active, peak, JOBS));

// Once the workers are busy, the main thread competes for a permit too, without blocking its
// event loop: acquireAsync resolves when a worker releases one.
await new Promise((resolve) => setTimeout(resolve, 100));
const asked = performance.now();
await permits.acquireAsync();
console.log(`main thread took a permit too, after waiting ${(performance.now() - asked).toFixed(2)} ms`);
permits.release();

const done = (await Promise.all(handles.map((h) => h.join()))).reduce((a, b) => a + b, 0);
const ms = performance.now() - started;
console.log(`${done} jobs of 10 ms in ${Math.round(ms)} ms with ${PERMITS} permits; at most ${peak.load()} ran at once`);
if (done !== WORKERS * JOBS) throw new Error(`expected ${WORKERS * JOBS} jobs`);
if (peak.load() > PERMITS) throw new Error(`the semaphore let ${peak.load()} jobs run at once`);
if (permits.available !== PERMITS) throw new Error(`${permits.available} permits left, expected ${PERMITS}`);
console.log("OK");
