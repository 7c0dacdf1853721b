/**
 * RwLock: three workers read a shared "config" as fast as they can while a fourth publishes an
 * update every few milliseconds. Readers share the lock; the writer gets it exclusively and
 * promptly (writer preference), and no reader ever sees a half-written update.
 *
 * Run: npm run build && node examples/rwlock-config.mjs
 */
import { AtomicBool, RwLock, spawn } from "weft";

const READERS = 3, UPDATES = 50, EVERY_MS = 5;

// The config: [version, base, scaled], with the invariant scaled === base * 10.
const config = new RwLock(new Int32Array(new SharedArrayBuffer(3 * 4)));
const stop = new AtomicBool(false);

const readerUrl = new URL("./workers/config-reader.mjs", import.meta.url);
const writerUrl = new URL("./workers/config-writer.mjs", import.meta.url);
const readers = Array.from({ length: READERS }, (_, i) => spawn(readerUrl, config, stop, i + 1));
const writer = spawn(writerUrl, config, stop, UPDATES, EVERY_MS);

const w = await writer.join();
console.log(`writer: ${w.updates} updates, longest wait for the write lock ${w.longestWaitMs.toFixed(1)} ms`);
let torn = 0;
for (const r of await Promise.all(readers.map((h) => h.join()))) {
  console.log(`reader ${r.id}: ${r.reads} reads, saw ${r.versions} versions, ${r.torn} torn`);
  torn += r.torn;
}

const version = config.withRead((c) => c[0]);
if (torn !== 0) throw new Error(`${torn} reads saw a half-written config`);
if (version !== UPDATES) throw new Error(`final version ${version}, expected ${UPDATES}`);
console.log(`final version ${version}, no torn reads`);
console.log("OK");
