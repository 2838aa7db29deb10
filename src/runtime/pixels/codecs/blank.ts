// The pixel layer's entry into the codecs: blank and clear through a codec,
// then remove metadata the way the transfer syntax allows (APPn/COM from
// JPEG-family frames, COM from JPEG 2000 main headers), so one call gives the
// final element.

import type { BuiltEncapsulated } from "../encapsulated";
import type { ImageGeometry, PlannedRegion } from "../geometry";
import { stripJpegFrames, type RemovedMetadata } from "../jpeg";
import type { CodecFamily } from "./frame-codec";
import { rewriteCodecFrames, stripJ2kComments } from "./rewrite";

export interface CodecBlanking {
  /** the final element and its frame table, or null when nothing changed */
  built: BuiltEncapsulated | null;
  overlaysCleared: boolean;
  /** frames decoded and re-encoded, 1-based */
  reencoded: number[];
  removed: RemovedMetadata[];
}

export function blankWithCodec(
  element: Uint8Array,
  geometry: ImageGeometry,
  family: CodecFamily,
  planned: readonly PlannedRegion[],
  overlayBits: readonly number[],
  stripMetadata: boolean,
): CodecBlanking {
  // Metadata first, from the input's own frames: a frame that is then re-encoded would lose its
  // segments anyway, and what the encoders write themselves is not the input's metadata.
  let built: BuiltEncapsulated | null = null;
  const removed: RemovedMetadata[] = [];
  if (stripMetadata) {
    const stripped = family === "jpeg-2000" || family === "htj2k" ? stripJ2kComments(element, family) : stripJpegFrames(element);
    removed.push(...stripped.removed);
    built = stripped.built;
  }
  const needsRewrite = planned.some((r) => r.frames.length > 0) || overlayBits.length > 0;
  const rewrite = needsRewrite ? rewriteCodecFrames(built?.element ?? element, geometry, family, planned, overlayBits) : { built: null, overlaysCleared: false, reencoded: [] };
  if (rewrite.built) built = rewrite.built;
  return { built, overlaysCleared: rewrite.overlaysCleared, reencoded: rewrite.reencoded, removed };
}
