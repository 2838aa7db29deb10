// The image a Pixel Data element holds (PS3.3 C.7.6.3 Image Pixel Module),
// and the rectangles of `pixels` blocks checked against it. Everything that
// can be wrong about a rule and an image is found here, before any byte moves.

import type { IrArea, IrCoordinate, IrSource } from "../../ir/types";
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

/** An RGB colour as written in `fill (R, G, B)`. */
export type Rgb = readonly [number, number, number];

/**
 * One line of a `pixels` block (an IrRegion fits). A plain rectangle is x, y, width, height;
 * `area`, when present, replaces it with a shape that depends on the object.
 */
export interface PixelRegion {
  x: number;
  y: number;
  width: number;
  height: number;
  area?: IrArea;
  /** keep the area; the block fills everything outside the union of its keep regions */
  keep?: boolean;
  /** 1-based inclusive frame ranges; null = every frame */
  frames: readonly FrameRange[] | null;
  fill: number;
  /** `fill (R, G, B)`: only for 3-sample images */
  fillColour?: Rgb | null;
}

/** A `pixels` block whose condition held for the object (an IrPixelRule fits). */
export interface SelectedPixelRule {
  regions: readonly PixelRegion[];
  because?: string | null;
  /** `pixels complete`: the block covers all burned-in text of its layout */
  complete?: boolean;
  source?: IrSource | null;
}

/** A rectangle of the object's own (from the Sequence of Ultrasound Regions): inclusive bounds, as stored. */
export interface UltrasoundRegion {
  minX0: number;
  minY0: number;
  maxX1: number;
  maxY1: number;
}

/** What the object itself says about where things are, for the shapes that depend on it. */
export interface ObjectRegions {
  /** the items of Sequence of Ultrasound Regions (0018,6011); null or absent: the object has none */
  ultrasound?: readonly UltrasoundRegion[] | null;
}

/**
 * A region checked against the image, with the frames it applies to: always a plain rectangle
 * (edges resolved, `all` and ultrasound regions turned into rectangles, the outside of `keep`
 * regions split into rectangles), so every encoding fills it the same way.
 */
