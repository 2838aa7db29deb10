// Bundles the CLI into dist/: deidc.mjs and the chunks it imports. Chevrotain's unbundled entry loads
// lodash-es as hundreds of modules (~400 ms); bundled, it loads as one chunk (docs/run.md, "Performance",
// gives the measured start-up).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { build } from "esbuild";

// Start-up work the bundle does at build time instead (see the README, "Performance").
const precompiledIrValidator = await buildIrValidatorModule();
const precompileIrValidator = {
  name: "precompile-ir-validator",
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]ir[\\/]schema-validator\.ts$/ }, () => ({ contents: precompiledIrValidator, loader: "js" }));
  },
};

/** The text of src/ir/schema-validator.ts's `precompiledModule()`, run from a throwaway bundle of that file. */
async function buildIrValidatorModule() {
  const result = await build({ entryPoints: ["src/ir/schema-validator.ts"], bundle: true, platform: "node", format: "esm", write: false, logLevel: "warning" });
  const url = `data:text/javascript;base64,${Buffer.from(result.outputFiles[0].text).toString("base64")}`;
  return (await import(url)).precompiledModule();
}

// Three entry points: the CLI; the worker threads of `deidc run --jobs N`
// (runtime only, so each starts fast); and the runtime that generated plan
// modules import as "deidc/runtime" (package.json "exports"). They share
// chunks (dist/chunk-*.mjs) rather than each holding a copy.
const built = await build({
  entryPoints: { deidc: "src/cli/main.ts", "run-worker": "src/run/worker-main.ts", runtime: "src/codegen/runtime.ts" },
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Code the entry points share, and each command's module (imported when the command runs: src/cli/main.ts), in
  // chunks beside them: `deidc run` does not compile the importers' and the IR validator's code at start-up.
  splitting: true,
  chunkNames: "chunk-[hash]",
  sourcemap: "linked",
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __deidcCreateRequire } from 'node:module'; const require = __deidcCreateRequire(import.meta.url);",
  },
  // Chevrotain's grammar checks run in the tests (from source), not at every start of the CLI.
  define: { "process.env.DEIDC_SKIP_GRAMMAR_VALIDATION": '"1"' },
  plugins: [precompileIrValidator],
  logLevel: "warning",
  metafile: true,
});

// Chunk names carry a hash of their content: those of an earlier build would pile up. Removed after this build
// wrote its own, so that a deidc already running (another test process) finds the chunks it imports.
const current = new Set(Object.keys(built.metafile.outputs).map((path) => relative("dist", path)));
for (const name of readdirSync("dist")) if (name.startsWith("chunk-") && !current.has(name)) rmSync(join("dist", name));

// The standard library's syntax trees, parsed now rather than at every start
// (src/program/stdlib-preparsed.ts: a tree is used only for the exact text it
// was parsed from).
await writePreparsedStdlib();

async function writePreparsedStdlib() {
  const result = await build({
    entryPoints: ["src/syntax/parse.ts"],
    bundle: true,
    platform: "node",
    format: "esm",
    write: false,
    logLevel: "warning",
    define: { "process.env.DEIDC_SKIP_GRAMMAR_VALIDATION": '"1"' },
  });
  const { parseDeid } = await import(`data:text/javascript;base64,${Buffer.from(result.outputFiles[0].text).toString("base64")}`);
  const trees = {};
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".deid")) {
        const rel = relative("stdlib", path).split(sep).join("/");
        const text = readFileSync(path, "utf8");
        const { file, diagnostics } = parseDeid(text, rel);
        if (diagnostics.length > 0) throw new Error(`stdlib/${rel} does not parse cleanly: ${diagnostics[0].message}`);
        trees[rel] = { sha256: createHash("sha256").update(text).digest("hex"), ast: file };
      }
    }
  };
  walk("stdlib");
  writeFileSync(join("dist", "stdlib-parsed.json"), JSON.stringify(trees));
}
