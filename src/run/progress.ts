// The progress line on stderr. Drawn only on an interactive terminal: in a CI
// log or a redirected file, carriage-return animation is noise, so there the
// run prints only its per-object messages and the final summary.

export interface TextSink {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Redraws at most this often, so a batch of tiny files spends its time on files, not on the terminal. */
const REDRAW_MS = 100;

export function shouldShowProgress(stream: TextSink, env: Readonly<Record<string, string | undefined>>): boolean {
  return stream.isTTY === true && env.TERM !== "dumb" && !env.CI;
}

export function formatMegabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}

export class ProgressLine {
  private lastDraw = 0;
  private visible = false;
  private readonly started: number;

  constructor(
    private readonly stream: TextSink,
    private readonly enabled: boolean,
    private readonly totalFiles: number,
    private readonly totalBytes: number,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.started = clock();
  }

  update(doneFiles: number, doneBytes: number): void {
    if (!this.enabled) return;
    const now = this.clock();
    if (now - this.lastDraw < REDRAW_MS && doneFiles < this.totalFiles) return;
    this.lastDraw = now;
    const seconds = (now - this.started) / 1000;
    const fraction = this.totalBytes > 0 ? doneBytes / this.totalBytes : this.totalFiles > 0 ? doneFiles / this.totalFiles : 1;
    const rate = seconds > 0 ? doneBytes / seconds : 0;
    const eta = rate > 0 ? formatDuration((this.totalBytes - doneBytes) / rate) : "-:--";
    const text = ` ${doneFiles}/${this.totalFiles} files  ${formatMegabytes(rate)} MB/s  eta ${eta}`;
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - text.length - 3));
    const filled = Math.min(width, Math.round(fraction * width));
    this.stream.write(`\r\x1b[K[${"#".repeat(filled)}${" ".repeat(width - filled)}]${text}`);
    this.visible = true;
  }

  /** Erases the line, before a message is printed and at the end. */
  clear(): void {
    if (!this.visible) return;
    this.stream.write("\r\x1b[K");
    this.visible = false;
  }
}