export interface PlannedRegion {
  x: number;
  y: number;
  width: number;
  height: number;
  /**
   * The fill of a grey image, and of every sample of an RGB one: a stored value. With a colour
   * fill, the grey of the same luma (0.299 R + 0.587 G + 0.114 B, rounded): what a reader that
   * knows only `fill` gets; the colour itself is `fillColour`.
   */
  fill: number;
  /**
   * `fill (R, G, B)` as written (RGB, each a stored value), or null for a grey fill. fillCells
   * turns it into the image's samples (converted for YBR photometric interpretations).
   */
  fillColour: Rgb | null;
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

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

function coordinateValue(c: IrCoordinate, geometry: ImageGeometry): number {
  if (typeof c === "number") return c;
  return (c.edge === "Rows" ? geometry.rows : geometry.columns) - c.minus;
}

function describeCoordinate(c: IrCoordinate): string {
  if (typeof c === "number") return String(c);
  return c.minus === 0 ? c.edge : `${c.edge} - ${c.minus}`;
}

/** The rectangles a region covers on this image, and how to name it in messages. */
function regionRectangles(r: PixelRegion, geometry: ImageGeometry, objectRegions: ObjectRegions, rule: SelectedPixelRule | null): { rects: Rect[]; text: string } {
  const area = r.area;
  if (area === undefined) return { rects: [{ x: r.x, y: r.y, width: r.width, height: r.height }], text: `rectangle (${r.x}, ${r.y}, ${r.width}, ${r.height})` };
  const at = (c: IrCoordinate) => coordinateValue(c, geometry);
  switch (area.kind) {
    case "rect": {
      const rect = { x: at(area.x), y: at(area.y), width: at(area.width), height: at(area.height) };
      return { rects: [rect], text: `rectangle (${[area.x, area.y, area.width, area.height].map(describeCoordinate).join(", ")}) = (${rect.x}, ${rect.y}, ${rect.width}, ${rect.height})` };
    }
    case "corners": {
      const [x0, y0, x1, y1] = [at(area.x0), at(area.y0), at(area.x1), at(area.y1)];
      return {
        rects: [{ x: x0, y: y0, width: x1 - x0, height: y1 - y0 }],
        text: `rectangle from (${describeCoordinate(area.x0)}, ${describeCoordinate(area.y0)}) to (${describeCoordinate(area.x1)}, ${describeCoordinate(area.y1)}) = (${x0}, ${y0}, ${x1 - x0}, ${y1 - y0})`,
      };
    }
    case "all":
      return { rects: [{ x: 0, y: 0, width: geometry.columns, height: geometry.rows }], text: "the whole image" };
    case "ultrasound": {
      const regions = objectRegions.ultrasound;
      if (!regions || regions.length === 0) {
        throw new PixelError("geometry", `the object has no Sequence of Ultrasound Regions (0018,6011) with a region in it, so \`ultrasound regions\`${where(rule)} says nowhere`);
      }
      const rects: Rect[] = [];
      for (const u of regions) {
        if (![u.minX0, u.minY0, u.maxX1, u.maxY1].every(Number.isInteger) || u.maxX1 < u.minX0 || u.maxY1 < u.minY0 || u.minX0 < 0 || u.minY0 < 0) {
          throw new PixelError("geometry", `an ultrasound region (${u.minX0}, ${u.minY0}) to (${u.maxX1}, ${u.maxY1}) of the object${where(rule)} is not a rectangle of whole, non-negative pixel positions`);
        }
        // The bounds are inclusive (PS3.3 C.8.5.5.1.1). A region reaching past the image is cut to it.
        const x1 = Math.min(u.maxX1 + 1, geometry.columns);
        const y1 = Math.min(u.maxY1 + 1, geometry.rows);
        if (x1 > u.minX0 && y1 > u.minY0) rects.push({ x: u.minX0, y: u.minY0, width: x1 - u.minX0, height: y1 - u.minY0 });
      }
      return { rects, text: "an ultrasound region" };
    }
  }
}

/**
 * Splits the image minus the union of `kept` into disjoint rectangles: bands between the
 * distinct top and bottom edges, the gaps of each band, and vertically adjacent bands with the
 * same gaps merged, so a banner-shaped complement stays a handful of rectangles.
 */
export function complementRectangles(columns: number, rows: number, kept: readonly Rect[]): Rect[] {
  const edges = new Set<number>([0, rows]);
  for (const k of kept) {
    edges.add(Math.max(0, Math.min(rows, k.y)));
    edges.add(Math.max(0, Math.min(rows, k.y + k.height)));
  }
  const ys = [...edges].sort((a, b) => a - b);
  const out: Rect[] = [];
  let open: Rect[] = [];
  for (let i = 0; i + 1 < ys.length; i++) {
    const top = ys[i]!;
    const bottom = ys[i + 1]!;
    const covering = kept
      .filter((k) => k.y <= top && k.y + k.height >= bottom)
      .map((k) => [Math.max(0, k.x), Math.min(columns, k.x + k.width)] as const)
      .filter(([a, b]) => b > a)
      .sort((a, b) => a[0] - b[0]);
    const gaps: [number, number][] = [];
    let x = 0;
    for (const [a, b] of covering) {
      if (a > x) gaps.push([x, a]);
      x = Math.max(x, b);
    }
    if (x < columns) gaps.push([x, columns]);
    const next: Rect[] = [];
    for (const [a, b] of gaps) {
      const continued = open.find((r) => r.x === a && r.width === b - a && r.y + r.height === top);
      if (continued) {
        continued.height = bottom - continued.y;
        next.push(continued);
      } else {
        const r = { x: a, y: top, width: b - a, height: bottom - top };
        out.push(r);
        next.push(r);
      }
    }
    open = next;
  }
  return out;
}

/** The grey of the same luma as an RGB colour (ITU-R BT.601 weights, as PS3.3 C.7.6.3.1.2 uses). */
function luma(c: Rgb): number {
  return Math.round(0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]);
}

