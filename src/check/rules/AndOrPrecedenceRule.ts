// `and` binds tighter than `or`, so `A or B and C` is `A or (B and C)`.
// Written without brackets it reads just as well as `(A or B) and C`, and
// in a filter or a `keep ... when` the other reading lets identifiers out.
// The parser keeps the author's brackets (Paren nodes), so an `or` whose
// operand is a bare `and` is exactly the case nobody bracketed.

import type { AnyNode, Binary, Expr } from "../../syntax/ast";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";

const isBareAnd = (e: Expr): boolean => e.kind === "Binary" && e.op === "and";
const isBareOr = (e: Expr | AnyNode | undefined): boolean => e !== undefined && e.kind === "Binary" && e.op === "or";

/** The operands of an unbracketed chain of `or`, left to right. */
function orOperands(e: Expr): Expr[] {
  return e.kind === "Binary" && e.op === "or" ? [...orOperands(e.left), ...orOperands(e.right)] : [e];
}

export function AndOrPrecedenceRule(ctx: CheckContext): Visitor {
  const text = (e: Expr): string => ctx.file.source.text.slice(e.span.start, e.span.end);
  return {
    Binary(node: Binary, parents) {
      // One finding per chain: at its outermost `or`.
      if (node.op !== "or" || isBareOr(parents[parents.length - 1])) return;
      const operands = orOperands(node);
      if (!operands.some(isBareAnd)) return;
      // The help shows the condition on one line; the fix only inserts brackets, so comments and line breaks stay.
      const oneLine = (e: Expr): string => text(e).replace(/\s+/g, " ");
      const bracketed = operands.map((o) => (isBareAnd(o) ? `(${oneLine(o)})` : oneLine(o))).join(" or ");
      let fixed = "";
      let at = node.span.start;
      for (const o of operands) {
        if (!isBareAnd(o)) continue;
        fixed += `${ctx.file.source.text.slice(at, o.span.start)}(${text(o)})`;
        at = o.span.end;
      }
      fixed += ctx.file.source.text.slice(at, node.span.end);
      ctx.report("DEID3028", node.span, "`and` and `or` mixed without brackets: `and` binds tighter, which may not be what was meant", {
        help: `this reads \`${bracketed}\`; write the brackets, or put them where they were meant`,
        fix: { description: "add the brackets the parser reads", file: ctx.file.path, span: node.span, text: fixed },
      });
    },
  };
}
