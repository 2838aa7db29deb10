// A site profile that keeps what its base profile removes or replaces must
// say why (`because "..."`): that sentence is what a privacy officer reviews.
// Standard-library units are exempt: their reason is the standard itself.

import { lookupKeyword, lookupTag } from "../../dicom/dictionary";
import type { ElementRef, Rule } from "../../syntax/ast";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";
import { flattenStatements } from "../../syntax/blocks";
import { buildIr } from "../../ir/build";
import { decidingRule, describeAction, type AttributeKey } from "../../ir/explain";
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

export function KeepWithoutReasonRule(ctx: CheckContext): Visitor {
  /** Where an IR rule starts, in the loaded file it came from (the IR knows lines, diagnostics offsets). */
  const spanAt = (source: { file: string; line: number; column: number }): { start: number; end: number } => {
    const file = fileOfIrSource(ctx.program, source.file);
    const start = file ? file.source.offsetOf(source.line, source.column) : 0;
    return { start, end: start };
  };
  return {
    File: {
      leave() {
        if (ctx.file.fromStdlib) return;
        for (const unit of ctx.unitsHere) {
          if (unit.kind !== "profile" || !unit.header || unit.header.kind !== "Profile" || !unit.header.basedOn) continue;
          const keeps = flattenStatements(unit.statements)
            .map((f) => f.statement)
            .filter((s): s is Rule => s.kind === "Rule" && !s.because && s.action.kind === "CodeAction" && s.action.code === "K");
          if (keeps.length === 0) continue;
          const { ir } = buildIr(ctx.program, unit);
          const ownLayer = ir.profile.layers.length - 1;
          for (const rule of keeps) {
            for (const sel of rule.selectors) {
              if (sel.kind !== "PathSelector") continue;
              const last = sel.steps[sel.steps.length - 1];
              if (!last || last.kind !== "ElementStep") continue;
              const key = keyOf(last.element);
              if (!key) continue;
              const base = decidingRule(ir, key, ownLayer);
              if (!base || (base.action.kind === "code" && base.action.code === "K")) continue;
              const unitName = ir.profile.layers[base.layer]?.name ?? "the base profile";
              ctx.report("DEID3004", sel.span, `keeps what \`${unitName}\` says to ${describeAction(base.action)}, with no reason`, {
                help: 'add `because "..."` with the reason this attribute is safe to keep in this release',
                related: [{ file: displayPathOfIrSource(ctx.program, base.source.file), span: spanAt(base.source), message: `${unitName} rule at line ${base.source.line}: ${describeAction(base.action)}` }],
              });
            }
          }
        }
      },
    },
  };
}
