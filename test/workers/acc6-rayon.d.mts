/** Types of acc6-rayon.mjs used by the tests on the main thread. */
import type { ThreadLocal } from "../../dist/index.js";
export declare const LOCAL: ThreadLocal<{ value: number }>;
