/**
 * No lost wake-ups (DESIGN §6 "Blocking"): ping-pong round trips where every step must park and
 * be woken by the peer. Parks are sliced (a waiter re-checks every 100 ms), so a lost wake-up
 * shows as a 100 ms stall rather than a hang: 300 round trips take well under a second when every
 * wake-up lands and at least 30 s when they are lost, and the generous 15 s bound tells the two
 * apart without being a timing assertion in any finer sense.
 */
import { describe, expect, it } from "vitest";
import { channel, codecs, selectAsync, sendArm, spawn } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import { joinAll, within } from "./util.js";

const ROUNDS = 300;
const BOUND = 15_000;
const flavors = [["rendezvous", 0], ["bounded(1)", 1], ["unbounded", Infinity]] as const;

describe("ping-pong wake-ups", () => {
  for (const [name, capacity] of flavors) {
    it(`${name}: worker ↔ worker, blocking send/recv and select`, async () => {
      for (const select of [false, true]) {
        const [tx, rx] = channel<number>({ capacity, codec: codecs.i32 });
        const [btx, brx] = channel<number>({ capacity, codec: codecs.i32 });
        const echo = spawn(workerUrl("ch-echo.mjs"), rx, btx);
        const ping = spawn(workerUrl("ch-xb.mjs"), { tx, rx: brx }, { mode: "ping", count: ROUNDS, select });
        for (const e of [tx, rx, btx, brx]) e.close();
        const [n, echoed] = await joinAll<number>([ping, echo], `${name} ping-pong (select ${select})`, BOUND);
        expect([n, echoed]).toEqual([ROUNDS, ROUNDS]);
      }
    });

    it(`${name}: main thread (async) ↔ worker`, async () => {
      const [tx, rx] = channel<number>({ capacity, codec: codecs.i32 });
      const [btx, brx] = channel<number>({ capacity, codec: codecs.i32 });
      const echo = spawn(workerUrl("ch-echo.mjs"), rx, btx);
      rx.close();
      btx.close();
      await within(
        (async () => {
          for (let i = 0; i < ROUNDS; i++) {
            if (i % 2) await tx.sendAsync(i);
            else expect((await selectAsync([sendArm(tx, i)])).kind).toBe("send");
            const back = i % 3 ? await brx.recvAsync() : ((await selectAsync([brx])) as { value?: unknown }).value;
            expect(back).toBe(i);
          }
        })(),
        `${name} async ping-pong`,
        BOUND,
      );
      tx.close();
      expect(await joinAll<number>([echo], "echo")).toEqual([ROUNDS]);
    });
  }
});
