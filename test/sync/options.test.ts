/**
 * The `{ timeout, signal }` options bag of every method that can wait (src/sync/options.ts):
 * bad options are a TypeError/RangeError naming the method and the value, an already-aborted
 * signal throws (or rejects with) `signal.reason` itself, async methods reject rather than throw,
 * and the primitive is untouched afterwards.
 */
import { describe, expect, it } from "vitest";
import {
  AtomicBool,
  AtomicI32,
  AtomicI64,
  AtomicU32,
  Barrier,
  Condvar,
  Mutex,
  Once,
  RwLock,
  Semaphore,
  TimeoutError,
  WaitGroup,
} from "../../dist/index.js";
import { checkError, expectReject, expectThrow } from "../unit-helpers.js";

interface Case {
  /** Method name as it appears in error messages. */
  where: string;
  async: boolean;
  /** Builds the primitive and returns a call with the given options plus a check that state is intact. */
  setup(): { call(opts: unknown): unknown; intact(): void | Promise<void> };
}

const cases: Case[] = [];
const add = (where: string, async: boolean, setup: Case["setup"]) => cases.push({ where, async, setup });

// Mutex
for (const [where, async, call] of [
  ["Mutex.lock", false, (m: Mutex, o: any) => m.lock(o)],
  ["Mutex.lockAsync", true, (m: Mutex, o: any) => m.lockAsync(o)],
  ["Mutex.lock", false, (m: Mutex, o: any) => m.withLock(() => 1, o)],
  ["Mutex.lockAsync", true, (m: Mutex, o: any) => m.withLockAsync(() => 1, o)],
] as const) {
  add(where, async, () => {
    const m = new Mutex();
    return {
      call: (o) => call(m, o),
      intact() {
        expect(m.isLocked).toBe(false);
        expect(m.isPoisoned).toBe(false);
        m.lock().unlock();
      },
    };
  });
}

// RwLock
for (const [where, async, call] of [
  ["RwLock.read", false, (l: RwLock, o: any) => l.read(o)],
  ["RwLock.readAsync", true, (l: RwLock, o: any) => l.readAsync(o)],
  ["RwLock.write", false, (l: RwLock, o: any) => l.write(o)],
  ["RwLock.writeAsync", true, (l: RwLock, o: any) => l.writeAsync(o)],
  ["RwLock.read", false, (l: RwLock, o: any) => l.withRead(() => 1, o)],
  ["RwLock.write", false, (l: RwLock, o: any) => l.withWrite(() => 1, o)],
] as const) {
  add(where, async, () => {
    const l = new RwLock();
    return {
      call: (o) => call(l, o),
      intact() {
        expect(l.isPoisoned).toBe(false);
        const w = l.tryWrite();
        expect(w).not.toBeNull(); // no reader or writer was left behind
        w!.unlock();
      },
    };
  });
}

// Condvar: the guard must still be held and usable after a rejected call.
for (const [where, async, call] of [
  ["Condvar.wait", false, (c: Condvar, g: any, o: any) => c.wait(g, o)],
  ["Condvar.waitAsync", true, (c: Condvar, g: any, o: any) => c.waitAsync(g, o)],
  ["Condvar.waitWhile", false, (c: Condvar, g: any, o: any) => c.waitWhile(g, () => true, o)],
  ["Condvar.waitWhileAsync", true, (c: Condvar, g: any, o: any) => c.waitWhileAsync(g, () => true, o)],
] as const) {
  add(where, async, () => {
    const c = new Condvar();
    const m = new Mutex();
    const g = m.lock();
    return {
      call: (o) => call(c, g, o),
      intact() {
        expect(g.isHeld).toBe(true);
        expect(m.isLocked).toBe(true);
        g.unlock();
        expect(m.isLocked).toBe(false);
      },
    };
  });
}

// Once: the function must not have run, and the Once is neither completed nor poisoned.
for (const [where, async, call] of [
  ["Once.callOnce", false, (x: Once, f: () => void, o: any) => x.callOnce(f, o)],
  ["Once.callOnceForce", false, (x: Once, f: () => void, o: any) => x.callOnceForce(f, o)],
  ["Once.callOnceAsync", true, (x: Once, f: () => void, o: any) => x.callOnceAsync(f, o)],
] as const) {
  add(where, async, () => {
    const once = new Once();
    let ran = 0;
    return {
      call: (o) => call(once, () => void ran++, o),
      intact() {
        expect(ran).toBe(0);
        expect(once.isCompleted).toBe(false);
        expect(once.isPoisoned).toBe(false);
        once.callOnce(() => void ran++);
        expect(ran).toBe(1);
      },
    };
  });
}

// Semaphore: no permit may be taken by a rejected call.
for (const [where, async, call] of [
  ["Semaphore.acquire", false, (s: Semaphore, o: any) => s.acquire(1, o)],
  ["Semaphore.acquireAsync", true, (s: Semaphore, o: any) => s.acquireAsync(1, o)],
] as const) {
  add(where, async, () => {
    const s = new Semaphore(2);
    return {
      call: (o) => call(s, o),
      intact() {
        expect(s.available).toBe(2);
        expect(s.tryAcquire(2)).toBe(true);
      },
    };
  });
}

// Barrier: a rejected call must not count as an arrival (else one more wait would trip it).
for (const [where, async, call] of [
  ["Barrier.wait", false, (b: Barrier, o: any) => b.wait(o)],
  ["Barrier.waitAsync", true, (b: Barrier, o: any) => b.waitAsync(o)],
] as const) {
  add(where, async, () => {
    const b = new Barrier(2);
    return {
      call: (o) => call(b, o),
      async intact() {
        expectThrow(() => b.wait({ timeout: 0 }), TimeoutError);
        const [x, y] = await Promise.all([b.waitAsync(), b.waitAsync()]);
        expect([x.isLeader, y.isLeader].filter(Boolean)).toHaveLength(1);
      },
    };
  });
}

