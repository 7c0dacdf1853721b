/**
 * Run-time side of the acceptance type tests (types-*.types.ts): what the types accept, the run
 * time carries (or refuses in the documented way); typed spawn / pool / join / parallel calls
 * against the fixture modules return what their types say.
 */
import { afterAll, describe, expect, it } from "vitest";
import {
  DataCloneError,
  Mutex,
  MovedError,
  RecvError,
  ThreadPool,
  channel,
  codecs,
  join,
  moduleRef,
  parallel,
  select,
  send,
  sendArm,
  share,
  revive,
  spawn,
  type Sender,
} from "../../dist/index.js";

type Tasks = typeof import("./types-fixtures/tasks.mjs");
type Relay = typeof import("./types-fixtures/chanworker.mjs");
const tasks = moduleRef<Tasks>(new URL("./types-fixtures/tasks.mjs", import.meta.url));
const relay = moduleRef<Relay>(new URL("./types-fixtures/chanworker.mjs", import.meta.url));

/** Sends `v` through a fresh structured channel and returns what arrives. */
function roundTrip<V>(v: V): unknown {
  const [tx, rx] = channel();
  (tx as Sender<unknown>).send(v as unknown);
  return rx.recv();
}

describe("values the types accept cross as the spec says", () => {
  it("primitives, bigint, null/undefined, -0, NaN", () => {
    for (const v of ["s", 1, -0, NaN, Infinity, true, 10n, -(2n ** 70n), null, undefined]) {
      expect(Object.is(roundTrip(v), v)).toBe(true);
    }
  });

  it("plain objects, optional properties, nested arrays, tuples, readonly arrays", () => {
    const v = { a: 1, b: undefined, c: [1, [2, [3, { d: "e" }]]], t: [1, "x"] as const, r: Object.freeze([1, 2]) };
    const got = roundTrip(v) as typeof v;
    expect(got).toEqual(v);
    expect("b" in got).toBe(true);
  });

  it("sparse arrays keep their holes' length", () => {
    const arr = [1, , 3]; // eslint-disable-line no-sparse-arrays
    const got = roundTrip(arr) as unknown[];
    expect(got.length).toBe(3);
    expect(got[0]).toBe(1);
    expect(got[2]).toBe(3);
  });

  it("Map / Set / Date / RegExp, nested, with object keys", () => {
    const key = { k: 1 };
    const v = { m: new Map<unknown, unknown>([[key, new Set([new Date(5)])], ["s", /a+b/gi]]) };
    const got = roundTrip(v) as typeof v;
    const [[k, set], [s, re]] = [...got.m.entries()] as [[{ k: number }, Set<Date>], [string, RegExp]];
    expect(k).toEqual({ k: 1 });
    expect([...set][0]!.getTime()).toBe(5);
    expect(s).toBe("s");
    expect(re).toBeInstanceOf(RegExp);
    expect(re.source).toBe("a+b");
    expect(re.flags).toBe("gi");
  });

  it("Error objects (and subclasses, cause) arrive as errors", () => {
    const e = new TypeError("bad", { cause: new RangeError("inner") });
    const got = roundTrip({ e }) as { e: TypeError };
    expect(got.e).toBeInstanceOf(Error);
    expect(got.e.name).toBe("TypeError");
    expect(got.e.message).toBe("bad");
    expect((got.e.cause as Error).message).toBe("inner");
  });

  it("typed arrays, DataView, ArrayBuffer copied; SharedArrayBuffer views shared", () => {
    const sab = new SharedArrayBuffer(16);
    const shared = new Int32Array(sab);
    const v = {
      u8: new Uint8Array([1, 2]),
      c: new Uint8ClampedArray([300 as number]),
      b64: new BigUint64Array([2n ** 63n]),
      dv: new DataView(new ArrayBuffer(4)),
      ab: new ArrayBuffer(3),
      shared,
      sdv: new DataView(sab),
    };
    const got = roundTrip(v) as typeof v;
    expect([...got.u8]).toEqual([1, 2]);
    expect(got.c[0]).toBe(255);
    expect(got.b64[0]).toBe(2n ** 63n);
    expect(got.dv).toBeInstanceOf(DataView);
    expect(got.ab.byteLength).toBe(3);
    got.shared[0] = 7;
    expect(shared[0]).toBe(7); // same memory
    expect(got.sdv.buffer).toBe(got.shared.buffer);
  });

  it("branded values and enums are their primitives", () => {
    type UserId = number & { readonly __brand: "UserId" };
    const [tx, rx] = channel<UserId>();
    tx.send(5 as UserId);
    expect(rx.recv()).toBe(5);
  });

  it("channel ends inside messages work after crossing", () => {
    const [replyTx, replyRx] = channel<string>();
    const [reqTx, reqRx] = channel<{ q: string; reply: Sender<string> }>();
    reqTx.send({ q: "ping", reply: replyTx });
    const req = reqRx.recv();
    req.reply.send(req.q + "!");
    expect(replyRx.recv()).toBe("ping!");
  });

  it("weft primitives inside messages share their memory", () => {
    const m = new Mutex(new Int32Array(new SharedArrayBuffer(4)));
    const got = roundTrip({ m, list: [m] }) as { m: Mutex<Int32Array<SharedArrayBuffer>>; list: Mutex<Int32Array<SharedArrayBuffer>>[] };
    got.m.withLock((v) => {
      v[0] = 9;
    });
    expect(m.withLock((v) => v[0])).toBe(9);
    expect(got.list[0]!.withLock((v) => v[0])).toBe(9);
  });

  it("share()/revive() of a value the types accept", () => {
    const m = new Mutex(new Int32Array(new SharedArrayBuffer(4)));
    const w = share({ m, when: new Date(1), tags: new Set(["a"]) });
    const back = revive(w);
    expect(back.when.getTime()).toBe(1);
    expect([...back.tags]).toEqual(["a"]);
  });
});

