// Offsets are what every pass stores; lines and columns are computed here,
// only when something is shown to a person.

export interface Position {
  /** 1-based */
  line: number;
  /** 1-based, in UTF-16 code units */
  column: number;
}

export class SourceText {
  readonly path: string;
  readonly text: string;
  private lineStarts: number[] | null = null;

  constructor(path: string, text: string) {
    this.path = path;
    this.text = text;
  }

  private starts(): number[] {
    if (this.lineStarts) return this.lineStarts;
    const t = this.text;
    // A byte order mark is no character of line 1: columns count from the
    // character after it, as editors count them.
    const starts = [t.charCodeAt(0) === 0xfeff ? 1 : 0];
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (t.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
    return starts;
  }

  position(offset: number): Position {
    const starts = this.starts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    // Offset 0 of a file that starts with a byte order mark is column 1 too.
    return { line: lo + 1, column: Math.max(offset - starts[lo]!, 0) + 1 };
  }

  /** The offset of a 1-based line and column (clamped to the text), for locations known by line. */
  offsetOf(line: number, column: number): number {
    const starts = this.starts();
    const start = starts[Math.min(Math.max(line, 1), starts.length) - 1]!;
    return Math.min(start + Math.max(column, 1) - 1, this.text.length);
  }

  /** The text of a 1-based line, without its line break (nor, on line 1, a byte order mark). */
  lineText(line: number): string {
    const starts = this.starts();
    const start = starts[line - 1];
    if (start === undefined) return "";
    const next = starts[line];
    let end = next === undefined ? this.text.length : next;
    while (end > start && (this.text.charCodeAt(end - 1) === 10 || this.text.charCodeAt(end - 1) === 13)) end--;
    return this.text.slice(start, end);
  }

  get lineCount(): number {
    return this.starts().length;
  }
}
