// Every name in an expression resolves: a `let`, `param` or `secret` of the
// file, an attribute keyword, or `value`. Functions come from a closed set and
// get the right number and kind of arguments; keyed functions take a secret,
// and a secret is never used as a value.

import { suggestKeywords, editDistance, lookupKeyword } from "../../dicom/dictionary";
import type { AnyNode, Expr, Ident, Rule } from "../../syntax/ast";
import { ACTION_WORDS } from "../../syntax/lower";
import { selectorTargets } from "./ActionVrRule";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";
import { FUNCTIONS, resolveIdent, typeOf } from "../types";

/** What a text argument accepts: text, a number (written as text), or what is known only at run time. */
const TEXT_LIKE: ReadonlySet<string> = new Set(["string", "number", "unknown"]);

/** The single-letter codes; the compound ones (`X/Z`) are never one name. */
const SINGLE_CODES = ["D", "Z", "X", "K", "C", "U"];

/** Actions written like a call: a misspelt one parses as an unknown function. */
const CALL_ACTIONS = ["shift", "lookup", "coarsen", "replace"];

const WHAT_AN_ACTION_IS =
  "an action is `keep`, `remove`, `empty`, `dummy`, `clean`, `uid`, a PS3.15 code (`X`, `Z`, `D`, `K`, `C`, `U`, `X/Z`, `X/Z/D`, ...), `shift(...)`, `coarsen(...)`, `replace(...)`, `lookup(...) else ...`, or a value: quoted text, an attribute keyword, a `let` or a `param`";

/**
 * The rule whose whole action value `node` is (`PatientName -> kep`, `-> set kep`), with whether a
 * verb was written: with none, an action word is as likely as a value, so a misspelling is judged
 * against the action words first.
 */
function actionPosition(node: Expr, parents: readonly AnyNode[]): { rule: Rule; verb: boolean } | null {
  const parent = parents[parents.length - 1];
  if (!parent || parent.kind !== "SetAction" || parent.value !== node) return null;
  const verb = parent.mode !== undefined || parent.span.start !== node.span.start;
  for (let i = parents.length - 2; i >= 0; i--) {
    const p = parents[i]!;
    if (p.kind === "Rule") return { rule: p, verb };
    if (p.kind !== "LookupAction") return null;
  }
  return null;
}

/** The action word or code a misspelt name in action position most likely means. */
function closestActionWord(name: string): string | undefined {
  if (name.length === 1) return SINGLE_CODES.find((c) => c === name.toUpperCase());
  let best: string | undefined;
  let bestD = name.length <= 4 ? 2 : 3;
  for (const word of Object.keys(ACTION_WORDS)) {
    const d = editDistance(name.toLowerCase(), word, bestD);
    if (d < bestD) [best, bestD] = [word, d];
  }
  return best;
}

/**
 * VRs whose values one may sensibly copy into each other. Copying an attribute of another family
 * (a voltage into a person's name) is almost never meant: such a near name is not suggested.
 */
const VR_FAMILIES: readonly (readonly string[])[] = [
  ["PN"],
  ["AE", "CS", "LO", "LT", "SH", "ST", "UC", "UT", "UR"],
  ["DA"],
  ["DT"],
  ["TM"],
  ["AS"],
  ["UI"],
  ["DS", "IS", "US", "SS", "UL", "SL", "FL", "FD", "SV", "UV"],
];

function familyOf(vr: string): readonly string[] | undefined {
  return VR_FAMILIES.find((f) => f.includes(vr));
}

/** Whether setting the rule's attributes to `keyword`'s value is a plausible thing to have meant. */
function plausibleCopy(keyword: string, rule: Rule): boolean {
  const source = lookupKeyword(keyword);
  if (!source) return false;
  const targets = rule.selectors.flatMap((sel) => selectorTargets(sel));
  // Copying an attribute onto itself is `keep` written the long way.
  if (rule.selectors.some((sel) => sel.kind === "PathSelector" && sel.steps.some((st) => st.kind === "ElementStep" && st.element.kind === "KeywordRef" && st.element.keyword === keyword))) return false;
  if (targets.length === 0) return true;
  return targets.every((t) => t.vrs.some((vr) => source.vrs.some((s) => s === vr || familyOf(s)?.includes(vr))));
}

