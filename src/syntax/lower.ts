// Lowering: the concrete syntax tree from grammar/parser.ts to the AST of
// src/syntax/ast.ts. Pure: it reports nothing itself, and returns the places
// where it refused an expression nested too deep for parse.ts to report.
//
// After error recovery the CST may lack children the grammar requires, or
// contain nodes Chevrotain marked `recoveredNode`. The parser has already
// reported those places, so lowering drops any construct it cannot build
// completely (it returns null, and the enclosing list skips it) rather than
// inventing values.

import type { CstNode, IToken } from "chevrotain";
import type {
  ActionCstNode,
  AndExpressionCstNode,
  ArgumentCstNode,
  ColourCstNode,
  CoordinateCstNode,
  CallCstNode,
  ComparisonCstNode,
  ConditionalBlockCstNode,
  DeidFileCstNode,
  ElementStepCstNode,
  ExpressionCstNode,
  FilterStatementCstNode,
  FrameRangeCstNode,
  ImportDeclarationCstNode,
  ItemCstNode,
  LetDeclarationCstNode,
  ListCstNode,
  OptionUnitCstNode,
  ParamDeclarationCstNode,
  PathSelectorCstNode,
  PathStepCstNode,
  PixelApplyDeclarationCstNode,
  PixelBlockCstNode,
  PixelRegionCstNode,
  PointCstNode,
  RegionShapeCstNode,
  PrimaryCstNode,
  ProfileHeaderCstNode,
  QualifiedNameCstNode,
  RuleCstNode,
  SecretDeclarationCstNode,
  SelectorCstNode,
  StatementCstNode,
  SumCstNode,
  VersionLineCstNode,
  VrSelectorCstNode,
} from "../../grammar/cst";
import type {
  Action,
  ActionCode,
  BinaryOp,
  ColourFill,
  Coordinate,
  CodeAction,
  Comment,
  DeidFile,
  ElementRef,
  ElementStep,
  Expr,
  Filter,
  FrameRange,
  Import,
  Item,
  LetDecl,
  Name,
  NumberLit,
  OptionUnit,
  ParamDecl,
  PathSelector,
  PathStep,
  PixelApply,
  PixelBlock,
  PixelRegion,
  PrivateRef,
  ProfileHeader,
  RegexLit,
  RegionShape,
  Rule,
  SecretDecl,
  Selector,
  WhenBlock,
  QuarantineMiss,
  Span,
  Statement,
  StringLit,
  TagRef,
  Version,
  VrSelector,
} from "./ast";

// ---------------------------------------------------------------- literal decoding (shared with parse.ts)

/** A problem inside a string literal; offsets are relative to the start of the raw text. */
export interface EscapeProblem {
  offset: number;
  length: number;
  message: string;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { '"': '"', "\\": "\\", n: "\n", t: "\t" };

/**
 * Decodes a string literal as written (with its quotes). Tolerates a missing
 * closing quote and unknown escapes (kept as written), which parse.ts reports
 * from `problems`.
 */
export function decodeStringLiteral(raw: string): { value: string; problems: EscapeProblem[] } {
  const quote = raw.charAt(0);
  // The common case, a closed string without escapes, needs no scan.
  if (raw.length >= 2 && raw.endsWith(quote) && !raw.includes("\\")) return { value: raw.slice(1, -1), problems: [] };
  const problems: EscapeProblem[] = [];
  let value = "";
  let i = 1;
  while (i < raw.length) {
    const c = raw.charAt(i);
    if (c === quote) break;
    if (c !== "\\") {
      value += c;
      i++;
      continue;
    }
    const next = raw.charAt(i + 1);
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      value += simple;
      i += 2;
      continue;
    }
    if (next === "u") {
      const match = /^\\u\{([0-9A-Fa-f]{1,6})\}/.exec(raw.slice(i));
      const codePoint = match ? parseInt(match[1]!, 16) : NaN;
      if (match && codePoint <= 0x10ffff) {
        value += String.fromCodePoint(codePoint);
        i += match[0].length;
        continue;
      }
      const length = match ? match[0].length : 2;
      problems.push({
        offset: i,
        length,
        message: `invalid unicode escape \`${raw.slice(i, i + length)}\``,
      });
      value += raw.slice(i, i + length);
      i += length;
      continue;
    }
    const length = next === "" ? 1 : 2;
    problems.push({ offset: i, length, message: `unknown escape \`${raw.slice(i, i + length)}\` in a string` });
    value += raw.slice(i, i + length);
    i += length;
  }
  return { value, problems };
}

function hexNibble(c: string): number | null {
  const n = parseInt(c, 16);
  return Number.isNaN(n) ? null : n;
}

