/**
 * Timeouts and aborts leave every primitive usable (issue 3, "Tests"): while a worker holds a
 * primitive (Mutex, RwLock write or read lock, all of a Semaphore's permits, a running Once, an
 * unfinished WaitGroup), other workers and the main thread time out (`TimeoutError`), abort
 * (async forms reject with `signal.reason`; an already-aborted signal throws it at once in every
 * form) or find it taken (`try…` → null). Then the holder lets go, everyone uses the primitive
 * normally, and the totals are exact.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Mutex, Once, RwLock, Semaphore, TimeoutError, WaitGroup, spawn } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import { arrange, fcParams, joinAll, layoutArb, timeoutFor, until, within, words, HANG_MS, type Arena } from "../prop-helpers.js";

type Kind = "mutex" | "rwlock-w" | "rwlock-r" | "semaphore" | "once" | "waitgroup";
const KINDS: Kind[] = ["mutex", "rwlock-w", "rwlock-r", "semaphore", "once", "waitgroup"];

/** Calls that wait, by kind: blocking ones, async ones, and never-waiting ones (must give null). */
const OPS: Record<Kind, { sync: string[]; async: string[]; try: string[] }> = {
  mutex: { sync: ["lock", "withLock"], async: ["lockAsync", "withLockAsync"], try: ["tryLock"] },
  "rwlock-w": { sync: ["read", "write"], async: ["readAsync", "writeAsync"], try: ["tryRead", "tryWrite"] },
  // Only writers contend with a held read lock (a reader would simply get in).
  "rwlock-r": { sync: ["write"], async: ["writeAsync"], try: ["tryWrite"] },
  semaphore: { sync: ["acquire"], async: ["acquireAsync"], try: [] },
  once: { sync: ["callOnce"], async: ["callOnceAsync"], try: [] },
  waitgroup: { sync: ["wgWait"], async: ["wgWaitAsync"], try: [] },
};

type How = "timeout" | "abort" | "preAborted" | "try";
interface Attempt {
  op: string;
  how: How;
  ms: number;
  n: number;
}

const attemptArb = (kind: Kind, asyncOnly: boolean): fc.Arbitrary<Attempt> => {
  const { sync, async, try: tries } = OPS[kind];
  const waiting = asyncOnly ? async : [...sync, ...async];
  const ms = fc.integer({ min: 0, max: 40 });
  const n = fc.integer({ min: 1, max: 4 });
  const arbs: fc.Arbitrary<Attempt>[] = [
    fc.record({ op: fc.constantFrom(...waiting), how: fc.constant<How>("timeout"), ms, n }),
    fc.record({ op: fc.constantFrom(...async), how: fc.constant<How>("abort"), ms, n }),
    fc.record({ op: fc.constantFrom(...waiting), how: fc.constant<How>("preAborted"), ms, n }),
  ];
  if (tries.length > 0 && !asyncOnly) arbs.push(fc.record({ op: fc.constantFrom(...tries), how: fc.constant<How>("try"), ms, n }));
  return fc.oneof(...arbs);
};

/** The worker-side options for an attempt (see test/workers/attempt.mjs). */
function optsOf(a: Attempt, reason: string, permits: number): Record<string, unknown> {
  const n = Math.min(a.n, permits);
  switch (a.how) {
    case "timeout": return { timeout: a.ms, n };
    case "abort": return { abort: a.ms, reason, n };
    case "preAborted": return { preAborted: true, reason, n };
    case "try": return {};
  }
}

type Prim = Mutex | RwLock | Semaphore | Once | WaitGroup;

function create(kind: Kind, arena: Arena | null, permits: number): Prim {
  const at = arena?.offsets[0];
  const b = arena?.buffer as SharedArrayBuffer;
  switch (kind) {
    case "mutex": return arena ? Mutex.at(b, at!) : new Mutex();
    case "rwlock-w":
    case "rwlock-r": return arena ? RwLock.at(b, at!) : new RwLock();
    case "semaphore": return arena ? Semaphore.at(b, at!, permits) : new Semaphore(permits);
    case "once": return arena ? Once.at(b, at!) : new Once();
    case "waitgroup": return arena ? WaitGroup.at(b, at!) : new WaitGroup();
  }
}

const BYTES: Record<Kind, number> = {
  mutex: Mutex.BYTE_LENGTH,
  "rwlock-w": RwLock.BYTE_LENGTH,
  "rwlock-r": RwLock.BYTE_LENGTH,
  semaphore: Semaphore.BYTE_LENGTH,
  once: Once.BYTE_LENGTH,
  waitgroup: WaitGroup.BYTE_LENGTH,
};

/** One async attempt on the main thread; resolves with what it threw (or null / "try-null"). */
async function mainAttempt(prim: any, a: Attempt, reason: Error, permits: number): Promise<unknown> {
  const opts: { timeout?: number; signal?: AbortSignal } = {};
  if (a.how === "timeout") opts.timeout = a.ms;
  else {
    const ac = new AbortController();
    opts.signal = ac.signal;
    if (a.how === "preAborted") ac.abort(reason);
    else setTimeout(() => ac.abort(reason), a.ms);
  }
  try {
    switch (a.op) {
      case "lockAsync": (await prim.lockAsync(opts)).unlock(); break;
      case "withLockAsync": await prim.withLockAsync(async () => {}, opts); break;
      case "readAsync": (await prim.readAsync(opts)).unlock(); break;
      case "writeAsync": (await prim.writeAsync(opts)).unlock(); break;
      case "acquireAsync": await prim.acquireAsync(Math.min(a.n, permits), opts); prim.release(Math.min(a.n, permits)); break;
      case "callOnceAsync": await prim.callOnceAsync(() => { throw new Error("main's Once function ran"); }, opts); break;
      case "wgWaitAsync": await prim.waitAsync(opts); break;
      default: throw new Error(`no main-thread form of ${a.op}`);
    }
    return null;
  } catch (e) {
    return e;
  }
}

