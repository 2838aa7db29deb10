// What a profile does to each attribute it names, read from the IR alone
// (never from the source): the effective action and the rule it came from.

import { allEntries, lookupTag, parseMask, type DictEntry } from "../dicom/dictionary";
import { ALL_TAGS, coverage, intersect, matchTags, ODD_GROUPS, privateMatchTags, privateTags, type Coverage, type TagMask, type TagSet } from "./tag-sets";
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
      return key.kind !== "private" && key.vrs.some((v) => sel.vrs.includes(v));
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
      return `${a.mode ? `${a.mode} ` : ""}lookup(${JSON.stringify(a.table)}, ${a.keys.map(describeExpr).join(", ")}) else ${a.otherwise.kind === "quarantine" ? "quarantine" : describeAction(a.otherwise)}`;
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
   * the deciding rule's selector as written, when it names more than this row:
   * `keyword /Date$/`, `vr DA, DT`, a wider range or mask; null for a rule that names the row itself
   */
  selector: string | null;
  /**
   * rules that come first and may decide instead: conditional ones as "action when condition (file:line)",
   * an `any where` rule as "action when any where test (file:line)", a path into sequences as
   * "action at path (file:line)", one that selects only some of a family's tags as
   * "action for selector (file:line)"
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

/**
 * What one row of explain stands for. Rows of one attribute and rows of a family of tags are
 * decided the same way: by the first rule, in the executor's order, that selects every tag of the
 * row unconditionally; rules before it that select only some of the row's tags, or only under a
 * condition, are the row's notes.
 */
type RowTarget =
  /**
   * a tag, or the tags of a mask or range; `single`: the one attribute they are (a tag, or a
   * repeating group such as (60xx,3000)), else null and `vrs` the VRs of the dictionary's
   * attributes among them
   */
  | { kind: "tags"; tags: TagSet; single: AttributeKey | null; vrs: ReadonlySet<string> }
  /** a private element by creator, or (element null) the creator's whole block; `tags`: its raw tags, in whichever block the creator reserved */
  | { kind: "private"; group: number; creator: string; element: number | null; tags: TagSet }
  /** a `vr` row: the attributes of these VRs that no row of their own names */
  | { kind: "vrs"; vrs: readonly string[] }
  /** `private *` or `*` */
  | { kind: "catchAll"; selector: IrSelector };

/** The dictionary's attributes with a tag in the set. */
function dictionaryIn(tags: TagSet): DictEntry[] {
  const found: DictEntry[] = [];
  for (const entry of allEntries()) {
    const { value, mask } = parseMask(entry.tag);
    if (coverage([{ mask, value }], tags) !== "none") found.push(entry);
  }
  return found;
}

function targetOf(sel: IrSelector): RowTarget | null {
  if (sel.kind === "vr") return { kind: "vrs", vrs: sel.vrs };
  if (sel.kind === "all" || sel.kind === "privateAll") return { kind: "catchAll", selector: sel };
  const m = directMatch(sel);
  if (!m) return null;
  if (m.kind === "private") {
    const group = parseInt(m.group, 16);
    const element = m.element === null ? null : parseInt(m.element, 16);
    return { kind: "private", group, creator: m.creator, element, tags: privateTags(group, element) };
  }
  const tags = matchTags(m)!;
  if (m.kind === "tag") {
    const tag = parseInt(m.tag, 16);
    const vrs = lookupTag(tag)?.vrs ?? ["UN"];
    return { kind: "tags", tags, single: { kind: "tag", tag, vrs }, vrs: new Set(vrs) };
  }
  const inside = dictionaryIn(tags);
  // a repeating-group attribute written as its mask, (60xx,3000), is that one attribute, with its VRs
  const first = m.kind === "mask" ? parseInt(m.value, 16) : parseInt(m.from, 16);
  const entry = m.kind === "mask" ? lookupTag(first) : undefined;
  const single = entry && inside.every((e) => e.keyword === entry.keyword) ? { kind: "tag" as const, tag: first, vrs: entry.vrs } : null;
  return { kind: "tags", tags, single, vrs: new Set(inside.flatMap((e) => e.vrs)) };
}

/** The element a one-step path selects wherever it is (`PatientName`, `**\/PatientName`, `/PatientName`); null for a path into sequences, one item or `*`. */
function directMatch(sel: IrSelector): IrElementMatch | null {
  if (sel.kind !== "path" || sel.steps.some((s) => s.kind === "any")) return null;
  const elements = sel.steps.filter((s) => s.kind === "element");
  if (elements.length !== 1) return null;
  const step = elements[0]!;
  return step.kind === "element" && step.item === null ? step.match : null;
}

// explain asks about every rule once per row: the answers per selector are kept
const placesCache = new WeakMap<IrSelector, IrSelector | null>();

