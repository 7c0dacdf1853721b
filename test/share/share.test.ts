/**
 * share() / revive() (src/share/index.ts): primitives at any depth cross structured clone and a
 * real postMessage to a plain Worker, and come back as the same primitives over the same memory;
 * shared references and cycles survive; bad wires are TypeErrors.
 */
import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import {
  AtomicBool,
  DataCloneError,
  AtomicI32,
  AtomicI64,
  AtomicU32,
  AtomicU64,
  Barrier,
  Condvar,
  Mutex,
  Once,
  PoisonError,
  RwLock,
  Semaphore,
  WaitGroup,
  isWire,
  revive,
  share,
  type Wire,
} from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import { expectThrow, sharedInts } from "../unit-helpers.js";

const makeAll = () => ({
  mutex: new Mutex({ counter: sharedInts(), inner: new AtomicI32() }),
  rwlock: new RwLock(sharedInts()),
  condvar: new Condvar(),
  once: new Once(),
  semaphore: new Semaphore(2),
  barrier: new Barrier(2),
  waitgroup: new WaitGroup(),
  i32: new AtomicI32(),
  u32: new AtomicU32(),
  bool: new AtomicBool(),
  i64: new AtomicI64(),
  u64: new AtomicU64(),
});
const classes = {
  mutex: Mutex, rwlock: RwLock, condvar: Condvar, once: Once, semaphore: Semaphore, barrier: Barrier,
  waitgroup: WaitGroup, i32: AtomicI32, u32: AtomicU32, bool: AtomicBool, i64: AtomicI64, u64: AtomicU64,
} as const;

/**
 * What postMessage does to a value: structured clone (keeps SharedArrayBuffers shared). (`T` is
 * generic, which the compiler cannot prove Sendable: `unknown` opts out of the compile-time check.)
 */
const roundTrip = <T>(v: T): T => revive(structuredClone(share<unknown>(v)) as Wire<T>);

