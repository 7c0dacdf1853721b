/**
 * Acceptance type tests (from the spec): moves. `send(tx, v)` / `trySend(tx, v)` narrow `v` to
 * `Moved`, so a later use of the moved variable is a compile error; Copy and Sync values stay
 * usable. Checked by `tsc --noEmit`; nothing here runs.
 */
import {
  AtomicI32,
  Mutex,
  channel,
  send,
  sendArm,
  sendAsync,
  share,
  spawn,
  trySend,
  type Moved,
  type MovedBrand,
  type Sender,
} from "../../dist/index.js";

declare const url: URL;
declare function use(v: unknown): void;

// The README example.
function readmeExample(): void {
  const [tx] = channel<{ id: number; pixels: Uint8Array }>({ capacity: 4 });
  const frame = { id: 1, pixels: new Uint8Array(16) };
  send(tx, frame);
  // @ts-expect-error frame was moved (its members are never)
  frame.pixels.fill(0);
  // @ts-expect-error "this value was moved by send()"
  tx.send(frame);
  // Copy member reads through a moved value are typed never (documented: caught at run time only).
  const id: never = frame.id;
  void id;
}

// Each sending API refuses the moved variable (one fresh variable per case: a failed second
// move narrows the variable again, to `never`, after which nothing more is reported).
const [moveTx] = channel();
function movedUse0(): void {
  const tx = moveTx;
  const buf = new Uint8Array(8);
  send(tx, buf);
  // @ts-expect-error send again (free function)
  send(tx, buf);
}
function movedUse1(): void {
  const tx = moveTx;
  const buf = new Uint8Array(8);
  send(tx, buf);
  // @ts-expect-error trySend (free function)
  trySend(tx, buf);
}
function movedUse2(): void {
  const tx = moveTx;
  const buf = new Uint8Array(8);
  send(tx, buf);
  // @ts-expect-error sendAsync (free function)
  void sendAsync(tx, buf);
}
function movedUse3(): void {
  const tx = moveTx;
  const buf = new Uint8Array(8);
  send(tx, buf);
  // @ts-expect-error Sender.send
  tx.send(buf);
}
function movedUse4(): void {
  const tx = moveTx;
  const buf = new Uint8Array(8);
  send(tx, buf);
  // @ts-expect-error Sender.trySend
  tx.trySend(buf);
}
function movedUse5(): void {
  const tx = moveTx;
  const buf = new Uint8Array(8);
  send(tx, buf);
  // @ts-expect-error Sender.sendAsync
  void tx.sendAsync(buf);
}
function movedUse6(): void {
  const tx = moveTx;
  const buf = new Uint8Array(8);
  send(tx, buf);
  // @ts-expect-error Sender.sendMany
  tx.sendMany([buf]);
}
function movedUse7(): void {
  const tx = moveTx;
  const buf = new Uint8Array(8);
  send(tx, buf);
  // @ts-expect-error Sender.sendManyAsync
  void tx.sendManyAsync([buf]);
}
function movedUse8(): void {
  const tx = moveTx;
  const buf = new Uint8Array(8);
  send(tx, buf);
  // @ts-expect-error sendArm
  sendArm(tx, buf);
}
function movedUse9(): void {
  const tx = moveTx;
  const buf = new Uint8Array(8);
  send(tx, buf);
  // @ts-expect-error share
  share(buf);
}
function movedUse10(): void {
  const tx = moveTx;
  const buf = new Uint8Array(8);
  send(tx, buf);
  // @ts-expect-error spawn argument
  spawn(url, buf);
}
function movedUse11(): void {
  const tx = moveTx;
  const buf = new Uint8Array(8);
  send(tx, buf);
  // @ts-expect-error inside a new message
  tx.send({ again: buf });
}
function movedUse12(): void {
  const tx = moveTx;
  const buf = new Uint8Array(8);
  send(tx, buf);
  // @ts-expect-error inside a new array message
  tx.send([1, buf]);
}
function movedUse13(): void {
  const tx = moveTx;
  const buf = new Uint8Array(8);
  send(tx, buf);
  // @ts-expect-error calling a method of the moved value
  buf.fill(1);
}
function movedUse14(): void {
  const tx = moveTx;
  const buf = new Uint8Array(8);
  send(tx, buf);
  // @ts-expect-error iterating the moved value
  for (const b of buf) use(b);
}
function movedUse15(): void {
  const tx = moveTx;
  const buf = new Uint8Array(8);
  send(tx, buf);
  // @ts-expect-error reading a typed member (typed never: passing it where a number is wanted is fine, but calling is not)
  buf.subarray(0);
}
void [movedUse0, movedUse1, movedUse2, movedUse3, movedUse4, movedUse5, movedUse6, movedUse7, movedUse8, movedUse9, movedUse10, movedUse11, movedUse12, movedUse13, movedUse14, movedUse15];

