// Metadata in JPEG-family bitstreams (ISO 10918-1, and ISO 14495-1 JPEG-LS,
// which uses the same marker syntax): application segments and comments can
// carry names, dates, device serials and whole EXIF/XMP/IPTC records that no
// DICOM attribute shows. They are removed without touching the compressed
// image: marker segments are cut out, entropy-coded data is copied byte for
// byte, so the frame decodes to exactly the same pixels.
//
// Removed: APP1 (EXIF, XMP), APP2 to APP13 (ICC profiles, FlashPix, SPIFF,
// JUMBF in APP11, Photoshop/IPTC in APP13, ...), APP15, APP0 other than JFIF
// (JFXX thumbnails), APP14 other than Adobe, COM, a JFIF thumbnail, and any
// data after EOI other than 0x00/0xFF padding. Kept: APP0 JFIF and APP14
// Adobe (they tell decoders whether components are YCbCr or RGB) and every
// other marker segment (frame and scan headers, tables, restart intervals,
// JPEG-LS LSE parameters).

import { PixelError } from "./errors";
import { buildEncapsulated, fragmentBytes, frameBytes, framesFromOffsetTable, parseEncapsulated, type BuiltEncapsulated, type EncapsulatedPixelData } from "./encapsulated";

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const COM = 0xfe;
const APP0 = 0xe0;
const APP14 = 0xee;
const APP15 = 0xef;
/** SOF55: the frame header of JPEG-LS, whose entropy-coded data escapes 0xFF differently */
const SOF_JPEG_LS = 0xf7;

export interface RemovedMetadata {
  /** 1-based frame number */
  frame: number;
  /** "APP1", "COM", "data after EOI", ... */
  marker: string;
  /** the segment's identifier string when it has one: "Exif", "http://ns.adobe.com/xap/1.0/", "ICC_PROFILE" */
  identifier?: string;
  /** bytes removed, marker included */
  length: number;
}

interface MarkerSegment {
  marker: number;
  /** first byte of the segment (its fill bytes included) */
  start: number;
  /** first byte of the payload, after the marker and length */
  payload: number;
  end: number;
}

/**
 * Walks the markers of one JPEG or JPEG-LS image. `advance` can be called again with a longer
 * buffer (the same bytes plus more) when the frame continues in the next fragment: the walk
 * resumes where it stopped.
 */
export class JpegScanner {
  readonly segments: MarkerSegment[] = [];
  /** position of the EOI marker (its 0xFF), -1 until found */
  eoi = -1;
  private pos = 0;
  private started = false;
  private inEntropyData = false;
  private jpegLs = false;

  /** Returns true once EOI is reached, false when the bytes end first. Throws PixelError on invalid structure. */
  advance(b: Uint8Array, frameNumber: number): boolean {
    const n = b.length;
    if (!this.started) {
      if (n < 2) return false;
      if (b[0] !== 0xff || b[1] !== SOI) throw new PixelError("malformed", `JPEG frame ${frameNumber} does not start with an SOI marker`);
      this.pos = 2;
      this.started = true;
    }
    for (;;) {
      if (this.inEntropyData) {
        const next = this.nextMarker(b, this.pos);
        if (next < 0) return false;
        this.pos = next;
        this.inEntropyData = false;
      }
      const p = this.pos;
      if (p + 2 > n) return false;
      if (b[p] !== 0xff) throw new PixelError("malformed", `JPEG frame ${frameNumber}: a marker was expected at byte ${p}`);
      let m = p;
      while (m + 1 < n && b[m + 1] === 0xff) m++; // fill bytes (ISO 10918-1 B.1.1.2)
      if (m + 2 > n) return false;
      const marker = b[m + 1]!;
      if (marker === EOI) {
        this.eoi = m;
        return true;
      }
      if (marker === SOI || marker === 0x00) throw new PixelError("malformed", `JPEG frame ${frameNumber}: unexpected marker 0xFF${hex2(marker)} at byte ${m}`);
      if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
        this.pos = m + 2; // RSTn and TEM stand alone
        continue;
      }
      if (m + 4 > n) return false;
      const length = (b[m + 2]! << 8) | b[m + 3]!;
      if (length < 2) throw new PixelError("malformed", `JPEG frame ${frameNumber}: marker 0xFF${hex2(marker)} at byte ${m} has length ${length}`);
      const end = m + 2 + length;
      if (end > n) return false;
      this.segments.push({ marker, start: p, payload: m + 4, end });
      if (marker === SOF_JPEG_LS) this.jpegLs = true;
      this.pos = end;
      if (marker === SOS) this.inEntropyData = true;
    }
  }

  /**
   * The next marker after entropy-coded data starting at `from`, or -1 if the bytes end first.
   * JPEG stuffs 0x00 after a data 0xFF; JPEG-LS stuffs a zero bit, so a data 0xFF is followed by
   * a byte below 0x80. Restart markers belong to the scan.
   */
  private nextMarker(b: Uint8Array, from: number): number {
    let i = from;
    for (;;) {
      i = b.indexOf(0xff, i);
      if (i < 0) {
        this.pos = b.length;
        return -1;
      }
      if (i + 1 >= b.length) {
        this.pos = i;
        return -1;
      }
      const next = b[i + 1]!;
      if (this.jpegLs ? next < 0x80 : next === 0x00) i += 2;
      else if (next >= 0xd0 && next <= 0xd7) i += 2;
      else return i;
    }
  }
}

