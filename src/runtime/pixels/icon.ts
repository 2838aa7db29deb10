// The Icon Image Sequence (0088,0200): a thumbnail of the same image, so
// burned-in text blanked in the image is also in the icon. When a profile keeps
// the sequence and `pixels` blocks blank the image, the same rectangles are
// blanked in the icon, scaled to its size and grown to whole icon pixels; an
// icon that cannot be blanked is removed, never released as it was.
// docs/pixels.md ("Icon images") describes the policy.

import type { IrSource } from "../../ir/types";
import { TokenKind, type DicomCursor } from "../dicom";
import { applyPixelRules } from "./apply";
import { PixelError } from "./errors";
import { IMAGE_ATTRIBUTE_TAGS, describeImage, imageAttributesFrom, storedValueRange, type ImageGeometry, type PixelRegion, type PlannedRegion, type Rgb } from "./geometry";
import { transferSyntaxInfo } from "./transfer-syntax";

export const TAG_ICON_IMAGE_SEQUENCE = 0x00880200;
const TAG_PIXEL_DATA = 0x7fe00010;
/** Red, Green, Blue Palette Color Lookup Table Descriptor (0028,1101-1103) and Data (0028,1201-1203). */
const PALETTE_DESCRIPTOR_TAGS = [0x00281101, 0x00281102, 0x00281103] as const;
const PALETTE_DATA_TAGS = [0x00281201, 0x00281202, 0x00281203] as const;
const IMAGE_TAGS: ReadonlySet<number> = new Set(Object.values(IMAGE_ATTRIBUTE_TAGS));
const EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";

/** One item of the Icon Image Sequence, as the executor's pre-pass reads it. */
export interface IconItem {
  /** the Image Pixel attributes of the item (numbers for US, text for CS), by tag */
  values: Map<number, number | string>;
  /** the palette's descriptors (entries, first mapped value, bits) and data, red, green, blue; null where absent */
  paletteDescriptors: (readonly number[] | null)[];
  paletteData: (Uint8Array | null)[];
  /** byte order of the palette data (the dataset's) */
  littleEndian: boolean;
  /** the item's Pixel Data element, header included (a view of the input), or null when the item has none */
  pixelData: { element: Uint8Array; encapsulated: boolean; littleEndian: boolean; explicitVr: boolean } | null;
  /** why the item could not be read (the sequence is then removed whenever the image is blanked) */
  unreadable?: string;
}

/** The stand-in for an Icon Image Sequence the pre-pass cannot read item by item (a defined-length UN value). */
export function unreadableIconItem(reason: string): IconItem {
  return { values: new Map(), paletteDescriptors: [null, null, null], paletteData: [null, null, null], littleEndian: true, pixelData: null, unreadable: reason };
}

/**
 * Reads the items of the Icon Image Sequence the cursor is on (a Sequence token) and leaves the
 * cursor on its end. Nothing is copied: palette data and Pixel Data are views of the input.
 */
export function readIconItems(cursor: DicomCursor): IconItem[] {
  const depth = cursor.depth;
  const items: IconItem[] = [];
  let item: IconItem | null = null;
  while (cursor.next()) {
    const kind = cursor.kind;
    if (kind === TokenKind.SequenceEnd && cursor.depth === depth) break;
    if (kind === TokenKind.Item && cursor.depth === depth + 1) {
      item = { values: new Map(), paletteDescriptors: [null, null, null], paletteData: [null, null, null], littleEndian: cursor.littleEndian, pixelData: null };
      items.push(item);
      continue;
    }
    if (kind === TokenKind.Sequence) {
      cursor.skip();
      continue;
    }
    if (item === null || cursor.depth !== depth + 1) continue;
    const tag = cursor.tag;
    if (tag === TAG_PIXEL_DATA && (kind === TokenKind.Element || kind === TokenKind.EncapsulatedPixelData)) {
      item.pixelData = {
        element: cursor.bytes.subarray(cursor.headerOffset, cursor.endOffset),
        encapsulated: kind === TokenKind.EncapsulatedPixelData,
        littleEndian: cursor.littleEndian,
        explicitVr: cursor.explicitVr,
      };
      continue;
    }
    if (kind !== TokenKind.Element) continue;
    if (IMAGE_TAGS.has(tag)) {
      if (cursor.vr === "CS") item.values.set(tag, cursor.readText());
      else {
        const n = cursor.readNumber(0);
        if (!Number.isNaN(n)) item.values.set(tag, n);
      }
      continue;
    }
    const d = PALETTE_DESCRIPTOR_TAGS.indexOf(tag as (typeof PALETTE_DESCRIPTOR_TAGS)[number]);
    if (d >= 0) {
      item.paletteDescriptors[d] = [cursor.readNumber(0), cursor.readNumber(1), cursor.readNumber(2)];
      continue;
    }
    const p = PALETTE_DATA_TAGS.indexOf(tag as (typeof PALETTE_DATA_TAGS)[number]);
    if (p >= 0) item.paletteData[p] = cursor.bytes.subarray(cursor.valueOffset, cursor.valueOffset + cursor.valueLength);
  }
  return items;
}

