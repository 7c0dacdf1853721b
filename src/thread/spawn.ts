/**
 * spawn(): start a worker that runs a module's default export with the given arguments.
 *
 * The worker runs weft's own entry (`dist/worker.js`), which joins the parent's thread registry,
 * takes the slot the parent allocated for it, imports the module, revives the arguments (weft
 * primitives come back over the same memory) and calls the default export. Its result (or error,
 * with name, message, stack and properties) comes back to `join()`.
 *
 * The parent owns the child's slot, so it marks it dead when the worker's `'exit'` event arrives
 * (after the thread has stopped): locks the worker held are poisoned and their waiters freed, even
 * though no JavaScript runs in a terminated worker. `terminate()` marks it *stopping* first, so a
 * parent that blocks right after asking is not stuck for ever: if no exit is seen, the slot counts
 * as dead `STOP_GRACE_MS` later (see registry).
 *
 * Channel ends in the arguments belong to the worker (as a Rust thread owns what its closure
 * captured): they are closed when the worker's function returns or throws, and if the worker dies
 * before that, the parent releases them for it — so a receiver never waits forever on a sender
 * that died with its worker.
 *
 * The worker's end is its own reference (sharing an end counts as a clone); the handle you passed
 * stays yours to close. So pass `tx`, not `tx.clone()`: a temporary clone is a reference nobody
 * closes, and the receivers would never see the channel disconnected.
 */
import { allocateSlot, markDead, markExited, markStopping, pinTable, registryBuffer } from "./registry.js";
import { refreshEnvironment } from "../share/directory.js";
import { RELEASE_FOR, collectLeasables, isWire, revive, share, type Wire } from "../share/index.js";
import { deserializeError, type ErrorRecord } from "./error-wire.js";
import { DataCloneError, MovedError, UnsupportedError, WorkerExitError } from "../errors.js";
import { isDetachedCloneError } from "../share/transfer.js";
import { describeValue, requireSharedMemory } from "../memory/layout.js";
import { isNoStack, stackSizeOf } from "./stack.js";
import type { ModuleRef, Sendable, TaskArgs, TaskResult, WorkerModule } from "../types.js";

/**
 * How long (ms) join() waits for a worker's exit after its function's outcome arrived before it
 * settles anyway (a worker whose event loop keeps it running: see `start`).
 */
const LINGER_MS = 250;

/** Key of weft's data in a spawned worker's `workerData` and messages. */
export const SPAWN_KEY = "\u0000weft.spawn";

/** What the worker entry receives. */
export interface SpawnData {
  registry: SharedArrayBuffer;
  /** The registry's pin table (share/directory). */
  pins: SharedArrayBuffer | null;
  slot: number;
  url: string;
  args: Wire<unknown[]>;
  /** One word per channel end in the args: flipped by whoever releases that end's reference. */
  leases: SharedArrayBuffer | null;
}

/** A running worker started by `spawn`. */
export interface WorkerHandle<R = unknown> {
  /** Node's `threadId` of the worker. */
  readonly threadId: number;
  /** weft's thread slot of the worker (owner id in locks it holds). */
  readonly slot: number;
  /**
   * Resolves with the default export's return value (awaited; weft primitives revived), or
   * rejects with what it threw — or with `WorkerExitError` if the worker ended without returning.
   */
  join(): Promise<R>;
  /**
   * Stops the worker now. Locks it holds become poisoned (their waiters wake with `PoisonError`)
   * once the thread has stopped, which the returned promise also waits for; a thread that never
   * lets this one's event loop turn meanwhile sees them poisoned a second later (`STOP_GRACE_MS`).
   * A pending `join()` rejects with `WorkerExitError`.
   */
  terminate(): Promise<void>;
}

const nodeProcess: any = (globalThis as any).process;
const workerThreads: any =
  typeof nodeProcess?.getBuiltinModule === "function" ? nodeProcess.getBuiltinModule("node:worker_threads") : undefined;
const nodeUrl: any = typeof nodeProcess?.getBuiltinModule === "function" ? nodeProcess.getBuiltinModule("node:url") : undefined;

/**
 * The absolute URL of a module given as a URL or an absolute path/URL string; a TypeError naming
 * `what` otherwise (relative specifiers would resolve against weft's own files, not the caller's).
 */
