// Conditional blocks (`when <expr> { ... }`) flattened: every rule, filter and
// pixel block of a unit body with the conditions of the blocks around it,
// outermost first. The IR builder joins them with the statement's own `when`
// (`(block) and (own)`); lint rules that reason about conditions read them here.

import type { Expr, Filter, PixelBlock, Rule, Statement } from "./ast";

export interface FlatStatement {
  statement: Rule | Filter | PixelBlock;
  /** the conditions of the enclosing `when` blocks, outermost first; empty outside any block */
  blockConditions: readonly Expr[];
}

export function flattenStatements(statements: readonly Statement[]): FlatStatement[] {
  const out: FlatStatement[] = [];
  const walk = (list: readonly Statement[], conditions: readonly Expr[]): void => {
    for (const s of list) {
      if (s.kind === "WhenBlock") walk(s.body, [...conditions, s.when]);
      else out.push({ statement: s, blockConditions: conditions });
    }
  };
  walk(statements, []);
  return out;
}

/** Joins conditions with `and`, left to right; null when there are none. */
export function joinConditions<E>(conditions: readonly E[], and: (left: E, right: E) => E): E | null {
  let result: E | null = null;
  for (const c of conditions) result = result === null ? c : and(result, c);
  return result;
}
