// What a profile does to each attribute it names, read from the IR alone
// (never from the source): the effective action and the rule it came from.

import { lookupTag } from "../dicom/dictionary";
import { anyWhereCondition, isPixelDataTag } from "../runtime/executor/plan";
import type { IrAction, IrCoordinate, IrElementMatch, IrExpr, IrFilter, IrPixelRule, IrProgram, IrRegion, IrRule, IrSelector, IrStep } from "./types";

/** An attribute as explain and the static checks see it: a standard tag, or a private element by creator. */
export type AttributeKey =
  | { kind: "tag"; tag: number; vrs: string[] }
  | { kind: "private"; group: number; creator: string; element: number; vrs: string[] };

/** Does `sel` select this attribute in the top-level dataset (and, unless anchored, at any depth)? */
export function selectsAttribute(sel: IrSelector, key: AttributeKey): boolean {
  switch (sel.kind) {
    case "all":
      return true;
    case "privateAll":
      return key.kind === "private";
    case "vr":
      return key.vrs.some((v) => sel.vrs.includes(v));
    case "keywords":
      return key.kind === "tag" && sel.matches.some((m) => (m.kind === "tag" ? parseInt(m.tag, 16) === key.tag >>> 0 : ((key.tag & parseInt(m.mask, 16)) >>> 0) === parseInt(m.value, 16)));
    case "anyWhere":
      // decided by each element's value: never statically
      return false;
    case "path": {
      const elements = sel.steps.filter((s) => s.kind === "element");
      // `*` needs an enclosing sequence: never the top-level attribute itself
      if (elements.length !== 1 || sel.steps.some((s) => s.kind === "any")) return false;
      const step = elements[0]!;
      if (step.kind !== "element" || step.item !== null) return false;
      const m = step.match;
      if (key.kind === "private") {
        return m.kind === "private" && parseInt(m.group, 16) === key.group && m.creator === key.creator && (m.element === null || parseInt(m.element, 16) === key.element);
      }
      const tag = key.tag >>> 0;
      switch (m.kind) {
        case "tag":
          return parseInt(m.tag, 16) === tag;
        case "mask":
          return ((tag & parseInt(m.mask, 16)) >>> 0) === parseInt(m.value, 16);
        case "range":
          return tag >= parseInt(m.from, 16) && tag <= parseInt(m.to, 16);
        case "private":
          return false;
      }
    }
  }
}

/**
 * A path rule that decides the attribute only in some places (inside a sequence, in one item, only
 * at the top level): its last step names the attribute but `selectsAttribute` does not hold.
 */
function selectsInPlaces(sel: IrSelector, key: AttributeKey): boolean {
  if (sel.kind !== "path" || selectsAttribute(sel, key)) return false;
  const last = sel.steps[sel.steps.length - 1];
  if (!last || last.kind !== "element") return false;
  return selectsAttribute({ kind: "path", anchored: false, steps: [{ ...last, item: null }] }, key);
}

/** The first unconditional rule deciding this attribute, optionally only among layers below `belowLayer`. */
export function decidingRule(ir: IrProgram, key: AttributeKey, belowLayer = Infinity): IrRule | undefined {
  return ir.rules.find((r) => r.layer < belowLayer && r.when === null && selectsAttribute(r.selector, key));
}

/** Binding strength as the grammar gives it: or < and < not < comparison < `+` < everything else. */
function precedence(e: IrExpr): number {
  if (e.kind === "not") return 3;
  if (e.kind !== "binary") return 6;
  return e.op === "or" ? 1 : e.op === "and" ? 2 : e.op === "+" ? 5 : 4;
}

export function describeExpr(e: IrExpr): string {
  switch (e.kind) {
    case "str":
      return JSON.stringify(e.value);
    case "num":
      return String(e.value);
    case "bool":
      return String(e.value);
    case "regex":
      return `/${e.pattern}/${e.flags}`;
    case "attr": {
      const name = e.keyword ?? `(${e.tag.slice(0, 4)},${e.tag.slice(4)})`;
      return e.item ? `item.${name}` : name;
    }
    case "privateAttr":
      return `(${e.group},${JSON.stringify(e.creator)},${e.element})`;
    case "value":
      return "value";
    case "let":
    case "param":
    case "secret":
      return e.name;
    case "call":
      return `${e.fn}(${e.args.map(describeExpr).join(", ")})`;
    case "binary": {
      // Parentheses where the tree groups differently from precedence: a `when` block's condition
      // joined with a rule's own (`(A or B) and C`) must not read as `A or (B and C)`.
      const p = precedence(e);
      const side = (x: IrExpr, right: boolean): string => {
        const q = precedence(x);
        return q < p || (right && q === p && e.op !== "and" && e.op !== "or") ? `(${describeExpr(x)})` : describeExpr(x);
      };
      return `${side(e.left, false)} ${e.op} ${side(e.right, true)}`;
    }
    case "not":
      return precedence(e.operand) < 3 ? `not (${describeExpr(e.operand)})` : `not ${describeExpr(e.operand)}`;
    case "list":
      return `[${e.items.map(describeExpr).join(", ")}]`;
    case "range":
      return `${describeExpr(e.from)} .. ${describeExpr(e.to)}`;
  }
}

