/**
 * Thread identity and liveness.
 *
 * Every thread that takes a lock gets a *slot*: a small positive integer, unique for the life of
 * the process, recorded by locks as their owner. A shared registry says for each slot whether its
 * thread is alive, so a waiter can tell a slow owner from a dead one and poison the lock instead of
 * hanging (DESIGN §2).
 *
 * Registry layout (Int32 words of a growable SharedArrayBuffer):
 *   [0] TAG     TypeTag.Registry
 *   [1] ID      random non-zero id: tells two registries apart after structured clone
 *   [2] NEXT    the last slot handed out (slots start at 1; 0 means "no thread")
 *   [3] BUFFERS the last buffer id handed out (share/directory: buffers inside channel messages)
 *   [4] CHANNELS the last channel id handed out (bounded channels name themselves in intents)
 *   [5] RWLOCKS the last RwLock id handed out (read-lock records name the lock by it)
 *   [6] DEATHS  bumped each time a slot is marked dead: a writer waiting on readers rescans the
 *               read-lock records of dead threads only when it changed (see `takeDeadReads`)
 *   (HEADER = 16 words, and 16 words per slot: a cache line each)
 *   [HEADER + 16·slot]     LIFE    0 never used, 1 alive, 2 dead, 4 presumed dead, or *stopping*: a wall-clock stamp
 *                                 (`Date.now()`, Int32-wrapped) with its two low bits set, written
 *                                 when someone asked to terminate the thread (see `markStopping`)
 *   [HEADER + 16·slot + 1] NATIVE  Node's worker `threadId` + 1 of the slot's thread (0 = unknown)
 *   [HEADER + 16·slot + 2] PARK    the thread's parker: a futex word others bump to wake it (select)
 *   [HEADER + 16·slot + 3] PARENT  the slot of the thread that started it (`allocateSlot`; 0 = none or
 *                                 unknown), and HAS_CHILDREN (bit 30) once it started one itself
 *   [HEADER + 16·slot + 4…7] INTENT the bounded-channel reservation the thread last went for: channel
 *                                 id, first position, position after it, side and run (see
 *                                 `deadReservation` and flavors/array.ts)
 *   [HEADER + 16·slot + 8…15] READS the read locks the thread holds: up to READ_RECORDS pairs of
 *                                 (RwLock id, count), written by the thread with plain stores (the
 *                                 count after the CAS that takes a read lock, before the one that
 *                                 gives it back, so a thread dying between the two leaves a count
 *                                 too low — a lock kept, never one given back twice); a count of 0
 *                                 is a free pair. Read by writers of a lock, for dead threads only.
 *
 * Beside it, a second growable buffer, the *pin table* (share/directory): one Int32 per buffer id,
 * indexed by id, counting the messages that name the buffer and are not decoded yet. It travels
 * wherever the registry does (environment data, wires).
 *
 * Slots are never reused: a lock whose owner died keeps that owner's slot until someone touches
 * it, and a reused slot would make a dead owner look alive. `MAX_SLOTS` thread lifetimes fit.
 *
 * How the registry reaches threads: on Node it is put in `worker_threads` environment data, which
 * every worker started *after* it inherits (whoever started it); every `share()` wire also carries
 * it, so a thread that has not claimed a slot yet adopts the registry of the first wire it revives.
 *
 * Per-thread state lives on `globalThis` under a registered symbol, so two copies of weft loaded
 * in one thread (ESM + CJS) still agree on the thread's identity.
 */
import * as sys from "../sys/index.js";
import { TypeTag, sharedBuffer } from "../memory/layout.js";
import { WeftError } from "../errors.js";

