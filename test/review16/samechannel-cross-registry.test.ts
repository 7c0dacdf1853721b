/**
 * sameChannel compares CHAN_IDs, which are unique only within one thread registry. A thread that
 * used weft before it received anything (a worker started before the main thread loaded weft
 * makes a registry of its own) switches to the registry of the first wire it revives while it has
 * no slot (`adoptRegistry`): its own channels keep ids from the old registry, which the new one
 * hands out again — and an unrelated channel then "is the same channel".
 * (Needs a main thread that has not loaded weft yet: run in a fresh Node process.)
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

describe("review16: sameChannel across a registry switch", () => {
  it("a worker's own channel is not the same channel as one the main thread made", () => {
    const script = fileURLToPath(new URL("./xreg-worker-first.mjs", import.meta.url));
    const dist = new URL("../../dist/index.js", import.meta.url).href;
    const out = JSON.parse(execFileSync(process.execPath, [script, dist], { encoding: "utf8", timeout: 30_000 }));
    expect(out.hits).toEqual([]); // was [0]: the worker's first channel had the main one's id
  });
});
