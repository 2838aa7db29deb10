// The human-readable form of diagnostics, in the layout rustc made familiar:
//
//   error[DEID2001]: unknown attribute keyword `PatientsName`
//     --> rules/site.deid:12:1
//      |
//   12 | PatientsName -> remove
//      | ^^^^^^^^^^^^
//      = help: did you mean `PatientName`?
//
// Columns in the `-->` line count UTF-16 code units, as the JSON and SARIF
// formats do, so a person and a tool reading the same run see the same
// numbers. The caret line, though, is laid out in terminal cells: tabs expand
// to tab stops and wide characters take two cells, so the carets stay under
// the text they mark.

import type { Span } from "../syntax/ast";
import type { Diagnostic, Severity } from "./diagnostic";
import { clampSpan, countSeverities, type SourcesByFile } from "./json";

export interface PrettyOptions {
  /** ANSI colours; the CLI passes `process.stdout.isTTY && !NO_COLOR` */
  color: boolean;
}

/** Cells between tab stops, the width most editors and terminals default to. */
export const TAB_WIDTH = 4;

/**
 * Renders each diagnostic, in the order given, then a summary line such as
 * `2 errors, 1 warning`. An empty list renders as the empty string: a clean
 * run prints nothing, as compilers do.
 */
export function renderPretty(diagnostics: readonly Diagnostic[], sources: SourcesByFile, options: PrettyOptions): string {
  if (diagnostics.length === 0) return "";
  const paint = painter(options.color);
  const blocks = diagnostics.map((d) => renderDiagnostic(d, sources, paint));
  return blocks.join("\n") + "\n" + renderSummary(diagnostics, paint) + "\n";
}

// ---------------------------------------------------------------- colour

type Style = "error" | "warning" | "info" | "emphasis" | "gutter";

const ansi: Record<Style, string> = {
  error: "\x1b[1;31m",
  warning: "\x1b[1;33m",
  info: "\x1b[1;36m",
  emphasis: "\x1b[1m",
  gutter: "\x1b[1;34m",
};
const ansiReset = "\x1b[0m";

type Paint = (text: string, style: Style) => string;

function painter(color: boolean): Paint {
  return color ? (text, style) => (text === "" ? text : ansi[style] + text + ansiReset) : (text) => text;
}

// ---------------------------------------------------------------- one diagnostic

function renderDiagnostic(d: Diagnostic, sources: SourcesByFile, paint: Paint): string {
  const lines: string[] = [];
  lines.push(`${paint(`${d.severity}[${d.code}]`, d.severity)}${paint(`: ${visible(d.message)}`, "emphasis")}`);

  const source = sources.get(d.file);
  const span = clampSpan(d.span, source);
  const start = source?.position(span.start);
  // The gutter is as wide as the line number it shows.
  const gutterWidth = start ? String(start.line).length : 1;
  const pad = " ".repeat(gutterWidth);
  const bar = paint("|", "gutter");

  lines.push(`${pad}${paint("-->", "gutter")} ${visible(d.file)}${start ? `:${start.line}:${start.column}` : ""}`);
  if (source && start) {
    const lineText = source.lineText(start.line);
    // Offset of the first character of the line: the column counts from it.
    const lineStart = span.start - (start.column - 1);
    const from = span.start - lineStart;
    // A span that runs past its first line is underlined to that line's end.
    const to = Math.min(span.end - lineStart, lineText.length);
    const layout = layoutLine(lineText, from, to);
    lines.push(`${pad} ${bar}`);
    lines.push(`${paint(String(start.line), "gutter")} ${bar}${layout.text === "" ? "" : " " + layout.text}`);
    lines.push(`${pad} ${bar} ${" ".repeat(layout.caretStart)}${paint("^".repeat(layout.caretWidth), d.severity)}`);
  }

  const note = (label: string, text: string) =>
    lines.push(`${pad} ${paint("=", "gutter")} ${paint(`${label}:`, "emphasis")} ${visible(text)}`);
  if (d.help !== undefined) note("help", d.help);
  for (const r of d.related ?? []) note("note", `${locationText(r.file, r.span, sources)}: ${r.message}`);
  if (d.fix) note("fix", `${d.fix.description} (\`deidc lint --fix\` applies it)`);

  return lines.join("\n") + "\n";
}

