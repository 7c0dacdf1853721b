/**
 * Waits until `go[0]` is set and then `delayMs` more, then receives one message from `end` (mode
 * "recv": returns it) or sends `value` on it (mode "send": returns "sent"); an error is returned
 * as its name.
 */
export default function onGo(end, mode, go, value, delayMs = 0) {
  while (Atomics.load(go, 0) === 0) Atomics.wait(go, 0, 0, 1_000);
  if (delayMs > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delayMs);
  try {
    if (mode === "recv") return end.recv({ timeout: 20_000 });
    end.send(value, { timeout: 20_000 });
    return "sent";
  } catch (e) {
    return e.name;
  }
}
