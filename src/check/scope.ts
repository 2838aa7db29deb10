// File-level declarations (`let`, `param`, `secret`), visible to every unit
// of the file. Names resolve in this order: declaration, then attribute keyword.

import type { DeidFile, LetDecl, ParamDecl, SecretDecl } from "../syntax/ast";

export type Declaration = LetDecl | ParamDecl | SecretDecl;

export interface Scope {
  declarations: Map<string, Declaration>;
  /** later declarations of an already-declared name, reported by a rule */
  duplicates: Declaration[];
}

export function buildScope(file: DeidFile): Scope {
  const declarations = new Map<string, Declaration>();
  const duplicates: Declaration[] = [];
  for (const item of file.items) {
    if (item.kind === "Let" || item.kind === "Param" || item.kind === "Secret") {
      if (declarations.has(item.name.text)) duplicates.push(item);
      else declarations.set(item.name.text, item);
    }
  }
  return { declarations, duplicates };
}
