// `deidc compile <profile> --emit ir`: the checked, flattened profile as JSON.

import { writeFileSync, renameSync } from "node:fs";
import { compileProfile } from "../compile";
import { EXIT_FINDINGS, EXIT_OK, UsageError } from "./exit";
import { renderDiagnostics } from "./output";
import type { SourceText } from "../syntax/source";

export interface CompileCliOptions {
  emit: string;
  with?: string[];
  output?: string;
}

export function compileCommand(entry: string, opts: CompileCliOptions): number {
  if (opts.emit !== "ir") throw new UsageError(`--emit ${opts.emit} is not available yet; this version emits \`ir\``);
  const result = compileProfile(entry, { withOptions: opts.with ?? [] });
  const sources = new Map<string, SourceText>(result.program.files.map((f) => [f.path, f.source]));
  const problems = result.diagnostics.filter((d) => d.severity !== "info");
  if (problems.length > 0) process.stderr.write(renderDiagnostics(problems, sources, "pretty", process.stderr) + "\n");
  if (!result.ir) return EXIT_FINDINGS;
  const text = JSON.stringify(result.ir, null, 2) + "\n";
  if (opts.output) {
    const tmp = `${opts.output}.tmp-${process.pid}`;
    writeFileSync(tmp, text);
    renameSync(tmp, opts.output);
  } else process.stdout.write(text);
  return EXIT_OK;
}
