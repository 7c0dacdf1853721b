/**
 * Timer channels: crossbeam-channel's `after`, `tick` and `never` (its tests/after.rs, tick.rs,
 * never.rs and the timer arms of select.rs, in our own words). Lower bounds only on timing (a
 * message is never early); upper bounds are generous timeouts, never a measure of speed.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RecvError, TimeoutError, TryRecvError, after, channel, never, select, selectAsync, spawn, tick, trySelect } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import { runs } from "./util.js";

/** Clock slack between `performance.now()` and the epoch-based due times (ms). */
const SLACK = 2;
const now = () => performance.now();
const tryRecvKind = (f: () => unknown): string => {
  try {
    f();
    return "message";
  } catch (e) {
    return e instanceof TryRecvError ? e.kind : String(e);
  }
};

describe("after(ms)", () => {
  it("delivers one message, not before it is due, whose value is the due time; then stays empty and never disconnects", () => {
    const t0 = now();
    const rx = after(40);
    expect(rx.capacity).toBe(1);
    expect(rx.len).toBe(0);
    expect(tryRecvKind(() => rx.tryRecv())).toBe("empty");
    const v = rx.recv({ timeout: 5_000 });
    expect(now() - t0).toBeGreaterThanOrEqual(40 - SLACK);
    expect(Math.abs(v - (performance.timeOrigin + t0 + 40))).toBeLessThan(25);
    expect(rx.len).toBe(0);
    expect(tryRecvKind(() => rx.tryRecv())).toBe("empty");
    expect(() => rx.recv({ timeout: 20 })).toThrow(TimeoutError);
    expect(rx.isClosed).toBe(false);
    rx.close();
  });

  it("after(0) is ready at once; len reads 1 until it is taken", () => {
    const rx = after(0);
    expect(rx.len).toBe(1);
    expect(typeof rx.tryRecv()).toBe("number");
    expect(rx.len).toBe(0);
  });

  it("recvAsync waits without blocking, and an abort leaves it usable", async () => {
    const rx = after(30);
    const ac = new AbortController();
    const p = rx.recvAsync({ signal: ac.signal });
    ac.abort(new Error("stop"));
    await expect(p).rejects.toThrow("stop");
    const t0 = now();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const v = await rx.recvAsync({ timeout: 5_000 });
    clearInterval(timer);
    expect(typeof v).toBe("number");
    expect(ticks).toBeGreaterThan(0); // the event loop kept turning
    expect(now() - t0).toBeGreaterThanOrEqual(0);
  });

  it("clones in other threads compete for its one message: exactly one gets it", async () => {
    const rx = after(60);
    const hs = [spawn(workerUrl("timer-recv.mjs"), rx, 1_500), spawn(workerUrl("timer-recv.mjs"), rx, 1_500)];
    let mine: unknown = "timeout";
    try {
      mine = rx.recv({ timeout: 1_500 });
    } catch (e) {
      if (!(e instanceof TimeoutError)) throw e;
    }
    const got = [mine, ...(await Promise.all(hs.map((h) => h.join())))];
    expect(got.filter((g) => typeof g === "number")).toHaveLength(1);
    expect(got.filter((g) => g === "timeout")).toHaveLength(2);
  });

  it("bad delays are RangeErrors that name the problem", () => {
    for (const bad of [-1, NaN, -Infinity, "5", undefined]) expect(() => after(bad as any), String(bad)).toThrow(/after: ms must be a number of milliseconds ≥ 0 \(or Infinity\)/);
  });

  // As `{ timeout: Infinity }` means no timeout, and crossbeam's after() of a deadline past its
  // clock is never(): after(Infinity) was a RangeError until the fourteenth session.
  it("after(Infinity) and tick(Infinity) never fire, as never() (not an error)", () => {
    for (const rx of [after(Infinity), tick(Infinity)]) {
      expect(tryRecvKind(() => rx.tryRecv())).toBe("empty");
      expect(() => rx.recv({ timeout: 30 })).toThrow(TimeoutError);
      expect(rx.len).toBe(0);
      expect(select([rx, after(10)], { timeout: 5_000 }).index).toBe(1);
    }
  });
});