/** Value and mask of a tag or mask: `x` (or, in a malformed tag, any non-hex character) matches any digit. */
export function tagValueAndMask(text: string): { value: number; mask: number } {
  const [groupPart = "", elementPart = ""] = text.replace(/[()\s]/g, "").split(",");
  const digits = groupPart.padStart(4, "0").slice(-4) + elementPart.padStart(4, "0").slice(-4);
  let value = 0;
  let mask = 0;
  for (const c of digits) {
    // An even hex digit is one whose lowest bit is 0, an odd one 1: `@` and `#` fix that bit only.
    if (c === "@" || c === "#") {
      value = value * 16 + (c === "#" ? 1 : 0);
      mask = mask * 16 + 1;
      continue;
    }
    const nibble = hexNibble(c);
    value = value * 16 + (nibble ?? 0);
    mask = mask * 16 + (nibble === null ? 0 : 0xf);
  }
  return { value, mask };
}

/** Group, creator and element offset of `(gggg,"CREATOR",ee)`; `xx` gives a null element. */
export function privateTagParts(text: string): { group: number; creator: string; element: number | null } {
  const open = text.indexOf('"');
  const close = text.lastIndexOf('"');
  const groupText = text.slice(1, text.indexOf(",")).trim();
  const creatorRaw = close > open ? text.slice(open, close + 1) : text.slice(open);
  const elementText = close > open ? text.slice(close + 1).replace(/[,)\s]/g, "") : "";
  const group = parseInt(groupText, 16);
  const element = /^[0-9A-Fa-f]{1,2}$/.test(elementText) ? parseInt(elementText, 16) : null;
  return {
    group: Number.isNaN(group) ? 0 : group,
    creator: open >= 0 ? decodeStringLiteral(creatorRaw).value : "",
    element,
  };
}

/** Pattern and flags of `/pattern/flags`; without a closing `/` the rest is the pattern. */
export function regexParts(image: string): { pattern: string; flags: string } {
  const close = image.lastIndexOf("/");
  if (close <= 0) return { pattern: image.slice(1), flags: "" };
  return { pattern: image.slice(1, close), flags: image.slice(close + 1) };
}

// ---------------------------------------------------------------- spans and tokens

function isReal(token: IToken | undefined): token is IToken {
  return token !== undefined && token.isInsertedInRecovery !== true && !Number.isNaN(token.startOffset);
}

/** The first token of a CST child list, unless absent or inserted by error recovery. */
function tokenOf(tokens: readonly IToken[] | undefined): IToken | null {
  const token = tokens?.[0];
  return isReal(token) ? token : null;
}

function tokenSpan(token: IToken): Span {
  return { start: token.startOffset, end: token.endOffset! + 1 };
}

/** A token, or a lowered node; absent parts (null, or inserted by recovery) are skipped. */
type SpanPart = IToken | { span: Span } | null | undefined;

function partSpan(part: SpanPart): Span | null {
  if (part === null || part === undefined) return null;
  if ("span" in part) return part.span;
  return isReal(part) ? tokenSpan(part) : null;
}

/**
 * The span from the first present part to the furthest end of any part.
 * The parser tracks no node locations (that costs a quarter of its time);
 * each construct names its first and last pieces instead.
 */
function spanOver(...parts: SpanPart[]): Span | null {
  let start = -1;
  let end = -1;
  for (const part of parts) {
    const span = partSpan(part);
    if (span === null) continue;
    if (start < 0) start = span.start;
    if (span.end > end) end = span.end;
  }
  return start < 0 ? null : { start, end };
}

function joinSpans(first: Span, last: Span): Span {
  return { start: first.start, end: last.end };
}

/** A CST node that is usable: present and not cut short by error recovery. */
function complete<N extends CstNode>(nodes: readonly N[] | undefined): N | null {
  const node = nodes?.[0];
  return node !== undefined && node.recoveredNode !== true ? node : null;
}

/** Lowers every node of a list; null if any of them cannot be lowered. */
function allOrNothing<N, R>(nodes: readonly N[], lower: (node: N) => R | null): R[] | null {
  const result: R[] = [];
  for (const node of nodes) {
    const lowered = lower(node);
    if (lowered === null) return null;
    result.push(lowered);
  }
  return result;
}

function present<T>(value: T | null): value is T {
  return value !== null;
}

// ---------------------------------------------------------------- literals

function stringLit(token: IToken | null): StringLit | null {
  if (token === null) return null;
  return { kind: "String", span: tokenSpan(token), value: decodeStringLiteral(token.image).value };
}

function numberLit(token: IToken | null): NumberLit | null {
  if (token === null) return null;
  return { kind: "Number", span: tokenSpan(token), value: Number(token.image), raw: token.image };
}

function nameOf(token: IToken | null): Name | null {
  if (token === null) return null;
  return { kind: "Name", span: tokenSpan(token), text: token.image };
}

function tagRef(token: IToken | null): TagRef | null {
  if (token === null) return null;
  return { kind: "TagRef", span: tokenSpan(token), text: token.image, ...tagValueAndMask(token.image) };
}

function privateRef(token: IToken | null): PrivateRef | null {
  if (token === null) return null;
  return { kind: "PrivateRef", span: tokenSpan(token), text: token.image, ...privateTagParts(token.image) };
}

function regexLit(token: IToken | null): RegexLit | null {
  if (token === null) return null;
  return { kind: "Regex", span: tokenSpan(token), ...regexParts(token.image) };
}

