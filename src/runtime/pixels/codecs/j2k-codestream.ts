// The main header of a JPEG 2000 codestream (ISO 15444-1 Annex A, and
// ISO 15444-15 for HTJ2K): read for the coding parameters a re-encode should
// repeat, and edited to remove COM segments, whose text (encoder names,
// sometimes operator or patient details) no DICOM attribute shows. Tile-part
// headers and packet data are copied byte for byte.

import { PixelError } from "../errors";

const SOC = 0xff4f;
const SIZ = 0xff51;
const COD = 0xff52;
const CAP = 0xff50;
const COM = 0xff64;
const TLM = 0xff55;
const SOT = 0xff90;

export interface J2kMainHeader {
  width: number;
  height: number;
  components: number;
  /** precision of the first component */
  bitsPerSample: number;
  signed: boolean;
  /** COD: progression order 0 LRCP .. 4 CPRL */
  progressionOrder: number;
  layers: number;
  /** multiple component transform (RCT for the 5/3 wavelet, ICT for 9/7) */
  colourTransform: boolean;
  decompositions: number;
  /** 5/3 reversible wavelet (else 9/7 irreversible) */
  reversible: boolean;
  /** code-block size exponents (xcb, ycb) */
  blockWidth: number;
  blockHeight: number;
  /** a CAP segment announces Part 15 (HT) code-blocks */
  highThroughput: boolean;
  /** a TLM segment gives the tile-part lengths */
  tileLengthMarkers: boolean;
  /** [start, end) of each COM segment, marker included (its text is never read: it may identify someone) */
  comments: { start: number; end: number }[];
  /** offset of the first SOT marker: the end of the main header */
  mainHeaderEnd: number;
}

function u16(b: Uint8Array, p: number): number {
  return (b[p]! << 8) | b[p + 1]!;
}

function u32(b: Uint8Array, p: number): number {
  return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
}

/** Reads the main header; `frame` (1-based) is for messages. Throws PixelError when it is not a J2K codestream. */
export function readJ2kMainHeader(b: Uint8Array, frame: number): J2kMainHeader {
  if (b.length < 4 || u16(b, 0) !== SOC) throw new PixelError("malformed", `JPEG 2000 frame ${frame} does not start with an SOC marker (FF4F): JP2 files are not allowed in DICOM pixel data`);
  const header: Partial<J2kMainHeader> & { comments: J2kMainHeader["comments"] } = { comments: [], highThroughput: false, tileLengthMarkers: false };
  let p = 2;
  for (;;) {
    if (p + 4 > b.length) throw new PixelError("malformed", `JPEG 2000 frame ${frame}: the main header ends without an SOT marker`);
    const marker = u16(b, p);
    if (marker === SOT) break;
    if (marker >>> 8 !== 0xff) throw new PixelError("malformed", `JPEG 2000 frame ${frame}: a marker was expected at byte ${p} of the codestream`);
    const length = u16(b, p + 2);
    const end = p + 2 + length;
    if (length < 2 || end > b.length) throw new PixelError("malformed", `JPEG 2000 frame ${frame}: the marker segment at byte ${p} runs past the end of the codestream`);
    const q = p + 4;
    if (marker === SIZ) {
      header.width = u32(b, q + 2) - u32(b, q + 10);
      header.height = u32(b, q + 6) - u32(b, q + 14);
      header.components = u16(b, q + 34);
      const ssiz = b[q + 36]!;
      header.bitsPerSample = (ssiz & 0x7f) + 1;
      header.signed = (ssiz & 0x80) !== 0;
    } else if (marker === COD) {
      header.progressionOrder = b[q + 1]!;
      header.layers = u16(b, q + 2);
      header.colourTransform = b[q + 4] === 1;
      header.decompositions = b[q + 5]!;
      header.blockWidth = b[q + 6]! + 2;
      header.blockHeight = b[q + 7]! + 2;
      header.reversible = b[q + 9] === 1;
    } else if (marker === CAP) {
      header.highThroughput = true;
    } else if (marker === TLM) {
      header.tileLengthMarkers = true;
    } else if (marker === COM) {
      header.comments.push({ start: p, end });
    }
    p = end;
  }
  if (header.width === undefined || header.progressionOrder === undefined) throw new PixelError("malformed", `JPEG 2000 frame ${frame}: the main header lacks its SIZ or COD segment`);
  return { ...(header as J2kMainHeader), mainHeaderEnd: p };
}

/** The codestream without its main-header COM segments, or null when it has none. */
export function withoutComments(b: Uint8Array, header: J2kMainHeader): Uint8Array | null {
  if (header.comments.length === 0) return null;
  const removed = header.comments.reduce((n, c) => n + c.end - c.start, 0);
  const out = new Uint8Array(b.length - removed);
  let from = 0;
  let to = 0;
  for (const c of header.comments) {
    out.set(b.subarray(from, c.start), to);
    to += c.start - from;
    from = c.end;
  }
  out.set(b.subarray(from), to);
  return out;
}