/** A path rule that decides its last step's element only in some places: that step, alone. */
function placesSelector(sel: IrSelector): IrSelector | null {
  if (sel.kind !== "path") return null;
  let places = placesCache.get(sel);
  if (places === undefined) {
    const last = sel.steps[sel.steps.length - 1];
    places = directMatch(sel) || !last || last.kind !== "element" ? null : { kind: "path", anchored: false, steps: [{ ...last, item: null }] };
    placesCache.set(sel, places);
  }
  return places;
}

const keywordTagsCache = new WeakMap<IrSelector, TagSet>();

/** The tags a `keyword /re/` selector found. */
function keywordTags(sel: Extract<IrSelector, { kind: "keywords" }>): TagSet {
  let tags = keywordTagsCache.get(sel);
  if (!tags) keywordTagsCache.set(sel, (tags = sel.matches.flatMap((m) => matchTags(m)!)));
  return tags;
}

interface Reach {
  coverage: Coverage;
  tags: TagSet | null;
}

function unknown(coverage: Coverage): Reach {
  return { coverage, tags: null };
}

function knownReach(row: TagSet, tags: TagSet): Reach {
  const c = coverage(row, tags);
  return { coverage: c, tags: c === "none" ? [] : c === "all" ? row : intersect(row, tags) };
}

/**
 * How much of the row's target a selector selects, anywhere it is (a path into sequences: see
 * placesSelector), and which of the row's tags, when that is known without an object: null for a
 * `vr` rule on a family and a private rule on raw tags, whose reach depends on the object.
 */
function reach(sel: IrSelector, target: RowTarget): Reach {
  if (target.kind === "catchAll") return unknown(JSON.stringify(sel) === JSON.stringify(target.selector) ? "all" : "none");
  if (target.kind === "vrs") {
    if (sel.kind === "all") return unknown("all");
    if (sel.kind === "path") {
      // An attribute of these VRs named on its own comes first (a later layer's, or this layer's, which
      // outranks a `vr` rule): a note of the row, `coarsen(year) for (0010,0030) PatientBirthDate`.
      const m = directMatch(sel);
      const vrs = m?.kind === "tag" ? (lookupTag(parseInt(m.tag, 16))?.vrs ?? []) : [];
      return unknown(vrs.some((v) => target.vrs.includes(v)) ? "some" : "none");
    }
    if (sel.kind !== "vr") return unknown("none");
    const shared = target.vrs.filter((v) => sel.vrs.includes(v)).length;
    return unknown(shared === target.vrs.length ? "all" : shared > 0 ? "some" : "none");
  }
  const row = target.tags;
  switch (sel.kind) {
    case "all":
      return knownReach(row, ALL_TAGS);
    case "privateAll":
      return knownReach(row, target.kind === "private" ? ALL_TAGS : ODD_GROUPS);
    case "vr":
      // A `vr` rule decides standard attributes only (RulePlan): never a private one.
      if (target.kind === "private") return knownReach(row, []);
      if (target.single) return knownReach(row, target.single.vrs.some((v) => sel.vrs.includes(v)) ? ALL_TAGS : []);
      // a family: some of its standard attributes may have these VRs
      return unknown([...target.vrs].some((v) => sel.vrs.includes(v)) && coverage(row, ODD_GROUPS) !== "all" ? "some" : "none");
    case "keywords":
      return knownReach(row, keywordTags(sel));
    case "anyWhere":
      return unknown("none");
    case "path": {
      const m = directMatch(sel);
      if (!m) return unknown("none");
      if (m.kind !== "private") return knownReach(row, matchTags(m)!);
      if (target.kind === "private") return knownReach(row, parseInt(m.group, 16) === target.group && m.creator === target.creator ? privateMatchTags(m) : []);
      // raw tags: some of them may be this creator's, in the objects where it reserved that block
      return unknown(coverage(row, privateMatchTags(m)) === "none" ? "none" : "some");
    }
  }
}

/** A rule's selector in a note of a family's row: an exact tag by number as well, `(6000,3000) OverlayData`, as the row may be named like it. */
function describePart(sel: IrSelector): string {
  const m = directMatch(sel);
  if (m?.kind !== "tag") return describeSelector(sel);
  const keyword = lookupTag(parseInt(m.tag, 16))?.keyword ?? m.keyword;
  return `${(sel.kind === "path" && sel.anchored ? "/" : "") + tagText(m.tag)}${keyword ? ` ${keyword}` : ""}`;
}

/** Can an `any where` rule see the row's elements at all? Never a sequence, nor Pixel or Overlay Data. */
function valueTestable(target: RowTarget): boolean {
  if (target.kind === "vrs") return !target.vrs.every((v) => v === "SQ");
  if (target.kind !== "tags" || !target.single) return true;
  const key = target.single;
  if (key.kind === "tag" && isPixelDataTag(key.tag >>> 0)) return false;
  return !key.vrs.every((v) => v === "SQ");
}

