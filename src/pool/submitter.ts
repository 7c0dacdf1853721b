/**
 * The submitting side of a pool, on one thread: fills task records in this thread's port, hands
 * their refs to a queue, and settles the promises when the records come back. The pool's owner
 * thread publishes to the injector (ThreadPool); a worker publishes nested tasks to its own deque.
 *
 * Per task: one record from a free list (no atomics), the payload encoded in place, one atomic
 * store to publish the record, one to publish the ref, one load to see whether a worker sleeps.
 * Completions are drained in batches by whoever watches the port.
 */
import * as sys from "../sys/index.js";
import { WorkerExitError } from "../errors.js";
import { describeValue } from "../memory/layout.js";
import { moduleHref } from "../thread/spawn.js";
import { deserializeError, type ErrorRecord } from "../thread/error-wire.js";
import { fnKey, splitKey } from "./functions.js";
import type { Port } from "./port.js";
import type { PoolShared } from "./shared.js";
import * as P from "./payload.js";
import * as L from "./layout.js";

/** Options of one task (`runWith`, `runMany`). */
export interface TaskOptions {
  /**
   * Cancels the task. A task still queued is removed and never runs; a task already running
   * runs to the end (a thread cannot be interrupted), but its promise rejects at once with
   * `signal.reason` and its result is dropped.
   */
  signal?: AbortSignal;
}

/** A `runMany` call in flight. */
interface Many {
  results: unknown[];
  left: number;
  done: boolean;
  records: number[];
  resolve(v: unknown[]): void;
  reject(e: unknown): void;
  cleanup: (() => void) | undefined;
}

type Settle = (v: unknown) => void;

/** Calls per `runMany` record at most (one record's payload: ≤ 9 bytes per call of one number). */
const MAX_CHUNK = 1024;

const isSignal = (s: unknown): s is AbortSignal => typeof AbortSignal !== "undefined" && s instanceof AbortSignal;

export abstract class Submitter {
  readonly port: Port;
  private readonly free: number[] = [];
  private used = 0;
  private head = 0;
  private readonly resolvers: Array<Settle | undefined> = [];
  private readonly rejecters: Array<Settle | undefined> = [];
  private readonly cleanups: Array<(() => void) | undefined> = [];
  private readonly many: Array<Many | undefined> = [];
  private readonly manyAt: number[] = [];
  private readonly fnCache = new Map<string, Map<string, number>>();
  /** 1 for records this incarnation handed out and has not had back (see `adopt`). */
  private mine = new Uint8Array(64);
  /** Records handed out and not yet back. */
  outstanding = 0;

  constructor(
    readonly shared: PoolShared,
    readonly portId: number,
    /** For messages: "ThreadPool.run" and the like. */
    protected readonly what: string,
  ) {
    this.port = shared.ports[portId]!;
  }

  /** Hands a published record's ref to a queue (and wakes a worker). */
  protected abstract publish(ref: number): void;
  /** Called after a submission (the owner thread starts watching its port). */
  protected abstract submitted(): void;

  /** The thread pool's size, for chunking. */
  protected abstract get threadCount(): number;

  // ------------------------------------------------------------------------------ submit

  /** Submits one call; the promise settles with its result. Never throws: bad input rejects. */
  submit<R>(signal: AbortSignal | undefined, moduleUrl: unknown, exportName: unknown, args: unknown[]): Promise<R> {
    let i: number;
    try {
      this.checkSignal(signal);
      const fn = this.fnId(moduleUrl, exportName);
      if (signal?.aborted) return Promise.reject(signal.reason);
      i = this.fill(fn, 1, args, null, 0, 0);
    } catch (e) {
      return Promise.reject(e);
    }
    const p = new Promise<R>((res, rej) => {
      this.resolvers[i] = res as Settle;
      this.rejecters[i] = rej;
    });
    if (signal !== undefined) this.watch(i, signal);
    this.publish(L.refOf(this.portId, i));
    this.submitted();
    return p;
  }

  /** Submits `argsList.length` calls in chunks; one promise for all results, in order. */
  submitMany<R>(moduleUrl: unknown, exportName: unknown, argsList: unknown, opts: TaskOptions | undefined): Promise<R[]> {
    let m: Many;
    let p: Promise<R[]>;
    try {
      if (opts !== undefined && (opts === null || typeof opts !== "object")) {
        throw new TypeError(`${this.what}Many: options must be an object like { signal }, got ${describeValue(opts)}`);
      }
      const signal = opts?.signal;
      this.checkSignal(signal);
      const fn = this.fnId(moduleUrl, exportName);
      if (!Array.isArray(argsList)) throw new TypeError(`${this.what}Many: argsList must be an array of argument arrays, got ${describeValue(argsList)}`);
      const n = argsList.length;
      for (let k = 0; k < n; k++) {
        if (!Array.isArray(argsList[k])) {
          throw new TypeError(`${this.what}Many: argsList[${k}] must be an array of arguments, got ${describeValue(argsList[k])}`);
        }
      }
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (n === 0) return Promise.resolve([]);
      let resolve!: Settle, reject!: Settle;
      p = new Promise<R[]>((res, rej) => {
        resolve = res as Settle;
        reject = rej;
      });
      m = { results: new Array(n), left: 0, done: false, records: [], resolve, reject, cleanup: undefined };
      const chunk = Math.min(MAX_CHUNK, Math.max(1, Math.ceil(n / (this.threadCount * 8))));
      try {
        for (let from = 0; from < n; from += chunk) {
          const to = Math.min(n, from + chunk);
          const i = this.fill(fn, to - from, null, argsList as unknown[][], from, to);
          this.many[i] = m;
          this.manyAt[i] = from;
          m.records.push(i);
          m.left++;
        }
      } catch (e) {
        // Nothing was published yet: give every record back.
        for (const i of m.records) this.release(i);
        throw e;
      }
      if (signal !== undefined) {
        const onAbort = () => this.abortMany(m, signal.reason);
        signal.addEventListener("abort", onAbort, { once: true });
        m.cleanup = () => signal.removeEventListener("abort", onAbort);
      }
    } catch (e) {
      return Promise.reject(e);
    }
    for (const i of m.records) this.publish(L.refOf(this.portId, i));
    this.submitted();
    return p;
  }

