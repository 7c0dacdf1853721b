/**
 * Buffer directory: lets a SharedArrayBuffer travel *inside bytes* — a channel message holding a
 * weft primitive, a channel end, or a typed array over shared memory; a pool task's arguments or
 * result (Node only).
 *
 * Bytes cannot carry a SharedArrayBuffer; only structured clone can. So a buffer gets a
 * process-wide id (a counter in the thread registry), `{ id, buffer }` is posted on a
 * BroadcastChannel every weft thread of the process listens on, and the message carries the id. A
 * receiving thread looks the id up, and on a miss drains its BroadcastChannel synchronously
 * (`receiveMessageOnPort`): the post happened before the message was published, so it is queued.
 *
 * Pins (the pin table, beside the thread registry: one Int32 per id):
 *   bits 0–29  COUNT    messages naming the id that are encoded and not yet decoded
 *   bit  30    DROPPED  some thread may have let its copy go: the next pin must post it again
 * Encoding a buffer pins it (+1) before the message is published; decoding unpins it (−1); a
 * message dropped undecoded is unpinned by whoever drops it (`releaseStructured`). Each thread
 * holds an entry from the moment it gets it (a post, its own encode) until a *sweep* finds its
 * COUNT at 0 and sets DROPPED (CAS 0 → DROPPED): then it forgets the entry. A pin that finds
 * DROPPED posts the buffer again *before* its message is published, so any thread that forgot
 * it finds the new post by draining. So the directory keeps a buffer alive only while a message
 * naming it may be undecoded (plus until the next sweep), and a lookup never fails for want of a
 * holder.
 *
 * Forgotten, not held weakly: a WeakRef keeps its target alive until the current job ends, and a
 * worker looping on a blocking `recv()` never ends its job (measured: every buffer it received
 * stayed alive). The cost: a buffer that comes back to a thread after a sweep forgot it arrives
 * as a new SharedArrayBuffer object over the same memory (`byBuffer`, a WeakMap, still gives the
 * id of a buffer this thread has in hand, so sending it again reuses its id).
 *
 * A thread whose event loop is blocked keeps posts queued until it next drains: blocking waits
 * drain after each 100 ms slice when anything was posted, and a parked pool worker every 500 ms.
 * Browsers have no synchronous receive: there this is a DataCloneError at send time (`noDirectory`),
 * before anything enters the channel.
 */
import { DataCloneError } from "../errors.js";
import { allocateBufferId, lastBufferId, pinTable, registryId } from "../thread/registry.js";
import { setSliceHook } from "../sync/park.js";
import * as sys from "../sys/index.js";

const nodeProcess: any = (globalThis as any).process;
const wt: any =
  typeof nodeProcess?.getBuiltinModule === "function" ? nodeProcess.getBuiltinModule("node:worker_threads") : undefined;
const ENV_KEY = "weft.buffers.v1";

/** What a runtime without `worker_threads` (a browser) says when a message holds shared memory. */
const noDirectory = () =>
  new DataCloneError(
    "a SharedArrayBuffer inside a channel message (a weft primitive, a channel end, or a typed array over shared " +
      "memory) can only travel between Node worker_threads: a browser has no synchronous receive for the buffer to " +
      "follow the message. Hand such values to a worker once, with share() over postMessage (revive() on the other " +
      "side), and send plain data over the channel",
  );

const COUNT = 0x3fffffff, DROPPED = 1 << 30;
/** Sweep when the strong entries doubled since the last sweep (and at least this many more). */
const SWEEP_GROWTH = 8;
/** …and at least this often (ms): by a timer when the event loop turns, by the op count otherwise. */
const SWEEP_MS = 1000;
/** How long a lookup waits for a buffer nobody has posted to this thread (ms)… */
const LOOKUP_MS = 2000;
/** …asking the other threads for it again this often (ms). */
const ASK_AGAIN_MS = 100;

/**
 * One buffer this thread holds. A sweep forgets entries no message names (not weakly: see the
 * header) — `byBuffer` still gives the id of a buffer this thread has in hand, as a WeakMap.
 */
interface Entry {
  readonly id: number;
  sab: SharedArrayBuffer | null;
  /** Used since the last timed sweep (which spares used entries: fewer re-posts for hot buffers). */
  used: boolean;
}

