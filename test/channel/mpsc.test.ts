/**
 * Rust's `std::sync::mpsc` tests, ported in our own words (library/std/src/sync/mpsc/tests.rs and
 * sync_tests.rs, as also carried by crossbeam-channel's tests/mpsc.rs). `channel()` is our
 * unbounded channel, `sync_channel(n)` a bounded one (n = 0: rendezvous); dropping an end is
 * close(); a thread is a worker; `recv_timeout` is recv({ timeout }).
 */
import { describe, expect, it } from "vitest";
import {
  RecvError, SendError, TimeoutError, TryRecvError, TrySendError, channel, codecs, spawn,
} from "../../dist/index.js";
import { workerUrl } from "../helpers.js";
import type { History } from "../workers/ch-lib.mjs";
import { checkHistories, joinAll, setFlag, waitFlag, within } from "./util.js";

const thrown = (f: () => unknown): any => {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
};
const script = (ends: Record<string, unknown>, steps: unknown[][]) => spawn(workerUrl("ch-script.mjs"), ends, steps);

describe("single thread (mpsc tests.rs)", () => {
  it("smoke / smoke_shared / recv_twice", () => {
    const [tx, rx] = channel<number>();
    tx.send(1);
    expect(rx.recv()).toBe(1);
    const tx2 = tx.clone();
    tx.send(1);
    tx2.send(2);
    expect([rx.recv(), rx.recv()]).toEqual([1, 2]);
  });

  it("drop_full / drop_full_shared: closing both ends with a (large) message inside is fine", () => {
    const [tx, rx] = channel<unknown>();
    tx.send({ boxed: "b".repeat(4000) });
    const tx2 = tx.clone();
    tx2.send({ boxed: 2 });
    tx.close();
    tx2.close();
    rx.close();
  });

  it("smoke_port_gone / smoke_shared_port_gone / smoke_shared_port_gone2 / issue_32114", () => {
    const [tx, rx] = channel<number>();
    rx.close();
    expect(thrown(() => tx.send(1))).toBeInstanceOf(SendError);
    const [txa, rxa] = channel<number>();
    const txa2 = txa.clone();
    rxa.close();
    expect(thrown(() => txa2.send(1))).toBeInstanceOf(SendError);
    const [txb, rxb] = channel<number>();
    rxb.close();
    const txb2 = txb.clone();
    txb.close();
    expect(thrown(() => txb2.send(1))?.value).toBe(1);
    // issue_32114: every send after the receiver is gone fails, not just the first.
    const [txc, rxc] = channel<number>();
    rxc.close();
    expect(thrown(() => txc.send(123))?.value).toBe(123);
    expect(thrown(() => txc.send(123))?.value).toBe(123);
  });

  it("smoke_chan_gone / smoke_chan_gone_shared", () => {
    const [tx, rx] = channel<number>();
    tx.close();
    expect(thrown(() => rx.recv())).toBeInstanceOf(RecvError);
    const [tx1, rx1] = channel<number>();
    const tx2 = tx1.clone();
    tx1.send(1);
    tx2.send(1);
    tx1.close();
    tx2.close();
    expect([rx1.recv(), rx1.recv()]).toEqual([1, 1]);
    expect(thrown(() => rx1.recv())).toBeInstanceOf(RecvError);
  });

  it("oneshot_single_thread_* (close orders, send/recv after close, try_recv peeks)", () => {
    const [a, ar] = channel<number>({ capacity: 1 });
    ar.close();
    a.close(); // close_port_first
    const [b, br] = channel<number>({ capacity: 1 });
    b.close();
    br.close(); // close_chan_first
    const [c, cr] = channel<number>({ capacity: 1 });
    cr.close();
    expect(thrown(() => c.send(0))).toBeInstanceOf(SendError); // send_port_close
    expect(thrown(() => c.trySend(0))?.kind).toBe("disconnected"); // try_send_closed
    const [d, dr] = channel<number>({ capacity: 1 });
    d.close();
    expect(thrown(() => dr.recv())).toBeInstanceOf(RecvError); // recv_chan_close / try_recv_closed
    const [e, er] = channel<number>({ capacity: 1 });
    e.send(10);
    expect(er.recv()).toBe(10); // send_then_recv
    e.trySend(10);
    expect(er.tryRecv()).toBe(10); // try_send_open / try_recv_open
    const [f, fr] = channel<number>({ capacity: 1 });
    expect(thrown(() => fr.tryRecv())?.kind).toBe("empty"); // peek_open
    f.send(10);
    expect(fr.tryRecv()).toBe(10); // peek_data
    f.close();
    expect(thrown(() => fr.tryRecv())?.kind).toBe("disconnected"); // peek_close
    expect(thrown(() => fr.tryRecv())?.kind).toBe("disconnected");
  });

  it("recv_timeout / recv_timeout_upgrade", () => {
    const [tx, rx] = channel<number>();
    expect(thrown(() => rx.recv({ timeout: 1 }))).toBeInstanceOf(TimeoutError);
    tx.send(1);
    expect(rx.recv({ timeout: 1 })).toBe(1);
    const tx2 = tx.clone();
    tx.close();
    expect(thrown(() => rx.recv({ timeout: 1 }))).toBeInstanceOf(TimeoutError);
    tx2.close();
    expect(thrown(() => rx.recv({ timeout: 1 }))).toBeInstanceOf(RecvError);
  });

  it("test_recv_iter_break / test_recv_into_iter: iteration drains, a break leaves the rest", () => {
    const [tx, rx] = channel<number>();
    for (const v of [1, 2, 3, 4, 5]) tx.send(v);
    let count = 0;
    for (const v of rx) {
      count += v;
      if (count >= 4) break;
    }
    expect(count).toBe(6);
    tx.close();
    expect([...rx]).toEqual([4, 5]);
  });

  it("sync_tests: try_send1/2/3 and send on a full sync_channel", () => {
    const [t0] = channel<number>({ capacity: 0 });
    expect(thrown(() => t0.trySend(1))?.kind).toBe("full"); // try_send1: nobody waiting
    const [t1, r1] = channel<number>({ capacity: 1 });
    t1.trySend(1);
    const full = thrown(() => t1.trySend(2));
    expect(full).toBeInstanceOf(TrySendError);
    expect([full.kind, full.value]).toEqual(["full", 2]); // try_send2
    r1.close();
    expect(thrown(() => t1.trySend(3))?.kind).toBe("disconnected"); // try_send3
  });
});

