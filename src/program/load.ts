// The I/O edge of the compiler front end: reads the entry file, the files it
// imports, and the standard-library files of the units it names; parses each
// once. Everything after this is pure.
//
// The parser comes in as a parameter rather than an import: Chevrotain is the
// largest module deidc loads, and a run of a standard-library profile needs
// only the trees the build parsed (stdlib-preparsed.ts). Callers that always
// parse import it statically (program/parse-and-load.ts); `deidc run` loads
// it only when a file needs it (program/load-lazily.ts).

import { readFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import type { Diagnostic } from "../diagnostics/diagnostic";
import { SourceText } from "../syntax/source";
import type { DeidFile, Span } from "../syntax/ast";
import { buildUnitTable, type Program } from "./program";
import { findStdlib } from "./stdlib-index";
import { LoadError } from "./load-error";
import { preparsedStdlibFile } from "./stdlib-preparsed";
import type { ParsedFile } from "./units";

export { LoadError };

/** The parser's signature (syntax/parse.ts `parseDeid`). */
export type ParseDeid = (text: string, path: string) => { file: DeidFile; diagnostics: Diagnostic[] };

/** Thrown by `loadProgram` without a parser when a file has no tree from the build. */
export class ParserNeeded extends Error {}

/** Is `ref` a unit name (`ps315.basic`) rather than a file path? */
export function looksLikeUnitName(ref: string): boolean {
  return !ref.includes("/") && !ref.includes(sep) && !ref.endsWith(".deid");
}

/** How diagnostics name a file to the person at the terminal: relative to the working directory when below it. */
function displayPath(absolute: string): string {
  const rel = relative(process.cwd(), absolute);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel.split(sep).join("/") : absolute;
}

/** The prefix of a standard-library file's identity in the IR. */
const STDLIB_ID_PREFIX = "stdlib/";

/**
 * How the IR names a file (ParsedFile.id): independent of the working
 * directory and of where deidc is installed, so that the same rules give the
 * same IR and the same IR hash. A standard-library file is `stdlib/` and its
 * path in the standard library (`stdlib/ps315/basic.deid`); any other file is
 * its path relative to the entry file's folder (the entry itself is its base
 * name, an import `../shared/x.deid` stays that), "/"-separated.
 */
function identityOf(absolute: string, stdlibDir: string | null, baseDir: string): string {
  if (stdlibDir !== null && absolute.startsWith(stdlibDir + sep)) return `${STDLIB_ID_PREFIX}${relative(stdlibDir, absolute).split(sep).join("/")}`;
  const rel = relative(baseDir, absolute);
  // On another drive (Windows) there is no relative path.
  return isAbsolute(rel) ? absolute.split(sep).join("/") : rel.split(sep).join("/");
}

/**
 * Loads a program from a rule file path or a standard-library unit name.
 * Throws LoadError only when the entry itself cannot be read; problems in
 * imported files become diagnostics. With `parse` null, throws ParserNeeded
 * when a file must be parsed.
 */
export function loadProgramWith(parse: ParseDeid | null, entryRef: string, extraUnits: readonly string[] = [], entryText?: string): Program {
  const diagnostics: Diagnostic[] = [];
  const stdlib = findStdlib();
  const byPath = new Map<string, ParsedFile>();
  const files: ParsedFile[] = [];
  let baseDir = process.cwd();

  const stdlibPathOf = (name: string): string | null => {
    const rel = stdlib?.units[name];
    return rel && stdlib ? resolve(stdlib.dir, rel) : null;
  };

  const readParsed = (absolute: string, from: { file: string; span: Span } | null): ParsedFile | null => {
    const known = byPath.get(absolute);
    if (known) return known;
    let text: string;
    try {
      text = from === null && entryText !== undefined ? entryText : readFileSync(absolute, "utf8");
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message;
      if (!from) throw new LoadError(`cannot read rule file ${displayPath(absolute)}: ${reason}`);
      diagnostics.push({
        code: "DEID4001",
        severity: "error",
        file: from.file,
        span: from.span,
        message: `cannot read \`${displayPath(absolute)}\`: ${reason}`,
        help: "check the path; an import is relative to the importing file",
      });
      return null;
    }
    const path = displayPath(absolute);
    const fromStdlib = stdlib !== null && absolute.startsWith(stdlib.dir + sep);
    const id = identityOf(absolute, stdlib ? stdlib.dir : null, baseDir);
    // Standard-library files the build parsed are not parsed again (stdlib-preparsed.ts).
    const preparsed = fromStdlib ? preparsedStdlibFile(relative(stdlib.dir, absolute).split(sep).join("/"), text, path) : null;
    if (!preparsed && !parse) throw new ParserNeeded(path);
    const { file: ast, diagnostics: syntax } = preparsed ? { file: preparsed, diagnostics: [] } : parse!(text, path);
    const parsed: ParsedFile = {
      path,
      id,
      absolute,
      source: new SourceText(path, text),
      ast,
      diagnostics: syntax,
      fromStdlib,
    };
    byPath.set(absolute, parsed);
    files.push(parsed);
    return parsed;
  };

  const definedNames = (): Set<string> => {
    const names = new Set<string>();
    for (const f of files)
      for (const item of f.ast.items) if (item.kind === "Profile" || item.kind === "Option") names.add(item.name.text);
    return names;
  };

  let entryAbsolute: string;
  if (entryText === undefined && looksLikeUnitName(entryRef)) {
    const p = stdlibPathOf(entryRef);
    if (!p) throw new LoadError(`\`${entryRef}\` is neither a rule file nor a standard-library unit (try \`deidc explain --list\`)`);
    entryAbsolute = p;
  } else {
    entryAbsolute = resolve(entryRef);
  }
  // Set before the entry is read: the IR names files relative to the entry's folder.
  baseDir = dirname(entryAbsolute);
  const entry = readParsed(entryAbsolute, null)!;

  // Follow imports and unit names until nothing new is reachable.
  const queue: ParsedFile[] = [entry];
  const wantedUnits: { name: string; file: string; span: Span }[] = extraUnits.map((name) => ({ name, file: entry.path, span: { start: 0, end: 0 } }));
  while (queue.length > 0) {
    const file = queue.shift()!;
    const dir = dirname(file.absolute);
    for (const item of file.ast.items) {
      if (item.kind === "Import") {
        // Only a file read for the first time is followed: files that import each other are each read once.
        const before = files.length;
        const target = readParsed(resolve(dir, item.path.value), { file: file.path, span: item.path.span });
        if (target && files.length > before) queue.push(target);
      } else if (item.kind === "Profile") {
        if (item.basedOn) wantedUnits.push({ name: item.basedOn.text, file: file.path, span: item.basedOn.span });
        for (const o of item.options) wantedUnits.push({ name: o.text, file: file.path, span: o.span });
      }
    }
    if (queue.length === 0) {
      const defined = definedNames();
      for (const want of wantedUnits.splice(0)) {
        if (defined.has(want.name)) continue;
        const p = stdlibPathOf(want.name);
        if (!p) continue; // reported by the checker as an unknown unit, with suggestions
        const before = files.length;
        const target = readParsed(p, want);
        if (target && files.length > before) queue.push(target);
      }
    }
  }

  const units = buildUnitTable(files, diagnostics);
  return { entry, files, units, diagnostics, baseDir };
}
