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
import { releasePins } from "../channel/codec.js";
import { unpinIds } from "../share/directory.js";
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
  /** Chunks still waiting for a record (see Deferred). */
  deferred: Deferred[];
  resolve(v: unknown[]): void;
  reject(e: unknown): void;
  signal: AbortSignal | undefined;
}

type Settle = (v: unknown) => void;

/**
 * A task (or chunk) submitted while every record of the port was in use: its payload waits here,
 * already encoded (so later changes to the arguments do not leak in), until a record frees up.
 * A task with an AbortSignal gets one too (with no bytes) even when it has a record: the handle
 * its signal's watch list holds.
 */
interface Deferred {
  fn: number;
  count: number;
  bytes: Uint8Array;
  resolve: Settle | undefined;
  reject: Settle | undefined;
  many: Many | undefined;
  manyAt: number;
  /** Cancelled or failed before it got a record. */
  dead: boolean;
  /** Its record once it has one. */
  index: number;
  signal: AbortSignal | undefined;
  /** Shared buffers `bytes` names (pinned; see share/directory), or null. */
  pins: number[] | null;
  /** Channel ends in its arguments (see payload.ts), or null. */
  leased: P.Leased | null;
}

/** Calls per `runMany` record at most (one record's payload: ≤ 9 bytes per call of one number). */
const MAX_CHUNK = 1024;

const isSignal = (s: unknown): s is AbortSignal => typeof AbortSignal !== "undefined" && s instanceof AbortSignal;

const EMPTY = new Uint8Array(0);

const handle = (fn: number, count: number, bytes: Uint8Array, index: number, many: Many | undefined): Deferred => ({
  fn, count, bytes, resolve: undefined, reject: undefined, many, manyAt: 0, dead: false, index, signal: undefined, pins: null, leased: null,
});

/** A backlog entry leaves without getting a record: its payload's pins go with it, its channel ends are released. */
const dropDeferred = (d: Deferred): void => {
  if (d.pins !== null) unpinIds(d.pins);
  d.pins = null;
  if (d.leased !== null) P.releaseLeases(d.leased);
  d.leased = null;
};

const isMany = (h: Deferred | Many): h is Many => "results" in h;

/**
 * The resolving functions of the promise just made: `new Promise(capture)` runs `capture` at
 * once, and one shared executor saves a closure per task.
 */
const captured: { resolve: Settle; reject: Settle } = { resolve: () => {}, reject: () => {} };
const capture = (resolve: Settle, reject: Settle): void => {
  captured.resolve = resolve;
  captured.reject = reject;
};

export abstract class Submitter {
  readonly port: Port;
  private readonly free: number[] = [];
  private used = 0;
  private head = 0;
  private readonly resolvers: Array<Settle | undefined> = [];
  private readonly rejecters: Array<Settle | undefined> = [];
  /** Per record: the handle of a task that has an AbortSignal. */
  private readonly handles: Array<Deferred | undefined> = [];
  /**
   * One abort listener per signal, however many tasks share it: Node's `removeEventListener` is
   * a linear search, so a listener per task made n tasks on one signal cost O(n²).
   */
  private readonly watches = new Map<AbortSignal, { onAbort: () => void; members: Set<Deferred | Many> }>();
  private readonly many: Array<Many | undefined> = [];
  /** Per record: the channel ends its arguments hold (see payload.ts), released here if it never runs or its worker dies. */
  private readonly leased: Array<P.Leased | undefined> = [];
  private readonly manyAt: number[] = [];
  private readonly fnCache = new Map<string, Map<string, number>>();
  /** 1 for records this incarnation handed out and has not had back (see `adopt`). */
  private mine = new Uint8Array(64);
  /** Tasks waiting for a record (`backlog[backlogHead…]`), oldest first. */
  private backlog: Array<Deferred | undefined> = [];
  private backlogHead = 0;
  /** Records handed out and not yet back. */
  outstanding = 0;
  /**
   * Records among `outstanding` whose task was settled already (aborted by its signal while it
   * ran: its promise rejected, its result will be dropped), by index. While only those are left,
   * nothing anyone awaits depends on the pool, and it must not keep a Node process alive for them
   * — a task that never ended kept it alive for good (a helper's audit, thirteenth session).
   */
  private readonly abandoned = new Set<number>();

