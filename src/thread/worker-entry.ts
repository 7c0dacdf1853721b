/**
 * Entry of every worker started by `spawn` (built to dist/worker.js). Joins the parent's thread
 * registry, takes its slot, runs the module's default export and posts the outcome back.
 */
import "../index.js"; // registers every primitive kind for revive(), in the same module instance as `import "weft"`
import { adoptRegistry, assumeSlot } from "./registry.js";
import { LEASE, RELEASE_FOR, collectLeasables, revive, share, type Leasable } from "../share/index.js";
import { serializeError } from "./error-wire.js";
import { SPAWN_KEY, type SpawnData } from "./spawn.js";

const workerThreads: any = (globalThis as any).process.getBuiltinModule("node:worker_threads");
const data = workerThreads.workerData?.[SPAWN_KEY] as SpawnData | undefined;
const port = workerThreads.parentPort;

async function main(d: SpawnData): Promise<void> {
  adoptRegistry(d.registry, d.pins);
  assumeSlot(d.slot);
  try {
    const mod = await import(d.url);
    const fn = mod.default;
    if (typeof fn !== "function") {
      throw new TypeError(`spawn: ${d.url} has no default export function (its default export is ${typeof fn})`);
    }
    const args = revive(d.args);
    const ends = collectLeasables(args);
    if (d.leases !== null) {
      const words = new Int32Array(d.leases);
      ends.forEach((end, i) => end[LEASE](words, i));
    }
    const closeEnds = () => ends.forEach((end) => end.close());
    // On process.exit() or an uncaught error the function never finishes: release them then.
    (globalThis as any).process.on("exit", closeEnds);
    let wire: unknown;
    let moved: Leasable[] = [];
    try {
      const result = await fn(...args);
      moved = collectLeasables(result);
      try {
        // Shared before the argument ends are closed: the function may return one of them.
        wire = share(result);
      } finally {
        // Ends in the result move to the joiner, as a Rust thread's return value does: the wire
        // holds its own reference of each, and the worker's handles are closed (else an end made
        // here and returned — `return tx.clone()` — would be a reference nobody ever closes).
        // Closed also when the result cannot be shared: they can go nowhere else.
        for (const end of moved) end.close();
      }
    } finally {
      closeEnds();
    }
    try {
      port.postMessage({ [SPAWN_KEY]: { ok: true, value: wire } });
    } catch (e) {
      // Structured clone refused what share() leaves to it (a class instance with a method): the
      // wire never leaves, so give back the references it took; the error is reported below.
      for (const end of moved) end[RELEASE_FOR](new Int32Array(1), 0);
      throw e;
    }
  } catch (e) {
    // Shared, so that a weft primitive on the error (a property, its cause) arrives over the same
    // memory; a record share() refuses (a class instance among its properties) goes as it is.
    const record = serializeError(e);
    let error: unknown = record;
    try {
      error = share(record as any);
    } catch {
      // structured clone copies what it can of it, as before
    }
    port.postMessage({ [SPAWN_KEY]: { ok: false, error } });
  }
}

if (data !== undefined && port !== null) void main(data);
