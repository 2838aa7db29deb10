// Each `let`, `param` and `secret` name is declared once and used somewhere:
// an unused secret is a configuration mistake waiting to happen. A `let` may
// not be defined through itself (`let a = b`, `let b = a`): it has no value.

import type { AnyNode, LetDecl } from "../../syntax/ast";
import { childrenOf, type Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";

/** The names an expression reads. */
function identsOf(node: AnyNode, out: Set<string>): Set<string> {
  if (node.kind === "Ident") out.add(node.name);
  for (const child of childrenOf(node)) identsOf(child, out);
  return out;
}

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
        const lets = new Map<string, LetDecl>();
        for (const [name, decl] of ctx.scope.declarations) if (decl.kind === "Let") lets.set(name, decl);
        const reads = new Map([...lets].map(([name, decl]) => [name, identsOf(decl.value as AnyNode, new Set())]));
        for (const [name, decl] of lets) {
          const path = cycleThrough(name, reads);
          if (path) {
            ctx.report("DEID2020", decl.name.span, `\`${name}\` is defined through itself (${[...path, name].map((n) => `\`${n}\``).join(" -> ")}), so it has no value`, {
              help: "define it from attributes, parameters or other `let`s that do not lead back to it",
            });
          }
        }
      },
    },
  };
}

/** The chain of `let`s from `start` back to itself, or null. */
function cycleThrough(start: string, reads: ReadonlyMap<string, ReadonlySet<string>>): string[] | null {
  const seen = new Set<string>();
  const search = (name: string, path: string[]): string[] | null => {
    for (const next of reads.get(name) ?? []) {
      if (next === start) return [...path, name];
      if (!reads.has(next) || seen.has(next)) continue;
      seen.add(next);
      const found = search(next, [...path, name]);
      if (found) return found;
    }
    return null;
  };
  return search(start, []);
}
