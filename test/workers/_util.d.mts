/** Types of _util.mjs, for the TypeScript tests that import it. */
export declare function rng(seed: number): () => number;
export declare const pick: (r: () => number, n: number) => number;
export declare function work(n: number): number;
export declare const nap: (ms: number) => "ok" | "not-equal" | "timed-out";
export declare function awaitFlag(words: Int32Array, i: number, ms?: number): void;
export declare function setFlag(words: Int32Array, i: number, v?: number): void;
export declare const errName: (e: unknown) => string;
