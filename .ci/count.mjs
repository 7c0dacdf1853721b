// Prints "N passed, N failed" from vitest's JSON report; exits non-zero on any failure.
import { existsSync, readFileSync } from "node:fs";
const [file, statusArg] = process.argv.slice(2);
const status = Number(statusArg);
let passed = 0, failed = 0;
if (existsSync(file)) {
  const r = JSON.parse(readFileSync(file, "utf8"));
  passed = r.numPassedTests ?? 0;
  failed = (r.numFailedTests ?? 0) + (r.numRuntimeErrorTestSuites ?? 0);
  // A suite that failed to load counts as a failure even if vitest reports no failed test.
  for (const s of r.testResults ?? []) if (s.status === "failed" && (s.assertionResults ?? []).length === 0) failed++;
}
if (status !== 0 && failed === 0) failed = 1; // typecheck/build failed, or vitest failed outside a test
console.log(`${passed} passed, ${failed} failed`);
process.exit(status !== 0 || failed > 0 ? 1 : 0);