describe("timeouts and aborts leave each primitive usable (property, real workers)", () => {
  const RUNS = 12;
  it(
    "contenders time out / abort / find it taken while it is held; afterwards everyone uses it and totals are exact",
    async () => {
      const scenario = fc.constantFrom(...KINDS).chain((kind) =>
        fc.record({
          kind: fc.constant(kind),
          permits: fc.integer({ min: 1, max: 4 }),
          contenders: fc.array(fc.array(attemptArb(kind, false), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 }),
          mainAttempts: fc.array(attemptArb(kind, true), { minLength: 0, maxLength: 4 }),
          iters: fc.integer({ min: 1, max: 50 }),
          layout: layoutArb(3),
        }),
      );
      await fc.assert(
        fc.asyncProperty(scenario, async ({ kind, permits, contenders, mainAttempts, iters, layout }) => {
          const arena = arrange([{ bytes: BYTES[kind] }, { bytes: 12 }, { bytes: 12 }], layout);
          const prim = create(kind, arena, permits);
          const ctl = words(arena, 1, 3); // [0] held · [1] release · [2] contenders done attempting
          const data = words(arena, 2, 3); // [0] uses · [1] inside · [2] violations
          if (kind === "waitgroup") (prim as WaitGroup).add(1);
          const holder = spawn<string>(workerUrl("hold.mjs"), prim, kind, ctl, permits);
          const all = [holder];
          const dump = () => `ctl=${[...ctl]} data=${[...data]}`;
          try {
            await until(() => Atomics.load(ctl, 0) === 1, "the holder holding it");
            const reasonOf = (c: number, i: number) => `abort ${c}.${i}`;
            const workers = contenders.map((list, c) =>
              spawn<Array<{ ok: boolean; error: string | null; message: string | null }>>(
                workerUrl("contend.mjs"),
                prim,
                kind,
                ctl,
                data,
                list.map((a, i) => ({ op: a.op, opts: optsOf(a, reasonOf(c, i), permits) })),
                iters,
                permits,
              ),
            );
            all.push(...(workers as any[]));
            // The main thread's own async attempts, all at once.
            const reasons = mainAttempts.map((_, i) => new Error(`main abort ${i}`));
            const mainResults = await within(
              Promise.all(mainAttempts.map((a, i) => mainAttempt(prim, a, reasons[i]!, permits))),
              HANG_MS,
              "main-thread attempts",
              dump,
            );
            mainAttempts.forEach((a, i) => {
              const e = mainResults[i];
              if (a.how === "timeout") expect(e, `main ${a.op} timeout ${a.ms}`).toBeInstanceOf(TimeoutError);
              else expect(e, `main ${a.op} ${a.how}`).toBe(reasons[i]);
            });
            await until(() => Atomics.load(ctl, 2) === contenders.length, "contenders finishing their attempts");
            // Let go: the holder releases, and the contenders use the primitive normally.
            Atomics.store(ctl, 1, 1);
            Atomics.notify(ctl, 1);
            const [held, ...results] = await joinAll(all as any[], HANG_MS, dump);
            expect(held).toBe("released");
            contenders.forEach((list, c) =>
              list.forEach((a, i) => {
                const r = (results[c] as any[])[i];
                const what = `worker ${c} attempt ${i}: ${a.op} ${a.how} (${JSON.stringify(r)})`;
                if (a.how === "timeout") expect(r.error, what).toBe("TimeoutError");
                else if (a.how === "try") expect(r, what).toMatchObject({ ok: false, error: null });
                else expect([r.error, r.message], what).toEqual(["Error", reasonOf(c, i)]);
              }),
            );
          } catch (e) {
            await Promise.allSettled(all.map((h) => h.terminate()));
            throw e;
          }
          expect(data[2], "exclusion violated, or a contender's Once function ran").toBe(0);
          expect(data[1]).toBe(0);
          const uses = contenders.length * iters;
          expect(data[0]).toBe(uses);
          // The primitive is back to its idle state.
          switch (kind) {
            case "mutex": {
              const m = prim as Mutex;
              expect(m.isLocked).toBe(false);
              m.tryLock()!.unlock();
              break;
            }
            case "rwlock-w":
            case "rwlock-r": {
              const l = prim as RwLock;
              l.tryWrite()!.unlock();
              l.tryRead()!.unlock();
              break;
            }
            case "semaphore":
              expect((prim as Semaphore).available).toBe(permits);
              break;
            case "once":
              expect((prim as Once).isCompleted).toBe(true);
              expect((prim as Once).isPoisoned).toBe(false);
              break;
            case "waitgroup":
              expect((prim as WaitGroup).count).toBe(0);
              break;
          }
          arena?.checkSentinels();
        }),
        fcParams(RUNS),
      );
    },
    timeoutFor(RUNS, 3_000),
  );
});
