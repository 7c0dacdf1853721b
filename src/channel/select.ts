/**
 * select: wait on several channel operations at once; the first that can complete does
 * (crossbeam's `select!`).
 *
 * Readiness-based: try every arm (in a random order, so each ready arm is as likely to win and none is
 * starved by an earlier one); if none is ready, register this thread's parker word on every arm's
 * channel, re-check, and park on the parker; a peer that publishes on any of them unparks us;
 * unregister and retry. A disconnected channel counts as ready: its arm completes with an error
 * (`RecvError` / `SendError`), as in crossbeam.
 */
import * as sys from "../sys/index.js";
import { DeadlockError, RecvError, SendError } from "../errors.js";
import { currentSlot, parker } from "../thread/registry.js";
import { deadlineOf, type Deadline, type WaitOptions } from "../sync/options.js";
import { sharedBuffer } from "../memory/layout.js";
import { parkAsync, parkSync, type Park, type SlowPath } from "../sync/park.js";
import { RECV_EMPTY, SENT, SEND_DISCONNECTED, UNMARKED_PARK_MS, isSentinel, type Chan, type Encoded } from "./chan.js";
import { chanOf, closingOf, Receiver, Sender } from "./channel.js";
import type { Sendable } from "../types.js";

/** Type-only brand (nothing has it at run time): a `SendArm` comes from `sendArm`, which checks its value. */
declare const SEND_ARM: unique symbol;

/** A send operation for `select`: made by `sendArm(tx, value)` (an object literal does not type-check). */
export interface SendArm<T> {
  readonly sender: Sender<T>;
  readonly value: T;
  readonly [SEND_ARM]: true;
}

/** Describes a send for `select`. `value` must be `Sendable` (checked by the compiler). */
export const sendArm = <T, V extends T>(sender: Sender<T>, value: V & Sendable<V>): SendArm<T> => ({ sender, value }) as unknown as SendArm<T>;

/** An arm of `select`: a Receiver (receive from it) or a `sendArm(tx, value)`. */
export type SelectArm = Receiver<any> | SendArm<any>;

/**
 * What `select` did: which arm (its index in the array) and its outcome. Every variant declares
 * `value` and `error`, so `r.value` reads without narrowing first (undefined for a send arm, or a
 * receive that found the channel disconnected); `r.kind === "recv" && r.error === undefined`
 * narrows it to the value received.
 */
export type Selected =
  | { readonly index: number; readonly kind: "recv"; readonly value: unknown; readonly error?: undefined }
  | { readonly index: number; readonly kind: "recv"; readonly error: RecvError; readonly value?: undefined }
  | { readonly index: number; readonly kind: "send"; readonly error?: SendError; readonly value?: undefined }
  ;

interface Prepared {
  chan: Chan<any>;
  recv: boolean;
  value: unknown;
  enc: Encoded | null;
  entry: number;
}

/** attempt's order of the arms (a random permutation per attempt; reused, attempt never re-enters). */
const order: number[] = [];

function prepare(arms: readonly SelectArm[], where: string): Prepared[] {
  if (!Array.isArray(arms)) throw new TypeError(`${where}: expected an array of Receivers and sendArm(tx, value) arms`);
  const out: Prepared[] = [];
  try {
    for (let i = 0; i < arms.length; i++) {
      const a = arms[i];
      if (a instanceof Receiver) {
        out.push({ chan: chanOf(a, `${where}: arm ${i}`), recv: true, value: undefined, enc: null, entry: -1 });
      } else if (a !== null && typeof a === "object" && (a as SendArm<unknown>).sender instanceof Sender) {
        const chan = chanOf((a as SendArm<unknown>).sender, `${where}: arm ${i}`);
        // Encode now (own copy): a value the codec cannot carry fails before any arm runs.
        const v = (a as SendArm<unknown>).value;
        out.push({ chan, recv: false, value: v, enc: chan.encode(v, true), entry: -1 });
      } else {
        throw new TypeError(`${where}: arm ${i} is neither a Receiver nor sendArm(tx, value)`);
      }
    }
  } catch (e) {
    release(out);
    throw e;
  }
  return out;
}

/**
 * Gives back the encodings of the send arms whose message was not sent: every arm but one that
 * sent (`attempt` and `retract` null a sent arm's encoding) — the arm that completed with a
 * SendError (disconnected) included.
 */
function release(ps: Prepared[]): void {
  for (const p of ps) {
    if (p.recv || p.enc === null) continue;
    p.chan.discard(p.enc);
    p.enc = null;
  }
}

