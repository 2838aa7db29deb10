// The run's messages go to stderr, which can break or be read by a terminal.
// A reader that goes away (`deidc run ... 2>&1 | head`) closes the pipe:
// writing to it fails with EPIPE, which Node raises as an 'error' event and,
// unhandled, ends the process in the middle of a batch. Messages are a
// courtesy; the report is the record. So after the first failed write the
// run goes on silently. File names come from the disk and may hold line
// breaks or terminal escape sequences: they are shown escaped, so one
// message stays one line and a file name cannot drive the terminal.

import type { TextSink } from "./progress";

interface ErrorEmitter {
  on(event: "error", listener: (error: Error) => void): unknown;
}

/**
 * `stream` as the run writes to it: every write after the first failure is
 * dropped. Takes the stream's 'error' events, so a closed pipe is not fatal.
 */
export function guardedSink(stream: TextSink & ErrorEmitter): TextSink {
  let broken = false;
  stream.on("error", () => {
    broken = true;
  });
  return {
    get isTTY() {
      return stream.isTTY;
    },
    get columns() {
      return stream.columns;
    },
    write(text: string): boolean {
      if (broken) return false;
      try {
        stream.write(text);
        return true;
      } catch {
        broken = true;
        return false;
      }
    },
  };
}

// C0 and C1 controls, DEL, the Unicode line and paragraph separators and the
// bidirectional formatting characters (which reorder what follows them); tab stays.
const UNSAFE_FOR_TERMINAL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/** One message line with every control character shown as an escape (`\n`, `\x1b`). */
export function terminalSafe(line: string): string {
  return line.replace(UNSAFE_FOR_TERMINAL, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
