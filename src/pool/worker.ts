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
import { Writer as CodecWriter, codecs, releasePins, type Writer } from "../channel/codec.js";
import { collectLeasables, type Leasable } from "../share/index.js";
import { settleBuffers, settleIdle } from "../share/directory.js";
import * as P from "./payload.js";
import * as Q from "./queues.js";
import * as L from "./layout.js";

/** What a pool worker is started with. */
export interface PoolWorkerData {
  registry: SharedArrayBuffer;
  /** The registry's pin table (share/directory). */
  pins: SharedArrayBuffer | null;
  weftSlot: number;
  buffers: PoolBuffers;
  /** Worker slot (its deque and its port `slot + 1`). */
  slot: number;
  /** Unique id of this incarnation of the slot (recorded in the records it runs). */
  execId: number;
  idleTimeoutMs: number;
  name: string;
}

/** Polls for work this many times before napping (each poll is a few atomic loads). */
const SPINS = 64;
/**
 * Then naps this many times (a ~0.02 ms timed wait each, in practice ~0.05–0.1 ms: the kernel's
 * timer slack), polling between naps, before parking for good. A napping worker needs no
 * `notify` to resume: while one naps, submitters wake nobody (it counts as searching). A parked
 * worker costs its waker a futex wake — and on a loaded machine often the waker's time slice.
 */
const NAPS = 32;
/** Longest an idle worker polls for an announced burst of tasks (ms; see `idle`). */
const EXPECT_POLL_MS = 1;
/** Longest single park of an idle worker (ms): see `park`. */
const DIRECTORY_SLICE_MS = 500;
const napWord = new Int32Array(new SharedArrayBuffer(4));
/**
 * With promises or nested tasks pending, settle completions and let promise callbacks run every
 * this many tasks (and when out of work)…
 */
const TASKS_PER_DRAIN = 8;
/** …and give the event loop a full turn (timers, I/O) every this many of those. */
const TURNS_PER_MACROTASK = 16;

type TaskFn = (...args: unknown[]) => unknown;

/** Whether the structured codec can carry `v` (a trial encode, whose references are given back). */
function encodable(v: unknown): boolean {
  const w = new CodecWriter();
  try {
    codecs.structured.encode(v, w);
    return true;
  } catch {
    return false;
  } finally {
    releasePins(w);
  }
}

/**
 * Calls `fn` once per argument array of a runMany chunk: the results, or one promise of them if
 * any call returned a promise. Throws what a call throws — after making sure the promises the
 * chunk already started cannot become unhandled rejections.
 */
