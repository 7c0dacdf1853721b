import { work, nap, setFlag } from "./_util.mjs";
/**
 * Writer preference: readers re-acquire read locks back to back (their sections overlap, so the
 * lock is practically never free), and a writer must still get in.
 *
 * `ctl` words: [0] readers running · [1] writer waiting (set just before write()) · [2] writer in ·
 *   [3] readers that gave up on their own (the writer never came) · [4] reads done after [1] was set ·
 *   [5] total reads
 */
const RUNNING = 0, WAITING = 1, IN = 2, GAVE_UP = 3, READS_AFTER = 4, READS = 5;

export default async function stream(role, lock, ctl, mode, hold, giveUpAfterReads, giveUpAfterMs, readers) {
  if (role === "writer") {
    // Let every reader get going first, so the writer arrives into a steady stream.
    const end = performance.now() + 20_000;
    while (Atomics.load(ctl, RUNNING) < readers || Atomics.load(ctl, READS) < 100 * readers) {
      if (performance.now() > end) throw new Error("the readers never got going");
      nap(1);
    }
    setFlag(ctl, WAITING);
    const g = mode === "async" ? await lock.writeAsync() : mode === "timeout" ? lock.write({ timeout: 60_000 }) : lock.write();
    setFlag(ctl, IN);
    g.unlock();
    return "in";
  }
  Atomics.add(ctl, RUNNING, 1);
  Atomics.notify(ctl, RUNNING);
  let after = 0, since = 0;
  for (;;) {
    const g = mode === "async" ? await lock.readAsync() : mode === "timeout" ? lock.read({ timeout: 60_000 }) : lock.read();
    Atomics.add(ctl, READS, 1);
    if (Atomics.load(ctl, WAITING) !== 0) {
      if (after++ === 0) since = performance.now();
      Atomics.add(ctl, READS_AFTER, 1);
    }
    work(hold);
    g.unlock();
    if (Atomics.load(ctl, IN) !== 0) return "writer got in";
    if (after > giveUpAfterReads || (after > 0 && performance.now() - since > giveUpAfterMs)) {
      Atomics.add(ctl, GAVE_UP, 1);
      return "gave up";
    }
  }
}
