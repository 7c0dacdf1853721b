import type { Mutex, Sender } from "../../../dist/index.js";

export interface Outcome {
  label: string;
  total: number;
}
declare const main: (counter: Mutex<Int32Array<SharedArrayBuffer>>, n: number, label?: string) => Outcome;
export default main;
export declare const fib: (n: number) => number;
export declare const greet: (name: string) => string;
export declare const asyncLen: (s: string) => Promise<number>;
export declare const makeFn: () => () => number;
export declare const sq: (x: number, i: number) => number;
export declare const sqAsync: (x: number) => Promise<number>;
export declare const toStr: (x: number) => string;
export declare const optional: (a: number, b?: string) => string;
export declare const rest: (...xs: number[]) => number;
export declare const notFn: number;
export declare const counts: (words: string[]) => Map<string, number>;
export declare const echo: (v: unknown) => unknown;
export declare const describeErr: (e: Error) => string;
export declare const viaChannel: (tx: Sender<number>, n: number) => number;