// HEADER and SLOT_WORDS are 64 bytes: each slot has a cache line of its own. Its thread writes its
// INTENT at every bounded-channel reservation; two threads' intents on one line made a 1 → 1
// channel 1.7× slower (the line went back and forth with every message).
const TAG = 0, ID = 1, NEXT = 2, BUFFERS = 3, CHANNELS = 4, RWLOCKS = 5, DEATHS = 6, HEADER = 16;
const LIFE = 0, NATIVE = 1, PARK = 2, PARENT = 3, INTENT = 4, READS = 8, SLOT_WORDS = 16;
/** (RwLock id, count) pairs in a slot's READS words. */
export const READ_RECORDS = 4;
/** Words of a slot's INTENT: channel id, first position, position after the reservation, side and run. */
export const I_CHAN = 0, I_START = 1, I_NEXT = 2, I_INFO = 3;
/** In a slot's PARENT word: the slot's thread allocated slots for threads it started. */
const HAS_CHILDREN = 1 << 30;
/**
 * LIFE values. DEAD: its exit was seen (or it never ran). PRESUMED_DEAD: asked to terminate more
 * than STOP_GRACE_MS ago with no exit seen — dead to locks (`isAlive`), but not known to have
 * stopped running (`hasExited`).
 */
const NEVER = 0, ALIVE = 1, DEAD = 2, STOPPING_BITS = 3, PRESUMED_DEAD = 4;

/**
 * How long a thread asked to terminate still counts as alive when nobody reports it stopped (see
 * `markStopping`). A native `terminate()` stops a running thread at its next interrupt check, which
 * takes microseconds once the thread has a core, but a descheduled thread on a loaded host, or one
 * inside a long native call (a `fill` or `sort` of a large typed array runs to its end), runs on
 * for a while. Only waiters whose terminate is never confirmed pay it: a Web Worker (no exit
 * event), or a Node parent that blocks synchronously right after asking.
 */
export const STOP_GRACE_MS = 1_000;
const isStopping = (life: number): boolean => (life & STOPPING_BITS) === STOPPING_BITS;

/** Slots a process can hand out over its life (a mutex state word keeps the owner above 3 flag bits). */
export const MAX_SLOTS = (1 << 22) - 1;
const INITIAL_BYTES = (HEADER + SLOT_WORDS * 1024) * 4;
const MAX_BYTES = (HEADER + SLOT_WORDS * (MAX_SLOTS + 1)) * 4;
// v3: sixteen words per slot (INTENT, a line each), CHANNELS. A copy of weft with an older layout keeps its own registry.
const ENV_KEY = "weft.registry.v3";
const PINS_KEY = "weft.pins.v3";
/** The pin table starts with room for 4096 buffer ids and grows up to 2²⁶ (256 MiB reserved). */
const PINS_INITIAL_BYTES = 4096 * 4;
const PINS_MAX_BYTES = 2 ** 28;

interface ThreadState {
  sab: SharedArrayBuffer | null;
  words: Int32Array | null;
  /** The pin table (null only for a registry adopted from a peer that had none). */
  pins?: SharedArrayBuffer | null;
  id: number;
  slot: number;
  /**
   * This thread's read-lock records and which lock holds each pair (see `readRecords`): here, not
   * in a module, so two copies of weft in one thread (ESM + CJS) share them — with a table each,
   * one copy took over a pair the other still counted in.
   */
  reads?: ReadRecords;
}

/** A thread's read-lock records: the READS words, and per pair the lock state (RwLock's) that holds it. */
export interface ReadRecords {
  words: Int32Array;
  owners: unknown[];
}

const STATE_KEY = Symbol.for("weft.thread.v3");
const state: ThreadState = ((globalThis as any)[STATE_KEY] ??= { sab: null, words: null, id: 0, slot: 0 });

const nodeProcess: any = (globalThis as any).process;
const workerThreads: any =
  typeof nodeProcess?.getBuiltinModule === "function" ? nodeProcess.getBuiltinModule("node:worker_threads") : undefined;

function attach(sab: SharedArrayBuffer, pins: SharedArrayBuffer | null): void {
  const words = new Int32Array(sab);
  if (words.length < HEADER || sys.load(words, TAG) !== TypeTag.Registry) {
    throw new TypeError("weft: the thread registry passed to this thread is not a weft registry");
  }
  state.sab = sab;
  state.words = words;
  state.id = sys.load(words, ID);
  state.pins = pins;
}

