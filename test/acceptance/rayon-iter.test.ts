/**
 * An independent port of the tests of rayon's src/iter/test.rs that map onto weft's parallel
 * helpers (`parallel.sum / map / forEach / reduce` over typed arrays in shared memory).
 * The file has 161 #[test]s; weft has no parallel *iterator*, only these four helpers over a
 * whole typed array, so most of them test adaptors weft lacks.
 *
 * Ported (14 of 161; 147 not ported, listed below): execute, execute_cloned, execute_range, execute_unindexed_range,
 *   check_map_indexed, map_sum, map_reduce, map_reduce_with, check_inspect, min_max,
 *   check_empty, check_once, check_chunks_uneven, check_lengths — plus weft-only checks of what a
 *   rayon user relies on: results equal to the sequential ones for odd lengths and every
 *   chunkSize, an associative but non-commutative reduce, and the determinism of a float sum.
 * Mapping: a Vec<i32> / range = an Int32Array (or Float64Array) over a SharedArrayBuffer;
 * `.map(f).collect_into_vec(&mut b)` = parallel.map(a, b, url, "f"); `.sum()` = parallel.sum;
 * `.reduce(|| id, f)` = parallel.reduce(a, url, "f", id); `reduce_with(f)` (None when empty) =
 * reduce with f's identity; `.min()` / `.max()` = reduce with Math.min / Math.max from ±Infinity
 * (an empty slice: ±Infinity for None); `.inspect(f).sum()` = forEach(f) then sum; rayon's
 * `with_min_len / with_max_len / chunks(n)` = the helpers' `chunkSize` (a unit of scheduling in
 * weft, not a grouping of the output: check_chunks_* and check_lengths are ported as "any chunk
 * size gives the sequential result").
 * Scaled: min_max checks every prefix length 0..=130 and a few larger ones instead of 0..=1024;
 * check_lengths uses 64 Ki elements instead of 1 Mi.
 *
 * Not ported: execute_pseudo_indexed_range (i128 ranges: no 128-bit arrays), and the rest,
 * by the API weft lacks:
 *   - fold / fold_with / map_with / for_each_with / try_* / update: fold_map_reduce, fold_is_full,
 *     check_map_with, check_fold_with, check_for_each_with, check_update.
 *   - step_by / enumerate / skip / take / rev / chain / zip / zip_eq / interleave / split /
 *     flat_map / flatten / filter / filter_map / while_some / chunks(n) as an adaptor /
 *     windows / repeat / repeat_n / once / empty / walk_tree / blocks (by_exponential_blocks…):
 *     check_step_by, check_step_by_unaligned, check_step_by_rev, check_enumerate,
 *     check_enumerate_rev, check_indices_after_enumerate_split, check_increment, check_skip,
 *     check_take, check_rev, check_chain, check_zip, check_zip_into_par_iter,
 *     check_zip_into_mut_par_iter, check_zip_range, check_zip_eq, check_zip_eq_into_par_iter,
 *     check_zip_eq_into_mut_par_iter, check_zip_eq_range, check_interleave_eq,
 *     check_interleave_uneven, check_interleave_shortest, check_split, check_sum_filtered_ints,
 *     check_sum_filtermap_ints, check_flat_map_nested_ranges, check_empty_flat_map_sum,
 *     check_flatten_vec, check_flatten_vec_empty, check_while_some, check_chunks_even_size,
 *     check_chunks_empty, check_chunks_len, check_windows, check_repeat_find_any,
 *     check_repeat_take, check_repeat_zip, check_repeat_n_zip_left, check_repeat_n_zip_right,
 *     count_repeat_n_clones, walk_tree_prefix, walk_tree_postfix, walk_flat_tree_prefix,
 *     walk_flat_tree_postfix, walk_tree_prefix_degree5, walk_tree_postfix_degree5, blocks.
 *   - slice adaptors par_split / split_inclusive / chunks / chunks_mut (and their _mut forms):
 *     check_slice_split, check_slice_split_inclusive, check_slice_split_mut,
 *     check_slice_split_inclusive_mut, check_chunks, check_chunks_mut.
 *   - comparisons of iterators (cmp / partial_cmp / eq / ne / lt / le / gt / ge): check_cmp_direct,
 *     check_cmp_to_seq, check_cmp_rng_to_seq, check_cmp_lt_direct, check_cmp_lt_to_seq,
 *     check_cmp_gt_direct, check_cmp_gt_to_seq, check_partial_cmp_direct,
 *     check_partial_cmp_to_seq, check_partial_cmp_rng_to_seq, check_partial_cmp_lt_direct,
 *     check_partial_cmp_lt_to_seq, check_partial_cmp_gt_direct, check_partial_cmp_gt_to_seq,
 *     check_partial_cmp_none_direct, check_partial_cmp_none_to_seq,
 *     check_partial_cmp_late_nan_direct, check_partial_cmp_late_nan_to_seq, check_cmp_lengths,
 *     check_eq_direct, check_eq_to_seq, check_ne_direct, check_ne_to_seq, check_ne_lengths,
 *     check_lt_direct, check_lt_to_seq, check_le_equal_direct, check_le_equal_to_seq,
 *     check_le_less_direct, check_le_less_to_seq, check_gt_direct, check_gt_to_seq,
 *     check_ge_equal_direct, check_ge_equal_to_seq, check_ge_greater_direct, check_ge_greater_to_seq.
 *   - collecting into / iterating other containers (Option, Result, BinaryHeap, BTreeMap, BTreeSet,
 *     HashMap, HashSet, LinkedList, VecDeque, Cow, Either) and extend / unzip / partition:
 *     check_options, check_results, check_binary_heap, check_btree_map, check_btree_set,
 *     check_hash_map, check_hash_set, check_linked_list, check_vec_deque, par_iter_collect_option,
 *     par_iter_collect_result, par_iter_collect, par_iter_collect_vecdeque,
 *     par_iter_collect_binaryheap, par_iter_collect_hashmap, par_iter_collect_hashset,
 *     par_iter_collect_btreemap, par_iter_collect_btreeset, par_iter_collect_linked_list,
 *     par_iter_collect_linked_list_flat_map_filter, par_iter_collect_cows,
 *     par_iter_unindexed_flat_map, check_extend_items, check_extend_heap, check_extend_pairs,
 *     check_unzip_into_vecs, check_unzip, check_partition, check_partition_map, check_either,
 *     check_either_extend.
 *   - count / find_* / min_by / max_by(_key) / position: check_count, find_any,
 *     find_first_or_last, find_map_first_or_last_or_any, check_find_not_present,
 *     check_find_is_present, min_max_by, min_max_by_key.
 *   - ownership and drops (no destructors in JS; the helpers never move elements): check_move,
 *     check_drops; indexed-ness as a type property: check_slice_indexed, check_slice_mut_indexed,
 *     check_vec_indexed, check_range_indexed (check_map_indexed is ported on its observable half:
 *     map sees each element's index).
 *   - rayon::scope: scope_mix. check_repeat_unbounded is #[ignore]d upstream.
 */
