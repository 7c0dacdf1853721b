/**
 * The browser suite's little harness: reporting to test/browser/run.mjs, assertions, and Web
 * Workers running worker.mjs's roles. No timing is asserted anywhere: every wait is bounded only
 * so that a hang becomes a named failure instead of a stuck run.
 */
export const post = (path, body) =>
  fetch(path, { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });

const brief = (e) => (e instanceof Error ? `${e.name}: ${e.message}` : `a non-Error: ${String(e)}`);
const describe = (e) => (e instanceof Error && e.stack?.startsWith(brief(e)) ? e.stack : `${brief(e)}\n${e?.stack ?? ""}`);

/** Announces the cases, runs each (bounded by `caseMs`), reports each; returns when all are done. */
export async function runCases(cases, { filter = "", caseMs = 20_000 } = {}) {
  const chosen = cases.filter(([name]) => name.includes(filter));
  await post("/plan", { names: chosen.map(([name]) => name) });
  for (const [name, fn] of chosen) {
    const t0 = performance.now();
    let timer;
    try {
      await Promise.race([
        fn(),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`case did not finish within ${caseMs} ms`)), caseMs))),
      ]);
      await post("/result", { name, ok: true, ms: performance.now() - t0 });
    } catch (e) {
      const error = describe(e) + (e?.cause !== undefined ? `\ncaused by ${describe(e.cause)}` : "");
      await post("/result", { name, ok: false, ms: performance.now() - t0, error });
    } finally {
      clearTimeout(timer);
    }
  }
}

export function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
}

export function eq(actual, expected, what) {
  const a = JSON.stringify(actual), b = JSON.stringify(expected);
  if (a !== b) throw new Error(`${what}: expected ${b}, got ${a}`);
}

function checkError(e, cls, pattern, what) {
  if (!(e instanceof cls)) throw new Error(`${what}: expected ${cls.name}, got ${brief(e)}`, { cause: e });
  if (pattern !== undefined && !pattern.test(e.message)) throw new Error(`${what}: message ${JSON.stringify(e.message)} does not match ${pattern}`);
  return e;
}

/** Runs `fn`, which must throw a `cls` whose message matches `pattern`; returns the error. */
export function throws(fn, cls, pattern, what) {
  let result;
  try {
    result = fn();
  } catch (e) {
    return checkError(e, cls, pattern, what);
  }
  throw new Error(`${what}: expected ${cls.name}, but it returned ${String(result)}`);
}

/** Awaits `promise`, which must reject with a `cls` whose message matches `pattern`. */
export async function rejects(promise, cls, pattern, what) {
  let result;
  try {
    result = await promise;
  } catch (e) {
    return checkError(e, cls, pattern, what);
  }
  throw new Error(`${what}: expected a rejection with ${cls.name}, but it resolved ${String(result)}`);
}

/**
 * A Web Worker running worker.mjs. `run(role, value)` shares `value` (weft primitives cross as
 * the same memory) and resolves with the role's result, or rejects with its error.
 */
export function startWorker(share) {
  const worker = new Worker(new URL("./worker.mjs", import.meta.url), { type: "module" });
  const pending = new Map();
  let next = 0;
  worker.onmessage = (e) => {
    const { id, ok, value, error } = e.data;
    const p = pending.get(id);
    pending.delete(id);
    if (ok) p?.resolve(value);
    else p?.reject(Object.assign(new Error(`worker: ${error.name}: ${error.message}`), { workerError: error }));
  };
  worker.onerror = (e) => {
    const err = new Error(`worker failed: ${e.message ?? "(no message: the module did not load)"}`);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  return {
    worker,
    run(role, value) {
      const id = ++next;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, role, wire: share(value) });
      });
    },
    terminate: () => worker.terminate(),
  };
}

/** Starts `n` workers, runs `fn(workers)`, and terminates them whatever happens. */
export async function withWorkers(share, n, fn) {
  const ws = Array.from({ length: n }, () => startWorker(share));
  try {
    return await fn(ws);
  } finally {
    for (const w of ws) w.terminate();
  }
}

/** Every producer's values arrived exactly once and in the order it sent them. */
export function checkPerProducerFifo(received, producers, perProducer, what) {
  const next = new Array(producers).fill(0);
  for (const v of received) {
    const p = Math.floor(v / 1e6), i = v % 1e6;
    check(p >= 0 && p < producers, `${what}: value ${v} from an unknown producer`);
    if (i !== next[p]) throw new Error(`${what}: producer ${p}'s item ${i} arrived where item ${next[p]} was due (lost, duplicated or out of order)`);
    next[p]++;
  }
  eq(next, new Array(producers).fill(perProducer), `${what}: items received per producer`);
}