function qualifiedName(node: QualifiedNameCstNode | null): Name | null {
  if (node === null) return null;
  return nameOf(tokenOf(node.children.QualifiedName) ?? tokenOf(node.children.Name));
}

// ---------------------------------------------------------------- file and items

export interface LoweredFile {
  file: DeidFile;
  /**
   * Where an expression nested deeper than MAX_EXPRESSION_DEPTH: the first
   * token of the level past the limit. The statement holding it is dropped.
   */
  tooDeep: Span[];
}

export function lowerFile(cst: DeidFileCstNode, comments: readonly IToken[], path: string, textLength: number): LoweredFile {
  tooDeep = [];
  try {
    const file: DeidFile = {
      kind: "File",
      span: { start: 0, end: textLength },
      path,
      version: version(complete(cst.children.versionLine)),
      items: (cst.children.item ?? []).map(item).filter(present),
      comments: comments.map(comment),
    };
    return { file, tooDeep };
  } finally {
    tooDeep = [];
  }
}

function comment(token: IToken): Comment {
  return { kind: "Comment", span: tokenSpan(token), text: token.image.slice(2) };
}

function version(node: VersionLineCstNode | null): Version | null {
  if (node === null) return null;
  const keyword = tokenOf(node.children.Deid);
  const number = tokenOf(node.children.NumberLiteral);
  if (keyword === null || number === null) return null;
  return { kind: "Version", span: joinSpans(tokenSpan(keyword), tokenSpan(number)), value: Number(number.image) };
}

function item(node: ItemCstNode): Item | null {
  if (node.recoveredNode === true) return null;
  const c = node.children;
  if (c.importDeclaration) return importDeclaration(complete(c.importDeclaration));
  if (c.profileHeader) return profileHeader(complete(c.profileHeader));
  if (c.optionUnit) return optionUnit(complete(c.optionUnit));
  if (c.secretDeclaration) return secretDeclaration(complete(c.secretDeclaration));
  if (c.paramDeclaration) return paramDeclaration(complete(c.paramDeclaration));
  if (c.letDeclaration) return letDeclaration(complete(c.letDeclaration));
  if (c.pixelApplyDeclaration) return pixelApplyDeclaration(complete(c.pixelApplyDeclaration));
  return statement(complete(c.statement));
}

function statement(node: StatementCstNode | null): Statement | null {
  if (node === null) return null;
  const c = node.children;
  if (c.rule) return rule(complete(c.rule));
  if (c.filterStatement) return filterStatement(complete(c.filterStatement));
  if (c.conditionalBlock) return conditionalBlock(complete(c.conditionalBlock));
  return pixelBlock(complete(c.pixelBlock));
}

function conditionalBlock(node: ConditionalBlockCstNode | null): WhenBlock | null {
  if (node === null) return null;
  const c = node.children;
  const when = expression(complete(c.condition));
  const body = (c.statement ?? []).map((s) => statement(s.recoveredNode ? null : s)).filter(present);
  const span = spanOver(tokenOf(c.When), when, tokenOf(c.LBrace), body[body.length - 1], tokenOf(c.RBrace));
  if (when === null || span === null) return null;
  return { kind: "WhenBlock", span, when, body };
}

function importDeclaration(node: ImportDeclarationCstNode | null): Import | null {
  if (node === null) return null;
  const path = stringLit(tokenOf(node.children.path));
  const span = spanOver(tokenOf(node.children.Import), path);
  if (path === null || span === null) return null;
  return { kind: "Import", span, path };
}

function profileHeader(node: ProfileHeaderCstNode | null): ProfileHeader | null {
  if (node === null) return null;
  const c = node.children;
  const name = qualifiedName(complete(c.name));
  const options = (c.options ?? []).map((option) => qualifiedName(option.recoveredNode ? null : option)).filter(present);
  const lastBasedOn = c.basedOn?.[c.basedOn.length - 1];
  const span = spanOver(
    tokenOf(c.Profile),
    name,
    tokenOf(c.title),
    lastBasedOn && qualifiedName(lastBasedOn),
    options[options.length - 1],
    c.code?.[c.code.length - 1],
    c.release?.[c.release.length - 1],
  );
  if (name === null || span === null) return null;
  // A repeated `based on`, `code` or `release` is reported by parse.ts; the first one counts.
  return {
    kind: "Profile",
    span,
    name,
    title: stringLit(tokenOf(c.title)),
    basedOn: c.basedOn ? qualifiedName(complete(c.basedOn)) : null,
    options,
    code: numberLit(tokenOf(c.code)),
    release: stringLit(tokenOf(c.release)),
  };
}

function optionUnit(node: OptionUnitCstNode | null): OptionUnit | null {
  if (node === null) return null;
  const c = node.children;
  const name = qualifiedName(complete(c.name));
  const title = stringLit(tokenOf(c.title));
  const code = numberLit(tokenOf(c.code));
  const body = (c.statement ?? []).map((s) => statement(s.recoveredNode ? null : s)).filter(present);
  const span = spanOver(tokenOf(c.Option), name, title, code, tokenOf(c.LBrace), body[body.length - 1], tokenOf(c.RBrace));
  if (name === null || span === null) return null;
  return { kind: "Option", span, name, title, code, body };
}