function describeCoordinate(c: IrCoordinate): string {
  if (typeof c === "number") return String(c);
  return c.minus === 0 ? c.edge : `${c.edge} - ${c.minus}`;
}

/** A region as the rule file would write it: `blank (Columns - 200, 0, 200, 40) frames 1..3 fill (255, 0, 0)`. */
export function describeRegion(r: IrRegion): string {
  const a = r.area;
  const shape =
    a === undefined
      ? `(${r.x}, ${r.y}, ${r.width}, ${r.height})`
      : a.kind === "rect"
        ? `(${[a.x, a.y, a.width, a.height].map(describeCoordinate).join(", ")})`
        : a.kind === "corners"
          ? `from (${describeCoordinate(a.x0)}, ${describeCoordinate(a.y0)}) to (${describeCoordinate(a.x1)}, ${describeCoordinate(a.y1)})`
          : a.kind === "all"
            ? "all"
            : "ultrasound regions";
  const frames = r.frames ? ` frames ${r.frames.map((f) => (f.from === f.to ? String(f.from) : `${f.from}..${f.to}`)).join(", ")}` : "";
  const fill = r.fillColour ? ` fill (${r.fillColour.join(", ")})` : r.fill !== 0 ? ` fill ${r.fill}` : "";
  return `${r.keep ? "keep" : "blank"} ${shape}${frames}${fill}`;
}

/** `pixels complete when … because "…"`: a block's header, for explain. */
export function describePixelRule(p: IrPixelRule): string {
  return `pixels${p.complete ? " complete" : ""}${p.when ? ` when ${describeExpr(p.when)}` : ""}`;
}

/** What a filter does to the objects it selects, in a few words. */
export function describeFilterOutcome(f: IrFilter): string {
  switch (f.outcome) {
    case "reject":
      return "rejected (not written)";
    case "quarantine":
      return "quarantined (set aside for a person)";
    case "accept":
      return "accepted (de-identified; later filters are not evaluated)";
    case "skip":
      return "skipped (written unchanged, identifiers included)";
  }
}

export function describeAction(a: IrAction): string {
  switch (a.kind) {
    case "code":
      return a.code;
    case "set":
      return a.mode ? `${a.mode} ${describeExpr(a.value)}` : describeExpr(a.value);
    case "shift":
      return `shift(${describeExpr(a.days)})`;
    case "lookup":
      return `lookup(${JSON.stringify(a.table)}, ${a.keys.map(describeExpr).join(", ")}) else ${a.otherwise.kind === "quarantine" ? "quarantine" : describeAction(a.otherwise)}`;
    case "coarsen":
      return `coarsen(${a.unit})`;
    case "replace":
      return `replace(/${a.pattern}/${a.flags}, ${JSON.stringify(a.replacement)})`;
  }
}

export interface ExplainRow {
  /** "(0010,0010)", "(60xx,3000)", or "(0029,\"SIEMENS CSA HEADER\",10)" */
  tag: string;
  keyword: string | null;
  /** the standard's attribute name, when the dictionary knows it */
  name: string | null;
  action: string;
  /** unit that decided: "ps315.basic", "ps315.retain-uids", or the site profile */
  unit: string;
  because: string | null;
  /** "file:line" of the deciding rule */
  source: string;
  /**
   * the deciding rule's selector as written, when it names more than this row's attribute:
   * `keyword /Date$/`, `vr DA, DT`; null for a rule that names the attribute itself
   */
  selector: string | null;
  /**
   * conditional rules that come first and may decide instead, as "action when condition (file:line)";
   * an `any where` rule reads "action when any where test (file:line)"
   */
  conditional: string[];
}