/** `file:line:col`, or just `file` when its text is not at hand. */
function locationText(file: string, span: Span, sources: SourcesByFile): string {
  const source = sources.get(file);
  if (!source) return file;
  const { line, column } = source.position(clampSpan(span, source).start);
  return `${file}:${line}:${column}`;
}

function renderSummary(diagnostics: readonly Diagnostic[], paint: Paint): string {
  const counts = countSeverities(diagnostics);
  const parts: string[] = [];
  const add = (count: number, singular: string, severity: Severity) => {
    if (count > 0) parts.push(paint(`${count} ${singular}${count === 1 ? "" : "s"}`, severity));
  };
  add(counts.errors, "error", "error");
  add(counts.warnings, "warning", "warning");
  add(counts.infos, "info", "info");
  return parts.join(", ");
}

// ---------------------------------------------------------------- layout in terminal cells

export interface LineLayout {
  /** the line as it should be printed: tabs expanded, control characters made visible */
  text: string;
  /** cells before the first caret */
  caretStart: number;
  /** number of carets, at least one so an empty span still shows where it is */
  caretWidth: number;
}

/**
 * Lays out one source line for the terminal and finds the cells under the
 * UTF-16 range [from, to). A range that starts at or past the end of the line
 * (an error at the end of a line or of the file) gets one caret just after
 * the last character.
 */
export function layoutLine(lineText: string, from: number, to: number): LineLayout {
  let text = "";
  let cells = 0;
  let caretStart = -1;
  let caretEnd = -1;
  let i = 0;
  while (i < lineText.length) {
    if (caretStart < 0 && i >= from) caretStart = cells;
    if (caretEnd < 0 && i >= to) caretEnd = cells;
    const codePoint = lineText.codePointAt(i)!;
    const units = codePoint > 0xffff ? 2 : 1;
    if (codePoint === 0x09) {
      const stop = TAB_WIDTH - (cells % TAB_WIDTH);
      text += " ".repeat(stop);
      cells += stop;
    } else {
      const shown = visibleCodePoint(codePoint);
      text += shown;
      cells += cellWidth(shown.codePointAt(0)!);
    }
    i += units;
  }
  if (caretStart < 0) caretStart = cells;
  if (caretEnd < 0) caretEnd = cells;
  return { text, caretStart, caretWidth: Math.max(caretEnd - caretStart, 1) };
}

/**
 * Control characters would move the cursor, ring the bell or start an escape
 * sequence in the user's terminal; they are shown as the Unicode pictures
 * that name them (C0 and DEL) or as U+FFFD (C1, lone surrogates).
 */
function visibleCodePoint(codePoint: number): string {
  if (codePoint < 0x20) return String.fromCodePoint(0x2400 + codePoint);
  if (codePoint === 0x7f) return "\u2421";
  if (codePoint >= 0x80 && codePoint < 0xa0) return "\ufffd";
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return "\ufffd";
  return String.fromCodePoint(codePoint);
}

/** Message text made safe for a terminal: one line, no control sequences. */
function visible(text: string): string {
  let out = "";
  for (const ch of text) {
    const codePoint = ch.codePointAt(0)!;
    out += codePoint === 0x09 ? " " : visibleCodePoint(codePoint);
  }
  return out;
}

/**
 * Terminal cells a code point takes: 0 for combining marks and other
 * zero-width characters, 2 for East Asian wide and fullwidth characters and
 * emoji, 1 otherwise. The ranges cover the scripts that appear in DICOM
 * person names and descriptions (Japanese, Chinese, Korean) rather than the
 * whole of Unicode's East Asian Width table.
 */
function cellWidth(codePoint: number): number {
  if (
    (codePoint >= 0x0300 && codePoint <= 0x036f) ||
    (codePoint >= 0x200b && codePoint <= 0x200f) ||
    (codePoint >= 0xfe00 && codePoint <= 0xfe0f) ||
    codePoint === 0xfeff
  )
    return 0;
  if (
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0x303e) ||
    (codePoint >= 0x3041 && codePoint <= 0x33ff) ||
    (codePoint >= 0x3400 && codePoint <= 0x4dbf) ||
    (codePoint >= 0x4e00 && codePoint <= 0x9fff) ||
    (codePoint >= 0xa000 && codePoint <= 0xa4cf) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x1f300 && codePoint <= 0x1f64f) ||
    (codePoint >= 0x1f900 && codePoint <= 0x1f9ff) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd)
  )
    return 2;
  return 1;
}
