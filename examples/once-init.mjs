/**
 * Once: five workers start at the same time and all need a shared table that should be built only
 * once. `callOnce` runs the builder on one of them; the rest wait until it has finished.
 *
 * Run: npm run build && node examples/once-init.mjs
 */
import { AtomicI32, Once, spawn } from "weft";

const WORKERS = 5, SIZE = 200_000;

const once = new Once();
const table = new Int32Array(new SharedArrayBuffer(SIZE * 4));
const builds = new AtomicI32(0); // how many times the builder ran
const builtBy = new AtomicI32(0); // which worker ran it

const url = new URL("./workers/use-table.mjs", import.meta.url);
const handles = Array.from({ length: WORKERS }, (_, i) => spawn(url, once, table, builds, builtBy, i + 1));
const results = await Promise.all(handles.map((h) => h.join()));

for (const r of results) console.log(`worker ${r.id} (thread slot ${r.slot}) sees table sum ${r.sum}`);
console.log(`the table was built ${builds.load()} time(s), by worker ${builtBy.load()}; once.isCompleted = ${once.isCompleted}`);
if (builds.load() !== 1) throw new Error("the builder did not run exactly once");
if (new Set(results.map((r) => r.sum)).size !== 1) throw new Error("workers saw different tables");
console.log("OK");
