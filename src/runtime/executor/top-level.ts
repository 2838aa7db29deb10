// The pre-pass: one walk of an object's top level, before any rule runs, for
// what conditions, markers and pixel work need (docs/executor.md, "One object,
// step by step"). Sequences are skipped, but for the few the executor reads
// whole: the existing De-identification Method Code Sequence, Sequence of
// Ultrasound Regions, the Icon Image Sequence and Private Data Element
// Characteristics.

import { DicomCursor, TokenKind } from "../dicom";
import type { UltrasoundRegion } from "../pixels";
import { TAG_ICON_IMAGE_SEQUENCE, readIconItems, unreadableIconItem, type IconItem } from "../pixels/icon";
import { PrivateDeclarations } from "./private-declarations";
import {
  TAG_CODE_MEANING,
  TAG_CODE_VALUE,
  TAG_CODING_SCHEME,
  TAG_DEIDENTIFICATION_METHOD,
  TAG_DEIDENTIFICATION_METHOD_CODES,
  TAG_LONGITUDINAL_MODIFIED,
  TAG_PIXEL_DATA,
  TAG_REGION_MAX_X1,
  TAG_REGION_MAX_Y1,
  TAG_REGION_MIN_X0,
  TAG_REGION_MIN_Y0,
  TAG_SOP_CLASS_UID,
  TAG_SOP_INSTANCE_UID,
  TAG_ULTRASOUND_REGIONS,
} from "./tags";

/** Values read from the top-level dataset before the main pass. */
export interface TopLevel {
  values: Map<number, string | number>;
  present: Set<number>;
  existingCodes: { value: string; scheme: string; meaning: string }[];
  existingMethods: string[];
  /** the input's Longitudinal Temporal Information Modified (0028,0303), trimmed, or null */
  existingLongitudinal: string | null;
  /** repeating overlay groups (60xx) with Overlay Data (60xx,3000) at the top level: group -> VR */
  overlayData: Map<number, string> | null;
  /** the items of Sequence of Ultrasound Regions, read only when a `pixels` block uses them */
  ultrasoundRegions: UltrasoundRegion[] | null;
  /** the items of the top-level Icon Image Sequence, read only when the profile has `pixels` blocks */
  iconItems: IconItem[] | null;
  /** what the object declares of its private blocks in Private Data Element Characteristics Sequence (0008,0300) */
  privateDeclarations: PrivateDeclarations | null;
  /** the VR of the top-level Pixel Data as the walk will see it (a `vr OB` rule decides it by this), or null */
  pixelDataVr: string | null;
}

const TAG_PRIVATE_DATA_ELEMENT_CHARACTERISTICS = 0x00080300;

export function readTopLevel(cursor: DicomCursor, wanted: ReadonlySet<number>, readUltrasound: boolean, readIcon: boolean): TopLevel {
  const top: TopLevel = { values: new Map(), present: new Set(), existingCodes: [], existingMethods: [], existingLongitudinal: null, overlayData: null, ultrasoundRegions: null, iconItems: null, privateDeclarations: null, pixelDataVr: null };
  while (cursor.next()) {
    if (cursor.depth !== 0) continue;
    const tag = cursor.tag;
    top.present.add(tag);
    if (tag === TAG_PIXEL_DATA) top.pixelDataVr = cursor.vr;
    if (cursor.kind === TokenKind.Sequence) {
      if (tag === TAG_DEIDENTIFICATION_METHOD_CODES) readCodeItems(cursor, top.existingCodes);
      else if (tag === TAG_ULTRASOUND_REGIONS && readUltrasound) top.ultrasoundRegions = readUltrasoundRegions(cursor);
      else if (tag === TAG_ICON_IMAGE_SEQUENCE && readIcon) top.iconItems = readIconItems(cursor);
      else if (tag === TAG_PRIVATE_DATA_ELEMENT_CHARACTERISTICS) top.privateDeclarations = PrivateDeclarations.read(cursor);
      else cursor.skip();
      continue;
    }
    if (cursor.kind !== TokenKind.Element) continue;
    if (tag === TAG_ICON_IMAGE_SEQUENCE && readIcon) top.iconItems = [unreadableIconItem("the sequence is encoded as a defined-length UN value, so its icon cannot be blanked")];
    if (tag === TAG_DEIDENTIFICATION_METHOD) top.existingMethods = cursor.readText().split("\\").filter((s) => s.trim() !== "");
    if (tag === TAG_LONGITUDINAL_MODIFIED) top.existingLongitudinal = cursor.readText().trim();
    if ((tag & 0xff01ffff) >>> 0 === 0x60003000) (top.overlayData ??= new Map()).set(tag >>> 16, cursor.vr);
    // The SOP UIDs are always read: the File Meta and the fallbacks depend on them.
    if (!wanted.has(tag) && tag !== TAG_SOP_CLASS_UID && tag !== TAG_SOP_INSTANCE_UID) continue;
    const value = conditionValue(cursor);
    if (value !== undefined) top.values.set(tag, value);
  }
  return top;
}

