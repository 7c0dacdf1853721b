/**
 * Type tests for the timer channels (after / tick / never). Checked by `npm run typecheck` (never run).
 */
import { after, never, select, tick, type Receiver } from "../../dist/index.js";

type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(): T => true as T;

export function typeTests(): void {
  const a = after(10);
  const t = tick(5);
  const n = never();
  assertType<Equal<typeof a, Receiver<number>>>();
  assertType<Equal<typeof t, Receiver<number>>>();
  assertType<Equal<typeof n, Receiver<never>>>();
  // Timer receivers are select arms like any other.
  select(a, t, n, { timeout: 1 });
  // @ts-expect-error a delay is a number of milliseconds
  after("10");
  // @ts-expect-error tick needs its period
  tick();
  // @ts-expect-error a timer has no sender: it cannot be the target of a send
  a.send(1);
}
