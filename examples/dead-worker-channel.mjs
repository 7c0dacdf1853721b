/**
 * A worker terminated in the middle of its sends does not break the channel: two producers share
 * a bounded channel, one is terminated while it sends as fast as it can, and the consumer goes on
 * receiving — the survivor's values all arrive, in order, and each of the dead one's at most once,
 * in order too. Then the same with a rendezvous channel (capacity 0), where a send waits for its
 * receiver: the dead producer dies holding the hand-off, and the survivor takes it over.
 *
 * (A worker terminated between taking a slot and filling it is rare per message but common per
 * termination — about one in ten for a sender in a tight loop; on a rendezvous channel nine in
 * ten land while a send waits. Threads held up by such a slot find the dead worker's note and
 * finish or skip its work once its exit is seen: see README, "A thread that dies holding a
 * channel slot".)
 *
 * Run: npm run build && node examples/dead-worker-channel.mjs
 */
import { channel, codecs, spawn } from "weft";

const SENDER = new URL("./workers/numbered-sender.mjs", import.meta.url);
const DOOMED = 0, SURVIVOR = 1_000_000_000;

for (const capacity of [64, 0]) {
  const [tx, rx] = channel({ capacity, codec: codecs.f64 });
  const doomed = spawn(SENDER, tx.clone(), DOOMED);
  const survivor = spawn(SENDER, tx.clone(), SURVIVOR);
  const last = [-1, SURVIVOR - 1];
  let fromSurvivor = 0;
  const take = (v) => {
    const who = v >= SURVIVOR ? 1 : 0;
    if (v <= last[who]) throw new Error(`value ${v} out of order or duplicated`);
    if (v !== last[who] + 1) throw new Error(`value ${last[who] + 1} went missing`);
    last[who] = v;
    if (who === 1) fromSurvivor++;
  };

  // Until both are sending (a worker can take a while to start on a loaded machine).
  for (let k = 0; k < 2_000 || last[0] < 0; k++) take(await rx.recvAsync({ timeout: 10_000 }));
  const dying = doomed.terminate(); // it is sending right now
  while (fromSurvivor < 2_000) take(await rx.recvAsync());
  await dying;
  // Well after the death: the survivor's values keep coming.
  const before = fromSurvivor;
  while (fromSurvivor < before + 20_000) take(await rx.recvAsync({ timeout: 10_000 }));
  await survivor.terminate();
  console.log(`capacity ${capacity}: the dead producer's values 0…${last[0]} (each once, in order, none missing), then ${fromSurvivor} from the survivor, in order`);
  tx.close();
  rx.close();
}
console.log("OK");
