// The Clean Pixel Data and Clean Recognizable Visual Features Options: what an
// image must say before deidc writes it (docs/executor.md, "Options that need NO").

import type { ExecutionPlan } from "./index";
import { QuarantineError } from "./errors";
import type { TopLevel } from "./top-level";
import { TAG_BURNED_IN_ANNOTATION, TAG_DOUBLE_FLOAT_PIXEL_DATA, TAG_FLOAT_PIXEL_DATA, TAG_PIXEL_DATA, TAG_RECOGNIZABLE_VISUAL_FEATURES } from "./tags";

/**
 * PS3.15 E.3.1 and E.3.2: with the Clean Pixel Data Option, Burned In Annotation (0028,0301) "shall
 * be added to the Data Set with a Value of NO"; with the Clean Recognizable Visual Features Option,
 * Recognizable Visual Features (0028,0302) likewise. NO is a claim about the pixels, and deidc reads
 * neither text nor faces in them, so it never makes the claim on its own: the value the output will
 * carry (`outputText`: the input's, or what a rule of the profile sets or creates) must be NO, or, for
 * Burned In Annotation, a `pixels complete` block applies, whose author states that it removes all of
 * its layout's text (its marker writes the NO). Any other object with pixel data, or that carries the
 * attribute (an encapsulated PDF), is quarantined: absent, empty, YES or removed, the output could not
 * say NO truthfully. An object without either has nothing to claim (an SR).
 */
export function checkImageOptions(plan: ExecutionPlan, top: TopLevel, completeBlockApplies: boolean, outputText: (tag: number) => string | undefined): void {
  const { pixelData, visualFeatures } = plan.imageOptions;
  if (pixelData === null && visualFeatures === null) return;
  const hasImage = top.present.has(TAG_PIXEL_DATA) || top.present.has(TAG_FLOAT_PIXEL_DATA) || top.present.has(TAG_DOUBLE_FLOAT_PIXEL_DATA);
  const unmet = (tag: number): string | null => {
    if (!hasImage && !top.present.has(tag)) return null;
    const value = outputText(tag);
    if (value === undefined) return top.present.has(tag) ? "removed by the profile" : "absent";
    const v = value.trim().toUpperCase();
    if (v === "NO") return null;
    return v === "" ? "empty" : v === "YES" ? "YES" : "neither YES nor NO";
  };
  if (pixelData !== null && !completeBlockApplies) {
    const why = unmet(TAG_BURNED_IN_ANNOTATION);
    if (why !== null) {
      throw new QuarantineError(
        `Burned In Annotation (0028,0301) would be ${why} in the output, and the Clean Pixel Data Option needs NO: deidc does not read text in pixels, so the profile must say it, with a \`pixels complete\` block for this layout or a rule such as \`BurnedInAnnotation -> create "NO" when ... because "..."\` for images known to carry no text`,
        pixelData.source,
      );
    }
  }
  if (visualFeatures !== null) {
    const why = unmet(TAG_RECOGNIZABLE_VISUAL_FEATURES);
    if (why !== null) {
      throw new QuarantineError(
        `Recognizable Visual Features (0028,0302) would be ${why} in the output, and the Clean Recognizable Visual Features Option needs NO: deidc does not find faces, so the profile must say it, with a rule such as \`RecognizableVisualFeatures -> create "NO" when ... because "..."\` for images that show none (after any \`pixels\` block that covers them)`,
        visualFeatures.source,
      );
    }
  }
}