/** The buffer of entry `e` if this thread holds it. */
const aliveOf = (e: Entry | undefined): SharedArrayBuffer | undefined => (e === undefined || e.sab === null ? undefined : e.sab);

const byId = new Map<number, Entry>();
const byBuffer = new WeakMap<SharedArrayBuffer, Entry>();
let strong = 0;
let strongAfterSweep = 0;
let ops = 0;
let lastSweep = 0;
let envDirty = false;
let underflows = 0;
/** Lookups that had to drain (`misses`) and that had to ask other threads (`asked`). */
let misses = 0, asked = 0;
let port: any = null;
let portRegistry = 0;
let timer: any = null;
/** Posts counted in the pin table's word 0 (id 0 is never handed out) when this thread last drained. */
let drainedAt = 0;

// ------------------------------------------------------------------------------------- pins

let pinBuffer: SharedArrayBuffer | null = null;
let pinView: Int32Array | null = null;

/** The pin table's words with room for `id`, or null if the id has no pin word (held for good). */
function pinWords(id: number): Int32Array | null {
  const table = pinTable();
  if (table === null) return null;
  if (pinBuffer !== table || id >= pinView!.length) {
    // A fixed-length view, renewed when the table has grown: length-tracking views are slow.
    if (id >= table.byteLength >> 2) return null;
    pinBuffer = table;
    pinView = new Int32Array(table, 0, table.byteLength >> 2);
  }
  return pinView;
}

/** +1 for a message about to name `e` (re-posting the buffer if some thread may have dropped it). */
function pin(e: Entry, sab: SharedArrayBuffer): void {
  const w = pinWords(e.id);
  if (w === null) return;
  const before = sys.add(w, e.id, 1);
  if ((before & DROPPED) === 0) return;
  // Someone let its copy go. Post before returning, so the post precedes our message; a pinner
  // that raced us and also saw DROPPED posts too (harmless). Then clear the flag.
  post(e.id, sab);
  sys.and(w, e.id, ~DROPPED);
}

/** −1 for a message naming `id` that was decoded (or dropped). */
function unpin(id: number): void {
  const w = pinWords(id);
  if (w === null) return;
  // A CAS, not a subtraction: an unpin of a COUNT already at 0 (a bug somewhere; counted, and
  // tests assert there are none) must not borrow from the DROPPED bit even for a moment — a pin
  // in that window would miss DROPPED and not re-post.
  for (;;) {
    const c = sys.load(w, id);
    if ((c & COUNT) === 0) {
      underflows++;
      return;
    }
    if (sys.cas(w, id, c, c - 1) === c) return;
  }
}

/** Lets go of `id` if no message names it: CAS COUNT 0 → DROPPED. False while it is pinned. */
function tryDrop(id: number): boolean {
  const w = pinWords(id);
  if (w === null) return false;
  for (;;) {
    const c = sys.load(w, id);
    if ((c & COUNT) !== 0) return false;
    if ((c & DROPPED) !== 0 || sys.cas(w, id, c, c | DROPPED) === c) return true;
  }
}

// ------------------------------------------------------------------------------- listening

/** This thread's listening end (created on first use; does not keep the process alive). */
function listen(): any {
  const reg = registryId();
  if (port !== null && portRegistry === reg) return port;
  port?.close();
  port = new wt.BroadcastChannel(`weft.buffers.${reg}`);
  // Whenever this thread's event loop turns, queued posts are dispatched as events, and taken
  // off the queue that `drain` reads: keep them then too.
  port.onmessage = (e: { data: unknown }) => keep(e.data);
  port.unref?.();
  portRegistry = reg;
  lastSweep = sys.now();
  if (timer === null && typeof setInterval === "function") {
    timer = setInterval(() => sweep(true), SWEEP_MS);
    timer.unref?.();
  }
  const inherited = wt.getEnvironmentData?.(ENV_KEY);
  if (inherited instanceof Map) for (const [id, sab] of inherited) remember(id, sab);
  return port;
}

/** Starts listening now, so buffers posted from here on reach this thread (called at start-up). */
export function startListening(): void {
  // (Without SharedArrayBuffer there is nothing to listen for, and no registry to make.)
  if (wt !== undefined && typeof SharedArrayBuffer === "function") listen();
}