function runChunk(fn: TaskFn, argsList: unknown[][], count: number): unknown {
  const results = new Array<unknown>(count);
  let later = false;
  for (let k = 0; k < count; k++) {
    try {
      results[k] = fn(...argsList[k]!);
    } catch (e) {
      if (later) for (let j = 0; j < k; j++) if (isThenable(results[j])) (results[j] as Promise<unknown>).then(undefined, () => {});
      throw e;
    }
    if (isThenable(results[k])) later = true;
  }
  return later ? Promise.all(results) : results;
}

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
    let sinceDrain = 0;
    for (;;) {
      const ref = this.take();
      if (ref >= 0) {
        const loading = this.execute(ref);
        if (loading !== undefined) await loading;
        if ((this.asyncPending > 0 || this.nested.pending > 0) && ++sinceDrain >= TASKS_PER_DRAIN) {
          sinceDrain = 0;
          this.nested.drain();
          // Let settled promises continue, and now and then timers and I/O too.
          if (++sinceTurn >= TURNS_PER_MACROTASK) {
            sinceTurn = 0;
            await nextTurn();
          } else await undefined;
        }
        continue;
      }
      sinceDrain = 0;
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
    if (spill.length > 0) {
      // Nested tasks that did not fit the deque: move a batch in, where idle workers can steal.
      const n = Math.min(spill.length, L.DEQUE_CAP >> 1);
      let k = 0;
      while (k < n && Q.dequePush(c, this.base, spill[k]!)) k++;
      spill.splice(0, k);
      if (k > 0) this.shared.wakeWorker();
      ref = Q.dequePop(c, this.base);
      if (ref >= 0) return ref;
      if (spill.length > 0) return spill.pop()!;
    }
    ref = Q.injectTake(c);
    if (ref >= 0) {
      // More waiting: make sure someone else is on it too (wakes one only if none is searching).
      if (Q.injectLen(c) > 0) this.shared.wakeWorker();
      return ref;
    }
    const n = this.shared.threads;
    for (let j = 1; j < n; j++) {
      const victim = L.workerBase((this.data.slot + j) % n);
      for (;;) {
        const s = Q.dequeSteal(c, victim);
        if (s === Q.RETRY) continue;
        if (s >= 0) {
          sys.store(c, this.base + L.STOLEN, ++this.stolen);
          if (Q.dequeLen(c, victim) > 0) this.shared.wakeWorker();
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
    const c = this.c;
    // Only the first searcher naps: the others park at once (it will wake them if work piles up).
    // Not while promises are pending here either: a nap blocks the event loop they need.
    const busy = this.asyncPending > 0 || this.nested.pending > 0;
    const naps = sys.add(c, L.SEARCHING, 1) === 0 && !busy ? NAPS : 0;
    // A burst of tasks announced (PoolShared.announce): poll without sleeping until it is
    // published (at most EXPECT_POLL_MS per idle spell), so its tasks find this thread running.
    // Napping instead (a timed futex wait, which here gives the core back to the hypervisor)
    // measured no gain at all.
    if (!busy && this.shared.expecting()) {
      const until = sys.now() + EXPECT_POLL_MS;
      while (sys.now() < until && this.shared.expecting()) {
        if (this.hasWork()) {
          sys.sub(c, L.SEARCHING, 1);
          return;
        }
      }
    }
    for (let s = 0; s < SPINS + naps; s++) {
      if (this.hasWork()) {
        sys.sub(c, L.SEARCHING, 1);
        return;
      }
      if (s >= SPINS) sys.wait(napWord, 0, 0, 0.02);
    }
    const port = this.nested.port;
    // Flag, count, stop searching, then look once more: a submitter publishes, then reads
    // SEARCHING and SLEEPERS (see PoolShared.wakeWorker).
    const seq = port.prepareSleep();
    sys.add(c, L.SLEEPERS, 1);
    sys.sub(c, L.SEARCHING, 1);
    let res: sys.AsyncWaitResult = "not-equal";
    if (!this.hasWork()) {
      if (busy) res = await sys.waitAsync(port.words, L.SEQ, seq, sys.LIVENESS_SLICE_MS);
      else {
        // Parked, this thread runs no code: let go of the shared buffers no message names now
        // (posts that arrive while we sleep wait in the queue until we wake).
        settleBuffers(true);
        res = this.park(port.words, seq);
      }
    }
    // If no waker claimed us (we re-checked, timed out, or woke spuriously), uncount ourselves.
    if (port.endSleep()) sys.sub(c, L.SLEEPERS, 1);
    if (res === "timed-out" && !busy) this.retire();
  }

  /**
   * Parks on the port's sequence word for up to `idleTimeoutMs`, in slices of at most
   * `DIRECTORY_SLICE_MS`: buffers posted to the directory while we sleep stay alive in our queue
   * until we drain it, so each slice drains it if anything was posted (one load otherwise), and
   * forgets the buffers it spared when it parked (see `settleBuffers`).
   */
  private park(words: Int32Array, seq: number): sys.WaitResult {
    const until = sys.now() + this.data.idleTimeoutMs;
    for (;;) {
      const left = until - sys.now();
      const res = sys.wait(words, L.SEQ, seq, Math.max(0, Math.min(DIRECTORY_SLICE_MS, left)));
      if (res !== "timed-out" || left <= DIRECTORY_SLICE_MS) return res;
      settleIdle();
    }
  }

  /**
   * Idle for `idleTimeoutMs`: leave. EXEC goes to 0 first, then we look for work once more. The
   * owner publishes a task, then reads EXEC: if it read our id, our look comes after its publish
   * and sees the task, and we stay (CAS 0 → id); if it read 0, it claimed the slot (0 → -1) to
   * start a new worker, our CAS back fails, and we go.
   */
  private retire(): void {
    const c = this.c;
    const at = this.base + L.EXEC;
    const me = this.data.execId;
    if (sys.cas(c, at, me, 0) !== me) return;
    if (this.hasWork() && sys.cas(c, at, 0, me) === 0) return;
    (globalThis as any).process.exit(0);
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
      // The arguments are never decoded: unpin the shared buffers they name.
      if (at === 0) P.releasePayload(port.bytes, port.inlineAt(i), len);
      else {
        P.releasePayload(this.shared.arenaBytes(at + len), at, len);
        this.shared.arena.free(at);
      }
      return this.fail(p, i, fn);
    }
    const bytes = at === 0 ? port.bytes : this.shared.arenaBytes(at + len);
    const view = at === 0 ? port.view : this.shared.arenaView;
    const off = at === 0 ? port.inlineAt(i) : at;
    const kind = bytes[off];
    if (kind === P.ARGS_LEASED || kind === P.MANY_LEASED) return this.callLeased(p, i, fn, kind === P.MANY_LEASED, count, bytes, off, len, at);
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
    let v: unknown;
    try {
      v = runChunk(fn, argsList, count);
    } catch (e) {
      return this.fail(p, i, e);
    }
    if (isThenable(v)) this.settleLater(p, i, v, true);
    else this.succeed(p, i, v, true);
  }

  /**
   * A call (or runMany chunk) whose arguments hold channel ends (payload.ts): they are the
   * task's, closed when it ends — returned, thrown or settled — like a spawned function's.
   * Their lease words let the submitter release them instead if this worker dies first.
   */
  private callLeased(p: number, i: number, fn: TaskFn, many: boolean, count: number, bytes: Uint8Array, off: number, len: number, at: number): void {
    let args: unknown[];
    let ends: Leasable[];
    try {
      let words: Int32Array;
      try {
        [args, words] = P.decodeLeased(bytes, off, len);
      } finally {
        if (at !== 0) this.shared.arena.free(at);
      }
      ends = P.takeLeases(args, words);
    } catch (e) {
      return this.fail(p, i, e);
    }
    const close = (): void => {
      for (const end of ends) end.close();
    };
    let v: unknown;
    try {
      v = many ? runChunk(fn, args as unknown[][], count) : fn(...args);
    } catch (e) {
      return this.fail(p, i, e, close);
    }
    if (isThenable(v)) return this.settleLater(p, i, v, many, close);
    this.succeed(p, i, v, many, close);
  }

  /** `ending` (see `complete`) runs once the call's outcome is encoded, before it is published. */
  private settleLater(p: number, i: number, v: PromiseLike<unknown>, many: boolean, ending?: () => void): void {
    this.asyncPending++;
    v.then(
      (x) => {
        this.asyncPending--;
        this.succeed(p, i, x, many, ending);
      },
      (e) => {
        this.asyncPending--;
        this.fail(p, i, e, ending);
      },
    );
  }

  private succeed(p: number, i: number, value: unknown, many: boolean, ending?: () => void): void {
    const w = P.takeWriter();
    try {
      if (many) P.encodeResults(w, value as unknown[]);
      else P.encodeResult(w, value);
      // Channel ends in the result move to the caller (the bytes hold their own reference of
      // each): this worker's handles are closed with the call's argument ends, as a Rust task's
      // return value moves — else an end made by the task and returned would be a reference
      // nobody closes, and its channel would never disconnect.
      const moved = w.ends.length === 0 ? null : w.ends.slice();
      this.complete(p, i, L.Outcome.Ok, w, moved === null ? ending : () => {
        ending?.();
        for (const end of moved) end.close();
      });
    } catch (e) {
      releasePins(w); // not published (an encode failure gave its own back already)
      P.releaseWriter(w);
      const msg = e instanceof Error ? e.message : String(e);
      // The ends the result held move nowhere: this worker's handles of them are closed too (an
      // end the task made and returned beside something unsendable was a reference nobody closed).
      const made = collectLeasables(value);
      const close = made.length === 0 ? ending : () => {
        ending?.();
        for (const end of made) end.close();
      };
      return this.fail(p, i, new DataCloneError(`ThreadPool: the task's result cannot be sent back: ${msg}`), close);
    }
    P.releaseWriter(w);
  }

  private fail(p: number, i: number, error: unknown, ending?: () => void): void {
    const w = P.takeWriter();
    try {
      try {
        P.encodeError(w, serializeError(error));
      } catch {
        // A property structured clone accepts and the codec refuses (a class instance): drop
        // such properties one by one, keep the rest of the error.
        w.reset();
        try {
          P.encodeError(w, serializeError(error, encodable));
        } catch {
          // Nothing of it can be carried: keep name and message.
          w.reset();
          P.encodeError(w, serializeError(new Error(error instanceof Error ? `${error.name}: ${error.message}` : String(error))));
        }
      }
      this.complete(p, i, L.Outcome.Threw, w, ending);
    } finally {
      P.releaseWriter(w);
    }
  }

  /**
   * Writes the result into record `i` of port `p` and hands the record back to its owner.
   * `ending` runs just before (the call's channel ends are closed there: after its result is
   * encoded — it may be one of them, or hold one — and before its owner can see it finished).
   */
  private complete(p: number, i: number, kind: L.Outcome, w: Writer, ending?: () => void): void {
    const port = this.shared.ports[p]!;
    const r = port.rec(i);
    const words = port.words;
    const at = P.place(w, port.bytes, port.inlineAt(i), L.INLINE_BYTES, this.shared.arena);
    ending?.();
    words[r + L.RES_KIND] = kind;
    words[r + L.RES_LEN] = w.pos;
    words[r + L.RES_AT] = at;
    sys.store(words, r + L.STATE, L.DONE);
    port.pushCompletion(i);
    this.shared.wakePort(p);
  }
}
