// One-liner lint tests: run one rule (or all) over source text and get back
// `{ code, message, line, column }` records.

import { checkFile } from "../../src/check";
import { specifiedRules, type LintRule } from "../../src/check/rules";
import { loadProgram } from "../../src/program/parse-and-load";
import type { Diagnostic } from "../../src/diagnostics/diagnostic";

export interface Finding {
  code: string;
  message: string;
  line: number;
  column: number;
  help?: string;
}

export function lintText(text: string, rules: readonly LintRule[] = specifiedRules, path = "test.deid"): Finding[] {
  const program = loadProgram(path, [], text);
  const syntax = program.entry.diagnostics.filter((d) => d.severity === "error");
  if (syntax.length > 0) throw new Error(`test source does not parse: ${syntax.map((d) => d.message).join("; ")}`);
  return toFindings(checkFile(program.entry, program, rules), program.entry.source);
}

export function toFindings(diags: Diagnostic[], source: { position(o: number): { line: number; column: number } }): Finding[] {
  return diags.map((d) => {
    const p = source.position(d.span.start);
    return { code: d.code, message: d.message, line: p.line, column: p.column, ...(d.help ? { help: d.help } : {}) };
  });
}

export function expectClean(text: string, rules: readonly LintRule[] = specifiedRules): void {
  const f = lintText(text, rules);
  if (f.length > 0) throw new Error(`expected no findings, got: ${JSON.stringify(f, null, 2)}`);
}
