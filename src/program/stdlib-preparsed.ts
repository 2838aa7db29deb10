// Standard-library files parsed when deidc was built. Every `deidc run`,
// `lint` and `explain` of a profile based on ps315.basic reads the same
// standard-library files; parsing them (Chevrotain building its parser, then
// lexing and parsing some 1,500 lines) was about 90 ms of every start. The
// build (scripts/build.mjs) writes their syntax trees beside the bundle
// (dist/stdlib-parsed.json), each with the SHA-256 of the text it came from;
// a tree is used only for exactly that text, so an edited or regenerated
// standard library is parsed as usual. Running from the sources there is no
// such file, and every file is parsed.

import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { DeidFile } from "../syntax/ast";

/** What the build writes: per file, relative to the standard library's folder ("/"-separated). */
export interface PreparsedStdlib {
  [relativePath: string]: { sha256: string; ast: DeidFile };
}

/** The file's name beside the bundle. */
export const PREPARSED_STDLIB_FILE = "stdlib-parsed.json";

let loaded: PreparsedStdlib | null | undefined;

function preparsed(): PreparsedStdlib | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  const url = new URL(`./${PREPARSED_STDLIB_FILE}`, import.meta.url);
  if (url.protocol === "file:" && existsSync(fileURLToPath(url))) {
    try {
      loaded = JSON.parse(readFileSync(url, "utf8")) as PreparsedStdlib;
    } catch {
      // An unreadable cache is no cache: the files are parsed.
      loaded = null;
    }
  }
  return loaded;
}

/** The syntax tree of standard-library file `relativePath` if the build parsed exactly `text` (without diagnostics), else null. */
export function preparsedStdlibFile(relativePath: string, text: string, path: string): DeidFile | null {
  const entry = preparsed()?.[relativePath];
  if (!entry) return null;
  if (createHash("sha256").update(text).digest("hex") !== entry.sha256) return null;
  return { ...entry.ast, path };
}
