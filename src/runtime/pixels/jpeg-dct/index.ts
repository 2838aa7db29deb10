// Rectangle blanking in JPEG Baseline and Extended pixel data in the
// coefficient domain (no decoding to pixels, no second generation of loss).
// docs/pixels.md, "JPEG Baseline and Extended: blanking in the coefficient
// domain", gives the policy.

import type { BuiltEncapsulated } from "../encapsulated";
import type { ImageGeometry, PlannedRegion } from "../geometry";
import { stripJpegFrames, type RemovedMetadata } from "../jpeg";
import { blankJpegDct, type BlankedArea } from "./rewrite";

export { DCT_HUFFMAN_TRANSFER_SYNTAXES, blankJpegDct, rewriteFrame, type BlankedArea, type DctBlankResult, type DctRegion } from "./rewrite";
export { blockAlignment, fillTargets, flatDc, growToBlocks, type FillValue } from "./blocks";
export { readDctFrame, type DctFrame } from "./frame-structure";
export { allocateCoefficients, decodeScan, type Coefficients } from "./huffman-decode";

export interface DctPixelDataResult {
  built: BuiltEncapsulated | null;
  /** per planned region: the area filled (grown to the block grid), null when it touched no frame */
  blanked: (BlankedArea | null)[];
  removed: RemovedMetadata[];
  /** 1-based frames written with new Huffman tables */
  newTables: number[];
}

/**
 * The executor's path for JPEG .50/.51 pixel data with rectangles to blank: touched frames are
 * rewritten in the coefficient domain, then (when asked) metadata segments are stripped from
 * every frame as stripJpegMetadata does.
 */
export function blankDctPixelData(element: Uint8Array, geometry: ImageGeometry, planned: readonly PlannedRegion[], stripMetadata: boolean): DctPixelDataResult {
  const result = blankJpegDct(
    element,
    geometry,
    planned.map((r) => ({ x: r.x, y: r.y, width: r.width, height: r.height, fill: r.fillColour ?? r.fill, frames: r.frames })),
  );
  if (!stripMetadata) return { built: result.built, blanked: result.blanked, removed: [], newTables: result.newTables };
  const stripped = stripJpegFrames(result.built?.element ?? element);
  return { built: stripped.built ?? result.built, blanked: result.blanked, removed: stripped.removed, newTables: result.newTables };
}