export function moduleHref(moduleUrl: unknown, what = "spawn"): string {
  if (moduleUrl instanceof URL) return moduleUrl.href;
  if (typeof moduleUrl === "string") {
    if (/^(file|data|https?|blob):/.test(moduleUrl)) return moduleUrl;
    if (nodeUrl !== undefined && (moduleUrl.startsWith("/") || /^[A-Za-z]:[\\/]/.test(moduleUrl))) {
      return nodeUrl.pathToFileURL(moduleUrl).href;
    }
  }
  throw new TypeError(
    `${what}: moduleUrl must be a URL or an absolute file path/URL string, got ${describeValue(moduleUrl)} ` +
      `(write new URL("./worker.js", import.meta.url))`,
  );
}

/** Options for `spawnWith`. */
export interface SpawnOptions {
  /** A name for the worker (shows in debuggers). */
  name?: string;
  /**
   * Worker stack size in MiB: above 0, at most 2^43; as Rust's `Builder::stack_size`, less than the
   * minimum (0.5) gets the minimum. A stack the system will not give is a RangeError.
   */
  stackSizeMb?: number;
}

/**
 * What `spawn<M>` takes as arguments: the default export's parameters when `M` is a module type
 * (`typeof import("./worker.js")`, or inferred from a `moduleRef`); any sendable values otherwise.
 */
export type SpawnArgs<M> = M extends WorkerModule ? TaskArgs<M> : readonly unknown[];

/** What `join()` resolves to: the default export's awaited result for a module type, else `M` itself. */
export type SpawnResult<M> = M extends WorkerModule ? TaskResult<M> : M;

/**
 * Starts a worker running `moduleUrl`'s default export with `args` (shared with `share`, so weft
 * primitives inside them are the same primitives in the worker). A channel end in `args` gives the
 * worker its own reference and leaves yours open: pass `tx` (and close it when you are done), not
 * `tx.clone()`, which would leave a reference nobody closes.
 *
 * Typed three ways: with a `moduleRef`, the module's type is inferred and the arguments and
 * result are checked; with an explicit module type, `spawn<typeof import("./w.js")>(url, …)`,
 * the same; with neither, every argument must still be `Sendable` (and `spawn<R>(url, …)`, an
 * explicit result type, is accepted as before).
 *
 * ```ts
 * const count = moduleRef<typeof import("./count.js")>(new URL("./count.js", import.meta.url));
 * const h = spawn(count, mutex, 1000); // (mutex: Mutex<Int32Array>, n: number) checked
 * const n = await h.join();            // typed as count.js's default export returns
 * ```
 */
export function spawn<M = WorkerModule, A extends SpawnArgs<M> = SpawnArgs<M>>(
  moduleUrl: ModuleRef<M> | string | URL,
  ...args: A & Sendable<A>
): WorkerHandle<SpawnResult<M>> {
  return start({}, moduleUrl, args as unknown as unknown[]);
}

/** `spawn` with worker options. */
export function spawnWith<M = WorkerModule, A extends SpawnArgs<M> = SpawnArgs<M>>(
  options: SpawnOptions,
  moduleUrl: ModuleRef<M> | string | URL,
  ...args: A & Sendable<A>
): WorkerHandle<SpawnResult<M>> {
  return start(options, moduleUrl, args as unknown as unknown[]);
}

