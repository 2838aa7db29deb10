// The compiler's middle: check -> IR over a loaded program. Pure.
// The IR is not checked against its JSON Schema here: it is used in the
// process that built it, and the schema's validator is a large module that
// `deidc run` would otherwise load at every start. IR that leaves the process
// (`deidc compile`, `deidc import`) is checked where it leaves (validateIr).

import type { Diagnostic } from "./diagnostics/diagnostic";
import { hasErrors, sortDiagnostics } from "./diagnostics/diagnostic";
import { checkProgram } from "./check";
import { closestUnitName } from "./check/rules/UnitReferenceRule";
import { findStdlib } from "./program/stdlib-index";
import { buildIr } from "./ir/build";
import type { IrProgram } from "./ir/types";
import { loadProgramLazily } from "./program/load-lazily";
import { entryProfile, type Program } from "./program/program";
import type { Unit } from "./program/units";
import type { Name, ProfileHeader } from "./syntax/ast";

export interface CompileResult {
  program: Program;
  diagnostics: Diagnostic[];
  /** null when there were errors */
  ir: IrProgram | null;
}

export interface CompileOptions {
  /** options switched on for this run, after the profile's own `with` */
  withOptions?: readonly string[];
}

/**
 * `compileProfile` (compile.ts) for `deidc run`, which starts often: the
 * parser is loaded only if a file needs it (program/load-lazily.ts). Throws
 * LoadError if the entry cannot be read.
 */
export async function compileProfileLazily(entry: string, options: CompileOptions = {}): Promise<CompileResult> {
  return compileProgram(await loadProgramLazily(entry, options.withOptions ?? []), options);
}

/** Checks a loaded program and builds the IR of its entry profile. */
export function compileProgram(program: Program, options: CompileOptions = {}): CompileResult {
  const diagnostics = checkProgram(program);
  if (hasErrors(diagnostics)) return { program, diagnostics, ir: null };
  let profile = entryProfile(program);
  if (!profile) {
    diagnostics.push({
      code: "DEID2007",
      severity: "error",
      file: program.entry.path,
      span: { start: 0, end: 0 },
      message: "this file defines no profile to compile",
      help: "add a `profile NAME` line with `based on ps315.basic`, or compile a file that has one",
    });
    return { program, diagnostics, ir: null };
  }
  if (options.withOptions && options.withOptions.length > 0) {
    profile = withExtraOptions(program, profile, options.withOptions, diagnostics);
  }
  const { ir, diagnostics: buildDiagnostics } = buildIr(program, profile);
  diagnostics.push(...buildDiagnostics);
  if (hasErrors(diagnostics)) return { program, diagnostics: sortDiagnostics(diagnostics), ir: null };
  return { program, diagnostics: sortDiagnostics(diagnostics), ir };
}


/**
 * `--with` on the command line: a profile based on the entry profile that
 * switches the options on, so they override the entry's own rules the way
 * options override the profile they are listed in.
 */
function withExtraOptions(program: Program, profile: Unit, names: readonly string[], diagnostics: Diagnostic[]): Unit {
  const extra: Name[] = [];
  const nowhere = { start: 0, end: 0 };
  for (const name of names) {
    const unit = program.units.get(name);
    if (!unit || unit.kind !== "option") {
      // Standard-library options the program did not load are candidates too (their names say they are options).
      const stdlibOptions = Object.keys(findStdlib()?.units ?? {}).filter((n) => !program.units.has(n) && n !== "ps315.basic");
      const options = [...[...program.units.values()].filter((u) => u.kind === "option").map((u) => u.name), ...stdlibOptions];
      const near = closestUnitName(name, options);
      diagnostics.push({ code: "DEID2007", severity: "error", file: "<command line>", span: nowhere, message: `\`--with ${name}\` names no option`, help: near ? `did you mean \`${near}\`? (\`deidc explain --list\` lists them)` : "list the options with `deidc explain --list`" });
      continue;
    }
    extra.push({ kind: "Name", text: name, span: nowhere });
  }
  const name = `${profile.name} --with ${names.join(",")}`;
  const header: ProfileHeader = {
    kind: "Profile",
    span: nowhere,
    name: { kind: "Name", text: name, span: nowhere },
    title: profile.header && profile.header.kind === "Profile" ? profile.header.title : null,
    basedOn: { kind: "Name", text: profile.name, span: nowhere },
    options: extra,
    code: null,
    release: null,
  };
  return { name, kind: "profile", file: profile.file, header, statements: [], code: null, title: profile.title, release: null };
}
