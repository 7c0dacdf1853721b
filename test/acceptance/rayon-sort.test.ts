/**
 * An independent port of rayon's sort tests to weft's `parallel.sort` (an in-place numeric sort of
 * a typed array in shared memory, ascending or `descending`):
 *   - src/slice/test.rs (8 #[test]s: the `sort!` macro gives test_par_sort and
 *     test_par_sort_unstable) → describe "slice/test.rs"
 *   - tests/sort-panic-safe.rs (1 #[test], sort_panic_safe)
 *   - plus the cases the brief names for par_sort_unstable on floats (random, sorted, reversed,
 *     all equal, NaN-containing, -0 / +0, descending), checked against Float64Array.prototype.sort,
 *     whose order weft documents ("bit for bit").
 * Ported: 2 (test_par_sort, test_par_sort_unstable — the same body: weft has one sort, and a
 * numeric sort's stable and unstable orders are the same). Not ported: 8 (7 of slice/test.rs and
 * sort_panic_safe), see below; plus 9 float / descending cases the brief asks for.
 *
 * KNOWN FAILURE (a documentation/implementation mismatch in weft, kept as evidence): "NaNs with
 * other bit patterns": README and parallel.sort's TSDoc say the order is
 * Float64Array.prototype.sort's "bit for bit". With one NaN bit pattern it is; with several
 * (negative NaN 0xfff8…, payloads 0x7ff8…01, 0x7ff0…01) weft groups the NaN tail by bit pattern
 * (src/parallel/radix.ts keys positive NaNs by payload above +Infinity, negative NaNs below
 * -Infinity, and moveLeadingNaNs moves the latter block last), while V8 leaves them in its own
 * order. Every NaN keeps its bits (checked), and every number is in place (checked).
 *
 * Mapping: Vec<i32> = Int32Array over a SharedArrayBuffer; `sort_by(|a, b| a.cmp(b))` =
 * parallel.sort(v); `sort_by(|a, b| b.cmp(a))` = parallel.sort(v, { descending: true });
 * `is_sorted()` = every neighbour pair in order. Each case runs twice: whole (≤ 65 536 elements
 * are sorted in one task) and cut into chunks (a `chunkSize`, the multi-task radix path).
 * Scaled: 100 random vectors per (len, modulus) → 3; lengths 0..25 and 500 kept; 1 000, 10 000
 * and 100 000 kept.
 *
 * Not ported:
 *   - the `sort!` macro's "completely random comparison function" and `[(); 10]` (zero-sized
 *     elements) cases: parallel.sort takes no comparator and only numbers (the rest of the macro
 *     is ported, including the empty slice and the single 0xDEAD_BEEF element, as a Uint32Array).
 *   - test_par_sort_stability: needs a key / comparator sort of records; parallel.sort has
 *     neither (equal numbers are indistinguishable, except -0 / +0 and NaN payloads, which the
 *     float cases below check).
 *   - test_par_chunks_exact_remainder, test_par_chunks_exact_mut_remainder,
 *     test_par_rchunks_exact_remainder, test_par_rchunks_exact_mut_remainder, slice_chunk_by,
 *     slice_chunk_by_mut: slice chunk adaptors (par_chunks_exact, par_rchunks_exact,
 *     par_chunk_by) — weft has none.
 *   - sort-panic-safe.rs: a comparator that panics midway, with drop counting — no comparator
 *     (so nothing can panic midway) and no destructors. Its nearest weft analogue — a sort that
 *     fails midway leaves a permutation — is an abort, tested in test/parallel already.
 */
import { describe, expect, it, beforeAll, afterAll } from "vitest";
import { ThreadPool, parallel } from "../../dist/index.js";

let pool: ThreadPool;
beforeAll(() => {
  pool = new ThreadPool({ threads: 2, name: "acc6-sort" });
});
afterAll(async () => {
  await pool.terminate();
});

/** A seeded xorshift (rayon uses rand's thread rng). */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return (): number => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s;
  };
}
const sharedI32 = (xs: ArrayLike<number>) => {
  const a = new Int32Array(new SharedArrayBuffer(4 * xs.length));
  a.set(xs);
  return a;
};
const isSorted = (v: ArrayLike<number>, desc = false) => {
  for (let i = 1; i < v.length; i++) if (desc ? v[i - 1]! < v[i]! : v[i - 1]! > v[i]!) return false;
  return true;
};

/** Sorts copies of `v` both ways, whole and in chunks, and checks each result. */
async function checkBothWays(v: Int32Array, what: string) {
  for (const chunkSize of [undefined, Math.max(1, Math.ceil(v.length / 5))]) {
    const up = sharedI32(v);
    await parallel.sort(up, { pool, chunkSize });
    expect(isSorted(up), `${what} ascending, chunkSize ${chunkSize}`).toBe(true);
    expect(Array.from(up)).toEqual(Array.from(v).sort((a, b) => a - b));
    const down = sharedI32(v);
    await parallel.sort(down, { pool, chunkSize, descending: true });
    expect(isSorted(down, true), `${what} descending, chunkSize ${chunkSize}`).toBe(true);
  }
}

