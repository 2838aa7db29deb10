// Conditions are well typed: a comparison joins values of one type
// (`Modality == 3` compares text with a number), `~` takes a regular
// expression, `in` a list, and `when`, `and`, `or`, `not` take booleans.

import type { Expr } from "../../syntax/ast";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";
import { typeOf, type ExprType } from "../types";

const ORDERED: ReadonlySet<string> = new Set(["<", "<=", ">", ">="]);

function describe(t: ExprType): string {
  return t === "string" ? "text" : t === "bool" ? "a condition" : t === "regex" ? "a regular expression" : t;
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
                r === "number" && l === "string"
                  ? `the attribute holds text; quote the value: \`"${node.right.kind === "Number" ? node.right.raw : "..."}"\``
                  : l === "number" && r === "string"
                    ? "the attribute holds a number; write the value without quotes"
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
