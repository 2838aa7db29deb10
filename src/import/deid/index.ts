// `deidc import deid`: pydicom/deid recipes to a .deid profile.
//
//   %header   BLANK -> empty, REMOVE -> remove, KEEP -> keep, REPLACE and
//             ADD -> a value, JITTER -> shift(days); expanders are expanded
//             against the data dictionary, and the actions folded in order
//             into one rule per selector (header.ts);
//   %filter   a label with coordinates -> `pixels when ... { blank ... }`,
//             a blacklist label -> `reject when ... because "<label>"`,
//             other labels (whitelist, flags) -> a comment and a finding;
//   %values, %fields   the groups `values:` and `fields:` refer to;
//   %labels   comments.
//
// deid keeps what no action names, private elements included, unless the
// caller asks it to remove private tags; the import writes both defaults out
// (`private * -> keep`, `* -> keep`) so that a reader sees them.
//
// Several recipes are read as deid combines them (DeidRecipe with a list):
// header actions in order, filter labels appended to their groups.

import { lookupKeyword } from "../../dicom/dictionary";
import { ImportCode } from "../codes";
import { ProfileDraft } from "../draft";
import type { Findings, ImportSource } from "../source";
import { groupRangeText, literalProblem, quote } from "../syntax";
import { type FieldExpression, type FieldTarget, expandPattern, readFieldExpression, resolvePlainField } from "./fields";
import { conditionText, labelCondition, labelRegions } from "./filters";
import { type DictionaryField, type Entity, type FieldState, type FoldAction, HeaderFold, isDate } from "./header";
import { type HeaderAction, type RecipeEntry, readRecipe } from "./recipe";

export interface DeidImportOptions {
  name: string;
  title: string;
}

/** Fields deid never changes (deid/dicom/config.json "skip"), other than the File Meta ones deidc writes itself. */
const PROTECTED_FIELDS = ["PixelData", "RedPaletteColorLookupTableData", "GreenPaletteColorLookupTableData", "BluePaletteColorLookupTableData", "VOILUTSequence"];
/** Attributes of a VOI LUT Sequence item: deid skips the sequence and everything in it. */
const VOI_LUT_ITEM_ATTRIBUTES = ["LUTDescriptor", "LUTExplanation", "LUTData"];

/** Elements deidc writes into every output itself. */
const WRITTEN_BY_DEIDC = new Set([0x00120062, 0x00120063, 0x00120064, 0x00280303]);

interface Positioned {
  position: number;
  order: number;
  emit: (draft: ProfileDraft) => void;
}

interface Located {
  source: ImportSource;
  sourceIndex: number;
  entry: RecipeEntry;
}

/** A recipe position that sorts across files: file index, then line. */
function positionOf(l: { sourceIndex: number; entry: { line: number } }): number {
  return l.sourceIndex * 1_000_000 + l.entry.line;
}