function hex2(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, "0");
}

/** The identifier that opens an application segment's payload (printable ASCII up to NUL), if any. */
function identifierOf(b: Uint8Array, s: MarkerSegment): string {
  let text = "";
  for (let i = s.payload; i < s.end && i < s.payload + 40; i++) {
    const c = b[i]!;
    if (c === 0 || c < 0x20 || c > 0x7e) break;
    text += String.fromCharCode(c);
  }
  return text;
}

function markerName(marker: number): string {
  if (marker >= APP0 && marker <= APP15) return `APP${marker - APP0}`;
  if (marker === COM) return "COM";
  return `0xFF${hex2(marker)}`;
}

/** What to do with a segment: keep it, drop it, or (JFIF with a thumbnail) shorten it. */
type Decision = { keep: true } | { keep: false; identifier: string } | { keep: "shorten"; to: number; identifier: string };

function decide(b: Uint8Array, s: MarkerSegment): Decision {
  if (s.marker === COM) return { keep: false, identifier: "" };
  if (s.marker < APP0 || s.marker > APP15) return { keep: true };
  const identifier = identifierOf(b, s);
  if (s.marker === APP0 && identifier === "JFIF") {
    // JFIF: identifier (5), version (2), units (1), densities (4), thumbnail width and height (2), thumbnail.
    const fixed = s.payload + 14;
    if (fixed <= s.end && (b[fixed - 2]! > 0 || b[fixed - 1]! > 0)) return { keep: "shorten", to: fixed, identifier: "JFIF thumbnail" };
    return { keep: true };
  }
  if (s.marker === APP14 && identifier.startsWith("Adobe")) return { keep: true };
  return { keep: false, identifier };
}

/**
 * Removes metadata segments from one complete frame (SOI to EOI and whatever follows). Returns
 * null when nothing is removed (padding after EOI does not count).
 */
function stripFrame(b: Uint8Array, scanner: JpegScanner, frameNumber: number): { bytes: Uint8Array; removed: RemovedMetadata[] } | null {
  const removed: RemovedMetadata[] = [];
  const pieces: Uint8Array[] = [];
  let copied = 0;
  for (const s of scanner.segments) {
    const d = decide(b, s);
    if (d.keep === true) continue;
    if (d.keep === "shorten") {
      // Keep the JFIF fields, write length 16 and a 0 x 0 thumbnail, drop the thumbnail pixels.
      pieces.push(b.subarray(copied, s.payload - 2), Uint8Array.of(0, 16), b.subarray(s.payload, d.to - 2), Uint8Array.of(0, 0));
      removed.push({ frame: frameNumber, marker: markerName(s.marker), identifier: d.identifier, length: s.end - d.to });
      copied = s.end;
      continue;
    }
    pieces.push(b.subarray(copied, s.start));
    removed.push({ frame: frameNumber, marker: markerName(s.marker), ...(d.identifier ? { identifier: d.identifier } : {}), length: s.end - s.start });
    copied = s.end;
  }
  const eoiEnd = scanner.eoi + 2;
  // Writers pad after EOI with 0x00 or 0xFF (older GE files); such bytes carry nothing and are
  // left alone. Anything else after EOI is data no decoder reads and no one checks: removed.
  const trailing = b.subarray(eoiEnd);
  const content = trailing.findIndex((x) => x !== 0x00 && x !== 0xff);
  if (content > 0 && trailing[content] === SOI && trailing[content - 1] === 0xff) {
    // Another image in the same fragment (frames must not share fragments): dropping it would lose a frame.
    throw new PixelError("malformed", `JPEG frame ${frameNumber}: another image starts after its EOI in the same fragment`);
  }
  if (content >= 0) removed.push({ frame: frameNumber, marker: "data after EOI", length: trailing.length });
  if (removed.length === 0) return null;
  pieces.push(b.subarray(copied, scanner.eoi));
  const length = pieces.reduce((n, p) => n + p.length, 0) + 2;
  const out = new Uint8Array(length + (length % 2));
  let q = 0;
  for (const p of pieces) {
    out.set(p, q);
    q += p.length;
  }
  if (length % 2 === 1) {
    // Fragments have even lengths. PS3.5 A.4 allows padding inside the stream: a 0xFF fill byte
    // before EOI (ISO 10918-1 B.1.1.2, ISO 14495-1), which every conforming decoder skips.
    out[q++] = 0xff;
  }
  out[q++] = 0xff;
  out[q++] = EOI;
  return { bytes: out, removed };
}