function create(): void {
  const sab = sharedBuffer(INITIAL_BYTES, MAX_BYTES);
  const words = new Int32Array(sab);
  sys.store(words, ID, ((Math.random() * 0x7ffffffe) | 0) + 1);
  sys.store(words, TAG, TypeTag.Registry);
  const pins = sharedBuffer(PINS_INITIAL_BYTES, PINS_MAX_BYTES);
  attach(sab, pins);
  // Workers started from now on (by anyone) inherit the registry.
  workerThreads?.setEnvironmentData?.(ENV_KEY, sab);
  workerThreads?.setEnvironmentData?.(PINS_KEY, pins);
}

/** The registry's words, creating or inheriting the registry on first use. */
export function registryWords(): Int32Array {
  if (state.words !== null) return state.words;
  const inherited = workerThreads?.getEnvironmentData?.(ENV_KEY);
  if (inherited instanceof SharedArrayBuffer) {
    const pins = workerThreads?.getEnvironmentData?.(PINS_KEY);
    attach(inherited, pins instanceof SharedArrayBuffer ? pins : null);
  } else create();
  return state.words!;
}

/** The registry buffer, to carry in a wire or in a spawned worker's data. */
export function registryBuffer(): SharedArrayBuffer {
  registryWords();
  return state.sab!;
}

/** The pin table that goes with the registry (null if the registry came without one). */
export function pinTable(): SharedArrayBuffer | null {
  registryWords();
  return state.pins ?? null;
}

/**
 * Adopts the registry (and its pin table) that came with a wire or a spawn. If this thread already
 * uses another registry but has not claimed a slot yet, it switches; if it has, the two worlds
 * cannot be reconciled and this throws.
 */
export function adoptRegistry(sab: SharedArrayBuffer, pins?: SharedArrayBuffer | null): void {
  if (state.sab === sab) return;
  const id = sys.load(new Int32Array(sab, 0, HEADER), ID);
  if (state.words !== null && id === state.id) {
    if ((state.pins ?? null) === null && pins instanceof SharedArrayBuffer) state.pins = pins;
    return;
  }
  if (state.words !== null && state.slot !== 0) {
    throw new WeftError(
      "weft: this thread already has an identity in another thread registry. Import weft in the " +
        "parent thread before starting workers (the registry is inherited), or revive the shared " +
        "value before this thread takes any lock.",
    );
  }
  attach(sab, pins instanceof SharedArrayBuffer ? pins : null);
  workerThreads?.setEnvironmentData?.(ENV_KEY, sab);
  workerThreads?.setEnvironmentData?.(PINS_KEY, pins instanceof SharedArrayBuffer ? pins : undefined);
}

function ensureCapacity(words: Int32Array, slot: number): Int32Array {
  const need = (HEADER + SLOT_WORDS * (slot + 1)) * 4;
  const sab = state.sab as any;
  while (sab.byteLength < need) {
    try {
      sab.grow(Math.min(MAX_BYTES, Math.max(need, sab.byteLength * 2)));
    } catch {
      // Another thread grew it concurrently (to a larger size than we asked): re-check.
    }
  }
  return words;
}

function claimSlot(): number {
  const words = registryWords();
  const slot = sys.add(words, NEXT, 1) + 1;
  if (slot > MAX_SLOTS) throw new WeftError(`weft: more than ${MAX_SLOTS} threads were started in this process`);
  ensureCapacity(words, slot);
  sys.store(words, HEADER + SLOT_WORDS * slot + LIFE, ALIVE);
  return slot;
}

/**
 * Hands out a slot for a thread about to be started (spawn pre-claims its child's slot, so it can
 * mark it dead on terminate without asking the child), recording this thread as its parent (see
 * `markExited`).
 */
export function allocateSlot(): number {
  // Not currentSlot(): claiming one here would give this thread an identity, and it could no
  // longer adopt another registry (see adoptRegistry). A thread without a slot records no parent.
  const parent = state.slot;
  const slot = claimSlot();
  const words = registryWords();
  if (parent !== 0) {
    // No ordering needed between the two: the child has not started yet, so no exit of it (and
    // no markExited of this thread while it runs this) can come between them.
    sys.or(words, HEADER + SLOT_WORDS * parent + PARENT, HAS_CHILDREN);
    sys.store(words, HEADER + SLOT_WORDS * slot + PARENT, parent);
  }
  return slot;
}

