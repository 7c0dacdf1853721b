/**
 * Worker side of the Send/Sync example: receives frames over a channel, adds up their pixels, and
 * records the total in a Mutex the main thread shares. `defineWorker` checks at compile time that
 * what crosses (the parameters and the result) is Sendable; `moduleRef` in main.ts reads these types.
 */
import { defineWorker, type Mutex, type Receiver } from "weft";

export interface Frame {
  id: number;
  pixels: Uint8Array;
}

export default defineWorker((frames: Receiver<Frame>, total: Mutex<Float64Array<SharedArrayBuffer>>) => {
  let count = 0;
  let checksum = 0;
  for (const frame of frames) {
    count++;
    for (const p of frame.pixels) checksum += p * (frame.id + 1);
  }
  total.withLock((t) => {
    t[0] = checksum;
  });
  return { count, checksum };
});