/** A byte buffer that grows by doubling, for frames split over several fragments. */
class GrowingBytes {
  private buf = new Uint8Array(0);
  length = 0;
  append(bytes: Uint8Array): void {
    if (this.length + bytes.length > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + bytes.length, 1024));
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
    }
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

export interface ScannedFrame {
  fragments: number[];
  bytes: Uint8Array;
  scanner: JpegScanner;
}

/**
 * Splits the fragments into frames and walks each. With a Basic Offset Table, its entries give
 * the frames; without one, a frame runs from a fragment starting with SOI to the fragment holding
 * its EOI (ISO 10918-1 streams are self-delimiting), which covers one frame in many fragments,
 * one frame per fragment, and any mix.
 */
export function* scanFrames(px: EncapsulatedPixelData): Generator<ScannedFrame> {
  const fromTable = framesFromOffsetTable(px);
  if (fromTable) {
    for (const [i, fragments] of fromTable.entries()) {
      const bytes = frameBytes(px, fragments);
      const scanner = new JpegScanner();
      if (!scanner.advance(bytes, i + 1)) throw new PixelError("malformed", `JPEG frame ${i + 1} ends without an EOI marker`);
      yield { fragments, bytes, scanner };
    }
    return;
  }
  let next = 0;
  let frame = 0;
  while (next < px.fragments.length) {
    frame++;
    const scanner = new JpegScanner();
    const fragments = [next];
    let bytes = fragmentBytes(px, next++);
    let grown: GrowingBytes | null = null;
    while (!scanner.advance(bytes, frame)) {
      if (next >= px.fragments.length) throw new PixelError("malformed", `JPEG frame ${frame} ends without an EOI marker`);
      if (!grown) {
        grown = new GrowingBytes();
        grown.append(bytes);
      }
      grown.append(fragmentBytes(px, next));
      fragments.push(next++);
      bytes = grown.view();
    }
    yield { fragments, bytes, scanner };
  }
}

export interface StrippedJpeg {
  /** the new element, or null when no frame had anything to remove */
  built: BuiltEncapsulated | null;
  removed: RemovedMetadata[];
  frames: number;
}

/** stripJpegMetadata with the frame table of the result, for callers that rewrite offset tables. */
export function stripJpegFrames(element: Uint8Array): StrippedJpeg {
  const px = parseEncapsulated(element);
  const removed: RemovedMetadata[] = [];
  const frames: Uint8Array[][] = [];
  let changed = false;
  let count = 0;
  for (const frame of scanFrames(px)) {
    count++;
    const stripped = stripFrame(frame.bytes, frame.scanner, count);
    if (stripped) {
      changed = true;
      removed.push(...stripped.removed);
      frames.push([stripped.bytes]);
    } else {
      frames.push(frame.fragments.map((i) => fragmentBytes(px, i)));
    }
  }
  return { built: changed ? buildEncapsulated(px.header, frames, px.offsetTable.length > 0) : null, removed, frames: count };
}

/**
 * Removes identifying metadata segments from every frame of encapsulated JPEG or JPEG-LS pixel
 * data (`element`: the whole Pixel Data element, header to sequence delimiter). Entropy-coded data
 * is copied unchanged. A frame with something removed becomes one fragment, padded to even length
 * with a fill byte before EOI; untouched frames keep their fragments; the Basic Offset Table is
 * rebuilt when the input had one. Returns the input itself when nothing was removed.
 */
export function stripJpegMetadata(element: Uint8Array): { bytes: Uint8Array; removed: RemovedMetadata[] } {
  const result = stripJpegFrames(element);
  return { bytes: result.built?.element ?? element, removed: result.removed };
}
