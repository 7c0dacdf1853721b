/**
 * Watchdog thread for the channel tests (see util.ts): if the main thread's event loop has not
 * bumped the heartbeat for `blockedMs`, name the running test on stderr and kill the test process,
 * so a test blocked in a synchronous channel call fails instead of stalling the suite.
 */
const { workerData } = require("node:worker_threads");
const fs = require("node:fs");

const { sab, blockedMs } = workerData;
const hb = new Int32Array(sab, 0, 2);
const name = new Uint8Array(sab, 8);
let last = Atomics.load(hb, 0);
let since = Date.now();
for (;;) {
  Atomics.wait(hb, 1, 0, 500);
  const v = Atomics.load(hb, 0);
  if (v !== last) {
    last = v;
    since = Date.now();
    continue;
  }
  if (Date.now() - since > blockedMs) {
    const test = Buffer.from(name).toString("utf8").replace(/\0+$/, "");
    fs.writeSync(2, `\nwatchdog: the main thread has been blocked for ${blockedMs} ms in test: ${test} (killing this test process)\n`);
    process.kill(process.pid, "SIGKILL");
  }
}
