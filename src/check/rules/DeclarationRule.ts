// Each `let`, `param` and `secret` name is declared once and used somewhere:
// an unused secret is a configuration mistake waiting to happen. A `let` may
// not be defined through itself (`let a = b`, `let b = a`): it has no value.

import type { AnyNode, LetDecl } from "../../syntax/ast";
import { childrenOf, type Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";
import { typeOf } from "../types";
import { lookupKeyword } from "../../dicom/dictionary";

/** The expression type a `param`'s default must have, by its declared type. */
const PARAM_DEFAULT_TYPES: Readonly<Record<string, string>> = { string: "string", date: "string", number: "number", bool: "bool" };

function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

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
        // A declaration hides the attribute of the same keyword in every condition and value of the file.
        for (const [name, decl] of ctx.scope.declarations) {
          if (lookupKeyword(name)) {
            ctx.report("DEID2021", decl.name.span, `\`${name}\` is also an attribute keyword: in this file it means the ${decl.kind === "Let" ? "`let`" : decl.kind === "Param" ? "parameter" : "secret"}, never the object's ${name}`, {
              help: `rename it, e.g. \`${name[0]!.toLowerCase()}${name.slice(1)}Value\``,
            });
          }
        }
        // A default is checked as `--param` checks a value given on the command line.
        for (const decl of ctx.scope.declarations.values()) {
          if (decl.kind !== "Param" || !decl.default) continue;
          const want = PARAM_DEFAULT_TYPES[decl.type.text];
          const got = typeOf(decl.default, ctx.scope);
          if (want && got !== "unknown" && got !== want) {
            ctx.report("DEID2003", decl.default.span, `the default of \`${decl.name.text}\` is ${got === "bool" ? "a condition" : got === "number" ? "a number" : got === "string" ? "text" : got}, but the parameter is declared \`${decl.type.text}\``);
          } else if (decl.type.text === "date" && decl.default.kind === "String" && !isCalendarDate(decl.default.value)) {
            ctx.report("DEID2003", decl.default.span, `the default of \`${decl.name.text}\` is not a date: \`${decl.default.value}\``, { help: "write a date as YYYYMMDD, as DICOM's DA does" });
          }
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
