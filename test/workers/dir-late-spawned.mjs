/**
 * Spawned by test/share/directory.test.ts: a module with start-up work (so a post made right
 * after spawn() comes before it listens), then receives one message and answers on `ack`.
 */
await new Promise((r) => setTimeout(r, 300));

export default function (rx, ack) {
  try {
    ack.send(`ok: ${rx.recv({ timeout: 10_000 }).constructor.name}`);
  } catch (e) {
    ack.send(`FAIL: ${e.name}: ${e.message}`);
  }
}
