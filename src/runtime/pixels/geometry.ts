// The image a Pixel Data element holds (PS3.3 C.7.6.3 Image Pixel Module),
// and the rectangles of `pixels` blocks checked against it. Everything that
// can be wrong about a rule and an image is found here, before any byte moves.

import type { IrSource } from "../../ir/types";
import { PixelError } from "./errors";
import { transferSyntaxInfo, type TransferSyntaxInfo } from "./transfer-syntax";

/** Tags of the attributes describeImage reads; the executor's pre-pass must read them at the top level. */
export const IMAGE_ATTRIBUTE_TAGS = {
  SamplesPerPixel: 0x00280002,
  PhotometricInterpretation: 0x00280004,
  PlanarConfiguration: 0x00280006,
  NumberOfFrames: 0x00280008,
  Rows: 0x00280010,
  Columns: 0x00280011,
  BitsAllocated: 0x00280100,
  BitsStored: 0x00280101,
  HighBit: 0x00280102,
  PixelRepresentation: 0x00280103,
} as const;

/** Attribute values as the executor reads them: numbers for US/IS, text for CS; absent is undefined. */
export type ImageAttributeValues = { -readonly [K in keyof typeof IMAGE_ATTRIBUTE_TAGS]?: number | string } & { TransferSyntaxUID: string };

/** Gathers the image attributes from a top-level value lookup (the executor's `EvalContext.attr`). */
export function imageAttributesFrom(attr: (tag: number) => string | number | undefined, transferSyntaxUid: string): ImageAttributeValues {
  const values: ImageAttributeValues = { TransferSyntaxUID: transferSyntaxUid };
  for (const [keyword, tag] of Object.entries(IMAGE_ATTRIBUTE_TAGS) as [keyof typeof IMAGE_ATTRIBUTE_TAGS, number][]) {
    const v = attr(tag);
    if (v !== undefined) values[keyword] = v;
  }
  return values;
}

export interface ImageGeometry {
  rows: number;
  columns: number;
  /** Number of Frames, 1 when absent */
  frames: number;
  samplesPerPixel: 1 | 3;
  bitsAllocated: 1 | 8 | 16 | 32;
  bitsStored: number;
  highBit: number;
  /** Pixel Representation 1: two's complement */
  signed: boolean;
  /** 0 (colour-by-pixel) or 1 (colour-by-plane); 0 for one sample per pixel */
  planarConfiguration: 0 | 1;
  photometricInterpretation: string;
  transferSyntax: TransferSyntaxInfo;
}

function numberOf(value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number") return value;
  const text = value.split("\\")[0]!.trim();
  if (text === "") return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : NaN;
}

function required(values: ImageAttributeValues, keyword: keyof typeof IMAGE_ATTRIBUTE_TAGS, what: string): number {
  const n = numberOf(values[keyword]);
  if (n === undefined) throw new PixelError("geometry", `${keyword} is missing: ${what} is unknown, so no rectangle can be placed`);
  return n;
}

function wholeInRange(n: number, keyword: string, min: number, max: number): number {
  if (!Number.isInteger(n) || n < min || n > max) throw new PixelError("geometry", `${keyword} ${n} is not a whole number from ${min} to ${max}`);
  return n;
}

/**
 * The geometry of the pixel data, from the Image Pixel attributes and the transfer syntax.
 * Throws PixelError for missing or contradictory attributes and for layouts the pixel layer
 * does not handle (Samples per Pixel other than 1 or 3, Bits Allocated other than 1, 8, 16, 32).
 */
