/**
 * One state machine, two ways to wait.
 *
 * The slow path of a primitive is written once, as a generator that yields `Park` requests
 * ("sleep while words[index] == value") and returns its result. `parkSync` runs it with blocking
 * waits, `parkAsync` with `Atomics.waitAsync`, so `x()` and `xAsync()` can never drift apart.
 * A timeout or abort is thrown *into* the generator, so its `finally`/`catch` can undo what it
 * registered (a waiter count, a waiting flag) — or decide it succeeded after all.
 *
 * Parks are sliced (`LIVENESS_SLICE_MS`) so state machines that watch for a dead owner re-check.
 */
import * as sys from "../sys/index.js";
import { BlockingNotAllowedError, TimeoutError } from "../errors.js";
import { expired, type Deadline } from "./options.js";

/** A request to sleep while `words[index] === value`. */
export interface Park {
  words: Int32Array;
  index: number;
  value: number;
  /**
   * Wake up by this time (`sys.now()` clock) even if nobody notifies: the slow path then re-checks
   * (a timer channel's due time). Unlike the deadline, reaching it is not a timeout.
   */
  until?: number;
  /**
   * The longest single park (ms), where not `LIVENESS_SLICE_MS`: for a waiter that watches for no
   * dead thread. Each slice's end re-parks the waiter behind those that parked since, and
   * `Atomics.notify(…, 1)` wakes the longest parked: a long slice keeps waiters in arrival order.
   */
  slice?: number;
}

/** The longest a park may last now: the deadline's slice, cut at the park's own `until`. */
const parkSlice = (p: Park, d: Deadline): number => {
  const slice = sys.sliceOf(d.at, p.slice ?? sys.LIVENESS_SLICE_MS);
  return p.until === undefined ? slice : Math.max(0, Math.min(slice, p.until - sys.now()));
};

export type SlowPath<R> = Generator<Park, R, void>;

/** Run after each slice of a blocking wait (the buffer directory drains posts there). */
let sliceHook: () => void = () => {};

/** Sets what runs after each slice of a blocking wait (one hook per thread). */
export function setSliceHook(fn: () => void): void {
  sliceHook = fn;
}

/** Runs a slow path with blocking waits. */
export function parkSync<R>(gen: SlowPath<R>, d: Deadline, what: string, asyncTwin: string): R {
  let r = gen.next();
  while (!r.done) {
    const p = r.value;
    let failure: unknown;
    if (expired(d)) failure = new TimeoutError(what, d.timeout);
    else if (d.signal?.aborted) failure = d.signal.reason;
    // A thread that cannot block (a browser's main thread) fails here like a timeout: thrown into
    // the slow path, so it withdraws what it registered before its first park (a barrier arrival,
    // a rendezvous offer, a sleeper count) instead of leaving it behind for others to act on.
    else if (!sys.canBlock()) failure = new BlockingNotAllowedError(what, asyncTwin);
    if (failure !== undefined) {
      r = gen.throw(failure);
      continue;
    }
    if (sys.wait(p.words, p.index, p.value, parkSlice(p, d)) === "timed-out") sliceHook();
    r = gen.next();
  }
  return r.value;
}

/** Runs a slow path with async waits: never blocks the event loop. */
export async function parkAsync<R>(gen: SlowPath<R>, d: Deadline, what: string): Promise<R> {
  let r = gen.next();
  let immediate = 0;
  while (!r.done) {
    const p = r.value;
    if (expired(d)) {
      r = gen.throw(new TimeoutError(what, d.timeout));
      continue;
    }
    const res = await sys.waitAsync(p.words, p.index, p.value, parkSlice(p, d), d.signal, true, d.closing);
    // A wait that returns at once resumes us in a microtask. If that keeps happening (the word
    // keeps changing — e.g. two selects of this thread share its parker and one's offer wakes
    // both), the chain of microtasks would starve every task of the event loop, including the
    // one that would let us progress: give the loop a turn now and then.
    if (res === "not-equal" && ++immediate >= IMMEDIATE_LIMIT) {
      immediate = 0;
      await sys.yieldToEventLoop();
    } else if (res !== "not-equal") immediate = 0;
    r = res === "aborted" ? gen.throw(d.signal?.aborted ? d.signal.reason : d.closing!.reason) : gen.next();
  }
  return r.value;
}

/** Waits in a row that returned at once after which `parkAsync` lets the event loop run. */
const IMMEDIATE_LIMIT = 8;
