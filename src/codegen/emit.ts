// `deidc compile --emit ts|js|bundle`: the generated plan module as
// TypeScript, as JavaScript (the same module without its type syntax, written
// by the generator itself), or as one standalone ESM processor that bundles
// the runtime and the `deidc run` driver but no part of the compiler (built
// by esbuild, a development dependency with a native binary: only bundles
// need it).

import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type * as Esbuild from "esbuild";
import type { IrProgram } from "../ir/types";
import { processorDeclarations } from "./bundle/declarations";
import { inlineCodecsPlugin } from "../runtime/pixels/codecs/bundling";
import { generatePlanModule, preambleLines, profileIdentity } from "./generate";

export interface EmitOptions {
  /** version of the deidc that generates */
  deidcVersion: string;
  /** the command line that regenerates the artifact, for its preamble */
  command?: string;
}

/** The deidc package folder (with src/ beside dist/), found from this module's location. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "deidc") return dir;
      } catch {
        // not a readable package.json: keep looking upwards
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find the deidc package folder (package.json named deidc) above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** Folder of the code generator's runtime sources, which generated modules and bundles import. */
export function codegenSources(): string {
  const dir = join(packageRoot(), "src", "codegen");
  if (!existsSync(join(dir, "runtime.ts"))) {
    throw new Error(`the runtime sources are not installed (${join(dir, "runtime.ts")} is missing); generated code and processors are built from them`);
  }
  return dir;
}

function loadEsbuild(): typeof Esbuild {
  try {
    // Loaded only for bundle output, and not bundled into the CLI: esbuild ships a native binary.
    return createRequire(import.meta.url)("esbuild") as typeof Esbuild;
  } catch (e) {
    throw new Error(`--emit bundle needs the esbuild package: ${(e as Error).message}`);
  }
}

/**
 * esbuild keeps only "legal" comments (`//!`, `/*!`). Whole-line comments of
 * the generated code (rule sources, section notes, doc comments) are marked
 * legal before bundling and unmarked after, so the bundle keeps them.
 */
function markComments(ts: string): string {
  return ts.replace(/^(\s*)\/\/(?!!)/gm, "$1//!").replace(/^(\s*)\/\*\*/gm, "$1/*!*");
}

function unmarkComments(js: string): string {
  return js.replace(/^(\s*)\/\/!/gm, "$1//").replace(/^(\s*)\/\*!\*/gm, "$1/**");
}

/** The plan module as TypeScript, importing the runtime from `runtimeImport`. */
export function emitTypeScript(ir: IrProgram, runtimeImport: string, options: EmitOptions): string {
  return generatePlanModule(ir, { runtimeImport, deidcVersion: options.deidcVersion, ...(options.command ? { command: options.command } : {}) });
}

/** The plan module as JavaScript (ESM): the TypeScript module's code and comments without its type syntax. */
export function emitJavaScript(ir: IrProgram, runtimeImport: string, options: EmitOptions): string {
  return generatePlanModule(ir, { runtimeImport, language: "js", deidcVersion: options.deidcVersion, ...(options.command ? { command: options.command } : {}) });
}

/** Parts of the source tree that are the compiler; a processor that pulled one in would carry chevrotain. */
const COMPILER_PARTS = ["src/syntax", "src/check", "src/program", "src/stdlib", "src/diagnostics/catalog.ts", "grammar"];

/** The processor's entry: the plan module's identity, the library functions, and main when run as a program. */
const ENTRY = `import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import * as plan from "deidc:plan";
import { MissingSecretError, ObjectNotWrittenError, processorLibrary, RunSetupError } from "./bundle/library";
import { isMainModule, processorMain } from "./bundle/cli";
import { runWorkerData, serveRunWorker } from "../run/workers";
import { isWriterThread, serveWriter } from "../run/writer-thread";

export { PROFILE, PROFILE_TITLE, OPTIONS, STANDARD_RELEASE, DEIDC_VERSION, IR_HASH } from "deidc:plan";
export { MissingSecretError, ObjectNotWrittenError, RunSetupError };
// Rule files named relative to the profile are found beside this file: tables and key files travel with it.
export const { createDeidentifier, deidentify, deidentifyStream } = processorLibrary(plan, dirname(fileURLToPath(import.meta.url)));

// --jobs starts this same file as worker threads; they run the generated code, not the interpreter.
// and as its writer thread.
const worker = runWorkerData();
if (worker) {
  serveRunWorker(worker, (_ir, env) => plan.createProcessor(env));
} else if (isWriterThread()) {
  serveWriter();
} else if (isMainModule(import.meta.url)) {
  processorMain(process.argv, plan).then((code) => {
    process.exitCode = code;
  });
}
`;

