// The Clean Pixel Data and Clean Recognizable Visual Features Options: what an
// image must say before deidc writes it (docs/executor.md, "Options that need NO").

import { DicomCursor, DicomReadError, TokenKind } from "../dicom";
import type { DatasetEncoding } from "../dicom";
import type { ExecutionPlan } from "./index";
import { QuarantineError } from "./errors";
import { TAG_BURNED_IN_ANNOTATION, TAG_DOUBLE_FLOAT_PIXEL_DATA, TAG_FLOAT_PIXEL_DATA, TAG_PIXEL_DATA, TAG_RECOGNIZABLE_VISUAL_FEATURES } from "./tags";

/** What the written dataset says at its top level, for the two options. */
interface Written {
  image: boolean;
  burnedIn: string | undefined;
  visualFeatures: string | undefined;
}

/**
 * Reads the top level of the dataset as written: each part is whole top-level elements (the
 * writer's own bytes, or one referenced value), so each is read on its own, values skipped, never
 * copied together.
 */
function readWritten(parts: readonly Uint8Array[], encoding: DatasetEncoding): Written {
  const written: Written = { image: false, burnedIn: undefined, visualFeatures: undefined };
  for (const part of parts) {
    const cursor = new DicomCursor(part, encoding, {});
    while (cursor.next()) {
      if (cursor.depth !== 0 || cursor.kind === TokenKind.SequenceEnd) continue;
      const tag = cursor.tag;
      if (tag === TAG_PIXEL_DATA || tag === TAG_FLOAT_PIXEL_DATA || tag === TAG_DOUBLE_FLOAT_PIXEL_DATA) written.image = true;
      else if (cursor.kind !== TokenKind.Element) {
        if (cursor.kind === TokenKind.Sequence) cursor.skip();
      } else if (tag === TAG_BURNED_IN_ANNOTATION) written.burnedIn = cursor.readText();
      else if (tag === TAG_RECOGNIZABLE_VISUAL_FEATURES) written.visualFeatures = cursor.readText();
    }
  }
  return written;
}

/** Why `value` is not the NO the option needs, or null when it is: CS, so only spaces around it are insignificant (PS3.5 6.2). */
function notNo(value: string | undefined): string | null {
  if (value === undefined) return "absent";
  const v = value.replace(/^ +| +$/g, "");
  if (v === "NO") return null;
  return v === "" ? "empty" : v === "YES" ? "YES" : "not NO";
}

/**
 * PS3.15 E.3.1 and E.3.2: with the Clean Pixel Data Option, Burned In Annotation (0028,0301) "shall
 * be added to the Data Set with a Value of NO"; with the Clean Recognizable Visual Features Option,
 * Recognizable Visual Features (0028,0302) likewise. NO is a claim about the pixels, and deidc reads
 * neither text nor faces in them, so it never makes the claim on its own: the output must carry NO
 * because the input said it, a rule of the profile set or created it, or (burned-in text) a `pixels
 * complete` block applied, whose author states that it removes all of its layout's text. Checked on
 * the dataset as written, whatever rules, markers or blocks led to it. An output image (Pixel Data,
 * Float or Double Float Pixel Data), or an output that carries the attribute (an encapsulated PDF),
 * that does not say NO is quarantined: the output could not say it truthfully. An output with
 * neither has nothing to claim (an SR, or an image whose Pixel Data the profile removed).
 */
export function checkImageOptions(plan: ExecutionPlan, parts: readonly Uint8Array[], encoding: DatasetEncoding): void {
  const { pixelData, visualFeatures } = plan.imageOptions;
  if (pixelData === null && visualFeatures === null) return;
  let written: Written;
  try {
    written = readWritten(parts, encoding);
  } catch (e) {
    // The writer's own output: a read error here is a bug, not bad input.
    if (e instanceof DicomReadError) throw new Error(`the written dataset does not read back: ${e.message}`);
    throw e;
  }
  if (pixelData !== null && (written.image || written.burnedIn !== undefined)) {
    const why = notNo(written.burnedIn);
    if (why !== null) {
      throw new QuarantineError(
        `Burned In Annotation (0028,0301) would be ${why} in the output, and the Clean Pixel Data Option needs NO: deidc does not read text in pixels, so the profile must say it, with a \`pixels complete\` block for this layout or a rule such as \`BurnedInAnnotation -> create "NO" when ... because "..."\` for images known to carry no text`,
        pixelData.source,
      );
    }
  }
  if (visualFeatures !== null && (written.image || written.visualFeatures !== undefined)) {
    const why = notNo(written.visualFeatures);
    if (why !== null) {
      throw new QuarantineError(
        `Recognizable Visual Features (0028,0302) would be ${why} in the output, and the Clean Recognizable Visual Features Option needs NO: deidc does not find faces, so the profile must say it, with a rule such as \`RecognizableVisualFeatures -> create "NO" when ... because "..."\` for images that show none (after any \`pixels\` block that covers them)`,
        visualFeatures.source,
      );
    }
  }
}
