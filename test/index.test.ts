/**
 * The public surface (src/index.ts): what a user imports from "weft".
 */
import { describe, expect, it } from "vitest";
import * as weft from "../dist/index.js";

const classes = [
  "Mutex", "MutexGuard", "RwLock", "RwLockReadGuard", "RwLockWriteGuard", "Condvar", "Once", "Semaphore", "Barrier",
  "WaitGroup", "AtomicI32", "AtomicU32", "AtomicBool", "AtomicI64", "AtomicU64",
  "WeftError", "TimeoutError", "PoisonError", "DeadlockError", "LockError", "ClosedError", "BlockingNotAllowedError", "WorkerExitError",
  "DataCloneError", "MovedError",
  "ThreadPool", "ThreadLocal", "AbortError", "UnsupportedError", "SharedMemoryUnavailableError",
] as const;
const functions = [
  "share", "revive", "isWire", "spawn", "spawnWith", "track", "threadSlot",
  // Send and Sync: moves and worker-module typing
  "send", "trySend", "sendAsync", "moduleRef", "defineWorker",
  "globalPool", "currentPool", "spawnBlocking", "joinAll", "joinAllSettled", "threadLocal", "join",
  // timer channels (crossbeam after / tick / never)
  "after", "tick", "never",
] as const;

describe("public surface", () => {
  it("exports every class and function of the std::sync family, spawn, share and the pool", () => {
    for (const name of [...classes, ...functions]) expect(typeof (weft as any)[name], name).toBe("function");
  });

  it("exports the parallel helpers as one namespace object", () => {
    expect(Object.keys(weft.parallel).sort()).toEqual(["forEach", "map", "reduce", "sort", "sum"]);
    for (const [name, fn] of Object.entries(weft.parallel)) expect(typeof fn, name).toBe("function");
  });

  it("every error class extends WeftError and Error, and its instances are named after it", () => {
    for (const name of ["TimeoutError", "PoisonError", "DeadlockError", "LockError", "ClosedError", "BlockingNotAllowedError", "WorkerExitError", "DataCloneError", "MovedError", "AbortError", "UnsupportedError", "SharedMemoryUnavailableError"] as const) {
      const cls = (weft as any)[name];
      expect(cls.prototype, name).toBeInstanceOf(weft.WeftError);
      expect(cls.prototype, name).toBeInstanceOf(Error);
    }
    expect(new weft.DeadlockError("x").name).toBe("DeadlockError");
    expect(new weft.TimeoutError("Thing.wait", 5).message).toBe("Thing.wait timed out after 5 ms");
    expect(new weft.BlockingNotAllowedError("Mutex.lock", "Mutex.lockAsync").message).toContain("use Mutex.lockAsync() instead");
    expect(new weft.WorkerExitError("gone", 3).exitCode).toBe(3);
    expect(new weft.MovedError("x")).toBeInstanceOf(weft.DataCloneError);
    expect(new weft.MovedError("x").name).toBe("MovedError");
    expect(new weft.SharedMemoryUnavailableError()).toBeInstanceOf(weft.UnsupportedError);
    expect(new weft.SharedMemoryUnavailableError().message).toMatch(/Cross-Origin-Opener-Policy: same-origin .*Cross-Origin-Embedder-Policy: require-corp/);
  });

  // Regression (found as a bug, now fixed): tsup.config.ts builds without `keepNames`, and esbuild renames every class that has a
  // static member to `_Mutex`, `_RwLock`, `_AtomicI32`, … so `Mutex.name === "_Mutex"`, objects
  // print as `_Mutex {}` in console.log / util.inspect, and weft's own messages that describe a
  // value by its constructor (layout.ts describeValue) say e.g. "got _AtomicI32".
  // Repro: `import { Mutex } from "weft"; Mutex.name` → "_Mutex". Fix: `keepNames: true` in tsup.config.ts.
  it("exported classes keep their names in the built package", () => {
    const renamed = classes.filter((name) => (weft as any)[name].name !== name).map((n) => `${n} is named ${(weft as any)[n].name}`);
    expect(renamed).toEqual([]);
  });
});
