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