function secretDeclaration(node: SecretDeclarationCstNode | null): SecretDecl | null {
  if (node === null) return null;
  const c = node.children;
  const name = nameOf(tokenOf(c.name));
  const ref = c.Env ? nameOf(tokenOf(c.variable)) : stringLit(tokenOf(c.path));
  const span = spanOver(tokenOf(c.Secret), ref);
  if (name === null || ref === null || span === null) return null;
  return ref.kind === "Name"
    ? { kind: "Secret", span, name, source: "env", ref }
    : { kind: "Secret", span, name, source: "file", ref };
}

function paramDeclaration(node: ParamDeclarationCstNode | null): ParamDecl | null {
  if (node === null) return null;
  const c = node.children;
  const name = nameOf(tokenOf(c.name));
  const type = nameOf(tokenOf(c.type));
  let defaultValue: Expr | null = null;
  if (c.Equals) {
    defaultValue = expression(complete(c.default));
    if (defaultValue === null) return null;
  }
  const span = spanOver(tokenOf(c.Param), type, defaultValue);
  if (name === null || type === null || span === null) return null;
  return { kind: "Param", span, name, type, default: defaultValue };
}

function letDeclaration(node: LetDeclarationCstNode | null): LetDecl | null {
  if (node === null) return null;
  const c = node.children;
  const name = nameOf(tokenOf(c.name));
  const value = expression(complete(c.value));
  const span = spanOver(tokenOf(c.Let), value);
  if (name === null || value === null || span === null) return null;
  return { kind: "Let", span, name, value };
}

// ---------------------------------------------------------------- rules

/**
 * `when` and `because`, shared by rules, filters and pixel blocks; null when
 * either is broken. A `when` written after `because` (reported by parse.ts)
 * gives the condition when it is the only one.
 */
function conditionAndReason(c: {
  When?: IToken[];
  condition?: ExpressionCstNode[];
  Because?: IToken[];
  reason?: IToken[];
  lateWhen?: IToken[];
  lateCondition?: ExpressionCstNode[];
}): { when: Expr | null; because: StringLit | null } | null {
  const conditions = c.When ? c.condition : c.lateCondition;
  const when = c.When || c.lateWhen ? expression(complete(conditions)) : null;
  if ((c.When || c.lateWhen) && when === null) return null;
  const because = c.Because ? stringLit(tokenOf(c.reason)) : null;
  if (c.Because && because === null) return null;
  return { when, because };
}

function rule(node: RuleCstNode | null): Rule | null {
  if (node === null) return null;
  const c = node.children;
  const selectors = allOrNothing(c.selector ?? [], (s) => selector(s.recoveredNode ? null : s));
  const action = actionOf(complete(c.action));
  const tail = conditionAndReason(c);
  if (selectors === null || selectors.length === 0 || action === null || tail === null) return null;
  const span = spanOver(selectors[0], action, tail.when, tail.because);
  return span && { kind: "Rule", span, selectors, action, when: tail.when, because: tail.because };
}

function selector(node: SelectorCstNode | null): Selector | null {
  if (node === null) return null;
  const c = node.children;
  if (c.pathSelector) return pathSelector(complete(c.pathSelector));
  if (c.vrSelector) return vrSelector(complete(c.vrSelector));
  if (c.Keyword) {
    const pattern = regexLit(tokenOf(c.pattern));
    const span = spanOver(tokenOf(c.Keyword), pattern);
    return pattern && span && { kind: "KeywordPatternSelector", span, pattern };
  }
  if (c.Any) {
    const test = expression(complete(c.condition));
    const span = spanOver(tokenOf(c.Any), test);
    return test && span && { kind: "AnyWhereSelector", span, test };
  }
  if (c.Private) {
    const star = tokenOf(c.privateStar);
    const span = spanOver(tokenOf(c.Private), star);
    return star && span && { kind: "PrivateAllSelector", span };
  }
  const star = tokenOf(c.allStar);
  return star && { kind: "AllSelector", span: tokenSpan(star) };
}

function vrSelector(node: VrSelectorCstNode | null): VrSelector | null {
  if (node === null) return null;
  const vrs = allOrNothing(node.children.VrCode ?? [], (t) => nameOf(isReal(t) ? t : null));
  const span = vrs && spanOver(tokenOf(node.children.Vr), vrs[vrs.length - 1]);
  if (vrs === null || vrs.length === 0 || span === null) return null;
  return { kind: "VrSelector", span, vrs };
}

function pathSelector(node: PathSelectorCstNode | null): PathSelector | null {
  if (node === null) return null;
  const steps = allOrNothing(node.children.pathStep ?? [], (s) => pathStep(s.recoveredNode ? null : s));
  const anchor = tokenOf(node.children.anchor);
  const span = steps && spanOver(anchor, steps[0], steps[steps.length - 1]);
  if (steps === null || steps.length === 0 || span === null) return null;
  return { kind: "PathSelector", span, anchored: anchor !== null, steps };
}