/** A rule that selects elements by their value (`any where <expr>`): no row of its own, listed apart. */
export interface ExplainValueRule {
  /** the selector as written: `any where value == PatientName` */
  selector: string;
  action: string;
  /** the rule's own `when` (a block's condition included), or null */
  condition: string | null;
  unit: string;
  because: string | null;
  /** "file:line" of the rule */
  source: string;
  /** which attributes it can decide: those whose row has it among `conditional` */
  overrides: string;
}

function tagText(hex8: string): string {
  return `(${hex8.slice(0, 4)},${hex8.slice(4)})`;
}

function describeMatch(m: IrElementMatch): string {
  switch (m.kind) {
    case "tag":
      return m.keyword ?? tagText(m.tag);
    case "mask":
      return m.text;
    case "range":
      return `${tagText(m.from)}..${tagText(m.to)}`;
    case "private":
      return `(${m.group},${JSON.stringify(m.creator)},${m.element ?? "xx"})`;
  }
}

export function describeStep(s: IrStep): string {
  if (s.kind === "deep") return "**";
  if (s.kind === "any") return "*";
  return describeMatch(s.match) + (s.item === null ? "" : `[${s.item}]`);
}

/** The selector as it is written in a rule file. */
export function describeSelector(sel: IrSelector): string {
  switch (sel.kind) {
    case "all":
      return "*";
    case "privateAll":
      return "private *";
    case "vr":
      return `vr ${sel.vrs.join(", ")}`;
    case "keywords":
      return `keyword /${sel.pattern}/${sel.flags}`;
    case "anyWhere":
      return `any where ${describeExpr(sel.test)}`;
    case "path":
      return (sel.anchored ? "/" : "") + sel.steps.map(describeStep).join("/");
  }
}

/** Can an `any where` rule see this attribute at all? Never a sequence, nor Pixel or Overlay Data. */
function valueTestable(key: AttributeKey | null): boolean {
  if (!key) return true;
  if (key.kind === "tag" && isPixelDataTag(key.tag >>> 0)) return false;
  return !key.vrs.every((v) => v === "SQ");
}

/**
 * The `any where` rules, in the order they decide. Each can decide any element that no earlier
 * rule decides (a more specific rule of its unit, or any rule of a later unit), so instead of a
 * row it gets its own entry here and a note in every row it can override.
 */
export function explainValueRules(ir: IrProgram): ExplainValueRule[] {
  return ir.rules
    .filter((r) => r.selector.kind === "anyWhere")
    .map((r) => ({
      selector: describeSelector(r.selector),
      action: describeAction(r.action),
      condition: r.when ? describeExpr(r.when) : null,
      unit: ir.profile.layers[r.layer]?.name ?? "?",
      because: r.because,
      source: `${r.source.file}:${r.source.line}`,
      overrides: "every attribute not decided by a more specific rule (a rule of a later unit counts as more specific)",
    }));
}

function selectorLabel(sel: IrSelector): { tag: string; keyword: string | null; name: string | null } | null {
  if (sel.kind !== "path" || sel.steps.length !== 1) return null;
  const step = sel.steps[0]!;
  if (step.kind !== "element" || step.item !== null) return null;
  const m = step.match;
  switch (m.kind) {
    case "tag": {
      const entry = lookupTag(parseInt(m.tag, 16));
      return { tag: `(${m.tag.slice(0, 4)},${m.tag.slice(4)})`, keyword: entry?.keyword ?? m.keyword, name: entry?.name ?? null };
    }
    case "mask": {
      const hex = [...m.value].map((c, i) => (m.mask[i] === "0" ? "x" : m.mask[i] === "1" ? (c === "0" ? "@" : "#") : c)).join("");
      const entry = lookupTag(parseInt(m.value, 16));
      return { tag: `(${hex.slice(0, 4)},${hex.slice(4)})`, keyword: entry?.keyword ?? null, name: entry?.name ?? null };
    }
    case "range":
      return { tag: `(${m.from.slice(0, 4)},${m.from.slice(4)})..(${m.to.slice(0, 4)},${m.to.slice(4)})`, keyword: null, name: null };
    case "private":
      return { tag: `(${m.group},${JSON.stringify(m.creator)},${m.element ?? "xx"})`, keyword: null, name: null };
  }
}

