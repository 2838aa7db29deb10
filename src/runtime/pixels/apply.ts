// The executor's entry point: one Pixel Data element in, its replacement (or
// null: copy the input through) and a report out. Nothing is decoded unless a
// rectangle or an overlay clear needs it, and then only the frames involved.
//
// Lossless JPEG (process 14), JPEG-LS, JPEG 2000 and HTJ2K frames are decoded,
// blanked and re-encoded losslessly through codecs/ (docs/pixels.md, "Codecs").
// JPEG Baseline and Extended (.50, .51) are blanked in the coefficient domain,
// whole 8x8 blocks, no second generation of loss (jpeg-dct/).
// Policy for encodings deidc cannot decode (JPEG XL, JPEG 2000 Part 2, video):
// blanking throws PixelError("needs-codec") naming the codec, and the caller
// quarantines the object. For lossy JPEG a codec would not be enough anyway:
// decoding, filling and re-encoding adds a second generation of loss to every
// pixel of the touched frames; docs/pixels.md discusses the alternatives.

import type { IrSource } from "../../ir/types";
import { PixelError } from "./errors";
import { frameRanges, planRegions, type FrameRange, type ImageGeometry, type ObjectRegions, type SelectedPixelRule } from "./geometry";
import { rewriteDeflatedFrames, rewriteRle } from "./frames";
import { stripJpegFrames, type RemovedMetadata } from "./jpeg";
import { blankWithCodec } from "./codecs/blank";
import type { CodecFamily } from "./codecs/frame-codec";
import { DCT_HUFFMAN_TRANSFER_SYNTAXES, blankDctPixelData } from "./jpeg-dct/index";
import { blankNativeInPlace, checkNativeLength, checkOverlayBitPositions, clearBitsInCells, nativeLayout } from "./native";

export interface PixelDataInput {
  /**
   * The Pixel Data element as it is in the input, header included: for native data the cursor's
   * [headerOffset, endOffset), for encapsulated data the EncapsulatedPixelData token's
   * [headerOffset, endOffset) (basic offset table, fragments and sequence delimiter included).
   */
  element: Uint8Array;
  /** byte order and VR form of the element's header (cursor.littleEndian, cursor.explicitVr) */
  encoding: { littleEndian: boolean; explicitVr: boolean };
  geometry: ImageGeometry;
  /** the `pixels` blocks whose condition held for this object, in profile order */
  rules: readonly SelectedPixelRule[];
  /** the object's own regions (Sequence of Ultrasound Regions), for `ultrasound regions` */
  objectRegions?: ObjectRegions;
  /** remove APPn/COM metadata from JPEG and JPEG-LS frames, and COM from JPEG 2000/HTJ2K main headers, even when nothing is blanked */
  stripJpegMetadata: boolean;
  /** Overlay Bit Position (60xx,0102) of overlays stored in the pixel data, to clear (profile removes overlays) */
  overlayBitPositions?: readonly number[];
}

export type PixelReportEntry =
  | {
      kind: "blanked";
      x: number;
      y: number;
      width: number;
      height: number;
      fill: number;
      /** frames filled, 1-based */
      frames: FrameRange[];
      /**
       * The area actually filled when it is larger than the rectangle: JPEG Baseline/Extended are
       * blanked in whole 8x8 blocks (whole MCUs with subsampling), so the rectangle grows to them.
       */
      blankedArea?: { x: number; y: number; width: number; height: number };
      because: string | null;
      source: IrSource | null;
    }
  | {
      /** a region asked for frames past the last one; those are ignored */
      kind: "frames-missing";
      x: number;
      y: number;
      width: number;
      height: number;
      frames: FrameRange[];
      frameCount: number;
      because: string | null;
      source: IrSource | null;
    }
  | ({ kind: "metadata-removed" } & RemovedMetadata)
  | { kind: "overlay-bits-cleared"; bitPositions: number[] };

export interface PixelDataResult {
  /** the replacement element (same tag, header form and byte order), or null: copy the input element through */
  element: Uint8Array | null;
  report: PixelReportEntry[];
  /**
   * For rewritten encapsulated pixel data, each frame's offset (from the first fragment item) and
   * length: the values of Extended Offset Table (7FE0,0001) and its Lengths (7FE0,0002), which an
   * input may carry and which the rewrite makes stale. Null when nothing encapsulated was rewritten.
   */
  frameTable: { offsets: number[]; lengths: number[] } | null;
}

