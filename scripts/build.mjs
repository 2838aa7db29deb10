// Bundles the CLI into one ESM file. Chevrotain's unbundled entry loads
// lodash-es as hundreds of modules (~400 ms); bundled, start-up is ~30 ms.
import { build } from "esbuild";

// Three self-contained files: the CLI; the worker threads of `deidc run
// --jobs N` (runtime only, so each starts fast); and the runtime that
// generated plan modules import as "deidc/runtime" (package.json "exports").
await build({
  entryPoints: { deidc: "src/cli/main.ts", "run-worker": "src/run/worker-main.ts", runtime: "src/codegen/runtime.ts" },
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __deidcCreateRequire } from 'node:module'; const require = __deidcCreateRequire(import.meta.url);",
  },
  logLevel: "warning",
});
