/**
 * Keep-alive rules of the async waits (src/sys/index.ts, issue 3 "waitAsync path"): a pending
 * `Atomics.waitAsync` does not keep Node alive by itself, so while a user awaits a weft promise
 * the library must keep the process alive — and must stop as soon as nothing is pending.
 *
 * Each case runs a small script in a child `node` process (written to a temp dir, importing the
 * built dist/index.js by absolute URL). The lock holder is a plain Worker that is `unref()`ed, so
 * the only thing that can keep the child alive is weft's keep-alive.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it, type ExpectStatic } from "vitest";

const dist = new URL("../../dist/index.js", import.meta.url).href;
let dir: string;

const HOLDER = `
import { workerData } from "node:worker_threads";
import { revive } from "${dist}";
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const p = revive(workerData);
const HOLD = 300;
const ready = () => { p.started.store(1); p.started.notify(); };
// Set just before the holder lets go: a waiter that resumes sees it, if it really waited.
const letGo = () => p.done.store(1);
switch (p.kind) {
  case "mutex": { const g = p.mutex.lock(); ready(); sleep(HOLD); letGo(); g.unlock(); break; }
  case "rwlock": { const g = p.rwlock.write(); ready(); sleep(HOLD); letGo(); g.unlock(); break; }
  case "semaphore": { p.semaphore.acquire(); ready(); sleep(HOLD); letGo(); p.semaphore.release(); break; }
  case "waitgroup": { ready(); sleep(HOLD); letGo(); p.waitgroup.done(); break; }
  case "atomic": { ready(); sleep(HOLD); letGo(); p.atomic.store(1); p.atomic.notify(); break; }
  case "condvar": { ready(); sleep(HOLD); letGo(); p.mutex.withLock(() => {}); p.condvar.notifyAll(); break; }
  case "barrier": { ready(); sleep(HOLD); letGo(); p.barrier.wait(); break; }
  case "once": { p.once.callOnce(() => { ready(); sleep(HOLD); letGo(); }); break; }
  case "raw": { ready(); sleep(HOLD); letGo(); p.atomic.store(1); p.atomic.notify(); break; }
}
`;

/** Main script: start the unref'd holder, wait (synchronously) until it holds, then await. */
const awaitScript = (kind: string) => `
import { Worker } from "node:worker_threads";
import * as w from "${dist}";
const p = {
  kind: ${JSON.stringify(kind)},
  started: new w.AtomicI32(0),
  done: new w.AtomicI32(0),
  mutex: new w.Mutex(),
  rwlock: new w.RwLock(),
  semaphore: new w.Semaphore(1),
  waitgroup: new w.WaitGroup(),
  atomic: new w.AtomicI32(0),
  condvar: new w.Condvar(),
  barrier: new w.Barrier(2),
  once: new w.Once(),
};
p.waitgroup.add(1);
const holder = new Worker(new URL("./holder.mjs", import.meta.url), { workerData: w.share(p) });
holder.unref();
while (p.started.load() === 0) p.started.wait(0, { timeout: 100 });
const t0 = performance.now();
switch (p.kind) {
  case "mutex": (await p.mutex.lockAsync()).unlock(); break;
  case "rwlock": (await p.rwlock.readAsync()).unlock(); break;
  case "semaphore": await p.semaphore.acquireAsync(); break;
  case "waitgroup": await p.waitgroup.waitAsync(); break;
  case "atomic": await p.atomic.waitAsync(0); break;
  case "condvar": { const g = p.mutex.lock(); await p.condvar.waitAsync(g); g.unlock(); break; }
  case "barrier": await p.barrier.waitAsync(); break;
  case "once": await p.once.callOnceAsync(() => { throw new Error("must not run"); }); break;
  case "raw": { const r = Atomics.waitAsync(new Int32Array(p.atomic.buffer, p.atomic.byteOffset + 4, 1), 0, 0); if (r.async) await r.value; break; }
}
console.log("acquired after", Math.round(performance.now() - t0), "ms; holder done:", p.done.load());
`;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Date.now() when the child had exited. */
  exitedAt: number;
}

/**
 * Appended to every "leak" script: its last act is to print when everything settled, so the test
 * measures settle → exit (not Node's start-up time, which balloons on a loaded 2-core machine).
 */
const SETTLED = `\nconsole.log("settled at", Date.now());\n`;

