// A program is every file reachable from an entry (by import or by naming a
// standard-library unit), with the units they define. Building the unit table
// is pure; reading files happens in load.ts.

import type { Diagnostic } from "../diagnostics/diagnostic";
import type { ParsedFile, Unit } from "./units";
import { unitsOfFile } from "./units";

export interface Program {
  entry: ParsedFile;
  files: ParsedFile[];
  /** every unit by name; the first definition wins, later ones are reported */
  units: Map<string, Unit>;
  /** problems found while loading and linking (missing files, duplicate units) */
  diagnostics: Diagnostic[];
  /** absolute folder of the entry file: the IR's names of rule files (ParsedFile.id) are relative to it */
  baseDir: string;
}

export function buildUnitTable(files: readonly ParsedFile[], diagnostics: Diagnostic[]): Map<string, Unit> {
  const units = new Map<string, Unit>();
  for (const file of files) {
    for (const unit of unitsOfFile(file)) {
      const previous = units.get(unit.name);
      if (previous) {
        if (unit.header) {
          diagnostics.push({
            code: "DEID2008",
            severity: "error",
            file: file.path,
            span: unit.header.name.span,
            message: `unit \`${unit.name}\` is defined more than once`,
            help: "rename one of them; a profile or option name must be unique across the files a profile uses",
            related: previous.header ? [{ file: previous.file.path, span: previous.header.name.span, message: "first defined here" }] : [],
          });
        }
        continue;
      }
      units.set(unit.name, unit);
    }
  }
  return units;
}

/** The profile an entry file stands for: its header's profile, or its anonymous profile. */
export function entryProfile(program: Program): Unit | undefined {
  for (const unit of program.units.values()) {
    if (unit.file === program.entry && unit.kind === "profile") return unit;
  }
  return undefined;
}

/** The loaded file the IR names `id` (IrSource.file, ParsedFile.id), for pointing at it in a diagnostic. */
export function fileOfIrSource(program: Program, id: string): ParsedFile | undefined {
  return program.files.find((f) => f.id === id);
}

/** How a diagnostic names the file the IR names `id`: its display path (ParsedFile.path), or `id` itself if no loaded file has it. */
export function displayPathOfIrSource(program: Program, id: string): string {
  return fileOfIrSource(program, id)?.path ?? id;
}