/** An element's value as conditions see it: numbers as numbers, text trimmed of padding; undefined if unreadable. */
export function conditionValue(cursor: DicomCursor): string | number | undefined {
  const vr = cursor.vr;
  if (vr === "US" || vr === "SS" || vr === "UL" || vr === "SL" || vr === "FL" || vr === "FD" || vr === "SV" || vr === "UV" || vr === "AT" || vr === "IS" || vr === "DS") {
    const n = cursor.readNumber(0);
    return Number.isNaN(n) ? undefined : n;
  }
  return cursor.readText().replace(/^ +/, "");
}

function readCodeItems(cursor: DicomCursor, out: { value: string; scheme: string; meaning: string }[]): void {
  const depth = cursor.depth;
  let current: { value: string; scheme: string; meaning: string } | null = null;
  while (cursor.next()) {
    if (cursor.kind === TokenKind.SequenceEnd && cursor.depth === depth) return;
    if (cursor.kind === TokenKind.Item && cursor.depth === depth + 1) current = { value: "", scheme: "", meaning: "" };
    else if (cursor.kind === TokenKind.ItemEnd && cursor.depth === depth + 1 && current) {
      if (current.value) out.push(current);
      current = null;
    } else if (cursor.kind === TokenKind.Element && current && cursor.depth === depth + 1) {
      if (cursor.tag === TAG_CODE_VALUE) current.value = cursor.readText();
      else if (cursor.tag === TAG_CODING_SCHEME) current.scheme = cursor.readText();
      else if (cursor.tag === TAG_CODE_MEANING) current.meaning = cursor.readText();
    } else if (cursor.kind === TokenKind.Sequence) cursor.skip();
  }
}

/**
 * The region rectangles of Sequence of Ultrasound Regions (PS3.3 C.8.5.5): one per item that has
 * all four Region Location attributes (an item without them locates nothing and is left out).
 */
function readUltrasoundRegions(cursor: DicomCursor): UltrasoundRegion[] {
  const depth = cursor.depth;
  const regions: UltrasoundRegion[] = [];
  let current: Partial<UltrasoundRegion> | null = null;
  while (cursor.next()) {
    if (cursor.kind === TokenKind.SequenceEnd && cursor.depth === depth) break;
    if (cursor.kind === TokenKind.Item && cursor.depth === depth + 1) current = {};
    else if (cursor.kind === TokenKind.ItemEnd && cursor.depth === depth + 1 && current) {
      if (current.minX0 !== undefined && current.minY0 !== undefined && current.maxX1 !== undefined && current.maxY1 !== undefined) regions.push(current as UltrasoundRegion);
      current = null;
    } else if (cursor.kind === TokenKind.Element && current && cursor.depth === depth + 1) {
      const tag = cursor.tag;
      if (tag === TAG_REGION_MIN_X0) current.minX0 = cursor.readNumber(0);
      else if (tag === TAG_REGION_MIN_Y0) current.minY0 = cursor.readNumber(0);
      else if (tag === TAG_REGION_MAX_X1) current.maxX1 = cursor.readNumber(0);
      else if (tag === TAG_REGION_MAX_Y1) current.maxY1 = cursor.readNumber(0);
    } else if (cursor.kind === TokenKind.Sequence) cursor.skip();
  }
  return regions;
}