function run(name: string, source: string, limitMs = 15_000): Promise<Run> {
  const file = join(dir, name);
  writeFileSync(file, source);
  return new Promise((resolve) => {
    execFile(process.execPath, [file], { timeout: limitMs, cwd: dir }, (err, stdout, stderr) => {
      resolve({
        code: err ? ((err as any).code ?? null) : 0,
        signal: err ? ((err as any).signal ?? null) : null,
        stdout: String(stdout),
        stderr: String(stderr),
        exitedAt: Date.now(),
      });
    });
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "weft-keepalive-"));
  writeFileSync(join(dir, "holder.mjs"), HOLDER);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.concurrent("keep-alive while a weft promise is pending", () => {
  it("control: a bare Atomics.waitAsync does NOT keep the process alive (so the cases below can tell)", async ({ expect }) => {
    const r = await run("raw.mjs", awaitScript("raw"));
    expect(r.signal).toBeNull(); // it exited by itself, quickly…
    expect(r.stdout).not.toContain("acquired"); // …without ever resuming
  });

  it.for(["mutex", "rwlock", "semaphore", "waitgroup", "atomic", "condvar", "barrier", "once"])(
    "%s: the only pending work is an async wait on a worker; the process stays alive, resumes, then exits",
    async (kind, { expect }) => {
      const r = await run(`await-${kind}.mjs`, awaitScript(kind));
      expect(r.stderr).toBe("");
      expect(r.signal).toBeNull(); // not killed by the time limit: it exited by itself afterwards
      expect(r.code).toBe(0);
      // It really waited for the holder: it resumed only after the holder let go. (Causal, not
      // timed: an elapsed-time bound failed on a loaded machine, where this process can be
      // descheduled between seeing the holder start and starting its clock.)
      expect(r.stdout).toMatch(/acquired after \d+ ms; holder done: 1$/m);
    },
  );
});

describe.concurrent("no keep-alive leak once everything has settled", () => {
  /** Checks the child exited by itself, promptly after its last promise settled; returns its other output. */
  const prompt = (r: Run, expect: ExpectStatic): string => {
    expect(r.stderr).toBe("");
    expect(r.signal).toBeNull(); // a leak keeps it alive until the 15 s kill
    expect(r.code).toBe(0);
    const m = /settled at (\d+)/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    expect(r.exitedAt - Number(m![1])).toBeLessThan(2_000);
    return r.stdout.replace(/settled at \d+\n?/, "").trim();
  };

  it("a lockAsync that times out lets the process exit promptly", async ({ expect }) => {
    const r = await run(
      "timeout.mjs",
      `import { Mutex } from "${dist}";
       const m = new Mutex();
       const g = m.lock(); // held for good by this thread: the async lock must time out
       try { await m.lockAsync({ timeout: 250 }); } catch (e) { console.log(e.name); }` + SETTLED,
    );
    expect(prompt(r, expect)).toBe("TimeoutError");
  });

  it("waits that time out across several liveness slices, with and without a signal, leave nothing behind", async ({ expect }) => {
    const r = await run(
      "slices.mjs",
      `import { Mutex, RwLock, Semaphore, AtomicI32 } from "${dist}";
       const m = new Mutex(); m.lock();
       const rw = new RwLock(); rw.write();
       const s = new Semaphore(1); s.acquire();
       const a = new AtomicI32(0);
       const signal = new AbortController().signal;
       const names = await Promise.all([
         m.lockAsync({ timeout: 330 }), m.lockAsync({ timeout: 330, signal }),
         rw.readAsync({ timeout: 330 }), rw.writeAsync({ timeout: 330, signal }),
         s.acquireAsync(1, { timeout: 330 }), a.waitAsync(0, { timeout: 330, signal }),
       ].map((p) => p.then((v) => String(v), (e) => e.name)));
       console.log(names.join(","));` + SETTLED,
    );
    expect(prompt(r, expect)).toBe("TimeoutError,TimeoutError,TimeoutError,TimeoutError,TimeoutError,timed-out");
  });

  it("a lockAsync that succeeds after queueing lets the process exit promptly", async ({ expect }) => {
    const r = await run(
      "success.mjs",
      `import { Mutex } from "${dist}";
       const m = new Mutex();
       const g = m.lock();
       setTimeout(() => g.unlock(), 150);
       const h = await m.lockAsync();
       h.unlock();
       console.log("acquired");` + SETTLED,
    );
    expect(prompt(r, expect)).toBe("acquired");
  });

  it("an aborted lockAsync releases the keep-alive", async ({ expect }) => {
    const r = await run(
      "abort.mjs",
      `import { Mutex } from "${dist}";
       const m = new Mutex();
       m.lock(); // never released
       const c = new AbortController();
       setTimeout(() => c.abort(new Error("gave up")), 100);
       try { await m.lockAsync({ signal: c.signal }); } catch (e) { console.log("aborted:", e.message); }` + SETTLED,
    );
    expect(prompt(r, expect)).toBe("aborted: gave up");
  });

  it("aborted waits without any timeout (atomic, condvar, barrier, semaphore) release it too", async ({ expect }) => {
    const r = await run(
      "abort-many.mjs",
      `import { AtomicI32, Barrier, Condvar, Mutex, Semaphore } from "${dist}";
       const c = new AbortController();
       const a = new AtomicI32(0);
       const m = new Mutex(); const g = m.lock(); const cv = new Condvar();
       const b = new Barrier(2);
       const s = new Semaphore(1); s.acquire();
       setTimeout(() => c.abort(new Error("stop")), 100);
       const signal = c.signal;
       const out = await Promise.all([a.waitAsync(0, { signal }), cv.waitAsync(g, { signal }), b.waitAsync({ signal }), s.acquireAsync(1, { signal })]
         .map((p) => p.then(() => "resolved", (e) => e.message)));
       console.log(out.join(","));` + SETTLED,
    );
    expect(prompt(r, expect)).toBe("stop,stop,stop,stop");
  });
});
