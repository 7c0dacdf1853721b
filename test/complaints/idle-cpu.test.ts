/**
 * Complaint 5 (ringbuf.js): rings that busy-poll and burn a core. A worker blocked in any
 * synchronous weft wait — a lock, a condvar, a semaphore, a barrier, a Once, an atomic, a channel
 * receive or send — and this thread's …Async waits must park, not poll. (test/channel/
 * no-busy-wait.test.ts covers the channel calls; this covers the locks and the other waits.)
 * The process's CPU time (every thread of it, the blocked worker's included) is measured while
 * the wait goes on: a poller uses ~a core, a parked waiter next to nothing.
 */
import { describe, expect, it } from "vitest";
import {
  AtomicI32, Barrier, Condvar, Mutex, Once, RwLock, Semaphore, WaitGroup, channel, spawn,
} from "../../dist/index.js";
import { here, release, shared, sleep, until } from "./util.js";

const WINDOW_MS = 200;
/** CPU the whole process may use in a window (the runner and GC use some, in bursts). */
const MAX_CPU_MS = 0.3 * WINDOW_MS;

/** CPU (user + system, ms) in the quietest of two windows. */
async function idleCpu(): Promise<number> {
  const ws: number[] = [];
  for (let k = 0; k < 2; k++) {
    const c0 = process.cpuUsage();
    await sleep(WINDOW_MS);
    const c = process.cpuUsage(c0);
    ws.push((c.user + c.system) / 1000);
  }
  return Math.min(...ws);
}

interface Case {
  kind: string;
  /** Makes the primitive and blocks it from this thread; returns [prim, extra, unblock]. */
  setup: () => [unknown, unknown, () => void | Promise<void>];
  result: unknown;
}

const cases: Case[] = [
  { kind: "mutex", result: "locked", setup: () => { const m = new Mutex(); const g = m.lock(); return [m, undefined, () => g.unlock()]; } },
  { kind: "rwlock-w", result: "written", setup: () => { const rw = new RwLock(); const g = rw.read(); return [rw, undefined, () => g.unlock()]; } },
  { kind: "rwlock-r", result: "read", setup: () => { const rw = new RwLock(); const g = rw.write(); return [rw, undefined, () => g.unlock()]; } },
  {
    kind: "condvar", result: "notified",
    setup: () => { const m = new Mutex(); const cv = new Condvar(); return [cv, m, async () => { await m.withLockAsync(() => cv.notifyAll()); }]; },
  },
  { kind: "semaphore", result: "acquired", setup: () => { const s = new Semaphore(1); s.acquire(); return [s, undefined, () => s.release()]; } },
  { kind: "barrier", result: "passed", setup: () => { const b = new Barrier(2); return [b, undefined, async () => void (await b.waitAsync())]; } },
  { kind: "waitgroup", result: "done", setup: () => { const wg = new WaitGroup(); wg.add(1); return [wg, undefined, () => wg.done()]; } },
  {
    kind: "once", result: "completed",
    setup: () => {
      const once = new Once();
      let finish!: () => void;
      const running = once.callOnceAsync(() => new Promise<void>((r) => (finish = r)));
      return [once, undefined, async () => { finish(); await running; }];
    },
  },
  { kind: "atomic", result: "ok", setup: () => { const a = new AtomicI32(0); return [a, undefined, () => { a.store(1); a.notify(); }]; } },
];

describe("complaint 5: an idle blocked waiter uses ~no CPU", () => {
  it.each(cases.map((c) => [c.kind, c] as const))("a worker blocked in %s parks", async (_kind, c) => {
    const [prim, extra, unblock] = c.setup();
    const ctl = shared(1);
    const h = spawn(here("blocker.mjs"), prim, c.kind, ctl, extra);
    await until(ctl, 0, "the worker about to block");
    await sleep(100); // its brief spin, then the park
    const cpu = await idleCpu();
    await unblock();
    expect(await h.join()).toBe(c.result);
    expect(cpu, `${c.kind}: CPU ms per ${WINDOW_MS} ms while blocked`).toBeLessThan(MAX_CPU_MS);
  });

  it("this thread's lockAsync (a worker holds the lock) and recvAsync (nothing sent) park", async () => {
    const m = new Mutex();
    const ctl = shared(4);
    const h = spawn(here("holder.mjs"), m, "mutex", ctl);
    await until(ctl, 0, "holder");
    const [tx, rx] = channel<number>({ capacity: 8 });
    const locking = m.lockAsync();
    const receiving = rx.recvAsync();
    await sleep(50);
    const cpu = await idleCpu();
    release(ctl);
    (await locking).unlock();
    tx.send(1);
    expect(await receiving).toBe(1);
    await h.join();
    expect(cpu, "CPU ms while both waited").toBeLessThan(MAX_CPU_MS);
  });
});