  /** Whether every task still outstanding is one whose promise was settled already. */
  get onlyAbandoned(): boolean {
    return this.abandoned.size > 0 && this.pending === this.abandoned.size;
  }

  /** Tasks submitted from this thread and not settled: in records, or waiting for one. */
  get pending(): number {
    return this.outstanding + this.backlog.length - this.backlogHead;
  }

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
    let i = -1;
    let d: Deferred | undefined;
    try {
      this.checkSignal(signal);
      const fn = this.fnId(moduleUrl, exportName);
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (this.hasRoom()) i = this.fill(fn, 1, args, null, 0, 0);
      else d = this.defer(fn, 1, args, null, 0, 0);
    } catch (e) {
      return Promise.reject(e);
    }
    const p = new Promise<R>(capture as (res: (v: R) => void, rej: Settle) => void);
    if (d !== undefined) {
      d.resolve = captured.resolve;
      d.reject = captured.reject;
    } else {
      this.resolvers[i] = captured.resolve;
      this.rejecters[i] = captured.reject;
    }
    if (signal !== undefined) {
      if (d === undefined) d = this.handles[i] = handle(0, 1, EMPTY, i, undefined);
      d.signal = signal;
      this.watch(d);
      if (d.index >= 0) d = undefined;
    }
    if (d === undefined) this.publish(L.refOf(this.portId, i));
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
      m = { results: new Array(n), left: 0, done: false, records: [], deferred: [], resolve, reject, signal };
      const chunk = Math.min(MAX_CHUNK, Math.max(1, Math.ceil(n / (this.threadCount * 8))));
      try {
        for (let from = 0; from < n; from += chunk) {
          const to = Math.min(n, from + chunk);
          if (this.hasRoom()) {
            const i = this.fill(fn, to - from, null, argsList as unknown[][], from, to);
            this.many[i] = m;
            this.manyAt[i] = from;
            m.records.push(i);
          } else {
            const d = this.defer(fn, to - from, null, argsList as unknown[][], from, to);
            d.many = m;
            d.manyAt = from;
            m.deferred.push(d);
          }
          m.left++;
        }
      } catch (e) {
        // Nothing was published yet: give every record back.
        for (const i of m.records) {
          this.dropPayload(i);
          this.release(i);
        }
        for (const d of m.deferred) d.dead = true;
        throw e;
      }
      if (signal !== undefined) this.watch(m);
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

  /** Whether a task submitted now gets a record at once (none is waiting before it). */
  private hasRoom(): boolean {
    return this.backlogHead === this.backlog.length && (this.free.length > 0 || this.used < this.port.cap);
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
    let leased: P.Leased | null = null;
    try {
      leased = args !== null ? P.encodeArgs(w, args) : P.encodeMany(w, argsList!, from, to);
      len = w.pos;
      at = P.place(w, port.bytes, port.inlineAt(i), L.INLINE_BYTES, this.shared.arena);
    } catch (e) {
      releasePins(w); // (the ends' references too: the task was never published)
      this.release(i);
      throw e;
    } finally {
      P.releaseWriter(w);
    }
    this.queued(i, r, fn, count, len, at);
    if (leased !== null) this.leased[i] = leased;
    return i;
  }

  /** Encodes a task that finds every record in use, and puts it in the backlog. */
  private defer(fn: number, count: number, args: unknown[] | null, argsList: unknown[][] | null, from: number, to: number): Deferred {
    const w = P.takeWriter();
    let bytes: Uint8Array;
    let pins: number[] | null = null;
    let leased: P.Leased | null;
    try {
      leased = args !== null ? P.encodeArgs(w, args) : P.encodeMany(w, argsList!, from, to);
      bytes = w.buf.slice(0, w.pos);
      if (w.pins.length > 0) {
        pins = w.pins;
        w.pins = [];
      }
      // The bytes hold those references now (released through d.leased if dropped). A new list
      // only if there were some: one allocated per queued task showed in the profile.
      if (w.ends.length > 0) w.ends = [];
    } finally {
      P.releaseWriter(w);
    }
    const d = handle(fn, count, bytes, -1, undefined);
    d.pins = pins;
    d.leased = leased;
    this.backlog.push(d);
    return d;
  }

