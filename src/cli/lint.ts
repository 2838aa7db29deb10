// `deidc lint <files...>`: parse and check rule files; exit 1 on errors or
// on more warnings than --max-warnings allows.

import type { Diagnostic } from "../diagnostics/diagnostic";
import { sortDiagnostics } from "../diagnostics/diagnostic";
import { checkProgram } from "../check";
import { LoadError, loadProgram } from "../program/parse-and-load";
import type { SourceText } from "../syntax/source";
import { EXIT_FINDINGS, EXIT_OK } from "./exit";
import { expandRuleFiles } from "./files";
import { parseFormat, renderDiagnostics } from "./output";

export interface LintOptions {
  format: string;
  maxWarnings?: string;
}

export function lintCommand(args: string[], opts: LintOptions): number {
  const format = parseFormat(opts.format);
  const maxWarnings = opts.maxWarnings === undefined ? Infinity : Number(opts.maxWarnings);
  const files = expandRuleFiles(args);
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, SourceText>();
  for (const path of files) {
    try {
      const program = loadProgram(path);
      for (const f of program.files) sources.set(f.path, f.source);
      diagnostics.push(...checkProgram(program));
    } catch (e) {
      if (!(e instanceof LoadError)) throw e;
      diagnostics.push({ code: "DEID4001", severity: "error", file: path, span: { start: 0, end: 0 }, message: e.message });
    }
  }
  sortDiagnostics(diagnostics);
  const text = renderDiagnostics(diagnostics, sources, format, process.stdout);
  if (format !== "pretty" || diagnostics.length > 0) process.stdout.write(text.endsWith("\n") ? text : text + "\n");
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.filter((d) => d.severity === "warning").length;
  if (format === "pretty" && diagnostics.length === 0) process.stderr.write(`${files.length} file${files.length === 1 ? "" : "s"} checked, no problems\n`);
  return errors > 0 || warnings > maxWarnings ? EXIT_FINDINGS : EXIT_OK;
}