  private checkSignal(signal: unknown): void {
    if (signal !== undefined && !isSignal(signal)) {
      throw new TypeError(`${this.what}: signal must be an AbortSignal, got ${describeValue(signal)}`);
    }
  }

  /** The function id of `exportName` in `moduleUrl` (validating both). */
  private fnId(moduleUrl: unknown, exportName: unknown): number {
    if (typeof exportName !== "string") {
      throw new TypeError(`${this.what}: exportName must be a string naming an export of the module, got ${describeValue(exportName)}`);
    }
    const key = typeof moduleUrl === "string" ? moduleUrl : moduleUrl instanceof URL ? moduleUrl.href : undefined;
    const byName = key === undefined ? undefined : this.fnCache.get(key);
    const known = byName?.get(exportName);
    if (known !== undefined) return known;
    const href = moduleHref(moduleUrl, this.what);
    const id = this.shared.functions.idOf(fnKey(href, exportName));
    if (byName !== undefined) byName.set(exportName, id);
    else this.fnCache.set(key!, new Map([[exportName, id]]));
    return id;
  }

  /**
   * Takes a record, encodes its payload (`args` of one call, or calls `from…to` of `argsList`)
   * and marks it QUEUED (not yet in any queue).
   */
  private fill(fn: number, count: number, args: unknown[] | null, argsList: unknown[][] | null, from: number, to: number): number {
    const i = this.alloc();
    const port = this.port;
    const r = port.rec(i);
    const w = P.takeWriter();
    let at: number;
    let len: number;
    try {
      if (args !== null) P.encodeArgs(w, args);
      else P.encodeMany(w, argsList!, from, to);
      len = w.pos;
      at = P.place(w, port.bytes, port.inlineAt(i), L.INLINE_BYTES, this.shared.arena);
    } catch (e) {
      this.release(i);
      throw e;
    } finally {
      P.releaseWriter(w);
    }
    const words = port.words;
    words[r + L.FN] = fn;
    words[r + L.COUNT] = count;
    words[r + L.ARG_LEN] = len;
    words[r + L.ARG_AT] = at;
    // Publishes the fields above: an executor reads them only after its CAS on STATE.
    sys.store(words, r + L.STATE, L.QUEUED);
    this.outstanding++;
    if (i >= this.mine.length) {
      const more = new Uint8Array(Math.max(i + 1, this.mine.length * 2));
      more.set(this.mine);
      this.mine = more;
    }
    this.mine[i] = 1;
    return i;
  }

  private alloc(): number {
    const i = this.free.pop();
    if (i !== undefined) return i;
    const n = this.used;
    if (n >= this.port.room) this.port.grow(n + 1);
    this.used = n + 1;
    sys.store(this.port.words, L.RECORDS, this.used);
    return n;
  }

  /** Gives back a record that was never published. */
  private release(i: number): void {
    const r = this.port.rec(i);
    sys.store(this.port.words, r + L.STATE, L.FREE);
    this.many[i] = undefined;
    this.free.push(i);
    if (this.mine[i] === 1) {
      this.mine[i] = 0;
      this.outstanding--;
    }
  }

  /**
   * Rejects every task still pending with `error` (the pool is being terminated); queued records
   * are taken back, running ones are forgotten.
   */
  protected failAll(error: Error): void {
    for (let i = 0; i < this.used; i++) {
      const m = this.many[i];
      if (m !== undefined) this.abortMany(m, error);
      else if (this.rejecters[i] !== undefined) this.abort(i, error);
    }
    this.stopped = true;
    this.port.ring();
  }

  /** Set once the pool is terminated: nothing more will complete. */
  protected stopped = false;

  // ------------------------------------------------------------------------------ cancel

