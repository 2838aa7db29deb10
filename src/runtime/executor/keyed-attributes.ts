// Attributes that keyed values are derived from. `hash(key, PatientID, 8)`
// and `days(key, PatientID, ...)` give one pseudonym and one date shift per
// patient because PatientID differs between patients; where it is empty or
// absent, every such object gets the same pseudonym and shift, and their
// patients become one in the output. Nothing fails, so the run says so in
// each object's record. The default per-patient shift of `C` on dates (no
// `let dateShift`) is keyed on PatientID the same way.

import type { IrAction, IrExpr, IrProgram, IrSource } from "../../ir/types";
import { lookupTag } from "../../dicom/dictionary";

export interface KeyedAttribute {
  tag: number;
  /** the keyword, or (gggg,eeee) */
  name: string;
  /** what derives keyed values from it, with where: "hash at site.deid:14" */
  uses: string[];
}

const TAG_PATIENT_ID = 0x00100020;

/** Top-level attributes whose values key a `hash` or `days`, or the default date shift of `C`, in tag order. */
export function keyedAttributesOf(ir: IrProgram): KeyedAttribute[] {
  const found = new Map<number, KeyedAttribute>();
  const note = (tag: number, use: string): void => {
    let entry = found.get(tag);
    if (!entry) {
      const keyword = lookupTag(tag)?.keyword;
      entry = { tag, name: keyword ?? `(${hex(tag >>> 16)},${hex(tag & 0xffff)})`, uses: [] };
      found.set(tag, entry);
    }
    if (!entry.uses.includes(use)) entry.uses.push(use);
  };
  const visit = (e: IrExpr, source: IrSource): void => {
    switch (e.kind) {
      case "call":
        if ((e.fn === "hash" || e.fn === "days") && e.args[1]) {
          for (const tag of topLevelReads(e.args[1])) note(tag, `${e.fn} at ${source.file}:${source.line}`);
        }
        e.args.forEach((a) => visit(a, source));
        return;
      case "binary":
        visit(e.left, source);
        visit(e.right, source);
        return;
      case "not":
        visit(e.operand, source);
        return;
      case "list":
        e.items.forEach((i) => visit(i, source));
        return;
      case "range":
        visit(e.from, source);
        visit(e.to, source);
        return;
      default:
        return;
    }
  };
  const visitAction = (a: IrAction, source: IrSource): void => {
    if (a.kind === "set") visit(a.value, source);
    else if (a.kind === "shift") visit(a.days, source);
    else if (a.kind === "lookup") {
      a.keys.forEach((k) => visit(k, source));
      if (a.otherwise.kind !== "quarantine") visitAction(a.otherwise, source);
    }
  };
  for (const l of ir.lets) visit(l.value, l.source);
  for (const r of ir.rules) {
    if (r.when) visit(r.when, r.source);
    visitAction(r.action, r.source);
    if (r.action.kind === "code" && r.action.code === "C" && !ir.lets.some((l) => l.name === "dateShift")) {
      // C shifts a date by the default per-patient offset; on other values it cleans text, keyed on nothing.
      // One use per file: an option gives C to a hundred and more date attributes.
      if (selectsDates(r.selector)) note(TAG_PATIENT_ID, `the per-patient date shift of C in ${r.source.file}`);
    }
  }
  for (const f of ir.filters) if (f.when) visit(f.when, f.source);
  for (const p of ir.pixels) if (p.when) visit(p.when, p.source);
  return [...found.values()].sort((a, b) => a.tag - b.tag);
}

/** Whether a `C` rule's selector can reach a date (DA or DT): a date attribute, a `vr` naming one, or a wider selector. */
function selectsDates(selector: IrProgram["rules"][number]["selector"]): boolean {
  if (selector.kind === "vr") return selector.vrs.includes("DA") || selector.vrs.includes("DT");
  if (selector.kind !== "path") return true;
  const last = selector.steps[selector.steps.length - 1];
  if (!last || last.kind !== "element" || last.match.kind !== "tag") return true;
  const vrs = lookupTag(parseInt(last.match.tag, 16))?.vrs ?? [];
  return vrs.includes("DA") || vrs.includes("DT");
}

/** The top-level attributes an expression reads (not `item.X`, which differs per item). */
function topLevelReads(e: IrExpr): number[] {
  switch (e.kind) {
    case "attr":
      return e.item ? [] : [parseInt(e.tag, 16)];
    case "call":
      return e.args.flatMap(topLevelReads);
    case "binary":
      return [...topLevelReads(e.left), ...topLevelReads(e.right)];
    case "not":
      return topLevelReads(e.operand);
    case "list":
      return e.items.flatMap(topLevelReads);
    default:
      return [];
  }
}

function hex(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, "0");
}

const MAX_USES_NAMED = 3;

/** The record's warning for an object whose keyed attribute is empty or absent (there is no value to quote). */
export function emptyKeyWarning(attribute: KeyedAttribute, present: boolean): string {
  const state = present ? "empty" : "absent";
  const uses = attribute.uses.length <= MAX_USES_NAMED ? attribute.uses.join("; ") : `${attribute.uses.slice(0, MAX_USES_NAMED).join("; ")}; ${attribute.uses.length - MAX_USES_NAMED} more`;
  return `${attribute.name} is ${state}: the keyed values derived from it (${uses}) are the same for every object where it is ${state}, so their patients share one pseudonym and date shift`;
}
