// Blanking inside encapsulated pixel data that deidc can decode itself: RLE
// Lossless and Deflated Image Frame Compression. Only frames a region (or an
// overlay clear) touches are decoded, one at a time, and re-encoded; every
// other frame's fragment is copied as it is.

import { deflateRawSync, inflateRawSync } from "node:zlib";
import { PixelError } from "./errors";
import { buildEncapsulated, fragmentBytes, framesFromOffsetTable, parseEncapsulated, type BuiltEncapsulated, type EncapsulatedPixelData } from "./encapsulated";
import { fillCells, planRegions, type ImageGeometry, type PixelRegion, type PlannedRegion } from "./geometry";
import { checkNativeLength, checkOverlayBitPositions, clearBitsInCells, fillRectangle, nativeLayout } from "./native";
import { decodeRleFrame, encodeRleFrame, rleSegmentCount } from "./rle";

/**
 * The fragment of each frame, for encodings that put every frame in exactly one fragment
 * (PS3.5 A.4.2 for RLE, 8.2.16 for per-frame deflate).
 */
export function oneFragmentPerFrame(px: EncapsulatedPixelData, geometry: ImageGeometry): number[] {
  const name = geometry.transferSyntax.name;
  const fromTable = framesFromOffsetTable(px);
  if (fromTable) {
    if (fromTable.length !== geometry.frames) {
      throw new PixelError("malformed", `the Basic Offset Table lists ${fromTable.length} frames but Number of Frames is ${geometry.frames}`);
    }
    return fromTable.map((fragments, frame) => {
      if (fragments.length !== 1) throw new PixelError("malformed", `${name} frame ${frame + 1} spans ${fragments.length} fragments; each frame must be one fragment`);
      return fragments[0]!;
    });
  }
  if (px.fragments.length !== geometry.frames) {
    throw new PixelError("malformed", `${name} pixel data has ${px.fragments.length} fragments for ${geometry.frames} frames; each frame must be one fragment`);
  }
  return px.fragments.map((_, i) => i);
}

/** Frame indices (0-based) some region applies to. */
function touchedFrames(planned: readonly PlannedRegion[]): Set<number> {
  const touched = new Set<number>();
  for (const r of planned) for (const f of r.frames) touched.add(f);
  return touched;
}

/**
 * Passes each frame `visit` selects to `change`, which returns its new bytes or null to keep it;
 * every other frame keeps its fragment. Returns null when no frame changed.
 */
function rewriteFrames(
  px: EncapsulatedPixelData,
  geometry: ImageGeometry,
  visit: (frame: number) => boolean,
  change: (bytes: Uint8Array, frame: number) => Uint8Array | null,
): BuiltEncapsulated | null {
  const fragmentOfFrame = oneFragmentPerFrame(px, geometry);
  let changed = false;
  const frames = fragmentOfFrame.map((fragment, frame) => {
    const original = fragmentBytes(px, fragment);
    if (!visit(frame)) return [original];
    const replaced = change(original, frame);
    if (replaced === null) return [original];
    changed = true;
    return [replaced];
  });
  return changed ? buildEncapsulated(px.header, frames, px.offsetTable.length > 0) : null;
}

/** Fills the rectangle of every segment with that segment's byte of the fill (segment k: sample k / bytes, byte k % bytes, most significant first). */
function fillSegments(segments: readonly Uint8Array[], geometry: ImageGeometry, region: PlannedRegion): void {
  const bytesPerSample = geometry.bitsAllocated / 8;
  const cells = fillCells(geometry, region.fill, region.fillColour);
  segments.forEach((segment, k) => {
    const sample = Math.floor(k / bytesPerSample);
    const shift = 8 * (bytesPerSample - 1 - (k % bytesPerSample));
    const byte = Math.floor(cells[sample]! / 2 ** shift) & 0xff;
    for (let row = region.y; row < region.y + region.height; row++) {
      const start = row * geometry.columns + region.x;
      segment.fill(byte, start, start + region.width);
    }
  });
}

/** Clears overlay bits in the segments holding them; returns whether any was set. */
function clearOverlaySegments(segments: readonly Uint8Array[], geometry: ImageGeometry, bits: readonly number[]): boolean {
  const bytesPerSample = geometry.bitsAllocated / 8;
  let found = false;
  for (let sample = 0; sample < geometry.samplesPerPixel; sample++) {
    for (const b of bits) {
      const segment = segments[sample * bytesPerSample + (bytesPerSample - 1 - (b >>> 3))]!;
      if (clearBitsInCells(segment, 0, segment.length, 1, [b & 7], 0, false)) found = true;
    }
  }
  return found;
}

