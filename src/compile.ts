// The compiler facade: load -> check -> IR. Everything but loading is pure
// (compile-program.ts).

import { compileProgram, type CompileOptions, type CompileResult } from "./compile-program";
import { loadProgram } from "./program/parse-and-load";

export type { CompileOptions, CompileResult } from "./compile-program";

/** Compiles a rule file path or a standard-library unit name to IR. Throws LoadError if the entry cannot be read. */
export function compileProfile(entry: string, options: CompileOptions = {}): CompileResult {
  return compileProgram(loadProgram(entry, options.withOptions ?? []), options);
}