import { describe, expect, it, beforeAll, afterAll } from "vitest";
import { setEnvironmentData } from "node:worker_threads";
import { ThreadPool, moduleRef, parallel } from "../../dist/index.js";
import { within } from "../channel/util.js";

const F = moduleRef<typeof import("../workers/acc6-par.mjs")>(new URL("../workers/acc6-par.mjs", import.meta.url));
const inspectBuf = new SharedArrayBuffer(8);
setEnvironmentData("acc6-inspect", inspectBuf);

let pool: ThreadPool;
beforeAll(() => {
  pool = new ThreadPool({ threads: 2, name: "acc6-iter" });
});
afterAll(async () => {
  await pool.terminate();
});

const i32 = (n: number, f: (i: number) => number = (i) => i) => {
  const a = new Int32Array(new SharedArrayBuffer(4 * n));
  for (let i = 0; i < n; i++) a[i] = f(i);
  return a;
};
const f64 = (n: number, f: (i: number) => number) => {
  const a = new Float64Array(new SharedArrayBuffer(8 * n));
  for (let i = 0; i < n; i++) a[i] = f(i);
  return a;
};
/** A seeded stream of i32s (rayon's seeded StdRng). */
function seededI32(n: number, seed = 12345): Int32Array<SharedArrayBuffer> {
  let s = seed >>> 0;
  return i32(n, () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s | 0;
  });
}

