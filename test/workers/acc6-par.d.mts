/** Types of acc6-par.mjs (for moduleRef). */
export declare const plusOne: (x: number) => number;
export declare const identity: (x: number) => number;
export declare const index: (x: number, i: number) => number;
export declare const add: (a: number, b: number) => number;
export declare const min: (a: number, b: number) => number;
export declare const max: (a: number, b: number) => number;
export declare const first: (a: number, b: number) => number;
export declare const last: (a: number, b: number) => number;
export declare function inspect(x: number): void;
