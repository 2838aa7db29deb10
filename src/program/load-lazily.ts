// `loadProgram` for `deidc run`: the parser (and
// Chevrotain under it, the largest module deidc loads: about 40 ms of a
// start) is imported only when a file has no tree from the build, that is,
// for any rule file of a site, and never for a standard-library profile.

import { loadProgramWith, looksLikeUnitName, ParserNeeded } from "./load";
import type { Program } from "./program";

export async function loadProgramLazily(entryRef: string, extraUnits: readonly string[] = []): Promise<Program> {
  if (looksLikeUnitName(entryRef)) {
    try {
      return loadProgramWith(null, entryRef, extraUnits);
    } catch (e) {
      if (!(e instanceof ParserNeeded)) throw e;
    }
  }
  const { parseDeid } = await import("../syntax/parse");
  return loadProgramWith(parseDeid, entryRef, extraUnits);
}
