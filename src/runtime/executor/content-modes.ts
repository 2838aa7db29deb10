// How the content of the sequences the walk is in is treated where no specific
// rule decides (docs/executor.md, "Sequences"): one mode per enclosing
// sequence, from the code that opened it or inherited from its parent, and,
// under the Clean Structured Content Option, one per content item from its
// concept name (content-items.ts).

import type { IrActionCode } from "../../ir/types";
import { contentItemAction, type ContentItemAction, type ContentItemPlan } from "./content-items";
import { asText } from "./expr";
import { CONCEPT_CODE_VALUE, CONCEPT_SCHEME, TAG_CONCEPT_NAME_CODE_SEQUENCE, valueTypeOf } from "./item-scopes";
import type { ItemValues } from "./object-context";
import type { PlannedRule } from "./plan";

/**
 * KEEP applies the rules and keeps what they do not name (E.1.1, "K" on a sequence); DUMMY (D on a
 * sequence) and CLEAN (C on a sequence) also apply the rules, but replace or clean the free content
 * that no specific rule names, so a D or C sequence never passes text through as is.
 */
export const KEEP = 0;
export const DUMMY = 1;
export const CLEAN = 2;
export type ContentMode = typeof KEEP | typeof DUMMY | typeof CLEAN;

/**
 * VRs whose values can carry identifying content that no rule names: free text, names, dates and
 * times, and opaque bytes. Coded strings (CS), UIDs and numbers are structure (enumerated values,
 * references, measurements) and stay, so the IOD stays valid.
 */
export function carriesFreeContent(vr: string): boolean {
  switch (vr) {
    case "AE": case "AS": case "DA": case "DT": case "TM": case "LO": case "LT": case "PN": case "SH": case "ST": case "UC": case "UT": case "UR":
    case "OB": case "OD": case "OF": case "OL": case "OV": case "OW": case "UN":
      return true;
    default:
      return false;
  }
}

/**
 * Code Value, Coding Scheme Designator, Coding Scheme Version, Long Code Value, URN Code Value: they
 * name a concept of a coding scheme, not a person. Clean mode keeps them (the cleaner's digit-run
 * pattern would erase SNOMED and LOINC codes); dummy mode does not, since a code sequence such as
 * Person Identification Code Sequence carries the identifier in its Code Value.
 */
export function isCodeAttribute(tag: number): boolean {
  return tag === 0x00080100 || tag === 0x00080102 || tag === 0x00080103 || tag === 0x00080119 || tag === 0x00080120;
}

/** What Table E.3.4-1 does with the content item recorded in `values` (ItemScopes); null when it has no concept name or no row names it. */
export function contentItemActionOf(plan: ContentItemPlan, values: ItemValues): ContentItemAction | null {
  const code = values.get(CONCEPT_CODE_VALUE);
  if (typeof code !== "string" || code === "") return null;
  return contentItemAction(plan, code, asText(values.get(CONCEPT_SCHEME)), valueTypeOf(values));
}

/** Indexed by level, as the walk's ancestors are: level 0 is the outermost enclosing sequence. */
/**
 * What an action code does to the items of a sequence it keeps: keep them for
 * their own rules (K; U and X/Z/U*, whose UIDs their own rules replace),
 * clean their text (C), or give their free content dummies (the D family:
 * D, Z/D, X/D, X/Z/D). One answer for the walk, which records the action,
 * and for the content modes, which apply it.
 */
export function sequenceTreatment(code: IrActionCode): "keep" | "clean" | "dummy" {
  if (code === "K" || code === "U" || code === "X/Z/U*") return "keep";
  return code === "C" ? "clean" : "dummy";
}

export class ContentModes {
  private readonly modes: ContentMode[] = [];
  /** the rule that set each sequence's mode (what the record names for the free content it decides) */
  private readonly rules: (PlannedRule | null)[] = [];
  /** per enclosing sequence: the mode the Clean Structured Content Option gives the current item by its concept name, if any */
  private readonly itemModes: (ContentMode | null)[] = [];

  /** The mode of the content of an element at `depth`: its item's, else its sequence's. */
  at(depth: number): ContentMode {
    return depth > 0 ? (this.itemModes[depth - 1] ?? this.modes[depth - 1]!) : KEEP;
  }

  /** The mode of the sequence at `level` itself (not of its current item). */
  ofSequence(level: number): ContentMode | undefined {
    return this.modes[level];
  }

  /** The rule that set the mode of the sequence at `level`. */
  ruleOf(level: number): PlannedRule | null | undefined {
    return this.rules[level];
  }

  /**
   * Enters a sequence opened at `depth` with `code` (X and Z, which open nothing, excluded) by `rule`
   * (null: no rule names it).
   */
  enter(code: IrActionCode, rule: PlannedRule | null, tag: number, depth: number): void {
    let inherited: ContentMode = depth > 0 ? (this.itemModes[depth - 1] ?? this.modes[depth - 1]!) : KEEP;
    // A content item that gets dummies for its values keeps its concept name: it names a concept,
    // not a person, and without it the item would say nothing about what was replaced.
    if (inherited === DUMMY && tag === TAG_CONCEPT_NAME_CODE_SEQUENCE && this.itemModes[depth - 1] === DUMMY) inherited = CLEAN;
    const inheritedRule = depth > 0 ? this.rules[depth - 1]! : null;
    let mode: ContentMode;
    let modeRule: PlannedRule | null = rule;
    const treatment = sequenceTreatment(code);
    if (treatment === "keep") {
      // K keeps the sequence with its items cleaned by the rules (E.1.1); U and X/Z/U* keep it too, and
      // the instance UIDs it contains are replaced by their own rules (the "U*"). Only a specific K
      // resets a dummy or clean context: a catch-all K just means "no rule names this sequence".
      if (code === "K" && rule !== null && !rule.catchAll) mode = KEEP;
      else {
        mode = inherited;
        modeRule = inheritedRule;
      }
    } else if (treatment === "clean") {
      mode = CLEAN;
    } else {
      // D, Z/D, X/D, X/Z/D: keeping the items, with dummies for the free content, is conformant
      // whatever the sequence's Type, where an empty or absent sequence is not.
      mode = DUMMY;
    }
    this.modes.push(mode);
    this.rules.push(modeRule);
  }

  leave(): void {
    this.modes.pop();
    this.rules.pop();
  }

  /** An item of the sequence at `level` starts or ends: no concept name decides it (yet). */
  clearItem(level: number): void {
    this.itemModes[level] = null;
  }

  /** The item of the sequence at `level` is a content item whose concept name the option decides (X excluded: the walk removes it). */
  setItem(level: number, action: Exclude<ContentItemAction, "X">): void {
    this.itemModes[level] = action === "K" ? KEEP : action === "D" ? DUMMY : CLEAN;
  }
}
