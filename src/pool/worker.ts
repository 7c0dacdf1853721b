/**
 * A pool worker's loop: find a task (own deque, then the injector, then steal), take it with the
 * CAS QUEUED → RUNNING on its record, run it, write the result into the record and hand the
 * record back to its submitter's port.
 *
 * The loop runs tasks synchronously while there is work. A task that returns a promise does not
 * hold the worker up: the loop goes on with other tasks and the promise completes the record when
 * it settles. While such promises (or nested tasks this worker submitted) are pending, the loop
 * yields to the event loop regularly and parks with `waitAsync`; otherwise it parks in a blocking
 * `Atomics.wait` (this is a worker: blocking is what it is for).
 */
import * as sys from "../sys/index.js";
import { DataCloneError } from "../errors.js";
import { serializeError } from "../thread/error-wire.js";
import { splitKey } from "./functions.js";
import { PoolShared, type PoolBuffers } from "./shared.js";
import { Submitter } from "./submitter.js";
import type { Writer } from "../channel/codec.js";
import * as P from "./payload.js";
import * as Q from "./queues.js";
import * as L from "./layout.js";

/** What a pool worker is started with. */
export interface PoolWorkerData {
  registry: SharedArrayBuffer;
  weftSlot: number;
  buffers: PoolBuffers;
  /** Worker slot (its deque and its port `slot + 1`). */
  slot: number;
  /** Unique id of this incarnation of the slot (recorded in the records it runs). */
  execId: number;
  idleTimeoutMs: number;
  name: string;
}

/** Polls for work this many times before parking (a park and wake-up costs tens of µs). */
const SPINS = 256;
/** With promises pending, give the event loop a turn at least every this many tasks. */
const TASKS_PER_TURN = 64;

type TaskFn = (...args: unknown[]) => unknown;

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  v !== null && (typeof v === "object" || typeof v === "function") && typeof (v as any).then === "function";

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Nested submissions from inside a task: to this worker's own deque, where others may steal them. */
export class WorkerSubmitter extends Submitter {
  /** Tasks that did not fit the deque (run by this worker only). */
  readonly spill: number[] = [];

  constructor(
    shared: PoolShared,
    private readonly slot: number,
  ) {
    super(shared, slot + 1, "ThreadPool.run");
  }

  protected publish(ref: number): void {
    if (!Q.dequePush(this.shared.control, L.workerBase(this.slot), ref)) this.spill.push(ref);
    this.shared.wakeWorker();
  }

  protected submitted(): void {}

  protected get threadCount(): number {
    return this.shared.threads;
  }
}

export class Executor {
  readonly shared: PoolShared;
  readonly nested: WorkerSubmitter;
  private readonly c: Int32Array;
  private readonly base: number;
  private readonly fns: Array<TaskFn | Error | undefined> = [];
  private readonly modules = new Map<string, Promise<Record<string, unknown>>>();
  private asyncPending = 0;
  private ran = 0;
  private stolen = 0;

  constructor(private readonly data: PoolWorkerData) {
    this.shared = new PoolShared(data.buffers);
    this.c = this.shared.control;
    this.base = L.workerBase(data.slot);
    this.nested = new WorkerSubmitter(this.shared, data.slot);
    this.nested.adopt();
    this.ran = sys.load(this.c, this.base + L.RUN);
    this.stolen = sys.load(this.c, this.base + L.STOLEN);
  }

  /** Runs until the worker is terminated. */
  async loop(): Promise<void> {
    let sinceTurn = 0;
    for (;;) {
      const ref = this.take();
      if (ref >= 0) {
        const loading = this.execute(ref);
        if (loading !== undefined) await loading;
        if (this.asyncPending > 0 || this.nested.outstanding > 0) {
          this.nested.drain();
          // Let settled promises continue, and now and then timers and I/O too.
          if (++sinceTurn >= TASKS_PER_TURN) {
            sinceTurn = 0;
            await nextTurn();
          } else await undefined;
        }
        continue;
      }
      if (this.nested.drain() > 0) {
        await undefined;
        continue;
      }
      sinceTurn = 0;
      await this.idle();
    }
  }