export function describeImage(values: ImageAttributeValues): ImageGeometry {
  const transferSyntax = transferSyntaxInfo(values.TransferSyntaxUID.trim());
  const rows = wholeInRange(required(values, "Rows", "the image height"), "Rows", 1, 65535);
  const columns = wholeInRange(required(values, "Columns", "the image width"), "Columns", 1, 65535);
  const bitsAllocated = required(values, "BitsAllocated", "the size of a pixel sample");
  if (bitsAllocated !== 1 && bitsAllocated !== 8 && bitsAllocated !== 16 && bitsAllocated !== 32) {
    throw new PixelError("unsupported", `Bits Allocated ${bitsAllocated} is not supported: pixel samples of 1, 8, 16 or 32 bits are`);
  }
  const bitsStored = wholeInRange(numberOf(values.BitsStored) ?? bitsAllocated, "BitsStored", 1, bitsAllocated);
  const highBit = numberOf(values.HighBit) ?? bitsStored - 1;
  if (!Number.isInteger(highBit) || highBit < bitsStored - 1 || highBit >= bitsAllocated) {
    throw new PixelError("geometry", `HighBit ${highBit} does not fit Bits Stored ${bitsStored} in Bits Allocated ${bitsAllocated}`);
  }
  const samples = numberOf(values.SamplesPerPixel) ?? 1;
  if (samples !== 1 && samples !== 3) {
    throw new PixelError("unsupported", `Samples per Pixel ${samples} is not supported: 1 (grey or palette) and 3 (colour) are`);
  }
  if (bitsAllocated === 1 && samples !== 1) throw new PixelError("geometry", "Bits Allocated 1 with 3 samples per pixel is not a valid image");
  const representation = numberOf(values.PixelRepresentation) ?? 0;
  if (representation !== 0 && representation !== 1) throw new PixelError("geometry", `PixelRepresentation ${representation} is neither 0 (unsigned) nor 1 (signed)`);
  const frames = wholeInRange(numberOf(values.NumberOfFrames) ?? 1, "NumberOfFrames", 1, 2 ** 31 - 1);
  const planar = numberOf(values.PlanarConfiguration);
  const photometricInterpretation = typeof values.PhotometricInterpretation === "string" ? values.PhotometricInterpretation.trim().toUpperCase() : "";
  // Planar Configuration decides where a colour sample lives only in native data (RLE and the
  // JPEG family carry their own component order), so only there is its absence fatal.
  const laidOutNatively = transferSyntax.encoding === "native" || transferSyntax.encoding === "deflated-frames";
  if (samples === 3 && planar === undefined && laidOutNatively) {
    throw new PixelError("geometry", "PlanarConfiguration is missing for colour pixel data: whether samples are interleaved or in planes is unknown");
  }
  if (planar !== undefined && planar !== 0 && planar !== 1 && samples === 3) {
    throw new PixelError("geometry", `PlanarConfiguration ${planar} is neither 0 (colour-by-pixel) nor 1 (colour-by-plane)`);
  }
  if (isSubsampledYbr(photometricInterpretation) && laidOutNatively) {
    if (columns % 2 !== 0) throw new PixelError("geometry", `${photometricInterpretation} pairs pixels horizontally, but the image has an odd number of columns (${columns})`);
    if (planar === 1) throw new PixelError("geometry", `${photometricInterpretation} pixel data cannot be colour-by-plane (PlanarConfiguration 1)`);
  }
  return {
    rows,
    columns,
    frames,
    samplesPerPixel: samples,
    bitsAllocated,
    bitsStored,
    highBit,
    signed: representation === 1,
    planarConfiguration: samples === 3 && planar === 1 ? 1 : 0,
    photometricInterpretation,
    transferSyntax,
  };
}

/** YBR_FULL_422 and YBR_PARTIAL_422: two luminance samples share one pair of chrominance samples. */
export function isSubsampledYbr(photometric: string): boolean {
  return photometric === "YBR_FULL_422" || photometric === "YBR_PARTIAL_422";
}

function isYbr(photometric: string): boolean {
  return photometric.startsWith("YBR_");
}

// ---------------------------------------------------------------- regions

export interface FrameRange {
  /** 1-based, inclusive */
  from: number;
  to: number;
}

/** One `blank` of a `pixels` block (an IrRegion fits). */
export interface PixelRegion {
  x: number;
  y: number;
  width: number;
  height: number;
  /** 1-based inclusive frame ranges; null = every frame */
  frames: readonly FrameRange[] | null;
  fill: number;
}

/** A `pixels` block whose condition held for the object (an IrPixelRule fits). */
export interface SelectedPixelRule {
  regions: readonly PixelRegion[];
  because?: string | null;
  source?: IrSource | null;
}

/** A region checked against the image, with the frames it applies to. */
export interface PlannedRegion {
  x: number;
  y: number;
  width: number;
  height: number;
  fill: number;
  /** 0-based frame indices, ascending, each once */
  frames: number[];
  /** requested frames the object does not have (1-based ranges) */
  missingFrames: FrameRange[];
  rule: SelectedPixelRule | null;
}

function where(rule: SelectedPixelRule | null): string {
  const s = rule?.source;
  return s ? ` (pixels block at ${s.file}:${s.line})` : "";
}

/** The range of stored values a fill may take, for messages and checks. */
export function storedValueRange(geometry: ImageGeometry): { min: number; max: number } {
  const bits = geometry.bitsStored;
  return geometry.signed ? { min: -(2 ** (bits - 1)), max: 2 ** (bits - 1) - 1 } : { min: 0, max: 2 ** bits - 1 };
}

