/**
 * Started with `new Worker` (not spawn) by test/share/directory.test.ts, right after the parent
 * gave a buffer a directory id: does some start-up work, then receives a message naming that
 * buffer. Answers "ok: <constructor name>" or "FAIL: <error>" on `ack`.
 */
import { workerData } from "node:worker_threads";
import { revive } from "../../dist/index.js";

const { rx, ack } = revive(workerData);
await new Promise((r) => setTimeout(r, 300)); // start-up work: the message was published meanwhile
try {
  ack.send(`ok: ${rx.recv({ timeout: 10_000 }).constructor.name}`);
} catch (e) {
  ack.send(`FAIL: ${e.name}: ${e.message}`);
}
