/**
 * A page that is not cross-origin isolated has no SharedArrayBuffer. weft must still load, and
 * creating anything that needs shared memory must say what is missing and how to fix it.
 */
import { check, post, runCases, throws } from "./harness.mjs";

const filter = new URL(location.href).searchParams.get("filter") ?? "";

const cases = [
  ["not isolated: weft loads, and new Mutex()/channel()/new AtomicI32() explain the missing COOP/COEP headers", async () => {
    check(crossOriginIsolated === false, "this page is not cross-origin isolated");
    check(typeof SharedArrayBuffer === "undefined", "no SharedArrayBuffer here");
    const weft = await import("/dist/index.js");
    const cls = weft.SharedMemoryUnavailableError ?? class MissingSharedMemoryUnavailableErrorExport extends Error {};
    const why = /SharedArrayBuffer.*crossOriginIsolated.*Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/s;
    throws(() => new weft.Mutex(), cls, why, "new Mutex()");
    throws(() => weft.channel(), cls, why, "channel()");
    throws(() => new weft.AtomicI32(), cls, why, "new AtomicI32()");
    throws(() => new weft.Semaphore(1), cls, why, "new Semaphore(1)");
    throws(() => new weft.Mutex(new Int32Array(4)), cls, why, "new Mutex(an Int32Array)");
    throws(() => new weft.RwLock({ a: new Int32Array(4) }), cls, why, "new RwLock({ a: an Int32Array })");
    throws(() => weft.share({ n: 1 }), cls, why, "share()");
    throws(() => weft.revive({}), cls, why, "revive()");
    check(weft.isWire({}) === false, "isWire answers false");
    check(new cls("x") instanceof weft.UnsupportedError, "it is an UnsupportedError");
  }],
];

try {
  await runCases(cases, { filter });
} catch (e) {
  await post("/result", { name: "(plain page)", ok: false, error: String(e?.stack ?? e) });
}
await post("/done", {});