describe("tick(ms)", () => {
  it("delivers a message every period, increasing, never early", () => {
    const t0 = now();
    const rx = tick(15);
    const vs = [rx.recv({ timeout: 5_000 }), rx.recv({ timeout: 5_000 }), rx.recv({ timeout: 5_000 })];
    expect(now() - t0).toBeGreaterThanOrEqual(45 - SLACK);
    expect(vs[1]! - vs[0]!).toBeGreaterThanOrEqual(15 - SLACK);
    expect(vs[2]! - vs[1]!).toBeGreaterThanOrEqual(15 - SLACK);
  });

  it("ticks missed while nobody received are dropped: no backlog", async () => {
    const rx = tick(10);
    await new Promise((r) => setTimeout(r, 80)); // ~8 periods pass
    rx.recv({ timeout: 5_000 }); // the one due tick
    expect(tryRecvKind(() => rx.tryRecv())).toBe("empty");
    const t0 = now();
    rx.recv({ timeout: 5_000 });
    expect(now() - t0).toBeGreaterThanOrEqual(10 - SLACK - 2);
  });

  it("bad periods are RangeErrors", () => {
    for (const bad of [-5, NaN, -Infinity, "5" as any]) expect(() => tick(bad), String(bad)).toThrow(/tick: ms must be a number of milliseconds ≥ 0 \(or Infinity\)/);
  });

  // crossbeam's tick.rs (`capacity`, `stress_default`) and select.rs (`fairness1`) use tick(0);
  // weft refused it with a RangeError until a helper's port found it.
  it("tick(0) is always ready: every receive gets the current time at once", () => {
    const epochNow = () => performance.timeOrigin + performance.now(); // the clock of the messages
    // Before the timer is made: its first message is the time it was made (under a soak's load,
    // more than SLACK ms could pass between making it and a clock read taken after).
    const t0 = epochNow();
    const rx = tick(0);
    expect(rx.capacity).toBe(1);
    expect(rx.len).toBe(1);
    const vs = [rx.tryRecv(), rx.tryRecv(), rx.recv({ timeout: 1_000 }), rx.tryRecv()];
    for (let i = 1; i < vs.length; i++) expect(vs[i]!).toBeGreaterThanOrEqual(vs[i - 1]!);
    expect(vs[0]!).toBeGreaterThanOrEqual(t0 - SLACK);
    expect(vs[3]!).toBeLessThanOrEqual(epochNow() + SLACK);
    expect(select([rx, never()], { timeout: 1_000 }).index).toBe(0);
  });
});

describe("never()", () => {
  it("is never ready and never disconnects", async () => {
    const rx = never();
    expect(rx.capacity).toBe(0);
    expect(tryRecvKind(() => rx.tryRecv())).toBe("empty");
    expect(trySelect(rx)).toBeNull();
    expect(() => select([rx], { timeout: 20 })).toThrow(TimeoutError);
    expect(() => rx.recv({ timeout: 20 })).toThrow(TimeoutError);
    await expect(rx.recvAsync({ timeout: 20 })).rejects.toThrow(TimeoutError);
    expect(rx.isClosed).toBe(false);
  });
});

describe("timers as select arms", () => {
  it("a timer arm wins when nothing else comes, in select and selectAsync; a ready channel wins over a timer not yet due", async () => {
    const [tx, rx] = channel<number>();
    let t0 = now();
    const r = select(rx, after(30));
    expect(r.index).toBe(1);
    expect(now() - t0).toBeGreaterThanOrEqual(30 - SLACK);
    t0 = now();
    const ra = await selectAsync(rx, never(), after(30));
    expect(ra.index).toBe(2);
    expect(now() - t0).toBeGreaterThanOrEqual(30 - SLACK);
    tx.send(7);
    const rb = select(after(1_000), rx);
    expect(rb).toMatchObject({ index: 1, kind: "recv", value: 7 });
    tx.close();
    // A disconnected channel is ready too (with RecvError), before any timer.
    expect(select(rx, after(1_000)).error).toBeInstanceOf(RecvError);
  });

  it("a waiting receive or select wakes when the timer is due, not at its next 100 ms liveness re-check", async () => {
    // Without a wake-up at the due time, each of these would return only after a 100 ms park slice.
    // Best of three attempts, so a loaded machine's scheduling delay cannot fail it.
    const best = async (f: () => unknown): Promise<number> => {
      let min = Infinity;
      for (let i = 0; i < 3 && min >= 80; i++) {
        const t0 = now();
        await f();
        min = Math.min(min, now() - t0);
      }
      return min;
    };
    const [, rx] = channel<number>();
    expect(await best(() => after(20).recv())).toBeLessThan(80);
    expect(await best(() => after(20).recvAsync())).toBeLessThan(80);
    expect(await best(() => select(rx, after(20)))).toBeLessThan(80);
    expect(await best(() => selectAsync(rx, after(20)))).toBeLessThan(80);
    expect(await best(() => tick(20).recv())).toBeLessThan(80);
  });

  it("property: with several after() arms, select returns one that was due, never before the earliest", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 25 }), { minLength: 1, maxLength: 4 }), (delays) => {
        const t0 = now();
        const arms = delays.map((d) => after(d));
        const r = select(arms, { timeout: 5_000 });
        const elapsed = now() - t0;
        expect(elapsed).toBeGreaterThanOrEqual(Math.min(...delays) - SLACK);
        expect(delays[r.index]!).toBeLessThanOrEqual(elapsed + SLACK);
        expect(r.kind === "recv" && typeof r.value === "number").toBe(true);
      }),
      { numRuns: runs(15) },
    );
  });
});
