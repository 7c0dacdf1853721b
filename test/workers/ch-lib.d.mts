import type { Receiver, Sender } from "../../dist/index.js";

export declare const SEQ_BITS: number;
export declare function padLen(p: number, s: number, sizes: readonly number[]): number;
export declare function padFor(p: number, s: number, sizes: readonly number[]): string;
export declare function makeMsg(codec: string, p: number, s: number, sizes: readonly number[]): unknown;
export declare function readMsg(codec: string, m: unknown, sizes: readonly number[]): [number, number] | null;
export declare function codecOf(name: string): any;
export declare function isNumericCodec(name: string): boolean;
export interface ProduceConfig {
  id: number;
  count: number;
  mode: string;
  batch?: number;
  sizes?: readonly number[];
  codec?: string;
}
export interface ConsumeConfig {
  mode: string;
  limit?: number;
  batch?: number;
  sizes?: readonly number[];
  codec?: string;
}
export interface History {
  seen: Int32Array;
  bad: number;
  sample?: string;
}
export declare function produce(tx: Sender<any>, cfg: ProduceConfig): Promise<number>;
export declare function consume(rx: Receiver<any>, cfg: ConsumeConfig): Promise<History>;
export declare function sleep(ms: number): void;
