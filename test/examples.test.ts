/**
 * Every example in examples/ runs as its own process (as a user would run it, importing the built
 * package by name) and must exit 0 and print its key line. The examples check their own results
 * and exit non-zero on a wrong one. (examples/browser is a web page: test/browser runs it in Chromium
 * and checks its server's headers.)
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

function run(example: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // "run-ts.mjs send-sync": a runner and its argument (the TypeScript examples).
    const [script, ...args] = example.split(" ");
    execFile(process.execPath, [`examples/${script}`, ...args], { cwd: root, timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === "number" ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

const cases: [example: string, keyLines: RegExp[]][] = [
  ["demo.mjs", [/^producer 1 sent 5000 items$/m, /^consumer 1 took \d+ items, sum \d+$/m, /^counter 40000 /m, /^OK$/m]],
  ["condvar-queue.mjs", [/^taken 20000 of 20000 items/m, /^OK$/m]],
  ["mutex-counter.mjs", [/counter = 400000$/m, /^OK$/m]],
  ["rwlock-config.mjs", [/^writer: 50 updates/m, /^final version 50, no torn reads$/m, /^OK$/m]],
  ["semaphore-limit.mjs", [/^30 jobs .* at most [12] ran at once$/m, /^OK$/m]],
  ["barrier-phases.mjs", [/one leader in every phase: true$/m, /^OK$/m]],
  ["once-init.mjs", [/^the table was built 1 time\(s\)/m, /^OK$/m]],
  ["async-main-thread.mjs", [/gave up: Mutex.lockAsync timed out after 100 ms$/m, /result 42 arrived/m, /^OK$/m]],
  ["dead-worker-poison.mjs", [/: PoisonError: Mutex is poisoned/m, /^isPoisoned false, A\+B = 100$/m, /^OK$/m]],
  ["dead-worker-channel.mjs", [/^capacity 64: the dead producer's values 0…\d+ \(each once, in order, none missing\), then \d+ from the survivor/m, /^capacity 0: /m, /^OK$/m]],
  ["pipeline/main.mjs", [/^transform 1 handled \d+ records/m, /^OK: every item arrived exactly once/m]],
  ["channel-worker-to-worker.mjs", [/^consumer received 100000 numbers/m, /^OK$/m]],
  ["channel-typed-batches.mjs", [/^received 1000000 numbers in \d+ batches, in order: true$/m, /^OK$/m]],
  ["channel-select.mjs", [/^received 50 fast and 5 slow messages$/m, /^OK$/m]],
  ["channel-async-main.mjs", [/^received 200 records in order: true/m, /^OK$/m]],
  [
    "run-ts.mjs send-sync",
    [/^alias refused: MovedError: an ArrayBuffer at value\.pixels was moved/m, /^worker got 20 frames, checksum (\d+) \(expected \1\)$/m, /^OK$/m],
  ],
  ["run-ts.mjs typed-tasks", [/^sum of squares: \d+\.\d\d \(one thread: \d+\.\d\d\)$/m, /^join: fib\(27\) = 196418, label = "WEFT X3", sumOf = 10$/m, /^OK$/m]],
  ["parallel-sum-squares.mjs", [/^summed 1000000 of 1000000 elements$/m, /^sum of squares of 1000000 elements: 333332833333\.\d+ \(single-thread: 333332833333\.\d+\)$/m, /^OK$/m]],
  ["parallel-sort.mjs", [/^same order as Float64Array\.prototype\.sort: true; first -\d+\.\d, last NaN$/m, /^descending: first Infinity, then \d+\.\d, NaN still last: true$/m, /^OK$/m]],
  ["pool-custom.mjs", [/^deepSum\(200000\) = 20000100000 /m, /^the same on a default pool: RangeError: Maximum call stack size exceeded$/m, /^OK$/m]],
  ["spawn-blocking.mjs", [/^primes below 600000: 49098$/m, /^the heartbeat ticked \d+ times during the \d+ ms of work$/m, /^OK$/m]],
];

describe("examples", () => {
  for (const [example, keyLines] of cases) {
    it(`${example} exits 0 and prints its result`, async () => {
      const { code, stdout, stderr } = await run(example);
      expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
      for (const line of keyLines) expect(stdout).toMatch(line);
    });
  }
});