describe("across threads (mpsc tests.rs / sync_tests.rs)", () => {
  it("smoke_threads / stress / recv_from_outside_runtime: a worker's messages arrive in order", async () => {
    const [tx, rx] = channel<number>({ codec: codecs.i32 });
    const h = spawn(workerUrl("ch-produce.mjs"), tx, { id: 0, count: 10_000, mode: "send", codec: "i32" });
    tx.close();
    for (let i = 0; i < 10_000; i++) expect(await within(rx.recvAsync(), "recv")).toBe(i);
    await expect(rx.recvAsync()).rejects.toBeInstanceOf(RecvError);
    await joinAll([h], "stress");
  });

  it("stress_shared / shared_chan_stress / stream_send_recv_stress: 4 workers × 2000 through clones", async () => {
    for (const capacity of [Infinity, 0]) {
      const [tx, rx] = channel<number>({ capacity, codec: codecs.i32 });
      const hs = [0, 1, 2, 3].map((id) => spawn(workerUrl("ch-produce.mjs"), tx, { id, count: 2000, mode: id % 2 ? "send" : "sendMany", batch: 13, codec: "i32" }));
      tx.close();
      const { consume } = await import("../workers/ch-lib.mjs");
      const [, , , , hist] = await joinAll<any>(hs, "stress_shared", 25_000, [consume(rx, { mode: "recvAsync", codec: "i32" })]);
      expect(checkHistories([hist as History], [2000, 2000, 2000, 2000])).toBeNull();
    }
  });

  it("port_gone_concurrent(_shared): a send loop ends with SendError once a worker drops the receiver", async () => {
    for (const capacity of [Infinity, 4, 0]) {
      const [tx, rx] = channel<number>({ capacity, codec: codecs.i32 });
      const h = script({ rx }, [["recv", "rx"], ["close", "rx"]]);
      rx.close();
      const tx2 = tx.clone();
      let i = 0;
      const err = await within(
        (async () => {
          for (;; i++) {
            try {
              await (i % 2 ? tx : tx2).sendAsync(1);
            } catch (e) {
              return e;
            }
          }
        })(),
        `send loop, capacity ${capacity}`,
      );
      expect(err).toBeInstanceOf(SendError);
      await joinAll([h], "receiver");
    }
  });

  it("chan_gone_concurrent / oneshot_multi_task_recv_then_close: a recv loop ends once a worker drops the sender", async () => {
    for (const capacity of [Infinity, 1, 0]) {
      const [tx, rx] = channel<number>({ capacity, codec: codecs.i32 });
      const h = script({ tx }, [["send", "tx", 1], ["send", "tx", 1], ["close", "tx"]]);
      tx.close();
      let n = 0;
      await within((async () => { for await (const _ of rx) n++; })(), `recv loop, capacity ${capacity}`);
      expect(n).toBe(2);
      await joinAll([h], "sender");
    }
  });

  it("send_from_outside_runtime / no_runtime: two workers hand-shake and ping-pong", async () => {
    const [tx1, rx1] = channel<number>({ capacity: 0 });
    const [tx2, rx2] = channel<number>({ capacity: 0 });
    const t1 = script({ rx1, tx2 }, [["recv", "rx1"], ["send", "tx2", 2], ...Array.from({ length: 40 }, () => ["recv", "rx1"])]);
    const t2 = script({ tx1, rx2 }, [["send", "tx1", 1], ["recv", "rx2"], ...Array.from({ length: 40 }, () => ["send", "tx1", 1])]);
    for (const e of [tx1, rx1, tx2, rx2]) e.close();
    const [l1, l2] = await joinAll<any[]>([t1, t2], "ping-pong");
    expect(l1.map((e: any) => e.ok)).toEqual([1, undefined, ...Array(40).fill(1)]);
    expect(l2[1]).toEqual({ ok: 2 });
  });

  it("oneshot_multi_thread_*_stress: close/send/recv racing a worker that closes its end", async () => {
    const N = 40;
    const pairs = Array.from({ length: N }, (_, i) => channel<number>({ capacity: i % 3 === 0 ? 0 : 1, codec: codecs.i32 }));
    // Worker: for even i drop the receiver at once (send_close); for odd i receive one (send_recv).
    const ends = Object.fromEntries(pairs.map(([, rx], i) => [`r${i}`, rx]));
    const steps = pairs.map((_, i) => (i % 2 ? ["recv", `r${i}`, { timeout: 20_000 }] : ["close", `r${i}`]));
    const h = script(ends, steps);
    for (const [, rx] of pairs) rx.close();
    const results = await within(
      Promise.all(pairs.map(async ([tx], i) => {
        try {
          await tx.sendAsync(10, { timeout: i % 2 ? 20_000 : 2_000 });
          return "sent";
        } catch (e) {
          return (e as Error).name;
        }
      })),
      "oneshot stress",
    );
    const [log] = await joinAll<any[]>([h], "oneshot worker");
    pairs.forEach((_, i) => {
      if (i % 2) {
        expect(results[i]).toBe("sent");
        expect(log[i]).toEqual({ ok: 10 });
      } else {
        // The send may have beaten the close (buffered) or not: either way no error other than SendError.
        expect(["sent", "SendError", "SendTimeoutError"]).toContain(results[i]);
      }
    });
  });

  it("shared_recv_timeout: 10 sends from clones in a worker, then recv timeouts behave", async () => {
    const [tx, rx] = channel<number>();
    const h = script({ tx }, Array.from({ length: 10 }, () => ["send", "tx", 1]));
    const got: number[] = [];
    for (let i = 0; i < 10; i++) got.push(await within(rx.recvAsync(), "recv"));
    expect(got).toEqual(Array(10).fill(1));
    await joinAll([h], "sender");
    await expect(rx.recvAsync({ timeout: 10 })).rejects.toBeInstanceOf(TimeoutError);
    tx.send(1);
    expect(await rx.recvAsync({ timeout: 10 })).toBe(1);
  });

  it("test_nested_recv_iter / test_recv_try_iter: a worker sums what it iterates", async () => {
    const [tx, rx] = channel<number>();
    const h = script({ rx }, [["drain", "rx"]]);
    rx.close();
    for (const v of [1, 2, 3]) tx.send(v);
    tx.close();
    const [log] = await joinAll<any[]>([h], "iter");
    expect(log[0].ok.reduce((a: number, b: number) => a + b, 0)).toBe(6);
  });

  it("try_recv_states: empty → value → empty → disconnected, driven by a worker", async () => {
    const [tx1, rx1] = channel<number>();
    const flags = new Int32Array(new SharedArrayBuffer(8));
    const h = script({ tx1, flags }, [
      ["waitFor", "flags", 0, 1], ["send", "tx1", 1], ["set", "flags", 1, 1],
      ["waitFor", "flags", 0, 2], ["close", "tx1"], ["set", "flags", 1, 2],
    ]);
    tx1.close();
    expect(thrown(() => rx1.tryRecv())?.kind).toBe("empty");
    setFlag(flags, 0, 1);
    await within(waitFlag(flags, 1, 1), "step 1");
    expect(rx1.tryRecv()).toBe(1);
    expect(thrown(() => rx1.tryRecv())?.kind).toBe("empty");
    setFlag(flags, 0, 2);
    await within(waitFlag(flags, 1, 2), "step 2");
    expect(thrown(() => rx1.tryRecv())).toBeInstanceOf(TryRecvError);
    expect(thrown(() => rx1.tryRecv())?.kind).toBe("disconnected");
    await joinAll([h], "states");
  });

  it("destroy_upgraded_shared_port_when_sender_still_active: clone-then-drop while a worker sleeps in recv", async () => {
    const [tx, rx] = channel<null>();
    const [tx2, rx2] = channel<null>();
    const h = script({ rx, tx2 }, [["recv", "rx"], ["send", "tx2", null]]);
    rx.close();
    tx2.close();
    await new Promise((r) => setTimeout(r, 100)); // the worker is asleep in recv
    const txc = tx.clone();
    tx.close();
    txc.send(null);
    expect(await within(rx2.recvAsync(), "reply")).toBeNull();
    await joinAll([h], "upgraded port");
  });

  it("sync_tests send1–send4: rendezvous and full sends succeed or fail with the receiver's fate", async () => {
    // send1: a worker receives → a rendezvous send succeeds.
    const [a, ar] = channel<number>({ capacity: 0 });
    const h1 = script({ ar }, [["recv", "ar"]]);
    ar.close();
    await within(a.sendAsync(1), "send1");
    // send2 / send4: the worker drops the receiver → blocked rendezvous sends fail.
    const [b, br] = channel<number>({ capacity: 0 });
    const h2 = script({ br }, [["sleep", 30], ["close", "br"]]);
    br.close();
    const b2 = b.clone();
    const r2 = await within(Promise.allSettled([b.sendAsync(1), b2.sendAsync(2)]), "send2/send4");
    expect(r2.map((r) => r.status === "rejected" && (r.reason as Error).name)).toEqual(["SendError", "SendError"]);
    // send3: sync_channel(1) already full; the worker drops the receiver → the send fails.
    const [c, cr] = channel<number>({ capacity: 1 });
    c.send(1);
    const h3 = script({ cr }, [["sleep", 30], ["close", "cr"]]);
    cr.close();
    await expect(within(c.sendAsync(1), "send3")).rejects.toBeInstanceOf(SendError);
    await joinAll([h1, h2, h3], "sync sends");
  });

  it("issue_15761: try_send into a capacity-3 channel from a worker woken by another try_send (100 rounds)", async () => {
    const rounds = 100;
    const pairs = Array.from({ length: rounds }, () => [channel<null>({ capacity: 3 }), channel<null>({ capacity: 3 })] as const);
    const ends: Record<string, unknown> = {};
    const steps: unknown[][] = [];
    pairs.forEach(([[, rx1], [tx2]], i) => {
      ends[`rx1_${i}`] = rx1;
      ends[`tx2_${i}`] = tx2;
      steps.push(["recv", `rx1_${i}`], ["trySend", `tx2_${i}`, null]);
    });
    const h = script(ends, steps);
    for (const [[, rx1], [tx2]] of pairs) {
      rx1.close();
      tx2.close();
    }
    for (const [[tx1], [, rx2]] of pairs) {
      tx1.trySend(null);
      expect(await within(rx2.recvAsync(), "repro")).toBeNull();
    }
    const [log] = await joinAll<any[]>([h], "issue_15761");
    expect(log.every((e: any) => "ok" in e)).toBe(true);
  });
});