function pathStep(node: PathStepCstNode | null): PathStep | null {
  if (node === null) return null;
  const deep = tokenOf(node.children.DoubleStar);
  if (deep !== null) return { kind: "DeepStep", span: tokenSpan(deep) };
  const any = tokenOf(node.children.anyLevel);
  if (any !== null) return { kind: "AnyStep", span: tokenSpan(any) };
  return elementStep(complete(node.children.elementStep));
}

function elementStep(node: ElementStepCstNode | null): ElementStep | null {
  if (node === null) return null;
  const c = node.children;
  const element = elementRef(node);
  if (element === null) return null;
  let item: NumberLit | null = null;
  if (c.LBracket) {
    item = numberLit(tokenOf(c.itemIndex));
    if (item === null && tokenOf(c.anyItem) === null) return null;
  }
  const span = spanOver(element, item, tokenOf(c.anyItem), tokenOf(c.RBracket));
  return span && { kind: "ElementStep", span, element, item };
}

function elementRef(node: ElementStepCstNode): ElementRef | null {
  const c = node.children;
  if (c.rangeFrom) {
    const from = tagRef(tokenOf(c.rangeFrom));
    const to = tagRef(tokenOf(c.rangeTo));
    if (from === null || to === null) return null;
    return { kind: "TagRangeRef", span: joinSpans(from.span, to.span), from, to };
  }
  if (c.Tag) return tagRef(tokenOf(c.Tag));
  if (c.PrivateTag) return privateRef(tokenOf(c.PrivateTag));
  const keyword = tokenOf(c.keyword);
  return keyword === null ? null : { kind: "KeywordRef", span: tokenSpan(keyword), keyword: keyword.image };
}

// ---------------------------------------------------------------- actions

/** The action words and the PS3.15 code each stands for. */
export const ACTION_WORDS: Readonly<Record<string, ActionCode>> = {
  keep: "K",
  remove: "X",
  empty: "Z",
  dummy: "D",
  clean: "C",
  uid: "U",
};

/** Every code of PS3.15 Table E.1-1a, single and compound. */
const ACTION_CODES: ReadonlySet<string> = new Set<ActionCode>(["D", "Z", "X", "K", "C", "U", "Z/D", "X/Z", "X/D", "X/Z/D", "X/Z/U*"]);

function codeAction(token: IToken | null, code: ActionCode | undefined): CodeAction | null {
  // `D/X`, which parse.ts reported, is no code: the rule is dropped.
  if (token === null || code === undefined || !ACTION_CODES.has(code)) return null;
  return { kind: "CodeAction", span: tokenSpan(token), code, written: token.image };
}

function actionOf(node: ActionCstNode | null): Action | null {
  if (node === null) return null;
  const c = node.children;
  if (c.ActionCode) {
    const token = tokenOf(c.ActionCode);
    return codeAction(token, token?.image as ActionCode | undefined);
  }
  if (c.word) {
    const token = tokenOf(c.word);
    return codeAction(token, token === null ? undefined : ACTION_WORDS[token.image]);
  }
  if (c.shiftAction) {
    const shift = complete(c.shiftAction);
    const days = shift && expression(complete(shift.children.days));
    const span = shift && spanOver(tokenOf(shift.children.Shift), days, tokenOf(shift.children.RParen));
    return days && span && { kind: "ShiftAction", span, days };
  }
  if (c.lookupAction) {
    const lookup = complete(c.lookupAction);
    if (lookup === null) return null;
    const table = stringLit(tokenOf(lookup.children.table));
    const keys = allOrNothing(lookup.children.keys ?? [], (k) => expression(k.recoveredNode ? null : k));
    const quarantine = tokenOf(lookup.children.quarantine);
    const otherwise: Action | QuarantineMiss | null = quarantine ? { kind: "QuarantineMiss", span: tokenSpan(quarantine) } : actionOf(complete(lookup.children.otherwise));
    if (table === null || keys === null || keys.length === 0 || otherwise === null) return null;
    const verb = tokenOf(c.verb);
    const span = spanOver(verb ?? tokenOf(lookup.children.Lookup), otherwise);
    if (span === null) return null;
    const mode = verb?.image === "create" || verb?.image === "set" || verb?.image === "append" ? verb.image : undefined;
    return mode ? { kind: "LookupAction", span, table, keys, otherwise, mode } : { kind: "LookupAction", span, table, keys, otherwise };
  }
  if (c.coarsenAction) {
    const coarsen = complete(c.coarsenAction);
    const unit = coarsen && nameOf(tokenOf(coarsen.children.unit));
    const span = coarsen && spanOver(tokenOf(coarsen.children.Coarsen), unit, tokenOf(coarsen.children.RParen));
    return unit && span && { kind: "CoarsenAction", span, unit };
  }
  if (c.replaceAction) {
    const replace = complete(c.replaceAction);
    if (replace === null) return null;
    const pattern = regexLit(tokenOf(replace.children.pattern));
    const replacement = stringLit(tokenOf(replace.children.replacement));
    const span = spanOver(tokenOf(replace.children.Replace), replacement, tokenOf(replace.children.RParen));
    if (pattern === null || replacement === null || span === null) return null;
    return { kind: "ReplaceAction", span, pattern, replacement };
  }
  const value = expression(complete(c.value));
  const verb = tokenOf(c.verb);
  const span = spanOver(verb, value);
  if (value === null || span === null) return null;
  const mode = verb?.image === "create" || verb?.image === "append" ? verb.image : undefined;
  return mode ? { kind: "SetAction", span, value, mode } : { kind: "SetAction", span, value };
}

