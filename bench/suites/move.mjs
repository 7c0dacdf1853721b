/**
 * Moves: what `send(tx, value)` (move: walk the value, send, detach its ArrayBuffers) costs over
 * `tx.send(value)` (copy), next to postMessage with and without a transfer list, measured in the
 * same run. A weft message is copied into shared memory either way, so a move buys ownership
 * (the sender's buffer is detached), not speed; these cases show its price.
 * Worker side: bench/workers/move.mjs. Harness and suite format: bench/lib/harness.mjs.
 *
 * Every message is a fresh buffer (a producer that makes frames): its first and last words carry
 * the message number; the consumer checks the count, order and both words after every round.
 */
import { channel, share } from "../../dist/index.js";

const sab = (bytes) => new SharedArrayBuffer(bytes);
/** Result words: count, sum of ids, bad (wrong id, torn frame or out of order). */
const results = () => sab(8 * 3);
const resetResult = (s) => new Float64Array(s.result).fill(0);
const oneToOne = (iters) => iters;

const check = (shared, iters) => {
  const [count, sum, bad] = new Float64Array(shared.result);
  if (count !== iters) return `received ${count} messages, expected ${iters}`;
  if (sum !== (iters * (iters - 1)) / 2) return `id checksum ${sum}, expected ${(iters * (iters - 1)) / 2}`;
  if (bad !== 0) return `${bad} messages torn, wrong or out of order`;
  return null;
};

const weftShared = (opts) => () => {
  const [tx, rx] = channel(opts);
  return { tx: share(tx), rx: share(rx), result: results() };
};

const onePort = () => {
  const { port1, port2 } = new MessageChannel();
  return [
    { value: { port: port1 }, transfer: [port1] },
    { value: { port: port2 }, transfer: [port2] },
  ];
};

/** A case moving `iters` messages of `bytes` bytes (as `shape`) 1 → 1 four ways. */
function frames(name, desc, bytes, iters, shape) {
  const impl = (impl, weft) => ({
    impl,
    kind: `frames/${impl}`,
    iters,
    ops: oneToOne,
    shared: weft ? () => ({ ...weftShared({ capacity: 64 })(), bytes, shape }) : () => ({ result: results(), bytes, shape }),
    perWorker: weft ? undefined : onePort,
    reset: resetResult,
    check,
  });
  return {
    name,
    desc,
    threads: 2,
    runs: 5,
    targets: [],
    impls: [impl("weft", true), impl("weft-copy", true), impl("postMessage-transfer", false), impl("postMessage", false)],
  };
}

export default {
  suite: "move",
  worker: new URL("../workers/move.mjs", import.meta.url),
  cases: [
    frames(
      "move-64k",
      "2k fresh 64 KiB ArrayBuffers, 1 → 1 (weft: send(tx, buf) moves, weft-copy: tx.send(buf); capacity 64; postMessage with and without [buf] as transfer list)",
      64 * 1024,
      2_000,
      "buffer",
    ),
    frames(
      "move-small",
      "100k fresh { id, data: Uint8Array(64) } messages, 1 → 1 (same four ways: the walk and detach per message, when the copy is cheap)",
      64,
      100_000,
      "object",
    ),
  ],
};
