export type Step = readonly unknown[];
export interface LogEntry {
  ok?: unknown;
  err?: string;
  kind?: string;
  value?: unknown;
  message?: string;
}
export declare function runScript(ends: Record<string, unknown>, steps: readonly Step[]): Promise<LogEntry[]>;
declare const run: (ends: Record<string, unknown>, steps: readonly Step[]) => Promise<LogEntry[]>;
export default run;
