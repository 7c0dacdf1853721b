/**
 * Shared-memory layout of a ThreadPool. Two kinds of buffer:
 *
 * CONTROL (one per pool, fixed size; Int32 words):
 *   [0]  TAG        POOL_TAG
 *   [1]  THREADS    number of worker slots
 *   [2]  SLEEPERS   workers parked (or about to park) and not yet claimed by a waker
 *   [3]  INJECTED   tasks pushed into the injector so far (stats)
 *   [4]  REPLACED   workers that died and were replaced (stats)
 *   [5]  SEARCHING  workers awake and looking for work (spinning before they park)
 *   [6]  EXPECTING  until when (Int32 wall-clock ms) a burst of tasks is announced and not yet
 *                   published, 0 = none (PoolShared.announce)
 *   [16] INJ_HEAD   (byte 64, own cache line) next injector position to take (consumers CAS it)
 *   [32] INJ_TAIL   (byte 128) next injector position to write (only the pool's owner thread writes)
 *   [48 …]          the injector ring: INJ_CAP task refs
 *   then per worker slot k, WORKER_WORDS words at workerBase(k):
 *     [0]  TOP      Chase–Lev top (thieves CAS it)
 *     [16] BOTTOM   Chase–Lev bottom (only the slot's worker writes it)
 *     [32] EXEC     execution id of the slot's current worker (0 = none started / retired)
 *     [33] RUN      tasks run by this slot (every incarnation)
 *     [34] STOLEN   tasks this slot stole from other slots' deques
 *     [48 …]        the deque ring: DEQUE_CAP task refs
 *
 * PORT (one per submitting thread: port 0 is the pool's owner thread, port k+1 is worker slot k;
 * a growable SharedArrayBuffer). A port owns the records of the tasks its thread submitted and
 * receives their completions:
 *   [0]  TAG        PORT_TAG
 *   [1]  RECORDS    records in use or ever handed out (the owner grows the buffer before raising it)
 *   [2]  CHEAD      next completion to read (only the owner; kept here for its next incarnation)
 *   [3]  CAP        most records the port can hold (a power of two; its completion ring's size)
 *   [16] CTAIL      (own line) next completion slot to fill: executors reserve with an add
 *   [32] SLEEPING   1 while the owner is parked (or about to park); a waker exchanges it to 0
 *   [33] SEQ        the owner's park word: bumped by whoever wakes it
 *   [48 …]          the completion ring: cap(port) entries of record index + 1 (0 = not yet written)
 *   then records, RECORD_WORDS each (see below).
 *
 * RECORD (one task, or one chunk of `runMany` calls; Int32 words):
 *   [0] STATE     FREE 0 · QUEUED 1 · CANCELLED 2 · DONE 3 · RUNNING_BASE + execId (who runs it)
 *   [1] FN        function id (pool function table)
 *   [2] COUNT     calls in this record (1 for run)
 *   [3] ARG_LEN   bytes of the arguments payload
 *   [4] ARG_AT    arena offset of the arguments payload, 0 = inline
 *   [5] RES_KIND  what the result payload is (Outcome)
 *   [6] RES_LEN   bytes of the result payload
 *   [7] RES_AT    arena offset of the result payload, 0 = inline
 *   [8 …32)       INLINE_BYTES bytes: the arguments, then (once read) the result
 *
 * A task ref (what the queues carry) is `port << REF_PORT_SHIFT | record index`. Queue entries
 * are hints: a task is taken only by the CAS QUEUED → RUNNING on its record, so a stale or
 * duplicated entry can never run a task twice (see docs/design.md, "Pools").
 */

/**
 * `globalThis[POOL_CONTROL_KEY]`: in a pool worker, its pool's CONTROL words (set at start), which
 * the parallel helpers' kernels read to see whether other tasks wait (parallel/kernels.ts).
 */
export const POOL_CONTROL_KEY = Symbol.for("weft.pool.control");

export const POOL_TAG = 0x77660040;
export const PORT_TAG = 0x77660041;

// Control words.
export const TAG = 0, THREADS = 1, SLEEPERS = 2, INJECTED = 3, REPLACED = 4, SEARCHING = 5, EXPECTING = 6;
export const INJ_HEAD = 16, INJ_TAIL = 32, INJ_BASE = 48;
/** Injector capacity (entries); a power of two. Entries beyond it wait on the owner thread. */
export const INJ_CAP = 1 << 16;
export const INJ_MASK = INJ_CAP - 1;
// Worker slot words (relative to workerBase(k)).
export const TOP = 0, BOTTOM = 16, EXEC = 32, RUN = 33, STOLEN = 34, DEQUE_BASE = 48;
/** Deque capacity per worker (entries); a power of two. A worker keeps the overflow to itself. */
export const DEQUE_CAP = 1 << 12;
export const DEQUE_MASK = DEQUE_CAP - 1;
export const WORKER_WORDS = DEQUE_BASE + DEQUE_CAP;
export const workerBase = (k: number): number => INJ_BASE + INJ_CAP + k * WORKER_WORDS;
export const controlBytes = (threads: number): number => workerBase(threads) * 4;

// Port words.
export const RECORDS = 1, CHEAD = 2, CAP = 3, CTAIL = 16, SLEEPING = 32, SEQ = 33, RING_BASE = 48;

// Record words.
export const STATE = 0, FN = 1, COUNT = 2, ARG_LEN = 3, ARG_AT = 4, RES_KIND = 5, RES_LEN = 6, RES_AT = 7;
export const RECORD_WORDS = 32, RECORD_BYTES = RECORD_WORDS * 4, INLINE_WORD = 8, INLINE_BYTES = (RECORD_WORDS - INLINE_WORD) * 4;

// Record states.
export const FREE = 0, QUEUED = 1, CANCELLED = 2, DONE = 3, RUNNING_BASE = 16;

/** How a finished record's result reads. */
export const enum Outcome {
  /** The call(s) returned: the result payload holds the value(s). */
  Ok = 1,
  /** A call threw: the payload holds an error record (thread/error-wire). */
  Threw = 2,
  /** The worker running it died: no payload (RES_LEN holds the exit code); the owner makes a WorkerExitError. */
  Died = 3,
}

export const REF_PORT_SHIFT = 20;
/** Records per port at most (the index must fit below REF_PORT_SHIFT bits). */
export const MAX_RECORDS_LIMIT = 1 << REF_PORT_SHIFT;
export const refOf = (port: number, index: number): number => (port << REF_PORT_SHIFT) | index;
export const portOfRef = (ref: number): number => ref >>> REF_PORT_SHIFT;
export const indexOfRef = (ref: number): number => ref & (MAX_RECORDS_LIMIT - 1);

/** Byte size of a port whose ring and records hold `cap` records (cap a power of two). */
export const portBytes = (cap: number, records: number): number => (RING_BASE + cap) * 4 + records * RECORD_BYTES;
/** Word index of record `i` in a port of capacity `cap`. */
export const recordWord = (cap: number, i: number): number => RING_BASE + cap + i * RECORD_WORDS;