describe("share / revive within a thread (structured clone)", () => {
  it("revives every kind, nested at depth, as the same class over the same memory", () => {
    const all = makeAll();
    const back = roundTrip({ deep: [{ x: [[all]] }] }).deep[0]!.x[0]![0]!;
    for (const [k, cls] of Object.entries(classes)) {
      const v = (back as any)[k];
      expect(v, k).toBeInstanceOf(cls);
      expect(v, k).not.toBe((all as any)[k]); // a new view…
      expect(v.byteOffset, k).toBe((all as any)[k].byteOffset);
    }
    // …over the same memory: writes on either side are seen on the other.
    const g = back.mutex.lock();
    expect(all.mutex.isLocked).toBe(true);
    g.value.counter[0] = 5;
    g.value.inner.store(6);
    g.unlock();
    all.mutex.withLock((v) => {
      expect(v.counter[0]).toBe(5);
      expect(v.inner.load()).toBe(6);
    });
    back.i64.store(2n ** 62n);
    expect(all.i64.load()).toBe(2n ** 62n);
    all.u32.store(0xffffffff);
    expect(back.u32.load()).toBe(0xffffffff);
    back.semaphore.acquire();
    expect(all.semaphore.available).toBe(1);
    back.waitgroup.add(3);
    expect(all.waitgroup.count).toBe(3);
    back.once.callOnce(() => {});
    expect(all.once.isCompleted).toBe(true);
    const w = back.rwlock.write();
    expect(all.rwlock.tryRead()).toBeNull();
    w.unlock();
    expect(back.barrier.parties).toBe(2);
  });

  it("keeps shared references shared and cycles cyclic", () => {
    const m = new Mutex(sharedInts());
    const obj: any = { m, again: m, list: [m, { m }] };
    obj.self = obj;
    obj.list.push(obj);
    const shared = { x: 1 };
    obj.a = shared;
    obj.b = [shared];
    const back = roundTrip(obj);
    expect(back.again).toBe(back.m);
    expect(back.list[0]).toBe(back.m);
    expect(back.list[1].m).toBe(back.m);
    expect(back.self).toBe(back);
    expect(back.list[2]).toBe(back);
    expect(back.b[0]).toBe(back.a);
    expect(back.a).toEqual({ x: 1 });
  });

  it("a primitive guarded by a Mutex is revived inside it, sharing references with the outside", () => {
    const inner = new AtomicI32(3);
    const m = new Mutex({ inner, arr: [inner] });
    const back = roundTrip({ m, inner });
    const v = back.m.lock().value;
    expect(v.inner).toBe(back.inner);
    expect(v.arr[0]).toBe(back.inner);
    expect(v.inner.load()).toBe(3);
  });

  it("leaves everything else to structured clone", () => {
    const sab = new SharedArrayBuffer(8);
    const value = {
      n: 1, s: "two", b: true, u: undefined, nul: null, big: 3n,
      date: new Date(5), map: new Map([[1, "a"]]), set: new Set([1]), re: /x/g,
      ints: new Int32Array(sab), copied: new Float64Array([1.5]),
    };
    const back = roundTrip(value);
    expect(back).toEqual({ ...value, ints: back.ints });
    new Int32Array(sab)[0] = 9;
    expect(back.ints[0]).toBe(9); // typed arrays over a SAB stay shared
  });

  it("primitives inside Maps, Sets and Errors' causes are revived too, cycles and all, the original left as it was", () => {
    // Regression (found by a review this session): share() walked arrays and plain objects only,
    // so a primitive in a Map, a Set or an Error's cause was left to structured clone, which copies
    // a class instance's own fields: it arrived as a bare {}.
    const m = new Mutex(sharedInts());
    const map = new Map<unknown, unknown>([["m", m]]);
    map.set("self", map);
    const err = new RangeError("carrier", { cause: { m, map } });
    const value = { map, set: new Set([m]), err, plain: new Error("no cause") };
    const back = roundTrip(value);
    expect(back.map.get("m")).toBeInstanceOf(Mutex);
    expect(back.map.get("self")).toBe(back.map);
    expect([...back.set][0]).toBe(back.map.get("m"));
    expect(back.err).toBeInstanceOf(RangeError);
    expect(back.err.message).toBe("carrier");
    expect(back.err.stack).toBe(err.stack);
    expect((back.err.cause as any).m).toBe(back.map.get("m"));
    expect((back.err.cause as any).map).toBe(back.map);
    expect(back.plain.message).toBe("no cause");
    (back.map.get("m") as Mutex<Int32Array>).withLock((v) => void (v[0] = 7));
    expect(m.withLock((v) => v[0])).toBe(7); // the same memory
    // The caller's value is untouched; reviving one wire twice gives two separate copies.
    expect(map.get("m")).toBe(m);
    expect((err.cause as any).m).toBe(m);
    const wire = share<unknown>(value) as Wire<typeof value>;
    const [a, b] = [revive(wire), revive(wire)];
    expect(a.err).not.toBe(b.err);
    expect(a.map).not.toBe(b.map);
  });

  it("arrays keep holes and extra properties, objects keep an own __proto__ key (as structuredClone does)", () => {
    // Regression (found by a fidelity review): share() rebuilt arrays with push (holes became
    // undefined, extra properties such as a RegExp match's index / groups were dropped) and copied
    // keys with out[k] = …, so an own "__proto__" key set the copy's prototype instead.
    const m = new Mutex(sharedInts());
    const a: any = [m, , 3]; // eslint-disable-line no-sparse-arrays
    a.tag = "t";
    const p = JSON.parse('{"__proto__": {"x": 1}, "y": 2}');
    const match = /(?<word>b+)/.exec("abbc")!;
    const back = roundTrip({ a, p, match });
    expect(back.a[0]).toBeInstanceOf(Mutex);
    expect(1 in back.a).toBe(false);
    expect(back.a.length).toBe(3);
    expect(back.a.tag).toBe("t");
    expect(Object.getPrototypeOf(back.p)).toBe(Object.prototype);
    expect(Object.keys(back.p)).toEqual(["__proto__", "y"]);
    expect(back.p["__proto__"]).toEqual({ x: 1 });
    expect([back.match.index, back.match.input, back.match.groups]).toEqual([1, "abbc", { word: "bb" }]);
    // A mostly empty array is copied by key (a loop to its length near 2^32 never ended).
    const huge: any[] = [];
    huge.length = 2 ** 32 - 1;
    huge[4e9] = m;
    const h = roundTrip({ huge }).huge;
    expect(h.length).toBe(2 ** 32 - 1);
    expect(h[4e9]).toBeInstanceOf(Mutex);
    expect(Object.keys(h)).toEqual(["4000000000"]);
  });

  it("functions, symbols and class instances are a DataCloneError naming them, not a silent loss", () => {
    // structured clone copies a class instance's own fields into a plain object (methods, and any
    // weft primitive inside, lost); share() now refuses it like the channel codec does.
    class Holder {
      constructor(readonly m: Mutex<Int32Array>) {}
    }
    for (const [v, msg] of [
      [new Holder(new Mutex(sharedInts())), /^share: a Holder \(a class instance\) holds a weft primitive \(at \.m\)/],
      [() => 1, /^share: a function cannot be sent/],
      [Symbol("s"), /^share: a symbol cannot be sent/],
    ] as const) {
      const e = expectThrow(() => share({ v } as any), DataCloneError); // (the compiler refuses these too)
      expect(e.message).toMatch(msg);
    }
    // Built-in and host classes, Error subclasses and class instances without primitives are
    // structured clone's to copy, as before (review: a first version refused Blob, URL, MyError).
    class Plain {
      x = 1;
    }
    class MyError extends Error {}
    const blob = new Blob(["hi"]);
    const back = roundTrip({ d: new Date(5), r: /x/g, n: new Number(2), buf: new ArrayBuffer(4), blob, p: new Plain(), e: new MyError("m") });
    expect(back.d).toEqual(new Date(5));
    expect(back.r.flags).toBe("g");
    expect(back.blob).toBeInstanceOf(Blob);
    expect(back.p).toEqual({ x: 1 });
    expect(back.e.message).toBe("m");
    // An own name on an Error with a cause is kept (structured clone reads it).
    const named = Object.assign(new Error("n", { cause: 1 }), { name: "TypeError" });
    expect(roundTrip({ named }).named).toBeInstanceOf(TypeError);
  });

  it("share output is a wire (also after structured clone); other values are not", () => {
    const w = share({ m: new Mutex() });
    expect(isWire(w)).toBe(true);
    expect(isWire(structuredClone(w))).toBe(true);
    for (const v of [null, undefined, 5, "x", {}, [], new Mutex(), { value: 1 }]) expect(isWire(v)).toBe(false);
  });

  it.each([
    ["a number", 5, "number 5"],
    ["null", null, "null"],
    ["undefined", undefined, "undefined"],
    ["a string", "wire", 'string "wire"'],
    ["a plain object", { value: 1 }, "Object"],
    ["a weft primitive itself", new AtomicI32(), "AtomicI32"],
    ["an array", [1], "Array"],
  ])("revive of %s (not a wire) is a TypeError naming it", (_what, v, shown) => {
    expectThrow(() => revive(v as any), TypeError, "revive", "share()", shown);
  });

  it("revive of a wire whose record points at memory of another kind is a TypeError naming both", () => {
    const buf = new SharedArrayBuffer(Mutex.BYTE_LENGTH);
    const wire = structuredClone(share({ m: Mutex.at(buf, 0) }));
    // The memory is reused for a WaitGroup before the wire is revived.
    new Int32Array(buf).fill(0);
    WaitGroup.at(buf, 0);
    expectThrow(() => revive(wire), TypeError, "Mutex.at", "holds a WaitGroup", "not a Mutex");
  });

  it("revive of a record naming an unknown kind is a TypeError naming the kind", () => {
    const wire: any = structuredClone(share({ m: new Mutex() }));
    const rec = wire.value.m;
    const key = Object.keys(rec).find((k) => rec[k] === "Mutex")!;
    expect(key).toBeDefined();
    rec[key] = "Teleporter";
    expectThrow(() => revive(wire), TypeError, "revive", "unknown weft primitive kind", '"Teleporter"');
  });
});