  /** Moves waiting tasks into records as records free up, and publishes them. */
  private pump(): void {
    if (this.stopped) return;
    const port = this.port;
    while (this.backlogHead < this.backlog.length && (this.free.length > 0 || this.used < port.cap)) {
      const d = this.backlog[this.backlogHead]!;
      this.backlog[this.backlogHead++] = undefined;
      if (d.dead || d.many?.done) {
        dropDeferred(d);
        continue;
      }
      const i = this.alloc();
      const r = port.rec(i);
      let at = 0;
      const len = d.bytes.length;
      try {
        if (len <= L.INLINE_BYTES) port.bytes.set(d.bytes, port.inlineAt(i));
        else {
          at = this.shared.arena.alloc(len);
          this.shared.arena.bytes.set(d.bytes, at);
        }
      } catch (e) {
        this.release(i);
        dropDeferred(d);
        if (d.many !== undefined) this.abortMany(d.many, e);
        else this.abortDeferred(d, e);
        continue;
      }
      this.queued(i, r, d.fn, d.count, len, at);
      d.pins = null; // the record's payload names them now
      if (d.leased !== null) this.leased[i] = d.leased;
      d.leased = null;
      if (d.many !== undefined) {
        this.many[i] = d.many;
        this.manyAt[i] = d.manyAt;
        d.many.records.push(i);
      } else {
        this.resolvers[i] = d.resolve;
        this.rejecters[i] = d.reject;
        if (d.signal !== undefined) this.handles[i] = d;
        d.index = i;
      }
      this.publish(L.refOf(this.portId, i));
    }
    if (this.backlogHead === this.backlog.length) {
      this.backlog = [];
      this.backlogHead = 0;
    } else if (this.backlogHead > 4096 && this.backlogHead * 2 > this.backlog.length) {
      this.backlog = this.backlog.slice(this.backlogHead);
      this.backlogHead = 0;
    }
  }

