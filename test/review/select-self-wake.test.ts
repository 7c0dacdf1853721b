/**
 * review13 #1 (src/channel/select.ts selectSlow, offering pass; src/channel/flavors/zero.ts
 * postOffer → offer → wakeReceiver): a blocking select with a send arm and a receive arm on the
 * same rendezvous channel now posts its offer there (pass 0 even prefers that arm: its own receive
 * registration counts as "a receiver of this thread"). Posting wakes the channel's receive-side
 * selectors (Chan.wake → wakeSelectors(SEL_RX)), which include this select's own registration:
 * its parker moves, the park returns at once, it retracts, re-registers, re-posts, wakes itself
 * again — a busy loop that burns a whole core for as long as the select waits. (selectAsync did
 * this before the change; sync select did not.)
 *
 * A helper's review of the thirteenth session's changes; fixed: a select does not offer on a
 * channel it also receives from (it cannot pair with itself, as in Go).
 */
import { describe, expect, it } from "vitest";
import { channel, spawn } from "../../dist/index.js";
import { workerUrl } from "../helpers.js";

const evalUrl = workerUrl("acc2-eval.mjs");

describe("review13: sync select with send and receive arms on one rendezvous channel", () => {
  it("parks instead of spinning while nothing happens", async () => {
    const [tx, rx] = channel<number>({ capacity: 0 });
    const x = spawn(evalUrl, `(weft, [tx, rx], h) => {
      h.sleep(50);
      const t0 = h.now(); const c0 = process.cpuUsage();
      let r; try { r = weft.select([weft.sendArm(tx, 1), rx], { timeout: 1000 }); } catch (e) { r = e.name; }
      const c = process.cpuUsage(c0); // the whole process: the main thread idles meanwhile
      return { r, ms: Math.round(h.now() - t0), cpuMs: Math.round((c.user + c.system) / 1000) };
    }`, [tx, rx]);
    const r: any = await x.join();
    tx.close();
    rx.close();
    console.log("select:", r);
    expect(r.r).toBe("TimeoutError");
    expect(r.cpuMs).toBeLessThan(0.4 * r.ms);
  });
});
