/**
 * sameChannel of timers (a review, sixteenth round): a timer made by an older copy of weft has no
 * CHAN_ID (0), and sameChannel answered false for id 0 — a timer was not the same channel as its
 * own clone. Timers now get their id on first need (Chan.identity, by CAS in the channel's header),
 * so every timer starts as such a one: clones and copies revived in other threads must agree,
 * whichever thread asks first, and unrelated timers must not.
 */
import { describe, expect, it } from "vitest";
import { after, tick } from "../../dist/index.js";
import { scope, thread } from "../acceptance/acc2-lib.js";

describe("review16: timers are the same channel as their clones and copies", () => {
  it("a timer and its clone; a timer and an unrelated one", () => {
    const a = after(60_000);
    expect(a.sameChannel(a)).toBe(true);
    expect(a.sameChannel(a.clone())).toBe(true);
    expect(a.sameChannel(after(60_000))).toBe(false);
    const t = tick(60_000);
    expect(t.clone().sameChannel(t)).toBe(true);
    expect(t.sameChannel(a)).toBe(false);
  });

  it("copies revived in two workers, which ask first, agree with this thread's handle", async () => {
    const a = after(60_000), b = after(60_000);
    const [w1, w2] = await scope([
      thread((_w, e) => [e.a.sameChannel(e.a2), e.a.sameChannel(e.b)], { a: a.clone(), a2: a.clone(), b: b.clone() }),
      thread((_w, e) => [e.b.sameChannel(e.a), e.b.sameChannel(e.b2)], { a: a.clone(), b: b.clone(), b2: b.clone() }),
    ]);
    expect(w1).toEqual([true, false]);
    expect(w2).toEqual([false, true]);
    expect(a.sameChannel(a.clone())).toBe(true);
    expect(a.sameChannel(b)).toBe(false);
  });
});