/** The body of rayon's `sort!` macro (scaled), as far as a numeric sort can run it. */
async function sortMacro(seed: number) {
  const next = rng(seed);
  // Random vectors of every length 0..25 and 500, values below each modulus.
  for (const len of [...Array.from({ length: 25 }, (_, i) => i), 500]) {
    for (const modulus of [5, 10, 100]) {
      for (let k = 0; k < 3; k++) {
        const v = Int32Array.from({ length: len }, () => next() % modulus);
        await checkBothWays(v, `len ${len} mod ${modulus}`);
      }
    }
  }
  // Many duplicates.
  for (const len of [1_000, 10_000, 100_000]) {
    for (const modulus of [5, 10, 100, 10_000]) {
      const v = sharedI32(Int32Array.from({ length: len }, () => next() % modulus));
      await parallel.sort(v, { pool });
      expect(isSorted(v), `dups len ${len} mod ${modulus}`).toBe(true);
    }
  }
  // Many pre-sorted runs: sorted, reversed, then a few ranges reversed or swapped back.
  for (const len of [1_000, 10_000, 100_000]) {
    for (const modulus of [5, 10, 1000, 50_000]) {
      const v = Int32Array.from({ length: len }, () => next() % modulus).sort().reverse();
      for (let k = 0; k < 5; k++) {
        const a = next() % len;
        const b = next() % len;
        if (a < b) v.subarray(a, b).reverse();
        else [v[a], v[b]] = [v[b]!, v[a]!];
      }
      const s = sharedI32(v);
      await parallel.sort(s, { pool, chunkSize: len >= 10_000 ? 4096 : undefined });
      expect(isSorted(s), `runs len ${len} mod ${modulus}`).toBe(true);
    }
  }
  // Should not panic: the empty slice.
  await parallel.sort(sharedI32([]), { pool });
  // One element stays as it is.
  const one = new Uint32Array(new SharedArrayBuffer(4));
  one[0] = 0xdead_beef;
  await parallel.sort(one, { pool });
  expect(one[0]).toBe(0xdead_beef);
}

describe("slice/test.rs", () => {
  it("test_par_sort", async () => {
    await sortMacro(1);
  });
  it("test_par_sort_unstable", async () => {
    await sortMacro(2);
  });
  it.skip("test_par_sort_stability — no key/comparator sort in weft", () => {});
  it.skip("test_par_chunks_exact_remainder — no par_chunks_exact in weft", () => {});
  it.skip("test_par_chunks_exact_mut_remainder — no par_chunks_exact_mut in weft", () => {});
  it.skip("test_par_rchunks_exact_remainder — no par_rchunks_exact in weft", () => {});
  it.skip("test_par_rchunks_exact_mut_remainder — no par_rchunks_exact_mut in weft", () => {});
  it.skip("slice_chunk_by — no par_chunk_by in weft", () => {});
  it.skip("slice_chunk_by_mut — no par_chunk_by_mut in weft", () => {});
});

describe("sort-panic-safe.rs", () => {
  it.skip("sort_panic_safe — no comparator to panic, no destructors to count", () => {});
});

// ---------------------------------------------------------------------------------------------
// Floats: par_sort_unstable_by(f64::total_cmp)-like cases, against the documented order
// (Float64Array.prototype.sort: ascending, -0 before +0, NaNs last; descending reverses, NaNs
// still last), compared bit for bit.

const bitsOf = (a: Float64Array | Float32Array): string[] =>
  a instanceof Float64Array
    ? Array.from(new BigUint64Array(a.buffer, a.byteOffset, a.length), (x) => x.toString(16))
    : Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length), (x) => x.toString(16));

/** What weft documents: the built-in sort; descending = its reverse with the NaNs moved last. */
function expected<T extends Float64Array | Float32Array>(src: T, desc: boolean): T {
  const ctor = src.constructor as { new (n: number): T };
  const e = new ctor(src.length);
  e.set(src as any);
  e.sort();
  if (desc) {
    const nonNaN = Array.from(e).filter((x) => !Number.isNaN(x)).length;
    const head = new ctor(nonNaN);
    head.set(e.subarray(0, nonNaN) as any);
    head.reverse();
    const nans = e.slice(nonNaN);
    e.set(head as any, 0);
    e.set(nans as any, nonNaN);
  }
  return e;
}

async function checkFloat(name: string, xs: ArrayLike<number>, kind: "f64" | "f32" = "f64") {
  for (const desc of [false, true]) {
    for (const chunkSize of [undefined, Math.max(1, Math.ceil(xs.length / 7))]) {
      const a = kind === "f64" ? new Float64Array(new SharedArrayBuffer(8 * xs.length)) : new Float32Array(new SharedArrayBuffer(4 * xs.length));
      a.set(xs);
      const want = expected(a, desc);
      await parallel.sort(a, { pool, chunkSize, descending: desc });
      expect(bitsOf(a), `${name} (${kind}) ${desc ? "descending" : "ascending"}, chunkSize ${chunkSize}`).toEqual(bitsOf(want));
    }
  }
}

