// Rules planned for fast lookup: a dispatch table from tag (or private
// creator slot) to the candidate rules in precedence order, built lazily
// and memoised, so the per-element path is a map lookup and a short loop.

import type { IrAction, IrElementMatch, IrExpr, IrProgram, IrRule, IrSource, IrStep } from "../../ir/types";
import { compileExpr, type Compiled } from "./expr";

export interface PlannedAction {
  ir: IrAction;
  /** compiled value (set), offset (shift), keys (lookup) */
  value?: Compiled;
  keys?: Compiled[];
  regex?: RegExp;
  otherwise?: PlannedAction;
}

export interface PlannedRule {
  id: number;
  source: IrSource;
  /** null: no VR restriction; else the VRs a `vr` selector names */
  vrs: readonly string[] | null;
  /** ancestors to match, when the selector is a path of more than one element or is anchored */
  ancestors: AncestorMatcher | null;
  when: Compiled | null;
  action: PlannedAction;
  /** a catch-all (`private *` or `*`) */
  catchAll: boolean;
  /** an `any where` rule: never a candidate for Pixel Data, whose bytes are no value to test (isPixelDataTag) */
  anyWhere?: true;
}

/** Whether a standard element that `rule` decides stays as it is: no rule names it, or the rule says K. */
export function keepsUnchanged(rule: PlannedRule | null): boolean {
  return rule === null || (rule.action.ir.kind === "code" && rule.action.ir.code === "K");
}

/** An enclosing sequence of the element being decided. */
export interface Ancestor {
  tag: number;
  item: number;
  /** private creator of the sequence element, if private */
  creator: string | undefined;
}

export type AncestorMatcher = (ancestors: readonly Ancestor[], depth: number) => boolean;

function elementTest(m: IrElementMatch): (tag: number, creator: string | undefined) => boolean {
  switch (m.kind) {
    case "tag": {
      const t = parseInt(m.tag, 16);
      return (tag) => tag === t;
    }
    case "mask": {
      const value = parseInt(m.value, 16);
      const mask = parseInt(m.mask, 16);
      return (tag) => ((tag & mask) >>> 0) === value;
    }
    case "range": {
      const from = parseInt(m.from, 16);
      const to = parseInt(m.to, 16);
      return (tag) => tag >= from && tag <= to;
    }
    case "private": {
      const group = parseInt(m.group, 16);
      const element = m.element === null ? -1 : parseInt(m.element, 16);
      const creator = m.creator;
      return (tag, c) => tag >>> 16 === group && (tag & 0xff00) >= 0x1000 && c === creator && (element < 0 || (tag & 0xff) === element);
    }
  }
}

/**
 * Matches the steps before the last against the enclosing sequences,
 * innermost last. `**` matches zero or more levels; an unanchored path may
 * start at any depth.
 */
const anySequence = (): boolean => true;

function ancestorMatcher(steps: IrStep[], anchored: boolean): AncestorMatcher | null {
  const before = steps.slice(0, -1);
  if (before.length === 0 && !anchored) return null;
  // null: `**`; an element test with no item: `*`, one level of any sequence.
  const tests = before.map((s) => (s.kind === "deep" ? null : s.kind === "any" ? { test: anySequence, item: null } : { test: elementTest(s.match), item: s.item }));
  const matchFrom = (si: number, ai: number, ancestors: readonly Ancestor[], depth: number): boolean => {
    if (si === tests.length) return ai === depth;
    const t = tests[si];
    if (t === null) {
      for (let k = ai; k <= depth; k++) if (matchFrom(si + 1, k, ancestors, depth)) return true;
      return false;
    }
    if (ai >= depth) return false;
    const a = ancestors[ai]!;
    if (!t!.test(a.tag, a.creator)) return false;
    if (t!.item !== null && t!.item !== a.item) return false;
    return matchFrom(si + 1, ai + 1, ancestors, depth);
  };
  return (ancestors, depth) => {
    if (anchored) return matchFrom(0, 0, ancestors, depth);
    for (let start = 0; start <= depth; start++) if (matchFrom(0, start, ancestors, depth)) return true;
    return false;
  };
}

function planAction(a: IrAction): PlannedAction {
  switch (a.kind) {
    case "set":
      return { ir: a, value: compileExpr(a.value) };
    case "shift":
      return { ir: a, value: compileExpr(a.days) };
    case "lookup":
      // `else quarantine` has no action to plan: processObject quarantines the object on a miss.
      return { ir: a, keys: a.keys.map(compileExpr), ...(a.otherwise.kind === "quarantine" ? {} : { otherwise: planAction(a.otherwise) }) };
    case "replace":
      return { ir: a, regex: new RegExp(a.pattern, a.flags) };
    default:
      return { ir: a };
  }
}

/** What `any where` looks at: every VR but SQ (a sequence is not a value to test). */
export const ANY_WHERE_VRS: readonly string[] = [
  "AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO", "LT", "OB", "OD", "OF", "OL", "OV",
  "OW", "PN", "SH", "SL", "SS", "ST", "SV", "TM", "UC", "UI", "UL", "UN", "UR", "US", "UT", "UV",
];