describe("iter/test.rs", () => {
  it("execute (map(|i| i + 1) into a new vec)", async () => {
    const a = i32(1024);
    const b = i32(1024, () => 0);
    await parallel.map(a, b, F, "plusOne", { pool });
    expect(Array.from(b)).toEqual(Array.from({ length: 1024 }, (_, i) => i + 1));
  });

  it("execute_cloned (identity map copies every element)", async () => {
    const a = i32(1024);
    const b = i32(1024, () => -7);
    await parallel.map(a, b, F, "identity", { pool });
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it("execute_range (the same, in place: out is data)", async () => {
    const a = i32(1024);
    await parallel.map(a, a, F, "plusOne", { pool });
    expect(Array.from(a)).toEqual(Array.from({ length: 1024 }, (_, i) => i + 1));
  });

  it("execute_unindexed_range (i64 range → Float64Array, chunks of one element)", async () => {
    const a = f64(1024, (i) => i);
    const b = f64(1024, () => 0);
    await parallel.map(a, b, F, "plusOne", { pool, chunkSize: 1 });
    expect(Array.from(b)).toEqual(Array.from({ length: 1024 }, (_, i) => i + 1));
  });

  it.skip("execute_pseudo_indexed_range — i128 ranges: no 128-bit typed arrays", () => {});

  it("check_map_indexed (map is indexed: fn sees each element's own index)", async () => {
    const a = i32(3, (i) => i + 1);
    const b = i32(3, () => -1);
    await parallel.map(a, b, F, "index", { pool });
    expect(Array.from(b)).toEqual([0, 1, 2]);
  });

  it("map_sum", async () => {
    const a = i32(1024);
    const b = i32(1024);
    await parallel.map(a, b, F, "plusOne", { pool });
    expect(await parallel.sum(b, { pool })).toBe(Array.from(a).reduce((s, x) => s + x + 1, 0));
  });

  it("map_reduce", async () => {
    const a = i32(1024);
    await parallel.map(a, a, F, "plusOne", { pool });
    expect(await parallel.reduce(a, F, "add", 0, { pool })).toBe(1024 * 1025 / 2);
  });

  it("map_reduce_with (Some(sum); None for an empty input = the identity back)", async () => {
    const a = i32(1024);
    await parallel.map(a, a, F, "plusOne", { pool });
    expect(await parallel.reduce(a, F, "add", 0, { pool })).toBe(1024 * 1025 / 2);
    expect(await parallel.reduce(i32(0), F, "add", 0, { pool })).toBe(0);
  });

  it("check_inspect (every element visited once; the visit sum equals sum())", async () => {
    const counter = new Int32Array(inspectBuf);
    counter.fill(0);
    const a = i32(1024);
    await parallel.forEach(a, F, "inspect", { pool });
    expect(counter[1]).toBe(1024);
    expect(counter[0]).toBe(await parallel.sum(a, { pool }));
  });

  it("min_max (every prefix of 1024 seeded i32s, scaled)", async () => {
    const a = seededI32(1024);
    const lens = [...Array.from({ length: 131 }, (_, i) => i), 255, 256, 257, 511, 777, 1023, 1024];
    for (const len of lens) {
      const s = a.subarray(0, len);
      const seqMin = len === 0 ? Infinity : Math.min(...s);
      const seqMax = len === 0 ? -Infinity : Math.max(...s);
      const chunkSize = 1 + (len % 7); // several blocks even for short prefixes
      expect(await parallel.reduce(s, F, "min", Infinity, { pool, chunkSize }), `min of ${len}`).toBe(seqMin);
      expect(await parallel.reduce(s, F, "max", -Infinity, { pool, chunkSize }), `max of ${len}`).toBe(seqMax);
    }
  });

  it("check_empty (nothing is called, results are the identities)", async () => {
    const e = i32(0);
    const counter = new Int32Array(inspectBuf);
    counter.fill(0);
    await parallel.forEach(e, F, "inspect", { pool });
    await parallel.map(e, i32(0), F, "plusOne", { pool });
    expect(counter[1]).toBe(0);
    expect(Object.is(await parallel.sum(e, { pool }), 0)).toBe(true);
    expect(await parallel.reduce(e, F, "add", 0, { pool })).toBe(0);
    expect(await parallel.reduce(e, F, "max", -Infinity, { pool })).toBe(-Infinity);
    expect(Array.from(await parallel.sort(e, { pool }))).toEqual([]);
  });

  it("check_once (one element)", async () => {
    const a = i32(1, () => 42);
    const b = i32(1, () => 0);
    await parallel.map(a, b, F, "identity", { pool });
    expect(b[0]).toBe(42);
    expect(await parallel.sum(a, { pool })).toBe(42);
    expect(await parallel.reduce(a, F, "add", 0, { pool })).toBe(42);
    expect(await parallel.reduce(a, F, "first", -1, { pool })).toBe(42);
  });

  it("check_chunks_uneven (lengths 5, 1, 4 with chunk sizes 3, 5, 3: the sequential results)", async () => {
    for (const [len, n] of [[5, 3], [1, 5], [4, 3]] as const) {
      const v = i32(len);
      const out = i32(len, () => -1);
      await parallel.map(v, out, F, "plusOne", { pool, chunkSize: n });
      expect(Array.from(out)).toEqual(Array.from(v, (x) => x + 1));
      expect(await parallel.sum(v, { pool, chunkSize: n })).toBe(Array.from(v).reduce((s, x) => s + x, 0));
      expect(await parallel.reduce(v, F, "last", -1, { pool, chunkSize: n })).toBe(len - 1);
    }
  });

  it("check_lengths (any chunkSize: each element counted exactly once; scaled to 64 Ki)", async () => {
    const n = 64 * 1024;
    const a = i32(n, () => 1);
    for (const chunkSize of [1, 10, 100, 1000, 10_000, 100_000, 2 ** 31]) {
      expect(await within(parallel.sum(a, { pool, chunkSize }), `sum chunkSize ${chunkSize}`), `chunkSize ${chunkSize}`).toBe(n);
    }
  });
});

describe("what a rayon user relies on (weft-only checks)", () => {
  it("odd lengths around the block size: map / sum / reduce equal the sequential loop", async () => {
    for (const n of [2, 3, 7, 4095, 4097, 65_537, 99_999]) {
      const a = f64(n, (i) => (i % 13) - 6);
      const out = f64(n, () => NaN);
      await parallel.map(a, out, F, "plusOne", { pool });
      let ok = true;
      for (let i = 0; i < n; i++) if (out[i] !== a[i]! + 1) ok = false;
      expect(ok, `map ${n}`).toBe(true);
      let s = 0;
      for (const x of a) s += x;
      expect(await parallel.sum(a, { pool }), `sum ${n}`).toBe(s);
      expect(await parallel.reduce(a, F, "add", 0, { pool }), `reduce ${n}`).toBe(s);
    }
  });

  it("associative, non-commutative reduce: blocks are combined in index order", async () => {
    const n = 50_000;
    const a = i32(n, (i) => i + 1);
    for (const chunkSize of [undefined, 1, 3, 1000]) {
      expect(await parallel.reduce(a, F, "first", -1, { pool, chunkSize })).toBe(1);
      expect(await parallel.reduce(a, F, "last", -1, { pool, chunkSize })).toBe(n);
    }
  });

  it("a float sum is deterministic for a given chunkSize (same split, same rounding)", async () => {
    const a = f64(30_000, (i) => 1 / (i + 1) - (i % 3) * 1e-3);
    const chunkSize = 1000;
    const first = await parallel.sum(a, { pool, chunkSize });
    for (let k = 0; k < 3; k++) expect(Object.is(await parallel.sum(a, { pool, chunkSize }), first)).toBe(true);
    // with onProgress (one task per chunk) the units are the same, so the same rounding
    expect(Object.is(await parallel.sum(a, { pool, chunkSize, onProgress: () => {} }), first)).toBe(true);
  });
});
