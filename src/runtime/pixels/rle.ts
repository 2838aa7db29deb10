// RLE Lossless (PS3.5 Annex G), decoded and encoded here so that blanking
// needs no codec and loses nothing.
//
// A frame is one fragment: a 64-byte header (segment count, then 15 segment
// offsets, little endian) and the segments. Segment k holds one byte of every
// pixel: samples in order (R, G, B), and within a sample its bytes from the
// most significant down. Each segment is a PackBits stream of Rows x Columns
// bytes: a header byte n in 0..127 copies the next n + 1 bytes, n in
// -127..-1 repeats the next byte 1 - n times, -128 does nothing.

import { PixelError } from "./errors";

const HEADER_BYTES = 64;
const MAX_SEGMENTS = 15;

/**
 * Decodes the PackBits stream src[start, end) into `length` bytes of `out` from `outStart`.
 * Returns the number of bytes produced (at most `length`; output past it is dropped, since
 * some encoders run a segment over by a pad byte).
 */
export function decodePackBits(src: Uint8Array, start: number, end: number, out: Uint8Array, outStart: number, length: number): number {
  let p = start;
  let q = outStart;
  const outEnd = outStart + length;
  while (q < outEnd && p < end) {
    const n = src[p++]!;
    if (n < 128) {
      const count = Math.min(n + 1, end - p, outEnd - q);
      out.set(src.subarray(p, p + count), q);
      p += n + 1;
      q += count;
    } else if (n > 128) {
      if (p >= end) break;
      const count = Math.min(257 - n, outEnd - q);
      out.fill(src[p++]!, q, q + count);
      q += count;
    }
  }
  return q - outStart;
}

/**
 * PackBits-encodes src[start, start + length) into dst from `q`; returns the new end. Runs of two
 * or more equal bytes repeat; a literal stops where a run of three begins. dst needs
 * length + ceil(length / 128) bytes.
 */
export function encodePackBits(src: Uint8Array, start: number, length: number, dst: Uint8Array, q: number): number {
  let i = start;
  const end = start + length;
  while (i < end) {
    const value = src[i]!;
    let run = 1;
    while (i + run < end && run < 128 && src[i + run] === value) run++;
    if (run >= 2) {
      dst[q++] = 257 - run;
      dst[q++] = value;
      i += run;
      continue;
    }
    let literalEnd = i + 1;
    while (literalEnd < end && literalEnd - i < 128) {
      const b = src[literalEnd]!;
      if (literalEnd + 2 < end && src[literalEnd + 1] === b && src[literalEnd + 2] === b) break;
      literalEnd++;
    }
    dst[q++] = literalEnd - i - 1;
    dst.set(src.subarray(i, literalEnd), q);
    q += literalEnd - i;
    i = literalEnd;
  }
  return q;
}

function uint32(b: Uint8Array, p: number): number {
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}

/**
 * Decodes one RLE frame into its segments, each Rows x Columns bytes. Throws PixelError when the
 * header or a segment does not match the expected count and size.
 */
export function decodeRleFrame(frame: Uint8Array, rows: number, columns: number, expectedSegments: number, frameNumber = 1): Uint8Array[] {
  const where = `RLE frame ${frameNumber}`;
  if (frame.length < HEADER_BYTES) throw new PixelError("malformed", `${where} is ${frame.length} bytes, shorter than the 64-byte RLE header`);
  const count = uint32(frame, 0);
  if (count !== expectedSegments) {
    throw new PixelError("malformed", `${where} has ${count} segments but the image needs ${expectedSegments} (one per byte of every sample)`);
  }
  const offsets: number[] = [];
  for (let i = 0; i < count; i++) offsets.push(uint32(frame, 4 + 4 * i));
  const pixels = rows * columns;
  return offsets.map((start, i) => {
    const end = i + 1 < count ? offsets[i + 1]! : frame.length;
    if (start < HEADER_BYTES || end > frame.length || end < start) {
      throw new PixelError("malformed", `${where}: segment ${i + 1} at offset ${start} lies outside the frame (${frame.length} bytes)`);
    }
    const out = new Uint8Array(pixels);
    const produced = decodePackBits(frame, start, end, out, 0, pixels);
    if (produced < pixels) throw new PixelError("malformed", `${where}: segment ${i + 1} decodes to ${produced} bytes, ${pixels} expected`);
    return out;
  });
}

/** Encodes segments (each Rows x Columns bytes) as one RLE frame; every row is encoded on its own, every segment padded to even length. */
export function encodeRleFrame(segments: readonly Uint8Array[], rows: number, columns: number): Uint8Array {
  if (segments.length < 1 || segments.length > MAX_SEGMENTS) throw new PixelError("unsupported", `RLE holds 1 to 15 segments, not ${segments.length}`);
  const worstCase = HEADER_BYTES + segments.length * (rows * (columns + Math.ceil(columns / 128)) + 1);
  const out = new Uint8Array(worstCase);
  out[0] = segments.length;
  let q = HEADER_BYTES;
  segments.forEach((segment, i) => {
    const offset = q;
    out[4 + 4 * i] = offset & 0xff;
    out[5 + 4 * i] = (offset >>> 8) & 0xff;
    out[6 + 4 * i] = (offset >>> 16) & 0xff;
    out[7 + 4 * i] = (offset >>> 24) & 0xff;
    for (let row = 0; row < rows; row++) q = encodePackBits(segment, row * columns, columns, out, q);
    if ((q & 1) === 1) out[q++] = 0;
  });
  return out.slice(0, q);
}

/** Number of RLE segments of an image: one per byte of every sample. */
export function rleSegmentCount(samplesPerPixel: number, bitsAllocated: number): number {
  return samplesPerPixel * (bitsAllocated / 8);
}