/**
 * Tries every arm once, in a random order: of the arms that are ready, each is as likely to
 * complete (Go shuffles its select's cases, crossbeam its handles). A start that only rotated,
 * counted across all of a thread's selects, favoured a ready arm that followed empty ones (it won
 * their turns too: `[empty, empty, a, b]` went 3 : 1 for `a`), and starved one outright when two
 * selects of the same size alternated (a helper's port of Go's TestSelectFairness).
 */
function attempt(ps: Prepared[]): Selected | null {
  const n = ps.length;
  for (let k = 0; k < n; k++) order[k] = k;
  for (let k = n - 1; k > 0; k--) {
    const j = Math.floor(Math.random() * (k + 1));
    const t = order[k]!;
    order[k] = order[j]!;
    order[j] = t;
  }
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const p = ps[i]!;
    if (p.recv) {
      const r = p.chan.tryRecv();
      if (!isSentinel(r)) return { index: i, kind: "recv", value: r };
      if (r === RECV_EMPTY) continue;
      return { index: i, kind: "recv", error: new RecvError() };
    }
    const r = p.chan.trySendEncoded(p.value, p.enc);
    if (r === SENT) {
      p.enc = null; // the slot owns the encoding now
      return { index: i, kind: "send" };
    }
    if (r === SEND_DISCONNECTED) return { index: i, kind: "send", error: new SendError(p.value) };
  }
  return null;
}

/**
 * The waiting part of select. Before parking, a rendezvous send arm posts its offer
 * and leaves it up, as a blocked `send` does, so that a receiver that does not wait — `tryRecv`,
 * `trySelect`, or one pending on this same thread, which can run only once a `selectAsync`
 * yields to the event loop — can take it (crossbeam pairs a `try_recv` with a sender blocked in
 * `select!`; without the offer the two never met). On waking (or timeout/abort) the offer is
 * retracted, and if a receiver took it meanwhile, that send arm is the one that completed. One
 * arm at a time holds an offer (two taken offers would be two completed arms).
 */
function* selectSlow(ps: Prepared[], async: boolean): SlowPath<Selected> {
  const slot = currentSlot();
  const pk = parker();
  const park: Park = { words: pk.words, index: pk.index, value: 0 };
  let offered = -1;
  /** Retracts the posted offer; the arm's result if it was taken meanwhile. */
  const retract = (): Selected | null => {
    const o = offered;
    if (o < 0) return null;
    offered = -1;
    if (ps[o]!.chan.retractOffer()) return null;
    ps[o]!.enc = null; // delivered: the receiver owned the encoding
    return { index: o, kind: "send" };
  };
  for (;;) {
    // Read the parker before registering and re-checking: an unpark after this read changes it
    // and the park returns at once.
    park.value = sys.load(pk.words, pk.index);
    let polling = false;
    let unmarked = false;
    try {
      // Receive arms first: registering one on a rendezvous channel wakes the selects that send
      // there (a receiver now waits for them), and with this select's own send arm on the same
      // channel already registered it woke itself, every time round: a core spun for as long as
      // it waited (a helper's review).
      for (let pass = 0; pass < 2; pass++) {
        for (const p of ps) {
          if (p.recv !== (pass === 0)) continue;
          p.entry = p.chan.registerSelect(p.recv, slot);
          if (p.entry < 0) polling = true;
          else if (!p.chan.markWaiting(p.recv)) unmarked = true;
        }
      }
      const r = attempt(ps);
      if (r !== null) return r;
      // From a random start: always offering on the first send arm that can post made a
      // receiving select on the other side see that arm alone, select after select
      // (crossbeam's zero.rs fairness test: one arm 44 of 200 times, under 50). First on an arm
      // a receiver of this thread waits on (a selectAsync's: it takes the offer once we yield),
      // which `attempt` cannot hand to; else an offer on an arm nobody receives from held the
      // select until its next liveness slice, 100 ms (Go's powser1: seconds per series).
      const n = ps.length;
      const first = Math.floor(Math.random() * n);
      for (let pass = 0; pass < 2 && offered < 0; pass++) {
        for (let j = 0; j < n && offered < 0; j++) {
          const k = (first + j) % n;
          const p = ps[k]!;
          if (p.recv) continue;
          // On a channel this select also receives from, only for another receiver of this
          // thread (a selectAsync's pending `recvAsync`, which runs once it yields): the select
          // cannot pair with itself, and its offer would wake its own receive registration.
          const own = receivesFrom(ps, p.chan.id);
          if (own > 0 && !(async && p.chan.localReceivers() > own)) continue;
          if ((pass === 1 || p.chan.localReceivers() > own) && p.chan.postOffer(p.value, p.enc)) offered = k;
        }
      }
      if (polling) {
        // Some channel's select table is full: nap instead of parking indefinitely.
        park.words = (napWords ??= new Int32Array(sharedBuffer(4)));
        park.index = 0;
        park.value = 0;
      }
      // A timer arm (after / tick) becomes ready with nobody to wake us: wake at its due time.
      let until = Infinity;
      for (const p of ps) if (p.recv) until = Math.min(until, p.chan.nextDue());
      // An arm whose wake-up request could not be recorded (see Chan.markWaiting): look again soon.
      if (unmarked) until = Math.min(until, sys.now() + UNMARKED_PARK_MS);
      park.until = until === Infinity ? undefined : until;
      yield park;
      park.words = pk.words;
      park.index = pk.index;
      const sent = retract();
      if (sent !== null) return sent;
    } catch (err) {
      // Timeout or abort while our offer was up: if it was taken, the send happened.
      const sent = retract();
      if (sent !== null) return sent;
      throw err;
    } finally {
      for (const p of ps) {
        if (p.entry >= 0) p.chan.unregisterSelect(p.recv, p.entry);
        p.entry = -1;
      }
    }
  }
}

