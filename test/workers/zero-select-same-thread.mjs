/**
 * Run as a process by test/channel/regressions.test.ts: two selectAsync on the main thread, one
 * offering on a rendezvous channel and one receiving from it (plus a recvAsync), must hand every
 * value over without starving the event loop (found as a hang: each offer woke the thread's shared
 * parker, the offering select woke itself at once, and the microtask loop never let the receiver run).
 */
const { channel, selectAsync, sendArm } = await import(process.env.WEFT_DIST ?? "../../dist/index.js");
const N = 50;
const [tx, rx] = channel({ capacity: 0 });
let ticks = 0;
const timer = setInterval(() => ticks++, 1);
const got = [];
const rxSelect = rx.clone();
const rxIter = rx.clone();
rx.close();
const viaSelect = (async () => {
  for (;;) {
    const r = await selectAsync([rxSelect], { timeout: 10_000 });
    if (r.error) return;
    got.push(r.value);
  }
})();
const viaRecv = (async () => {
  for await (const v of rxIter) got.push(v);
})();
for (let i = 0; i < N; i++) {
  const r = await selectAsync([sendArm(tx, i)], { timeout: 10_000 });
  if (r.kind !== "send" || r.index !== 0) throw new Error(`unexpected select result ${JSON.stringify(r)}`);
}
tx.close();
await Promise.all([viaSelect, viaRecv]);
clearInterval(timer);
got.sort((a, b) => a - b);
const ok = got.length === N && got.every((v, i) => v === i);
console.log(`received ${got.length} of ${N}, in full: ${ok}; the timer ticked ${ticks > 0 ? "meanwhile" : "never"}`);
if (!ok) process.exit(1);