  /** Fills record `i`'s fields and publishes the record (not yet its ref). */
  private queued(i: number, r: number, fn: number, count: number, len: number, at: number): void {
    const words = this.port.words;
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

  /** Gives back a record that was never published (releasing the channel ends its payload holds). */
  private release(i: number): void {
    this.dropLeases(i, true);
    const r = this.port.rec(i);
    sys.store(this.port.words, r + L.STATE, L.FREE);
    this.many[i] = undefined;
    this.free.push(i);
    if (this.mine[i] === 1) {
      this.mine[i] = 0;
      this.outstanding--;
      this.abandoned.delete(i);
    }
  }

  /**
   * Rejects every task still pending with `error` (the pool is being terminated); queued records
   * are taken back, running ones are forgotten.
   */
  protected failAll(error: Error): void {
    this.stopped = true;
    for (let i = 0; i < this.used; i++) {
      const m = this.many[i];
      if (m !== undefined) this.abortMany(m, error);
      else if (this.rejecters[i] !== undefined) this.abort(i, error);
      // Queued ones were taken back above (and released); running ones will not finish.
      this.dropLeases(i, true);
    }
    for (let k = this.backlogHead; k < this.backlog.length; k++) {
      const d = this.backlog[k];
      if (d === undefined) continue;
      dropDeferred(d);
      if (d.many !== undefined) this.abortMany(d.many, error);
      else this.abortDeferred(d, error);
    }
    this.backlog = [];
    this.backlogHead = 0;
    this.port.ring();
  }

  /** Set once the pool is terminated: nothing more will complete. */
  protected stopped = false;

  // ------------------------------------------------------------------------------ cancel

  /** Puts a task (its handle) or a runMany on its signal's watch list. */
  private watch(h: Deferred | Many): void {
    const signal = h.signal!;
    let w = this.watches.get(signal);
    if (w === undefined) {
      const onAbort = () => {
        const members = this.watches.get(signal)?.members;
        this.watches.delete(signal);
        for (const m of members ?? []) {
          if (isMany(m)) this.abortMany(m, signal.reason);
          else if (m.index >= 0) this.abort(m.index, signal.reason);
          else this.abortDeferred(m, signal.reason);
        }
      };
      w = { onAbort, members: new Set() };
      this.watches.set(signal, w);
      signal.addEventListener("abort", onAbort, { once: true });
    }
    w.members.add(h);
  }

  /** Takes a settled task off its signal's watch list (the last one removes the listener). */
  private unwatch(h: Deferred | Many): void {
    const signal = h.signal;
    if (signal === undefined) return;
    h.signal = undefined;
    const w = this.watches.get(signal);
    if (w === undefined || !w.members.delete(h) || w.members.size > 0) return;
    this.watches.delete(signal);
    signal.removeEventListener("abort", w.onAbort);
  }

  private abortDeferred(d: Deferred, reason: unknown): void {
    if (d.dead) return;
    d.dead = true;
    // It will never run: its channel ends are released now, not when the backlog moves.
    if (d.leased !== null) P.releaseLeases(d.leased);
    d.leased = null;
    this.unwatch(d);
    d.reject!(reason);
  }

  private abort(i: number, reason: unknown): void {
    const reject = this.rejecters[i];
    if (reject === undefined) return;
    this.forget(i);
    if (this.tryCancel(i)) this.pump();
    else if (this.mine[i] === 1) this.abandoned.add(i); // running: its result will be dropped
    reject(reason);
  }

  /** Drops a single task's settle functions and its signal watch (it is being settled). */
  private forget(i: number): void {
    this.resolvers[i] = this.rejecters[i] = undefined;
    const h = this.handles[i];
    if (h !== undefined) {
      this.handles[i] = undefined;
      this.unwatch(h);
    }
  }

  private abortMany(m: Many, reason: unknown): void {
    if (m.done) return;
    m.done = true;
    this.unwatch(m);
    for (const i of m.records) if (this.many[i] === m && !this.tryCancel(i) && this.mine[i] === 1) this.abandoned.add(i);
    for (const d of m.deferred) {
      d.dead = true;
      if (d.leased !== null) P.releaseLeases(d.leased);
      d.leased = null;
    }
    m.reject(reason);
    this.pump();
  }

  /** Takes a queued record back (it will never run); false if an executor has it already. */
  private tryCancel(i: number): boolean {
    const r = this.port.rec(i);
    const words = this.port.words;
    // The same CAS an executor makes to take the task: exactly one of us wins. Queue entries
    // that still name the record are skipped by executors (their CAS fails), or take a later
    // task in the reused record, which is then simply run early.
    if (sys.cas(words, r + L.STATE, L.QUEUED, L.FREE) !== L.QUEUED) return false;
    this.dropPayload(i);
    this.dropLeases(i, true);
    this.many[i] = undefined;
    this.free.push(i);
    this.mine[i] = 0;
    this.outstanding--;
    return true;
  }

  /**
   * Forgets record `i`'s channel ends; with `release`, first releases those its call has not
   * (it never ran, or its worker died or is being stopped: the lease words make it exactly once).
   */
  private dropLeases(i: number, release: boolean): void {
    const leased = this.leased[i];
    if (leased === undefined) return;
    this.leased[i] = undefined;
    if (release) P.releaseLeases(leased);
  }

  /**
   * If record `i`'s payload holds leased channel ends (ARGS_LEASED / MANY_LEASED), drops it by
   * decoding it and closing its ends through their lease words (exactly once, whoever else may
   * hold them), its buffers unpinned and its arena block freed: true. Else false.
   */
  private dropLeasedPayload(i: number): boolean {
    const port = this.port;
    const r = port.rec(i);
    const len = port.words[r + L.ARG_LEN]!;
    const at = port.words[r + L.ARG_AT]!;
    const bytes = at === 0 ? port.bytes : this.shared.arenaBytes(at + len);
    const off = at === 0 ? port.inlineAt(i) : at;
    const kind = bytes[off];
    if (kind !== P.ARGS_LEASED && kind !== P.MANY_LEASED) return false;
    try {
      const [args, words] = P.decodeLeased(bytes, off, len);
      for (const end of P.takeLeases(args, words)) end.close();
    } catch {
      // Undecodable: its pins were released by the decode; its ends stay (a leak).
    } finally {
      if (at !== 0) this.shared.arena.free(at);
    }
    return true;
  }

  /**
   * Drops record `i`'s argument payload, which will never be decoded: unpins the shared buffers
   * it names and frees its arena block.
   */
  private dropPayload(i: number): void {
    const port = this.port;
    const r = port.rec(i);
    const len = port.words[r + L.ARG_LEN]!;
    const at = port.words[r + L.ARG_AT]!;
    if (at === 0) P.releasePayload(port.bytes, port.inlineAt(i), len);
    else {
      P.releasePayload(this.shared.arenaBytes(at + len), at, len);
      this.shared.arena.free(at);
    }
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
      if (s === L.FREE) this.free.push(i);
      else if (s === L.QUEUED && sys.cas(port.words, r + L.STATE, L.QUEUED, L.FREE) === L.QUEUED) {
        // The dead incarnation's lease list died with it: a leased payload's ends are released
        // through the words it carries.
        if (!this.dropLeasedPayload(i)) this.dropPayload(i);
        this.free.push(i);
      }
    }
  }

