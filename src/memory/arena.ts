/**
 * Arena: a shared-memory allocator in one growable SharedArrayBuffer, seen by every worker
 * holding it (growth included). Channels use it for messages too large for a slot and for the
 * blocks of unbounded channels. Like the seed's counting `GlobalAlloc`, it keeps statistics.
 *
 * Layout (bytes):
 *   [0..8)     Mutex guarding the allocator (a dead holder poisons it; the arena recovers, see lock())
 *   Int32 words from byte 8:
 *   [2] TOP        bump pointer: first never-used byte
 *   [3] IN_USE     bytes in allocated blocks (headers included)
 *   [4] PEAK       highest IN_USE seen
 *   [5] ALLOCS     allocations so far
 *   [6] FREES      frees so far
 *   [7] TAG        0x77660020
 *   [8 + k] FREE[k]  head of the free list of blocks of 2^k bytes (byte offset, 0 = empty)
 *   Blocks start at HEAP (byte 256). A block is 2^k bytes: [class k][requested bytes][payload…];
 *   a free block keeps the next free block's offset in its first payload word.
 *
 * Size classes are powers of two (64 B … 1 GiB), so a freed block is reused by any request of
 * its class, and fragmentation is bounded by 2×. All operations take the lock: they are rare
 * (large messages, one per 32 list-channel messages), and a lock keeps them simple and correct.
 */
import * as sys from "../sys/index.js";
import { CapacityError, PoisonError } from "../errors.js";
import { Mutex, lockBriefly } from "../sync/mutex.js";
import { sharedBuffer } from "./layout.js";

const TOP = 2, IN_USE = 3, PEAK = 4, ALLOCS = 5, FREES = 6, TAG = 7, FREE = 8;
const ARENA_TAG = 0x77660020;
const MIN_CLASS = 6, MAX_CLASS = 30;
const HEAP = 256;
const BLOCK_HEADER = 8;

/** Allocation statistics of an arena. */
export interface ArenaStats {
  /** Bytes in allocated blocks now (block headers and rounding included). */
  bytesInUse: number;
  /** Highest `bytesInUse` so far. */
  peakBytes: number;
  /** Allocations so far. */
  allocations: number;
  /** Frees so far. */
  frees: number;
  /** Current size of the shared buffer. */
  byteLength: number;
  /** Most the buffer may grow to. */
  maxByteLength: number;
}

/** Largest single allocation an arena can make. */
export const MAX_ALLOCATION = (1 << MAX_CLASS) - BLOCK_HEADER;

export class Arena {
  readonly buffer: SharedArrayBuffer;
  private readonly words: Int32Array;
  private readonly lockWord: Mutex;
  /** Int32 view of the whole arena, length-tracking. */
  private readonly all: Int32Array;
  /** Bytes of the whole arena, length-tracking (sees growth by any thread). */
  readonly bytes: Uint8Array;

  /** Creates an arena of `initialBytes`, growable up to `maxByteLength`. */
  constructor(maxByteLength: number, initialBytes = 64 * 1024, buffer?: SharedArrayBuffer) {
    if (buffer === undefined) {
      const max = Math.max(HEAP, Math.min(maxByteLength, 2 ** 32));
      buffer = sharedBuffer(Math.min(initialBytes, max), max);
    }
    this.buffer = buffer;
    this.words = new Int32Array(buffer, 0, HEAP >> 2);
    this.bytes = new Uint8Array(buffer);
    this.all = new Int32Array(buffer);
    this.lockWord = Mutex.at(buffer, 0);
    if (sys.cas(this.words, TAG, 0, ARENA_TAG) === 0) sys.cas(this.words, TOP, 0, HEAP);
    else if (sys.load(this.words, TAG) !== ARENA_TAG) throw new TypeError("Arena: the buffer does not hold a weft arena");
    // A racing placer may not have set TOP yet: the first allocation re-checks under the lock.
  }

  /** Statistics, read without the lock (each figure is exact, the set is a snapshot). */
  stats(): ArenaStats {
    return {
      bytesInUse: sys.load(this.words, IN_USE),
      peakBytes: sys.load(this.words, PEAK),
      allocations: sys.load(this.words, ALLOCS),
      frees: sys.load(this.words, FREES),
      byteLength: this.buffer.byteLength,
      maxByteLength: (this.buffer as any).maxByteLength ?? this.buffer.byteLength,
    };
  }

  /**
   * Allocates a block for `n` payload bytes; returns the payload's byte offset.
   * @throws CapacityError if the arena cannot grow enough (nothing changes then).
   */
  alloc(n: number): number {
    const k = classOf(n);
    if (k > MAX_CLASS) throw new CapacityError(`arena: a ${n}-byte message exceeds the largest allocation (${MAX_ALLOCATION} bytes)`);
    const size = 2 ** k;
    const guard = this.lock();
    try {
      if (sys.load(this.words, TOP) === 0) sys.store(this.words, TOP, HEAP);
      let block = sys.load(this.words, FREE + k);
      if (block !== 0) {
        sys.store(this.words, FREE + k, this.readWord(block + BLOCK_HEADER));
      } else {
        block = sys.load(this.words, TOP);
        const end = block + size;
        if (end > this.buffer.byteLength) this.grow(end, n);
        sys.store(this.words, TOP, end);
      }
      this.writeWord(block, k);
      this.writeWord(block + 4, n);
      const inUse = sys.add(this.words, IN_USE, size) + size;
      if (inUse > sys.load(this.words, PEAK)) sys.store(this.words, PEAK, inUse);
      sys.add(this.words, ALLOCS, 1);
      return block + BLOCK_HEADER;
    } finally {
      guard.unlock();
    }
  }

  /** Returns a block (by its payload offset) to its free list. */
  free(payload: number): void {
    const block = payload - BLOCK_HEADER;
    const guard = this.lock();
    try {
      const k = this.readWord(block);
      this.writeWord(payload, sys.load(this.words, FREE + k));
      sys.store(this.words, FREE + k, block);
      sys.sub(this.words, IN_USE, 2 ** k);
      sys.add(this.words, FREES, 1);
    } finally {
      guard.unlock();
    }
  }

  private grow(end: number, n: number): void {
    const max = (this.buffer as any).maxByteLength ?? this.buffer.byteLength;
    if (end > max) {
      throw new CapacityError(
        `arena: allocating ${n} bytes needs ${end} bytes of shared memory, past the arena's maxByteLength (${max}); ` +
          `receive some messages or create the channel with a larger maxArenaBytes`,
      );
    }
    const target = Math.min(max, Math.max(end, this.buffer.byteLength * 2));
    (this.buffer as any).grow(target);
  }

  private lock() {
    try {
      // Never parks on a main thread (see lockBriefly): the sections here are a few stores long.
      return lockBriefly(this.lockWord);
    } catch (e) {
      // A thread died inside alloc/free. Each of them leaves the lists consistent at every store
      // except the single list-head update, so we take the lock over and go on.
      if (e instanceof PoisonError) {
        this.lockWord.clearPoison();
        return e.guard as ReturnType<Mutex["lock"]>;
      }
      throw e;
    }
  }

  // Block headers are written under the lock; Atomics keeps them visible to other threads.
  private readWord(byteOffset: number): number {
    return sys.load(this.all, byteOffset >> 2);
  }

  private writeWord(byteOffset: number, v: number): void {
    sys.store(this.all, byteOffset >> 2, v);
  }
}

function classOf(n: number): number {
  const need = n + BLOCK_HEADER;
  let k = MIN_CLASS;
  while (2 ** k < need) k++;
  return k;
}
