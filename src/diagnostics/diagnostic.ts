// Diagnostics are data. Passes return them; formatters (pretty, JSON, SARIF)
// live beside this file and never influence what is reported.

import type { Span } from "../syntax/ast";

export type Severity = "error" | "warning" | "info";

export interface Related {
  file: string;
  span: Span;
  message: string;
}

/** A text edit that fixes the problem: replace `span` of `file` with `text`. */
export interface Fix {
  description: string;
  file: string;
  span: Span;
  text: string;
}

export interface Diagnostic {
  /** stable code, `DEID` + 4 digits; see src/diagnostics/codes.ts */
  code: string;
  severity: Severity;
  /** the file the span points into, as the user named it */
  file: string;
  span: Span;
  /** lower case, no final period, user input in backticks, one line */
  message: string;
  /** what to do about it */
  help?: string;
  related?: Related[];
  fix?: Fix;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Orders diagnostics by file, then position, then code, for stable output. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.span.start - b.span.start ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}
