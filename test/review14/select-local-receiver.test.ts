/**
 * Part 6: a select no longer offers on a channel it also receives from. But its send arm could
 * pair with a *different* receiver of the same thread — a `recvAsync` pending on that rendezvous
 * channel — and only an offer reaches one (trySend skips this thread's own waiting receivers,
 * which cannot take while it spins). Now neither the select nor the receive can complete.
 */
import { describe, expect, it } from "vitest";
import { lib } from "./util.js";

describe("review14: selectAsync with send+receive arms on a rendezvous channel, another receive pending on the same thread", () => {
  it("the select's send pairs with the pending recvAsync", async () => {
    const { channel, selectAsync, sendArm } = await lib();
    const [tx, rx] = channel<number>({ capacity: 0 });
    const got = rx.recvAsync({ timeout: 2_000 }).then((v) => ({ v }), (e) => ({ e: (e as Error).name }));
    const sel = selectAsync([sendArm(tx, 7), rx], { timeout: 2_000 }).then(
      (s) => ({ s: (s as any).index ?? s }),
      (e) => ({ e: (e as Error).name }),
    );
    const [r, s] = await Promise.all([got, sel]);
    tx.close();
    rx.close();
    expect(r).toEqual({ v: 7 });
    expect(s).not.toHaveProperty("e");
  });
});