describe("values the types accept but the run time refuses (documented)", () => {
  it("a class instance without methods: DataCloneError", () => {
    class DataOnly {
      x = 1;
    }
    expect(() => roundTrip(new DataOnly())).toThrow(DataCloneError);
  });

  it("a class instance with only a getter: DataCloneError", () => {
    class WithGetter {
      get v(): number {
        return 1;
      }
    }
    expect(() => roundTrip(new WithGetter())).toThrow(DataCloneError);
  });

  it("a class instance with only private methods (the types let it through): refused at run time", () => {
    class PrivM {
      x = 1;
      private m(): number {
        return this.x;
      }
    }
    expect(() => roundTrip(new PrivM())).toThrow(DataCloneError);
  });

  it("an object literal with a getter (typed as a readonly property): the getter's value is copied", () => {
    expect(roundTrip({ get x() { return 1; } })).toEqual({ x: 1 });
  });

  it("an array with a function-valued property (number[] & { f(): void }, accepted by the types): DataCloneError", () => {
    const a = Object.assign([1, 2], { f() {} });
    expect(() => roundTrip(a)).toThrow(DataCloneError);
  });

  it("an Error with an extra typed property: the property does not arrive, though the channel type says it does", () => {
    const [tx, rx] = channel<Error & { code: number }>();
    tx.send(Object.assign(new Error("x"), { code: 42 }));
    const got = rx.recv();
    expect(got.code).toBeUndefined(); // typed number
  });

  it("any / unknown holding a function: DataCloneError", () => {
    const f: unknown = () => 1;
    expect(() => roundTrip(f)).toThrow(DataCloneError);
    expect(() => roundTrip({ nested: f })).toThrow(DataCloneError);
  });

  it("a function widened to object: DataCloneError", () => {
    const o: object = () => 1;
    const [tx] = channel();
    expect(() => tx.send(o)).toThrow(DataCloneError);
  });

  it("recvInto on a channel<number>() (structured codec) compiles but throws TypeError", () => {
    const [tx, rx] = channel<number>();
    tx.send(1);
    expect(() => rx.recvInto(new Float64Array(4))).toThrow(TypeError);
  });

  it("recvInto with a typed array the types allow but the codec does not (i32 channel, Float64Array)", () => {
    const [tx, rx] = channel<number>({ codec: codecs.i32 });
    tx.send(1);
    expect(() => rx.recvInto(new Float64Array(4))).toThrow(TypeError);
    const into = new Int32Array(4);
    expect(rx.recvInto(into)).toBe(1);
    expect(into[0]).toBe(1);
  });
});

