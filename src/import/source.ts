// A source profile being imported (a CTP script or a deid recipe) and the
// findings about it. Every finding points into the source file, never into
// the generated .deid text: the person reading it knows the source.

import type { Diagnostic, Related } from "../diagnostics/diagnostic";
import type { Span } from "../syntax/ast";
import { SourceText } from "../syntax/source";
import { type ImportCodeValue, importSeverity } from "./codes";

export class ImportSource {
  /** the path as the user gave it; diagnostics name the file this way */
  readonly path: string;
  readonly text: string;
  readonly source: SourceText;
  private readonly lineStarts: number[];

  constructor(path: string, text: string) {
    this.path = path;
    // A byte order mark is not part of either format's text.
    this.text = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    this.source = new SourceText(path, this.text);
    this.lineStarts = [0];
    for (let i = 0; i < this.text.length; i++) {
      const c = this.text.charCodeAt(i);
      if (c === 10) this.lineStarts.push(i + 1);
      else if (c === 13) {
        if (this.text.charCodeAt(i + 1) === 10) i++;
        this.lineStarts.push(i + 1);
      }
    }
  }

  /** Offset of 1-based `line`, `column` (columns in UTF-16 code units). */
  offsetOf(line: number, column: number): number {
    const start = this.lineStarts[Math.max(0, Math.min(line, this.lineStarts.length) - 1)] ?? 0;
    return Math.min(this.text.length, start + Math.max(0, column - 1));
  }

  /** The span of a whole 1-based line, without its line break. */
  lineSpan(line: number): Span {
    const start = this.lineStarts[line - 1] ?? this.text.length;
    let end = this.lineStarts[line] ?? this.text.length;
    while (end > start && (this.text.charCodeAt(end - 1) === 10 || this.text.charCodeAt(end - 1) === 13)) end--;
    return { start, end };
  }

  /** The 1-based line of an offset. */
  lineOf(offset: number): number {
    return this.source.position(offset).line;
  }
}

export interface FindingOptions {
  help?: string;
  related?: Related[];
}

/** Collects the findings of one import, in the order they are made. */
export class Findings {
  readonly list: Diagnostic[] = [];

  add(source: ImportSource, code: ImportCodeValue, span: Span, message: string, options: FindingOptions = {}): void {
    const severity = importSeverity.get(code);
    if (!severity) throw new Error(`import finding code ${code} is not registered`);
    const finding: Diagnostic = { code, severity, file: source.path, span, message };
    if (options.help) finding.help = options.help;
    if (options.related && options.related.length > 0) finding.related = options.related;
    this.list.push(finding);
  }

  /** A finding about the generated profile itself, which has no source span. */
  addGenerated(file: string, code: ImportCodeValue, message: string, help: string): void {
    this.list.push({ code, severity: importSeverity.get(code) ?? "error", file, span: { start: 0, end: 0 }, message, help });
  }
}
