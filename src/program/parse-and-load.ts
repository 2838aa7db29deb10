// `loadProgram` for callers that parse anyway (lint, fmt, import, the tests):
// the loader with the parser imported statically.

import { parseDeid } from "../syntax/parse";
import { loadProgramWith } from "./load";
import type { Program } from "./program";

export { LoadError, looksLikeUnitName } from "./load";

/** Loads a program from a rule file path or a standard-library unit name (load.ts `loadProgramWith`). */
export function loadProgram(entryRef: string, extraUnits: readonly string[] = [], entryText?: string): Program {
  return loadProgramWith(parseDeid, entryRef, extraUnits, entryText);
}