const UNDEFINED_LENGTH = 0xffffffff;

/** Header length, value length and VR of a native (defined-length) Pixel Data element. */
function nativeHeader(element: Uint8Array, encoding: { littleEndian: boolean; explicitVr: boolean }): { headerLength: number; valueLength: number; vr: string } {
  const view = new DataView(element.buffer, element.byteOffset, element.byteLength);
  if (element.length < 8) throw new PixelError("malformed", "the Pixel Data element is shorter than its header");
  let headerLength = 8;
  let valueLength: number;
  let vr = "OW";
  if (encoding.explicitVr) {
    vr = String.fromCharCode(element[4]!, element[5]!);
    if (vr === "OB" || vr === "OW" || vr === "UN" || vr === "OF" || vr === "OD" || vr === "OL" || vr === "OV") {
      if (element.length < 12) throw new PixelError("malformed", "the Pixel Data element is shorter than its header");
      headerLength = 12;
      valueLength = view.getUint32(8, encoding.littleEndian);
    } else {
      valueLength = view.getUint16(6, encoding.littleEndian);
    }
  } else {
    valueLength = view.getUint32(4, encoding.littleEndian);
  }
  if (valueLength === UNDEFINED_LENGTH) throw new PixelError("malformed", "Pixel Data is encapsulated (undefined length) but the transfer syntax is uncompressed");
  if (headerLength + valueLength > element.length) throw new PixelError("malformed", `Pixel Data declares ${valueLength} bytes but only ${element.length - headerLength} follow its header`);
  return { headerLength, valueLength, vr };
}

function codecMessage(geometry: ImageGeometry, what: string): string {
  const ts = geometry.transferSyntax;
  const codec = ts.encoding === "jpeg" ? "JPEG" : ts.encoding === "jpeg-ls" ? "JPEG-LS" : ts.name;
  const loss = ts.lossy ? "; as the encoding is lossy, re-encoding would also degrade every pixel of the frames involved" : "";
  return `${what} in ${ts.name} (${ts.uid}) pixel data needs a ${codec} codec, which deidc does not have${loss}: quarantine the object`;
}

/**
 * Applies the selected pixel rules (and overlay and JPEG-metadata removal) to one Pixel Data
 * element. Returns the replacement element or null when the input can be copied through.
 * Throws PixelError when a rectangle does not fit the image, the pixel data is malformed, or the
 * transfer syntax needs a codec deidc does not have (the object should then be quarantined).
 */
