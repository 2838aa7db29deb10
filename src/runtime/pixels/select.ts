// Which `pixels` blocks apply to an object: their `when` conditions planned
// once per profile with the executor's expression compiler, evaluated per
// object against the values of its top-level attributes. With `pixels apply
// first` only the first block whose condition holds applies; by default all do.

import type { IrPixelRule } from "../../ir/types";
import { collectAttributeTags, compileExpr, type Compiled, type EvalContext } from "../executor/expr";
import { IMAGE_ATTRIBUTE_TAGS } from "./geometry";

export interface PixelRulePlan {
  /** top-level attributes the conditions and describeImage read: the executor's pre-pass must read them */
  readonly attributeTags: ReadonlySet<number>;
  /** true when the profile has no `pixels` block, so pixel data is never looked at for blanking */
  readonly empty: boolean;
  /** some block uses `ultrasound regions`: the pre-pass must read the Sequence of Ultrasound Regions */
  readonly readsUltrasoundRegions: boolean;
  /** the blocks that apply: those whose condition holds (an absent condition always does), in profile order; with `first`, at most one */
  select(ctx: EvalContext): IrPixelRule[];
}

export function planPixelRules(rules: readonly IrPixelRule[], apply: "first" | "all" | undefined = "all"): PixelRulePlan {
  const attributeTags = new Set<number>(Object.values(IMAGE_ATTRIBUTE_TAGS));
  const planned: { rule: IrPixelRule; when: Compiled | null }[] = rules.map((rule) => {
    if (rule.when) collectAttributeTags(rule.when, attributeTags);
    return { rule, when: rule.when ? compileExpr(rule.when) : null };
  });
  const holds = (p: { when: Compiled | null }, ctx: EvalContext): boolean => p.when === null || p.when(ctx) === true;
  return {
    attributeTags,
    empty: planned.length === 0,
    readsUltrasoundRegions: rules.some((r) => r.regions.some((region) => region.area?.kind === "ultrasound")),
    select:
      apply === "first"
        ? (ctx) => {
            const first = planned.find((p) => holds(p, ctx));
            return first ? [first.rule] : [];
          }
        : (ctx) => planned.filter((p) => holds(p, ctx)).map((p) => p.rule),
  };
}
