/**
 * weft: Rust-grade concurrency for JavaScript workers over SharedArrayBuffer.
 * This file is the public surface (plus the one-time class-name fix in names.ts).
 */
import "./names.js";
export {
  WeftError,
  TimeoutError,
  PoisonError,
  DeadlockError,
  LockError,
  ClosedError,
  BlockingNotAllowedError,
  WorkerExitError,
  DataCloneError,
  MovedError,
  SendError,
  TrySendError,
  SendTimeoutError,
  RecvError,
  TryRecvError,
  CapacityError,
  AbortError,
  UnsupportedError,
  SharedMemoryUnavailableError,
} from "./errors.js";
export type { WaitOptions } from "./sync/options.js";
export { Mutex, MutexGuard } from "./sync/mutex.js";
export { RwLock, RwLockReadGuard, RwLockWriteGuard } from "./sync/rwlock.js";
export { Condvar } from "./sync/condvar.js";
export { Once, type OnceState } from "./sync/once.js";
export { Semaphore } from "./sync/semaphore.js";
export { Barrier, type BarrierWaitResult } from "./sync/barrier.js";
export { WaitGroup } from "./sync/waitgroup.js";
export { AtomicI32, AtomicU32, AtomicBool, AtomicI64, AtomicU64, type FetchUpdateResult } from "./sync/atomic.js";
export { share, revive, isWire, type Wire } from "./share/index.js";
export { spawn, spawnWith, type WorkerHandle, type SpawnOptions, type SpawnArgs, type SpawnResult } from "./thread/spawn.js";
export { currentSlot as threadSlot } from "./thread/registry.js";
export { track, type NodeWorkerLike, type WebWorkerLike } from "./thread/track.js";
export { channel, after, tick, never, Sender, Receiver, type ChannelOptions, type RecvTarget } from "./channel/channel.js";
export { codecs, type Codec, type FixedCodec, type VarCodec } from "./channel/codec.js";
export type { ArenaStats } from "./memory/arena.js";
export { select, trySelect, selectAsync, sendArm, type SelectArm, type SendArm, type Selected } from "./channel/select.js";
export { send, trySend, sendAsync } from "./channel/move.js";
export {
  moduleRef,
  defineWorker,
  type Sendable,
  type SendableValue,
  type Send,
  type IsSendable,
  type NotSendable,
  type Sync,
  type Shareable,
  type NotShareable,
  type Moved,
  type MovedBrand,
  type WorkerFunction,
  type WorkerModule,
  type TaskName,
  type TaskArgs,
  type TaskResult,
  type ModuleRef,
  type PlainModuleUrl,
} from "./types.js";
export { ThreadPool, globalPool, currentPool, spawnBlocking, type ThreadPoolOptions } from "./pool/pool.js";
export type { Pool, PoolStats, TaskOptions } from "./pool/api.js";
export { joinAll, joinAllSettled, type JoinAllOptions, type Settled } from "./pool/join.js";
export { threadLocal, ThreadLocal } from "./pool/thread-local.js";
export {
  parallel,
  join,
  type ParallelOptions,
  type SortOptions,
  type NumericArray,
  type Task,
  type JoinOptions,
  type UnfitExport,
} from "./parallel/parallel.js";
