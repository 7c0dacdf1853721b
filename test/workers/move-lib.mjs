/**
 * Shared by the move tests and their worker peer: messages of several shapes holding ArrayBuffers
 * (alone, under views at an offset, in objects, Maps, arrays, the same buffer twice, next to shared
 * memory), a digest of every byte a message holds, and the list of buffers a message owns.
 */

/** Shapes a message body can take. */
export const SHAPES = ["buffer", "view", "object", "map", "twice", "plain"];

const fill = (u8, seed) => {
  for (let i = 0; i < u8.length; i++) u8[i] = (seed + i * 7) & 255;
  return u8;
};

/** A message body of `shape` with `size` content bytes, filled from `seed`; `shared` is a SAB view. */
export function makeBody(shape, size, seed, shared) {
  switch (shape) {
    case "buffer":
      return fill(new Uint8Array(size), seed).buffer;
    case "view": {
      // A Float64Array in the middle of a bigger buffer: the whole buffer moves.
      const buf = new ArrayBuffer(8 * (Math.ceil(size / 8) + 2));
      fill(new Uint8Array(buf), seed);
      return new Float64Array(buf, 8, Math.ceil(size / 8));
    }
    case "object":
      return { label: `m${seed}`, data: fill(new Uint8Array(size), seed), shared, nested: [{ more: fill(new Uint8Array(3), seed + 1) }] };
    case "map":
      return new Map([["k", fill(new Uint8Array(size), seed).buffer], [1, [new Int16Array(fill(new Uint8Array(4), seed + 2).buffer)]]]);
    case "twice": {
      const buf = fill(new Uint8Array(size + 1), seed).buffer;
      return { whole: buf, tail: new Uint8Array(buf, 1) };
    }
    case "plain":
      return { n: seed, s: "no buffers here", list: [1, 2, 3] };
    default:
      throw new Error(`unknown shape ${shape}`);
  }
}

/** The ArrayBuffers (not shared memory) a body holds, each once. */
export function buffersOf(v, out = new Set(), seen = new Set()) {
  if (typeof v !== "object" || v === null || seen.has(v)) return out;
  seen.add(v);
  if (v instanceof ArrayBuffer) out.add(v);
  else if (ArrayBuffer.isView(v)) {
    if (v.buffer instanceof ArrayBuffer) out.add(v.buffer);
  } else if (v instanceof Map) for (const [k, x] of v) buffersOf(k, out, seen), buffersOf(x, out, seen);
  else if (Array.isArray(v)) for (const x of v) buffersOf(x, out, seen);
  else for (const k of Object.keys(v)) buffersOf(v[k], out, seen);
  return out;
}

/** An order-sensitive digest of every byte a body holds (views: their own bytes) and the byte count. */
export function digest(v, acc = { sum: 0, bytes: 0 }) {
  const add = (u8) => {
    for (let i = 0; i < u8.length; i++) acc.sum = (Math.imul(acc.sum, 31) + u8[i]) | 0;
    acc.bytes += u8.length;
  };
  if (v instanceof ArrayBuffer) add(new Uint8Array(v));
  else if (ArrayBuffer.isView(v)) add(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  else if (v instanceof Map) for (const [k, x] of v) digest(k, acc), digest(x, acc);
  else if (Array.isArray(v)) for (const x of v) digest(x, acc);
  else if (typeof v === "object" && v !== null) for (const k of Object.keys(v).sort()) digest(v[k], acc);
  else if (typeof v === "number") acc.sum = (Math.imul(acc.sum, 31) + v) | 0;
  return acc;
}
