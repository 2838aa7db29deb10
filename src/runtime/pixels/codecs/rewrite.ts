// Blanking rectangles and clearing overlay bits in pixel data that needs a
// codec: only the frames a rectangle touches are decoded (all frames when
// overlay bits are to be cleared, since any frame may hold them), filled by
// the same code as native data, and re-encoded losslessly with the input's
// transfer syntax. Every other frame keeps its fragments byte for byte.
// Frames are handled one at a time, so memory holds the element and one
// decoded frame, whatever the number of frames. Also here, as it splits
// frames the same way: removing COM segments from JPEG 2000 frames.

import { PixelError } from "../errors";
import { buildEncapsulated, fragmentBytes, frameBytes, framesFromOffsetTable, parseEncapsulated, type BuiltEncapsulated, type EncapsulatedPixelData } from "../encapsulated";
import { isSubsampledYbr, type ImageGeometry, type PlannedRegion } from "../geometry";
import { checkOverlayBitPositions, clearBitsInCells, fillRectangle, nativeLayout } from "../native";
import { evenLength, type CodecFamily, type DecodedFrame, type FrameCodec } from "./frame-codec";
import { jpeg2000Codec, htj2kCodec } from "./jpeg-2000";
import { jpegLosslessCodec } from "./jpeg-lossless";
import { jpegLsCodec } from "./jpeg-ls";
import { readJ2kMainHeader, withoutComments } from "./j2k-codestream";

export type { CodecFamily };

/** High-Throughput JPEG 2000 with RPCL Options (Lossless Only): its codestreams have a fixed form. */
const HTJ2K_RPCL = "1.2.840.10008.1.2.4.202";

const CODECS: Record<CodecFamily, FrameCodec> = {
  "jpeg-lossless": jpegLosslessCodec,
  "jpeg-ls": jpegLsCodec,
  "jpeg-2000": jpeg2000Codec,
  htj2k: htj2kCodec,
};

/** True when a fragment starts a new codestream: SOI (FFD8) for the JPEG family, SOC (FF4F) for JPEG 2000. */
function startsCodestream(family: CodecFamily, b: Uint8Array): boolean {
  if (b.length < 2 || b[0] !== 0xff) return false;
  return family === "jpeg-2000" || family === "htj2k" ? b[1] === 0x4f : b[1] === 0xd8;
}

/**
 * The fragments of each frame: from the Basic Offset Table when it has entries; else every
 * fragment for a single frame, one fragment per frame when the counts agree, and otherwise a new
 * frame at each fragment that starts a codestream (PS3.5 A.4: a frame may span fragments).
 */
export function codecFrameFragments(px: EncapsulatedPixelData, geometry: ImageGeometry, family: CodecFamily): number[][] {
  const fromTable = framesFromOffsetTable(px);
  let frames: number[][];
  if (fromTable) frames = fromTable;
  else if (geometry.frames === 1) frames = [px.fragments.map((_, i) => i)];
  else if (px.fragments.length === geometry.frames) frames = px.fragments.map((_, i) => [i]);
  else {
    frames = [];
    px.fragments.forEach((_, i) => {
      if (frames.length === 0 || startsCodestream(family, fragmentBytes(px, i))) frames.push([i]);
      else frames[frames.length - 1]!.push(i);
    });
  }
  if (frames.length !== geometry.frames) {
    throw new PixelError("malformed", `the pixel data holds ${frames.length} frames (${px.fragments.length} fragments) but Number of Frames is ${geometry.frames}`);
  }
  return frames;
}

/** The image as the codec decoded it: one frame, samples of 1 or 2 bytes in the codec's order. */
function decodedGeometry(geometry: ImageGeometry, decoded: DecodedFrame, frame: number): ImageGeometry {
  if (decoded.width !== geometry.columns || decoded.height !== geometry.rows || decoded.components !== geometry.samplesPerPixel) {
    throw new PixelError(
      "malformed",
      `frame ${frame} decodes to ${decoded.width} x ${decoded.height} pixels of ${decoded.components} component(s), but the image attributes say ${geometry.columns} x ${geometry.rows} of ${geometry.samplesPerPixel}`,
    );
  }
  const bits = decoded.bitsPerSample;
  return {
    ...geometry,
    frames: 1,
    bitsAllocated: bits > 8 ? 16 : 8,
    // Fill values are written in the codestream's precision: a P-bit pattern (two's complement
    // for negative fills) unless the codec decodes signed components to signed integers.
    bitsStored: bits,
    highBit: bits - 1,
    signed: decoded.signed,
    planarConfiguration: decoded.planar ? 1 : 0,
    // Codecs return every pixel's chrominance: the frame is not subsampled any more.
    photometricInterpretation: decoded.photometric ?? (isSubsampledYbr(geometry.photometricInterpretation) ? geometry.photometricInterpretation.replace(/_422$/, "") : geometry.photometricInterpretation),
  };
}

