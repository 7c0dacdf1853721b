/** Publishes `updates` new config versions, one every `everyMs` ms, then tells the readers to stop. */
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

export default function writer(config, stop, updates, everyMs) {
  let longestWaitMs = 0;
  for (let i = 1; i <= updates; i++) {
    sleep(everyMs);
    const t = performance.now();
    // The RwLock prefers writers: once we wait, new readers queue behind us, so a steady stream
    // of readers cannot keep us out.
    const g = config.write();
    longestWaitMs = Math.max(longestWaitMs, performance.now() - t);
    const c = g.value;
    c[1] = i; // base
    sleep(0.2); // a slow update: without the lock, readers would see base and scaled disagree
    c[2] = i * 10; // scaled
    c[0] = i; // version
    g.unlock();
  }
  stop.store(true);
  return { updates, longestWaitMs };
}
