// `item.X` reads the dataset that contains the element a rule decides. Filters,
// `pixels` blocks, `let` values and `param` defaults are evaluated once per
// object, where there is no such element, so `item.` there is an error rather
// than a silent read of the top level.

import type { AnyNode, Statement } from "../../syntax/ast";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";
import { itemKeyword } from "../types";

/** The nearest declaration or statement an expression belongs to. */
function ownerOf(parents: readonly AnyNode[]): AnyNode | undefined {
  for (let i = parents.length - 1; i >= 0; i--) {
    const p = parents[i]!;
    if (p.kind === "Rule" || p.kind === "Filter" || p.kind === "PixelBlock" || p.kind === "WhenBlock" || p.kind === "Let" || p.kind === "Param") return p;
  }
  return undefined;
}

/** A filter or `pixels` block somewhere in a `when` block's body: the block's condition applies to it. */
function objectLevelStatementIn(body: readonly Statement[]): Statement | undefined {
  for (const s of body) {
    if (s.kind === "Filter" || s.kind === "PixelBlock") return s;
    if (s.kind === "WhenBlock") {
      const inner = objectLevelStatementIn(s.body);
      if (inner) return inner;
    }
  }
  return undefined;
}

const WHERE: Record<string, string> = {
  Filter: "a filter decides the whole object",
  PixelBlock: "a `pixels` block applies to the whole object",
  Let: "a `let` is computed once per object",
  Param: "a `param` default is computed before any object",
};

export function ItemScopeRule(ctx: CheckContext): Visitor {
  return {
    Ident(node, parents) {
      const keyword = itemKeyword(node.name);
      if (keyword === null) return;
      const owner = ownerOf(parents);
      if (owner === undefined || owner.kind === "Rule") return;
      let why = WHERE[owner.kind];
      if (owner.kind === "WhenBlock") {
        const statement = objectLevelStatementIn(owner.body);
        if (statement === undefined) return;
        why = `this \`when\` block holds a ${statement.kind === "Filter" ? "filter, which decides the whole object" : "`pixels` block, which applies to the whole object"}`;
      }
      ctx.report("DEID2018", node.span, `\`${node.name}\` reads the item an element sits in, but ${why}: there is no item here`, {
        help: `use \`${keyword}\` or \`root.${keyword}\` to test the top-level dataset${owner.kind === "WhenBlock" ? ", or move the filter or `pixels` block out of this block" : ""}`,
      });
    },
  };
}