/**
 * How many receive arms of this select are on channel `id`. A select offers on a channel it also
 * receives from only for another receiver of this thread (a pending `recvAsync`, which a
 * `selectAsync` lets run): it cannot pair with itself (as Go's, whose select never sends to its
 * own receive case), and its offer's wake-up reached its own registration — the select woke,
 * retracted, offered again and woke again, spinning a core until its timeout (a helper's review).
 * Counted, as its own registrations are among the thread's `localReceivers()`.
 */
function receivesFrom(ps: Prepared[], id: number): number {
  let n = 0;
  for (const q of ps) if (q.recv && q.chan.id === id) n++;
  return n;
}

// Made on first use, so importing weft works where there is no SharedArrayBuffer (see sys).
let napWords: Int32Array | undefined;

function finish(ps: Prepared[], r: Selected): Selected {
  release(ps);
  return r;
}

/**
 * The arms and options of a select call: `(arms[], opts?)`, or the arms as separate arguments
 * with an optional options object last (`select(rx1, rx2, { timeout: 10 })`).
 */
function selectArgs(args: readonly unknown[], where: string): [readonly SelectArm[], WaitOptions | undefined] {
  if (Array.isArray(args[0])) {
    if (args.length > 2) throw new TypeError(`${where}: expected (arms[], options?), got ${args.length} arguments`);
    return [args[0] as SelectArm[], args[1] as WaitOptions | undefined];
  }
  const last = args[args.length - 1];
  // Options are a plain object: anything else last (a Set, a class instance) is a (bad) arm.
  const proto = last !== null && typeof last === "object" ? Object.getPrototypeOf(last) : undefined;
  const isOptions = (proto === Object.prototype || proto === null) && !("sender" in (last as object));
  return isOptions ? [args.slice(0, -1) as SelectArm[], last as WaitOptions] : [args as SelectArm[], undefined];
}

/**
 * A select with no arms (crossbeam's `select!` with only a `default(timeout)`): nothing can ever
 * complete, so it waits out its deadline (or its signal, async) and ends as a timeout would. With
 * neither, it would wait for ever: a DeadlockError instead.
 */
function* noArms(): SlowPath<never> {
  const words = new Int32Array(sharedBuffer(4));
  for (;;) yield { words, index: 0, value: 0 };
}

function checkNoArms(where: string, d: Deadline, canAbort: boolean): void {
  if (d.at === Infinity && !(canAbort && d.signal !== undefined)) {
    throw new DeadlockError(`${where}: no arms and no ${canAbort ? "timeout or signal" : "timeout"}: waiting would never end`);
  }
}

/**
 * Blocks until one arm completes; returns which (`index`: the arm's position) and its outcome. A
 * disconnected channel's arm completes with `error` set (RecvError, or SendError carrying the
 * value back). Arms: Receivers and `sendArm(tx, value)`s, as an array or as separate arguments.
 *
 * ```ts
 * const r = select([rx1, rx2, sendArm(tx, 42)], { timeout: 100 });
 * const s = select(rx1, rx2); // the same, arms as arguments
 * ```
 * With no arms (crossbeam's `select!` with only a timeout) it waits out `timeout` and throws
 * TimeoutError.
 * @throws TimeoutError; `signal.reason` on abort; DataCloneError for an unsendable value; TypeError for bad arms;
 *   DeadlockError for no arms and no timeout (nothing could end the wait).
 */