function frameSet(r: PixelRegion, rule: SelectedPixelRule | null, geometry: ImageGeometry, text: string): { frames: number[]; missingFrames: FrameRange[] } {
  const frames = new Set<number>();
  const missingFrames: FrameRange[] = [];
  for (const range of r.frames ?? [{ from: 1, to: geometry.frames }]) {
    if (!Number.isInteger(range.from) || !Number.isInteger(range.to) || range.from < 1 || range.to < range.from) {
      throw new PixelError("geometry", `frames ${range.from}..${range.to} of ${text}${where(rule)}: frames count from 1 and a range goes upwards`);
    }
    for (let f = range.from; f <= Math.min(range.to, geometry.frames); f++) frames.add(f - 1);
    if (range.to > geometry.frames) missingFrames.push({ from: Math.max(range.from, geometry.frames + 1), to: range.to });
  }
  return { frames: [...frames].sort((a, b) => a - b), missingFrames };
}

/**
 * Checks every region of the selected rules against the image and resolves its frames.
 * A rectangle that leaves the image is an error (the layout the rule was written for is not this
 * image's, so text may sit elsewhere); frames past the last one are dropped and reported, so that
 * `frames 1..20` also covers a 12-frame clip. `keep` regions become the rectangles outside their
 * union, per frame (a frame no keep region of the block selects is left alone).
 */
