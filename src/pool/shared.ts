/**
 * One thread's view of a pool's shared memory: the control words and queues, every port, the
 * arena for large payloads and the function table. The owner thread creates it; each worker
 * rebuilds it from the same buffers.
 */
import * as sys from "../sys/index.js";
import { Arena } from "../memory/arena.js";
import { FunctionTable } from "./functions.js";
import { Port } from "./port.js";
import * as L from "./layout.js";
import * as Q from "./queues.js";
import type { PoolStats } from "./api.js";

/** The buffers a worker needs to join a pool. */
export interface PoolBuffers {
  control: SharedArrayBuffer;
  ports: SharedArrayBuffer[];
  arena: SharedArrayBuffer;
  functions: SharedArrayBuffer;
}

/**
 * Internal method of both pool views (ThreadPool, a worker's currentPool()): `pool[ANNOUNCE](n)`
 * announces a burst of `n` tasks (PoolShared.announce) and returns the function that ends it, or
 * undefined when the pool takes no tasks now. Registered (`Symbol.for`): a pool made by the CJS
 * build still answers the ESM build's helpers.
 */
export const ANNOUNCE = Symbol.for("weft.pool.announce");

/** What `ANNOUNCE` names. */
export type Announce = (n: number) => (() => void) | undefined;

/** Longest an announced burst keeps idle workers polling (ms; see `PoolShared.announce`). */
export const ANNOUNCE_MS = 2;

/** `Date.now()` as an Int32 (wrapping every ~25 days; compare with `expired`). */
export const clock32 = (): number => Date.now() | 0;

/** Whether Int32 clock value `until` (from `clock32`) has passed, wrapping included. */
export const expired = (until: number): boolean => ((clock32() - until) | 0) >= 0;

/**
 * Most records the owner thread's port holds (tasks in flight from it; more wait, encoded, until
 * records free up). Its buffer reserves this much address space, and grows into it on demand.
 */
export const OWNER_RECORDS = 1 << 17;
/** Most records a worker's port holds (nested tasks in flight from one worker). */
export const WORKER_RECORDS = 1 << 16;
const ARENA_MAX = 2 ** 30;

export class PoolShared {
  readonly control: Int32Array;
  readonly threads: number;
  /** Port 0: the owner thread; port k + 1: worker slot k. */
  readonly ports: Port[];
  readonly arena: Arena;
  readonly functions: FunctionTable;
  /** Fixed-length views over the arena (see Port: length-tracking views are slow); renewed on demand. */
  private aBytes: Uint8Array;
  arenaView: DataView;
  private nextWake = 0;

  static create(threads: number): PoolShared {
    const control = new SharedArrayBuffer(L.controlBytes(threads));
    const c = new Int32Array(control);
    sys.store(c, L.THREADS, threads);
    sys.store(c, L.TAG, L.POOL_TAG);
    const ports = [Port.create(OWNER_RECORDS, 1024).buffer];
    for (let k = 0; k < threads; k++) ports.push(Port.create(WORKER_RECORDS, 64).buffer);
    return new PoolShared({
      control,
      ports,
      arena: new Arena(ARENA_MAX, 64 * 1024).buffer,
      functions: new FunctionTable().buffer,
    });
  }

  constructor(readonly buffers: PoolBuffers) {
    this.control = new Int32Array(buffers.control);
    if (sys.load(this.control, L.TAG) !== L.POOL_TAG) throw new TypeError("ThreadPool: the control buffer is not a weft pool");
    this.threads = sys.load(this.control, L.THREADS);
    this.ports = buffers.ports.map((b) => new Port(b));
    this.arena = new Arena(0, 0, buffers.arena);
    this.functions = new FunctionTable(buffers.functions);
    this.aBytes = new Uint8Array(buffers.arena, 0, buffers.arena.byteLength);
    this.arenaView = new DataView(buffers.arena, 0, buffers.arena.byteLength);
  }

  /** The arena's bytes, through a view that reaches at least byte `end` (then `arenaView` does too). */
  arenaBytes(end: number): Uint8Array {
    if (end > this.aBytes.length) {
      const b = this.buffers.arena;
      this.aBytes = new Uint8Array(b, 0, b.byteLength);
      this.arenaView = new DataView(b, 0, b.byteLength);
    }
    return this.aBytes;
  }