/**
 * Pixel Data, Float and Double Float Pixel Data, Overlay Data (60xx,3000), at any depth: images,
 * never tested by `any where` (and an Overlay Data removed alone would leave its group invalid).
 */
export function isPixelDataTag(tag: number): boolean {
  return tag === 0x7fe00010 || tag === 0x7fe00008 || tag === 0x7fe00009 || ((tag & 0xff01ffff) >>> 0 === 0x60003000 && tag >>> 16 <= 0x601e);
}

/** An `any where` rule's condition: its test, and its own `when` if it has one. */
export function anyWhereCondition(test: IrExpr, when: IrExpr | null): IrExpr {
  return when === null ? test : { kind: "binary", op: "and", left: test, right: when };
}

interface Candidate {
  rule: PlannedRule;
  test: (tag: number, creator: string | undefined) => boolean;
  /** the rule names a private slot, so it never matches a standard attribute */
  privateOnly: boolean;
}

export class RulePlan {
  private readonly candidates: Candidate[] = [];
  private readonly byTag = new Map<number, PlannedRule[]>();
  /** creator ("" for none) -> tag -> rules: two lookups, no key to build per element */
  private readonly byPrivateSlot = new Map<string, Map<number, PlannedRule[]>>();

  constructor(ir: IrProgram) {
    for (const rule of ir.rules) this.candidates.push(this.plan(rule));
  }

  private plan(rule: IrRule): Candidate {
    const base = {
      id: rule.id,
      source: rule.source,
      when: rule.when ? compileExpr(rule.when) : null,
      action: planAction(rule.action),
    };
    const sel = rule.selector;
    switch (sel.kind) {
      case "all":
        return { rule: { ...base, vrs: null, ancestors: null, catchAll: true }, test: () => true, privateOnly: false };
      case "privateAll":
        return { rule: { ...base, vrs: null, ancestors: null, catchAll: true }, test: (tag) => ((tag >>> 16) & 1) === 1, privateOnly: true };
      case "vr":
        // Standard attributes only (even groups): a private element's VR is known only in explicit VR files
        // (implicit VR gives UN), so a VR rule would keep or change it depending on the transfer syntax, and
        // E.3.10 keeps private attributes only by name (creator), where known to be safe.
        return { rule: { ...base, vrs: sel.vrs, ancestors: null, catchAll: false }, test: (tag) => ((tag >>> 16) & 1) === 0, privateOnly: false };
      case "keywords": {
        const tests = sel.matches.map(elementTest);
        return { rule: { ...base, vrs: null, ancestors: null, catchAll: false }, test: (tag) => tests.some((t) => t(tag, undefined)), privateOnly: false };
      }
      case "anyWhere": {
        // The test joins the rule's own condition; sequences themselves are never candidates.
        const when = compileExpr(anyWhereCondition(sel.test, rule.when));
        return { rule: { ...base, when, vrs: ANY_WHERE_VRS, ancestors: null, catchAll: false, anyWhere: true }, test: () => true, privateOnly: false };
      }
      case "path": {
        const last = sel.steps[sel.steps.length - 1];
        const match = last && last.kind === "element" ? last.match : null;
        const test = match ? elementTest(match) : () => false;
        const itemOfLast = last && last.kind === "element" ? last.item : null;
        const ancestors = ancestorMatcher(sel.steps, sel.anchored);
        // An item index on the last step selects the element inside that item of its parent.
        const withItem: AncestorMatcher | null =
          itemOfLast === null ? ancestors : (anc, depth) => depth > 0 && anc[depth - 1]!.item === itemOfLast && (ancestors === null || ancestors(anc, depth));
        return { rule: { ...base, vrs: null, ancestors: withItem, catchAll: false }, test, privateOnly: match?.kind === "private" };
      }
    }
  }

  /** Candidate rules for a standard (even-group) tag, in precedence order. */
  forTag(tag: number): PlannedRule[] {
    let list = this.byTag.get(tag);
    if (!list) {
      list = this.candidates.filter((c) => !c.privateOnly && c.test(tag, undefined)).map((c) => c.rule);
      this.byTag.set(tag, list);
    }
    return list;
  }

  /** Candidate rules for a private element of `creator`, in precedence order. */
  private readonly withoutCreator = new Map<number, PlannedRule[]>();

  forPrivate(tag: number, creator: string | undefined): PlannedRule[] {
    // An element with no creator in its block and one whose creator is the empty string are
    // different slots: a rule naming creator "" must not decide the first.
    let byTag = creator === undefined ? this.withoutCreator : this.byPrivateSlot.get(creator);
    if (!byTag) {
      byTag = new Map();
      this.byPrivateSlot.set(creator!, byTag);
    }
    let list = byTag.get(tag);
    if (!list) {
      list = this.candidates.filter((c) => c.test(tag, creator)).map((c) => c.rule);
      byTag.set(tag, list);
    }
    return list;
  }
}