/**
 * A new process-wide id for a shared buffer (see share/directory), with room for its pin word
 * (ids past the pin table's largest size get none: the directory then holds them for good).
 */
export function allocateBufferId(): number {
  const id = sys.add(registryWords(), BUFFERS, 1) + 1;
  const pins = state.pins as any;
  if (pins != null) {
    const need = (id + 1) * 4;
    while (pins.byteLength < need && need <= PINS_MAX_BYTES) {
      const before = pins.byteLength;
      try {
        pins.grow(Math.min(PINS_MAX_BYTES, Math.max(need, before * 2)));
      } catch {
        // Another thread grew it concurrently (re-check), or growing failed for good (out of
        // memory): then this id gets no pin word, and the directory holds its buffer for good.
        if (pins.byteLength === before) break;
      }
    }
  }
  return id;
}

/** The last buffer id handed out (0: none yet). */
export const lastBufferId = (): number => sys.load(registryWords(), BUFFERS);

/** The registry's id (tells registries apart). */
export const registryId = (): number => {
  registryWords();
  return state.id;
};

/**
 * Runs `fn` on this worker's `process` 'exit' event — which Node emits when the worker's event
 * loop runs dry, on process.exit(), an uncaught throw and an unhandled rejection, not on
 * terminate(). Nothing on a main thread, or where there is no Node `process`.
 */
export function onWorkerExit(fn: () => void): void {
  if (workerThreads === undefined || workerThreads.isMainThread) return;
  nodeProcess.on("exit", fn);
}

function onThisThreadExit(slot: number): void {
  // (terminate() is handled by the parent, see spawn.) Stopping, not dead: exit listeners
  // registered after this one still run JavaScript here. Whoever started this thread marks it
  // dead on its 'exit' event (spawn, pools, track); else it counts as dead STOP_GRACE_MS later.
  onWorkerExit(() => markStopping(slot));
}

/** Takes on a slot allocated by the parent (used by the spawn worker entry). */
export function assumeSlot(slot: number): void {
  if (state.slot !== 0 && state.slot !== slot) throw new WeftError("weft: this thread already has a slot");
  state.slot = slot;
  const words = ensureCapacity(registryWords(), slot);
  sys.store(words, HEADER + SLOT_WORDS * slot + NATIVE, (workerThreads?.threadId ?? -1) + 1);
  onThisThreadExit(slot);
}

/** This thread's slot, claimed on first use. */
export function currentSlot(): number {
  if (state.slot !== 0) return state.slot;
  const slot = claimSlot();
  state.slot = slot;
  sys.store(state.words!, HEADER + SLOT_WORDS * slot + NATIVE, (workerThreads?.threadId ?? -1) + 1);
  onThisThreadExit(slot);
  return slot;
}

/**
 * Whether the thread owning `slot` may still be running: false once it is known dead, or once it
 * was asked to terminate more than `STOP_GRACE_MS` ago.
 */
export function isAlive(slot: number): boolean {
  const words = registryWords();
  const i = HEADER + SLOT_WORDS * slot + LIFE;
  if (i >= words.length) return true;
  const life = sys.load(words, i);
  if (!isStopping(life)) return life !== DEAD && life !== PRESUMED_DEAD;
  // The stamp is up to STOPPING_BITS ms ahead of this thread's clock (see markStopping), more if
  // another thread's clock is a little ahead. A whole grace ahead, the clock went back: the grace
  // is counted as over rather than waited out again.
  const elapsed = (Date.now() - life) | 0;
  if (elapsed > -STOP_GRACE_MS && elapsed < STOP_GRACE_MS) return true;
  // Over: dead for good (the 32-bit difference would wrap after 2^31 ms and read young again).
  // A CAS, so only this very stamp is replaced; whatever else is there by now is DEAD already.
  sys.cas(words, i, life, PRESUMED_DEAD);
  return false;
}

