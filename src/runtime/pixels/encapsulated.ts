// Encapsulated Pixel Data (PS3.5 A.4): the element header of undefined
// length, the Basic Offset Table item, fragment items, the sequence
// delimiter. Parsing gives positions only; building writes a new element
// from frames given as lists of fragment values (views are copied once).

import { PixelError } from "./errors";

const ITEM = [0xfe, 0xff, 0x00, 0xe0];
const SEQUENCE_DELIMITER = [0xfe, 0xff, 0xdd, 0xe0];
const MAX_UINT32 = 0xffffffff;

export interface Fragment {
  /** offset of the item tag in the element */
  itemOffset: number;
  /** offset of the fragment's first byte in the element */
  valueOffset: number;
  length: number;
}

export interface EncapsulatedPixelData {
  element: Uint8Array;
  /** the element header (tag, VR, undefined length), copied into rewritten elements */
  header: Uint8Array;
  /** Basic Offset Table entries; empty when the table is empty */
  offsetTable: number[];
  /** offset of the first fragment item in the element: Basic Offset Table entries count from here */
  firstFragmentOffset: number;
  fragments: Fragment[];
}

function uint32(b: Uint8Array, p: number): number {
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}

function putUint32(b: Uint8Array, p: number, v: number): void {
  b[p] = v & 0xff;
  b[p + 1] = (v >>> 8) & 0xff;
  b[p + 2] = (v >>> 16) & 0xff;
  b[p + 3] = (v >>> 24) & 0xff;
}

function startsWith(b: Uint8Array, p: number, bytes: readonly number[]): boolean {
  return p + bytes.length <= b.length && bytes.every((x, i) => b[p + i] === x);
}

/** Finds the items of an encapsulated Pixel Data element (header included, sequence delimiter included). */
export function parseEncapsulated(element: Uint8Array): EncapsulatedPixelData {
  if (!startsWith(element, 0, [0xe0, 0x7f, 0x10, 0x00])) throw new PixelError("malformed", "encapsulated pixel data must start with the (7FE0,0010) tag in little endian");
  // Explicit VR: tag, VR, 2 reserved bytes, length. Implicit VR (not allowed, but readable): tag, length.
  const headerLength = element.length >= 8 && uint32(element, 4) === MAX_UINT32 ? 8 : 12;
  if (element.length < headerLength + 8 || uint32(element, headerLength - 4) !== MAX_UINT32) {
    throw new PixelError("malformed", "encapsulated pixel data must have an undefined length followed by a Basic Offset Table item");
  }
  let p = headerLength;
  if (!startsWith(element, p, ITEM)) throw new PixelError("malformed", `the Basic Offset Table item (FFFE,E000) is missing at byte ${p} of the pixel data`);
  const tableLength = uint32(element, p + 4);
  if (tableLength % 4 !== 0 || p + 8 + tableLength > element.length) throw new PixelError("malformed", `the Basic Offset Table has an invalid length ${tableLength}`);
  const offsetTable: number[] = [];
  for (let i = 0; i < tableLength; i += 4) offsetTable.push(uint32(element, p + 8 + i));
  p += 8 + tableLength;
  const firstFragmentOffset = p;
  const fragments: Fragment[] = [];
  for (;;) {
    if (startsWith(element, p, SEQUENCE_DELIMITER)) break;
    if (!startsWith(element, p, ITEM)) throw new PixelError("malformed", `a fragment item (FFFE,E000) or the sequence delimiter was expected at byte ${p} of the pixel data`);
    const length = uint32(element, p + 4);
    if (length === MAX_UINT32 || p + 8 + length > element.length) throw new PixelError("malformed", `fragment ${fragments.length + 1} has length ${length}, past the end of the pixel data`);
    fragments.push({ itemOffset: p, valueOffset: p + 8, length });
    p += 8 + length;
  }
  return { element, header: element.subarray(0, headerLength), offsetTable, firstFragmentOffset, fragments };
}

