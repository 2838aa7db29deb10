// A site profile that keeps what its base profile removes or replaces must
// say why (`because "..."`): that sentence is what a privacy officer reviews.
// Keeping private attributes wholesale (`private *`, a whole private block or
// group, or `*` where no `private *` decides first) is the riskiest keep there is:
// PS3.15 E.3.10 keeps only private attributes known to be safe, and deidc
// removes the ones no rule names. So it needs a reason in every unit, with or
// without a base, unless the base already keeps them.
// Standard-library units are exempt: their reason is the standard itself.

import { lookupKeyword, lookupTag } from "../../dicom/dictionary";
import type { ElementRef, Rule, Selector } from "../../syntax/ast";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";
import { flattenStatements } from "../../syntax/blocks";
import { buildIr } from "../../ir/build";
import { decidingRule, describeAction, type AttributeKey } from "../../ir/explain";
import type { IrProgram, IrRule } from "../../ir/types";
import { displayPathOfIrSource, fileOfIrSource } from "../../program/program";

function keyOf(el: ElementRef): AttributeKey | null {
  if (el.kind === "KeywordRef") {
    const e = lookupKeyword(el.keyword);
    return e && !/X/i.test(e.tag) ? { kind: "tag", tag: parseInt(e.tag, 16), vrs: e.vrs } : null;
  }
  if (el.kind === "TagRef" && el.mask === 0xffffffff) return { kind: "tag", tag: el.value, vrs: lookupTag(el.value)?.vrs ?? ["UN"] };
  if (el.kind === "PrivateRef" && el.element !== null) return { kind: "private", group: el.group, creator: el.creator.trim(), element: el.element, vrs: ["UN"] };
  return null;
}

/**
 * A private attribute that stands for all those a wildcard keeps: element -1 matches no exact
 * private tag and the empty creator no creator block, so the rule that decides it is the one for
 * the rest (a block's `xx`, `private *`, `*`).
 */
function privateWildcardKey(sel: Selector): { key: AttributeKey | null; what: string } | null {
  if (sel.kind === "PrivateAllSelector") return { key: { kind: "private", group: 0x0009, creator: "", element: -1, vrs: ["UN"] }, what: "every private attribute no other rule names" };
  if (sel.kind === "AllSelector") return { key: { kind: "private", group: 0x0009, creator: "", element: -1, vrs: ["UN"] }, what: "every attribute no other rule names, private attributes included" };
  if (sel.kind !== "PathSelector") return null;
  const last = sel.steps[sel.steps.length - 1];
  if (!last || last.kind !== "ElementStep") return null;
  const el = last.element;
  if (el.kind === "PrivateRef" && el.element === null) {
    return { key: { kind: "private", group: el.group, creator: el.creator.trim(), element: -1, vrs: ["UN"] }, what: `every attribute of the private block \`${el.text}\`` };
  }
  // A whole private group by number (`(0029,xxxx)`, `(0029,0000)..(0029,FFFF)`), every creator's block in it.
  // The IR cannot say what the base does with raw private tags (its `private *` matches by creator), so there is no key.
  const group = wholePrivateGroup(el);
  return group === null ? null : { key: null, what: `every private attribute of group ${group}` };
}

/** The odd group a mask or range covers all data elements of, as hex; null otherwise. */
function wholePrivateGroup(el: ElementRef): string | null {
  let group: number;
  if (el.kind === "TagRef" && el.mask !== 0xffffffff && el.mask >>> 16 === 0xffff && (el.mask & 0xffff) === 0) group = el.value >>> 16;
  else if (el.kind === "TagRangeRef" && el.from.value >>> 16 === el.to.value >>> 16 && (el.from.value & 0xffff) <= 0x1000 && (el.to.value & 0xffff) === 0xffff) group = el.from.value >>> 16;
  else return null;
  return group & 1 && group > 0x0008 ? group.toString(16).toUpperCase().padStart(4, "0") : null;
}

