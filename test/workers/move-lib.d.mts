export declare const SHAPES: readonly ["buffer", "view", "object", "map", "twice", "plain"];
export type Shape = (typeof SHAPES)[number];
export declare function makeBody(shape: Shape, size: number, seed: number, shared: Int32Array<SharedArrayBuffer>): any;
export declare function buffersOf(v: unknown): Set<ArrayBuffer>;
export declare function digest(v: unknown): { sum: number; bytes: number };
