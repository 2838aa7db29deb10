// What an executor needs that depends only on the IR. The planner
// (createExecutor) and the code generator (src/codegen) both call these, so
// a generated processor reads the same attributes and writes the same
// markers as `deidc run`.

import type { IrAction, IrProgram } from "../../ir/types";
import { planPixelRules } from "../pixels";
import { collectAttributeTags } from "./expr";
import { CHARACTERISTIC_TAGS, IDENTIFYING_TAGS } from "./object-cleaner";

function collectActionTags(a: IrAction, out: Set<number>, itemScoped = false): void {
  if (a.kind === "set") collectAttributeTags(a.value, out, itemScoped);
  else if (a.kind === "shift") collectAttributeTags(a.days, out, itemScoped);
  else if (a.kind === "lookup") {
    a.keys.forEach((k) => collectAttributeTags(k, out, itemScoped));
    if (a.otherwise.kind !== "quarantine") collectActionTags(a.otherwise, out, itemScoped);
  }
}

/** Top-level attributes the pre-pass must read: what conditions, values, cleaning, pixels and overlays use. */
export function wantedTagsOf(ir: IrProgram): Set<number> {
  const wanted = new Set<number>([...IDENTIFYING_TAGS, ...CHARACTERISTIC_TAGS]);
  wanted.add(0x00100020);
  for (const l of ir.lets) collectAttributeTags(l.value, wanted);
  for (const r of ir.rules) {
    if (r.when) collectAttributeTags(r.when, wanted);
    if (r.selector.kind === "anyWhere") collectAttributeTags(r.selector.test, wanted);
    collectActionTags(r.action, wanted);
  }
  for (const f of ir.filters) if (f.when) collectAttributeTags(f.when, wanted);
  // `item.X` in a rule on a top-level element reads the top level.
  for (const t of itemTagsOf(ir) ?? []) wanted.add(t);
  for (const t of planPixelRules(ir.pixels).attributeTags) wanted.add(t);
  // Overlays stored in unused high bits of the pixel data (retired, still in old files): their
  // Overlay Bits Allocated and Bit Position tell which bits to clear when overlays are removed.
  for (let group = 0x6000; group <= 0x601e; group += 2) {
    wanted.add(((group << 16) | 0x0100) >>> 0);
    wanted.add(((group << 16) | 0x0102) >>> 0);
  }
  return wanted;
}

/**
 * Attributes `item.X` reads in rules (conditions, selector tests, values): each sequence item is
 * scanned for them before it is walked. Null when no rule reads one, so nothing is scanned.
 */
export function itemTagsOf(ir: IrProgram): Set<number> | null {
  const tags = new Set<number>();
  for (const r of ir.rules) {
    if (r.when) collectAttributeTags(r.when, tags, true);
    if (r.selector.kind === "anyWhere") collectAttributeTags(r.selector.test, tags, true);
    collectActionTags(r.action, tags, true);
  }
  return tags.size > 0 ? tags : null;
}

/**
 * Top-level standard attributes a `create` rule may add to an object that lacks them, in tag
 * order: the exact tag of each `create` rule whose selector reaches the top-level dataset (a
 * keyword or tag, anchored or not; the checker allows nothing else).
 */
export function createdTagsOf(ir: IrProgram): number[] {
  const tags = new Set<number>();
  for (const r of ir.rules) {
    if ((r.action.kind !== "set" && r.action.kind !== "lookup") || r.action.mode !== "create" || r.selector.kind !== "path" || r.selector.steps.length !== 1) continue;
    const step = r.selector.steps[0]!;
    if (step.kind === "element" && step.item === null && step.match.kind === "tag") tags.add(parseInt(step.match.tag, 16));
  }
  return [...tags].sort((a, b) => a - b);
}

/**
 * De-identification Method (0012,0063): one value per layer, in layer order (each value is an LO
 * of at most 64 characters). The profile that `--with` derives on the command line is named
 * "<profile> --with <options>" (src/compile.ts); its options are layers of their own, so it is
 * named by the profile it derives from.
 */
export function methodDescriptionOf(ir: IrProgram): string[] {
  const values = [`deidc ${ir.compiler}${ir.profile.release ? ` DICOM PS3.15 ${ir.profile.release}` : ""}`];
  for (const layer of ir.profile.layers) {
    const value = `${layer.kind} ${layer.kind === "profile" ? layer.name.replace(/ --with .*$/, "") : layer.name}`;
    if (!values.includes(value)) values.push(value);
  }
  return values;
}
