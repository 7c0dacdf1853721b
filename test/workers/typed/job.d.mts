import type { Mutex } from "../../../dist/index.js";

export interface Job {
  label: string;
  values: number[];
  bytes: Uint8Array;
  when: Date;
  tags: Set<string>;
}

export interface Report {
  label: string;
  total: number;
  bytes: number[];
  when: number;
  tags: string[];
  counter: number;
}

declare const run: (counter: Mutex<Int32Array>, job: Job) => Promise<Report>;
export default run;
export declare const square: (x: number) => number;
export declare const echo: <V>(v: V) => V;