/** A rectangle of the image as it lands on the icon, grown to whole icon pixels. */
export interface IconRectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The icon pixels that overlap an image rectangle at all: icon column i shows image columns
 * [i·C/c, (i+1)·C/c), so it overlaps [x, x+w) exactly when floor(x·c/C) ≤ i < ceil((x+w)·c/C).
 * Integer arithmetic, no rounding error.
 */
export function scaleToIcon(rect: IconRectangle, image: { rows: number; columns: number }, icon: { rows: number; columns: number }): IconRectangle {
  const x0 = Math.floor((rect.x * icon.columns) / image.columns);
  const x1 = Math.ceil(((rect.x + rect.width) * icon.columns) / image.columns);
  const y0 = Math.floor((rect.y * icon.rows) / image.rows);
  const y1 = Math.ceil(((rect.y + rect.height) * icon.rows) / image.rows);
  return { x: x0, y: y0, width: Math.min(x1, icon.columns) - x0, height: Math.min(y1, icon.rows) - y0 };
}

/** A palette lookup table as RGB entries scaled to [0, 1], and the stored value of its first entry. */
interface Palette {
  firstMapped: number;
  entries: [number, number, number][];
}

/**
 * The palette of a PALETTE COLOR icon (PS3.3 C.7.6.3.1.5), or null when it cannot be read
 * (absent, segmented, lengths that do not match the descriptor). 8-bit tables are accepted both
 * packed one entry a byte and one entry a 16-bit word, as writers store them either way.
 */
function readPalette(item: IconItem): Palette | null {
  const channels: number[][] = [];
  let firstMapped = 0;
  let count = -1;
  for (let c = 0; c < 3; c++) {
    const descriptor = item.paletteDescriptors[c];
    const data = item.paletteData[c];
    if (!descriptor || !data) return null;
    const [declared, first, bits] = descriptor as [number, number, number];
    const entries = declared === 0 ? 65536 : declared;
    if (!Number.isInteger(entries) || entries < 1 || (bits !== 8 && bits !== 16)) return null;
    if (count >= 0 && entries !== count) return null;
    count = entries;
    firstMapped = first;
    const max = 2 ** bits - 1;
    const values: number[] = [];
    if (bits === 8 && data.length >= entries && data.length < 2 * entries) {
      for (let i = 0; i < entries; i++) values.push(data[i]! / max);
    } else if (data.length >= 2 * entries) {
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      for (let i = 0; i < entries; i++) {
        let v = view.getUint16(2 * i, item.littleEndian);
        // An 8-bit table in 16-bit words: some writers put the entry in the high byte.
        if (bits === 8 && v > 0xff) v >>= 8;
        values.push(v / max);
      }
    } else return null;
    channels.push(values);
  }
  return { firstMapped, entries: channels[0]!.map((r, i) => [r, channels[1]![i]!, channels[2]![i]!]) };
}

/** The palette index whose colour is nearest (Euclidean, in RGB) to `target`; the lowest index on a tie. */
function nearestIndex(palette: Palette, target: readonly [number, number, number]): number {
  let best = 0;
  let bestDistance = Infinity;
  palette.entries.forEach(([r, g, b], i) => {
    const d = (r - target[0]) ** 2 + (g - target[1]) ** 2 + (b - target[2]) ** 2;
    if (d < bestDistance) {
      bestDistance = d;
      best = i;
    }
  });
  return palette.firstMapped + best;
}

/**
 * What a blanked icon pixel holds: the image's fill carried to the icon's scale. The fill is read
 * as a level from 0 (stored value 0 or below) to 1 (the image's largest stored value), inverted for
 * MONOCHROME1, and written as the icon's stored value of the same level (inverted again for a
 * MONOCHROME1 icon). Zero stays zero whatever the signedness (a signed PET or CT image's 0 is not
 * the middle of its range), and when both share Bits Stored and photometric interpretation the
 * fill is the fill itself. A colour fill keeps its colour on a 3-sample icon. A PALETTE COLOR icon gets
 * the index of the palette entry nearest to the fill's colour (grey fills are grey colours), or
 * index 0 for fill 0 when the palette cannot be read. Null: no fill can be chosen.
 */
