/**
 * Complaint 9, channels (the locks are test/sync/dead-owner.prop.test.ts): a worker started with
 * spawn() that owns the only Sender (or the only Receiver) of a channel and dies without closing it
 * — terminate(), process.exit(), a throw out of its function, an uncaught error, an unhandled
 * rejection — must not leave the other side waiting forever. Waiters already parked when it dies
 * (this thread's recvAsync / sendAsync and a worker blocked in recv / send) wake with
 * RecvError / SendError (disconnected), and later calls fail at once.
 */
import { describe, expect, it } from "vitest";
import { RecvError, SendError, channel, spawn } from "../../dist/index.js";
import { here, release, shared, sleep, until } from "./util.js";

const HOWS = ["terminate", "exit", "throw", "uncaught", "rejection"] as const;
type How = (typeof HOWS)[number];
const WAKE_BOUND_MS = 5_000;

const settle = <T>(p: Promise<T>) => p.then((v) => ({ v, e: undefined as any }), (e) => ({ v: undefined as any, e }));

async function kill(h: ReturnType<typeof spawn>, ctl: Int32Array, how: How): Promise<number> {
  const died = performance.now();
  if (how === "terminate") await h.terminate();
  else release(ctl);
  await settle(h.join());
  return died;
}

describe("complaint 9: a worker that dies owning a channel's only sender or receiver", () => {
  for (const capacity of [0, 2, Infinity]) {
    it.each(HOWS)(`capacity ${capacity}: the only sender dies (%s); receivers waiting here and in a worker wake disconnected`, async (how) => {
      const [tx, rx] = channel<number>({ capacity });
      const ctl = shared(2);
      const owner = spawn(here("end-owner.mjs"), tx, ctl, how);
      tx.close(); // the worker's is now the only sender
      await until(ctl, 0, "the owner ready");
      const bctl = shared(1);
      const blocked = spawn(here("blocker.mjs"), rx, "recv", bctl);
      await until(bctl, 0, "the blocked receiver");
      const here_ = settle(rx.recvAsync());
      await sleep(30);
      const died = await kill(owner, ctl, how);
      const r = await Promise.race([here_, sleep(WAKE_BOUND_MS).then(() => ({ v: "still waiting", e: undefined }))]);
      expect(r.e, `recvAsync after ${how}: ${JSON.stringify(r)}`).toBeInstanceOf(RecvError);
      expect(performance.now() - died).toBeLessThan(WAKE_BOUND_MS);
      expect(await Promise.race([blocked.join(), sleep(WAKE_BOUND_MS).then(() => "still blocked")])).toBe("RecvError");
      expect(() => rx.tryRecv()).toThrow(expect.objectContaining({ kind: "disconnected" }));
    });
  }

  for (const capacity of [0, 2]) {
    it.each(HOWS)(`capacity ${capacity}: the only receiver dies (%s); senders waiting for room here and in a worker wake disconnected`, async (how) => {
      const [tx, rx] = channel<number>({ capacity });
      const ctl = shared(2);
      const owner = spawn(here("end-owner.mjs"), rx, ctl, how);
      rx.close();
      await until(ctl, 0, "the owner ready");
      for (let k = 0; k < capacity; k++) tx.send(k); // full
      const bctl = shared(1);
      const blocked = spawn(here("blocker.mjs"), tx, "send", bctl, 99);
      await until(bctl, 0, "the blocked sender");
      const here_ = settle(tx.sendAsync(100));
      await sleep(30);
      const died = await kill(owner, ctl, how);
      const r = await Promise.race([here_, sleep(WAKE_BOUND_MS).then(() => ({ v: "still waiting", e: undefined }))]);
      expect(r.e, `sendAsync after ${how}: ${JSON.stringify(r)}`).toBeInstanceOf(SendError);
      expect((r.e as SendError<number>).value).toBe(100);
      expect(performance.now() - died).toBeLessThan(WAKE_BOUND_MS);
      expect(await Promise.race([blocked.join(), sleep(WAKE_BOUND_MS).then(() => "still blocked")])).toBe("SendError");
      expect(() => tx.send(1)).toThrow(SendError);
    });
  }

  it.each(HOWS)("unbounded: the only receiver dies (%s); sends fail with SendError afterwards", async (how) => {
    const [tx, rx] = channel<number>();
    const ctl = shared(2);
    const owner = spawn(here("end-owner.mjs"), rx, ctl, how);
    rx.close();
    await until(ctl, 0, "the owner ready");
    tx.send(1);
    await kill(owner, ctl, how);
    expect(() => tx.send(2)).toThrow(SendError);
  });
});
