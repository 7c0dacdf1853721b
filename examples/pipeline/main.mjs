/**
 * weft pipeline demo: loader → N transformers → writer, connected by channels.
 *
 *   loader      generates ITEMS records and sends them over a bounded channel (capacity 256)
 *   transform×N receive records (MPMC), do real CPU work on each (hash rounds), and send results
 *               over one MPSC channel
 *   writer      receives every result, checks each item arrived exactly once with the right hash
 *
 * The main thread only starts workers, prints progress from shared atomics while they run, and
 * prints a summary. Run: npm run demo   (or: npm run build && node examples/pipeline/main.mjs)
 */
import { AtomicU32, channel, spawn } from "weft";

const ITEMS = Number(process.env.ITEMS ?? 20_000);
const TRANSFORMERS = Number(process.env.TRANSFORMERS ?? 3);
const ROUNDS = 2_000; // hash rounds per item: the CPU-bound part

const [recordsTx, recordsRx] = channel({ capacity: 256 }); // structured codec (the default)
const [resultsTx, resultsRx] = channel({ capacity: 1024 });
const loaded = new AtomicU32(), transformed = new AtomicU32(), written = new AtomicU32();

const url = (name) => new URL(`./${name}.mjs`, import.meta.url);
const started = performance.now();
// Channel ends passed to spawn belong to the worker; the parent closes its own copies right away,
// so each channel disconnects when the last worker holding a sender finishes.
const loader = spawn(url("loader"), recordsTx, ITEMS, loaded);
const transformers = Array.from({ length: TRANSFORMERS }, (_, i) =>
  spawn(url("transform"), i + 1, recordsRx, resultsTx, ROUNDS, transformed),
);
const writer = spawn(url("writer"), resultsRx, ITEMS, ROUNDS, written);
recordsTx.close();
recordsRx.close();
resultsTx.close();
resultsRx.close();

const bar = (n) => `${String(Math.round((100 * n) / ITEMS)).padStart(3)}%`;
const progress = setInterval(() => {
  console.log(`  loaded ${bar(loaded.load())}  transformed ${bar(transformed.load())}  written ${bar(written.load())}`);
}, 250);

try {
  const l = await loader.join();
  const ts = await Promise.all(transformers.map((h) => h.join()));
  const w = await writer.join();
  clearInterval(progress);
  const elapsed = performance.now() - started;
  console.log(`\nloader      sent ${l.sent} records in ${l.ms.toFixed(0)} ms`);
  for (const t of ts) console.log(`transform ${t.id} handled ${t.handled} records, busy ${t.busyMs.toFixed(0)} ms`);
  console.log(`writer      received ${w.received} results in ${w.ms.toFixed(0)} ms`);
  console.log(`\n${ITEMS} items through 3 stages with ${TRANSFORMERS} transform workers in ${elapsed.toFixed(0)} ms ` +
    `(${Math.round(ITEMS / (elapsed / 1000))} items/s)`);
  if (w.problems.length > 0 || w.received !== ITEMS) {
    console.log(`FAILED: ${w.problems.slice(0, 5).join("; ")}`);
    process.exit(1);
  }
  console.log("OK: every item arrived exactly once with the right hash");
} catch (e) {
  clearInterval(progress);
  console.error("FAILED:", e);
  process.exit(1);
}