export function iconFill(image: ImageGeometry, region: Pick<PlannedRegion, "fill" | "fillColour">, icon: ImageGeometry, item: IconItem): { fill: number; fillColour: Rgb | null } | null {
  const from = storedValueRange(image);
  const level = (v: number): number => Math.min(1, Math.max(0, v / from.max));
  let grey = level(region.fill);
  if (region.fillColour === null && image.photometricInterpretation === "MONOCHROME1") grey = 1 - grey;
  const colour = region.fillColour === null ? null : ([level(region.fillColour[0]), level(region.fillColour[1]), level(region.fillColour[2])] as const);
  const to = storedValueRange(icon);
  const stored = (l: number): number => Math.round(l * to.max);
  if (icon.photometricInterpretation === "PALETTE COLOR") {
    const palette = readPalette(item);
    if (palette === null) return region.fill === 0 && region.fillColour === null ? { fill: 0, fillColour: null } : null;
    const index = nearestIndex(palette, colour ?? [grey, grey, grey]);
    return index >= to.min && index <= to.max ? { fill: index, fillColour: null } : null;
  }
  if (icon.samplesPerPixel === 3) return { fill: stored(grey), fillColour: colour === null ? null : [stored(colour[0]), stored(colour[1]), stored(colour[2])] };
  return { fill: stored(icon.photometricInterpretation === "MONOCHROME1" ? 1 - grey : grey), fillColour: null };
}

/** One region blanked in an icon, for the per-object report. */
export interface IconBlanking extends IconRectangle {
  fill: number;
  because: string | null;
  source: IrSource | null;
}

export type IconOutcome =
  /** nothing to blank: no region fills a frame of the image, or the item has no Pixel Data */
  | { kind: "unchanged" }
  /** the replacement Pixel Data element of the item (same tag, header form and byte order) */
  | { kind: "blanked"; element: Uint8Array; blanked: IconBlanking[] }
  /** the icon cannot be blanked: the Icon Image Sequence must go */
  | { kind: "removed"; reason: string };

/**
 * Blanks, in one icon item, the image regions that `pixels` blocks fill in the image (`regions`:
 * planRegions' result for the image; frames are ignored, an icon is one picture of them all).
 * Native icons are blanked as native data whatever the file's transfer syntax (an icon may be
 * native in a compressed file); encapsulated ones go through the same encodings as the image.
 */
export function blankIcon(image: ImageGeometry, regions: readonly PlannedRegion[], item: IconItem, transferSyntaxUid: string): IconOutcome {
  const filling = regions.filter((r) => r.frames.length > 0);
  if (filling.length > 0 && item.unreadable !== undefined) return { kind: "removed", reason: item.unreadable };
  if (filling.length === 0 || item.pixelData === null) return { kind: "unchanged" };
  const pixelData = item.pixelData;
  const syntax = pixelData.encapsulated || transferSyntaxInfo(transferSyntaxUid).encoding === "native" ? transferSyntaxUid : EXPLICIT_VR_LITTLE_ENDIAN;
  try {
    const icon = describeImage(imageAttributesFrom((tag) => item.values.get(tag), syntax));
    const lines: PixelRegion[] = [];
    const blanked: IconBlanking[] = [];
    for (const region of filling) {
      const fill = iconFill(image, region, icon, item);
      if (fill === null) {
        return { kind: "removed", reason: `no fill can be chosen for the ${icon.photometricInterpretation} icon (its palette cannot be read)` };
      }
      const rect = scaleToIcon(region, image, icon);
      lines.push({ ...rect, frames: null, fill: fill.fill, fillColour: fill.fillColour });
      blanked.push({ ...rect, fill: fill.fill, because: region.rule?.because ?? null, source: region.rule?.source ?? null });
    }
    const result = applyPixelRules({
      element: pixelData.element,
      encoding: { littleEndian: pixelData.littleEndian, explicitVr: pixelData.explicitVr },
      geometry: icon,
      rules: [{ regions: lines }],
      stripJpegMetadata: false,
    });
    if (result.element === null) return { kind: "unchanged" };
    return { kind: "blanked", element: result.element, blanked };
  } catch (e) {
    if (e instanceof PixelError) return { kind: "removed", reason: `the icon's pixel data cannot be blanked: ${e.message}` };
    throw e;
  }
}
