// Which `pixels` blocks apply to an object: their `when` conditions planned
// once per profile with the executor's expression compiler, evaluated per
// object against the values of its top-level attributes.

import type { IrPixelRule } from "../../ir/types";
import { collectAttributeTags, compileExpr, type Compiled, type EvalContext } from "../executor/expr";
import { IMAGE_ATTRIBUTE_TAGS } from "./geometry";

export interface PixelRulePlan {
  /** top-level attributes the conditions and describeImage read: the executor's pre-pass must read them */
  readonly attributeTags: ReadonlySet<number>;
  /** true when the profile has no `pixels` block, so pixel data is never looked at for blanking */
  readonly empty: boolean;
  /** the blocks whose condition holds (an absent condition always does), in profile order */
  select(ctx: EvalContext): IrPixelRule[];
}

export function planPixelRules(rules: readonly IrPixelRule[]): PixelRulePlan {
  const attributeTags = new Set<number>(Object.values(IMAGE_ATTRIBUTE_TAGS));
  const planned: { rule: IrPixelRule; when: Compiled | null }[] = rules.map((rule) => {
    if (rule.when) collectAttributeTags(rule.when, attributeTags);
    return { rule, when: rule.when ? compileExpr(rule.when) : null };
  });
  return {
    attributeTags,
    empty: planned.length === 0,
    select: (ctx) => planned.filter((p) => p.when === null || p.when(ctx) === true).map((p) => p.rule),
  };
}
