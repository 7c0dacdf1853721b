/**
 * What a browser does not have, and how weft says so: Node-only parts (spawn, pools, the parallel
 * helpers, track), shared memory inside channel messages, and a Web Worker terminated while it
 * holds a lock. Plus the browser example (examples/browser) loaded in a frame.
 */
import * as weft from "/dist/index.js";
import { check, eq, rejects, throws, withWorkers } from "./harness.mjs";

const { AtomicI32, DataCloneError, Mutex, TimeoutError, channel, codecs, share } = weft;
// Looked up, not imported by name: a missing export should fail these cases, not the whole page.
const Unsupported = weft.UnsupportedError ?? class MissingUnsupportedErrorExport extends Error {};
const nodeOnly = /Node.js only|needs Node/;

export const cases = [
  ["spawn, ThreadPool, globalPool, currentPool, spawnBlocking, parallel, join: a typed UnsupportedError, not a crash inside", async () => {
    const url = new URL("./worker.mjs", import.meta.url);
    throws(() => weft.spawn(url), Unsupported, /^spawn: .*Node.js only/, "spawn");
    throws(() => weft.spawnWith({}, url), Unsupported, /^spawn: /, "spawnWith");
    throws(() => new weft.ThreadPool({ threads: 1 }), Unsupported, /^ThreadPool: .*Node.js only/, "new ThreadPool");
    throws(() => weft.globalPool(), Unsupported, nodeOnly, "globalPool");
    throws(() => weft.currentPool(), Unsupported, nodeOnly, "currentPool");
    await rejects(Promise.resolve().then(() => weft.spawnBlocking(url, "f")), Unsupported, nodeOnly, "spawnBlocking");
    const data = new Float64Array(new SharedArrayBuffer(8 * 4)).fill(1);
    await rejects(Promise.resolve().then(() => weft.parallel.sum(data)), Unsupported, nodeOnly, "parallel.sum");
    await rejects(Promise.resolve().then(() => weft.join([url, "a"], [url, "b"])), Unsupported, nodeOnly, "join");
    check(new Unsupported("x") instanceof weft.WeftError, "UnsupportedError is a WeftError");
  }],

  ["a SharedArrayBuffer inside a channel message: a clear DataCloneError, and nothing enters the channel", async () => {
    const [tx, rx] = channel({ capacity: 4 });
    const m = new Mutex();
    const e1 = throws(() => tx.send({ lock: m }), DataCloneError, /SharedArrayBuffer.*share\(\)/s, "a Mutex in a message");
    check(/browser/i.test(e1.message), `the message says why (browsers): ${e1.message}`);
    throws(() => tx.send(new Int32Array(new SharedArrayBuffer(8))), DataCloneError, /SharedArrayBuffer/, "a typed array over shared memory");
    const [tx2] = channel();
    throws(() => tx.send([tx2]), DataCloneError, /SharedArrayBuffer/, "a channel end in a message");
    await rejects(tx.sendAsync({ lock: m }), DataCloneError, /SharedArrayBuffer/, "sendAsync of a Mutex");
    eq(rx.len, 0, "nothing entered the channel");
    // Copied values still cross: plain data, ArrayBuffers and typed arrays over them.
    tx.send({ bytes: new Uint8Array([1, 2, 3]), when: new Date(0), tags: new Set(["a"]) });
    const v = rx.recv();
    eq([Array.from(v.bytes), v.when.getTime(), [...v.tags]], [[1, 2, 3], 0, ["a"]], "a plain message after the refused ones");
    for (const end of [tx, rx, tx2]) end.close();
  }],

  ["share()/revive() through postMessage still carry primitives to a worker (the way to hand them over in a browser)", async () => {
    const m = new Mutex(new Int32Array(new SharedArrayBuffer(4)));
    const inside = new Int32Array(new SharedArrayBuffer(4));
    await withWorkers(share, 1, async ([w]) => {
      eq(await w.run("mutexCount", { m, inside, n: 10 }), 0, "overlaps");
    });
    eq(m.withLock((c) => c[0]), 10, "the worker's increments landed in the page's memory");
  }],

  ["an untracked Web Worker terminated while holding a Mutex: the lock stays held, not poisoned; waiters time out", async () => {
    const m = new Mutex();
    await withWorkers(share, 1, async ([w]) => {
      const held = new AtomicI32(0);
      w.run("holdLock", { m, held }).catch(() => {});
      await held.waitAsync(0, { timeout: 10_000 });
      eq(held.load(), 1, "the worker holds the lock");
      w.terminate();
      // No JavaScript runs in a terminated worker and a Web Worker has no 'exit' event, so unless
      // the page called track(worker), no one marks its slot dead: the lock is never released and
      // never poisoned. Only a timeout (or an AbortSignal) gets a waiter out.
      await rejects(m.lockAsync({ timeout: 300 }), TimeoutError, /timed out/, "lockAsync after the holder was terminated");
      check(m.isLocked && !m.isPoisoned, "still locked, not poisoned");
    });
  }],

  ["track(worker): a tracked Web Worker terminated while holding a Mutex poisons it; the page recovers the guard", async () => {
    const m = new Mutex(new Int32Array(new SharedArrayBuffer(4)));
    await withWorkers(share, 1, async ([w]) => {
      weft.track(w.worker);
      weft.track(w.worker); // twice is once
      const held = new AtomicI32(0);
      w.run("holdLock", { m, held }).catch(() => {});
      await held.waitAsync(0, { timeout: 10_000 });
      eq(held.load(), 1, "the worker holds the lock");
      check(m.isLocked && !m.isPoisoned, "locked by the worker");
      w.terminate();
      const e = await rejects(m.lockAsync({ timeout: 10_000 }), weft.PoisonError, /Mutex is poisoned/, "lockAsync after the tracked holder was terminated");
      e.guard.value[0] = 5; // the guard is held: repair, unlock, clear
      e.guard.unlock();
      m.clearPoison();
      eq(m.withLock((c) => c[0]), 5, "the mutex works again");
    });
  }],

  ["track(worker) after the worker already blocked holding a lock cannot reach it: not covered (track right after new Worker)", async () => {
    const m = new Mutex();
    const held = new AtomicI32(0);
    const w = new Worker(new URL("./worker.mjs", import.meta.url), { type: "module" });
    try {
      w.postMessage({ id: 1, role: "holdLock", wire: share({ m, held }) }); // before track: the lock is taken under the worker's own slot
      await held.waitAsync(0, { timeout: 10_000 });
      eq(held.load(), 1, "the worker holds the lock");
      weft.track(w);
      // track's message reaches a worker blocked in a wait only if it ever returns to its event
      // loop: this one never does, so the page can only mark the slot it told the worker about.
      w.terminate();
      await rejects(m.lockAsync({ timeout: 300 }), TimeoutError, /timed out/, "a holder tracked after it blocked is not covered");
    } finally {
      w.terminate();
    }
  }],

  ["track(worker) on a worker that already has a slot (it locked before): its own slot is marked dead on terminate", async () => {
    const m = new Mutex(new Int32Array(new SharedArrayBuffer(4)));
    const inside = new Int32Array(new SharedArrayBuffer(4));
    await withWorkers(share, 1, async ([w]) => {
      eq(await w.run("mutexCount", { m, inside, n: 1 }), 0, "a first lock/unlock: the worker claims a slot of its own");
      weft.track(w.worker); // reaches the idle worker, which reports its slot
      const held = new AtomicI32(0);
      w.run("holdLock", { m, held }).catch(() => {});
      await held.waitAsync(0, { timeout: 10_000 });
      eq(held.load(), 1, "the worker holds the lock");
      w.terminate();
      const e = await rejects(m.lockAsync({ timeout: 10_000 }), weft.PoisonError, /poisoned/, "lockAsync after terminate");
      e.guard.unlock();
    });
  }],

  ["track() refuses what is not a Worker with a TypeError naming it", async () => {
    for (const bad of [undefined, null, {}, { postMessage() {} }, 42]) {
      throws(() => weft.track(bad), TypeError, /^track: expected a Worker/, `track(${String(bad)})`);
    }
  }],

  ["examples/browser runs in a frame (Mutex counter and a channel between Web Workers)", async () => {
    const frame = document.createElement("iframe");
    frame.src = "/examples/browser/index.html";
    document.body.append(frame);
    try {
      const result = await new Promise((resolve, reject) => {
        const started = performance.now();
        const poll = () => {
          const text = frame.contentDocument?.querySelector("#result")?.textContent ?? "";
          if (/^(OK|FAILED)/.test(text)) resolve(text);
          else if (performance.now() - started > 15_000) reject(new Error(`the example did not finish; it shows ${JSON.stringify(text)}`));
          else setTimeout(poll, 20);
        };
        poll();
      });
      check(result.startsWith("OK"), `the example reports OK: ${result}`);
      check(frame.contentWindow.crossOriginIsolated === true, "the example frame is cross-origin isolated");
    } finally {
      frame.remove();
    }
  }],
];