  // --------------------------------------------------------------------------- complete

  /** Settles every completed record waiting in the port; returns how many. */
  drain(): number {
    const start = this.head;
    const h = this.settleFrom(start);
    if (h === start) return 0;
    this.head = h;
    sys.store(this.port.words, L.CHEAD, h);
    if (this.backlogHead < this.backlog.length) this.pump();
    return (h - start) | 0;
  }

  /**
   * Settles the completions from ring position `h` on; returns the position after the last. The
   * loop is all there is (it returns from inside): a first call that drains thousands of
   * completions gets the loop compiled on the stack, and code after such a loop that had never run
   * deoptimized on every later call (seen with --trace-deopt: ~500 times over the bench suites).
   */
  private settleFrom(h: number): number {
    const port = this.port;
    for (;;) {
      const i = port.peekCompletion(h);
      if (i < 0) return h;
      port.clearCompletion(h);
      h = (h + 1) | 0;
      this.finish(i);
    }
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
    if (reject === undefined && kind !== L.Outcome.Died) {
      // Nobody waits for this result (cancelled, or its runMany failed): drop it undecoded.
      if (at === 0) P.releasePayload(port.bytes, port.inlineAt(i), len);
      else P.releasePayload(this.shared.arenaBytes(at + len), at, len);
    }
    if (at !== 0 && kind !== L.Outcome.Died) this.shared.arena.free(at);
    // The call closed its channel ends when it ended (flipping their lease words: this is then a
    // no-op); one whose worker died, or that never started (its function failed to load, its
    // arguments failed to decode), did not.
    this.dropLeases(i, true);
    sys.store(words, r + L.STATE, L.FREE);
    this.many[i] = undefined;
    this.free.push(i);
    if (this.mine[i] === 1) {
      this.mine[i] = 0;
      this.outstanding--;
      this.abandoned.delete(i);
    }
    if (m !== undefined) {
      if (m.done) return;
      if (failed) this.abortMany(m, value);
      else if (--m.left === 0) {
        m.done = true;
        this.unwatch(m);
        m.resolve(m.results);
      }
      return;
    }
    if (reject === undefined) return;
    this.forget(i);
    if (failed) reject(value);
    else resolve!(value);
  }

  private died(fn: number, code: number): WorkerExitError {
    const [href, name] = splitKey(this.shared.functions.keyOf(fn));
    return new WorkerExitError(`${this.what}: the worker running ${name}() from ${href} died (exit code ${code}) before the task finished`, code);
  }
}
