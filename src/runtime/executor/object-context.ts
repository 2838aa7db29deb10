// What a profile's expressions see of the object being processed (EvalContext):
// one per object, shared by its filters, rules, `let`s and `pixels` blocks.
// A class rather than an object of closures, so that an object costs one
// allocation here, however many conditions it meets.

import type { DicomCursor } from "../dicom";
import { asText, type EvalContext, type Value } from "./expr";
import type { ExecutionPlan } from "./index";
import type { Ancestor, PlannedRule } from "./plan";
import type { TopLevel } from "./top-level";

/** What `item.X` reads in one item: its wanted attributes (an attribute present without a readable value maps to undefined). */
export type ItemValues = Map<number, string | number | undefined>;

/** Binary number VRs: `value` reads their numbers (as `attr` does), not their bytes as text. */
const NUMBER_VR_SIZES: Readonly<Record<string, number>> = { US: 2, SS: 2, UL: 4, SL: 4, FL: 4, FD: 8, SV: 8, UV: 8 };

/** `value` of the element under the cursor: text as text; binary numbers in decimal, backslash-separated. */
function elementValueText(cursor: DicomCursor): string {
  const size = NUMBER_VR_SIZES[cursor.vr];
  if (size === undefined) return cursor.readText();
  const count = Math.floor(cursor.valueLength / size);
  let text = "";
  for (let i = 0; i < count; i++) text += (i > 0 ? "\\" : "") + String(cursor.readNumber(i));
  return text;
}

export class ObjectContext implements EvalContext {
  /** the sequences enclosing the element being decided, outermost first (the walk pushes and pops them) */
  readonly ancestors: Ancestor[] = [];
  /** per enclosing item (parallel to `ancestors`): what `item.X` reads there; empty unless the profile uses `item.` */
  readonly itemValues: ItemValues[] = [];
  /**
   * What `value` reads: the walk's cursor, once the walk is set up (before its first element, too), or null
   * where there is no element (filters, and an absent attribute a `create` rule is decided for)
   */
  element: DicomCursor | null = null;
  private readonly lets = new Map<string, Value>();

  constructor(
    private readonly plan: ExecutionPlan,
    private readonly top: TopLevel,
  ) {}

  attr(tag: number): string | number | undefined {
    return this.top.values.get(tag);
  }

  has(tag: number): boolean {
    return this.top.present.has(tag);
  }

  itemAttr(tag: number): string | number | undefined {
    const depth = this.ancestors.length;
    return depth === 0 ? this.top.values.get(tag) : this.itemValues[depth - 1]?.get(tag);
  }

  itemHas(tag: number): boolean {
    const depth = this.ancestors.length;
    return depth === 0 ? this.top.present.has(tag) : this.itemValues[depth - 1]?.has(tag) === true;
  }

  letValue(name: string): Value {
    if (!this.lets.has(name)) {
      const compiled = this.plan.lets.get(name);
      this.lets.set(name, compiled ? compiled(this) : undefined);
    }
    return this.lets.get(name);
  }

  param(name: string): Value {
    return this.plan.params.get(name);
  }

  secret(name: string): Uint8Array {
    return this.plan.secret(name);
  }

  current(): string | undefined {
    return this.element === null ? undefined : elementValueText(this.element);
  }

  /** what keyed values were derived from an empty key: subject -> uses (hash, days, C); null until one is */
  private emptyKeys: Map<string, Set<string>> | null = null;

  keyText(v: Value, subject: string, use: string): string {
    const text = asText(v);
    if (text.trim() === "") {
      this.emptyKeys ??= new Map();
      let uses = this.emptyKeys.get(subject);
      if (!uses) this.emptyKeys.set(subject, (uses = new Set()));
      uses.add(use);
    }
    return text;
  }

  /** One warning per empty key a keyed value was derived from (never a value: there is none to quote). */
  reportEmptyKeys(warnings: string[]): void {
    if (this.emptyKeys === null) return;
    for (const [subject, uses] of this.emptyKeys) {
      const what = [...uses].map((u) => (u === "C" ? "the per-patient date shift of C" : `\`${u}(...)\``));
      const list = what.length === 1 ? what[0]! : `${what.slice(0, -1).join(", ")} and ${what[what.length - 1]}`;
      warnings.push(`${subject} is empty or absent: ${list} keyed on it ${what.length === 1 ? "gives" : "give"} every object where it is empty the same result, so those objects share one pseudonym or date shift`);
    }
  }

  /**
   * The rule that decides top-level attribute `tag` where no element of it is under the cursor (first
   * matching rule wins): before the walk, or for an absent attribute (ObjectRewrite.decide answers only
   * for the element under the cursor).
   */
  topLevelRule(tag: number, vr: string): PlannedRule | null {
    for (const rule of this.plan.rules.forTag(tag)) {
      if (rule.vrs !== null && !rule.vrs.includes(vr)) continue;
      // `any where` tests an element's own value, and there is none to test.
      if (rule.anyWhere === true) continue;
      if (rule.ancestors !== null && !rule.ancestors([], 0)) continue;
      if (rule.when !== null && rule.when(this) !== true) continue;
      return rule;
    }
    return null;
  }

  /** Would the rule deciding top-level attribute `tag` of this object keep it (`K`)? */
  keepsTopLevel(tag: number, vr: string): boolean {
    const rule = this.topLevelRule(tag, vr);
    return rule !== null && rule.action.ir.kind === "code" && rule.action.ir.code === "K";
  }
}
