// Every lint rule, in the order their findings read best: names first (an
// unknown name explains later type errors), then types, then rule logic.

import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";
import { UnknownAttributeRule } from "./UnknownAttributeRule";
import { PrivateTagRule } from "./PrivateTagRule";
import { PrivateElementNumberRule } from "./PrivateElementNumberRule";
import { NameResolutionRule } from "./NameResolutionRule";
import { UnitReferenceRule } from "./UnitReferenceRule";
import { ProfileBaseRule } from "./ProfileBaseRule";
import { DeclarationRule } from "./DeclarationRule";
import { RegexRule } from "./RegexRule";
import { ConditionTypeRule } from "./ConditionTypeRule";
import { ComparisonValueRule } from "./ComparisonValueRule";
import { AndOrPrecedenceRule } from "./AndOrPrecedenceRule";
import { ActionVrRule } from "./ActionVrRule";
import { RuleOverlapRule } from "./RuleOverlapRule";
import { KeepWithoutReasonRule } from "./KeepWithoutReasonRule";
import { PixelRegionRule } from "./PixelRegionRule";
import { FilterReasonRule } from "./FilterReasonRule";
import { SkipFilterRule } from "./SkipFilterRule";
import { UnreachableFilterRule } from "./UnreachableFilterRule";
import { PixelApplyRule } from "./PixelApplyRule";
import { InheritedPixelApplyRule } from "./InheritedPixelApplyRule";
import { PathSelectorRule } from "./PathSelectorRule";
import { FormatPlaceholderRule } from "./FormatPlaceholderRule";
import { CreateAppendRule } from "./CreateAppendRule";
import { TrialAttributeCreateRule } from "./TrialAttributeCreateRule";
import { TrialModuleRule } from "./TrialModuleRule";
import { CopiedIdentifierRule } from "./CopiedIdentifierRule";
import { KeywordPatternRule } from "./KeywordPatternRule";
import { ItemScopeRule } from "./ItemScopeRule";
import { ImageOptionStatementRule } from "./ImageOptionStatementRule";

export type LintRule = (ctx: CheckContext) => Visitor;

export const specifiedRules: readonly LintRule[] = Object.freeze([
  UnknownAttributeRule,
  PrivateTagRule,
  PrivateElementNumberRule,
  PathSelectorRule,
  KeywordPatternRule,
  NameResolutionRule,
  ItemScopeRule,
  FormatPlaceholderRule,
  UnitReferenceRule,
  ProfileBaseRule,
  DeclarationRule,
  RegexRule,
  ConditionTypeRule,
  ComparisonValueRule,
  AndOrPrecedenceRule,
  ActionVrRule,
  CreateAppendRule,
  TrialAttributeCreateRule,
  TrialModuleRule,
  CopiedIdentifierRule,
  RuleOverlapRule,
  KeepWithoutReasonRule,
  PixelRegionRule,
  FilterReasonRule,
  SkipFilterRule,
  UnreachableFilterRule,
  PixelApplyRule,
  InheritedPixelApplyRule,
  ImageOptionStatementRule,
]);
