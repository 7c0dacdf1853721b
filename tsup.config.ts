import { defineConfig } from "tsup";

// One build for the package: ESM + CJS + .d.ts. The worker entries (`worker.ts` for spawn,
// `pool-worker.ts` for ThreadPool) are built beside `index.ts` with code splitting on, so a
// worker and the user's `import "weft"` share one module instance (and so one thread identity)
// per thread. `kernels.ts` is the parallel helpers' worker-side library, which pool workers import
// by URL (src/parallel/parallel.ts finds it).
export default defineConfig({
  entry: {
    index: "src/index.ts",
    worker: "src/thread/worker-entry.ts",
    "pool-worker": "src/pool/worker-entry.ts",
    kernels: "src/parallel/kernels.ts",
  },
  format: ["esm", "cjs"],
  dts: { entry: { index: "src/index.ts", kernels: "src/parallel/kernels.ts" } },
  target: "es2022",
  platform: "neutral",
  splitting: true,
  sourcemap: true,
  clean: true,
  shims: true,
  treeshake: false,
  // No keepNames: it wraps every function, per-call closures included, in __name(); the exported
  // classes get their names in src/names.ts instead.
  keepNames: false,
});
