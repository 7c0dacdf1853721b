/**
 * Worker side of Go's non-blocking select races (src/runtime/chan_test.go: TestNonblockRecvRace,
 * TestNonblockSelectRace, TestNonblockSelectRace2). Round i: wait for flags[0] = i + 1, try a
 * non-blocking select over this round's receivers, record whether it found one ready, then set
 * flags[1] = i + 1. Returns the rounds in which nothing was ready (must be none).
 */
import { trySelect } from "../../dist/index.js";

export default function (ends, rounds) {
  const { flags, a, b } = ends;
  const notReady = [];
  // Spin first: a worker that reacts within nanoseconds to "go" is what makes the race likely.
  const wait = (i, v) => {
    for (let k = 0; k < 200_000 && Atomics.load(flags, i) < v; k++);
    while (Atomics.load(flags, i) < v) Atomics.wait(flags, i, Atomics.load(flags, i), 100);
  };
  try {
    for (let i = 0; i < rounds; i++) {
      wait(0, i + 1);
      const arms = b === undefined ? [a[i]] : [a[i], b[i]];
      if (trySelect(arms) === null) notReady.push(i);
      Atomics.store(flags, 1, i + 1);
      Atomics.notify(flags, 1);
    }
  } finally {
    for (const r of [...a, ...(b ?? [])]) r.close();
  }
  return notReady;
}