/**
 * One row per attribute that some rule names by tag, keyword, mask, range or
 * private tag (plus one per other selector kind), in tag order, with the
 * action that decides it when no condition intervenes: the first rule in the
 * executor's order (the IR's) that selects every tag of the row
 * unconditionally. A narrower range or mask behind a wider one is therefore
 * shown decided by the wider one, as the executor decides it.
 */
export function explainProgram(ir: IrProgram): ExplainRow[] {
  const rows = new Map<string, ExplainRow>();
  const at = (r: IrRule): string => `${r.source.file}:${r.source.line}`;
  const unitOf = (r: IrRule): string => ir.profile.layers[r.layer]?.name ?? "?";
  for (const rule of ir.rules) {
    // `keyword /re/` gives a row to each attribute it found.
    // A path into sequences gives a row to the attribute of its last step, where it is a note.
    const selectors: IrSelector[] =
      rule.selector.kind === "keywords"
        ? rule.selector.matches.map((m): IrSelector => ({ kind: "path", anchored: false, steps: [{ kind: "element", match: m, item: null }] }))
        : [placesSelector(rule.selector) ?? rule.selector];
    for (const selector of selectors) {
      const label = selectorLabel(selector);
      const labelText = label?.tag ?? (selector.kind === "vr" ? `vr ${selector.vrs.join(", ")}` : selector.kind === "privateAll" ? "private *" : selector.kind === "all" ? "*" : null);
      const target = targetOf(selector);
      if (!labelText || !target || rows.has(labelText)) continue;
      // The rules before the one that decides, in the executor's order: each decides the row's tags
      // it selects that no earlier unconditional rule has claimed, and is a note of the row; the
      // deciding rule is the first unconditional one that leaves no tag of the row unclaimed.
      const rowTags = target.kind === "tags" || target.kind === "private" ? target.tags : null;
      const claimed: TagMask[] = [];
      const conditional: string[] = [];
      let deciding: IrRule | undefined;
      for (const r of ir.rules) {
        if (r.selector.kind === "anyWhere") {
          if (valueTestable(target)) conditional.push(`${describeAction(r.action)} when any where ${describeExpr(anyWhereCondition(r.selector.test, r.when))} (${at(r)})`);
          continue;
        }
        const places = placesSelector(r.selector);
        if (places) {
          if (reach(places, target).coverage !== "none") {
            conditional.push(`${describeAction(r.action)} at ${describeSelector(r.selector)}${r.when ? ` when ${describeExpr(r.when)}` : ""} (${at(r)})`);
          }
          continue;
        }
        const { coverage: c, tags } = reach(r.selector, target);
        if (c === "none") continue;
        // every tag of the row this rule selects is decided before it: it never decides here
        if (rowTags && tags && claimed.length > 0 && coverage(tags, claimed) === "all") continue;
        if (r.when === null && (c === "all" || (rowTags && tags && coverage(rowTags, [...claimed, ...tags]) === "all"))) {
          deciding = r;
          break;
        }
        // "some": the rule decides part of the row's tags (a narrower mask or range first, an
        // attribute of the family named on its own, raw tags a private creator may hold)
        const part = c === "some" ? ` for ${describePart(r.selector)}` : "";
        conditional.push(`${describeAction(r.action)}${part}${r.when ? ` when ${describeExpr(r.when)}` : ""} (${at(r)})`);
        if (r.when === null && tags) claimed.push(...tags);
      }
      // Only conditional rules (a `when` block in a profile based on nothing): when none holds, the
      // executor's default decides, a standard attribute kept and a private one removed.
      if (!deciding && (target.kind === "vrs" || target.kind === "catchAll" || conditional.every((c) => c.includes(" when any where ")))) continue;
      const odd = target.kind === "private" ? "all" : target.kind === "tags" ? coverage(target.tags, ODD_GROUPS) : "none";
      const decidingLabel = deciding ? (selectorLabel(deciding.selector)?.tag ?? describeSelector(deciding.selector)) : null;
      rows.set(labelText, {
        tag: labelText,
        keyword: label?.keyword ?? null,
        name: label?.name ?? null,
        action: deciding ? describeAction(deciding.action) : odd === "all" ? "X (no rule)" : odd === "none" ? "K (no rule)" : "K (no rule; X in odd groups)",
        unit: deciding ? unitOf(deciding) : "default",
        because: deciding ? deciding.because : null,
        source: deciding ? at(deciding) : "",
        selector: deciding && decidingLabel !== labelText ? describeSelector(deciding.selector) : null,
        conditional,
      });
    }
  }
  const order = (t: string): string => (t.startsWith("(") ? "0" + t.toUpperCase().replace(/X/g, "0") : t === "private *" ? "2" : t === "*" ? "3" : "1" + t);
  return [...rows.values()].sort((a, b) => (order(a.tag) < order(b.tag) ? -1 : order(a.tag) > order(b.tag) ? 1 : 0));
}