export function importDeidRecipes(sources: readonly ImportSource[], options: DeidImportOptions, findings: Findings): ProfileDraft | null {
  const located: Located[] = [];
  sources.forEach((source, sourceIndex) => {
    for (const entry of readRecipe(source.text)) located.push({ source, sourceIndex, entry });
  });
  for (const l of located) {
    if (l.entry.kind === "format" && l.entry.format !== "dicom") {
      findings.add(l.source, ImportCode.unreadableSource, l.source.lineSpan(l.entry.line), `\`FORMAT ${l.entry.format}\` is not a DICOM recipe`, { help: "deidc imports recipes that start with `FORMAT dicom`" });
      return null;
    }
  }

  const byPosition = new Map<number, Located>();
  for (const l of located) byPosition.set(positionOf(l), l);
  const span = (l: Located) => l.source.lineSpan(l.entry.line);
  const originOf = (position: number): string => {
    const l = byPosition.get(position);
    if (!l) return "deid";
    return sources.length > 1 ? `deid:${l.source.path}:${l.entry.line}` : `deid:${l.entry.line}`;
  };

  const draft = new ProfileDraft(options.name, options.title);
  draft.preamble.push(`Imported by \`deidc import deid\` from ${sources.map((s) => s.path).join(", ")}.`);
  draft.preamble.push("deid applies the header actions in order; each rule here is the result for its selector, with the recipe lines that decided it.");

  const dictionary = dictionaryFields();
  const fieldGroups = new Map<string, FieldTarget[]>();
  const valueGroups = new Set<string>();
  for (const l of located) {
    if (l.entry.kind !== "group-item") continue;
    if (l.entry.section === "values") {
      valueGroups.add(l.entry.group);
      continue;
    }
    const expression = readFieldExpression(l.entry.field);
    const list = fieldGroups.get(l.entry.group) ?? [];
    if (expression.kind === "fields") list.push(...expression.targets);
    if (expression.kind === "fields" && expression.expander !== null) {
      findings.add(l.source, ImportCode.expanderSuperset, span(l), `\`${l.entry.field}\` expands to ${expression.targets.length} attributes of the data dictionary; deid takes those a file has, so the group \`${l.entry.group}\` names a superset`);
    }
    else findings.add(l.source, ImportCode.unknownAttribute, span(l), `the field group \`${l.entry.group}\` cannot use \`${l.entry.field}\`${expression.kind === "unknown" ? `: ${expression.reason}` : ""}`);
    fieldGroups.set(l.entry.group, list);
  }

  const fold = new HeaderFold();
  for (const name of PROTECTED_FIELDS) {
    const target = targetOfKeyword(name);
    if (target) fold.protect(target, "deid never changes this protected field", false);
  }
  // KEEP is not an action in sequence: deid leaves the fields KEEP names out of every action, wherever it stands.
  for (const l of located) {
    const e = l.entry;
    if (e.kind !== "action" || e.action !== "KEEP") continue;
    const target = targetOfKeyword(e.field);
    if (target) fold.protect(target, `deid KEEP (${originOf(positionOf(l))})`, true).positions = [positionOf(l)];
    else {
      findings.add(l.source, ImportCode.noEffect, span(l), `deid matches KEEP against keywords only, and \`${e.field}\` is not one, so this KEEP protects nothing; the import keeps nothing either`, {
        help: "name each field to keep by its keyword, e.g. `KEEP StudyDate`",
      });
    }
  }

  const positioned: Positioned[] = [];
  let order = 0;
  const at = (position: number, emit: (draft: ProfileDraft) => void): void => {
    positioned.push({ position, order: order++, emit });
  };
  const reasons = new Map<string, string>();

  for (const l of located) {
    const e = l.entry;
    const position = positionOf(l);
    switch (e.kind) {
      case "comment":
        at(position, (d) => d.comment(e.text));
        break;
      case "section":
        at(position, (d) => d.blank());
        break;
      case "label-metadata":
        at(position, (d) => d.comment(`label: ${e.text}`));
        break;
      case "ignored":
        findings.add(l.source, ImportCode.ignoredLine, span(l), `deid ignores \`${e.text}\`: ${e.reason}`);
        at(position, (d) => d.comment(`${originOf(position)} ignored by deid: ${e.text}`));
        break;
      case "label":
        importLabel(l, e, position, findings, at, originOf);
        break;
      case "action":
        if (e.action !== "KEEP") foldAction(l, e, position, { fold, findings, dictionary, fieldGroups, valueGroups, reasons, at, originOf });
        break;
      default:
        break;
    }
  }
  for (const p of fold.problems) {
    const l = byPosition.get(p.position);
    if (l) findings.add(l.source, ImportCode.notExpressible, span(l), p.message);
  }

  // One rule per entity that says something its containers do not. deid's protected fields come
  // from its configuration, not from a recipe line, so they close the list, next to the catch-alls.
  const protectedFields: Entity[] = [];
  for (const entity of fold.entities.values()) {
    if (entity.scope.kind === "all" || entity.scope.kind === "private") continue;
    if (!shouldWrite(fold, entity)) continue;
    if (entity.immune && !entity.named) {
      protectedFields.push(entity);
      continue;
    }
    const position = entity.positions[entity.positions.length - 1] ?? 0;
    at(position, (d) => writeEntity(d, entity, reasons, originOf, findings, byPosition));
  }
  positioned.sort((a, b) => a.position - b.position || a.order - b.order);
  for (const p of positioned) p.emit(draft);
  if (protectedFields.length > 0) {
    draft.blank();
    draft.comment("deid never changes these fields (its configuration protects them), whatever the recipe says");
    for (const entity of protectedFields) writeEntity(draft, entity, reasons, originOf, findings, byPosition);
  }

  // The catch-alls: what deid does with the fields and private elements no action names.
  draft.blank();
  const privateState = fold.privateDefault.state;
  if (privateState.kind === "unchanged") {
    const first = located[0];
    if (first) {
      findings.add(first.source, ImportCode.privateKept, first.source.lineSpan(first.entry.line), "deid keeps private elements unless the recipe removes them (REMOVE ALL) or the caller passes remove_private; the import keeps them explicitly, which is unsafe", {
        help: "add `private * -> remove` to the profile, or `REMOVE ALL` to the recipe: private elements often hold identifiers",
      });
    }
    draft.rule({ selector: "private *", action: "keep", because: "deid default: private tags kept" });
  } else {
    writeCatchAll(draft, fold.privateDefault, originOf);
  }
  if (fold.all.state.kind === "unchanged") draft.rule({ selector: "*", action: "keep", because: "deid keeps the fields no action names" });
  else writeCatchAll(draft, fold.all, originOf);
  return draft;
}