export function fragmentBytes(px: EncapsulatedPixelData, index: number): Uint8Array {
  const f = px.fragments[index]!;
  return px.element.subarray(f.valueOffset, f.valueOffset + f.length);
}

/**
 * Fragment indices of each frame from a non-empty Basic Offset Table, or null when the table is
 * empty. Every entry must point at a fragment item, in ascending order, the first at 0.
 */
export function framesFromOffsetTable(px: EncapsulatedPixelData): number[][] | null {
  if (px.offsetTable.length === 0) return null;
  const indexAt = new Map<number, number>();
  px.fragments.forEach((f, i) => indexAt.set(f.itemOffset - px.firstFragmentOffset, i));
  const starts = px.offsetTable.map((offset, frame) => {
    const index = indexAt.get(offset);
    if (index === undefined) throw new PixelError("malformed", `Basic Offset Table entry ${frame + 1} (${offset}) does not point at a fragment item`);
    return index;
  });
  if (starts[0] !== 0) throw new PixelError("malformed", "the first Basic Offset Table entry must be 0");
  return starts.map((start, i) => {
    const end = i + 1 < starts.length ? starts[i + 1]! : px.fragments.length;
    if (end <= start) throw new PixelError("malformed", `Basic Offset Table entries ${i + 1} and ${i + 2} are not ascending`);
    return Array.from({ length: end - start }, (_, k) => start + k);
  });
}

/** The bytes of a frame: its fragments' values, concatenated only when there are several. */
export function frameBytes(px: EncapsulatedPixelData, fragmentIndices: readonly number[]): Uint8Array {
  if (fragmentIndices.length === 1) return fragmentBytes(px, fragmentIndices[0]!);
  const total = fragmentIndices.reduce((n, i) => n + px.fragments[i]!.length, 0);
  const out = new Uint8Array(total);
  let p = 0;
  for (const i of fragmentIndices) {
    out.set(fragmentBytes(px, i), p);
    p += px.fragments[i]!.length;
  }
  return out;
}

export interface BuiltEncapsulated {
  element: Uint8Array;
  /** per frame: offset of its first fragment item from the first fragment item (Extended Offset Table values) */
  frameOffsets: number[];
  /** per frame: bytes of its fragment values (Extended Offset Table Lengths values) */
  frameLengths: number[];
}

/**
 * Writes an encapsulated Pixel Data element: the given header, a Basic Offset Table (filled when
 * `withOffsetTable`, else empty), each frame's fragments in order, the sequence delimiter.
 */
export function buildEncapsulated(header: Uint8Array, frames: readonly (readonly Uint8Array[])[], withOffsetTable: boolean): BuiltEncapsulated {
  let fragmentBytesTotal = 0;
  const frameOffsets: number[] = [];
  const frameLengths: number[] = [];
  for (const fragments of frames) {
    frameOffsets.push(fragmentBytesTotal);
    let length = 0;
    for (const f of fragments) {
      fragmentBytesTotal += 8 + f.length;
      length += f.length;
    }
    frameLengths.push(length);
  }
  if (withOffsetTable && frameOffsets[frameOffsets.length - 1]! > MAX_UINT32) {
    throw new PixelError("unsupported", "the rewritten frames pass 4 GiB, beyond what a Basic Offset Table can address");
  }
  const tableLength = withOffsetTable ? 4 * frames.length : 0;
  const out = new Uint8Array(header.length + 8 + tableLength + fragmentBytesTotal + 8);
  out.set(header, 0);
  let p = header.length;
  out.set(ITEM, p);
  putUint32(out, p + 4, tableLength);
  p += 8;
  if (withOffsetTable) for (const offset of frameOffsets) (putUint32(out, p, offset), (p += 4));
  for (const fragments of frames) {
    for (const f of fragments) {
      out.set(ITEM, p);
      putUint32(out, p + 4, f.length);
      out.set(f, p + 8);
      p += 8 + f.length;
    }
  }
  out.set(SEQUENCE_DELIMITER, p);
  putUint32(out, p + 4, 0);
  return { element: out, frameOffsets, frameLengths };
}