const isKeep = (r: IrRule): boolean => r.action.kind === "code" && r.action.code === "K";

export function KeepWithoutReasonRule(ctx: CheckContext): Visitor {
  /** Where an IR rule starts, in the loaded file it came from (the IR knows lines, diagnostics offsets). */
  const spanAt = (source: { file: string; line: number; column: number }): { start: number; end: number } => {
    const file = fileOfIrSource(ctx.program, source.file);
    const start = file ? file.source.offsetOf(source.line, source.column) : 0;
    return { start, end: start };
  };
  const baseNote = (ir: IrProgram, base: IrRule) => {
    const unitName = ir.profile.layers[base.layer]?.name ?? "the base profile";
    return { unitName, related: [{ file: displayPathOfIrSource(ctx.program, base.source.file), span: spanAt(base.source), message: `${unitName} rule at line ${base.source.line}: ${describeAction(base.action)}` }] };
  };
  const privateHelp =
    'PS3.15 E.3.10 keeps only private attributes known to be safe: keep those by creator (`(0029,"CREATOR",10) -> keep because "..."`) and remove the rest, or add `because "..."` saying why all of them are safe in this release';
  return {
    File: {
      leave() {
        if (ctx.file.fromStdlib) return;
        for (const unit of ctx.unitsHere) {
          const keeps = flattenStatements(unit.statements)
            .map((f) => f.statement)
            .filter((s): s is Rule => s.kind === "Rule" && !s.because && s.action.kind === "CodeAction" && s.action.code === "K");
          if (keeps.length === 0) continue;
          const header = unit.header;
          const based = unit.kind === "profile" && header?.kind === "Profile" && header.basedOn !== null;
          // An option has no chain of its own: what it overrides depends on the profile that switches it on.
          const { ir } = unit.kind === "profile" ? buildIr(ctx.program, unit) : { ir: null };
          const ownLayer = ir ? ir.profile.layers.length - 1 : 0;
          for (const rule of keeps) {
            for (const sel of rule.selectors) {
              const wildcard = privateWildcardKey(sel);
              if (wildcard) {
                if (sel.kind === "AllSelector") {
                  // `*` keeps private attributes only where no `private *` of any layer decides them first.
                  const at = ctx.file.source.position(sel.span.start);
                  const decider = ir && wildcard.key ? decidingRule(ir, wildcard.key) : undefined;
                  if (!decider || decider.layer !== ownLayer || decider.source.line !== at.line || decider.source.column !== at.column) continue;
                }
                // What the layers below (base profile, options) do with them; with none, deidc removes them.
                const base = ir && wildcard.key ? decidingRule(ir, wildcard.key, ownLayer) : undefined;
                if (base && isKeep(base)) continue;
                const note = ir && base ? baseNote(ir, base) : null;
                ctx.report("DEID3004", sel.span, `keeps ${wildcard.what}, with no reason`, {
                  help:
                    sel.kind === "AllSelector"
                      ? 'add `private * -> remove` so that `*` keeps only standard attributes (PS3.15 E.3.10 keeps only private attributes known to be safe), or add `because "..."` saying why all of them are safe in this release'
                      : privateHelp,
                  ...(note ? { related: note.related } : {}),
                });
                continue;
              }
              if (!ir || !based || sel.kind !== "PathSelector") continue;
              const last = sel.steps[sel.steps.length - 1];
              if (!last || last.kind !== "ElementStep") continue;
              const key = keyOf(last.element);
              if (!key) continue;
              const base = decidingRule(ir, key, ownLayer);
              if (!base || isKeep(base)) continue;
              const { unitName, related } = baseNote(ir, base);
              ctx.report("DEID3004", sel.span, `keeps what \`${unitName}\` says to ${describeAction(base.action)}, with no reason`, {
                help: 'add `because "..."` with the reason this attribute is safe to keep in this release',
                related,
              });
            }
          }
        }
      },
    },
  };
}
