// `deidc lint <files...>`: parse and check rule files; exit 1 on errors or
// on more warnings than --max-warnings allows. With --fix, the fixes that
// findings carry are applied to the files first.

import type { Diagnostic } from "../diagnostics/diagnostic";
import { sortDiagnostics } from "../diagnostics/diagnostic";
import { checkProgram } from "../check";
import { fileTableDiagnostics } from "../check/lookup-tables";
import { LoadError, loadProgram } from "../program/parse-and-load";
import type { SourceText } from "../syntax/source";
import { EXIT_FINDINGS, EXIT_OK, UsageError } from "./exit";
import { expandRuleFiles } from "./files";
import { accessSync, chmodSync, constants, readFileSync, realpathSync, statSync } from "node:fs";
import { writeFileAtomicSync } from "../run/atomic";
import { parseFormat, renderDiagnostics } from "./output";

export interface LintOptions {
  format: string;
  maxWarnings?: string;
  fix?: boolean;
}

export function lintCommand(args: string[], opts: LintOptions): number {
  if (opts.fix) {
    // Fix, then report what is left: the findings a person still has to settle. A fix can make way for
    // another (one that overlapped it, or a finding that only the fixed text raises): a few passes.
    const files = expandRuleFiles(args);
    let fixes = 0;
    const fixed = new Set<string>();
    const problems = new Map<string, string>();
    for (let pass = 0; pass < FIX_PASSES; pass++) {
      const applied = applyFixes(lintFiles(files), problems);
      if (applied.fixes === 0) break;
      fixes += applied.fixes;
      for (const f of applied.files) fixed.add(f);
    }
    if (fixes > 0) process.stderr.write(`deidc: applied ${fixes} fix${fixes === 1 ? "" : "es"} to ${fixed.size} file${fixed.size === 1 ? "" : "s"}\n`);
    for (const [file, why] of problems) process.stderr.write(`deidc: ${file}: not fixed: ${why}\n`);
    const code = lintReport(args, opts);
    return problems.size > 0 ? EXIT_FINDINGS : code;
  }
  return lintReport(args, opts);
}

/** Passes of `--fix` at most: each applies the fixes that do not overlap, and lints again. */
const FIX_PASSES = 10;

/** The files' findings, the texts they were read from, and the files `--fix` may write: those named, never the standard library. */
interface Linted {
  diagnostics: Diagnostic[];
  sources: Map<string, SourceText>;
  editable: Set<string>;
}

/**
 * Applies each file's fixes, last first so that earlier offsets stay valid; a fix that overlaps one
 * already applied waits for the next pass. Only the files named on the command line are written
 * (not a file they import, nor the standard library), each atomically and once a pass, through a
 * symbolic link to the file it names, with its mode kept. A file that is not UTF-8, that changed
 * since it was read, or that cannot be written is left as it is, and said so.
 */
function applyFixes(linted: Linted, problems: Map<string, string>): { fixes: number; files: string[] } {
  const byFile = new Map<string, NonNullable<Diagnostic["fix"]>[]>();
  for (const d of linted.diagnostics) {
    if (!d.fix || !linted.editable.has(d.fix.file) || problems.has(d.fix.file)) continue;
    const list = byFile.get(d.fix.file) ?? [];
    list.push(d.fix);
    byFile.set(d.fix.file, list);
  }
  let fixes = 0;
  const written: string[] = [];
  for (const [file, list] of byFile) {
    const read = readForFixing(file, linted.sources.get(file)!.text);
    if (typeof read === "string") {
      problems.set(file, read);
      continue;
    }
    let text = linted.sources.get(file)!.text;
    let floor = Infinity;
    let insertedAtFloor = false;
    let applied = 0;
    list.sort((a, b) => b.span.start - a.span.start || b.span.end - a.span.end);
    for (const fix of list) {
      const insertion = fix.span.start === fix.span.end;
      // Overlapping, or a second insertion at one point (whose order nothing decides): next pass.
      if (fix.span.end > floor || (insertion && insertedAtFloor && fix.span.start === floor)) continue;
      text = text.slice(0, fix.span.start) + fix.text + text.slice(fix.span.end);
      floor = fix.span.start;
      insertedAtFloor = insertion;
      applied++;
    }
    try {
      writeFileAtomicSync(read.target, [new TextEncoder().encode(text)], { mode: read.mode });
      chmodSync(read.target, read.mode);
    } catch (e) {
      problems.set(file, `cannot write it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      continue;
    }
    fixes += applied;
    written.push(file);
  }
  return { fixes, files: written };
}

/** The file a fix is written to, and how; or why it is not fixed. */
function readForFixing(file: string, linted: string): { target: string; mode: number } | string {
  try {
    const target = realpathSync(file);
    accessSync(target, constants.W_OK);
    const mode = statSync(target).mode & 0o7777;
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(readFileSync(target));
    } catch {
      return "it is not UTF-8 text, and writing it back would change its other characters";
    }
    if (text !== linted) return "it changed while it was being linted";
    return { target, mode };
  } catch (e) {
    return `cannot write it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
}

function lintReport(args: string[], opts: LintOptions): number {
  const format = parseFormat(opts.format);
  const maxWarnings = opts.maxWarnings === undefined ? Infinity : Number(opts.maxWarnings);
  if (!(maxWarnings === Infinity || (Number.isInteger(maxWarnings) && maxWarnings >= 0))) {
    throw new UsageError(`--max-warnings must be a whole number of 0 or more, not \`${opts.maxWarnings}\``);
  }
  const files = expandRuleFiles(args);
  const { diagnostics, sources } = lintFiles(files);
  sortDiagnostics(diagnostics);
  const text = renderDiagnostics(diagnostics, sources, format, process.stdout);
  if (format !== "pretty" || diagnostics.length > 0) process.stdout.write(text.endsWith("\n") ? text : text + "\n");
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.filter((d) => d.severity === "warning").length;
  if (format === "pretty" && diagnostics.length === 0) process.stderr.write(`${files.length} file${files.length === 1 ? "" : "s"} checked, no problems\n`);
  return errors > 0 || warnings > maxWarnings ? EXIT_FINDINGS : EXIT_OK;
}

function lintFiles(files: readonly string[]): Linted {
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, SourceText>();
  const editable = new Set<string>();
  const seen = new Set<string>();
  for (const path of files) {
    try {
      const program = loadProgram(path);
      for (const f of program.files) sources.set(f.path, f.source);
      // Only the file named: a file it imports may be shared by other profiles.
      if (!program.entry.fromStdlib) editable.add(program.entry.path);
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
  return { diagnostics, sources, editable };
}
