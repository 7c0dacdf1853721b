/** Locks and the other std::sync primitives across real Web Workers (blocking calls in workers, async on the page). */
import { AtomicI32, Barrier, Condvar, Mutex, Once, Semaphore, WaitGroup, share } from "/dist/index.js";
import { check, eq, withWorkers } from "./harness.mjs";

export const cases = [
  ["Mutex: 3 workers (lock) and the page (lockAsync) exclude each other; no update lost", async () => {
    const m = new Mutex(new Int32Array(new SharedArrayBuffer(4)));
    const inside = new Int32Array(new SharedArrayBuffer(4));
    const perWorker = 3000, onPage = 200;
    await withWorkers(share, 3, async (ws) => {
      const runs = ws.map((w) => w.run("mutexCount", { m, inside, n: perWorker }));
      let pageOverlaps = 0;
      for (let i = 0; i < onPage; i++) {
        const g = await m.lockAsync();
        if (Atomics.add(inside, 0, 1) !== 0) pageOverlaps++;
        const v = g.value[0];
        await null; // let other page tasks run while we hold it
        g.value[0] = v + 1;
        Atomics.sub(inside, 0, 1);
        g.unlock();
      }
      eq(await Promise.all(runs), [0, 0, 0], "overlaps seen by the workers");
      eq(pageOverlaps, 0, "overlaps seen by the page");
    });
    eq(m.withLock((c) => c[0]), 3 * perWorker + onPage, "counter");
    check(!m.isLocked && !m.isPoisoned, "the mutex ends unlocked and not poisoned");
  }],

  ["Condvar: bounded buffer, 2 producer workers → a consumer worker (waitWhile) and the page (waitWhileAsync)", async () => {
    // [head, tail, taken, ring of 4]
    const m = new Mutex(new Int32Array(new SharedArrayBuffer(4 * 7)));
    const notFull = new Condvar(), notEmpty = new Condvar();
    const n = 400, total = 2 * n;
    await withWorkers(share, 3, async ([p0, p1, c]) => {
      const produced = [p0.run("condvarProduce", { m, notFull, notEmpty, id: 0, n }), p1.run("condvarProduce", { m, notFull, notEmpty, id: 1, n })];
      const workerGot = c.run("condvarConsume", { m, notFull, notEmpty, total });
      const pageGot = [];
      for (;;) {
        const g = await m.lockAsync();
        await notEmpty.waitWhileAsync(g, (q) => q[0] === q[1] && q[2] < total);
        const q = g.value;
        if (q[2] === total) {
          notEmpty.notifyAll();
          g.unlock();
          break;
        }
        pageGot.push(q[3 + (q[0] % 4)]);
        q[0]++;
        q[2]++;
        notFull.notifyOne();
        g.unlock();
      }
      eq(await Promise.all(produced), [n, n], "produced");
      const all = [...(await workerGot), ...pageGot].sort((a, b) => a - b);
      const expected = [...Array(n).keys()].flatMap((i) => [i, 1e6 + i]).sort((a, b) => a - b);
      eq(all, expected, "every item taken exactly once");
    });
  }],

  ["Semaphore(2): 3 workers (acquire) and the page (acquireAsync) never exceed 2 holders", async () => {
    const sem = new Semaphore(2);
    const active = new AtomicI32(0);
    await withWorkers(share, 3, async (ws) => {
      const runs = ws.map((w) => w.run("semaphoreWork", { sem, active, n: 2000 }));
      let pageMax = 0;
      for (let i = 0; i < 100; i++) {
        await sem.acquireAsync();
        pageMax = Math.max(pageMax, active.fetchAdd(1) + 1);
        await null;
        active.fetchSub(1);
        sem.release();
      }
      const maxes = await Promise.all(runs);
      check(Math.max(pageMax, ...maxes) <= 2, `at most 2 holders at once (saw ${Math.max(pageMax, ...maxes)})`);
      check(Math.min(pageMax, ...maxes) >= 1, "every party held a permit");
    });
    eq(sem.available, 2, "permits after all released");
  }],

  ["Once: 3 workers (callOnce) and the page (callOnceAsync) race; the function runs once, and every caller returns after it", async () => {
    const once = new Once();
    const runs = new Int32Array(new SharedArrayBuffer(4));
    await withWorkers(share, 3, async (ws) => {
      const seen = ws.map((w) => w.run("onceInit", { once, runs }));
      await once.callOnceAsync(() => void Atomics.add(runs, 0, 1));
      eq([Atomics.load(runs, 0), ...(await Promise.all(seen))], [1, 1, 1, 1], "runs seen by the page and by each worker");
    });
    check(once.isCompleted, "completed");
  }],

  ["WaitGroup: the page's waitAsync returns once 3 workers are done, after each marked its work", async () => {
    const wg = new WaitGroup();
    const flags = new Int32Array(new SharedArrayBuffer(4 * 3));
    wg.add(3);
    await withWorkers(share, 3, async (ws) => {
      const runs = ws.map((w, i) => w.run("waitGroupTask", { wg, flags, i }));
      await wg.waitAsync({ timeout: 15_000 });
      eq(Array.from(flags, (_, i) => Atomics.load(flags, i)), [1, 1, 1], "work marked before done()");
      eq(wg.count, 0, "count");
      eq(await Promise.all(runs), [0, 1, 2], "tasks");
    });
  }],

  ["Barrier(4): 3 workers (wait) and the page (waitAsync), 50 generations, one leader each, nobody leaves early", async () => {
    const rounds = 50, b = new Barrier(4);
    const arrivals = new Int32Array(new SharedArrayBuffer(4 * rounds));
    await withWorkers(share, 3, async (ws) => {
      const runs = ws.map((w) => w.run("barrierRounds", { b, arrivals, rounds }));
      let early = 0, leaders = 0;
      for (let r = 0; r < rounds; r++) {
        Atomics.add(arrivals, r, 1);
        const { isLeader } = await b.waitAsync();
        if (Atomics.load(arrivals, r) !== 4) early++;
        if (isLeader) leaders++;
      }
      const results = await Promise.all(runs);
      eq(early + results.reduce((s, r) => s + r.early, 0), 0, "parties that left a generation before all had arrived");
      eq(leaders + results.reduce((s, r) => s + r.leaders, 0), rounds, "leaders (one per generation)");
    });
  }],
];