/**
 * `deidc run`'s driver compiles its profile argument; in a processor that step returns the compiled-in IR.
 * The processor stands in for the profile's folder: the rule files the IR names (for `from file` keys and
 * lookup tables) are taken relative to the processor file's own folder, whatever the working directory.
 */
const COMPILE_STEP = `import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { IR } from "deidc:plan";

export async function compileProfileLazily() {
  return { program: { files: [], baseDir: dirname(fileURLToPath(import.meta.url)) }, diagnostics: [], ir: IR };
}
`;

function processorPlugin(root: string, codegen: string, planSource: string, deidcVersion: string): Esbuild.Plugin {
  const compileModule = join(root, "src", "compile-program.ts");
  const buildModule = join(root, "src", "ir", "build.ts");
  const versionModule = join(root, "src", "version.ts");
  return {
    name: "deidc-processor",
    setup(build) {
      build.onResolve({ filter: /^deidc:plan$/ }, () => ({ path: "plan", namespace: "deidc" }));
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (args.namespace !== "file" || args.resolveDir.includes(`${sep}node_modules${sep}`)) return undefined;
        const target = resolve(args.resolveDir, args.path);
        const file = existsSync(`${target}.ts`) ? `${target}.ts` : target;
        if (file === compileModule) return { path: "compile", namespace: "deidc" };
        if (file === buildModule || file === versionModule) return { path: "version", namespace: "deidc" };
        const inTree = relative(root, file).split(sep).join("/");
        if (COMPILER_PARTS.some((p) => inTree === p || inTree.startsWith(`${p}/`))) {
          return { errors: [{ text: `a processor must not contain the compiler, but ${relative(root, args.importer)} imports ${args.path}` }] };
        }
        return undefined;
      });
      build.onResolve({ filter: /^(chevrotain|@chevrotain\/)/ }, (args) => ({
        errors: [{ text: `a processor must not contain the compiler, but ${relative(root, args.importer)} imports ${args.path}` }],
      }));
      build.onLoad({ filter: /.*/, namespace: "deidc" }, (args) => {
        if (args.path === "plan") return { contents: planSource, loader: "ts", resolveDir: codegen };
        if (args.path === "compile") return { contents: COMPILE_STEP, loader: "ts", resolveDir: codegen };
        return { contents: `export const COMPILER_VERSION = ${JSON.stringify(deidcVersion)};\n`, loader: "ts" };
      });
    },
  };
}

export interface Processor {
  /** the standalone ESM program and library */
  code: string;
  /** TypeScript declarations for importing it (processor.d.mts) */
  declarations: string;
}

/** One standalone ESM file: plan, runtime, `deidc run` driver and library API, no compiler. */
export async function emitBundle(ir: IrProgram, options: EmitOptions): Promise<Processor> {
  const root = packageRoot();
  const codegen = codegenSources();
  const identity = profileIdentity(ir, options.deidcVersion);
  const planSource = markComments(emitTypeScript(ir, "./runtime", options));
  const preamble = [
    ...preambleLines(identity, ir, options.command),
    "//",
    "// A standalone de-identification processor for this profile (runtime included, compiler not):",
    "//   program:  node processor.mjs <input...> -o <dir> [--key-file F] [--report r.jsonl]  (options, report and exit codes of deidc run; --help)",
    '//   library:  import { deidentify } from "./processor.mjs"; deidentify(bytes, { key }) -> { output, record }',
  ];
  const result = await loadEsbuild().build({
    stdin: { contents: ENTRY, loader: "ts", resolveDir: codegen, sourcefile: "processor.ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    write: false,
    legalComments: "inline",
    logLevel: "silent",
    banner: {
      // CommonJS dependencies bundled into ESM call require() for Node built-ins.
      js: ["#!/usr/bin/env node", ...preamble, "import { createRequire as __processorCreateRequire } from 'node:module'; const require = __processorCreateRequire(import.meta.url);"].join("\n"),
    },
    // The codecs' WebAssembly is inlined: a processor runs from a folder without node_modules.
    plugins: [processorPlugin(root, codegen, planSource, options.deidcVersion), inlineCodecsPlugin()],
  });
  const code = unmarkComments(result.outputFiles[0]!.text);
  return { code, declarations: processorDeclarations(identity, preamble) };
}
