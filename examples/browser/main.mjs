// The page's side. The absolute /dist/ path is where serve.mjs puts the built package; with a
// bundler, write `import { … } from "weft"` instead.
import { Mutex, channel, codecs, share, track } from "/dist/index.js";

const out = document.querySelector("#result");
const N = 1000; // numbers each worker sends

async function main() {
  if (!crossOriginIsolated) {
    throw new Error("this page is not cross-origin isolated (no SharedArrayBuffer): serve it with node examples/browser/serve.mjs");
  }
  const counter = new Mutex(new Int32Array(new SharedArrayBuffer(4)));
  const [tx, rx] = channel({ capacity: 16, codec: codecs.f64 });

  // Plain Web Workers (spawn is Node-only): share() turns the primitives into a message, and the
  // worker's revive() rebuilds them over the same memory.
  const workers = [0, 1].map((id) => {
    const w = new Worker(new URL("./worker.mjs", import.meta.url), { type: "module" });
    track(w); // first, before any message: if w.terminate() strikes while it holds the lock, the lock is poisoned
    w.postMessage(share({ id, counter, tx, n: N }));
    return w;
  });
  tx.close(); // each worker holds its own sender now: the channel ends when both close theirs

  // The page's thread may not block: `for await` (recvAsync) waits without freezing it. A
  // blocking rx.recv() here would throw BlockingNotAllowedError naming recvAsync.
  let count = 0, sum = 0;
  for await (const x of rx) {
    count++;
    sum += x;
  }
  const total = await counter.withLockAsync((c) => c[0]);
  for (const w of workers) w.terminate();

  const expectedSum = 2 * ((N * (N - 1)) / 2);
  if (total !== 2 * N || count !== 2 * N || sum !== expectedSum) {
    throw new Error(`counter ${total}, received ${count} numbers summing to ${sum}; expected ${2 * N}, ${2 * N}, ${expectedSum}`);
  }
  return `OK: counter ${total}, received ${count} numbers, sum ${sum}`;
}

main().then(
  (line) => {
    out.textContent = line;
    console.log(line);
  },
  (e) => {
    out.textContent = `FAILED: ${e.name}: ${e.message}`;
    console.error(e);
  },
);
