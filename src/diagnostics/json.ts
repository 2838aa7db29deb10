// The machine-readable form of diagnostics: `deidc check --format json`.
//
// The document's shape is a contract with scripts and editors, described by
// diagnostics.schema.json beside this file. Every key is always present
// (absent values are `null` or `[]`), so consumers never test for missing
// keys, and `version` changes whenever a key changes meaning.
//
// The helpers that turn offsets into positions live here too: the pretty and
// SARIF formatters use them, so all three formats agree on every line and
// column.

import type { Span } from "../syntax/ast";
import type { SourceText } from "../syntax/source";
import { codes } from "./codes";
import type { Diagnostic, Severity } from "./diagnostic";

export const JSON_REPORT_VERSION = 1;

export interface JsonPosition {
  /** 1-based; null when the file's text was not available */
  line: number | null;
  /** 1-based, in UTF-16 code units; null when the file's text was not available */
  column: number | null;
  /** 0-based UTF-16 offset into the file's text */
  offset: number;
}

export interface JsonRelated {
  file: string;
  start: JsonPosition;
  end: JsonPosition;
  message: string;
}

export interface JsonFix {
  description: string;
  file: string;
  start: JsonPosition;
  end: JsonPosition;
  /** the text that replaces the range from `start` to `end` */
  text: string;
}

export interface JsonDiagnostic {
  code: string;
  /** the code's kebab-case name; null for a code missing from the code table */
  name: string | null;
  severity: Severity;
  file: string;
  start: JsonPosition;
  end: JsonPosition;
  message: string;
  help: string | null;
  related: JsonRelated[];
  fix: JsonFix | null;
}

export interface SeverityCounts {
  errors: number;
  warnings: number;
  infos: number;
}

export interface JsonReport {
  version: typeof JSON_REPORT_VERSION;
  diagnostics: JsonDiagnostic[];
  summary: SeverityCounts;
}

export type SourcesByFile = ReadonlyMap<string, SourceText>;

/**
 * Brings a span inside its file. A span past the end of the text, negative,
 * or ending before it starts is a bug in the pass that reported it, but the
 * report must still be shown: a formatter that throws hides every other
 * diagnostic too.
 */
export function clampSpan(span: Span, source: SourceText | undefined): Span {
  const limit = source ? source.text.length : Number.MAX_SAFE_INTEGER;
  const clamp = (offset: number) => (Number.isFinite(offset) ? Math.min(Math.max(Math.trunc(offset), 0), limit) : 0);
  const start = clamp(span.start);
  return { start, end: Math.max(clamp(span.end), start) };
}

/** Line and column of an offset that clampSpan has already brought inside the text. */
export function positionOf(source: SourceText | undefined, offset: number): JsonPosition {
  if (!source) return { line: null, column: null, offset };
  const { line, column } = source.position(offset);
  return { line, column, offset };
}

export function resolveSpan(file: string, span: Span, sources: SourcesByFile): { start: JsonPosition; end: JsonPosition } {
  const source = sources.get(file);
  const clamped = clampSpan(span, source);
  return { start: positionOf(source, clamped.start), end: positionOf(source, clamped.end) };
}

export function countSeverities(diagnostics: readonly Diagnostic[]): SeverityCounts {
  const counts: SeverityCounts = { errors: 0, warnings: 0, infos: 0 };
  for (const d of diagnostics) {
    if (d.severity === "error") counts.errors++;
    else if (d.severity === "warning") counts.warnings++;
    else counts.infos++;
  }
  return counts;
}

/** The report as plain data, in the order given (callers sort with sortDiagnostics). */
export function buildJsonReport(diagnostics: readonly Diagnostic[], sources: SourcesByFile): JsonReport {
  return {
    version: JSON_REPORT_VERSION,
    diagnostics: diagnostics.map((d) => toJsonDiagnostic(d, sources)),
    summary: countSeverities(diagnostics),
  };
}

/** The report as JSON text, indented for people and ending in a newline. */
export function renderJson(diagnostics: readonly Diagnostic[], sources: SourcesByFile): string {
  return JSON.stringify(buildJsonReport(diagnostics, sources), null, 2) + "\n";
}

function toJsonDiagnostic(d: Diagnostic, sources: SourcesByFile): JsonDiagnostic {
  return {
    code: d.code,
    name: codes.get(d.code)?.name ?? null,
    severity: d.severity,
    file: d.file,
    ...resolveSpan(d.file, d.span, sources),
    message: d.message,
    help: d.help ?? null,
    related: (d.related ?? []).map((r) => ({
      file: r.file,
      ...resolveSpan(r.file, r.span, sources),
      message: r.message,
    })),
    fix: d.fix
      ? {
          description: d.fix.description,
          file: d.fix.file,
          ...resolveSpan(d.fix.file, d.fix.span, sources),
          text: d.fix.text,
        }
      : null,
  };
}
