/**
 * Public class names. The bundler emits self-referencing classes as `var Mutex = class _Mutex`,
 * so without help `Mutex.name` would be "_Mutex" (seen in logs and in weft's own messages).
 * esbuild's `keepNames` fixes that by wrapping *every* function in `__name(…)` — including the
 * closures the structured codec creates per message, where it cost a third of the encode time — so
 * instead the exported classes get their names here, once.
 */
import { Mutex, MutexGuard } from "./sync/mutex.js";
import { RwLock } from "./sync/rwlock.js";
import { Condvar } from "./sync/condvar.js";
import { Once } from "./sync/once.js";
import { Semaphore } from "./sync/semaphore.js";
import { Barrier } from "./sync/barrier.js";
import { WaitGroup } from "./sync/waitgroup.js";
import { AtomicBool, AtomicI32, AtomicI64, AtomicU32, AtomicU64 } from "./sync/atomic.js";
import { Receiver, Sender } from "./channel/channel.js";
import { ThreadPool } from "./pool/pool.js";
import { ThreadLocal } from "./pool/thread-local.js";

// (A few ns per lock once blamed on redefining MutexGuard's name were its `static {}` block: see
// MutexGuard in src/sync/mutex.ts. With that gone, the rename costs nothing measurable.)
const classes: Record<string, Function> = {
  Mutex, MutexGuard, RwLock, Condvar, Once, Semaphore, Barrier, WaitGroup, AtomicBool, AtomicI32,
  AtomicI64, AtomicU32, AtomicU64, Receiver, Sender, ThreadPool, ThreadLocal,
};
for (const [name, cls] of Object.entries(classes)) {
  if (cls.name !== name) Object.defineProperty(cls, "name", { value: name, configurable: true });
}