export function applyPixelRules(input: PixelDataInput): PixelDataResult {
  const { geometry, element } = input;
  const ts = geometry.transferSyntax;
  const planned = planRegions(geometry, input.rules, input.objectRegions);
  const overlayBits = [...(input.overlayBitPositions ?? [])];
  const report: PixelReportEntry[] = [];
  for (const r of planned) {
    if (r.missingFrames.length === 0) continue;
    report.push({ kind: "frames-missing", x: r.x, y: r.y, width: r.width, height: r.height, frames: r.missingFrames, frameCount: geometry.frames, because: r.rule?.because ?? null, source: r.rule?.source ?? null });
  }
  const blanking = planned.filter((r) => r.frames.length > 0);
  const jpegFamily = ts.encoding === "jpeg" || ts.encoding === "jpeg-ls" || ts.encoding === "jpeg-2000";
  if (blanking.length === 0 && overlayBits.length === 0 && !(input.stripJpegMetadata && jpegFamily)) return { element: null, report, frameTable: null };

  /** `areas`: per region, the area actually filled when the encoding grows it (JPEG DCT blocks). */
  const reportBlanking = (areas?: readonly ({ x: number; y: number; width: number; height: number } | null)[]): void => {
    for (const [i, r] of blanking.entries()) {
      const area = areas?.[i];
      report.push({ kind: "blanked", x: r.x, y: r.y, width: r.width, height: r.height, fill: r.fill, frames: frameRanges(r.frames), ...(area ? { blankedArea: area } : {}), because: r.rule?.because ?? null, source: r.rule?.source ?? null });
    }
  };

  /** Lossless JPEG, JPEG-LS, JPEG 2000, HTJ2K: touched frames decoded, blanked, re-encoded losslessly (codecs/). */
  const throughCodec = (family: CodecFamily): PixelDataResult => {
    const done = blankWithCodec(element, geometry, family, blanking, overlayBits, input.stripJpegMetadata);
    if (done.overlaysCleared) report.push({ kind: "overlay-bits-cleared", bitPositions: overlayBits });
    reportBlanking();
    for (const removed of done.removed) report.push({ kind: "metadata-removed", ...removed });
    if (!done.built) return { element: null, report, frameTable: null };
    return { element: done.built.element, report, frameTable: { offsets: done.built.frameOffsets, lengths: done.built.frameLengths } };
  };

  switch (ts.encoding) {
    case "native": {
      const { headerLength, valueLength, vr } = nativeHeader(element, input.encoding);
      const layout = nativeLayout(geometry, { littleEndian: input.encoding.littleEndian, valueRepresentation: vr });
      checkNativeLength(valueLength, geometry, layout);
      if (overlayBits.length > 0) {
        if (geometry.bitsAllocated === 1) throw new PixelError("geometry", "1-bit pixel data has no unused bits to hold overlays");
        checkOverlayBitPositions(geometry, overlayBits);
      }
      const samples = layout.bytesPerSample > 0 ? layout.requiredBytes / layout.bytesPerSample : 0;
      const swap = layout.swapWords ? 1 : 0;
      const original = element.subarray(headerLength, headerLength + valueLength);
      const overlaysSet = overlayBits.length > 0 && clearBitsInCells(original, 0, samples, layout.bytesPerSample, overlayBits, swap, true);
      if (blanking.length === 0 && !overlaysSet) return { element: null, report, frameTable: null };
      // One copy of the element; rectangles and overlay bits are changed in it. Not slice(): on a
      // Node Buffer (a bundle's or a large file's input) that is a view, and the input would change.
      const out = new Uint8Array(element.subarray(0, headerLength + valueLength));
      const value = out.subarray(headerLength);
      if (overlaysSet) {
        clearBitsInCells(value, 0, samples, layout.bytesPerSample, overlayBits, swap, false);
        report.push({ kind: "overlay-bits-cleared", bitPositions: overlayBits });
      }
      blankNativeInPlace(value, geometry, blanking, layout);
      reportBlanking();
      return { element: out, report, frameTable: null };
    }
    case "rle":
    case "deflated-frames": {
      const { built, overlaysCleared } = ts.encoding === "rle" ? rewriteRle(element, geometry, blanking, overlayBits) : rewriteDeflatedFrames(element, geometry, blanking, overlayBits);
      if (!built) return { element: null, report, frameTable: null };
      if (overlaysCleared) report.push({ kind: "overlay-bits-cleared", bitPositions: overlayBits });
      reportBlanking();
      return { element: built.element, report, frameTable: { offsets: built.frameOffsets, lengths: built.frameLengths } };
    }
    case "jpeg":
    case "jpeg-ls": {
      if (blanking.length > 0 && overlayBits.length === 0 && DCT_HUFFMAN_TRANSFER_SYNTAXES.has(ts.uid)) {
        // Sequential DCT: blanked in the coefficient domain, whole blocks, no second generation of loss.
        const dct = blankDctPixelData(element, geometry, blanking, input.stripJpegMetadata);
        reportBlanking(dct.blanked);
        for (const removed of dct.removed) report.push({ kind: "metadata-removed", ...removed });
        if (!dct.built) return { element: null, report, frameTable: null };
        return { element: dct.built.element, report, frameTable: { offsets: dct.built.frameOffsets, lengths: dct.built.frameLengths } };
      }
      if ((blanking.length > 0 || overlayBits.length > 0) && ts.codec !== null) return throughCodec(ts.codec);
      if (blanking.length > 0) throw new PixelError("needs-codec", codecMessage(geometry, "blanking rectangles"));
      if (overlayBits.length > 0) throw new PixelError("needs-codec", codecMessage(geometry, "clearing overlay bits"));
      const stripped = stripJpegFrames(element);
      for (const removed of stripped.removed) report.push({ kind: "metadata-removed", ...removed });
      if (!stripped.built) return { element: null, report, frameTable: null };
      return { element: stripped.built.element, report, frameTable: { offsets: stripped.built.frameOffsets, lengths: stripped.built.frameLengths } };
    }
    case "jpeg-2000":
      return throughCodec(ts.codec ?? "jpeg-2000");
    case "opaque": {
      if (blanking.length > 0) throw new PixelError("needs-codec", codecMessage(geometry, "blanking rectangles"));
      if (overlayBits.length > 0) throw new PixelError("needs-codec", codecMessage(geometry, "clearing overlay bits"));
      return { element: null, report, frameTable: null };
    }
  }
}