  private watch(i: number, signal: AbortSignal): void {
    const onAbort = () => this.abort(i, signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    this.cleanups[i] = () => signal.removeEventListener("abort", onAbort);
  }

  private abort(i: number, reason: unknown): void {
    const reject = this.rejecters[i];
    if (reject === undefined) return;
    const cleanup = this.cleanups[i];
    this.resolvers[i] = this.rejecters[i] = this.cleanups[i] = undefined;
    cleanup?.();
    this.tryCancel(i);
    reject(reason);
  }

  private abortMany(m: Many, reason: unknown): void {
    if (m.done) return;
    m.done = true;
    const cleanup = m.cleanup;
    m.cleanup = undefined;
    cleanup?.();
    for (const i of m.records) if (this.many[i] === m) this.tryCancel(i);
    m.reject(reason);
  }

  /** Takes a queued record back (it will never run); false if an executor has it already. */
  private tryCancel(i: number): boolean {
    const r = this.port.rec(i);
    const words = this.port.words;
    // The same CAS an executor makes to take the task: exactly one of us wins. Queue entries
    // that still name the record are skipped by executors (their CAS fails), or take a later
    // task in the reused record, which is then simply run early.
    if (sys.cas(words, r + L.STATE, L.QUEUED, L.FREE) !== L.QUEUED) return false;
    const at = words[r + L.ARG_AT]!;
    if (at !== 0) this.shared.arena.free(at);
    this.many[i] = undefined;
    this.free.push(i);
    this.mine[i] = 0;
    this.outstanding--;
    return true;
  }

  /**
   * Takes over a port a previous worker of the same slot used (after it died or retired): its free
   * records, and its queued ones (nobody awaits them any more: taken back so they never run).
   * Records still running elsewhere come back through the ring later and are freed then.
   */
  adopt(): void {
    const port = this.port;
    const used = sys.load(port.words, L.RECORDS);
    this.used = used;
    this.head = sys.load(port.words, L.CHEAD);
    for (let i = used - 1; i >= 0; i--) {
      const r = port.rec(i);
      const s = sys.load(port.words, r + L.STATE);
      if (s === L.FREE || (s === L.QUEUED && sys.cas(port.words, r + L.STATE, L.QUEUED, L.FREE) === L.QUEUED)) {
        this.free.push(i);
      }
    }
  }

  // --------------------------------------------------------------------------- complete

  /** Settles every completed record waiting in the port; returns how many. */
  drain(): number {
    const port = this.port;
    let h = this.head;
    let n = 0;
    for (;;) {
      const i = port.peekCompletion(h);
      if (i < 0) break;
      port.clearCompletion(h);
      h = (h + 1) | 0;
      n++;
      this.finish(i);
    }
    if (n > 0) {
      this.head = h;
      sys.store(port.words, L.CHEAD, h);
    }
    return n;
  }

  /** Whether a completion is waiting. */
  hasCompletion(): boolean {
    return this.port.peekCompletion(this.head) >= 0;
  }

  private finish(i: number): void {
    const port = this.port;
    const r = port.rec(i);
    const words = port.words;
    const kind = words[r + L.RES_KIND]!;
    const len = words[r + L.RES_LEN]!;
    const at = words[r + L.RES_AT]!;
    const m = this.many[i];
    const resolve = this.resolvers[i];
    const reject = m === undefined ? this.rejecters[i] : m.done ? undefined : m.reject;
    let value: unknown;
    let failed = false;
    if (reject !== undefined) {
      try {
        if (kind === L.Outcome.Died) {
          value = this.died(words[r + L.FN]!, len);
          failed = true;
        } else {
          const bytes = at === 0 ? port.bytes : this.shared.arenaBytes(at + len);
          const view = at === 0 ? port.view : this.shared.arenaView;
          const off = at === 0 ? port.inlineAt(i) : at;
          if (kind === L.Outcome.Threw) {
            value = deserializeError(P.decodeResult(bytes, view, off, len) as ErrorRecord);
            failed = true;
          } else if (m !== undefined) {
            P.decodeResults(bytes, view, off, len, m.results, this.manyAt[i]!, words[r + L.COUNT]!);
          } else {
            value = P.decodeResult(bytes, view, off, len);
          }
        }
      } catch (e) {
        value = e;
        failed = true;
      }
    }
    if (at !== 0 && kind !== L.Outcome.Died) this.shared.arena.free(at);
    sys.store(words, r + L.STATE, L.FREE);
    this.many[i] = undefined;
    this.free.push(i);
    if (this.mine[i] === 1) {
      this.mine[i] = 0;
      this.outstanding--;
    }
    if (m !== undefined) {
      if (m.done) return;
      if (failed) this.abortMany(m, value);
      else if (--m.left === 0) {
        m.done = true;
        m.cleanup?.();
        m.resolve(m.results);
      }
      return;
    }
    if (reject === undefined) return;
    this.resolvers[i] = this.rejecters[i] = undefined;
    const cleanup = this.cleanups[i];
    if (cleanup !== undefined) {
      this.cleanups[i] = undefined;
      cleanup();
    }
    if (failed) reject(value);
    else resolve!(value);
  }

  private died(fn: number, code: number): WorkerExitError {
    const [href, name] = splitKey(this.shared.functions.keyOf(fn));
    return new WorkerExitError(`${this.what}: the worker running ${name}() from ${href} died (exit code ${code}) before the task finished`, code);
  }
}