function post(id: number, sab: SharedArrayBuffer): void {
  send({ id, buffer: sab });
}

/**
 * Posts to every listening thread, and counts the post in word 0 of the pin table: a thread
 * blocked in a sliced wait drains only when that count moved (`postsPending`), so a request
 * (`want`) that did not count would never be answered by a holder blocked in `recv()`.
 */
function send(message: object): void {
  listen().postMessage(message);
  const w = pinWords(0);
  if (w !== null) sys.add(w, 0, 1);
}

/** Whether buffers were posted since this thread last drained (one load). */
function postsPending(): boolean {
  const w = pinWords(0);
  return w !== null && sys.load(w, 0) !== drainedAt;
}

function drain(): void {
  const p = listen();
  const w = pinWords(0);
  // Read the count first: a post counted after this read is drained now or next time.
  if (w !== null) drainedAt = sys.load(w, 0);
  for (;;) {
    const m = wt.receiveMessageOnPort(p);
    if (m === undefined) return;
    keep(m.message);
  }
}

function keep(message: unknown): void {
  const { id, buffer, want } = (message ?? {}) as { id?: unknown; buffer?: unknown; want?: unknown };
  if (typeof id === "number" && buffer instanceof SharedArrayBuffer) remember(id, buffer);
  else if (typeof want === "number") {
    // A thread that missed a post (it started listening after it) asks: answer if we can.
    const sab = aliveOf(byId.get(want));
    if (sab !== undefined) post(want, sab);
  }
}

/** Takes in `sab` as buffer `id` (held until a sweep finds it unpinned), unless it is held already. */
function remember(id: number, sab: SharedArrayBuffer): void {
  const e = byId.get(id);
  if (e !== undefined) {
    e.used = true;
    return;
  }
  const n: Entry = { id, sab: null, used: true };
  byBuffer.set(sab, n);
  hold(n, sab);
}

function hold(e: Entry, sab: SharedArrayBuffer): void {
  byId.set(e.id, e);
  e.sab = sab;
  e.used = true;
  strong++;
  // A worker started from this thread (by `new Worker` too, which weft does not see) inherits
  // the snapshot taken at its creation: keep it current, so the worker knows this buffer even if
  // its post comes before the worker listens. At once where a single buffer is registered for a
  // message (`idOf`), once per call for many (`nameBuffers`: a spawn with 20 000 channel ends
  // flushed per entry was quadratic — each flush clones the whole map), and otherwise at the end
  // of the current job.
  envDirty = true;
  if (!flushQueued) {
    flushQueued = true;
    queueMicrotask(() => {
      flushQueued = false;
      if (envDirty) flushEnvironment();
    });
  }
}

let flushQueued = false;
/** Up to this many entries, `idOf` flushes the environment snapshot at once. */
const EAGER_FLUSH_ENTRIES = 256;

/** Holds again a buffer this thread has in hand whose entry a sweep forgot. */
function rehold(e: Entry, sab: SharedArrayBuffer): void {
  if (e.sab !== null) {
    e.used = true;
    return;
  }
  const current = byId.get(e.id); // a re-post may have brought another object for the same memory
  if (current !== undefined) current.used = true;
  else hold(e, sab);
}

// ------------------------------------------------------------------------------------ sweep

/**
 * Forgets every entry no message names now. Runs when the entries doubled since the last sweep
 * (sparing nothing: this bounds memory), before a thread blocks for long, and `timed` once a
 * second (sparing entries used since the last timed sweep: a buffer sent back and forth is not
 * re-posted every second).
 */
function sweep(timed: boolean): void {
  for (const e of byId.values()) {
    if (timed && e.used) {
      e.used = false;
      continue;
    }
    if (!tryDrop(e.id)) continue;
    byId.delete(e.id);
    e.sab = null;
    strong--;
    envDirty = true;
  }
  strongAfterSweep = strong;
  lastSweep = sys.now();
  if (envDirty) flushEnvironment();
}

/** After an encode or decode: sweep when due (cheap checks only). */
function tick(): void {
  if (strong >= SWEEP_GROWTH + 2 * strongAfterSweep) sweep(false);
  else if ((++ops & 1023) === 0 && sys.now() - lastSweep > SWEEP_MS) sweep(true);
}