// trySend moves too.
function trySendMoves(): void {
  const [tx] = channel<ArrayBuffer>({ capacity: 1 });
  const ab = new ArrayBuffer(8);
  trySend(tx, ab);
  // @ts-expect-error moved by trySend
  tx.send(ab);
  // @ts-expect-error moved by trySend: slice is never
  ab.slice(0);
}

// Moved Maps, Sets, arrays, objects.
function movedContainers(): void {
  const [tx] = channel();
  const m = new Map<string, Uint8Array>([["a", new Uint8Array(2)]]);
  const s = new Set([1, 2]);
  const arr = [new Float64Array(2)];
  const obj = { data: new Uint8Array(4), meta: { n: 1 } };
  send(tx, m);
  send(tx, s);
  send(tx, arr);
  send(tx, obj);
  // @ts-expect-error a moved Map's methods
  m.get("a");
  // @ts-expect-error a moved Set's methods
  s.has(1);
  // @ts-expect-error indexing into a moved array gives never: its methods are not callable
  arr[0].fill(0);
  // @ts-expect-error sending a moved array again
  tx.send(arr);
  // @ts-expect-error reading through a moved object (README: msg.data.byteLength)
  obj.data.byteLength;
  // FINDING (findings/move-array.ts): iterating a moved array, calling its methods
  // (`arr.map`, `arr.push`) and spreading it all compile.
}

// An alias made after the move is caught too.
function aliasAfterMove(): void {
  const [tx] = channel();
  const v = { data: new Uint8Array(4) };
  send(tx, v);
  const b = v;
  // @ts-expect-error the alias has the moved type
  tx.send(b);
  // @ts-expect-error the alias' members are never
  b.data.fill(0);
}

// Copy values (numbers, strings, …) and Sync values stay usable after a move.
function copyAndSyncStayUsable(): void {
  const [tx] = channel();
  const n = 42;
  const str = "hello";
  const big = 10n;
  const flag = true;
  const nil = null;
  send(tx, n);
  send(tx, str);
  send(tx, big);
  send(tx, flag);
  send(tx, nil);
  tx.send(n);
  tx.send(str);
  const total: number = n + 1;
  const up: string = str.toUpperCase();
  const twice: bigint = big * 2n;
  void [total, up, twice, flag, nil];

  const mutex = new Mutex(new Int32Array(new SharedArrayBuffer(4)));
  const atom = new AtomicI32();
  const sab = new SharedArrayBuffer(8);
  const sharedView = new Int32Array(new SharedArrayBuffer(8));
  send(tx, mutex);
  send(tx, atom);
  send(tx, sab);
  send(tx, sharedView);
  mutex.lock().unlock();
  atom.load();
  tx.send(mutex);
  tx.send(sab);
  sharedView.fill(1);
  const [endTx, endRx] = channel<number>();
  send(tx, endTx);
  send(tx, endRx);
  endTx.send(1);
  endRx.recv();
}

// A `let` reassigned after the move is usable again (a new value).
function reassignedLet(): void {
  const [tx] = channel<Uint8Array>();
  let buf = new Uint8Array(4);
  send(tx, buf);
  buf = new Uint8Array(4);
  buf.fill(1);
  tx.send(buf);
  send(tx, buf);
}

// The send helper is typed like Sender.send: wrong message types and non-sendables are errors.
function sendIsChecked(): void {
  const [tx] = channel<{ id: number }>();
  send(tx, { id: 1 });
  // @ts-expect-error wrong message type
  send(tx, { id: "1" });
  const [anyTx] = channel();
  // @ts-expect-error a function is not sendable
  send(anyTx, () => 1);
  // @ts-expect-error a method is not sendable
  trySend(anyTx, { f() {} });
  // @ts-expect-error a symbol is not sendable
  void sendAsync(anyTx, Symbol("s"));
  // @ts-expect-error a WeakMap is not sendable
  send(anyTx, new WeakMap());
}

// sendAsync does not narrow (documented: an async function cannot assert): the value stays typed.
async function sendAsyncDoesNotNarrow(): Promise<void> {
  const [tx] = channel();
  const buf = new Uint8Array(4);
  await sendAsync(tx, buf);
  buf.byteLength; // compiles; MovedError at run time if it is sent again
}

// Moved<T> itself.
function movedType(): void {
  type M = Moved<{ data: Uint8Array; n: number }>;
  const m = null as unknown as M;
  const d: never = m.data;
  const brand: MovedBrand = m;
  void [d, brand];
  const num: Moved<number> = 1;
  const mtx: Moved<Mutex> = new Mutex();
  void [num, mtx];
  const tx = null as unknown as Sender<unknown>;
  // @ts-expect-error a Moved value is refused by every send
  tx.send(m);
}

// Moves of function parameters narrow the parameter.
function moveParam(tx: Sender<Uint8Array>, frame: Uint8Array): void {
  send(tx, frame);
  // @ts-expect-error the parameter was moved
  frame.set([1]);
}

void [readmeExample, trySendMoves, movedContainers, aliasAfterMove, copyAndSyncStayUsable];
void [reassignedLet, sendIsChecked, sendAsyncDoesNotNarrow, movedType, moveParam];
