/**
 * Worker stack sizes (`stackSizeMb` of `spawnWith` and `ThreadPool`), checked before Node sees
 * them: Node aborts the whole process — nothing can catch it — for a stack too small to hold a
 * worker's start-up, and for one whose byte count overflows.
 */
import { describeValue } from "../memory/layout.js";

/** Smallest worker stack (MiB): measured, 0.25 fails a worker's start-up and 0.2 aborts Node. */
export const MIN_STACK_MB = 0.5;

/** Largest accepted (MiB): from 2^44 MiB (2^64 bytes) the byte count overflows and Node aborts. */
export const MAX_STACK_MB = 2 ** 43;

/**
 * The stack to ask Node for, given what the caller asked: as Rust's `Builder::stack_size`, a
 * request below the platform's minimum gets the minimum (a thread with `stack_size(1)` runs).
 * @throws RangeError for anything but a number of MiB in (0, 2^43].
 */
export function stackSizeOf(where: string, stackSizeMb: unknown): number | undefined {
  if (stackSizeMb === undefined) return undefined;
  if (typeof stackSizeMb !== "number" || !(stackSizeMb > 0) || !(stackSizeMb <= MAX_STACK_MB)) {
    throw new RangeError(`${where}: stackSizeMb must be a number of MiB above 0 and at most 2^43, got ${describeValue(stackSizeMb)}`);
  }
  return Math.max(stackSizeMb, MIN_STACK_MB);
}

/** Whether `e`, thrown by `new Worker(…)`, says the system would not give a thread its stack. */
export const isNoStack = (e: unknown): boolean =>
  e instanceof Error && (/EAGAIN|ENOMEM/.test(e.message) || (e as { code?: unknown }).code === "ERR_WORKER_INIT_FAILED");