function start<R>(options: SpawnOptions, moduleUrl: unknown, args: unknown[]): WorkerHandle<R> {
  if (workerThreads === undefined) {
    throw new UnsupportedError(
      "spawn: starting a worker needs Node's worker_threads, so spawn is Node.js only. In a browser, start a Web " +
        'Worker yourself (new Worker(url, { type: "module" })) and hand it weft primitives with share() and revive()',
    );
  }
  // Named, not a bare ReferenceError from deep inside (a helper's audit, thirteenth session).
  requireSharedMemory();
  const url = moduleHref(moduleUrl);
  const stackSizeMb = stackSizeOf("spawn", options.stackSizeMb);
  const slot = allocateSlot();
  // Channel ends passed to the worker are owned by it: it releases them when its function ends;
  // if it dies first, we release them for it (the lease makes that exactly once).
  const ends = collectLeasables(args);
  const leases = ends.length > 0 ? new SharedArrayBuffer(4 * ends.length) : null;
  const releaseEnds = () => {
    if (leases === null) return;
    const words = new Int32Array(leases);
    ends.forEach((end, i) => end[RELEASE_FOR](words, i));
  };
  let wire: Wire<unknown[]>;
  try {
    wire = share<unknown[]>(args);
  } catch (e) {
    markDead(slot);
    throw e instanceof MovedError ? new MovedError(`spawn: an argument holds an ArrayBuffer that was moved (detached) by an earlier send or transfer`) : e;
  }
  const data: SpawnData = { registry: registryBuffer(), pins: pinTable(), slot, url, args: wire, leases };
  // The worker inherits (environment data) what this thread holds of the buffer directory now.
  refreshEnvironment();
  let worker: any;
  try {
    worker = new workerThreads.Worker(new URL("./worker.js", import.meta.url), {
      workerData: { [SPAWN_KEY]: data },
      name: options.name,
      resourceLimits: stackSizeMb !== undefined ? { stackSizeMb } : undefined,
    });
  } catch (e) {
    // No worker started (e.g. an argument structured clone cannot copy): give back what we took.
    markDead(slot);
    releaseEnds();
    if (isDetachedCloneError(e)) {
      throw new MovedError("spawn: an argument holds an ArrayBuffer that was moved (detached) by an earlier send or transfer", { cause: e });
    }
    // Structured clone refused an argument (a Promise, a WeakMap, an object holding a function):
    // weft's DataCloneError, as for everything else that cannot cross, with Node's as the cause.
    if (e instanceof Error && e.name === "DataCloneError" && !(e instanceof DataCloneError)) {
      throw new DataCloneError(`spawn: an argument cannot be copied to the worker: ${e.message}`, { cause: e });
    }
    if (stackSizeMb !== undefined && isNoStack(e)) {
      throw new RangeError(`spawn: could not start a worker thread with stackSizeMb ${stackSizeMb} (${(e as Error).message}): the system would not give a thread that stack`, { cause: e });
    }
    throw e;
  }
  let settled = false;
  let terminated = false;
  let resolveJoin!: (v: R) => void;
  let rejectJoin!: (e: unknown) => void;
  const joined = new Promise<R>((res, rej) => {
    resolveJoin = res;
    rejectJoin = rej;
  });
  // A join() nobody awaits must not become an unhandled rejection by itself.
  joined.catch(() => {});
  // The outcome settles join() once the thread has exited, as Rust's join() returns once the
  // thread has finished: by then its slot is marked dead, so a lock it still held reads as
  // poisoned at once (settled on the message, a tryLock() right after join() found the lock
  // held by a thread not yet known dead, and a lock() waited for the exit to be noticed). A
  // worker whose event loop keeps it alive after its function returned (a timer left running)
  // is not waited for: its outcome settles LINGER_MS after it came.
  let outcome: (() => void) | null = null;
  let lingering: ReturnType<typeof setTimeout> | undefined;
  const settle = () => {
    if (settled || outcome === null) return;
    settled = true;
    if (lingering !== undefined) clearTimeout(lingering);
    outcome();
  };
  const arrived = (then: () => void) => {
    if (settled || outcome !== null) return;
    outcome = then;
    if (exited) return settle();
    lingering = setTimeout(settle, LINGER_MS);
    // A lingering worker keeps the process alive by itself; this timer must not.
    (lingering as { unref?: () => void }).unref?.();
  };
  let exited = false;
  worker.on("message", (msg: any) => {
    const m = msg?.[SPAWN_KEY];
    if (m === undefined) return;
    if (m.ok) {
      // Revived now (the references it holds are taken while the worker still holds its own).
      let value: R;
      try {
        value = revive(m.value as Wire<R>);
      } catch (e) {
        return arrived(() => rejectJoin(e));
      }
      arrived(() => resolveJoin(value));
    } else {
      // The record comes shared (weft primitives on the error revived over the same memory) unless
      // sharing it failed (see worker-entry).
      let record = m.error as ErrorRecord | Wire<ErrorRecord>;
      try {
        if (isWire(record)) record = revive(record);
      } catch {
        record = { name: "Error", message: "spawn: the worker's error could not be revived", props: {} };
      }
      const error = deserializeError(record as ErrorRecord);
      arrived(() => rejectJoin(error));
    }
  });
  worker.on("error", (err: unknown) => arrived(() => rejectJoin(err)));
  worker.on("exit", (code: number) => {
    exited = true;
    markExited(slot);
    releaseEnds();
    if (outcome !== null) return settle();
    if (settled) return;
    settled = true;
    rejectJoin(
      new WorkerExitError(
        terminated
          ? "spawn: the worker was terminated before its function returned"
          : `spawn: the worker exited with code ${code} before its function returned`,
        code,
      ),
    );
  });
  return {
    threadId: worker.threadId,
    slot,
    join: () => joined,
    async terminate() {
      terminated = true;
      // Not dead yet: the thread runs on until it reaches an interrupt check, and a waiter that
      // took its lock over now would see it write on. The 'exit' event marks it dead once the
      // thread has stopped; the stopping mark is for a parent that blocks before that event.
      markStopping(slot);
      await worker.terminate();
      releaseEnds();
    },
  };
}