/**
 * Checks every region of the selected rules against the image and resolves its frames.
 * A rectangle that leaves the image is an error (the layout the rule was written for is not this
 * image's, so text may sit elsewhere); frames past the last one are dropped and reported, so that
 * `frames 1..20` also covers a 12-frame clip.
 */
export function planRegions(geometry: ImageGeometry, rules: readonly SelectedPixelRule[]): PlannedRegion[] {
  const planned: PlannedRegion[] = [];
  const { min, max } = storedValueRange(geometry);
  for (const rule of rules) {
    for (const r of rule.regions) {
      const text = `rectangle (${r.x}, ${r.y}, ${r.width}, ${r.height})`;
      if (![r.x, r.y, r.width, r.height].every(Number.isInteger) || r.x < 0 || r.y < 0 || r.width <= 0 || r.height <= 0) {
        throw new PixelError("geometry", `${text}${where(rule)} needs whole numbers, a non-negative origin and a positive size`);
      }
      if (r.x + r.width > geometry.columns) {
        throw new PixelError("geometry", `${text}${where(rule)} reaches column ${r.x + r.width} but the image has ${geometry.columns} columns`);
      }
      if (r.y + r.height > geometry.rows) {
        throw new PixelError("geometry", `${text}${where(rule)} reaches row ${r.y + r.height} but the image has ${geometry.rows} rows`);
      }
      if (!Number.isInteger(r.fill) || r.fill < min || r.fill > max) {
        const kind = geometry.signed ? "signed" : "unsigned";
        throw new PixelError("geometry", `fill ${r.fill} of ${text}${where(rule)} does not fit the stored values (Bits Stored ${geometry.bitsStored}, ${kind}: ${min} to ${max})`);
      }
      const frames = new Set<number>();
      const missingFrames: FrameRange[] = [];
      for (const range of r.frames ?? [{ from: 1, to: geometry.frames }]) {
        if (!Number.isInteger(range.from) || !Number.isInteger(range.to) || range.from < 1 || range.to < range.from) {
          throw new PixelError("geometry", `frames ${range.from}..${range.to} of ${text}${where(rule)}: frames count from 1 and a range goes upwards`);
        }
        for (let f = range.from; f <= Math.min(range.to, geometry.frames); f++) frames.add(f - 1);
        if (range.to > geometry.frames) missingFrames.push({ from: Math.max(range.from, geometry.frames + 1), to: range.to });
      }
      planned.push({ x: r.x, y: r.y, width: r.width, height: r.height, fill: r.fill, frames: [...frames].sort((a, b) => a - b), missingFrames, rule });
    }
  }
  return planned;
}

/**
 * The value each sample of a blanked pixel takes, as an unsigned Bits Allocated-wide cell:
 * the fill in the stored bits; for signed data, negative fills sign-extended through the high
 * bits as writers do (so that readers that ignore Bits Stored see the same number), other high
 * bits cleared (they may hold overlay bits, which are part of what is being blanked). For YBR
 * colour, luminance takes the fill and both chrominance samples the neutral middle value, so
 * that `fill 0` is black as it is for RGB and MONOCHROME2.
 */
export function fillCells(geometry: ImageGeometry, fill: number): number[] {
  const lowBit = geometry.highBit - geometry.bitsStored + 1;
  const storedMask = geometry.bitsStored === 32 ? 0xffffffff : 2 ** geometry.bitsStored - 1;
  const cell = (value: number): number => {
    let c = ((value & storedMask) >>> 0) * 2 ** lowBit;
    if (geometry.signed && value < 0 && lowBit === 0 && geometry.bitsStored < geometry.bitsAllocated) {
      c += 2 ** geometry.bitsAllocated - 2 ** geometry.bitsStored;
    }
    return c;
  };
  if (geometry.samplesPerPixel === 1) return [cell(fill)];
  if (isYbr(geometry.photometricInterpretation)) {
    const neutral = geometry.signed ? 0 : 2 ** (geometry.bitsStored - 1);
    return [cell(fill), cell(neutral), cell(neutral)];
  }
  return [cell(fill), cell(fill), cell(fill)];
}

/** [1,2,3,5] -> [{1..3},{5..5}] (1-based), for reports. */
export function frameRanges(zeroBased: readonly number[]): FrameRange[] {
  const out: FrameRange[] = [];
  for (const f of zeroBased) {
    const last = out[out.length - 1];
    if (last && last.to === f) last.to = f + 1;
    else out.push({ from: f + 1, to: f + 1 });
  }
  return out;
}