  /** The next task ref, or -1. */
  private take(): number {
    const c = this.c;
    let ref = Q.dequePop(c, this.base);
    if (ref >= 0) return ref;
    const spill = this.nested.spill;
    if (spill.length > 0) return spill.pop()!;
    ref = Q.injectTake(c);
    if (ref >= 0) return ref;
    const n = this.shared.threads;
    for (let j = 1; j < n; j++) {
      const victim = L.workerBase((this.data.slot + j) % n);
      for (;;) {
        const s = Q.dequeSteal(c, victim);
        if (s === Q.RETRY) continue;
        if (s >= 0) {
          sys.store(c, this.base + L.STOLEN, ++this.stolen);
          return s;
        }
        break;
      }
    }
    return -1;
  }

  private hasWork(): boolean {
    return this.nested.spill.length > 0 || this.shared.workFor(this.data.slot) || this.nested.hasCompletion();
  }

  private async idle(): Promise<void> {
    for (let s = 0; s < SPINS; s++) if (this.hasWork()) return;
    const port = this.nested.port;
    const c = this.c;
    // Flag, count, then re-check: a submitter publishes, then reads SLEEPERS (see PoolShared.wakeWorker).
    const seq = port.prepareSleep();
    sys.add(c, L.SLEEPERS, 1);
    if (!this.hasWork()) {
      if (this.asyncPending > 0 || this.nested.outstanding > 0) {
        await sys.waitAsync(port.words, L.SEQ, seq, sys.LIVENESS_SLICE_MS);
      } else {
        sys.wait(port.words, L.SEQ, seq, Infinity);
      }
    }
    // If no waker claimed us (we re-checked, timed out, or woke spuriously), uncount ourselves.
    if (port.endSleep()) sys.sub(c, L.SLEEPERS, 1);
  }

  /** Runs the task `ref` names, if it is still queued. Returns a promise when its module must load first. */
  private execute(ref: number): Promise<void> | undefined {
    const p = L.portOfRef(ref);
    const i = L.indexOfRef(ref);
    const port = this.shared.ports[p];
    if (port === undefined) return;
    const r = port.rec(i);
    const words = port.words;
    // Taking the task: the one CAS that makes it ours (queue entries are only hints).
    if (sys.cas(words, r + L.STATE, L.QUEUED, L.RUNNING_BASE + this.data.execId) !== L.QUEUED) return;
    sys.store(this.c, this.base + L.RUN, ++this.ran);
    const id = words[r + L.FN]!;
    const fn = this.fns[id];
    if (fn === undefined) return this.load(id).then(() => this.call(p, i));
    this.call(p, i);
    return undefined;
  }

  /** Imports the module of function `id` and caches the export (or the error explaining its absence). */
  private async load(id: number): Promise<void> {
    const [href, name] = splitKey(this.shared.functions.keyOf(id));
    let mod = this.modules.get(href);
    if (mod === undefined) {
      mod = import(href) as Promise<Record<string, unknown>>;
      this.modules.set(href, mod);
    }
    try {
      const ns = await mod;
      const fn = ns[name];
      this.fns[id] =
        typeof fn === "function"
          ? (fn as TaskFn)
          : new TypeError(
              `ThreadPool: ${href} has no exported function ${JSON.stringify(name)} ` +
                (name in ns ? `(its ${JSON.stringify(name)} export is ${typeof fn})` : `(its exports: ${Object.keys(ns).join(", ") || "none"})`),
            );
    } catch (e) {
      this.fns[id] = e instanceof Error ? e : new Error(String(e));
    }
  }