/** A field named by its keyword (KEEP and protected fields), or null for anything else. */
function targetOfKeyword(keyword: string): FieldTarget | null {
  return lookupKeyword(keyword) ? resolvePlainField(keyword) : null;
}

let dictionaryCache: DictionaryField[] | null = null;

function dictionaryFields(): DictionaryField[] {
  dictionaryCache ??= expandPattern(/^/).map((target) => ({ target }));
  return dictionaryCache;
}

type At = (position: number, emit: (draft: ProfileDraft) => void) => void;

/** What folding one header action needs besides the action itself. */
interface FoldContext {
  fold: HeaderFold;
  findings: Findings;
  dictionary: readonly DictionaryField[];
  /** `%fields` groups, expanded */
  fieldGroups: ReadonlyMap<string, FieldTarget[]>;
  /** names of `%values` groups */
  valueGroups: ReadonlySet<string>;
  /** why a field a run-time action names is kept, by entity */
  reasons: Map<string, string>;
  at: At;
  originOf: (position: number) => string;
}

function foldAction(l: Located, e: HeaderAction, position: number, context: FoldContext): void {
  const { fold, findings, dictionary, fieldGroups, valueGroups, reasons, at, originOf } = context;
  const span = l.source.lineSpan(e.line);
  const origin = originOf(position);
  const expression = readFieldExpression(e.field);
  const targetsOf = (x: FieldExpression): FieldTarget[] | null => (x.kind === "fields" ? x.targets : x.kind === "group-list" ? fieldGroups.get(x.name) ?? [] : null);

  if (expression.kind === "unknown") {
    findings.add(l.source, ImportCode.unknownAttribute, span, `${e.action} ${e.field}: ${expression.reason}, so deid finds no field and the import writes no rule`);
    at(position, (d) => d.comment(`${origin} no such field: ${e.action} ${e.field}`));
    return;
  }
  if (expression.kind === "values") {
    findings.add(l.source, ImportCode.notExpressible, span, `\`${e.field}\` selects the fields whose value contains a value taken from other fields${valueGroups.has(expression.name) ? "" : " (a group the recipe does not define)"}, which a deidc selector cannot say; the import writes no rule for it`, {
      help: "write rules for the fields that can hold those values, e.g. `vr PN -> empty`",
    });
    at(position, (d) => d.comment(`${origin} not imported: ${e.action} ${e.field}${e.value ? ` ${e.value}` : ""} (fields chosen by their values)`));
    return;
  }
  if (expression.kind === "group-list" && !fieldGroups.has(expression.name)) {
    findings.add(l.source, ImportCode.unknownAttribute, span, `the recipe defines no \`%fields ${expression.name}\`, so \`${e.field}\` selects nothing`);
    return;
  }

  // What the action does, and whether it depends on a value given at run time.
  const action = foldActionOf(l, e, span, findings);
  if (action === null) {
    // A run-time value deid does not have here: the action does nothing. Name the fields so the rule says why.
    const targets = targetsOf(expression);
    if (targets) {
      for (const t of targets) {
        const entity = fold.field(t, false, true);
        fold.cite(entity, position);
        if (!reasons.has(entity.id)) reasons.set(entity.id, `deid ${e.action} ${e.value ?? ""}`.trim() + ": the value is given at run time; without it deid leaves the field unchanged");
      }
    }
    return;
  }
  if (action === "skip") return;

  if (expression.kind === "fields" && expression.expander !== null) {
    findings.add(
      l.source,
      ImportCode.expanderSuperset,
      span,
      `\`${e.field}\` expands to ${expression.targets.length} attributes of the data dictionary; deid applies it to those a file has, and also to elements inside sequences whose names match, so the profile names a superset`,
      { help: "private elements are not expanded: the profile's `private *` rule decides them" },
    );
  }

  switch (expression.kind) {
    case "all":
      if (action.kind === "add") return noAdd(l, e, span, findings);
      if (action.kind === "uid") fold.applyGroup({ kind: "vr", vr: "UI" }, "vr UI", action, position, dictionary);
      else fold.applyAll(action, position, dictionary);
      return;
    case "except":
      if (action.kind === "add") return noAdd(l, e, span, findings);
      fold.applyAll(action, position, dictionary, expression.excluded);
      return;
    case "vr":
      if (action.kind === "add") return noAdd(l, e, span, findings);
      fold.applyGroup({ kind: "vr", vr: expression.vr }, `vr ${expression.vr}`, action, position, dictionary);
      return;
    case "group":
      if (action.kind === "add") return noAdd(l, e, span, findings);
      fold.applyGroup({ kind: "range", group: expression.group }, groupRangeText(expression.group), action, position, dictionary);
      return;
    case "fields":
    case "group-list": {
      const all = targetsOf(expression) ?? [];
      if (action.kind === "add" && (expression.kind !== "fields" || expression.expander !== null)) return noAdd(l, e, span, findings);
      const written = all.filter((t) => t.tag !== null && (WRITTEN_BY_DEIDC.has(t.tag) || t.tag >>> 16 === 0x0002));
      let targets = all.filter((t) => !written.includes(t));
      if (written.length > 0 && expression.kind === "fields" && expression.expander === null) {
        findings.add(l.source, ImportCode.writtenByDeidc, span, `deidc writes ${written[0]!.selector} itself, in every output; this action is not imported`, {
          help: "deidc sets PatientIdentityRemoved to YES and records its profile in DeidentificationMethod and the method code sequence",
        });
        at(position, (d) => d.comment(`${origin} ${e.action} ${e.field}${e.value ? ` ${e.value}` : ""}: written by deidc itself`));
        return;
      }
      if (action.kind === "jitter") {
        const dates = targets.filter(isDate);
        if (dates.length === 0 && expression.kind === "fields" && expression.expander === null) {
          findings.add(l.source, ImportCode.noEffect, span, `${e.field} is not a date (VR ${targets[0]?.vrs.join("/") ?? "?"}), so deid's JITTER leaves it unchanged, and so does the import`);
        }
        targets = dates;
      }
      if (action.kind === "uid") targets = targets.filter((t) => t.vrs.includes("UI") || t.kind === "private");
      if (action.kind === "add") {
        findings.add(l.source, ImportCode.cannotCreate, span, `ADD creates ${e.field} when the object lacks it; deidc rules change only elements the object has, so the import sets it only where it exists`, {
          help: "deidc creates only the de-identification markers (PatientIdentityRemoved, DeidentificationMethod and its code sequence)",
        });
      }
      fold.applyFields(targets, action, position, action.kind === "add");
      return;
    }
  }
}