  /** Word index of worker slot `k`'s block. */
  base(k: number): number {
    return L.workerBase(k);
  }

  /**
   * After publishing a task: wakes one parked worker, unless a worker is awake and looking for
   * work already (it will find the task; once it has one, it wakes the next if more are queued —
   * so a burst of submissions costs one wake-up, not one per task). A worker looking for work
   * counts itself in SEARCHING; one about to park sets its port's SLEEPING flag and counts itself
   * in SLEEPERS *before* leaving SEARCHING and looking once more. So if we read SEARCHING > 0,
   * our task was published before that last look, which finds it.
   */
  wakeWorker(): void {
    const c = this.control;
    if (sys.load(c, L.SEARCHING) > 0 || sys.load(c, L.SLEEPERS) <= 0) return;
    const n = this.threads;
    for (let i = 0; i < n; i++) {
      const k = (this.nextWake + i) % n;
      if (this.wakeSlot(k)) {
        this.nextWake = (k + 1) % n;
        return;
      }
    }
  }

  /** Wakes worker slot `k` if it is parked and no other waker claimed it first; true if so. */
  private wakeSlot(k: number): boolean {
    const port = this.ports[k + 1]!;
    if (!port.claimSleeper()) return false;
    sys.sub(this.control, L.SLEEPERS, 1);
    port.ring();
    return true;
  }

  /**
   * Before encoding a burst of `n` tasks meant to start together (a parallel job's one task per
   * thread): wakes up to `n` parked workers now, and until the returned `announced` call (or for
   * ANNOUNCE_MS at most) idle workers poll for work rather than park (see Executor.idle). Only a
   * hint: the tasks are published, and wake whoever still sleeps, as usual. The hint is a
   * deadline (wall clock, shared by every thread), not a count, so an announcer that dies before
   * ending its burst costs nothing after ANNOUNCE_MS; of bursts announced at once, the latest
   * deadline stands and the first to end clears it (the others lose their polling, nothing else).
   */
  announce(n: number): number {
    const c = this.control;
    const until = clock32() + ANNOUNCE_MS + 1; // + 1: Date.now() may be about to tick
    // Before the rings (SeqCst): a worker woken below reads the deadline after its wake-up, so it
    // polls instead of parking again.
    sys.store(c, L.EXPECTING, until === 0 ? 1 : until);
    for (let k = 0, woken = 0; k < this.threads && woken < n; k++) {
      if (sys.load(c, L.SLEEPERS) <= 0) break;
      if (this.wakeSlot(k)) woken++;
    }
    return until;
  }

  /** Ends the burst `announce` returned `until` for (if no later one replaced it). */
  announced(until: number): void {
    // CAS, not a store: a later burst's deadline stays (clearing it would only cost it its polling).
    sys.cas(this.control, L.EXPECTING, until === 0 ? 1 : until, 0);
  }

  /** Whether a burst of tasks is announced and not yet published (see `announce`). */
  expecting(): boolean {
    const until = sys.load(this.control, L.EXPECTING);
    return until !== 0 && !expired(until);
  }

  /** After pushing a completion into port `p`: wakes its owner if it sleeps. */
  wakePort(p: number): void {
    const port = this.ports[p]!;
    if (port.claimSleeper()) {
      if (p > 0) sys.sub(this.control, L.SLEEPERS, 1);
      port.ring();
    }
  }

  /** Whether worker `k` could find a task now (its deque, the injector, other deques). */
  workFor(k: number): boolean {
    return Q.anyQueued(this.control);
  }
}

/** Statistics read from shared memory; `pending` is the calling thread's own count. */
export function poolStats(shared: PoolShared, pending: number): PoolStats {
  const c = shared.control;
  const workers: PoolStats["workers"] = [];
  let tasksRun = 0;
  let steals = 0;
  for (let k = 0; k < shared.threads; k++) {
    const b = L.workerBase(k);
    const w = { tasksRun: sys.load(c, b + L.RUN), steals: sys.load(c, b + L.STOLEN), queued: Q.dequeLen(c, b), alive: sys.load(c, b + L.EXEC) !== 0 };
    tasksRun += w.tasksRun;
    steals += w.steals;
    workers.push(w);
  }
  return {
    threads: shared.threads,
    tasksRun,
    steals,
    injectorDepth: Q.injectLen(c),
    pending,
    workersReplaced: sys.load(c, L.REPLACED),
    workers,
  };
}
