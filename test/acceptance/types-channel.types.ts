/**
 * Acceptance type tests (from the spec): channels typed with `Sendable`, `Sender` / `Receiver`
 * variance and results, codecs, `recvInto`, `select` / `sendArm` / `Selected`, timers.
 * Checked by `tsc --noEmit`; nothing here runs.
 */
import {
  Mutex,
  Receiver,
  RecvError,
  SendError,
  Sender,
  after,
  channel,
  codecs,
  never,
  select,
  selectAsync,
  sendArm,
  tick,
  trySelect,
  type Selected,
  type SendArm,
} from "../../dist/index.js";

/** Compiles only when `A` and `B` are the same type. */
type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
declare function same<A, B>(...ok: Equal<A, B> extends true ? [] : [never]): void;

// ---------------------------------------------------------------------------------------------
// channel<T>() requires a sendable T.

channel<number>();
channel<string | null>();
channel<{ id: number; pixels: Uint8Array }>({ capacity: 4 });
channel<readonly [number, string]>({ capacity: 0 });
channel<Map<string, Set<number>>>();
channel<Date | RegExp | Error>();
channel<Int32Array<SharedArrayBuffer>>();
channel<Mutex<Int32Array<SharedArrayBuffer>>>();
channel<{ reply: Sender<string> }>();
channel<Receiver<number>>();
channel<bigint>({ codec: codecs.i64 });
channel();

// @ts-expect-error a channel of functions
channel<() => void>();
// @ts-expect-error a channel of objects with a method
channel<{ f(): void }>();
// @ts-expect-error a channel of objects with a function property
channel<{ id: number; cb: (x: number) => void }>();
// @ts-expect-error a channel of symbols
channel<symbol>();
// @ts-expect-error a channel of Promises
channel<Promise<number>>();
// @ts-expect-error a channel of WeakMaps
channel<WeakMap<object, number>>();
// @ts-expect-error a channel of WeakRefs
channel<WeakRef<object>>();
// @ts-expect-error one union member is a function
channel<number | (() => void)>();
// @ts-expect-error a Map of functions
channel<Map<string, () => void>>();
// @ts-expect-error an array of functions
channel<Array<() => void>>();
// @ts-expect-error a tuple with a symbol
channel<[number, symbol]>();
// @ts-expect-error an optional method
channel<{ id: number; f?(): void }>();
// @ts-expect-error a DOM node
channel<HTMLElement>();
// @ts-expect-error a class instance with methods
channel<InstanceType<typeof URL>>();

// ---------------------------------------------------------------------------------------------
// Sender<T>: sends only T (and only sendable T); Receiver<T>: every result is typed T.

interface Order {
  id: number;
  items: { sku: string; qty: number }[];
  note?: string;
  placed: Date;
}
const [orderTx, orderRx] = channel<Order>({ capacity: 8 });
const order: Order = { id: 1, items: [{ sku: "a", qty: 2 }], placed: new Date() };
orderTx.send(order);
orderTx.send({ id: 2, items: [], placed: new Date(), note: "n" });
orderTx.trySend(order);
void orderTx.sendAsync(order, { timeout: 10 });
orderTx.sendMany([order, order]);
void orderTx.sendManyAsync(new Set([order]));
// @ts-expect-error missing required property
orderTx.send({ id: 3, items: [] });
// @ts-expect-error wrong property type
orderTx.send({ id: "3", items: [], placed: new Date() });
// @ts-expect-error not an Order
orderTx.send(42);
// @ts-expect-error an Order with a method added is refused (value's own type is checked)
orderTx.send({ ...order, total() { return 0; } });
// @ts-expect-error sendMany with a wrong element
orderTx.sendMany([order, 1]);

const [anyTx, anyRx] = channel();
anyTx.send(1);
anyTx.send({ anything: ["goes", 1n] });
// @ts-expect-error sendMany of functions on a channel<unknown>
anyTx.sendMany([() => 1]);
// @ts-expect-error trySend of a function on a channel<unknown>
anyTx.trySend(() => 1);
// @ts-expect-error sendAsync of a method-bearing object on a channel<unknown>
void anyTx.sendAsync({ f() {} });
// @ts-expect-error sendManyAsync of symbols on a channel<unknown>
void anyTx.sendManyAsync([Symbol("x")]);
same<ReturnType<typeof anyRx.recv>, unknown>();