// ---------------------------------------------------------------- filters and pixels

function filterStatement(node: FilterStatementCstNode | null): Filter | null {
  if (node === null) return null;
  const outcome = tokenOf(node.children.outcome);
  const tail = conditionAndReason(node.children);
  if (outcome === null || tail === null) return null;
  const span = tokenSpan(outcome);
  const end = spanOver(outcome, tail.when, tail.because)!.end;
  return {
    kind: "Filter",
    span: { start: span.start, end },
    outcome: outcome.image as Filter["outcome"],
    when: tail.when,
    because: tail.because,
  };
}

function pixelApplyDeclaration(node: PixelApplyDeclarationCstNode | null): PixelApply | null {
  if (node === null) return null;
  const mode = tokenOf(node.children.mode);
  const span = spanOver(tokenOf(node.children.Pixels), mode);
  if (mode === null || span === null) return null;
  return { kind: "PixelApply", span, mode: mode.image === "first" ? "first" : "all" };
}

function pixelBlock(node: PixelBlockCstNode | null): PixelBlock | null {
  if (node === null) return null;
  const tail = conditionAndReason(node.children);
  // A region cut short by recovery is dropped; the others are kept.
  const regions = (node.children.pixelRegion ?? []).map((r) => pixelRegion(r.recoveredNode ? null : r)).filter(present);
  if (tail === null) return null;
  const c = node.children;
  const span = spanOver(tokenOf(c.Pixels), tail.when, tail.because, regions[regions.length - 1], tokenOf(c.RBrace));
  if (span === null) return null;
  return { kind: "PixelBlock", span, complete: c.Complete !== undefined, when: tail.when, because: tail.because, regions };
}

function pixelRegion(node: PixelRegionCstNode | null): PixelRegion | null {
  if (node === null) return null;
  const c = node.children;
  const mode = tokenOf(c.mode);
  if (mode === null) return null;
  let shape: RegionShape | null;
  let shapeEnd: SpanPart;
  if (c.All) {
    shape = { form: "all" };
    shapeEnd = tokenOf(c.All);
  } else {
    const shapeNode = complete(c.regionShape);
    const lowered = shapeNode && regionShape(shapeNode);
    shape = lowered && lowered.shape;
    shapeEnd = lowered && lowered.end;
  }
  if (shape === null) return null;
  let frames: FrameRange[] | null = null;
  if (c.Frames) {
    frames = allOrNothing(c.frameRange ?? [], (f) => frameRange(f.recoveredNode ? null : f));
    if (frames === null || frames.length === 0) return null;
  }
  let fill: NumberLit | ColourFill | null = null;
  if (c.Fill) {
    fill = c.colour ? colourFill(complete(c.colour)) : numberLit(tokenOf(c.fill));
    if (fill === null) return null;
  }
  const span = spanOver(mode, shapeEnd, frames?.[frames.length - 1], fill);
  return span && { kind: "PixelRegion", span, mode: mode.image === "keep" ? "keep" : "blank", shape, frames, fill };
}

/** The shape, and its last piece (for the region's span). */
function regionShape(node: RegionShapeCstNode): { shape: RegionShape; end: SpanPart } | null {
  const c = node.children;
  if (c.Ultrasound) {
    const regions = tokenOf(c.Regions);
    return regions && { shape: { form: "ultrasound" }, end: regions };
  }
  if (c.From) {
    const from = complete(c.from);
    const to = complete(c.to);
    const a = from && point(from);
    const b = to && point(to);
    if (a === null || b === null) return null;
    return { shape: { form: "corners", x0: a.x, y0: a.y, x1: b.x, y1: b.y }, end: tokenOf(to!.children.RParen) ?? b.y };
  }
  const x = coordinate(complete(c.x));
  const y = coordinate(complete(c.y));
  const width = coordinate(complete(c.width));
  const height = coordinate(complete(c.height));
  if (x === null || y === null || width === null || height === null) return null;
  return { shape: { form: "rect", x, y, width, height }, end: tokenOf(c.RParen) ?? height };
}

function point(node: PointCstNode): { x: Coordinate; y: Coordinate } | null {
  const x = coordinate(complete(node.children.x));
  const y = coordinate(complete(node.children.y));
  return x && y && { x, y };
}

