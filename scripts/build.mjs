// Bundles the CLI into one ESM file. Chevrotain's unbundled entry loads
// lodash-es as hundreds of modules (~400 ms); bundled, start-up is ~30 ms.
import { build } from "esbuild";

await build({
  entryPoints: ["src/cli/main.ts"],
  outfile: "dist/deidc.mjs",
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