same<ReturnType<typeof orderRx.recv>, Order>();
same<ReturnType<typeof orderRx.tryRecv>, Order>();
same<ReturnType<typeof orderRx.recvAsync>, Promise<Order>>();
same<ReturnType<typeof orderRx.recvMany>, Order[]>();
same<ReturnType<typeof orderRx.recvManyAsync>, Promise<Order[]>>();
same<ReturnType<typeof orderRx.clone>, Receiver<Order>>();
same<ReturnType<typeof orderTx.clone>, Sender<Order>>();
const got: Order = orderRx.recv();
// @ts-expect-error a received Order is not a string
const wrong: string = orderRx.recv();
// @ts-expect-error a received Order has no 'total'
orderRx.recv().total;
void [got, wrong];
for (const o of orderRx) {
  same<typeof o, Order>();
}
async function drain(): Promise<void> {
  for await (const o of orderRx) {
    same<typeof o, Order>();
  }
  const batch = await orderRx.recvManyAsync(4);
  same<typeof batch, Order[]>();
}
void drain;

// Channel ends inside messages.
const [replyTx, replyRx] = channel<string>();
const [reqTx, reqRx] = channel<{ q: string; reply: Sender<string> }>();
reqTx.send({ q: "hi", reply: replyTx });
const [numTx] = channel<number>();
// @ts-expect-error a Sender<number> where a Sender<string> is expected
reqTx.send({ q: "hi", reply: numTx });
const req = reqRx.recv();
req.reply.send("answer");
// @ts-expect-error the reply channel carries strings
req.reply.send(42);
void replyRx;
const [rxTx, rxRx] = channel<Receiver<number>>();
const [, innerRx] = channel<number>();
rxTx.send(innerRx);
same<ReturnType<ReturnType<typeof rxRx.recv>["recv"]>, number>();

// ---------------------------------------------------------------------------------------------
// Variance: Sender<T> invariant, Receiver<T> covariant.

declare const sStr: Sender<string>;
declare const sStrNum: Sender<string | number>;
declare const rStr: Receiver<string>;
declare const rStrNum: Receiver<string | number>;
// @ts-expect-error a Sender<string> is not a Sender<string | number> (it would let a number in)
const s1: Sender<string | number> = sStr;
// @ts-expect-error a Sender<string | number> is not a Sender<string>
const s2: Sender<string> = sStrNum;
const r1: Receiver<string | number> = rStr;
// @ts-expect-error a Receiver<string | number> is not a Receiver<string>
const r2: Receiver<string> = rStrNum;
const r3: Receiver<unknown> = rStr;
void [s1, s2, r1, r2, r3];
declare const sLit: Sender<"a" | "b">;
// @ts-expect-error invariant for literal types too
const s3: Sender<string> = sLit;
void s3;

// ---------------------------------------------------------------------------------------------
// Codecs: a codec fits only a channel whose every message it carries.

channel<number>({ codec: codecs.f64 });
channel<number>({ codec: codecs.f32 });
channel<number>({ codec: codecs.i32 });
channel<number>({ codec: codecs.u32 });
channel<number>({ codec: codecs.i16 });
channel<number>({ codec: codecs.u16 });
channel<number>({ codec: codecs.i8 });
channel<number>({ codec: codecs.u8 });
channel<1 | 2 | 3>({ codec: codecs.i32 });
channel<bigint>({ codec: codecs.i64 });
channel<bigint>({ codec: codecs.u64 });
channel<Uint8Array>({ codec: codecs.bytes });
channel<Order>({ codec: codecs.structured });
channel<number>({ codec: codecs.structured });
channel({ codec: codecs.json });
// @ts-expect-error f64 carries numbers only
channel<string>({ codec: codecs.f64 });
// @ts-expect-error f64 cannot carry the strings of the union
channel<number | string>({ codec: codecs.f64 });
// @ts-expect-error i32 cannot carry bigints
channel<bigint>({ codec: codecs.i32 });
// @ts-expect-error i64 carries bigints, not numbers
channel<number>({ codec: codecs.i64 });
// @ts-expect-error bytes carries Uint8Arrays, not strings
channel<string>({ codec: codecs.bytes });
// @ts-expect-error bytes cannot carry an Order
channel<Order>({ codec: codecs.bytes });
// @ts-expect-error f64 cannot carry undefined
channel<number | undefined>({ codec: codecs.f64 });

// Inference from the codec.
const [fTx, fRx] = channel({ codec: codecs.f64, capacity: 16 });
fTx.send(1.5);
// @ts-expect-error an f64 channel refuses a string
fTx.send("1.5");
const fv: number = fRx.recv();
void fv;
const [bTx, bRx] = channel({ codec: codecs.i64 });
bTx.send(1n);
// @ts-expect-error an i64 channel refuses a number
bTx.send(1);
same<ReturnType<typeof bRx.recv>, bigint>();

