// The checker: runs every lint rule over a file in one traversal. What it
// guarantees when it reports no error: every attribute keyword resolves in
// the data dictionary, every name resolves to a declaration, every function
// exists and gets its arguments, every action is legal for the VR of the
// attributes it names statically, every condition is boolean and compares
// values of one type, every regular expression compiles, every unit named
// exists and is of the right kind. test/check/guarantees.test.ts tests that.

import type { Diagnostic } from "../diagnostics/diagnostic";
import { sortDiagnostics } from "../diagnostics/diagnostic";
import type { Program } from "../program/program";
import type { ParsedFile } from "../program/units";
import { unitsOfFile } from "../program/units";
import { visitInParallel } from "../syntax/visitor";
import { makeContext } from "./context";
import { specifiedRules, type LintRule } from "./rules";
import { buildScope } from "./scope";

export const MAX_DIAGNOSTICS_PER_FILE = 500;

export function checkFile(file: ParsedFile, program: Program, rules: readonly LintRule[] = specifiedRules): Diagnostic[] {
  const sink: Diagnostic[] = [];
  const units = unitsOfFile(file).map((u) => program.units.get(u.name) ?? u);
  const ctx = makeContext(file, program, buildScope(file.ast), units, sink);
  visitInParallel(file.ast, rules.map((rule) => rule(ctx)));
  if (sink.length <= MAX_DIAGNOSTICS_PER_FILE) return sink;
  // Errors first: cut in the order the rules found them, 500 warnings could hide the one error that must stop compile and run.
  return [...sink.filter((d) => d.severity === "error"), ...sink.filter((d) => d.severity !== "error")].slice(0, MAX_DIAGNOSTICS_PER_FILE);
}

/**
 * All diagnostics of a program's entry file (syntax, loading, then checks),
 * and the errors of every other file it loaded but the standard library's:
 * an imported option that does not parse, or names an attribute that does
 * not exist, makes the program unusable as much as the entry's own errors.
 * The warnings of an imported file are reported when it is linted itself.
 */
export function checkProgram(program: Program): Diagnostic[] {
  const out: Diagnostic[] = [...program.entry.diagnostics, ...program.diagnostics.filter((d) => d.file === program.entry.path)];
  out.push(...checkedDiagnostics(program.entry, program));
  for (const file of program.files) {
    if (file === program.entry || file.fromStdlib) continue;
    const own = [...file.diagnostics, ...program.diagnostics.filter((d) => d.file === file.path), ...checkedDiagnostics(file, program)];
    out.push(...own.filter((d) => d.severity === "error"));
  }
  return sortDiagnostics(out);
}

/** A file that does not parse has a partial AST; checking it would pile follow-on errors onto the syntax errors. */
function checkedDiagnostics(file: ParsedFile, program: Program): Diagnostic[] {
  return file.diagnostics.some((d) => d.severity === "error") ? [] : checkFile(file, program);
}
