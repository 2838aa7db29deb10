// Which of the Clean Pixel Data and Clean Recognizable Visual Features Options
// a compiled profile switches on without stating the NO it needs anywhere
// (docs/executor.md, "Options that need NO"): such a profile writes only the
// images that say NO themselves and quarantines every other. Read by the lint
// rule DEID3026, and by `deidc run` and compiled processors, which warn before
// reading any input (an option given with `--with` is in no file the linter
// reads).

import type { IrLayer, IrProgram, IrRule } from "./types";
import { imageOptionsOf } from "./image-options";

export interface UnstatedImageOption {
  option: IrLayer;
  message: string;
  help: string;
}

/**
 * Whether a rule may set the top-level attribute `tag` to NO: a `set` or `create` whose selector
 * names the tag (exactly, or by a keyword pattern) and whose value is "NO" or not a constant
 * (computed, so the linter cannot second-guess it).
 */
function mayState(rule: IrRule, tag: string): boolean {
  const a = rule.action;
  if (a.kind !== "set" || a.mode === "append") return false;
  if (a.value.kind === "str" ? a.value.value.trim() !== "NO" : a.value.kind === "num" || a.value.kind === "bool") return false;
  const sel = rule.selector;
  if (sel.kind === "keywords") return sel.matches.some((m) => m.kind === "tag" && m.tag.toUpperCase() === tag);
  if (sel.kind !== "path" || sel.steps.length !== 1) return false;
  const step = sel.steps[0]!;
  return step.kind === "element" && step.match.kind === "tag" && step.match.tag.toUpperCase() === tag;
}

const stated = (ir: IrProgram, tag: string): boolean => ir.rules.some((r) => mayState(r, tag));

export function unstatedImageOptions(ir: IrProgram): UnstatedImageOption[] {
  const { pixelData, visualFeatures } = imageOptionsOf(ir);
  const found: UnstatedImageOption[] = [];
  if (pixelData && !ir.pixels.some((p) => p.complete === true) && !stated(ir, "00280301")) {
    found.push({
      option: pixelData,
      message: `\`${pixelData.name}\` needs Burned In Annotation (0028,0301) NO in every image, and this profile states it nowhere: only images that say NO themselves will be written, every other image quarantined`,
      help: 'state it where it holds: `BurnedInAnnotation -> create "NO" when Modality == "CT" because "..."` for images known to carry no text, or a `pixels complete` block per known layout (docs/executor.md, "Options that need NO")',
    });
  }
  if (visualFeatures && !stated(ir, "00280302")) {
    found.push({
      option: visualFeatures,
      message: `\`${visualFeatures.name}\` needs Recognizable Visual Features (0028,0302) NO in every image, and this profile states it nowhere: deidc does not find faces, so only images that say NO themselves will be written, every other image quarantined`,
      help: 'state it where it holds: `RecognizableVisualFeatures -> create "NO" when ... because "..."` for images that show no face, after any `pixels` block that covers one (docs/executor.md, "Options that need NO")',
    });
  }
  return found;
}
