// `deidc lint <files...>`: parse and check rule files; exit 1 on errors or
// on more warnings than --max-warnings allows.

import type { Diagnostic } from "../diagnostics/diagnostic";
import { sortDiagnostics } from "../diagnostics/diagnostic";
import { checkProgram } from "../check";
import { fileTableDiagnostics } from "../check/lookup-tables";
import { LoadError, loadProgram } from "../program/parse-and-load";
import type { SourceText } from "../syntax/source";
import { EXIT_FINDINGS, EXIT_OK, UsageError } from "./exit";
import { expandRuleFiles } from "./files";
import { parseFormat, renderDiagnostics } from "./output";

export interface LintOptions {
  format: string;
  maxWarnings?: string;
}

export function lintCommand(args: string[], opts: LintOptions): number {
  const format = parseFormat(opts.format);
  const maxWarnings = opts.maxWarnings === undefined ? Infinity : Number(opts.maxWarnings);
  if (!(maxWarnings === Infinity || (Number.isInteger(maxWarnings) && maxWarnings >= 0))) {
    throw new UsageError(`--max-warnings must be a whole number of 0 or more, not \`${opts.maxWarnings}\``);
  }
  const files = expandRuleFiles(args);
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, SourceText>();
  const seen = new Set<string>();
  for (const path of files) {
    try {
      const program = loadProgram(path);
      for (const f of program.files) sources.set(f.path, f.source);
      // The tables its lookups name, read as `deidc run` reads them; an imported file's errors only,
      // as checkProgram does, and not a file that does not parse.
      const tables = program.files
        .filter((f) => !f.fromStdlib && !f.diagnostics.some((d) => d.severity === "error"))
        .flatMap((f) => fileTableDiagnostics(f).filter((d) => f === program.entry || d.severity === "error"));
      // A file imported by several linted files reports its errors once.
      for (const d of [...checkProgram(program), ...tables]) {
        const key = `${d.file}\0${d.code}\0${d.span.start}\0${d.span.end}\0${d.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        diagnostics.push(d);
      }
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