/**
 * Whether the thread owning `slot` is known to have stopped running: its exit was seen (or it
 * never ran). Stricter than `!isAlive`, which also counts a thread asked to terminate long enough
 * ago — enough to take its locks over as poisoned, not to redo work it may still be doing.
 */
export function hasExited(slot: number): boolean {
  const words = registryWords();
  const i = HEADER + SLOT_WORDS * slot + LIFE;
  return i < words.length && sys.load(words, i) === DEAD;
}

/**
 * Marks a slot's thread dead: locks it holds become poisoned when next touched. Only for a thread
 * that has stopped (its exit was seen) or never ran: one still running would write on beside the
 * thread that took its lock over.
 */
export function markDead(slot: number): void {
  const words = ensureCapacity(registryWords(), slot);
  sys.store(words, HEADER + SLOT_WORDS * slot + LIFE, DEAD);
  sys.add(words, DEATHS, 1);
}

/**
 * Records that the slot's thread was asked to terminate (before a native `terminate()`, which runs
 * no JavaScript in it). The thread may run on for a moment, so its locks are not taken over yet:
 * whoever sees it stop (a Node `'exit'` event) marks it dead; if nobody does, it counts as dead
 * `STOP_GRACE_MS` after this mark. A slot already dead stays dead.
 */
export function markStopping(slot: number): void {
  const words = ensureCapacity(registryWords(), slot);
  const i = HEADER + SLOT_WORDS * slot + LIFE;
  // The stamp's low bits are forced to STOPPING_BITS, so it never reads as NEVER/ALIVE/DEAD; that
  // puts it up to 3 ms ahead of the clock, which only lengthens the grace.
  const stamp = Date.now() | STOPPING_BITS;
  for (let life = sys.load(words, i); life !== DEAD && life !== PRESUMED_DEAD && !isStopping(life); life = sys.load(words, i)) {
    if (sys.cas(words, i, life, stamp) === life) return;
  }
}

/** The last slot handed out that `words` (a view that grows with the registry) already covers. */
const lastSlot = (words: Int32Array): number => Math.min(sys.load(words, NEXT), Math.floor((words.length - HEADER) / SLOT_WORDS) - 1);

/**
 * The slot's thread has stopped (whoever started it saw its `'exit'` event): marks it dead, and
 * every thread it started, and theirs, that is not dead yet. Node stops a worker's own workers
 * before the worker's exit completes, and their `'exit'` events went to a thread that no longer
 * runs, so nobody else would tell.
 */
export function markExited(slot: number): void {
  const words = ensureCapacity(registryWords(), slot);
  const todo = [slot];
  for (let s = todo.pop(); s !== undefined; s = todo.pop()) {
    sys.store(words, HEADER + SLOT_WORDS * s + LIFE, DEAD);
    sys.add(words, DEATHS, 1);
    // Only a thread that started others is worth a scan (of every slot handed out so far).
    if ((sys.load(words, HEADER + SLOT_WORDS * s + PARENT) & HAS_CHILDREN) === 0) continue;
    const last = lastSlot(words);
    for (let c = 1; c <= last; c++) {
      const base = HEADER + SLOT_WORDS * c;
      if ((sys.load(words, base + PARENT) & ~HAS_CHILDREN) === s && sys.load(words, base + LIFE) !== DEAD) todo.push(c);
    }
  }
}

/** Marks exited (see `markExited`) every slot claimed by the Node worker with this `threadId` (for `track`). */
export function markNativeThreadExited(threadId: number): void {
  const words = registryWords();
  const last = lastSlot(words);
  for (let slot = 1; slot <= last; slot++) {
    if (sys.load(words, HEADER + SLOT_WORDS * slot + NATIVE) === threadId + 1) markExited(slot);
  }
}

/** This thread's slot, or 0 if it has not claimed one yet (claims nothing). */
export const slotIfAny = (): number => state.slot;

