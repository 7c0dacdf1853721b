/**
 * Part 2: close() ends the handle's own waiting async calls (README: "a closed clone's pending
 * receive cannot take a message meant for the open ones") — but not a `selectAsync` waiting on
 * that handle: it went on and took the message from the open clone. (A second review's finding,
 * thirteenth session; fixed: a parking selectAsync listens to its arms' handles' close signals.)
 */
import { describe, expect, it } from "vitest";
import { lib } from "./util.js";

describe("review14: selectAsync on a handle closed while it waits", () => {
  for (const capacity of [0, 4]) {
    it(`capacity ${capacity}: the closed clone's select does not take the message meant for the open one`, async () => {
      const { channel, selectAsync } = await lib();
      const [tx, rx] = channel<number>({ capacity });
      const rx2 = rx.clone();
      const sel = selectAsync([rx2], { timeout: 1_000 }).then(
        (s) => ({ took: (s as any).value }),
        (e) => ({ e: (e as Error).name }),
      );
      await new Promise((r) => setTimeout(r, 20));
      rx2.close();
      const open = rx.recvAsync({ timeout: 1_000 }).then((v) => v, (e) => (e as Error).name);
      await tx.sendAsync(1, { timeout: 1_000 }).catch(() => {});
      expect(await sel).toEqual({ e: "ClosedError" });
      expect(await open).toBe(1);
      tx.close();
      rx.close();
    });
  }
});
