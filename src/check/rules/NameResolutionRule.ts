// Every name in an expression resolves: a `let`, `param` or `secret` of the
// file, an attribute keyword, or `value`. Functions come from a closed set and
// get the right number and kind of arguments; keyed functions take a secret,
// and a secret is never used as a value.

import { suggestKeywords, editDistance } from "../../dicom/dictionary";
import type { Expr, Ident } from "../../syntax/ast";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";
import { FUNCTIONS, resolveIdent, typeOf } from "../types";

/** What a text argument accepts: text, a number (written as text), or what is known only at run time. */
const TEXT_LIKE: ReadonlySet<string> = new Set(["string", "number", "unknown"]);

export function NameResolutionRule(ctx: CheckContext): Visitor {
  /** identifiers already judged as call arguments (keys, attribute arguments) */
  const handled = new Set<Ident>();

  const closestDeclaration = (name: string): string | undefined => {
    let best: string | undefined;
    let bestD = 3;
    for (const d of ctx.scope.declarations.keys()) {
      const dist = editDistance(name.toLowerCase(), d.toLowerCase(), 2);
      if (dist < bestD) [best, bestD] = [d, dist];
    }
    return best;
  };

  const reportUnknown = (node: Ident): void => {
    const candidates = [closestDeclaration(node.name), ...suggestKeywords(node.name, 2)].filter((s): s is string => !!s);
    const best = candidates[0];
    ctx.report("DEID2004", node.span, `\`${node.name}\` is not an attribute keyword, nor a \`let\`, \`param\` or \`secret\` of this file`, {
      help: best ? `did you mean \`${best}\`?` : "declare it with `let`, `param` or `secret`, or use a PS3.6 keyword",
      ...(best ? { fix: { description: `replace with \`${best}\``, file: ctx.file.path, span: node.span, text: best } } : {}),
    });
  };

  const isSecret = (e: Expr): boolean => e.kind === "Ident" && resolveIdent(e, ctx.scope)?.kind === "decl" && ctx.scope.declarations.get(e.name)?.kind === "Secret";

  return {
    Call(node) {
      const sig = FUNCTIONS[node.callee.text];
      if (!sig) {
        const names = Object.keys(FUNCTIONS);
        const best = names.find((n) => editDistance(n, node.callee.text, 2) <= 2);
        ctx.report("DEID2005", node.callee.span, `unknown function \`${node.callee.text}\``, {
          help: (best ? `did you mean \`${best}\`? ` : "") + `the functions are ${names.map((n) => `\`${n}\``).join(", ")}`,
        });
        return;
      }
      if (sig.rest !== undefined && node.args.length < sig.params.length) {
        ctx.report("DEID2012", node.span, `\`${node.callee.text}\` takes at least ${sig.params.length} argument${sig.params.length === 1 ? "" : "s"}, got ${node.args.length}`, {
          help: `write \`${node.callee.text}(${sig.params.join(", ")}, ...)\``,
        });
        return;
      }
      if (sig.rest === undefined && node.args.length !== sig.params.length) {
        ctx.report("DEID2012", node.span, `\`${node.callee.text}\` takes ${sig.params.length} argument${sig.params.length === 1 ? "" : "s"}, got ${node.args.length}`, {
          help: `write \`${node.callee.text}(${sig.params.join(", ")})\``,
        });
        return;
      }
      node.args.forEach((arg, i) => {
        const want = sig.params[i] ?? sig.rest ?? "unknown";
        if (want === "secret") {
          if (arg.kind === "Ident") handled.add(arg);
          if (!isSecret(arg)) {
            ctx.report("DEID2006", arg.span, `the first argument of \`${node.callee.text}\` must be a declared secret`, {
              help: "declare one with `secret key from env DEID_KEY` and pass `key`; unkeyed hashes can be reversed by a dictionary attack",
            });
          }
          return;
        }
        if (sig.attributeArgs) {
          if (arg.kind === "Ident") {
            handled.add(arg);
            const r = resolveIdent(arg, ctx.scope);
            if (!r) reportUnknown(arg);
            else if (r.kind !== "attr") ctx.report("DEID2012", arg.span, `\`${node.callee.text}\` takes an attribute, not \`${arg.name}\``);
          } else if (arg.kind !== "TagRef" && arg.kind !== "PrivateRef") {
            ctx.report("DEID2012", arg.span, `\`${node.callee.text}\` takes an attribute keyword or tag`);
          }
          return;
        }
        if (want === "range" && arg.kind !== "Range") {
          ctx.report("DEID2012", arg.span, `the last argument of \`${node.callee.text}\` is a range of days such as \`-365 .. -30\``);
          return;
        }
        if (want === "number" && typeOf(arg, ctx.scope) !== "number" && typeOf(arg, ctx.scope) !== "unknown") {
          ctx.report("DEID2012", arg.span, `argument ${i + 1} of \`${node.callee.text}\` must be a number`);
        }
        if (want === "regex" && typeOf(arg, ctx.scope) !== "regex" && typeOf(arg, ctx.scope) !== "unknown") {
          ctx.report("DEID2012", arg.span, `argument ${i + 1} of \`${node.callee.text}\` must be a regular expression, such as \`/^[A-Z]+$/\``);
        }
        if (want === "string" && !TEXT_LIKE.has(typeOf(arg, ctx.scope))) {
          ctx.report("DEID2012", arg.span, `argument ${i + 1} of \`${node.callee.text}\` must be text, found ${typeOf(arg, ctx.scope)}`);
        }
      });
      if (node.callee.text === "hash") {
        const len = node.args[2];
        if (len?.kind === "Number" && (len.value < 1 || len.value > 52 || !Number.isInteger(len.value))) {
          ctx.report("DEID2012", len.span, "a hash length is a whole number from 1 to 52");
        }
      }
      if (node.callee.text === "ageBand" || node.callee.text === "capAge" || node.callee.text === "truncate") {
        const n = node.args[1];
        const least = node.callee.text === "truncate" ? 0 : 1;
        if (n?.kind === "Number" && (n.value < least || !Number.isInteger(n.value))) {
          ctx.report("DEID2012", n.span, `the last argument of \`${node.callee.text}\` is a whole number of at least ${least}`);
        }
      }
            if (node.callee.text === "days") {
        const range = node.args[2];
        if (range?.kind === "Range" && range.from.kind === "Number" && range.to.kind === "Number" && range.from.value > range.to.value) {
          ctx.report("DEID2012", range.span, `the range \`${range.from.raw} .. ${range.to.raw}\` is empty`, { help: "write the smaller bound first" });
        }
      }
    },
    Ident(node) {
      if (handled.has(node)) return;
      const r = resolveIdent(node, ctx.scope);
      if (!r) {
        reportUnknown(node);
        return;
      }
      if (r.kind === "decl" && r.decl.kind === "Secret") {
        ctx.report("DEID2006", node.span, `secret \`${node.name}\` cannot be used as a value`, {
          help: "a secret only keys `hash` and `days`; it must never reach the data",
        });
      }
    },
  };
}
