/**
 * Type-level soundness holes found by a helper probing the d.ts as a Rust user would (eleventh
 * session). Checked by `npm run typecheck` (never run).
 */
import { ThreadPool, channel, codecs, join, parallel, select, sendArm, spawnBlocking, type ModuleRef, type Receiver, type Sender } from "../../dist/index.js";

/** A task module whose exports return what cannot cross back to the caller. */
interface Makers {
  makeFn(): () => number;
  makeMap(): Map<string, () => void>;
  later(): Promise<() => void>;
  fine(n: number): Promise<{ n: number }>;
}
declare const makers: ModuleRef<Makers>;
declare const pool: ThreadPool;

export function typeTests(): void {
  // Sender<T> is invariant (Rust's is): a Sender<string> seen as a Sender<string | number> would
  // let a number into a channel whose receivers expect strings.
  const [txS, rxS] = channel<string>();
  // @ts-expect-error `Sender<string | number>` a Sender<string> is not a Sender<string | number>
  const wide: Sender<string | number> = txS;
  void wide;
  const feed = (t: Sender<string | number>) => t.send(42);
  // @ts-expect-error `Sender<string | number>` the same through a parameter
  feed(txS);
  // @ts-expect-error `Sender<"a" | "b">` nor the other way
  const narrow: Sender<"a" | "b"> = txS;
  void narrow;
  // Receivers stay covariant: a Receiver<string> is a Receiver<string | number>.
  const r: Receiver<string | number> = rxS;
  void r;

  // A fixed codec carries its own type only.
  // @ts-expect-error `FixedCodec<number>` f64 carries numbers
  channel<string>({ codec: codecs.f64 });
  // @ts-expect-error `FixedCodec<bigint>` i64 carries bigints
  channel<number>({ codec: codecs.i64 });
  // @ts-expect-error `FixedCodec<number>` f64 cannot carry the strings of the union
  channel<number | string>({ codec: codecs.f64 });
  channel<bigint>({ codec: codecs.i64 });
  channel<1 | 2>({ codec: codecs.f64 }); // f64 carries every message of a narrower type
  const [txN] = channel({ codec: codecs.f64 });
  const n: Sender<number> = txN;
  void n;
  // The structured codec carries any Sendable message type.
  const [txO, rxO] = channel<{ id: number; tags: string[] }>({ codec: codecs.structured });
  txO.send({ id: 1, tags: [] });
  const o: { id: number } = rxO.recv();
  void o;
  // bytes carries Uint8Arrays.
  // @ts-expect-error `VarCodec<Uint8Array` not a channel of strings
  channel<string>({ codec: codecs.bytes });

  // A send arm comes from sendArm, which checks the value: an object literal skipped both checks.
  // @ts-expect-error `[SEND_ARM]` a hand-built arm
  select([{ sender: txN, value: () => 1 }]);
  // @ts-expect-error `[SEND_ARM]` a hand-built arm with the wrong type
  select([{ sender: txN, value: "x" }]);
  select([sendArm(txN, 1)], { timeout: 0 });
  // @ts-expect-error `parameter of type 'number'` sendArm checks the element type
  sendArm(txN, "x");

  // The parallel helpers need shared memory: a typed array known to be over an ArrayBuffer is a
  // compile error (it was a run-time TypeError only).
  const local = new Float64Array(8);
  const shared = new Float64Array(new SharedArrayBuffer(64));
  // @ts-expect-error `parallel helpers need a typed array over a SharedArrayBuffer` over an ArrayBuffer
  void parallel.sum(local);
  // @ts-expect-error `parallel helpers need a typed array over a SharedArrayBuffer` over an ArrayBuffer
  void parallel.sort(new Int32Array(8));
  // @ts-expect-error `parallel helpers need a typed array over a SharedArrayBuffer` out over an ArrayBuffer
  void parallel.map(shared, local, new URL("file:///fns.js"), "square");
  void parallel.sum(shared);
  void parallel.sort(shared.subarray(2));
  // A buffer the compiler cannot tell (ArrayBufferLike) is let through, as for locks.
  const unknownBacking: Float64Array = shared;
  void parallel.sum(unknownBacking);

  // A task's result must be Sendable (Rust's JoinHandle<R> needs R: Send): a task returning a
  // function compiled, typed Promise<() => number>, and rejected at run time.
  // @ts-expect-error `ModuleRef<Makers>` "makeFn" returns a function: no overload takes it
  void pool.run(makers, "makeFn");
  // @ts-expect-error `ModuleRef<Makers>` "makeMap" returns a Map of functions
  void spawnBlocking(makers, "makeMap");
  // @ts-expect-error `"later"` resolves to a function
  void join([makers, "later"] as const, [makers, "fine", 1] as const);
  void pool.run(makers, "fine", 2).then((r) => r.n);
}
