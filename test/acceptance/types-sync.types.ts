/**
 * Acceptance type tests (from the spec): the `Sync` marker, and `Mutex<T>` / `RwLock<T>` accepting
 * only shareable `T` (`Shareable<T>`) at compile time. Checked by `tsc --noEmit`; nothing runs.
 */
import {
  AtomicBool,
  AtomicI32,
  AtomicI64,
  AtomicU32,
  Barrier,
  Condvar,
  Mutex,
  MutexGuard,
  Once,
  RwLock,
  Semaphore,
  WaitGroup,
  channel,
  type RwLockReadGuard,
  type RwLockWriteGuard,
  type Shareable,
  type Sync,
} from "../../dist/index.js";

type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
declare function same<A, B>(...ok: Equal<A, B> extends true ? [] : [never]): void;
declare function yes<T extends true>(): void;
type IsShareable<T> = [T] extends [Shareable<T>] ? true : false;

const sab = new SharedArrayBuffer(64);
const shared32 = new Int32Array(sab, 0, 4);
const sharedF64 = new Float64Array(new SharedArrayBuffer(32));
const loose: Int32Array = new Int32Array(4); // ArrayBufferLike: the compiler cannot tell
const local32 = new Int32Array(4); // Int32Array<ArrayBuffer>
const [tx, rx] = channel<number>();

// ---------------------------------------------------------------------------------------------
// Sync: weft's shared primitives and channel ends; nothing else.

const syncs: Sync[] = [
  new Mutex(),
  new RwLock(),
  new Condvar(),
  new Semaphore(1),
  new Barrier(2),
  new WaitGroup(),
  new Once(),
  new AtomicI32(),
  new AtomicU32(),
  new AtomicBool(),
  new AtomicI64(),
  tx,
  rx,
];
void syncs;
// @ts-expect-error a plain object is not Sync
const notSync1: Sync = { lock() {} };
// @ts-expect-error a SharedArrayBuffer is shared memory, but not a weft primitive
const notSync2: Sync = sab;
// @ts-expect-error a typed array is not Sync
const notSync3: Sync = shared32;
declare const guard: MutexGuard<Int32Array<SharedArrayBuffer>>;
// @ts-expect-error a guard is not Sync
const notSync4: Sync = guard;
// @ts-expect-error a number is not Sync
const notSync5: Sync = 1;
void [notSync1, notSync2, notSync3, notSync4, notSync5];

// ---------------------------------------------------------------------------------------------
// Mutex<T>: shared memory only.

const m1 = new Mutex(shared32);
same<typeof m1, Mutex<Int32Array<SharedArrayBuffer>>>();
const m2 = new Mutex({ counts: shared32, sums: sharedF64 });
const m3 = new Mutex([shared32, sharedF64] as const);
const m4 = new Mutex(sab);
const m5 = new Mutex(new AtomicI32());
const m6 = new Mutex({ inner: new Mutex(shared32), tx });
const m7 = new Mutex(loose); // run-time TypeError if not over a SharedArrayBuffer
const m8 = new Mutex(new DataView(new SharedArrayBuffer(8)));
const m9 = new Mutex(new BigInt64Array(new SharedArrayBuffer(16)));
const m10 = new Mutex(); // Mutex<void>
same<typeof m10, Mutex<void>>();
const m11 = Mutex.at(sab, 0, shared32);
const m12 = new Mutex<Int32Array<SharedArrayBuffer>>(shared32);
void [m2, m3, m4, m5, m6, m7, m8, m9, m11, m12];

// @ts-expect-error a typed array over an ArrayBuffer (would be copied, not shared)
new Mutex(local32);
// @ts-expect-error new Int32Array(4) is over an ArrayBuffer
new Mutex(new Int32Array(4));
// @ts-expect-error a number is copied to each worker
new Mutex(5);
// @ts-expect-error a string
new Mutex("s");
// @ts-expect-error an object with a plain field
new Mutex({ count: 0 });
// @ts-expect-error an object mixing shared memory and a plain field
new Mutex({ counts: shared32, label: "x" });
// @ts-expect-error an ArrayBuffer
new Mutex(new ArrayBuffer(8));
// @ts-expect-error a function
new Mutex(() => 1);
// @ts-expect-error an array holding a local typed array
new Mutex([shared32, local32]);
// @ts-expect-error a Map
new Mutex(new Map<string, number>());
// @ts-expect-error a Date
new Mutex(new Date());
// @ts-expect-error an explicit non-shareable type argument with a value
new Mutex<number>(1);
// @ts-expect-error Mutex.at with a non-shared value
Mutex.at(sab, 0, local32);
// @ts-expect-error Mutex.at with a number
Mutex.at(sab, 0, 3);

// Guards and values are typed T.
const g = m1.lock();
same<typeof g, MutexGuard<Int32Array<SharedArrayBuffer>>>();
same<typeof g.value, Int32Array<SharedArrayBuffer>>();
const r: number = m1.withLock((v) => v[0]!);
const maybeGuard = m1.tryLock();
same<typeof maybeGuard, MutexGuard<Int32Array<SharedArrayBuffer>> | null>();
async function asyncLocks(): Promise<void> {
  const ga = await m1.lockAsync();
  same<typeof ga, MutexGuard<Int32Array<SharedArrayBuffer>>>();
  const s: string = await m1.withLockAsync(async (v) => String(v[0]));
  void s;
}
void [r, asyncLocks];
// @ts-expect-error the guarded value is an Int32Array, not a string
const wrongVal: string = g.value;
void wrongVal;

// ---------------------------------------------------------------------------------------------
// RwLock<T>: the same rule.

const rw1 = new RwLock(sharedF64);
same<typeof rw1, RwLock<Float64Array<SharedArrayBuffer>>>();
const rw2 = new RwLock({ a: shared32, b: [sharedF64] });
const rw3 = RwLock.at(sab, 0, shared32);
void [rw2, rw3];
const rg = rw1.read();
same<typeof rg, RwLockReadGuard<Float64Array<SharedArrayBuffer>>>();
same<typeof rg.value, Float64Array<SharedArrayBuffer>>();
const wg = rw1.write();
same<typeof wg, RwLockWriteGuard<Float64Array<SharedArrayBuffer>>>();
// @ts-expect-error a typed array over an ArrayBuffer
new RwLock(new Float64Array(4));
// @ts-expect-error a plain object
new RwLock({ n: 1 });
// @ts-expect-error a number
new RwLock(1);
// @ts-expect-error RwLock.at with a non-shared value
RwLock.at(sab, 0, { n: 1 });

// ---------------------------------------------------------------------------------------------
// Shareable<T> itself.

yes<IsShareable<Int32Array<SharedArrayBuffer>>>();
yes<IsShareable<SharedArrayBuffer>>();
yes<IsShareable<Mutex>>();
yes<IsShareable<{ a: AtomicI32; b: readonly Int32Array<SharedArrayBuffer>[] }>>();
yes<IsShareable<void>>();
declare function no<T extends false>(): void;
no<IsShareable<number>>();
no<IsShareable<Int32Array<ArrayBuffer>>>();
no<IsShareable<ArrayBuffer>>();
no<IsShareable<{ a: number }>>();
no<IsShareable<() => void>>();
no<IsShareable<string[]>>();