export function NameResolutionRule(ctx: CheckContext): Visitor {
  /** identifiers already judged as call arguments (keys, attribute arguments) */
  const handled = new Set<Ident>();

  /** A secret is never a value, so never suggested for one (it only keys `hash` and `days`, checked apart). */
  const closestDeclaration = (name: string): string | undefined => {
    let best: string | undefined;
    let bestD = 3;
    for (const [d, decl] of ctx.scope.declarations) {
      if (decl.kind === "Secret") continue;
      const dist = editDistance(name.toLowerCase(), d.toLowerCase(), 2);
      if (dist < bestD) [best, bestD] = [d, dist];
    }
    return best;
  };

  const reportUnknown = (node: Ident, parents: readonly AnyNode[] = []): void => {
    const at = actionPosition(node, parents);
    if (at) {
      reportUnknownAction(node, at.rule, at.verb);
      return;
    }
    const candidates = [closestDeclaration(node.name), ...suggestKeywords(node.name, 2)].filter((s): s is string => !!s);
    const best = candidates[0];
    ctx.report("DEID2004", node.span, `\`${node.name}\` is not an attribute keyword, nor a \`let\`, \`param\` or \`secret\` of this file`, {
      help: best ? `did you mean \`${best}\`?` : "declare it with `let`, `param` or `secret`, or use a PS3.6 keyword",
      ...(best ? { fix: { description: `replace with \`${best}\``, file: ctx.file.path, span: node.span, text: best } } : {}),
    });
  };

  const reportUnknownAction = (node: Ident, rule: Rule, verb: boolean): void => {
    const word = verb ? undefined : closestActionWord(node.name);
    const value = closestDeclaration(node.name) ?? suggestKeywords(node.name, 3).find((k) => plausibleCopy(k, rule));
    const message = verb ? `\`${node.name}\` is not an attribute keyword, nor a \`let\` or \`param\` of this file` : `\`${node.name}\` is not an action, an attribute keyword, nor a \`let\` or \`param\` of this file`;
    const otherwise = verb ? "declare it with `let` or `param`, or use a PS3.6 keyword" : WHAT_AN_ACTION_IS;
    if (word) {
      const lowerCase = word.length > 1 && word === node.name.toLowerCase();
      const also = value ? `; or \`${value}\`, to set the attribute to that value` : "";
      ctx.report("DEID2004", node.span, message, {
        help: `did you mean the ${word.length === 1 ? "code" : "action"} \`${word}\`?${lowerCase ? " (action words are lower case)" : ""}${also}`,
        fix: { description: `replace with \`${word}\``, file: ctx.file.path, span: node.span, text: word },
      });
      return;
    }
    ctx.report("DEID2004", node.span, message, {
      help: value ? `did you mean \`${value}\`, to set the attribute to that value? ${otherwise}` : otherwise,
      ...(value ? { fix: { description: `replace with \`${value}\``, file: ctx.file.path, span: node.span, text: value } } : {}),
    });
  };

  const isSecret = (e: Expr): boolean => e.kind === "Ident" && resolveIdent(e, ctx.scope)?.kind === "decl" && ctx.scope.declarations.get(e.name)?.kind === "Secret";

  return {
    Call(node, parents) {
      const sig = FUNCTIONS[node.callee.text];
      if (!sig) {
        const names = Object.keys(FUNCTIONS);
        const at = actionPosition(node, parents);
        const candidates = at && !at.verb ? [...CALL_ACTIONS, ...names] : names;
        const best = candidates
          .map((n) => [editDistance(n.toLowerCase(), node.callee.text.toLowerCase(), 2), n] as const)
          .filter(([d]) => d <= 2)
          .sort((a, b) => a[0] - b[0])[0]?.[1];
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
    Ident(node, parents) {
      if (handled.has(node)) return;
      const r = resolveIdent(node, ctx.scope);
      if (!r) {
        reportUnknown(node, parents);
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
