/**
 * An independent port of tokio's weak-sender mpsc tests (tokio-rs/tokio
 * tokio/tests/sync_mpsc_weak.rs, 28 tests) to weft's channels, where they map.
 *
 * weft has no weak senders: no `Sender::downgrade`, `WeakSender` / `WeakUnboundedSender`,
 * `upgrade`, `strong_count`, `weak_count`, `Receiver::sender_strong_count` /
 * `sender_weak_count`. Only the two tests that are about the channel itself, not about weak
 * handles, map: test_msgs_dropped_on_rx_drop and test_msgs_dropped_on_unbounded_rx_drop ("no
 * message stays in the channel after the receiver is dropped, and a send after that fails and
 * hands the message back").
 *
 * Mapping: as in tokio-sync-mpsc.test.ts. `Msg` with a counting `Drop` = a message that is a
 * Sender of its own inner channel; "dropped" = that inner channel reads as disconnected once the
 * test has dropped its own handle (weft closes channel ends inside messages it drops; a message
 * received and discarded (`let _ = rx.recv()`) is dropped by closing the end it revived).
 *
 * Ported: 2 of 28. Not ported (26), all for lack of weak senders / handle counts:
 * weak_sender, actor_weak_sender, downgrade_upgrade_sender_success, downgrade_upgrade_sender_failure,
 * downgrade_drop_upgrade, downgrade_get_permit_upgrade_no_senders (also permits),
 * downgrade_upgrade_get_permit_no_senders (also permits), test_tx_count_weak_sender,
 * weak_unbounded_sender, actor_weak_unbounded_sender, downgrade_upgrade_unbounded_sender_success,
 * downgrade_upgrade_unbounded_sender_failure, downgrade_drop_upgrade_unbounded,
 * test_tx_count_weak_unbounded_sender, test_rx_is_closed_when_dropping_all_senders_except_weak_senders,
 * test_rx_unbounded_is_closed_when_dropping_all_senders_except_weak_senders (without the weak
 * sender these are tokio-sync-mpsc's test_rx*_is_closed_when_dropping_all_senders),
 * sender_strong_count_when_cloned, sender_weak_count_when_downgraded, sender_strong_count_when_dropped,
 * sender_weak_count_when_dropped, sender_strong_and_weak_conut, and the five unbounded_sender_* twins.
 */
import { describe, expect, it } from "vitest";
import { SendError, TryRecvError, channel, type Sender } from "../../dist/index.js";

/** A `Msg` whose drop can be observed: a Sender of its own inner channel. */
function msg() {
  const [itx, irx] = channel<null>();
  return {
    /** The value to send (`Msg {}` moved into the channel): a reference of its own. */
    take: () => itx.clone(),
    /** Drops the test's own handle (call once). */
    release: () => itx.close(),
    /** Whether every reference but the released one is gone: the message was dropped. */
    dropped: () => {
      try {
        irx.tryRecv();
        return false;
      } catch (e) {
        return e instanceof TryRecvError && e.kind === "disconnected";
      }
    },
  };
}

/** `tx.send(m).await.unwrap()` where `m` moves into the channel. */
async function sendMoved(tx: Sender<Sender<null>>, m: ReturnType<typeof msg>) {
  const v = m.take();
  try {
    await tx.sendAsync(v);
  } finally {
    v.close(); // moved: our handle of the value goes (the channel holds its own)
  }
}

describe("tokio tests/sync_mpsc_weak.rs", () => {
  for (const bounded of [true, false]) {
    it(bounded ? "test_msgs_dropped_on_rx_drop" : "test_msgs_dropped_on_unbounded_rx_drop", async () => {
      const [tx, rx] = bounded ? channel<Sender<null>>({ capacity: 3 }) : channel<Sender<null>>();
      const msgs = [msg(), msg(), msg(), msg()];
      const numDropped = () => msgs.filter((m) => m.dropped()).length;

      await sendMoved(tx, msgs[0]!);
      await sendMoved(tx, msgs[1]!);
      // This one stays in the channel, and must be dropped when rx is.
      const sent = sendMoved(tx, msgs[2]!);
      for (const m of msgs.slice(0, 3)) m.release(); // only the channel holds them now
      expect(numDropped()).toBe(0);

      (await rx.recvAsync()).close(); // `let _ = rx.recv().await.unwrap();`
      (await rx.recvAsync()).close();
      await sent;
      expect(numDropped()).toBe(2);

      rx.close();
      expect(numDropped()).toBe(3);

      // This one is not put into the channel any more: the send fails and hands it back.
      const v = msgs[3]!.take();
      const e = await tx.sendAsync(v).then(
        () => null,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(SendError);
      expect((e as SendError<Sender<null>>).value).toBe(v);
      v.close(); // the error (and the message in it) is dropped
      msgs[3]!.release();
      expect(numDropped()).toBe(4);
      expect(tx.len).toBe(0);
    });
  }
});