/** Test hook: what the registry says of the slot. */
export const slotState = (slot: number): "never" | "alive" | "stopping" | "dead" => {
  const words = registryWords();
  const i = HEADER + SLOT_WORDS * slot + LIFE;
  const v = i < words.length ? sys.load(words, i) : NEVER;
  return v === ALIVE ? "alive" : v === DEAD || v === PRESUMED_DEAD ? "dead" : isStopping(v) ? "stopping" : "never";
};

/** This thread's parker word: `{ words, index }` (a thread waits on it; others bump and notify it). */
export function parker(): { words: Int32Array; index: number } {
  const slot = currentSlot();
  return { words: state.words!, index: HEADER + SLOT_WORDS * slot + PARK };
}

/** Wakes the thread owning `slot` if it waits on its parker. */
export function unpark(slot: number): void {
  const words = registryWords();
  const i = HEADER + SLOT_WORDS * slot + PARK;
  if (i >= words.length) return;
  // Bump before notifying: a parker that read the old value and has not parked yet sees the
  // change and does not sleep.
  sys.add(words, i, 1);
  sys.notify(words, i, 1);
}

/**
 * A new channel's id (never 0), unique in this registry: what its reservations name in INTENT.
 * The counter is spread by an odd multiplier and offset by the registry's random id — still one id
 * per count (a bijection mod 2^31), and unlikely to be one another registry gives: a thread that
 * made channels before it switched to a wire's registry (`adoptRegistry`) keeps their ids, which
 * as plain counts the new registry handed out again (two channels then shared intents).
 */
export function nextChannelId(): number {
  const words = registryWords();
  for (;;) {
    const n = sys.add(words, CHANNELS, 1) + 1;
    const id = (Math.imul(n, 0x9e3779b1) + state.id) & 0x7fffffff;
    if (id !== 0) return id;
  }
}

/** A new RwLock id (never 0), unique in this registry: what read-lock records name the lock by. Spread as channel ids are. */
export function nextRwLockId(): number {
  const words = registryWords();
  for (;;) {
    const n = sys.add(words, RWLOCKS, 1) + 1;
    const id = (Math.imul(n, 0x9e3779b1) + state.id) & 0x7fffffff;
    if (id !== 0) return id;
  }
}

/** How many slots have been marked dead so far (a counter that only grows, mod 2^32). */
export function deathCount(): number {
  return sys.load(registryWords(), DEATHS);
}

/**
 * This thread's READS words (READ_RECORDS pairs of RwLock id, count), as a fixed-length view of
 * their own (a plain store through it is ~1 ns; see `intentWords`), with the table of which lock
 * holds each pair. Only this thread writes them; one per thread, shared by every copy of weft in it.
 */
export function readRecords(): ReadRecords {
  if (state.reads !== undefined) return state.reads;
  const slot = currentSlot();
  ensureCapacity(registryWords(), slot);
  const words = new Int32Array(state.sab!, (HEADER + SLOT_WORDS * slot + READS) * 4, 2 * READ_RECORDS);
  return (state.reads = { words, owners: new Array<unknown>(READ_RECORDS).fill(null) });
}

/**
 * Takes the read locks that threads known to have exited still hold on the RwLock `lockId`: zeroes
 * their records (by CAS, so of two threads doing this each record is taken once) and returns how
 * many read locks they held. Only slots marked DEAD count (`hasExited`): a thread merely presumed
 * dead may still run, and would give its read locks back itself.
 */
export function takeDeadReads(lockId: number): number {
  const words = registryWords();
  const last = lastSlot(words);
  let taken = 0;
  for (let slot = 1; slot <= last; slot++) {
    const base = HEADER + SLOT_WORDS * slot;
    if (sys.load(words, base + LIFE) !== DEAD) continue;
    for (let r = 0; r < READ_RECORDS; r++) {
      const at = base + READS + 2 * r;
      if (sys.load(words, at) !== lockId) continue;
      const n = sys.load(words, at + 1);
      if (n > 0 && sys.cas(words, at + 1, n, 0) === n) taken += n;
    }
  }
  return taken;
}