describe("moves", () => {
  it("send(tx, v) detaches the buffers v owned; a later send refuses them", () => {
    const [tx, rx] = channel();
    const frame = { id: 1, pixels: new Uint8Array(8).fill(3) };
    const alias = frame.pixels; // an alias made before the move: caught at run time
    send(tx, frame);
    expect(alias.byteLength).toBe(0);
    expect(() => tx.send({ again: alias })).toThrow(MovedError);
    const got = rx.recv() as { id: number; pixels: Uint8Array };
    expect([...got.pixels]).toEqual(new Array(8).fill(3));
  });

  it("numbers, strings and Sync values stay usable after a move", () => {
    const [tx, rx] = channel();
    const m = new Mutex(new Int32Array(new SharedArrayBuffer(4)));
    const sabView = new Int32Array(new SharedArrayBuffer(4));
    send(tx, 5);
    send(tx, m);
    send(tx, sabView);
    m.withLock((v) => {
      v[0] = 1;
    });
    sabView[0] = 2;
    tx.send(m);
    expect(rx.recvMany(10).length).toBe(4);
  });

  it("a moved array: its elements are detached (the compiler still lets the array be used)", () => {
    const [tx] = channel();
    const arr = [new Float64Array(2)];
    send(tx, arr);
    const items = arr as unknown as Float64Array[];
    expect(items[0]!.length).toBe(0);
    expect(() => tx.send(items)).toThrow(MovedError);
  });
});

describe("select's Selected matches its type", () => {
  it("recv, send and disconnected arms", () => {
    const [aTx, aRx] = channel<number>({ capacity: 1 });
    aTx.send(1);
    const r = select(aRx);
    expect(r).toMatchObject({ index: 0, kind: "recv", value: 1 });
    expect(r.error).toBeUndefined();

    const [bTx, bRx] = channel<number>({ capacity: 1 });
    const s = select(sendArm(bTx, 2));
    expect(s.kind).toBe("send");
    expect(s.index).toBe(0);
    expect(s.value).toBeUndefined();
    expect(s.error).toBeUndefined();
    expect(bRx.recv()).toBe(2);

    const [cTx, cRx] = channel<number>();
    cTx.close();
    const d = select(cRx);
    expect(d.kind).toBe("recv");
    expect(d.error).toBeInstanceOf(RecvError);
    expect(d.value).toBeUndefined();
  });
});

describe("typed spawn, pools, join, parallel: results as typed", () => {
  const pool = new ThreadPool({ threads: 2 });
  afterAll(() => pool.close());

  it("spawn(moduleRef, ...args) returns the default export's result", async () => {
    const counter = new Mutex(new Int32Array(new SharedArrayBuffer(4)));
    const out = await spawn(tasks, counter, 5, "L").join();
    expect(out).toEqual({ label: "L", total: 5 });
    const out2 = await spawn(tasks, counter, 2).join();
    expect(out2.total).toBe(7);
  });

  it("spawn with channel ends as arguments", async () => {
    const [numTx, numRx] = channel<number>();
    const [strTx, strRx] = channel<string>();
    const h = spawn(relay, numRx, strTx);
    numTx.sendMany([1, 2, 3]);
    numTx.close();
    const n: number = await h.join();
    expect(n).toBe(3);
    expect(strRx.recvMany(3)).toEqual(["2", "4", "6"]);
  });

  it("pool.run / runMany / join typed from the module", async () => {
    const n: number = await pool.run(tasks, "fib", 10);
    expect(n).toBe(55);
    const len: number = await pool.run(tasks, "asyncLen", "abcd");
    expect(len).toBe(4);
    const m: Map<string, number> = await pool.run(tasks, "counts", ["a", "bb"]);
    expect(m).toBeInstanceOf(Map);
    expect(m.get("bb")).toBe(2);
    expect(await pool.run(tasks, "optional", 1)).toBe("1:-");
    expect(await pool.run(tasks, "rest", 1, 2, 3)).toBe(6);
    expect(await pool.run(tasks, "describeErr", new TypeError("t"))).toBe("TypeError:t");
    expect(await pool.runMany(tasks, "fib", [[1], [2], [3], [4]])).toEqual([1, 1, 2, 3]);
    const [a, b] = await join([tasks, "fib", 12], [tasks, "greet", "x"], { pool });
    expect(a).toBe(144);
    expect(b).toBe("hello x");
  });

  it("a task's argument typed unknown: a function is refused at run time too", async () => {
    await expect(pool.run(tasks, "echo", (() => 1) as unknown)).rejects.toThrow(DataCloneError);
  });

  it("parallel.map with fn(x, i) => number", async () => {
    const data = new Float64Array(new SharedArrayBuffer(8 * 64));
    for (let i = 0; i < data.length; i++) data[i] = i;
    const out = new Float64Array(new SharedArrayBuffer(8 * 64));
    await parallel.map(data, out, tasks, "sq", { pool });
    expect(out[7]).toBe(49);
    expect(out[63]).toBe(63 * 63);
  });
});
