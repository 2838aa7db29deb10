// Each `let`, `param` and `secret` name is declared once and used somewhere:
// an unused secret is a configuration mistake waiting to happen.

import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";

export function DeclarationRule(ctx: CheckContext): Visitor {
  const used = new Set<string>();
  return {
    Ident(node) {
      used.add(node.name);
    },
    File: {
      leave() {
        for (const dup of ctx.scope.duplicates) {
          const first = ctx.scope.declarations.get(dup.name.text)!;
          ctx.report("DEID2010", dup.name.span, `\`${dup.name.text}\` is already declared`, {
            related: [{ file: ctx.file.path, span: first.name.span, message: "first declared here" }],
          });
        }
        for (const [name, decl] of ctx.scope.declarations) {
          if (!used.has(name)) ctx.report("DEID2014", decl.name.span, `\`${name}\` is declared but never used`, { help: "remove it, or use it in a rule" });
        }
      },
    },
  };
}