/** Index of `slot`'s first INTENT word in the registry's words. */
const intentAt = (slot: number): number => HEADER + SLOT_WORDS * slot + INTENT;

/**
 * The INTENT words of `slot` (I_CHAN…I_INFO), as a view of their own. The slot's thread writes
 * them with plain stores right before each CAS that may take a reservation: the CAS orders them
 * before anything a thread that sees its effect does. A fixed-length view: V8 11.3 makes every
 * access through a length-tracking view of a growable buffer (`registryWords()`) a slow call,
 * ~11 ns a store against ~0.7 here.
 */
export function intentWords(slot: number): Int32Array {
  ensureCapacity(registryWords(), slot);
  return new Int32Array(state.sab!, intentAt(slot) * 4, 4);
}

/** In I_INFO: set for a receive's reservation, clear for a send's. */
export const INTENT_SIDE = 1 << 30;
/** In I_INFO: the slots (free or published) the reservation found from its first on, of which it took some. */
export const INTENT_RUN = (1 << 29) - 1;
/** In I_INFO: recovery tasks a thread has taken on for the dead owner of the intent (see `claimIntentTask`). */
export const TASK_SPLIT = 1 << 29, TASK_RELEASE = 1 << 31;
const TASKS = TASK_SPLIT | TASK_RELEASE;

/** `deadReservation`'s answer when a live thread's intent matches: whoever waits must go on waiting. */
export const LIVE = "live" as const;

/**
 * The reservation on channel `chan` whose INTENT has `side` (INTENT_SIDE or 0) and, at word `key`
 * (I_START or I_NEXT), position `pos`. Only intents whose CAS took the reservation count: a thread
 * marks its intent won (I_CHAN = the channel id; it is `~id` until then) right after that CAS, so
 * threads that lost the race, or died before their CAS, are not matched. If the thread that took
 * it has exited (`hasExited`: its exit was seen, so it runs no more — a thread only asked to
 * terminate may still be running, and would then write into slots given to others), returns
 * `[start, next, info, slot]`; `LIVE` if it has not; null if no intent matches (completed
 * reservations clear theirs). A scan of every slot handed out: only for threads that have been
 * stuck behind a reservation for ~20 ms.
 */
export function deadReservation(chan: number, side: number, key: number, pos: number): [number, number, number, number] | typeof LIVE | null {
  const words = registryWords();
  const last = lastSlot(words);
  let found: [number, number, number, number] | null = null;
  for (let slot = 1; slot <= last; slot++) {
    const base = intentAt(slot);
    if (sys.load(words, base + I_CHAN) !== chan) continue;
    const info = sys.load(words, base + I_INFO);
    if ((info & INTENT_SIDE) !== side || sys.load(words, base + key) !== pos) continue;
    if (!hasExited(slot)) return LIVE;
    // Two won intents for one position: one is from 2^32 positions ago. Leave both alone.
    if (found !== null) return LIVE;
    found = [sys.load(words, base + I_START), sys.load(words, base + I_NEXT), info, slot];
  }
  return found;
}

/** The I_INFO word of `slot`'s intent (task bits included). */
export function intentInfo(slot: number): number {
  return sys.load(registryWords(), intentAt(slot) + I_INFO);
}

/** Clears the won intent on channel `chan` of dead thread `slot` once its reservation owes nothing more. */
export function retireIntent(slot: number, chan: number): void {
  sys.cas(registryWords(), intentAt(slot) + I_CHAN, chan, 0);
}

/**
 * Takes recovery task `task` (TASK_SPLIT, TASK_RELEASE) of the dead reservation whose intent is in
 * `slot`: true for exactly one caller, which then does it. (The intent's thread is dead: nothing
 * else writes these words.)
 */
export function claimIntentTask(slot: number, task: number): boolean {
  const words = registryWords();
  const i = intentAt(slot) + I_INFO;
  for (let info = sys.load(words, i); (info & task) === 0; ) {
    const seen = sys.cas(words, i, info, info | task);
    if (seen === info) return true;
    info = seen;
  }
  return false;
}