function coordinate(node: CoordinateCstNode | null): Coordinate | null {
  if (node === null) return null;
  const c = node.children;
  if (c.value) return numberLit(tokenOf(c.value));
  const edge = nameOf(tokenOf(c.edge));
  if (edge === null) return null;
  if (!c.offset) return { kind: "EdgeCoordinate", span: edge.span, edge, offset: null };
  const token = tokenOf(c.offset);
  if (token === null) return null;
  // `Columns -200` lexes the sign with the number; the tree holds the distance, unsigned.
  const raw = token.image.startsWith("-") ? token.image.slice(1) : token.image;
  const offset: NumberLit = { kind: "Number", span: tokenSpan(token), value: Number(raw), raw };
  return { kind: "EdgeCoordinate", span: joinSpans(edge.span, offset.span), edge, offset };
}

function colourFill(node: ColourCstNode | null): ColourFill | null {
  if (node === null) return null;
  const c = node.children;
  const red = numberLit(tokenOf(c.red));
  const green = numberLit(tokenOf(c.green));
  const blue = numberLit(tokenOf(c.blue));
  const span = spanOver(tokenOf(c.LParen), red, green, blue, tokenOf(c.RParen));
  if (red === null || green === null || blue === null || span === null) return null;
  return { kind: "ColourFill", span, red, green, blue };
}

function frameRange(node: FrameRangeCstNode | null): FrameRange | null {
  if (node === null) return null;
  const from = numberLit(tokenOf(node.children.from));
  const to = node.children.DotDot ? numberLit(tokenOf(node.children.to)) : null;
  if (from === null || (node.children.DotDot && to === null)) return null;
  return { kind: "FrameRange", span: spanOver(from, to)!, from, to };
}

// ---------------------------------------------------------------- expressions

/**
 * How deep an expression tree may be. Every pass after parsing (lint, the IR
 * builder and its schema validation, explain, code generation, the executor)
 * walks expressions recursively, so depth is what exhausts the stack: the
 * IR's schema validator, the deepest, fails at some 600 levels. `and` and
 * `or` chains are lowered into balanced trees and stay shallow whatever
 * their length; what nests is a run of `not`s, a `+` chain, brackets and
 * calls. A condition joined with 64 enclosing `when` blocks stays under 200.
 */
export const MAX_EXPRESSION_DEPTH = 128;

/** The depth of every compound expression lowered so far; a leaf is 1 deep. */
const depths = new WeakMap<Expr, number>();

/** Where an expression nested too deep, during one `lowerFile`. */
let tooDeep: Span[] = [];

function depthOf(e: Expr): number {
  return depths.get(e) ?? 1;
}

/**
 * `e`, whose operands are `operands`, or null when it nests deeper than
 * MAX_EXPRESSION_DEPTH; `at` (its first token) is then recorded, and the
 * enclosing constructs are dropped as for any incomplete one.
 */
function nested<E extends Expr>(e: E, at: Span, operands: readonly Expr[]): E | null {
  let depth = 0;
  for (const operand of operands) depth = Math.max(depth, depthOf(operand));
  depth++;
  if (depth > MAX_EXPRESSION_DEPTH) {
    tooDeep.push(at);
    return null;
  }
  depths.set(e, depth);
  return e;
}

function binary(op: BinaryOp, left: Expr, right: Expr, at: Span): Expr | null {
  return nested({ kind: "Binary", span: joinSpans(left.span, right.span), op, left, right }, at, [left, right]);
}

/**
 * `a op b op c`: for `and` and `or` a balanced tree, for `+` a left-leaning
 * one; null if any operand is missing.
 *
 * `and` and `or` are associative (each yields true or false, evaluated left
 * to right with short-circuit), so any grouping of a chain means the same,
 * and an in-order walk of the balanced tree visits the operands in source
 * order. Balancing keeps a machine-generated chain of thousands of terms
 * log2(n) deep instead of n deep. A chain of n operands splits into the
 * first ceil(n/2) and the rest, so `a or b or c` is `(a or b) or c`, as a
 * left-leaning tree. `+` is not associative (`1 + 2 + "x"` is "3x",
 * `1 + (2 + "x")` is "12x") and stays left-leaning.
 */
function chain<N extends CstNode>(
  operandNodes: readonly N[] | undefined,
  operators: readonly IToken[] | undefined,
  op: BinaryOp,
  lower: (node: N | null) => Expr | null,
): Expr | null {
  const nodes = operandNodes ?? [];
  const count = operators?.length ?? 0;
  if (nodes.length !== count + 1) return null;
  // Most expressions have a single operand at each level: no Binary to build.
  if (count === 0) return lower(nodes[0]!.recoveredNode ? null : nodes[0]!);
  const operands: Expr[] = [];
  for (const node of nodes) {
    const operand = lower(node.recoveredNode ? null : node);
    if (operand === null) return null;
    operands.push(operand);
  }
  if (op === "and" || op === "or") return balanced(operands, 0, operands.length, op);
  let result: Expr | null = operands[0]!;
  for (let i = 1; i <= count && result !== null; i++) {
    const operator = operators![i - 1];
    result = binary(op, result, operands[i]!, isReal(operator) ? tokenSpan(operator) : operands[i]!.span);
  }
  return result;
}

