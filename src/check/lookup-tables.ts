// Lookup tables as `deidc lint` and `deidc compile` see them: the run's own
// reading and checks (src/run/tables.ts, readTables), reported as diagnostics
// at the `lookup` that names each table, before anything runs.
//
// Severity (docs/run.md, "Lookup tables"): a table that is present but does
// not fit its lookups is an error everywhere. A table that cannot be read is
// an error for `deidc compile` (DEID4001), whose output reads it relative to
// the rule file when it runs, but only a warning for `deidc lint` (DEID4002):
// pseudonym tables hold original identifiers and are often kept off the
// machines that lint (CI), while the machine that compiles and runs must have
// them.

import type { Diagnostic } from "../diagnostics/diagnostic";
import type { IrProgram } from "../ir/types";
import { displayPathOfIrSource, fileOfIrSource, type Program } from "../program/program";
import type { ParsedFile } from "../program/units";
import { readTables, tableUses, type TableProblem, type TableUse } from "../run/tables";
import type { LookupAction, Span } from "../syntax/ast";
import { visitInParallel } from "../syntax/visitor";

const UNAVAILABLE_HELP = "a table is read relative to the rule file that names it; `deidc run` and `deidc compile` refuse to start without it";

function diagnosticOf(problem: TableProblem, file: string, span: Span, unavailableSeverity: "error" | "warning"): Diagnostic {
  const unavailable = problem.kind === "unavailable";
  return {
    code: unavailable && unavailableSeverity === "warning" ? "DEID4002" : "DEID4001",
    severity: unavailable ? unavailableSeverity : "error",
    file,
    span,
    message: problem.kind === "content" ? `lookup table \`${problem.table}\` does not fit its lookups: ${problem.message}` : problem.message,
    help: unavailable
      ? unavailableSeverity === "warning"
        ? `${UNAVAILABLE_HELP}; where the tables are kept off this machine on purpose, expect this warning here`
        : UNAVAILABLE_HELP
      : problem.kind === "content"
        ? "fix the table: a header row, then one row per key, the key columns first and the value last"
        : "use one table name per meaning",
  };
}

/** Every `lookup` of a file, in source order (those in `else` branches too). */
function lookupsOf(file: ParsedFile): LookupAction[] {
  const found: LookupAction[] = [];
  visitInParallel(file.ast, [{ LookupAction: (node) => void found.push(node) }]);
  return found;
}

/**
 * `deidc lint`: the tables a file's lookups name, read and checked as `deidc run` would. Checks
 * that need the whole profile (one written path meaning two files of different rule files) are
 * `deidc compile`'s and `deidc run`'s.
 */
export function fileTableDiagnostics(file: ParsedFile): Diagnostic[] {
  const spans = new Map<TableUse, Span>();
  const uses = lookupsOf(file).map((node): TableUse => {
    const { line, column } = file.source.position(node.table.span.start);
    const use: TableUse = { table: node.table.value, keyCount: node.keys.length, source: { file: file.path, line, column } };
    spans.set(use, node.table.span);
    return use;
  });
  if (uses.length === 0) return [];
  // The uses name the file by its display path, which is relative to the working folder.
  return readTables(uses).problems.map((p) => diagnosticOf(p, file.path, spans.get(p.use)!, "warning"));
}

/** `deidc compile`: the tables of every lookup of the compiled profile (its options and base included); every problem is an error. */
export function irTableDiagnostics(ir: IrProgram, program: Program): Diagnostic[] {
  const uses = tableUses(ir);
  if (uses.length === 0) return [];
  const shownAs = (id: string): string => displayPathOfIrSource(program, id);
  return readTables(uses, program.baseDir, shownAs).problems.map((p) => diagnosticOf(p, shownAs(p.use.source.file), spanOf(p.use, program), "error"));
}

/** The table name of the lookup a use comes from: the first lookup of that table at or after the rule's selector. */
function spanOf(use: TableUse, program: Program): Span {
  const file = fileOfIrSource(program, use.source.file);
  if (!file) return { start: 0, end: 0 };
  const ruleStart = file.source.offsetOf(use.source.line, use.source.column);
  const node = lookupsOf(file).find((n) => n.table.value === use.table && n.span.start >= ruleStart);
  return node ? node.table.span : { start: ruleStart, end: ruleStart };
}
