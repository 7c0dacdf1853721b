/**
 * spawn() (src/thread/spawn.ts, worker-entry.ts, error-wire.ts): arguments and results through
 * share/revive, errors rebuilt with name/message/stack/properties, exits, terminate, bad modules
 * and bad module URLs.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  AtomicI32,
  DataCloneError,
  Mutex,
  PoisonError,
  TimeoutError,
  WeftError,
  RecvError,
  WorkerExitError,
  channel,
  spawn,
  spawnWith,
  threadSlot,
} from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import { checkError, expectErrorShape, expectThrow, handshake, op, sharedInts } from "../unit-helpers.js";

const url = workerUrl("unit/spawned.mjs");
const failure = async (p: Promise<unknown>): Promise<any> => {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected join() to reject");
};

describe("spawn: arguments and results", () => {
  it("runs the default export with revived args; join() gives its awaited result", async () => {
    const h = spawn(url, "echo", new Mutex(), new AtomicI32(), 1, "s", null, [1], { a: 1 }, sharedInts());
    expect(await h.join()).toEqual(["Mutex", "AtomicI32", "number", "string", "null", "Array", "Object", "Int32Array"]);
  });

  // Found by a helper porting Rust's thread tests: these passed share() and failed in Node's
  // Worker constructor with its own DOMException, not weft's DataCloneError.
  it("an argument structured clone refuses (a Promise, a WeakMap) is weft's DataCloneError, and no worker starts", () => {
    for (const bad of [Promise.resolve(1), new WeakMap(), { nested: [new WeakSet()] }]) {
      let e: any;
      try {
        spawn(url, "echo", bad as any);
      } catch (err) {
        e = err;
      }
      expect(e).toBeInstanceOf(DataCloneError);
      expect(e).toBeInstanceOf(WeftError);
      expect(e.message).toMatch(/^spawn: an argument cannot be copied to the worker: /);
      expect(e.cause?.name).toBe("DataCloneError");
    }
  });

  // Regressions (found by a helper's port of Rust's mpsc tests, issue_39364, thirteenth session):
  // the worker closed its argument ends *before* it encoded its result, so returning the Sender it
  // was given failed join() with ClosedError (and, that being the last reference, disconnected the
  // channel); and an end it made and returned stayed open in the worker too, so the channel never
  // disconnected. Ends in a result move to the joiner.
  for (const how of ["same", "clone"] as const) {
    it(`a worker may return a channel end (${how === "same" ? "the one it was given" : "a clone it made"}): it moves to the joiner`, async () => {
      const [tx, rx] = channel<number>();
      const h = spawn(workerUrl("give-back.mjs"), tx, how);
      tx.close();
      const back = (await h.join()) as any;
      const sender = how === "same" ? back : back.tx;
      expect(() => rx.tryRecv()).toThrow(expect.objectContaining({ kind: "empty" })); // a sender lives: ours
      sender.send(3);
      sender.close();
      expect(rx.recv({ timeout: 5000 })).toBe(3);
      expect(() => rx.recv({ timeout: 5000 })).toThrow(RecvError); // no handle left open in the worker
    });
  }

  // Regression (found by a helper's port of Rust's lock tests, test_mutex_arc_poison, thirteenth
  // session): join() settled on the worker's result message, before its 'exit' event marked its
  // slot dead, so right after join() a lock it died holding read as held by a live thread —
  // tryLock() gave null, and a blocking lock() waited ~1 s for the exit to be noticed.
  it("join() settles once the worker has exited: a lock it died holding reads poisoned at once", async () => {
    const m = new Mutex(sharedInts(1));
    const err = await spawn(workerUrl("throw-holding.mjs"), m).join().catch((e: unknown) => e);
    expect((err as Error).message).toBe("died holding the lock");
    let tried: unknown;
    try {
      tried = m.tryLock();
    } catch (e) {
      tried = e;
    }
    expect(tried).toBeInstanceOf(PoisonError);
    (tried as PoisonError<any>).guard.unlock();
  });

  it("plain args are copied faithfully", async () => {
    const args = [1.5, "two", true, undefined, null, 3n, { nested: [1, { x: "y" }] }, new Date(7), new Map([[1, 2]])];
    expect(await spawn(url, "args", ...args).join()).toEqual(args);
  });

  it("channel ends inside a Map, a Set or an Error's cause arrive working, and are the worker's (closed when it ends)", async () => {
    // Regression: they arrived as a bare {} (share() walked arrays and plain objects only).
    const [tx, rx] = channel<number>();
    const holders = [new Map([["tx", tx]]), new Set([tx]), new Error("carrier", { cause: tx })];
    const found = await Promise.all(holders.map((h, i) => spawn(workerUrl("send-in-container.mjs"), h, i).join()));
    expect(found).toEqual([
      { holder: "Map", end: "Sender" },
      { holder: "Set", end: "Sender" },
      { holder: "Error", end: "Sender" },
    ]);
    tx.close(); // ours was the last open handle: the workers' were closed as they ended
    const got: number[] = [];
    for (;;) {
      try {
        got.push(await rx.recvAsync({ timeout: 5000 }));
      } catch (e) {
        expect((e as Error).name).toBe("RecvError");
        break;
      }
    }
    expect(got.sort()).toEqual([0, 1, 2]);
  });

  it("primitives in args are the same memory in the worker", async () => {
    const a = new AtomicI32(5);
    const m = new Mutex(sharedInts());
    await Promise.all([spawn(url, "increment", a, m).join(), spawn(url, "increment", a, m).join()]);
    expect(a.load()).toBe(7);
    expect(m.lock().value[0]).toBe(2);
  });

  it("primitives in the result are revived here over the worker's memory", async () => {
    const r = await spawn<{ atomic: AtomicI32; mutex: Mutex<Int32Array> }>(url, "makePrimitives", 41).join();
    expect(r.atomic).toBeInstanceOf(AtomicI32);
    expect(r.atomic.fetchAdd(1)).toBe(41);
    expect(r.mutex).toBeInstanceOf(Mutex);
    r.mutex.withLock((v) => (v[0] = 1));
    expect(r.mutex.isLocked).toBe(false);
  });

  it("a function returning undefined joins with undefined; join() is the same promise every time", async () => {
    const h = spawn(url, "undefined");
    expect(h.join()).toBe(h.join());
    expect(await h.join()).toBeUndefined();
  });

  it("threadId and slot are numbers; the slot is the worker's own threadSlot(), distinct from ours", async () => {
    const h1 = spawn<number>(url, "slot");
    const h2 = spawnWith<number>({ name: "weft-unit-slot" }, url, "slot");
    for (const h of [h1, h2]) {
      expect(Number.isInteger(h.threadId)).toBe(true);
      expect(h.threadId).toBeGreaterThan(0);
      expect(Number.isInteger(h.slot)).toBe(true);
      expect(h.slot).toBeGreaterThan(0);
    }
    expect(h1.threadId).not.toBe(h2.threadId);
    expect(h1.slot).not.toBe(h2.slot);
    expect(await h1.join()).toBe(h1.slot);
    expect(await h2.join()).toBe(h2.slot);
    expect(threadSlot()).not.toBe(h1.slot);
  });

  it("accepts an absolute path and a file: URL string as well as a URL", async () => {
    expect(await spawn(fileURLToPath(url), "undefined").join()).toBeUndefined();
    expect(await spawn(url.href, "undefined").join()).toBeUndefined();
  });
});

describe("spawn: errors thrown in the worker", () => {
  it("a custom Error subclass keeps its name, message, stack and own properties", async () => {
    const e = await failure(spawn(url, "custom").join());
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("QuotaError");
    expect(e.message).toBe("quota exceeded in worker");
    expect(e.code).toBe("E_QUOTA");
    expect(e.limit).toBe(3);
    expect(e.stack).toContain("QuotaError: quota exceeded in worker");
    expect(e.stack).toContain("throwQuota");
    expect(e.stack).toContain("spawned.mjs");
  });

  it("a TypeError comes back as a TypeError", async () => {
    const e = await failure(spawn(url, "type").join());
    expect(e).toBeInstanceOf(TypeError);
    expect(e.name).toBe("TypeError");
    expect(e.message).toMatch(/null/);
    expect(e.stack).toContain("spawned.mjs");
  });

  it("a weft TimeoutError comes back as weft's TimeoutError class", async () => {
    const e = await failure(spawn(url, "timeout").join());
    expect(e).toBeInstanceOf(TimeoutError);
    expect(e).toBeInstanceOf(WeftError);
    expect(e.name).toBe("TimeoutError");
    expect(e.message).toBe("Semaphore.acquire timed out after 1 ms");
    expect(e.stack).toContain("TimeoutError");
  });

  it("an async rejection, and an error's cause, come back too", async () => {
    const r = await failure(spawn(url, "reject").join());
    expect(r).toBeInstanceOf(RangeError);
    expect(r.message).toBe("async rejection");
    const c = await failure(spawn(url, "cause").join());
    expect(c.message).toBe("outer failure");
    expect(c.cause).toBeInstanceOf(Error);
    expect(c.cause.message).toBe("inner cause");
  });

  it("errors keep the shape structured clone gives them: cause not enumerable, no own message or name where the thrower had none", async () => {
    // Regression (found by a fidelity review): `cause` arrived enumerable, and every error had
    // its own `message` and `name`.
    const c = await failure(spawn(url, "cause").join());
    expectErrorShape(c, new Error("outer failure", { cause: new RangeError("inner cause") }));
    const b = await failure(spawn(url, "bare").join());
    expect(b).toBeInstanceOf(TypeError);
    expectErrorShape(b, new TypeError());
    const assigned = new Error("assigned cause");
    (assigned as any).cause = 5;
    expectErrorShape(await failure(spawn(url, "enumerableCause").join()), assigned);
    // A message inherited from a custom class's prototype is not lost (the class is not rebuilt).
    expect((await failure(spawn(url, "protoMessage").join())).message).toBe("from the prototype");
  });

  it("a weft primitive on a thrown error arrives as the same primitive (same memory)", async () => {
    // Regression (found by a fidelity review): the error record was posted unshared, so the
    // property arrived as a plain copy of the primitive's fields.
    const counter = new AtomicI32(1);
    const e = await failure(spawn(url, "primitiveOnError", counter).join());
    expect(e.message).toBe("with a counter");
    expect(e.counter).toBeInstanceOf(AtomicI32);
    expect(e.counter.load()).toBe(2);
    e.counter.fetchAdd(1);
    expect(counter.load()).toBe(3);
  });

  it("a result that cannot be sent (a function) rejects join() with weft's DataCloneError naming it", async () => {
    // Was Node's DOMException "… could not be cloned" (not instanceof weft's DataCloneError).
    const e = await failure(spawn(url, "fnResult").join());
    expect(e).toBeInstanceOf(DataCloneError);
    expect(e.message).toMatch(/a function cannot be sent to another thread/);
  });

  it("a class instance holding a weft primitive is a DataCloneError (args or result); without one it is copied as structured clone copies it", async () => {
    // structured clone copies a class instance's own fields into a plain object: a weft primitive
    // among them arrived as a bare object over nothing (found by a fidelity review).
    class Holder {
      constructor(readonly m: Mutex<Int32Array>) {}
      get(): Mutex<Int32Array> {
        return this.m;
      }
    }
    const e = await failure(Promise.resolve().then(() => spawn(url, "echo", new Holder(new Mutex(sharedInts())) as any).join()));
    expect(e).toBeInstanceOf(DataCloneError);
    expect(e.message).toMatch(/^share: a Holder \(a class instance\) holds a weft primitive \(at \.m\)/);
    const r = await failure(spawn(url, "classResult", new AtomicI32(1)).join());
    expect(r).toBeInstanceOf(DataCloneError);
    expect(r.message).toMatch(/a Point \(a class instance\) holds a weft primitive \(at \.counter\)/);
    expect(await spawn(url, "classResult").join()).toEqual({ p: { x: 3 } });
  });

  it("a refused argument leaves no reference behind: the channel of an end shared before it still disconnects", async () => {
    // Review regression: share() took the end's reference (a share counts as a clone), then threw
    // on the next argument, and nothing gave the reference back — the receiver waited for ever.
    const [tx, rx] = channel<number>();
    class Holder {
      constructor(readonly c: AtomicI32) {}
    }
    expect(() => spawn(url, "echo", tx, new Holder(new AtomicI32()) as any)).toThrow(DataCloneError);
    expect(() => spawn(url, "echo", tx, (() => 1) as any)).toThrow(DataCloneError);
    tx.close();
    expect(rx.tryRecv.bind(rx)).toThrow(/disconnected/);
  });

  it("an end in an array's extra property is the worker's too (closed when it ends)", async () => {
    // Review regression: share() now keeps arrays' non-index properties, so it took a reference
    // for an end there, but the lease walk looked at elements only: never closed.
    const [tx, rx] = channel<number>();
    const holder = Object.assign([1, 2], { tx });
    expect(await spawn(workerUrl("send-in-container.mjs"), holder, 9).join()).toEqual({ holder: "Array", end: "Sender" });
    tx.close();
    expect(await rx.recvAsync({ timeout: 5000 })).toBe(9);
    await expect(rx.recvAsync({ timeout: 5000 })).rejects.toThrow(/disconnected|RecvError/);
  });

  // Regression (found as a bug, now fixed): src/thread/error-wire.ts deserializeError picks the weft class by *name* alone, so any
  // error named like a weft class is rebuilt as that class: a DOMException "TimeoutError" (what
  // `AbortSignal.timeout()` rejects with, or a fetch timeout) or a user's own `class LockError` comes
  // back `instanceof` weft's TimeoutError / LockError, and `catch (e) { if (e instanceof TimeoutError) … }`
  // misfires. Repro: a spawned default export that does
  // `throw new DOMException("…", "TimeoutError")`; `(await h.join().catch(e => e)) instanceof TimeoutError` → true.
  // (A flag in the ErrorRecord saying "this was a WeftError" would fix it.)
  it("a foreign error that merely shares a weft class's name is not rebuilt as the weft class", async () => {
    const e = await failure(spawn(url, "domTimeout").join());
    expect(e.name).toBe("TimeoutError");
    expect(e.message).toBe("The operation was aborted due to timeout");
    expect(e).not.toBeInstanceOf(TimeoutError);
  });

  it("a thrown non-Error value is what join() rejects with", async () => {
    expect(await failure(spawn(url, "number").join())).toBe(42);
    expect(await failure(spawn(url, "object").join())).toEqual({ code: 7, text: "plain object" });
  });

  it("an uncaught error outside the function rejects join() with it", async () => {
    const e = await failure(spawn(url, "uncaught").join());
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toContain("thrown later, outside the function");
  });
});

describe("spawn: exits and terminate", () => {
  it("a worker whose only pending work is an async lock stays alive until it gets the lock", async () => {
    const m = new Mutex();
    const g = m.lock();
    const h = spawn(url, "lockAsync", m);
    setTimeout(() => g.unlock(), 300);
    expect(await h.join()).toBe("acquired");
  });

  it("process.exit(3) in the worker → WorkerExitError with exitCode 3", async () => {
    const e = await failure(spawn(url, "exit", 3).join());
    checkError(e, WorkerExitError, ["exited with code 3"]);
    expect(e).toBeInstanceOf(WeftError);
    expect(e.exitCode).toBe(3);
  });

  it("process.exit(0) before returning is still a WorkerExitError (exitCode 0)", async () => {
    const e = await failure(spawn(url, "exit", 0).join());
    expect(e).toBeInstanceOf(WorkerExitError);
    expect(e.exitCode).toBe(0);
  });

  it("terminate() → join() rejects with WorkerExitError saying so", async () => {
    const h = spawn(url, "forever");
    await new Promise((r) => setTimeout(r, 50));
    await h.terminate();
    const e = await failure(h.join());
    checkError(e, WorkerExitError, ["terminated"]);
  });

  it("terminate() of a worker holding a mutex poisons it for the waiters here", async () => {
    const m = new Mutex(sharedInts());
    const hs = handshake();
    const h = op("lockAndStay", m, hs.started, hs.release);
    await hs.whenStarted();
    const waiting = m.lockAsync({ timeout: 10_000 });
    await h.terminate();
    const e = await failure(waiting);
    expect(e).toBeInstanceOf(PoisonError);
    e.guard.unlock();
    expect(await failure(h.join())).toBeInstanceOf(WorkerExitError);
  });

  it("terminating a worker poisons the locks of the workers it started (stopped with it)", async () => {
    // Regression (review): the grandchild's 'exit' event went to the child, which was gone, so
    // its slot stayed alive and its lock held for good.
    const m = new Mutex(sharedInts());
    const ctl = sharedInts(2);
    const h = spawn(workerUrl("spawn-holder-child.mjs"), m, ctl);
    for (const end = performance.now() + 20_000; Atomics.load(ctl, 0) === 0; ) {
      if (performance.now() > end) throw new Error("the grandchild never took the lock");
      await new Promise((r) => setTimeout(r, 2));
    }
    await h.terminate();
    const e = await failure(m.lockAsync({ timeout: 10_000 }));
    expect(e).toBeInstanceOf(PoisonError);
    expect(e.guard.value[0]).toBe(42); // the grandchild's write
    e.guard.unlock();
  });

  it("terminate() not awaited, then a synchronous lock() here: PoisonError after the stopping grace, not a hang", async () => {
    // This thread blocks before its event loop can deliver the worker's 'exit', so only the
    // stopping mark tells it: the lock is taken over STOP_GRACE_MS (1 s) after terminate().
    const m = new Mutex(sharedInts());
    const hs = handshake();
    const h = op("lockAndStay", m, hs.started, hs.release);
    await hs.whenStarted();
    const stopped = h.terminate();
    const t0 = performance.now();
    let e: any;
    try {
      m.lock({ timeout: 10_000 }).unlock();
    } catch (err) {
      e = err;
    }
    const waited = performance.now() - t0;
    expect(e).toBeInstanceOf(PoisonError);
    e.guard.unlock();
    expect(waited, "taken over before the grace ended").toBeGreaterThanOrEqual(900);
    expect(waited, "the grace plus a liveness slice, with slack").toBeLessThan(5_000);
    await stopped;
  });
});

describe("spawn: bad modules and module URLs", () => {
  it("a module without a default export → TypeError naming the URL", async () => {
    const u = workerUrl("unit/no-default.mjs");
    const e = await failure(spawn(u).join());
    checkError(e, TypeError, [u.href, "no default export function", "undefined"]);
  });

  it("a default export that is not a function → TypeError naming the URL and what it is", async () => {
    const u = workerUrl("unit/default-number.mjs");
    const e = await failure(spawn(u).join());
    checkError(e, TypeError, [u.href, "number"]);
  });

  it("a module that does not exist → join() rejects naming it", async () => {
    const u = workerUrl("unit/does-not-exist.mjs");
    const e = await failure(spawn(u).join());
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toContain("does-not-exist.mjs");
  });

  it.each([
    ["a relative path", "./worker.mjs", 'string "./worker.mjs"'],
    ["a bare name", "worker.mjs", 'string "worker.mjs"'],
    ["a number", 42, "number 42"],
    ["null", null, "null"],
    ["an object", { href: "file:///x.mjs" }, "Object"],
  ])("moduleUrl that is %s → TypeError at once, naming it", (_what, bad, shown) => {
    expectThrow(() => spawn(bad as any), TypeError, "spawn", "moduleUrl", shown, "new URL");
  });
});

// Regressions (a helper's port of rayon's and std's thread tests, thirteenth session): a stack too
// small for a worker's start-up (spawnWith had no check at all), or one whose byte count overflows
// (≥ 2^44 MiB, which ThreadPool let through), made Node abort the whole process — exit code 6,
// nothing to catch. Each case runs in a child process, which such an abort would kill.
describe("stack sizes", () => {
  const probe = (how: string, mb: number): { ok?: unknown; error?: string; message?: string } => {
    const r = spawnSync(process.execPath, [fileURLToPath(workerUrl("stack-probe.mjs")), how, String(mb)], { encoding: "utf8", timeout: 30_000 });
    expect(r.status, `exit status (stderr: ${r.stderr})`).toBe(0);
    return JSON.parse(r.stdout.trim().split("\n").pop()!);
  };
  it("a stack below the minimum gets the minimum, as Rust's stack_size: the worker runs", () => {
    expect(probe("spawn", 0.1)).toEqual({ ok: [5] });
    expect(probe("pool", 0.1)).toEqual({ ok: 5 });
  });
  it("a stack of 2^44 MiB or more is a RangeError, not an abort", () => {
    expect(probe("spawn", 2 ** 44)).toMatchObject({ error: "RangeError", message: expect.stringMatching(/^spawn: stackSizeMb must be .* at most 2\^43/) });
    expect(probe("pool", 2 ** 44)).toMatchObject({ error: "RangeError", message: expect.stringMatching(/^ThreadPool: stackSizeMb must be .* at most 2\^43/) });
  });
  it("a stack the system will not give is a RangeError naming stackSizeMb (not Node's raw EAGAIN)", () => {
    expect(probe("spawn", 1e12)).toMatchObject({ error: "RangeError", message: expect.stringMatching(/^spawn: could not start a worker thread with stackSizeMb 1000000000000 \(.+\): the system would not give a thread that stack$/) });
  });
  it("a stack that is not a positive number is a RangeError", () => {
    for (const bad of [0, -1, NaN, Infinity, "8"]) {
      expect(() => spawnWith({ stackSizeMb: bad as any }, url, "args")).toThrow(RangeError);
    }
  });
});