// ---------------------------------------------------------------------------------------------
// recvInto: numeric channels only, into a typed array of the message kind.

const [, f64Rx] = channel<number>({ codec: codecs.f64 });
f64Rx.recvInto(new Float64Array(8));
f64Rx.recvInto(new Float64Array(new SharedArrayBuffer(64)), { timeout: 5 });
void f64Rx.recvIntoAsync(new Float64Array(8));
same<ReturnType<typeof f64Rx.recvInto>, number>();
const [, i64Rx] = channel<bigint>({ codec: codecs.i64 });
i64Rx.recvInto(new BigInt64Array(4));
// @ts-expect-error a bigint channel cannot receive into a Float64Array
i64Rx.recvInto(new Float64Array(4));
// @ts-expect-error a number channel cannot receive into a BigInt64Array
f64Rx.recvInto(new BigInt64Array(4));
// @ts-expect-error a number channel cannot receive into a plain array
f64Rx.recvInto([0, 0, 0]);
const [, strRx] = channel<string>();
// @ts-expect-error recvInto does not compile for a string channel
strRx.recvInto(new Uint8Array(8));
// @ts-expect-error recvIntoAsync does not compile for a string channel
void strRx.recvIntoAsync(new Uint8Array(8));
// @ts-expect-error recvInto does not compile for an object channel
orderRx.recvInto(new Float64Array(8));
// @ts-expect-error recvInto does not compile for a bytes channel
channel<Uint8Array>({ codec: codecs.bytes })[1].recvInto(new Uint8Array(8));
// @ts-expect-error recvInto does not compile for a channel<unknown>
anyRx.recvInto(new Float64Array(8));
// @ts-expect-error recvInto does not compile for a number | string channel
channel<number | string>()[1].recvInto(new Float64Array(8));

// ---------------------------------------------------------------------------------------------
// Timers.

same<ReturnType<typeof after>, Receiver<number>>();
same<ReturnType<typeof tick>, Receiver<number>>();
same<ReturnType<typeof never>, Receiver<never>>();

// ---------------------------------------------------------------------------------------------
// select / trySelect / selectAsync, sendArm, Selected.

const [sTx, sRx] = channel<number>();
const arm = sendArm(sTx, 5);
same<typeof arm, SendArm<number>>();
// @ts-expect-error sendArm checks the value against the channel
sendArm(sTx, "five");
// @ts-expect-error sendArm refuses a function on a channel<unknown>
sendArm(anyTx, () => 1);
// @ts-expect-error sendArm refuses a class instance with methods
sendArm(anyTx, new (class { m() {} })());
// @ts-expect-error an object literal is not a send arm
select(sRx, { sender: sTx, value: 5 });
// @ts-expect-error a number is not an arm
select(sRx, 5);
// @ts-expect-error a Sender is not an arm on its own
select(sTx);

const sel = select(sRx, arm, after(10));
same<typeof sel, Selected>();
select([sRx, arm], { timeout: 100 });
select(sRx, arm, { timeout: 100 });
const maybe = trySelect(sRx, arm);
same<typeof maybe, Selected | null>();
trySelect([sRx]);
async function selAsync(): Promise<void> {
  const r = await selectAsync(sRx, arm);
  same<typeof r, Selected>();
  await selectAsync([sRx], { timeout: 1 });
}
void selAsync;

const idx: number = sel.index;
void idx;
same<typeof sel.kind, "recv" | "send">();
// `value` reads without narrowing (README / TSDoc): unknown | undefined.
const v0: unknown = sel.value;
void v0;
if (sel.kind === "recv" && sel.error === undefined) {
  same<typeof sel.value, unknown>();
}
if (sel.kind === "recv" && sel.error !== undefined) {
  const e: RecvError = sel.error;
  same<typeof sel.value, undefined>();
  // @ts-expect-error a receive arm's error is a RecvError (no 'value' handed back), not a SendError
  const e3: SendError = sel.error;
  void [e, e3];
}
if (sel.kind === "send") {
  same<typeof sel.value, undefined>();
  const e: SendError | undefined = sel.error;
  same<typeof sel.error, SendError | undefined>();
  void e;
}
// @ts-expect-error Selected is readonly
sel.index = 3;
// @ts-expect-error kind is only "recv" | "send"
const kind: Selected["kind"] = "timeout";
void kind;
