// Conditions are well typed: a comparison joins values of one type
// (`Modality == 3` compares text with a number), `~` takes a regular
// expression, `in` a list, and `when`, `and`, `or`, `not` take booleans.

import type { Binary, Expr } from "../../syntax/ast";
import { ageHelp, flipped, ORDERED_OPS } from "../comparisons";
import type { Scope } from "../scope";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";
import { resolveIdent, typeOf, type ExprType } from "../types";

const ORDERED: ReadonlySet<string> = new Set(["<", "<=", ">", ">="]);

function describe(t: ExprType): string {
  return t === "string" ? "text" : t === "bool" ? "a condition" : t === "regex" ? "a regular expression" : t;
}

/** The attribute an expression reads, with the keyword as written, or null. */
function attributeOf(e: Expr, scope: Scope): { name: string; vr: string } | null {
  if (e.kind !== "Ident") return null;
  const r = resolveIdent(e, scope);
  return r && r.kind === "attr" ? { name: e.name, vr: r.entry.vrs[0] ?? "UN" } : null;
}

/**
 * Text compared with a number (`text op number`, sides put in that order): what to write instead.
 * Quoting the number compiles, but compares as text, so it is offered only where text order is
 * what was meant: never for an age, a partial date or a time without its leading zero.
 */
function textWithNumberHelp(node: Binary, text: Expr, number: Expr, op: string, scope: Scope): string {
  if (number.kind !== "Number") {
    return text.kind === "String" ? "the attribute holds a number; write the value without quotes" : "compare values of the same type";
  }
  const attr = attributeOf(text, scope);
  if (attr === null) return `quote the value: \`"${number.raw}"\``;
  switch (attr.vr) {
    case "AS":
      return ageHelp(attr.name, op, number.value);
    case "DA":
      return /^[0-9]{8}$/.test(number.raw) ? `a date is text, YYYYMMDD, which orders as dates do: \`"${number.raw}"\`` : 'a date is text, YYYYMMDD, which orders as dates do: write the whole date, e.g. `"20200101"`';
    case "DT":
      return /^[0-9]{4}([0-9]{2}){0,5}$/.test(number.raw) ? `a date-time is text, YYYYMMDDHHMMSS, which orders as date-times do: \`"${number.raw}"\`` : 'a date-time is text, YYYYMMDDHHMMSS: write it whole from the year, e.g. `"20200101"`';
    case "TM": {
      const m = /^([0-9]{1,6})(\.[0-9]{1,6})?$/.exec(number.raw);
      const digits = m ? (m[1]!.length % 2 === 1 ? `0${m[1]}` : m[1]!) : null;
      return digits !== null && digits.length <= 6 ? `a time is text, HHMMSS with leading zeros, which orders as times do: \`"${digits}${m![2] ?? ""}"\`` : 'a time is text, HHMMSS with leading zeros: e.g. `"093000"`';
    }
    default:
      if (ORDERED_OPS.has(node.op)) return `\`${attr.name}\` holds text, and \`${node.op}\` compares text character by character ("12" comes before "5"); quote the value only if that order is meant`;
      return `the attribute holds text; quote the value: \`"${number.raw}"\``;
  }
}

export function ConditionTypeRule(ctx: CheckContext): Visitor {
  const t = (e: Expr): ExprType => typeOf(e, ctx.scope);
  const requireBool = (e: Expr | null, where: string): void => {
    if (!e) return;
    const ty = t(e);
    if (ty !== "bool" && ty !== "unknown") {
      ctx.report("DEID2003", e.span, `${where} needs a condition, found ${describe(ty)}`, {
        help: e.kind === "Ident" ? `test the attribute, e.g. \`exists(${e.name})\` or \`${e.name} == "..."\`` : "compare it with `==`, `contains`, `~` or `in`",
      });
    }
  };
  return {
    Rule(node) {
      requireBool(node.when, "`when`");
    },
    Filter(node) {
      requireBool(node.when, "`when`");
    },
    PixelBlock(node) {
      requireBool(node.when, "`when`");
    },
    WhenBlock(node) {
      requireBool(node.when, "`when`");
    },
    AnyWhereSelector(node) {
      requireBool(node.test, "`any where`");
    },
    Unary(node) {
      requireBool(node.operand, "`not`");
    },
    Binary(node) {
      const l = t(node.left);
      const r = t(node.right);
      const known = l !== "unknown" && r !== "unknown";
      switch (node.op) {
        case "and":
        case "or":
          requireBool(node.left, `\`${node.op}\``);
          requireBool(node.right, `\`${node.op}\``);
          return;
        case "==":
        case "!=":
        case "<":
        case "<=":
        case ">":
        case ">=":
          if (known && l !== r) {
            ctx.report("DEID2003", node.span, `\`${node.op}\` compares ${describe(l)} with ${describe(r)}`, {
              help:
                (r === "number" && l === "string") || (l === "number" && r === "string")
                  ? textWithNumberHelp(node, l === "string" ? node.left : node.right, l === "string" ? node.right : node.left, l === "string" ? node.op : flipped(node.op), ctx.scope)
                  : "compare values of the same type",
            });
          } else if (ORDERED.has(node.op) && known && l !== "number" && l !== "string") {
            ctx.report("DEID2003", node.span, `\`${node.op}\` cannot order ${describe(l)}`);
          }
          return;
        case "~":
        case "!~":
          if (r !== "regex" && r !== "unknown") ctx.report("DEID2003", node.right.span, `\`${node.op}\` needs a regular expression on its right, such as \`/^GE/i\``);
          if (known && l !== "string") ctx.report("DEID2003", node.left.span, `\`${node.op}\` matches text, found ${describe(l)}`);
          return;
        case "in":
          if (r !== "list" && r !== "unknown") ctx.report("DEID2003", node.right.span, "`in` needs a list on its right, such as `[\"CT\", \"MR\"]`");
          if (node.right.kind === "List") {
            for (const item of node.right.items) {
              const it = t(item);
              if (l !== "unknown" && it !== "unknown" && it !== l) ctx.report("DEID2003", item.span, `list item is ${describe(it)} but \`${node.left.kind === "Ident" ? node.left.name : "the left side"}\` is ${describe(l)}`);
            }
          }
          return;
        case "contains":
          if (known && l !== "string") ctx.report("DEID2003", node.left.span, `\`contains\` tests text values, found ${describe(l)}`);
          if (known && r !== "string") ctx.report("DEID2003", node.right.span, `\`contains\` needs text on its right, found ${describe(r)}`);
          return;
        case "+":
          if (l === "bool" || r === "bool") ctx.report("DEID2003", node.span, "`+` joins text or adds numbers, not conditions");
          return;
      }
    },
  };
}
