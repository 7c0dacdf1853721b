/** Types of test/browser/run.mjs (a plain script, imported by browser.test.ts). */
export interface CaseResult {
  name: string;
  ok: boolean;
  ms?: number;
  error?: string;
}
/** The Chromium binary to use, or null: $WEFT_CHROMIUM, else the usual names on $PATH. */
export function findChromium(): string | null;
/** Runs the browser suite once in headless Chromium. */
export function runBrowserSuite(opts: {
  chromium: string;
  filter?: string;
  /** The randomized cases' seed (default: the time). */
  seed?: string;
  onResult?: (r: CaseResult) => void;
}): Promise<{ passed: number; failed: number; results: CaseResult[]; finished: boolean; log: string }>;
