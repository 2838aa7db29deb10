// What a generated plan module imports: the executor's own pieces (one
// semantics: the generated module only builds an ExecutionPlan, and
// `processObject` runs it), among them choosing the run key, as createExecutor
// does (src/runtime/executor/keys.ts), and the plan's rule table type.
//
// Nothing here may import the compiler (src/compile.ts, src/check, src/syntax,
// chevrotain): this module is bundled into standalone processors.

import { IR_VERSION, type IrProgram } from "../ir/types";
import {
  DEFAULT_DATE_SHIFT,
  IMPLEMENTATION_CLASS_UID,
  IMPLEMENTATION_VERSION_NAME,
  MissingSecretError,
  type ExecutionPlan,
} from "../runtime/executor/index";
import type { PlannedRule } from "../runtime/executor/plan";

export { DEFAULT_DATE_SHIFT, IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME, MissingSecretError, type ExecutionPlan };
export { processObject, processObjectParts } from "../runtime/executor/process";
export { asText, type Compiled, type EvalContext, type Value } from "../runtime/executor/expr";
export type { Ancestor, AncestorMatcher, PlannedAction, PlannedRule } from "../runtime/executor/plan";
export type { Executor, ExecutorEnvironment, ObjectRecord, ObjectResult } from "../runtime/executor/types";
export type { IrProgram };
export { keyedHash, daysOffset } from "../runtime/actions";
export { PURE_FUNCTIONS } from "../runtime/executor/functions";
export { planPixelRules } from "../runtime/pixels";
export { contentItemPlanOf } from "../runtime/executor/content-items";
export { imageOptionsOf } from "../ir/image-options";
export { eq, ne, lt, le, gt, ge, isIn, contains, matches, notMatches, plus, rangeOf, hashWith, daysWith } from "./ops";

/**
 * The part of RulePlan that processObject uses: candidate rules for an
 * element, in precedence order. Generated modules implement it with tables
 * built at generation time.
 */
export interface RuleDispatch {
  /** candidates for a standard (even-group) element */
  forTag(tag: number): readonly PlannedRule[];
  /** candidates for a private element whose block belongs to `creator` (undefined: no creator) */
  forPrivate(tag: number, creator: string | undefined): readonly PlannedRule[];
}

/** An ExecutionPlan whose rule table is any RuleDispatch, not necessarily a RulePlan instance. */
export type CompiledPlan = Omit<ExecutionPlan, "rules"> & { rules: RuleDispatch };

/**
 * The plan processObject runs. ExecutionPlan names the RulePlan class as the
 * type of `rules`; processObject calls only `forTag` and `forPrivate` and
 * never mutates the lists, which is exactly RuleDispatch, so the generated
 * table stands in for it.
 */
export function toExecutionPlan(plan: CompiledPlan): ExecutionPlan {
  return plan as unknown as ExecutionPlan;
}

function hexDigits(n: number, width: number): string {
  return n.toString(16).toUpperCase().padStart(width, "0");
}

/**
 * The keys under which a generated module files rules naming private slots,
 * for a private element `tag` in a block reserved by `creator`: the element
 * itself ("0029,SIEMENS CSA HEADER,10") and its whole block ("…,xx").
 */
export function privateSlotKeys(tag: number, creator: string): [element: string, block: string] {
  const prefix = `${hexDigits(tag >>> 16, 4)},${creator},`;
  return [prefix + hexDigits(tag & 0xff, 2), `${prefix}xx`];
}

/** Precedence order of candidates gathered from several tables (rule ids are positions in the IR's rule list). */
export function byPrecedence(a: PlannedRule, b: PlannedRule): number {
  return a.id - b.id;
}

/**
 * The IR literal of a generated module, as an IrProgram. It was validated
 * against the IR schema when it was compiled; type-checking the literal again
 * would only cost the TypeScript compiler seconds (it is large), so the
 * generated code passes it through here. Refuses an IR of another version.
 */
export function embeddedIr(ir: { irVersion: number; [property: string]: unknown }): IrProgram {
  if (ir.irVersion !== IR_VERSION) throw new Error(`this module embeds IR version ${ir.irVersion}; the runtime reads version ${IR_VERSION}`);
  return ir as unknown as IrProgram;
}

export { resolveKeys, type RunKeys } from "../runtime/executor/keys";
