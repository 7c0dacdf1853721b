/**
 * Mutex: four workers each add 1 to a shared counter 100 000 times with a plain (non-atomic)
 * `v[0] = v[0] + 1`. The Mutex makes that exact; without it, increments would be lost.
 *
 * Run: npm run build && node examples/mutex-counter.mjs
 */
import { Mutex, spawn } from "weft";

const WORKERS = 4, EACH = 100_000;

// A Mutex guards a value that lives in shared memory: here an Int32Array over a SharedArrayBuffer.
const counter = new Mutex(new Int32Array(new SharedArrayBuffer(4)));

const url = new URL("./workers/increment.mjs", import.meta.url);
const handles = Array.from({ length: WORKERS }, () => spawn(url, counter, EACH));
await Promise.all(handles.map((h) => h.join()));

// withLock runs a function under the lock and unlocks afterwards (also if it throws).
const total = counter.withLock((c) => c[0]);
console.log(`${WORKERS} workers × ${EACH} increments: counter = ${total}`);
if (total !== WORKERS * EACH) throw new Error(`expected ${WORKERS * EACH}`);
console.log("OK");