describe("par_sort_unstable on floats", () => {
  const next = rng(99);
  const rand = (n: number) => Array.from({ length: n }, () => (next() / 2 ** 32 - 0.5) * 1e6);

  it("random", async () => {
    await checkFloat("random", rand(20_000));
    await checkFloat("random", rand(20_000), "f32");
  });
  it("sorted", async () => {
    await checkFloat("sorted", rand(5000).sort((a, b) => a - b));
  });
  it("reversed", async () => {
    await checkFloat("reversed", rand(5000).sort((a, b) => b - a));
  });
  it("all equal", async () => {
    await checkFloat("all equal", new Array(3000).fill(1.5));
    await checkFloat("all zero", new Array(3000).fill(0));
  });
  it("-0 and +0 (-0 first ascending, +0 first descending)", async () => {
    await checkFloat("zeros", Array.from({ length: 1000 }, (_, i) => (i % 3 === 0 ? -0 : i % 3 === 1 ? 0 : (i % 2 ? 1 : -1))));
  });
  it("infinities and extremes", async () => {
    const xs = [Infinity, -Infinity, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, -Number.MIN_VALUE, 0, -0, 1, -1];
    await checkFloat("extremes", Array.from({ length: 500 }, (_, i) => xs[i % xs.length]!));
  });
  it("NaN-containing (the canonical NaN)", async () => {
    await checkFloat("NaNs", rand(4000).map((x, i) => (i % 17 === 0 ? NaN : x)));
    await checkFloat("NaNs", rand(4000).map((x, i) => (i % 17 === 0 ? NaN : x)), "f32");
    await checkFloat("only NaNs", new Array(100).fill(NaN));
  });
  // Found by this port: the docs promised Float64Array.prototype.sort's order "bit for bit", NaNs
  // included; the radix sort groups NaNs by bit pattern instead (V8's order among them follows its
  // sort's internals). The docs now say so (thirteenth session), and this checks what they say.
  it("NaNs with other bit patterns (negative NaN, payloads): all last, each keeping its bits, grouped by pattern", async () => {
    const raw = new Float64Array(8);
    const bits = new BigUint64Array(raw.buffer);
    bits[0] = 0x7ff8000000000001n; // quiet NaN with a payload
    bits[1] = 0xfff8000000000000n; // negative NaN
    bits[2] = 0x7ff0000000000001n; // signalling-pattern NaN
    bits[3] = 0xfff0000000000005n;
    // The input is built bit by bit (a NaN read into a JS number need not keep its bits).
    const n = 400;
    const src = new Float64Array(n);
    const srcBits = new BigUint64Array(src.buffer);
    for (let i = 0; i < n; i++) {
      if (i % 5 === 0) srcBits[i] = bits[(i / 5) % 4]!;
      else src[i] = (i % 2 ? 1 : -1) * i;
    }
    for (const desc of [false, true]) {
      const a = new Float64Array(new SharedArrayBuffer(8 * n));
      new BigUint64Array(a.buffer).set(srcBits);
      const want = expected(src, desc);
      await parallel.sort(a, { pool, descending: desc });
      const got = bitsOf(a), exp = bitsOf(want);
      const k = n - n / 5; // the NaNs are the last n/5
      // Every number in place, and the same NaN bit patterns at the end (payloads preserved)…
      expect(got.slice(0, k), desc ? "descending" : "ascending").toEqual(exp.slice(0, k));
      expect([...got.slice(k)].sort()).toEqual([...exp.slice(k)].sort());
      // …each pattern in one run (grouped), not interleaved.
      const runs = new Set<string>();
      for (let i = k; i < n; i++) {
        if (i > k && got[i] !== got[i - 1]) expect(runs.has(got[i]!), `NaN pattern ${got[i]} in two runs`).toBe(false);
        runs.add(got[i]!);
      }
      expect(runs.size).toBe(4);
    }
  });
  it("descending on integers: largest first, both paths", async () => {
    const v = sharedI32(Int32Array.from({ length: 70_000 }, (_, i) => ((i * 2654435761) | 0) % 1000));
    await parallel.sort(v, { pool, descending: true });
    expect(isSorted(v, true)).toBe(true);
    const w = new Int8Array(new SharedArrayBuffer(300));
    for (let i = 0; i < 300; i++) w[i] = (i * 37) % 256 - 128;
    await parallel.sort(w, { pool, descending: true, chunkSize: 16 });
    expect(isSorted(w, true)).toBe(true);
    expect(w[0]).toBe(127);
    expect(w[299]).toBe(-128);
  });
});