function keyOfSelector(sel: IrSelector): AttributeKey | null {
  if (sel.kind !== "path" || sel.steps.length !== 1) return null;
  const step = sel.steps[0]!;
  if (step.kind !== "element") return null;
  const m = step.match;
  if (m.kind === "tag") {
    const tag = parseInt(m.tag, 16);
    return { kind: "tag", tag, vrs: lookupTag(tag)?.vrs ?? ["UN"] };
  }
  if (m.kind === "mask") {
    const tag = parseInt(m.value, 16);
    return { kind: "tag", tag, vrs: lookupTag(tag)?.vrs ?? ["UN"] };
  }
  if (m.kind === "private" && m.element !== null) {
    return { kind: "private", group: parseInt(m.group, 16), creator: m.creator, element: parseInt(m.element, 16), vrs: ["UN"] };
  }
  return null;
}

/**
 * One row per attribute that some rule names by tag, keyword, mask or private
 * tag (plus one per other selector kind), in tag order, with the action that
 * decides it when no condition intervenes.
 */
export function explainProgram(ir: IrProgram): ExplainRow[] {
  const rows = new Map<string, ExplainRow>();
  const at = (r: IrRule): string => `${r.source.file}:${r.source.line}`;
  const unitOf = (r: IrRule): string => ir.profile.layers[r.layer]?.name ?? "?";
  for (const rule of ir.rules) {
    // `keyword /re/` gives a row to each attribute it found.
    // A path into sequences gives a row to the attribute of its last step, where it is a note.
    const last = rule.selector.kind === "path" ? rule.selector.steps[rule.selector.steps.length - 1] : undefined;
    const selectors: IrSelector[] =
      rule.selector.kind === "keywords"
        ? rule.selector.matches.map((m): IrSelector => ({ kind: "path", anchored: false, steps: [{ kind: "element", match: m, item: null }] }))
        : last?.kind === "element" && rule.selector.kind === "path" && rule.selector.steps.length > 1
          ? [{ kind: "path", anchored: false, steps: [{ ...last, item: null }] }]
          : [rule.selector];
    for (const selector of selectors) {
      const label = selectorLabel(selector);
      const key = keyOfSelector(selector);
      const labelText = label?.tag ?? (selector.kind === "vr" ? `vr ${selector.vrs.join(", ")}` : selector.kind === "privateAll" ? "private *" : selector.kind === "all" ? "*" : null);
      if (!labelText || rows.has(labelText)) continue;
      const deciding = key ? decidingRule(ir, key) : ir.rules.find((r) => r.when === null && JSON.stringify(r.selector) === JSON.stringify(selector));
      const conditional = ir.rules
        .filter(
          (r) =>
            (!deciding || r.id < deciding.id) &&
            (r.selector.kind === "anyWhere" ? valueTestable(key) : (key !== null && selectsInPlaces(r.selector, key)) || (r.when !== null && (key ? selectsAttribute(r.selector, key) : JSON.stringify(r.selector) === JSON.stringify(selector)))),
        )
        .map((r) =>
          r.selector.kind === "anyWhere"
            ? `${describeAction(r.action)} when any where ${describeExpr(anyWhereCondition(r.selector.test, r.when))} (${at(r)})`
            : key !== null && selectsInPlaces(r.selector, key)
              ? `${describeAction(r.action)} at ${describeSelector(r.selector)}${r.when ? ` when ${describeExpr(r.when)}` : ""} (${at(r)})`
              : `${describeAction(r.action)} when ${describeExpr(r.when!)} (${at(r)})`,
        );
      // Only conditional rules (a `when` block in a profile based on nothing): when none holds, the
      // executor's default decides, a standard attribute kept and a private one removed.
      if (!deciding && (!key || conditional.every((c) => c.includes(" when any where ")))) continue;
      rows.set(labelText, {
        tag: labelText,
        keyword: label?.keyword ?? null,
        name: label?.name ?? null,
        action: deciding ? describeAction(deciding.action) : key!.kind === "private" ? "X (no rule)" : "K (no rule)",
        unit: deciding ? unitOf(deciding) : "default",
        because: deciding ? deciding.because : null,
        source: deciding ? at(deciding) : "",
        selector: deciding && deciding.selector.kind !== "path" && describeSelector(deciding.selector) !== labelText ? describeSelector(deciding.selector) : null,
        conditional,
      });
    }
  }
  const order = (t: string): string => (t.startsWith("(") ? "0" + t.toUpperCase().replace(/X/g, "0") : t === "private *" ? "2" : t === "*" ? "3" : "1" + t);
  return [...rows.values()].sort((a, b) => (order(a.tag) < order(b.tag) ? -1 : order(a.tag) > order(b.tag) ? 1 : 0));
}

