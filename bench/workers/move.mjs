/**
 * Worker side of the move suite (bench/suites/move.mjs). Worker 0 produces fresh frames — an
 * ArrayBuffer (shape "buffer") or { id, data: Uint8Array } ("object") whose first and last 32-bit
 * words are the message number — and sends them one of four ways; worker 1 receives, checks and
 * tallies (count, id sum, bad) into `shared.result`.
 */
/** weft's build: dist/, or another build named by `shared.dist` (bench/micro/channel-ab.mjs). */
const weft = (shared) => import(shared?.dist ?? "../../dist/index.js");

function makeFrame(shape, bytes, id) {
  const u32 = new Uint32Array(bytes / 4);
  u32[0] = id;
  u32[u32.length - 1] = id;
  return shape === "buffer" ? u32.buffer : { id, data: new Uint8Array(u32.buffer) };
}

class Tally {
  reset() {
    this.count = 0;
    this.sum = 0;
    this.bad = 0;
  }
  add(m) {
    const buf = m instanceof ArrayBuffer ? m : m.data.buffer;
    const u32 = new Uint32Array(buf);
    const id = u32[0];
    if (id !== this.count || u32[u32.length - 1] !== id || (!(m instanceof ArrayBuffer) && m.id !== id)) this.bad++;
    this.count++;
    this.sum += id;
  }
  save(shared) {
    new Float64Array(shared.result).set([this.count, this.sum, this.bad]);
  }
}

function weftKind(move) {
  return async ({ shared, iters, index }) => {
    const w = await weft(shared);
    const { bytes, shape } = shared;
    if (index === 0) {
      const tx = w.revive(shared.tx);
      return () => {
        for (let i = 0; i < iters; i++) {
          const f = makeFrame(shape, bytes, i);
          if (move) w.send(tx, f);
          else tx.send(f);
        }
      };
    }
    const rx = w.revive(shared.rx);
    const t = new Tally();
    return () => {
      t.reset();
      for (let i = 0; i < iters; i++) t.add(rx.recv());
      t.save(shared);
    };
  };
}

function portKind(transfer) {
  return async ({ local, shared, iters, index }) => {
    const port = local.port;
    const { bytes, shape } = shared;
    if (index === 0) {
      return () => {
        for (let i = 0; i < iters; i++) {
          const f = makeFrame(shape, bytes, i);
          if (transfer) port.postMessage(f, [f instanceof ArrayBuffer ? f : f.data.buffer]);
          else port.postMessage(f);
        }
      };
    }
    const t = new Tally();
    let resolve = null;
    port.on("message", (m) => {
      t.add(m);
      if (t.count === iters) {
        t.save(shared);
        resolve();
      }
    });
    return () =>
      new Promise((r) => {
        t.reset();
        resolve = r;
      });
  };
}

export const kinds = {
  "frames/weft": weftKind(true),
  "frames/weft-copy": weftKind(false),
  "frames/postMessage-transfer": portKind(true),
  "frames/postMessage": portKind(false),
};