function noAdd(l: Located, e: HeaderAction, span: { start: number; end: number }, findings: Findings): void {
  findings.add(l.source, ImportCode.noEffect, span, `deid's ADD looks \`${e.field}\` up as one field name, finds none, and adds nothing; neither does the import`, { help: "ADD takes a keyword or a tag" });
}

/**
 * The fold action a header line stands for; null when it takes its value at
 * run time (deid then does nothing); "skip" when the line does nothing for
 * another reason (already reported).
 */
function foldActionOf(l: Located, e: HeaderAction, span: { start: number; end: number }, findings: Findings): FoldAction | null | "skip" {
  const value = e.value;
  const runtime = value !== null && /^(var|func):/i.test(value);
  if (runtime) {
    findings.add(l.source, ImportCode.runtimeValue, span, `\`${value}\` is given to deid at run time by the calling program; without it deid's ${e.action} does nothing, and so does the import`, {
      help: "write the value into the profile, or use a deidc function: `hash(key, value, 16)` for pseudonyms, `U` for UIDs, `shift(days(key, PatientID, -365 .. -1))` for dates",
    });
    return null;
  }
  const deidFunction = value !== null ? /^deid_func:(\S+)\s*(.*)$/i.exec(value) : null;
  if (deidFunction) return deidFunctionAction(l, e, span, findings, deidFunction[1]!, deidFunction[2]!);

  switch (e.action) {
    case "REMOVE":
      if (value !== null) {
        findings.add(l.source, ImportCode.noEffect, span, `deid removes a field only when REMOVE's value is a function that returns True; \`${value}\` is not one, so nothing is removed, and the import removes nothing`, {
          help: "write `REMOVE field` without a value",
        });
        return "skip";
      }
      return { kind: "remove" };
    case "BLANK":
      return { kind: "blank" };
    case "REPLACE":
      return { kind: "replace", value: value ?? "" };
    case "ADD":
      return { kind: "add", value: value ?? "" };
    case "JITTER": {
      const days = (value ?? "").trim();
      if (!/^[+-]?\d+$/.test(days)) {
        findings.add(l.source, ImportCode.notExpressible, span, `JITTER needs a whole number of days, not \`${value}\`; deid fails on it, and the import writes no rule`);
        return "skip";
      }
      return { kind: "jitter", days: parseInt(days, 10) };
    }
    default:
      return "skip";
  }
}