/** operands[from..to) joined with `op` in a balanced tree (recursion depth log2 of their number). */
function balanced(operands: readonly Expr[], from: number, to: number, op: BinaryOp): Expr | null {
  if (to - from === 1) return operands[from]!;
  const middle = from + Math.ceil((to - from) / 2);
  const left = balanced(operands, from, middle, op);
  const right = left && balanced(operands, middle, to, op);
  return left && right && binary(op, left, right, left.span);
}

function expression(node: ExpressionCstNode | null): Expr | null {
  return node && chain(node.children.operands, node.children.Or, "or", andExpression);
}

function andExpression(node: AndExpressionCstNode | null): Expr | null {
  return node && chain(node.children.operands, node.children.And, "and", comparison);
}

const COMPARISON_OPERATORS: Readonly<Record<string, BinaryOp>> = {
  EqualEqual: "==",
  // `=` in a condition is reported by parse.ts and read as the `==` the author meant.
  Equals: "==",
  NotEqual: "!=",
  Less: "<",
  LessEqual: "<=",
  Greater: ">",
  GreaterEqual: ">=",
  In: "in",
  Contains: "contains",
  Tilde: "~",
  NotTilde: "!~",
};

/** `not not A == B`: the comparison, then each `not` from the innermost out. */
function comparison(node: ComparisonCstNode | null): Expr | null {
  if (node === null) return null;
  const c = node.children;
  const left = sum(complete(c.left));
  let result: Expr | null = left;
  if (c.operator) {
    const operator = tokenOf(c.operator);
    const op = operator === null ? undefined : COMPARISON_OPERATORS[operator.tokenType.name];
    const right = sum(complete(c.right));
    result = left === null || right === null || op === undefined ? null : binary(op, left, right, tokenSpan(operator!));
  }
  const nots = c.Not ?? [];
  for (let i = nots.length - 1; i >= 0 && result !== null; i--) {
    const not = tokenSpan(nots[i]!);
    const operand: Expr = result;
    result = nested({ kind: "Unary", span: joinSpans(not, operand.span), op: "not", operand }, not, [operand]);
  }
  return result;
}

function sum(node: SumCstNode | null): Expr | null {
  return node && chain(node.children.operands, node.children.Plus, "+", primary);
}

function primary(node: PrimaryCstNode | null): Expr | null {
  if (node === null) return null;
  const c = node.children;
  if (c.StringLiteral) return stringLit(tokenOf(c.StringLiteral));
  if (c.NumberLiteral) return numberLit(tokenOf(c.NumberLiteral));
  if (c.RegexLiteral) return regexLit(tokenOf(c.RegexLiteral));
  if (c.Tag) return tagRef(tokenOf(c.Tag));
  if (c.PrivateTag) return privateRef(tokenOf(c.PrivateTag));
  if (c.call) return call(complete(c.call));
  if (c.Name || c.QualifiedName) {
    const name = tokenOf(c.Name ?? c.QualifiedName);
    return name === null ? null : { kind: "Ident", span: tokenSpan(name), name: name.image };
  }
  if (c.parenthesized) {
    const paren = complete(c.parenthesized);
    const inner = paren && expression(complete(paren.children.inner));
    const span = paren && spanOver(tokenOf(paren.children.LParen), inner, tokenOf(paren.children.RParen));
    return inner && span ? nested({ kind: "Paren", span, inner }, { start: span.start, end: span.start + 1 }, [inner]) : null;
  }
  return list(complete(c.list));
}

function call(node: CallCstNode | null): Expr | null {
  if (node === null) return null;
  const callee = nameOf(tokenOf(node.children.callee));
  const args = allOrNothing(node.children.arguments ?? [], (a) => argument(a.recoveredNode ? null : a));
  const span = spanOver(callee, tokenOf(node.children.LParen), args?.[args.length - 1], tokenOf(node.children.RParen));
  if (callee === null || args === null || span === null) return null;
  return nested({ kind: "Call", span, callee, args }, callee.span, args);
}

function argument(node: ArgumentCstNode | null): Expr | null {
  if (node === null) return null;
  const value = expression(complete(node.children.value));
  if (value === null || !node.children.DotDot) return value;
  const to = expression(complete(node.children.rangeTo));
  return to === null ? null : nested({ kind: "Range", span: joinSpans(value.span, to.span), from: value, to }, value.span, [value, to]);
}

function list(node: ListCstNode | null): Expr | null {
  if (node === null) return null;
  const items = allOrNothing(node.children.items ?? [], (n) => expression(n.recoveredNode ? null : n));
  const span = spanOver(tokenOf(node.children.LBracket), items?.[items.length - 1], tokenOf(node.children.RBracket));
  if (items === null || span === null) return null;
  return nested({ kind: "List", span, items }, { start: span.start, end: span.start + 1 }, items);
}
