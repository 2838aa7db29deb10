// `deidc compile <profile> --emit ir|ts|js|bundle`: the checked, flattened
// profile as JSON (ir), or code generated from it (src/codegen): a plan
// module in TypeScript (ts) or JavaScript (js), or a standalone processor
// (bundle) that runs like `deidc run` and imports as a library.

import { chmodSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { emitBundle, emitJavaScript, emitTypeScript } from "../codegen/emit";
import { irText } from "../codegen/generate";
import { compileProfile } from "../compile";
import { irTableDiagnostics } from "../check/lookup-tables";
import { hasErrors, sortDiagnostics } from "../diagnostics/diagnostic";
import { COMPILER_VERSION } from "../version";
import { validateIr } from "../ir/validate";
import { EXIT_FINDINGS, EXIT_OK, UsageError } from "./exit";
import { renderDiagnostics } from "./output";
import type { SourceText } from "../syntax/source";

/** What `--emit` accepts. */
export const EMIT_KINDS = ["ir", "ts", "js", "bundle"] as const;
export type EmitKind = (typeof EMIT_KINDS)[number];

export interface CompileCliOptions {
  /** what to produce; when absent, chosen from the -o extension (.mjs bundle, .ts ts, .js js), else ir */
  emit?: string;
  with?: string[];
  output?: string;
}

function emitFor(opts: CompileCliOptions): EmitKind {
  if (opts.emit !== undefined) {
    if (!(EMIT_KINDS as readonly string[]).includes(opts.emit)) throw new UsageError(`--emit must be one of ${EMIT_KINDS.join(", ")}, not \`${opts.emit}\``);
    return opts.emit as EmitKind;
  }
  const ext = opts.output ? extname(opts.output).toLowerCase() : "";
  return ext === ".mjs" ? "bundle" : ext === ".ts" || ext === ".mts" ? "ts" : ext === ".js" ? "js" : "ir";
}

/** Writes through a temporary file and a rename, so a reader never sees half a file. */
function writeAtomically(path: string, text: string, mode?: number): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, mode === undefined ? {} : { mode });
  if (mode !== undefined) chmodSync(tmp, mode);
  renameSync(tmp, path);
}

function emitText(text: string, output: string | undefined): void {
  if (output) writeAtomically(output, text);
  else process.stdout.write(text);
}

/**
 * The module specifier generated plan modules import the runtime with: the
 * package's own export (package.json "exports": dist/runtime.mjs, typed by
 * src/codegen/runtime.ts), so a module works wherever deidc is installed, not
 * only beside this checkout. docs/compile.md says how to use it.
 */
export const RUNTIME_SPECIFIER = "deidc/runtime";

/** `processor.mjs` -> `processor.d.mts`, which TypeScript reads for `import … from "./processor.mjs"`. */
function declarationsPath(output: string): string {
  return join(dirname(output), `${basename(output, extname(output))}.d.mts`);
}

function commandLine(entry: string, emit: EmitKind, opts: CompileCliOptions): string {
  const withOptions = (opts.with ?? []).map((w) => ` --with ${w}`).join("");
  return `deidc compile ${entry}${withOptions} --emit ${emit}${opts.output ? ` -o ${opts.output}` : ""}`;
}

/**
 * Returns the exit code: directly for ir, ts and js, as a promise for a
 * bundle, whose build (esbuild with plugins) is asynchronous. Callers that
 * may emit a bundle await the result.
 */
export function compileCommand(entry: string, opts: CompileCliOptions & { emit: "ir" | "ts" | "js" }): number;
export function compileCommand(entry: string, opts: CompileCliOptions): number | Promise<number>;
export function compileCommand(entry: string, opts: CompileCliOptions): number | Promise<number> {
  const emit = emitFor(opts);
  if (emit === "bundle" && !opts.output) throw new UsageError("--emit bundle writes a program file: give -o, e.g. -o processor.mjs");
  // Node runs a file as an ES module by its extension; a processor named otherwise would not start.
  if (emit === "bundle" && extname(opts.output!).toLowerCase() !== ".mjs") throw new UsageError(`--emit bundle writes an ES module, so -o must end in .mjs (not ${opts.output})`);
  const result = compileProfile(entry, { withOptions: opts.with ?? [] });
  const sources = new Map<string, SourceText>(result.program.files.map((f) => [f.path, f.source]));
  // Its lookup tables, read and checked as `deidc run` does: what is compiled here runs with them (docs/run.md, "Lookup tables").
  const tables = result.ir ? irTableDiagnostics(result.ir, result.program) : [];
  const problems = sortDiagnostics([...result.diagnostics, ...tables].filter((d) => d.severity !== "info"));
  if (problems.length > 0) process.stderr.write(renderDiagnostics(problems, sources, "pretty", process.stderr) + "\n");
  if (!result.ir || hasErrors(tables)) return EXIT_FINDINGS;
  const ir = result.ir;
  // What leaves the process (the IR, or the plan and processor made from it) is checked against src/ir/schema.json.
  validateIr(ir);
  const options = { deidcVersion: COMPILER_VERSION, command: commandLine(entry, emit, opts) };
  switch (emit) {
    case "ir":
      emitText(irText(ir), opts.output);
      return EXIT_OK;
    case "ts":
      emitText(emitTypeScript(ir, RUNTIME_SPECIFIER, options), opts.output);
      return EXIT_OK;
    case "js":
      emitText(emitJavaScript(ir, RUNTIME_SPECIFIER, options), opts.output);
      return EXIT_OK;
    case "bundle": {
      const output = opts.output!;
      return emitBundle(ir, options).then((processor) => {
        // A program: executable, like the deidc CLI itself.
        writeAtomically(output, processor.code, 0o755);
        writeAtomically(declarationsPath(output), processor.declarations);
        return EXIT_OK;
      });
    }
  }
}