export interface CodecRewrite {
  /** the new element and its frame table; null when no frame changed */
  built: BuiltEncapsulated | null;
  overlaysCleared: boolean;
  /** frames decoded and re-encoded, 1-based */
  reencoded: number[];
}

/**
 * Blanks planned regions and clears overlay bits in encapsulated pixel data of a codec family
 * (`element`: the whole Pixel Data element). Re-encoded frames are one fragment each.
 */
export function rewriteCodecFrames(element: Uint8Array, geometry: ImageGeometry, family: CodecFamily, planned: readonly PlannedRegion[], overlayBits: readonly number[]): CodecRewrite {
  if (overlayBits.length > 0) checkOverlayBitPositions(geometry, overlayBits);
  const codec = CODECS[family];
  const px = parseEncapsulated(element);
  const fragmentsOfFrame = codecFrameFragments(px, geometry, family);
  const regionsOfFrame = new Map<number, PlannedRegion[]>();
  for (const region of planned) for (const f of region.frames) regionsOfFrame.set(f, [...(regionsOfFrame.get(f) ?? []), region]);
  let overlaysCleared = false;
  const reencoded: number[] = [];
  const frames = fragmentsOfFrame.map((fragments, frame): Uint8Array[] => {
    const regions = regionsOfFrame.get(frame) ?? [];
    const original = (): Uint8Array[] => fragments.map((i) => fragmentBytes(px, i));
    if (regions.length === 0 && overlayBits.length === 0) return original();
    const decoded = codec.decode(frameBytes(px, fragments), frame + 1);
    if (geometry.transferSyntax.uid === HTJ2K_RPCL) decoded.settings = { ...decoded.settings, rpclOptions: true };
    const single = decodedGeometry(geometry, decoded, frame + 1);
    const layout = nativeLayout(single, { littleEndian: true });
    if (decoded.pixels.length !== layout.frameBytes) {
      throw new PixelError("malformed", `${codec.name} frame ${frame + 1} decoded to ${decoded.pixels.length} bytes, ${layout.frameBytes} expected`);
    }
    for (const region of regions) fillRectangle(decoded.pixels, 0, single, layout, region);
    let changed = regions.length > 0;
    if (overlayBits.length > 0 && clearBitsInCells(decoded.pixels, 0, layout.frameBytes / layout.bytesPerSample, layout.bytesPerSample, overlayBits, 0, false)) {
      changed = overlaysCleared = true;
    }
    if (!changed) return original();
    reencoded.push(frame + 1);
    return [codec.encode(decoded, frame + 1)];
  });
  const built = reencoded.length > 0 ? buildEncapsulated(px.header, frames, px.offsetTable.length > 0) : null;
  return { built, overlaysCleared, reencoded };
}

export interface RemovedJ2kComment {
  frame: number;
  marker: "COM";
  length: number;
}

/**
 * Removes COM segments from the main header of every JPEG 2000 / HTJ2K frame, without
 * re-encoding. Frames without one keep their fragments. `built` is null when nothing was removed.
 * Frames come from the Basic Offset Table, else from the fragments that start a codestream, so a
 * wrong Number of Frames does not stop the removal; a frame that is not a bare codestream (a JP2
 * file, which DICOM does not allow but some writers produce) is left as it is.
 */
export function stripJ2kComments(element: Uint8Array, family: "jpeg-2000" | "htj2k"): { built: BuiltEncapsulated | null; removed: RemovedJ2kComment[] } {
  const px = parseEncapsulated(element);
  const removed: RemovedJ2kComment[] = [];
  let groups = framesFromOffsetTable(px);
  if (!groups) {
    groups = [];
    for (let i = 0; i < px.fragments.length; i++) {
      if (groups.length === 0 || startsCodestream(family, fragmentBytes(px, i))) groups.push([i]);
      else groups[groups.length - 1]!.push(i);
    }
  }
  const frames = groups.map((fragments, frame): Uint8Array[] => {
    const kept = (): Uint8Array[] => fragments.map((i) => fragmentBytes(px, i));
    if (!startsCodestream(family, fragmentBytes(px, fragments[0]!))) return kept();
    const bytes = frameBytes(px, fragments);
    const header = readJ2kMainHeader(bytes, frame + 1);
    if (header.comments.length === 0) return kept();
    for (const c of header.comments) removed.push({ frame: frame + 1, marker: "COM", length: c.end - c.start });
    return [evenLength(withoutComments(bytes, header)!, 0)];
  });
  return { built: removed.length > 0 ? buildEncapsulated(px.header, frames, px.offsetTable.length > 0) : null, removed };
}
