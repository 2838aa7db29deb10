// Every lint rule, in the order their findings read best: names first (an
// unknown name explains later type errors), then types, then rule logic.

import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";
import { UnknownAttributeRule } from "./UnknownAttributeRule";
import { PrivateTagRule } from "./PrivateTagRule";
import { NameResolutionRule } from "./NameResolutionRule";
import { UnitReferenceRule } from "./UnitReferenceRule";
import { DeclarationRule } from "./DeclarationRule";
import { RegexRule } from "./RegexRule";
import { ConditionTypeRule } from "./ConditionTypeRule";
import { ActionVrRule } from "./ActionVrRule";
import { RuleOverlapRule } from "./RuleOverlapRule";
import { KeepWithoutReasonRule } from "./KeepWithoutReasonRule";
import { PixelRegionRule } from "./PixelRegionRule";
import { FilterReasonRule } from "./FilterReasonRule";
import { PathSelectorRule } from "./PathSelectorRule";

export type LintRule = (ctx: CheckContext) => Visitor;

export const specifiedRules: readonly LintRule[] = Object.freeze([
  UnknownAttributeRule,
  PrivateTagRule,
  PathSelectorRule,
  NameResolutionRule,
  UnitReferenceRule,
  DeclarationRule,
  RegexRule,
  ConditionTypeRule,
  ActionVrRule,
  RuleOverlapRule,
  KeepWithoutReasonRule,
  PixelRegionRule,
  FilterReasonRule,
]);