/**
 * Workers started from this thread from now on inherit the entries it holds strongly (a worker's
 * environment data is a snapshot taken when it is created). The snapshot holds what it names
 * until the next flush (after a sweep).
 */
function flushEnvironment(): void {
  envDirty = false;
  if (wt?.setEnvironmentData === undefined) return;
  const snapshot = new Map<number, SharedArrayBuffer>();
  for (const e of byId.values()) if (e.sab !== null) snapshot.set(e.id, e.sab);
  wt.setEnvironmentData(ENV_KEY, snapshot.size > 0 ? snapshot : undefined);
}

/**
 * Before starting a worker (spawn, pool): take in what was posted so far and put what this thread
 * holds in the environment data the worker will inherit.
 */
export function refreshEnvironment(): void {
  if (wt === undefined) return;
  drain();
  flushEnvironment();
}

/**
 * Before a thread blocks for long: drain and sweep, so it holds nothing needlessly. `spareUsed`
 * (an idle pool worker about to park) keeps the entries used since the last sweep: the next job
 * of a parallel helper names the same buffers, and a forgotten one costs that job a re-post and a
 * drain (~0.15 ms before its first task starts, measured). The worker forgets them at its next
 * park slice (`settleIdle`).
 */
export function settleBuffers(spareUsed = false): void {
  if (wt === undefined || port === null) return;
  drain();
  sweep(spareUsed);
}

/** For a parked thread at the end of each park slice: drain what was posted, forget what is unpinned. */
export function settleIdle(): void {
  if (wt === undefined || port === null) return;
  if (postsPending()) drain();
  if (strong > 0) sweep(false);
}

/**
 * For a thread waking from a slice of a blocking wait: if buffers were posted meanwhile, take them
 * off the queue (where they would stay alive until this thread next drains) and sweep.
 */
export function settleIfPosted(): void {
  if (port !== null && postsPending()) settleBuffers();
}

// ----------------------------------------------------------------------------- encode side

function needNode(): void {
  if (wt?.BroadcastChannel === undefined) throw noDirectory();
}

/** A new entry for `sab`: pinned once and posted (`pinned`), or only named (DROPPED: the first pin posts). */
function register(sab: SharedArrayBuffer, pinned: boolean): Entry {
  needNode();
  listen();
  const id = allocateBufferId();
  const e: Entry = { id, sab: null, used: true };
  byBuffer.set(sab, e);
  hold(e, sab);
  const w = pinWords(id);
  if (pinned) post(id, sab);
  // No other thread knows the id yet, so a plain store is enough.
  if (w !== null) sys.store(w, id, pinned ? 1 : DROPPED);
  return e;
}

/**
 * The id under which `sab` travels in a message about to be published, pinned once for it (the
 * message's decoder unpins it; whoever drops the message undecoded calls `unpinIds`).
 */
export function idOf(sab: SharedArrayBuffer): number {
  let e = byBuffer.get(sab);
  if (e === undefined) {
    e = register(sab, true);
    if (envDirty && byId.size <= EAGER_FLUSH_ENTRIES) flushEnvironment();
  } else {
    // We hold it while our message is out: this thread may decode a message naming it itself,
    // and its own posts do not come back to it.
    rehold(e, sab);
    pin(e, sab);
  }
  tick();
  return e.id;
}

/** Unpins ids of messages that were encoded but will never be decoded. */
export function unpinIds(ids: readonly number[], from = 0): void {
  for (let i = from; i < ids.length; i++) unpin(ids[i]!);
}

/**
 * Gives ids to the buffers in a `share()` wire without pinning them (the wire carries the
 * buffers themselves, by structured clone): the receiving thread learns them with
 * `learnBuffers`, so it can later look them up when a message names them.
 */
export function nameBuffers(buffers: Iterable<SharedArrayBuffer>): Map<number, SharedArrayBuffer> | null {
  if (wt?.BroadcastChannel === undefined) return null;
  const out = new Map<number, SharedArrayBuffer>();
  for (const sab of buffers) {
    const e = byBuffer.get(sab);
    if (e === undefined) register(sab, false);
    else rehold(e, sab);
    out.set(byBuffer.get(sab)!.id, sab);
  }
  if (envDirty) flushEnvironment();
  return out.size > 0 ? out : null;
}

