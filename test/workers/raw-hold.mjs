/**
 * A worker started with `new Worker` (not spawn): revives { m, held } from workerData, takes the
 * lock, says so, and waits until it is terminated.
 */
import { workerData } from "node:worker_threads";
import { revive } from "weft";

const { m, held } = revive(workerData);
m.lock();
held.store(1);
held.notify();
held.wait(1, { timeout: 60_000 }); // nobody stores anything else: blocks until terminate()