export function planRegions(geometry: ImageGeometry, rules: readonly SelectedPixelRule[], objectRegions: ObjectRegions = {}): PlannedRegion[] {
  const planned: PlannedRegion[] = [];
  const { min, max } = storedValueRange(geometry);
  for (const rule of rules) {
    const keeps: { rects: Rect[]; frames: Set<number>; fill: number; fillColour: Rgb | null }[] = [];
    for (const r of rule.regions) {
      const { rects, text } = regionRectangles(r, geometry, objectRegions, rule);
      for (const rect of rects) {
        if (![rect.x, rect.y, rect.width, rect.height].every(Number.isInteger) || rect.x < 0 || rect.y < 0 || rect.width <= 0 || rect.height <= 0) {
          throw new PixelError("geometry", `${text}${where(rule)} needs whole numbers, a non-negative origin and a positive size`);
        }
        if (rect.x + rect.width > geometry.columns) {
          throw new PixelError("geometry", `${text}${where(rule)} reaches column ${rect.x + rect.width} but the image has ${geometry.columns} columns`);
        }
        if (rect.y + rect.height > geometry.rows) {
          throw new PixelError("geometry", `${text}${where(rule)} reaches row ${rect.y + rect.height} but the image has ${geometry.rows} rows`);
        }
      }
      const colour = r.fillColour ?? null;
      if (colour !== null) {
        if (geometry.samplesPerPixel !== 3) {
          throw new PixelError("geometry", `fill (${colour.join(", ")}) of ${text}${where(rule)} is a colour, but the image has ${geometry.samplesPerPixel} sample per pixel (${geometry.photometricInterpretation || "grey"}): write \`fill N\``);
        }
        if (!colour.every((c) => Number.isInteger(c) && c >= min && c <= max)) {
          throw new PixelError("geometry", `fill (${colour.join(", ")}) of ${text}${where(rule)} does not fit the stored values (Bits Stored ${geometry.bitsStored}: ${min} to ${max})`);
        }
      } else if (!Number.isInteger(r.fill) || r.fill < min || r.fill > max) {
        const kind = geometry.signed ? "signed" : "unsigned";
        throw new PixelError("geometry", `fill ${r.fill} of ${text}${where(rule)} does not fit the stored values (Bits Stored ${geometry.bitsStored}, ${kind}: ${min} to ${max})`);
      }
      const fill = colour !== null ? luma(colour) : r.fill;
      const { frames, missingFrames } = frameSet(r, rule, geometry, text);
      if (r.keep) {
        keeps.push({ rects, frames: new Set(frames), fill, fillColour: colour });
        if (missingFrames.length > 0 && rects[0]) planned.push({ ...rects[0], fill, fillColour: colour, frames: [], missingFrames, rule });
        continue;
      }
      for (const rect of rects) planned.push({ ...rect, fill, fillColour: colour, frames, missingFrames, rule });
    }
    if (keeps.length === 0) continue;
    // Frames with the same kept rectangles share one decomposition of the outside.
    const byKept = new Map<string, { kept: Rect[]; frames: number[] }>();
    for (let f = 0; f < geometry.frames; f++) {
      const which = keeps.flatMap((k, i) => (k.frames.has(f) ? [i] : []));
      if (which.length === 0) continue;
      const key = which.join(",");
      let group = byKept.get(key);
      if (!group) byKept.set(key, (group = { kept: which.flatMap((i) => keeps[i]!.rects), frames: [] }));
      group.frames.push(f);
    }
    const { fill, fillColour } = keeps[0]!;
    for (const { kept, frames } of byKept.values()) {
      for (const rect of complementRectangles(geometry.columns, geometry.rows, kept)) planned.push({ ...rect, fill, fillColour, frames, missingFrames: [], rule });
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
 * that `fill 0` is black as it is for RGB and MONOCHROME2. A colour (`fill (R, G, B)`) is the
 * three samples of RGB images, and is converted for YBR ones (colourSamples).
 */
export function fillCells(geometry: ImageGeometry, fill: number, colour: Rgb | null = null): number[] {
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
  if (colour !== null) return colourSamples(geometry, colour).map(cell);
  if (isYbr(geometry.photometricInterpretation)) {
    const neutral = geometry.signed ? 0 : 2 ** (geometry.bitsStored - 1);
    return [cell(fill), cell(neutral), cell(neutral)];
  }
  return [cell(fill), cell(fill), cell(fill)];
}

/**
 * An RGB colour as the image's three samples: RGB as it is; YBR_FULL (and YBR_FULL_422, and the
 * JPEG 2000 YBR_ICT/YBR_RCT, which decoders hand over as full-range YCbCr) by the YBR_FULL
 * equations of PS3.3 C.7.6.3.1.2, YBR_PARTIAL_* by the YBR_PARTIAL_422 ones; the offsets (128,
 * 16) are those of 8 bits, scaled to Bits Stored. Rounded and clamped to the stored range.
 */
export function colourSamples(geometry: ImageGeometry, colour: Rgb): [number, number, number] {
  const [r, g, b] = colour;
  const pi = geometry.photometricInterpretation;
  if (!isYbr(pi)) return [r, g, b];
  const { min, max } = storedValueRange(geometry);
  const scale = 2 ** (geometry.bitsStored - 8);
  const clamp = (v: number): number => Math.min(max, Math.max(min, Math.round(v)));
  if (pi.startsWith("YBR_PARTIAL")) {
    return [
      clamp(0.2568 * r + 0.5041 * g + 0.0979 * b + 16 * scale),
      clamp(-0.1482 * r - 0.291 * g + 0.4392 * b + 128 * scale),
      clamp(0.4392 * r - 0.3678 * g - 0.0714 * b + 128 * scale),
    ];
  }
  return [clamp(0.299 * r + 0.587 * g + 0.114 * b), clamp(-0.1687 * r - 0.3313 * g + 0.5 * b + 128 * scale), clamp(0.5 * r - 0.4187 * g - 0.0813 * b + 128 * scale)];
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