function deidFunctionAction(l: Located, e: HeaderAction, span: { start: number; end: number }, findings: Findings, name: string, extras: string): FoldAction | "skip" {
  const options = new Map<string, string>();
  for (const pair of extras.split(" ")) {
    const eq = pair.indexOf("=");
    if (eq > 0) options.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  if (name === "jitter" && e.action !== "JITTER") {
    const days = parseInt(options.get("days") ?? "1", 10) + 365 * parseInt(options.get("years") ?? "0", 10);
    if (Number.isNaN(days)) {
      findings.add(l.source, ImportCode.notExpressible, span, `\`deid_func:jitter ${extras}\` does not give whole numbers of days and years; the import writes no rule`);
      return "skip";
    }
    return { kind: "jitter", days };
  }
  if (e.action === "JITTER") {
    findings.add(l.source, ImportCode.notExpressible, span, `JITTER with \`deid_func:${name}\` jitters by the function's result, which is not a number of days; the import writes no rule`, {
      help: "write `JITTER field days`, or `REPLACE field deid_func:jitter days=N`",
    });
    return "skip";
  }
  if (/uuid/i.test(name)) {
    findings.add(l.source, ImportCode.keyedUid, span, `\`deid_func:${name}\` writes a new (random or remapped) UID; deidc's \`U\` writes a keyed \`2.25\` UID, the same for the same UID in every file and run`, {
      help: "fields that are not UIDs keep their value; write them a rule of their own",
    });
    return { kind: "uid" };
  }
  findings.add(l.source, ImportCode.noEffect, span, `\`deid_func:${name}\` is not a function the import knows to translate; the import writes no rule for it`, {
    help: "deid's own functions are jitter and the uuid functions; write the rule in the profile",
  });
  return "skip";
}

function importLabel(l: Located, label: Extract<RecipeEntry, { kind: "label" }>, position: number, findings: Findings, at: At, originOf: (p: number) => string): void {
  const src = l.source;
  const origin = originOf(position);
  for (const s of label.skipped) {
    if (s.reason === "a comment") at(l.sourceIndex * 1_000_000 + s.line, (d) => d.comment(s.text.replace(/^#\s*/, "")));
    else findings.add(src, ImportCode.ignoredLine, src.lineSpan(s.line), `deid skips \`${s.text.trim()}\` in the label \`${label.name}\`: ${s.reason}`);
  }
  const condition = labelCondition(label);
  for (const n of condition.notes) findings.add(src, n.unknownField ? ImportCode.unknownAttribute : ImportCode.noEffect, src.lineSpan(n.line), n.message);
  if (condition.failure) {
    findings.add(src, ImportCode.notExpressible, src.lineSpan(condition.failure.line), `the label \`${label.name}\` cannot be imported: ${condition.failure.reason}`);
    at(position, (d) => d.comment(`${origin} not imported: label ${label.name}`));
    return;
  }
  const { regions, problems } = labelRegions(label);
  for (const p of problems) findings.add(src, ImportCode.notExpressible, src.lineSpan(p.line), p.message);
  const when = conditionText(condition.condition);
  const span = src.lineSpan(label.line);
  if (condition.condition.kind === "const" && !condition.condition.value) {
    findings.add(src, ImportCode.noEffect, span, `the label \`${label.name}\` can never match (its criteria are always false), so the import writes no rule for it`);
    at(position, (d) => d.comment(`${origin} never matches: label ${label.name}`));
    return;
  }
  if (regions.length > 0) {
    at(position, (d) =>
      d.pixels({ when, because: label.name || label.group, regions: regions.map((r) => r.text), origin }),
    );
    return;
  }
  if (/black/i.test(label.group)) {
    at(position, (d) => d.filter({ outcome: "reject", when, because: label.name || label.group, origin }));
    return;
  }
  findings.add(src, ImportCode.filterNotImported, span, `the ${label.group} label \`${label.name}\` flags objects without changing them; the import keeps it as a comment`, {
    help: "a whitelist (or flag-only) label tells the calling program which objects to trust; write `reject` or `quarantine` rules for the others",
  });
  at(position, (d) => {
    d.comment(`${origin} ${label.group} label ${label.name}, not imported (it only flags objects):`);
    d.comment(`  when ${when}`);
  });
}

function shouldWrite(fold: HeaderFold, entity: Entity): boolean {
  if (entity.scope.kind !== "field") return true;
  const decided = fold.decider(entity.scope.target, entity.scope.anchored, entity);
  const same = JSON.stringify(stateOf(decided)) === JSON.stringify(stateOf(entity));
  if (entity.immune && !entity.named) return !same && decided.state.kind !== "unchanged";
  return entity.named || !same;
}

function stateOf(e: Entity): FieldState {
  // An unchanged field and a kept one end the same way.
  return e.state.kind === "keep" ? { kind: "unchanged" } : e.state;
}

function writeEntity(d: ProfileDraft, entity: Entity, reasons: ReadonlyMap<string, string>, originOf: (p: number) => string, findings: Findings, byPosition: ReadonlyMap<number, Located>): void {
  const origin = originText(entity.positions, originOf);
  const vrs = entity.scope.kind === "field" ? entity.scope.target.vrs : entity.scope.kind === "vr" ? [entity.scope.vr] : [];
  const s = entity.state;
  const rule = (action: string, because?: string): void => {
    d.rule({ selector: entity.selector, action, ...(because ? { because } : {}), ...(origin ? { origin } : {}) });
  };
  switch (s.kind) {
    case "unchanged":
      rule("keep", reasons.get(entity.id) ?? "deid leaves it unchanged");
      break;
    case "keep":
      rule("keep", s.because);
      if (entity.selector === "VOILUTSequence") {
        for (const a of VOI_LUT_ITEM_ATTRIBUTES) d.rule({ selector: `VOILUTSequence/${a}`, action: "keep", because: s.because, ...(origin ? { origin } : {}) });
      }
      break;
    case "remove":
      rule("remove");
      break;
    case "blank":
      rule("empty");
      break;
    case "shift":
      rule(`shift(${s.days})`);
      break;
    case "action":
      rule(s.action);
      break;
    case "set": {
      const problem = entity.scope.kind === "range" ? null : literalProblem(vrs, s.value);
      if (problem === null) {
        rule(quote(s.value));
        break;
      }
      const last = byPosition.get(entity.positions[entity.positions.length - 1] ?? -1);
      if (last) findings.add(last.source, ImportCode.notExpressible, last.source.lineSpan(last.entry.line), `the value \`${s.value}\` is not valid for ${entity.selector} (${problem}), which deidc does not write; the import empties the field instead`);
      d.comment(`${origin} deid writes "${s.value}", which is not valid here (${problem}); emptied instead`);
      rule(vrs.includes("SQ") ? "remove" : "empty");
      break;
    }
  }
}

function writeCatchAll(d: ProfileDraft, entity: Entity, originOf: (p: number) => string): void {
  const origin = originText(entity.positions, originOf);
  const s = entity.state;
  const action = s.kind === "remove" ? "remove" : s.kind === "blank" ? "empty" : s.kind === "set" ? quote(s.value) : s.kind === "shift" ? `shift(${s.days})` : s.kind === "action" ? s.action : "keep";
  d.rule({ selector: entity.selector, action, ...(action === "keep" ? { because: "deid leaves it unchanged" } : {}), ...(origin ? { origin } : {}) });
}

/** `deid:3, 12`: the recipe lines that decided a rule, in order. */
function originText(positions: readonly number[], originOf: (p: number) => string): string {
  const unique = [...new Set(positions)].filter((p) => p > 0);
  return unique.map((p, i) => (i === 0 ? originOf(p) : originOf(p).replace(/^deid:/, ""))).join(", ");
}
