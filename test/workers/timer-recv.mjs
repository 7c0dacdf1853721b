/**
 * Spawned by test/channel/timer.test.ts: waits up to `ms` for a message on a timer receiver
 * (shared to it) and returns what it got, or "timeout".
 */
export default function (rx, ms) {
  try {
    return rx.recv({ timeout: ms });
  } catch (e) {
    if (e.name === "TimeoutError") return "timeout";
    throw e;
  }
}
