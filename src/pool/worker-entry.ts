/**
 * Entry of every ThreadPool worker (built to dist/pool-worker.js). Joins the parent's thread
 * registry and slot, asks the parent for the shared buffers it knows (see share/directory
 * `learnBuffers`), then runs the pool's loop until terminated.
 */
import "../index.js"; // registers every primitive kind for revive, in the same module instance as `import "weft"`
import { adoptRegistry, assumeSlot } from "../thread/registry.js";
import { learnBuffers } from "../share/directory.js";
import { Executor, type PoolWorkerData } from "./worker.js";
import { enterWorker } from "./context.js";
import { POOL_KEY } from "./context.js";
import { POOL_CONTROL_KEY } from "./layout.js";

const workerThreads: any = (globalThis as any).process.getBuiltinModule("node:worker_threads");
const data = workerThreads.workerData?.[POOL_KEY] as PoolWorkerData | undefined;
const port = workerThreads.parentPort;

async function main(d: PoolWorkerData): Promise<void> {
  adoptRegistry(d.registry, d.pins);
  assumeSlot(d.weftSlot);
  // We listen for buffers from now on (share/directory started at import); ask for the ones
  // posted between our creation and now.
  const known = await new Promise<Map<number, SharedArrayBuffer>>((resolve) => {
    port.once("message", (m: any) => resolve(m?.[POOL_KEY]?.buffers ?? new Map()));
    port.postMessage({ [POOL_KEY]: "hello" });
  });
  learnBuffers(known);
  const ex = new Executor(d);
  enterWorker(ex);
  // The parallel helpers' kernels (a separate module) look here to see whether other tasks wait.
  (globalThis as any)[POOL_CONTROL_KEY] = ex.shared.control;
  await ex.loop();
}

if (data !== undefined && port !== null) void main(data);
