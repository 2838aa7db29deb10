// The Clean Pixel Data and Clean Recognizable Visual Features Options need NO
// in Burned In Annotation (0028,0301) and Recognizable Visual Features
// (0028,0302) of every image, and deidc never writes that NO on its own
// (docs/executor.md, "Options that need NO"). A profile that switches one on
// and states the NO nowhere (no rule that sets the attribute, and, for
// burned-in text, no `pixels complete` block) writes only the images that say
// NO themselves and quarantines every other: likely not what its author meant,
// and found here rather than after a run.

import type { IrProgram, IrRule } from "../../ir/types";
import type { Visitor } from "../../syntax/visitor";
import type { CheckContext } from "../context";
import { buildIr } from "../../ir/build";
import { imageOptionsOf } from "../../runtime/executor/setup";

/** Whether a rule may set the top-level attribute `tag` (exact tag selector, `set` or `create`): a statement the linter cannot second-guess. */
function mayState(rule: IrRule, tag: string): boolean {
  if (rule.action.kind !== "set" || rule.action.mode === "append" || rule.selector.kind !== "path" || rule.selector.steps.length !== 1) return false;
  const step = rule.selector.steps[0]!;
  return step.kind === "element" && step.match.kind === "tag" && step.match.tag.toUpperCase() === tag;
}

const stated = (ir: IrProgram, tag: string): boolean => ir.rules.some((r) => mayState(r, tag));

export function ImageOptionStatementRule(ctx: CheckContext): Visitor {
  return {
    File: {
      leave() {
        for (const unit of ctx.unitsHere) {
          if (unit.kind !== "profile" || unit.header === null || unit.header.kind !== "Profile") continue;
          const header = unit.header;
          const { ir } = buildIr(ctx.program, unit);
          const { pixelData, visualFeatures } = imageOptionsOf(ir);
          /** where the option is switched on: its name in this header's `with`, else the profile's name */
          const spanOf = (name: string) => header.options.find((o) => o.text === name)?.span ?? header.name.span;
          if (pixelData && !ir.pixels.some((p) => p.complete === true) && !stated(ir, "00280301")) {
            ctx.report(
              "DEID3026",
              spanOf(pixelData.name),
              `\`${pixelData.name}\` needs Burned In Annotation (0028,0301) NO in every image, and this profile states it nowhere: only images that say NO themselves will be written, every other image quarantined`,
              { help: 'state it where it holds: `BurnedInAnnotation -> create "NO" when Modality == "CT" because "..."` for images known to carry no text, or a `pixels complete` block per known layout (docs/executor.md, "Options that need NO")' },
            );
          }
          if (visualFeatures && !stated(ir, "00280302")) {
            ctx.report(
              "DEID3026",
              spanOf(visualFeatures.name),
              `\`${visualFeatures.name}\` needs Recognizable Visual Features (0028,0302) NO in every image, and this profile states it nowhere: deidc does not find faces, so only images that say NO themselves will be written, every other image quarantined`,
              { help: 'state it where it holds: `RecognizableVisualFeatures -> create "NO" when ... because "..."` for images that show no face, after any `pixels` block that covers one (docs/executor.md, "Options that need NO")' },
            );
          }
        }
      },
    },
  };
}
