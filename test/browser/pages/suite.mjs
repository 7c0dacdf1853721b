/**
 * The cross-origin-isolated suite: runs every case in order, then moves on to the page served
 * without COOP/COEP (plain.html), which reports its own cases and ends the run.
 */
import { post, runCases } from "./harness.mjs";

const filter = new URL(location.href).searchParams.get("filter") ?? "";
addEventListener("unhandledrejection", (e) => post("/result", { name: "(unhandled rejection)", ok: false, error: String(e.reason?.stack ?? e.reason) }));
try {
  const modules = await Promise.all(["./sync-cases.mjs", "./channel-cases.mjs", "./main-thread-cases.mjs", "./runtime-cases.mjs"].map((m) => import(m)));
  await runCases(modules.flatMap((m) => m.cases), { filter });
} catch (e) {
  // weft (or a case module) failed to load: say so as a failed case.
  await post("/result", { name: "(load the suite)", ok: false, error: `${e?.name}: ${e?.message}\n${e?.stack ?? ""}` });
}
location.assign(`/plain/test/browser/pages/plain.html?filter=${encodeURIComponent(filter)}`);