// WaitGroup
for (const [where, async, call] of [
  ["WaitGroup.wait", false, (w: WaitGroup, o: any) => w.wait(o)],
  ["WaitGroup.waitAsync", true, (w: WaitGroup, o: any) => w.waitAsync(o)],
] as const) {
  add(where, async, () => {
    const w = new WaitGroup();
    w.add(1);
    return {
      call: (o) => call(w, o),
      intact() {
        expect(w.count).toBe(1);
        w.done();
        w.wait();
      },
    };
  });
}

// Atomics
for (const [name, make, expected] of [
  ["AtomicI32", () => new AtomicI32(7), 7],
  ["AtomicU32", () => new AtomicU32(7), 7],
  ["AtomicBool", () => new AtomicBool(true), true],
  ["AtomicI64", () => new AtomicI64(7n), 7n],
] as const) {
  for (const async of [false, true]) {
    add(`${name}.${async ? "waitAsync" : "wait"}`, async, () => {
      const a: any = make();
      return {
        call: (o) => (async ? a.waitAsync(expected, o) : a.wait(expected, o)),
        intact() {
          expect(a.load()).toBe(expected);
        },
      };
    });
  }
}

const badOptions: [string, unknown, typeof TypeError | typeof RangeError, string[]][] = [
  ["options that are a number", 5, TypeError, ["options", "number 5"]],
  ["options that are a string", "fast", TypeError, ["options", 'string "fast"']],
  ["options that are null", null, TypeError, ["options", "null"]],
  ["a negative timeout", { timeout: -1 }, RangeError, ["timeout", "number -1"]],
  ["a NaN timeout", { timeout: NaN }, RangeError, ["timeout", "NaN"]],
  ["a -Infinity timeout", { timeout: -Infinity }, RangeError, ["timeout", "-Infinity"]],
  ["a string timeout", { timeout: "10" }, RangeError, ["timeout", 'string "10"']],
  ["a bigint timeout", { timeout: 10n }, RangeError, ["timeout", "bigint 10"]],
  ["a signal that is a plain object", { signal: { aborted: false } }, TypeError, ["signal", "AbortSignal", "Object"]],
  ["a signal that is a string", { signal: "stop" }, TypeError, ["signal", "AbortSignal", 'string "stop"']],
  ["an AbortController instead of its signal", { signal: new AbortController() }, TypeError, ["signal", "AbortController"]],
];

describe.each(cases.map((c) => [`${c.where}${c.async ? " (async)" : ""}`, c] as const))("%s options", (_label, c) => {
  it.each(badOptions)("rejects %s, naming the method and the value; state intact", async (_what, opts, cls, fragments) => {
    const { call, intact } = c.setup();
    if (c.async) await expectReject(() => call(opts), cls, c.where, ...fragments);
    else expectThrow(() => call(opts), cls, c.where, ...fragments);
    await intact();
  });

  it("throws/rejects with the very reason of an already-aborted signal, without waiting; state intact", async () => {
    const { call, intact } = c.setup();
    const reason = new Error("stop: already aborted");
    const ctl = new AbortController();
    ctl.abort(reason);
    let got: unknown;
    if (c.async) {
      const p = call({ signal: ctl.signal, timeout: 10_000 });
      expect(p).toBeInstanceOf(Promise);
      got = await (p as Promise<unknown>).then(() => "resolved", (e) => e);
    } else {
      try {
        call({ signal: ctl.signal, timeout: 10_000 });
        got = "returned";
      } catch (e) {
        got = e;
      }
    }
    expect(got).toBe(reason);
    await intact();
  });

  it("uses the default reason (an AbortError DOMException) when abort() was given none", async () => {
    const { call, intact } = c.setup();
    const ctl = new AbortController();
    ctl.abort();
    let got: unknown;
    if (c.async) got = await (call({ signal: ctl.signal }) as Promise<unknown>).then(() => "resolved", (e) => e);
    else {
      try {
        call({ signal: ctl.signal });
      } catch (e) {
        got = e;
      }
    }
    expect(got).toBe(ctl.signal.reason);
    expect((got as Error).name).toBe("AbortError");
    await intact();
  });
});

describe("accepted options", () => {
  it("accepts undefined fields, Infinity, 0 and fractional timeouts (Condvar.waitWhile itself passes fractional ones)", async () => {
    const m = new Mutex();
    m.lock({}).unlock();
    m.lock({ timeout: undefined, signal: undefined }).unlock();
    m.lock({ timeout: Infinity }).unlock();
    m.lock({ timeout: 0 }).unlock();
    m.lock({ timeout: 1.5 }).unlock();
    (await m.lockAsync({ timeout: 0.25, signal: new AbortController().signal })).unlock();
    expect(m.isLocked).toBe(false);
  });

  it("timeout 0 tries once: TimeoutError (naming the method and 0 ms) when it would have to wait", async () => {
    const m = new Mutex();
    const g = m.lock();
    await expectReject(() => m.lockAsync({ timeout: 0 }), TimeoutError, "Mutex.lockAsync", "0 ms");
    const s = new Semaphore(1);
    s.acquire();
    const e = expectThrow(() => s.acquire(1, { timeout: 0 }), TimeoutError, "Semaphore.acquire", "0 ms");
    checkError(e, Error, ["timed out"]);
    g.unlock();
  });
});