describe("share / revive across a real postMessage to a plain Worker", () => {
  const workers: Worker[] = [];
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.terminate()));
  });
  const start = () => {
    const w = new Worker(workerUrl("unit/raw-echo.mjs"));
    workers.push(w);
    return w;
  };
  const reply = (w: Worker) =>
    new Promise<any>((res, rej) => {
      const t = setTimeout(() => rej(new Error("no reply from worker")), 10_000);
      w.once("message", (m) => {
        clearTimeout(t);
        res(m);
      });
      w.once("error", rej);
    });

  it("primitives at any depth arrive as the same kinds over the same memory, and come back", async () => {
    const all = makeAll();
    const ref = new AtomicI32();
    const cyc: any = { list: [] };
    cyc.self = cyc;
    cyc.list.push(cyc);
    const typed = sharedInts();
    const value = {
      all,
      nested: { a: [[0, { b: { c: ref } }]] },
      refA: ref,
      refB: ref,
      cyc,
      typed,
      plain: { n: 1, s: "s", arr: [1, 2] },
    };
    // Things the worker's writes will wake up here.
    const gm = new Mutex();
    const g = gm.lock();
    const cvWoken = all.condvar.waitAsync(g, { timeout: 10_000 });
    const barrierPassed = all.barrier.waitAsync({ timeout: 10_000 });
    all.waitgroup.add(1);

    const w = start();
    const answer = reply(w);
    w.postMessage(share({ op: "touch", value }));
    const msg = await answer;
    expect(msg.error).toBeUndefined();
    const back = revive(msg as Wire<{ value: typeof value; report: any }>);

    // What the worker saw.
    expect(back.report.kinds).toEqual({
      mutex: "Mutex", rwlock: "RwLock", condvar: "Condvar", once: "Once", semaphore: "Semaphore", barrier: "Barrier",
      waitgroup: "WaitGroup", i32: "AtomicI32", u32: "AtomicU32", bool: "AtomicBool", i64: "AtomicI64", u64: "AtomicU64",
    });
    expect(back.report.deep).toBe("AtomicI32");
    expect(back.report.sameRef).toBe(true);
    expect(back.report.cycle).toBe(true);
    expect(back.report.guardedKinds).toEqual(["object", true, "AtomicI32"]);
    expect(back.report.plain).toEqual({ n: 1, s: "s", arr: [1, 2] });

    // Its writes, seen here through the original objects.
    expect(await cvWoken).toBe(true);
    g.unlock();
    expect((await barrierPassed).isLeader).toBe(false); // the worker arrived last: it led
    all.mutex.withLock((v) => {
      expect(v.counter[0]).toBe(11);
      expect(v.inner.load()).toBe(12);
    });
    expect(all.rwlock.withRead((v) => v[0])).toBe(44);
    expect(all.once.isCompleted).toBe(true);
    expect(all.semaphore.available).toBe(1);
    expect(all.waitgroup.count).toBe(0);
    expect(all.i32.load()).toBe(-22);
    expect(all.u32.load()).toBe(0xfffffffe);
    expect(all.bool.load()).toBe(true);
    expect(all.i64.load()).toBe(-(2n ** 60n));
    expect(typed[0]).toBe(55);

    // What came back is the same primitives over the same memory, with references and cycles intact.
    const b = back.value;
    for (const [k, cls] of Object.entries(classes)) expect((b.all as any)[k], k).toBeInstanceOf(cls);
    expect(b.refA).toBe(b.refB);
    expect(b.nested.a[0]![1]).toMatchObject({ b: { c: b.refA } });
    expect(b.cyc.self).toBe(b.cyc);
    b.refA.store(77);
    expect(ref.load()).toBe(77);
    const held = b.all.mutex.lock();
    expect(all.mutex.isLocked).toBe(true);
    held.unlock();
    expect(all.mutex.isLocked).toBe(false);
  });

  it("the wire carries the thread registry: a plain worker that dies holding a revived lock poisons it", async () => {
    const m = new Mutex(sharedInts());
    const w = start();
    const exited = new Promise((r) => w.once("exit", r));
    w.postMessage(share({ op: "lockAndExit", value: { mutex: m } }));
    expect(await exited).toBe(0);
    const e = expectThrow(() => m.lock({ timeout: 5_000 }), PoisonError, "Mutex is poisoned") as PoisonError<any>;
    e.guard.unlock();
  });
});
