/**
 * track(worker): makes the death of a worker you started yourself poison the locks it held.
 *
 * Node (`worker_threads`): the worker's `'exit'` event marks every slot that thread claimed dead
 * (the registry records each slot's native `threadId`).
 *
 * Browsers (Web Workers): there is no `'exit'` event, `terminate()` runs no JavaScript in the
 * worker, and the page cannot tell which slot the worker will claim. So `track` pre-allocates a
 * slot and posts it, with the page's registry and a word for the slot the worker really uses, as
 * the worker's first message; weft in the worker takes that message (before the user's handlers,
 * which never see it) and assumes the slot — or, if it already has one, writes it to the word. The
 * worker's own `terminate` method is wrapped to mark the slot(s) *stopping* before the native one
 * runs, like `spawn`'s handle does; with no event to say when the thread has stopped, they count as
 * dead `STOP_GRACE_MS` (1 s) later. Limits: a worker that ends itself (`close()`) is not seen, and a
 * worker blocked since before the message arrived never reads it (track right after `new Worker`).
 */
import * as sys from "../sys/index.js";
import { UnsupportedError } from "../errors.js";
import { describeValue, sharedBuffer } from "../memory/layout.js";
import { adoptRegistry, allocateSlot, assumeSlot, markNativeThreadExited, markStopping, registryBuffer, slotIfAny } from "./registry.js";

const nodeProcess: any = (globalThis as any).process;
const workerThreads: any =
  typeof nodeProcess?.getBuiltinModule === "function" ? nodeProcess.getBuiltinModule("node:worker_threads") : undefined;

/** Key of the message `track` posts to a Web Worker. */
const TRACK_KEY = "\u0000weft.track";

interface TrackMessage {
  registry: SharedArrayBuffer;
  slot: number;
  /** Int32 [0]: the slot the worker uses, when it already had one (0 = it took `slot`). */
  word: SharedArrayBuffer;
}

/** A Node `worker_threads` Worker, as `track` needs it. */
export interface NodeWorkerLike {
  readonly threadId: number;
  once(ev: "exit", fn: () => void): unknown;
}

/** A browser Web Worker, as `track` needs it. */
export interface WebWorkerLike {
  postMessage(message: unknown): void;
  terminate(): void;
}

const tracked = new WeakSet<object>();

/**
 * For workers you start yourself with `new Worker(...)`: makes their death — including
 * `worker.terminate()`, which runs no JavaScript in the worker — poison the locks they held. Call
 * it right after creating the worker, before posting anything to it. Workers started with weft's
 * `spawn()` are tracked already. Tracking a worker twice is the same as once.
 *
 * - **Node** (`worker_threads`): the worker's `'exit'` event marks it dead. It reaches this thread
 *   only when its event loop turns, so a thread blocked in a synchronous wait sees the death only
 *   afterwards: use async waits in the parent, or `spawn()` (whose `terminate()` also marks the
 *   slot stopping, so it counts as dead a second later even if no exit event is seen).
 * - **Browsers** (Web Workers): the worker's `terminate()` marks it stopping (`track` wraps that
 *   method), and it counts as dead one second later: no event says when it has stopped running,
 *   which a terminated worker does at its next interrupt check (after a native call of more than
 *   a second, it could still write beside the lock's next holder). The worker must import weft
 *   (any module of its graph) and get to its event loop once before it blocks holding a lock; a
 *   worker that ends itself with `close()` is not noticed.
 *
 * @throws TypeError if `worker` is not a Worker of this runtime.
 */
export function track(worker: NodeWorkerLike | WebWorkerLike): void {
  if (workerThreads === undefined) return trackWebWorker(worker as WebWorkerLike);
  const w = worker as NodeWorkerLike;
  if (typeof w?.threadId !== "number" || typeof w.once !== "function") {
    throw new TypeError(`track: expected a worker_threads Worker, got ${describeValue(worker)}`);
  }
  if (tracked.has(w)) return;
  tracked.add(w);
  const id = w.threadId;
  w.once("exit", () => markNativeThreadExited(id));
}

function trackWebWorker(worker: WebWorkerLike): void {
  const W = (globalThis as any).Worker;
  if (typeof W !== "function") {
    throw new UnsupportedError("track: this runtime has neither Node's worker_threads nor Web Workers");
  }
  if (!(worker instanceof W)) throw new TypeError(`track: expected a Worker, got ${describeValue(worker)}`);
  if (tracked.has(worker)) return;
  tracked.add(worker);
  const slot = allocateSlot();
  const word = new Int32Array(sharedBuffer(4));
  const message: TrackMessage = { registry: registryBuffer(), slot, word: word.buffer as SharedArrayBuffer };
  worker.postMessage({ [TRACK_KEY]: message });
  const terminate = worker.terminate;
  worker.terminate = function (this: WebWorkerLike): void {
    // Before the native terminate, which runs no JavaScript in the worker. Stopping, not dead (it
    // runs on until its next interrupt check): with no exit event to say when it has stopped,
    // waiters take its locks over as poisoned STOP_GRACE_MS later.
    markStopping(slot);
    const own = sys.load(word, 0);
    if (own > 0) markStopping(own);
    terminate.call(this);
  };
}

/** In a Web Worker: takes `track`'s message before the user's handlers see it. */
function onTrackMessage(e: MessageEvent): void {
  const t = (e.data as Record<string, unknown> | null)?.[TRACK_KEY] as TrackMessage | undefined;
  if (t === undefined) return;
  e.stopImmediatePropagation();
  try {
    adoptRegistry(t.registry);
  } catch {
    // This thread took locks under a registry of its own, which the page cannot see: untracked.
    return;
  }
  const own = slotIfAny();
  if (own === 0) assumeSlot(t.slot);
  else sys.store(new Int32Array(t.word), 0, own);
}

// weft is imported before the importing module's body runs, so this listener comes before any the
// user adds (and a module worker dispatches no message before its module graph has run).
const scope: any = globalThis;
if (typeof scope.DedicatedWorkerGlobalScope === "function" && scope instanceof scope.DedicatedWorkerGlobalScope) {
  scope.addEventListener("message", onTrackMessage);
}
