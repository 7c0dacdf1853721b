/**
 * AtomicBool.fetchNot / fetchNand(true) over a value word holding a non-0/1 truthy value (memory
 * written by raw code: a typed array, another codec, wasm). `load()` reads any non-zero word as
 * true, but fetchNot / fetchNand(true) are an `xor 1`: 2 becomes 3, still true — "not" did nothing.
 */
import { describe, expect, it } from "vitest";
import { AtomicBool } from "../../dist/index.js";
import { scope, thread } from "../acceptance/acc2-lib.js";

describe("review16: AtomicBool negation over a raw truthy word", () => {
  it.each([
    ["fetchNot()", "not"],
    ["fetchNand(true)", "nand"],
  ] as const)("%s in a worker leaves the bool false when load() read true", async (_name, op) => {
    const b = AtomicBool.at(new SharedArrayBuffer(8), 0);
    new Int32Array(b.buffer, 4, 1)[0] = 2; // raw memory: a truthy word that is not 1
    expect(b.load()).toBe(true);
    const [prev] = await scope([
      thread((_w, e) => (e.op === "not" ? e.b.fetchNot() : e.b.fetchNand(true)), { b, op }),
    ]);
    expect(prev).toBe(true);
    expect(b.load()).toBe(false); // !true (the word was left at 3, still true, before the fix)
  });
});