/**
 * Every buffer this thread knows by id, after draining what was posted so far: for a thread that
 * started listening late (see `learnBuffers`).
 */
export function knownBuffers(): Map<number, SharedArrayBuffer> {
  const out = new Map<number, SharedArrayBuffer>();
  if (wt === undefined) return out;
  drain();
  for (const e of byId.values()) {
    const sab = aliveOf(e);
    if (sab !== undefined) out.set(e.id, sab);
  }
  return out;
}

/**
 * Takes in buffers another thread knew. A worker's environment data is a snapshot taken when it
 * was created, and it listens only once its code runs: a buffer posted in between reaches it only
 * this way (pool workers ask their parent for `knownBuffers()` after they start listening; a
 * `share()` wire and `spawn()` carry the ids of the buffers in them).
 */
export function learnBuffers(known: Map<number, SharedArrayBuffer> | null | undefined): void {
  if (!(known instanceof Map) || wt === undefined) return;
  listen();
  for (const [id, sab] of known) if (typeof id === "number" && sab instanceof SharedArrayBuffer) remember(id, sab);
}

// ----------------------------------------------------------------------------- decode side

/** The buffer an id stands for, unpinned once for the message being decoded. */
export function bufferOf(id: number): SharedArrayBuffer {
  const e = byId.get(id);
  let sab = aliveOf(e);
  if (sab === undefined) sab = lookupSlow(id);
  else e!.used = true;
  unpin(id);
  tick();
  return sab;
}

function lookupSlow(id: number): SharedArrayBuffer {
  if (wt === undefined) throw noDirectory();
  const deadline = sys.now() + LOOKUP_MS;
  let nextAsk = sys.now();
  misses++;
  for (let round = 0; ; round++) {
    drain();
    const sab = aliveOf(byId.get(id));
    if (sab !== undefined) return sab;
    // Its post came before this thread listened: ask whoever holds it (threads answer when
    // their event loop turns, or — blocked in a wait — at the end of their next park slice),
    // and ask again every ~100 ms (a holder may have taken it back in meanwhile).
    if (sys.now() >= nextAsk) {
      asked++;
      send({ want: id });
      nextAsk = sys.now() + ASK_AGAIN_MS;
    }
    if (sys.now() > deadline) {
      throw new DataCloneError(
        `a shared buffer in this message (id ${id}) never reached this thread: it was posted before this thread ` +
          `started listening, and no thread holding it answered within ${LOOKUP_MS} ms (their event loops were blocked). ` +
          "Pass the shared memory a worker needs to spawn() or share() (they register it), or send it once the worker runs",
      );
    }
    sys.snooze(64 + round);
  }
}

// ------------------------------------------------------------------------------------ tests

/**
 * Test hook (not part of the public API): `globalThis[Symbol.for("weft.directory.debug")]` in
 * every thread that loaded weft.
 */
const DEBUG_KEY = Symbol.for("weft.directory.debug");
(globalThis as any)[DEBUG_KEY] ??= {
  /** Pin word of every id handed out so far (COUNT and DROPPED). */
  pins(): { id: number; count: number; dropped: boolean }[] {
    const table = pinTable();
    if (table === null) return [];
    const w = new Int32Array(table, 0, table.byteLength >> 2);
    const out: { id: number; count: number; dropped: boolean }[] = [];
    const last = lastBufferId();
    for (let id = 1; id <= last && id < w.length; id++) {
      const c = sys.load(w, id);
      if (c !== 0) out.push({ id, count: c & COUNT, dropped: (c & DROPPED) !== 0 });
    }
    return out;
  },
  /** Drains and sweeps now (as a pool worker does before parking). */
  sweep(): void {
    settleBuffers();
  },
  /** This thread's entries (held buffers) and unpin underflows so far. */
  stats(): { strong: number; entries: number; underflows: number; misses: number; asked: number } {
    return { strong, entries: byId.size, underflows, misses, asked };
  },
};

// Listen from the start: a buffer posted before this thread listens would never reach it.
startListening();
// A thread blocked in a sliced wait drains what was posted meanwhile (see settleIfPosted).
setSliceHook(settleIfPosted);