export interface RewrittenFrames {
  /** the new element and its frame table; null when no frame changed */
  built: BuiltEncapsulated | null;
  /** some overlay bit was set and has been cleared */
  overlaysCleared: boolean;
}

/**
 * Blanks planned regions and clears overlay bits in RLE Lossless pixel data (the whole element,
 * header included).
 */
export function rewriteRle(element: Uint8Array, geometry: ImageGeometry, planned: readonly PlannedRegion[], overlayBits: readonly number[]): RewrittenFrames {
  if (geometry.bitsAllocated === 1) throw new PixelError("unsupported", "RLE Lossless of 1-bit pixel data is not supported");
  if (overlayBits.length > 0) checkOverlayBitPositions(geometry, overlayBits);
  const px = parseEncapsulated(element);
  const touched = touchedFrames(planned);
  const regionFrames = planned.map((r) => new Set(r.frames));
  const segmentCount = rleSegmentCount(geometry.samplesPerPixel, geometry.bitsAllocated);
  let overlaysCleared = false;
  const built = rewriteFrames(
    px,
    geometry,
    (frame) => touched.has(frame) || overlayBits.length > 0,
    (bytes, frame) => {
      const segments = decodeRleFrame(bytes, geometry.rows, geometry.columns, segmentCount, frame + 1);
      let changed = false;
      for (const [i, region] of planned.entries()) {
        if (!regionFrames[i]!.has(frame)) continue;
        fillSegments(segments, geometry, region);
        changed = true;
      }
      if (overlayBits.length > 0 && clearOverlaySegments(segments, geometry, overlayBits)) changed = overlaysCleared = true;
      return changed ? encodeRleFrame(segments, geometry.rows, geometry.columns) : null;
    },
  );
  return { built, overlaysCleared };
}

/**
 * Blanks rectangles in RLE Lossless pixel data: `element` is the whole encapsulated Pixel Data
 * element (header to sequence delimiter). Frames no rectangle touches keep their fragments; the
 * Basic Offset Table is rebuilt when the input had one. Returns the input when nothing changes.
 */
export function blankEncapsulatedRle(element: Uint8Array, geometry: ImageGeometry, regions: readonly PixelRegion[]): Uint8Array {
  const planned = planRegions(geometry, [{ regions }]);
  return rewriteRle(element, geometry, planned, []).built?.element ?? element;
}

/**
 * Blanks planned regions and clears overlay bits in Deflated Image Frame Compression pixel data
 * (every frame raw-deflated on its own, so 1-bit frames start on a byte boundary).
 */
export function rewriteDeflatedFrames(element: Uint8Array, geometry: ImageGeometry, planned: readonly PlannedRegion[], overlayBits: readonly number[]): RewrittenFrames {
  if (overlayBits.length > 0) {
    if (geometry.bitsAllocated === 1) throw new PixelError("geometry", "1-bit pixel data has no unused bits to hold overlays");
    checkOverlayBitPositions(geometry, overlayBits);
  }
  const px = parseEncapsulated(element);
  const touched = touchedFrames(planned);
  const regionFrames = planned.map((r) => new Set(r.frames));
  const single = { ...geometry, frames: 1 };
  const layout = nativeLayout(single, { littleEndian: true });
  let overlaysCleared = false;
  const built = rewriteFrames(
    px,
    geometry,
    (frame) => touched.has(frame) || overlayBits.length > 0,
    (bytes, frame) => {
      let native: Uint8Array;
      try {
        native = new Uint8Array(inflateRawSync(bytes));
      } catch (e) {
        throw new PixelError("malformed", `deflated frame ${frame + 1} does not inflate: ${(e as Error).message}`);
      }
      checkNativeLength(native.length, single, layout);
      let changed = false;
      for (const [i, region] of planned.entries()) {
        if (!regionFrames[i]!.has(frame)) continue;
        fillRectangle(native, 0, single, layout, region);
        changed = true;
      }
      if (overlayBits.length > 0 && clearBitsInCells(native, 0, layout.requiredBytes / layout.bytesPerSample, layout.bytesPerSample, overlayBits, 0, false)) changed = overlaysCleared = true;
      if (!changed) return null;
      const deflated = deflateRawSync(native);
      // Fragments have even lengths; a trailing zero after the final deflate block is ignored by inflaters.
      if (deflated.length % 2 === 0) return new Uint8Array(deflated);
      const padded = new Uint8Array(deflated.length + 1);
      padded.set(deflated);
      return padded;
    },
  );
  return { built, overlaysCleared };
}
