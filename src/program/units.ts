// Units are what profiles are made of: a profile (a file's header plus its
// top-level statements) or an option block. This pass is pure: it reads
// parsed files and names what they define.

import type { DeidFile, OptionUnit, ProfileHeader, Statement } from "../syntax/ast";
import type { SourceText } from "../syntax/source";
import type { Diagnostic } from "../diagnostics/diagnostic";

export interface ParsedFile {
  /** path as shown to the user in diagnostics (relative to the working directory when possible) */
  path: string;
  /**
   * how the IR names the file (rule sources, `file:line` in reports and the IR
   * hash): `stdlib/ps315/basic.deid` for a standard-library file, otherwise
   * the path relative to the entry file's folder (Program.baseDir). Never
   * depends on the working directory or on where deidc is installed.
   */
  id: string;
  /** absolute path the file was read from (imports are resolved against its folder) */
  absolute: string;
  source: SourceText;
  ast: DeidFile;
  /** syntax diagnostics from parsing */
  diagnostics: Diagnostic[];
  /** generated standard library file (the standard's own choices need no `because`) */
  fromStdlib: boolean;
}

export interface Unit {
  name: string;
  kind: "profile" | "option";
  file: ParsedFile;
  /** null for the anonymous profile of a file with statements but no header */
  header: ProfileHeader | OptionUnit | null;
  statements: Statement[];
  code: number | null;
  title: string | null;
  release: string | null;
}

/** The name given to the profile of a file that has rules but no `profile` line. */
export function anonymousProfileName(file: ParsedFile): string {
  return `<${file.id}>`;
}

export function unitsOfFile(file: ParsedFile): Unit[] {
  const units: Unit[] = [];
  let header: ProfileHeader | null = null;
  const topLevel: Statement[] = [];
  for (const item of file.ast.items) {
    switch (item.kind) {
      case "Profile":
        if (!header) header = item;
        break;
      case "Option":
        units.push({
          name: item.name.text,
          kind: "option",
          file,
          header: item,
          statements: item.body,
          code: item.code ? item.code.value : null,
          title: item.title ? item.title.value : null,
          release: null,
        });
        break;
      case "Rule":
      case "Filter":
      case "PixelBlock":
      case "WhenBlock":
        topLevel.push(item);
        break;
      default:
        break;
    }
  }
  if (header || topLevel.length > 0) {
    units.unshift({
      name: header ? header.name.text : anonymousProfileName(file),
      kind: "profile",
      file,
      header,
      statements: topLevel,
      code: header?.code ? header.code.value : null,
      title: header?.title ? header.title.value : null,
      release: header?.release ? header.release.value : null,
    });
  }
  return units;
}
