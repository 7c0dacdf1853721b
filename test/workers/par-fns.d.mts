/**
 * The types of par-fns.mjs, so tests can name it with
 * `moduleRef<typeof import("../workers/par-fns.mjs")>(url)` and the compiler checks their calls.
 */
export declare const square: (x: number) => number;
export declare const affine: (x: number, i: number) => number;
export declare const add: (a: number, b: number) => number;
export declare const max: (a: number, b: number) => number;
export declare const xor: (a: number, b: number) => number;
export declare const asyncSquare: (x: number) => Promise<number>;
export declare const notAFunction: number;
export declare function boom(x: number, i: number): number;
export declare function slow(x: number): number;
/** Records the call in the shared hits array (`getEnvironmentData("weft-test-par-hits")`). */
export declare function mark(x: number, i: number): void;
/** Both join tasks meet here: `"<label>: met"` if the other ran at the same time, else `"<label>: alone"`. */
export declare function rendezvous(words: Int32Array<SharedArrayBuffer>, label: string): string;
export declare function fail(message: string): Promise<never>;
export declare const concat: (a: number, b: number) => string;
export declare function exitAt500(x: number, i: number): number;