export function select(arms: readonly SelectArm[], opts?: WaitOptions): Selected;
export function select(...arms: SelectArm[]): Selected;
export function select(...args: [...arms: SelectArm[], opts: WaitOptions]): Selected;
export function select(...args: unknown[]): Selected {
  const [arms, opts] = selectArgs(args, "select");
  const d = deadlineOf("select", opts);
  const ps = prepare(arms, "select");
  if (ps.length === 0) {
    // A blocked thread runs nothing that could abort it: only a timeout (or an abort already there) ends this.
    if (!d.signal?.aborted) checkNoArms("select", d, false);
    return parkSync(noArms(), d, "select", "selectAsync");
  }
  try {
    const r = attempt(ps) ?? parkSync(selectSlow(ps, false), d, "select", "selectAsync");
    return finish(ps, r);
  } catch (e) {
    release(ps);
    throw e;
  }
}

/** Completes one ready arm without waiting, or returns `null` if none is ready — or there are none (arms as for `select`). */
export function trySelect(arms: readonly SelectArm[]): Selected | null;
export function trySelect(...arms: SelectArm[]): Selected | null;
export function trySelect(...args: unknown[]): Selected | null {
  const [arms, opts] = selectArgs(args, "trySelect");
  if (opts !== undefined) throw new TypeError("trySelect: takes no options (it never waits)");
  const ps = prepare(arms, "trySelect");
  if (ps.length === 0) return null;
  const seen = new Array<number>(ps.length);
  for (;;) {
    for (let i = 0; i < ps.length; i++) seen[i] = ps[i]!.chan.version();
    const r = attempt(ps);
    if (r !== null) return finish(ps, r);
    // Arms are checked one after another; report "none ready" only if no channel moved meanwhile
    // (Go's select locks every channel for the same guarantee).
    if (ps.every((p, i) => p.chan.version() === seen[i])) {
      release(ps);
      return null;
    }
  }
}

/**
 * Aborts `c` (with the handle's reason) when the handle of any arm is closed; returns the function
 * that stops watching. (Listeners on the handles' close signals, removed when the select ends.)
 */
function watchClosing(arms: readonly SelectArm[], c: AbortController): () => void {
  const signals: AbortSignal[] = [];
  const onAbort = (ev: Event): void => c.abort((ev.target as AbortSignal).reason);
  for (const a of arms) {
    const s = closingOf(a instanceof Receiver ? a : (a as SendArm<unknown>).sender);
    if (s === undefined || signals.includes(s)) continue;
    if (s.aborted) c.abort(s.reason);
    else {
      s.addEventListener("abort", onAbort, { once: true });
      signals.push(s);
    }
  }
  return () => {
    for (const s of signals) s.removeEventListener("abort", onAbort);
  };
}

/**
 * Async twin of `select`: never blocks the event loop (arms as for `select`). With no arms it
 * settles only by its timeout or signal; with neither it rejects with DeadlockError.
 */
export function selectAsync(arms: readonly SelectArm[], opts?: WaitOptions): Promise<Selected>;
export function selectAsync(...arms: SelectArm[]): Promise<Selected>;
export function selectAsync(...args: [...arms: SelectArm[], opts: WaitOptions]): Promise<Selected>;
export async function selectAsync(...args: unknown[]): Promise<Selected> {
  const [arms, opts] = selectArgs(args, "selectAsync");
  const d = deadlineOf("selectAsync", opts);
  const ps = prepare(arms, "selectAsync");
  if (ps.length === 0) {
    checkNoArms("selectAsync", d, true);
    return parkAsync(noArms(), d, "selectAsync");
  }
  let unwatch: (() => void) | undefined;
  try {
    let r = attempt(ps);
    if (r === null) {
      // Closing one of the arms' handles ends the select, as it ends that handle's own calls.
      const c = new AbortController();
      unwatch = watchClosing(arms, c);
      r = await parkAsync(selectSlow(ps, true), { at: d.at, timeout: d.timeout, signal: d.signal, closing: c.signal }, "selectAsync");
    }
    return finish(ps, r);
  } catch (e) {
    release(ps);
    throw e;
  } finally {
    unwatch?.();
  }
}