  private call(p: number, i: number): void {
    const port = this.shared.ports[p]!;
    const r = port.rec(i);
    const words = port.words;
    const fn = this.fns[words[r + L.FN]!]!;
    const count = words[r + L.COUNT]!;
    const len = words[r + L.ARG_LEN]!;
    const at = words[r + L.ARG_AT]!;
    if (fn instanceof Error) {
      if (at !== 0) this.shared.arena.free(at);
      return this.fail(p, i, fn);
    }
    const bytes = at === 0 ? port.bytes : this.shared.arenaBytes(at + len);
    const view = at === 0 ? port.view : this.shared.arenaView;
    const off = at === 0 ? port.inlineAt(i) : at;
    const kind = bytes[off];
    if (kind === P.ARGS_NUMS || kind === P.ARGS_STRUCT) {
      let v: unknown;
      try {
        if (at === 0 && kind === P.ARGS_NUMS) {
          // One to three numbers: call without building an argument array.
          switch (bytes[off + 1]) {
            case 0:
              v = fn();
              break;
            case 1:
              v = fn(view.getFloat64(off + 2, true));
              break;
            case 2:
              v = fn(view.getFloat64(off + 2, true), view.getFloat64(off + 10, true));
              break;
            case 3:
              v = fn(view.getFloat64(off + 2, true), view.getFloat64(off + 10, true), view.getFloat64(off + 18, true));
              break;
            default:
              v = fn(...P.decodeArgs(bytes, view, off, len));
          }
        } else {
          let args: unknown[];
          try {
            args = P.decodeArgs(bytes, view, off, len);
          } finally {
            if (at !== 0) this.shared.arena.free(at);
          }
          v = fn(...args);
        }
      } catch (e) {
        return this.fail(p, i, e);
      }
      if (isThenable(v)) this.settleLater(p, i, v, false);
      else this.succeed(p, i, v, false);
      return;
    }
    let argsList: unknown[][];
    try {
      argsList = P.decodeMany(bytes, view, off, len, count);
    } catch (e) {
      return this.fail(p, i, e);
    } finally {
      if (at !== 0) this.shared.arena.free(at);
    }
    const results = new Array<unknown>(count);
    let later = false;
    for (let k = 0; k < count; k++) {
      let v: unknown;
      try {
        v = fn(...argsList[k]!);
      } catch (e) {
        // Promises already started in this chunk must not become unhandled rejections.
        if (later) for (let j = 0; j < k; j++) if (isThenable(results[j])) (results[j] as Promise<unknown>).then(undefined, () => {});
        return this.fail(p, i, e);
      }
      if (isThenable(v)) later = true;
      results[k] = v;
    }
    if (later) this.settleLater(p, i, Promise.all(results), true);
    else this.succeed(p, i, results, true);
  }

  private settleLater(p: number, i: number, v: PromiseLike<unknown>, many: boolean): void {
    this.asyncPending++;
    v.then(
      (x) => {
        this.asyncPending--;
        this.succeed(p, i, x, many);
      },
      (e) => {
        this.asyncPending--;
        this.fail(p, i, e);
      },
    );
  }

  private succeed(p: number, i: number, value: unknown, many: boolean): void {
    const w = P.takeWriter();
    try {
      if (many) P.encodeResults(w, value as unknown[]);
      else P.encodeResult(w, value);
      this.complete(p, i, L.Outcome.Ok, w);
    } catch (e) {
      P.releaseWriter(w);
      const msg = e instanceof Error ? e.message : String(e);
      return this.fail(p, i, new DataCloneError(`ThreadPool: the task's result cannot be sent back: ${msg}`));
    }
    P.releaseWriter(w);
  }

  private fail(p: number, i: number, error: unknown): void {
    const w = P.takeWriter();
    try {
      try {
        P.encodeError(w, serializeError(error));
      } catch {
        // A property of the error that even the error record cannot carry: keep name and message.
        w.reset();
        P.encodeError(w, serializeError(new Error(error instanceof Error ? `${error.name}: ${error.message}` : String(error))));
      }
      this.complete(p, i, L.Outcome.Threw, w);
    } finally {
      P.releaseWriter(w);
    }
  }

  /** Writes the result into record `i` of port `p` and hands the record back to its owner. */
  private complete(p: number, i: number, kind: L.Outcome, w: Writer): void {
    const port = this.shared.ports[p]!;
    const r = port.rec(i);
    const words = port.words;
    const at = P.place(w, port.bytes, port.inlineAt(i), L.INLINE_BYTES, this.shared.arena);
    words[r + L.RES_KIND] = kind;
    words[r + L.RES_LEN] = w.pos;
    words[r + L.RES_AT] = at;
    sys.store(words, r + L.STATE, L.DONE);
    port.pushCompletion(i);
    this.shared.wakePort(p);
  }
}
