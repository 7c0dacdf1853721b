/** Types of acc6-thread.mjs used on the main thread. */
import type { ThreadLocal } from "../../dist/index.js";
export declare const FOO: ThreadLocal<{ v: number }>;
export declare const fns: Record<string, (...args: any[]) => unknown>;
declare const dispatch: (name: string, ...args: any[]) => unknown;
export default dispatch;
