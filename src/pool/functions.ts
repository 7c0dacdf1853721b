/**
 * The pool's function table: task functions are named by module URL + export name, and a record
 * carries a small id instead of the two strings. Ids are handed out in one shared table so that a
 * worker can look up an id that another thread registered.
 *
 * Layout (a growable SharedArrayBuffer):
 *   [0..8)   Mutex serialising appends (lookups take no lock)
 *   Int32 words from byte 8:
 *   [2] COUNT   entries published (an entry's bytes are written before COUNT covers it)
 *   entries from byte HEAP: [u32 byte length][UTF-8 of `url NUL exportName`], padded to 4 bytes.
 * An entry's id is its position + 1. Every thread caches what it has read (`byId`, `byKey`).
 */
import * as sys from "../sys/index.js";
import { Mutex, lockBriefly } from "../sync/mutex.js";
import { CapacityError, PoisonError } from "../errors.js";

const COUNT = 2;
const HEAP = 64;
const INITIAL_BYTES = 4096;
const MAX_BYTES = 64 * 1024 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A function's table key: `url NUL exportName`. */
export const fnKey = (href: string, exportName: string): string => `${href}\u0000${exportName}`;

/** Splits a key back into its URL and export name. */
export function splitKey(key: string): [href: string, exportName: string] {
  const at = key.indexOf("\u0000");
  return [key.slice(0, at), key.slice(at + 1)];
}

export class FunctionTable {
  readonly buffer: SharedArrayBuffer;
  private readonly words: Int32Array;
  private readonly lock: Mutex;
  private readonly byKey = new Map<string, number>();
  private readonly byId: string[] = [""];
  private readPos = HEAP;

  constructor(buffer?: SharedArrayBuffer) {
    this.buffer = buffer ?? (new (SharedArrayBuffer as any)(INITIAL_BYTES, { maxByteLength: MAX_BYTES }) as SharedArrayBuffer);
    this.words = new Int32Array(this.buffer);
    this.lock = Mutex.at(this.buffer, 0);
  }

  /** The id of `key`, registering it on first use by any thread. */
  idOf(key: string): number {
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    const g = this.take();
    try {
      this.sync();
      const now = this.byKey.get(key);
      if (now !== undefined) return now;
      return this.append(key);
    } finally {
      g.unlock();
    }
  }

  private take() {
    try {
      return lockBriefly(this.lock);
    } catch (e) {
      // A thread died while appending. An append publishes COUNT last and the next one starts
      // where the published entries end, so the table is consistent: take the lock over.
      if (!(e instanceof PoisonError)) throw e;
      this.lock.clearPoison();
      return e.guard as ReturnType<Mutex["lock"]>;
    }
  }

  /** The key of `id` (reading entries other threads published since we last looked). */
  keyOf(id: number): string {
    if (id >= this.byId.length) this.sync();
    const key = this.byId[id];
    if (key === undefined) throw new RangeError(`ThreadPool: unknown function id ${id} (corrupt task record)`);
    return key;
  }

  private sync(): void {
    const count = sys.load(this.words, COUNT);
    const bytes = new Uint8Array(this.buffer);
    while (this.byId.length <= count) {
      const len = sys.load(this.words, this.readPos >> 2);
      const key = decoder.decode(bytes.slice(this.readPos + 4, this.readPos + 4 + len));
      this.byKey.set(key, this.byId.length);
      this.byId.push(key);
      this.readPos += 4 + ((len + 3) & ~3);
    }
  }

  /** Under the lock, right after `sync()`: the new entry goes where the last published one ends. */
  private append(key: string): number {
    const utf8 = encoder.encode(key);
    const at = this.readPos;
    const end = at + 4 + ((utf8.length + 3) & ~3);
    if (end > this.buffer.byteLength) {
      const max = (this.buffer as any).maxByteLength as number;
      if (end > max) throw new CapacityError(`ThreadPool: the function table is full (${max} bytes of module URLs and export names)`);
      (this.buffer as any).grow(Math.min(max, Math.max(end, this.buffer.byteLength * 2)));
    }
    new Uint8Array(this.buffer).set(utf8, at + 4);
    sys.store(this.words, at >> 2, utf8.length);
    // Publish last: a reader that sees the new COUNT finds the entry's bytes written.
    const id = sys.add(this.words, COUNT, 1) + 1;
    this.sync();
    return id;
  }
}
