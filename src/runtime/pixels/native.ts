// Uncompressed pixel data (PS3.5 8.1, 8.2): blanking rectangles and clearing
// overlay bits in place, in a copy made only when something changes.
//
// Addresses are computed in the value's little-endian byte stream (the
// sample layout PS3.5 defines), then mapped to the bytes actually stored: in
// Explicit VR Big Endian an OW value is a stream of 16-bit words each stored
// high byte first, so stream byte i lives at i ^ 1. Samples of 16 and 32 bits
// are word streams in big endian whatever the VR says (OB cannot hold them
// there); 8- and 1-bit samples follow the VR (OB: bytes as they are).

import { PixelError } from "./errors";
import { fillCells, isSubsampledYbr, planRegions, type ImageGeometry, type PixelRegion, type PlannedRegion } from "./geometry";

/** How stored bytes map to samples. */
export interface NativeLayout {
  /** bytes per sample: 1, 2 or 4; 0 for 1-bit data (bits are addressed instead) */
  bytesPerSample: number;
  /** bytes of one frame (8, 16, 32-bit data: frames are byte-aligned) */
  frameBytes: number;
  /** bits of one frame (1-bit data: frames follow each other without padding) */
  frameBits: number;
  /** bytes the geometry needs: all frames, the last partial byte of 1-bit data included */
  requiredBytes: number;
  /** stream byte i is stored at i ^ 1 (big-endian word stream) */
  swapWords: boolean;
}

export interface NativeEncoding {
  littleEndian: boolean;
  /** VR of the Pixel Data element ("OB" or "OW"; implicit VR files read it as OW) */
  valueRepresentation?: string;
}

export function nativeLayout(geometry: ImageGeometry, encoding: NativeEncoding): NativeLayout {
  const { rows, columns, samplesPerPixel, bitsAllocated, frames } = geometry;
  const swapWords = !encoding.littleEndian && (bitsAllocated > 8 || encoding.valueRepresentation === "OW");
  if (bitsAllocated === 1) {
    const frameBits = rows * columns;
    return { bytesPerSample: 0, frameBytes: 0, frameBits, requiredBytes: Math.ceil((frameBits * frames) / 8), swapWords };
  }
  const bytesPerSample = bitsAllocated / 8;
  // YBR_*_422 stores Y0 Y1 Cb Cr for each pair of pixels: two samples per pixel on average.
  const samplesPerFrame = isSubsampledYbr(geometry.photometricInterpretation) && samplesPerPixel === 3 ? rows * columns * 2 : rows * columns * samplesPerPixel;
  const frameBytes = samplesPerFrame * bytesPerSample;
  return { bytesPerSample, frameBytes, frameBits: frameBytes * 8, requiredBytes: frameBytes * frames, swapWords };
}

/** Throws unless the value holds every frame the geometry describes. */
export function checkNativeLength(valueLength: number, geometry: ImageGeometry, layout: NativeLayout): void {
  if (valueLength < layout.requiredBytes) {
    const frames = geometry.frames === 1 ? "1 frame" : `${geometry.frames} frames`;
    throw new PixelError(
      "malformed",
      `pixel data holds ${valueLength} bytes but ${frames} of ${geometry.columns} x ${geometry.rows} pixels, ${geometry.samplesPerPixel} sample(s) of ${geometry.bitsAllocated} bits need ${layout.requiredBytes}`,
    );
  }
}

/** The little-endian bytes of one sample cell, as stored (words swapped for big endian). */
function cellBytes(cell: number, bytesPerSample: number, swapWords: boolean): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < bytesPerSample; i++) bytes.push(Math.floor(cell / 2 ** (8 * i)) & 0xff);
  if (swapWords && bytesPerSample >= 2) for (let i = 0; i < bytesPerSample; i += 2) [bytes[i], bytes[i + 1]] = [bytes[i + 1]!, bytes[i]!];
  return bytes;
}

/**
 * Writes `pattern` repeatedly over stored bytes [start, end) of the stream; end - start is a
 * multiple of the pattern length. Doubling copies keep large rectangles to a few native calls.
 */
function fillRun(buf: Uint8Array, start: number, end: number, pattern: Uint8Array, swapBytes: boolean): void {
  const n = end - start;
  if (n <= 0) return;
  if (swapBytes) {
    // 8-bit samples in a big-endian OW word stream: neighbours trade places, so go byte by byte.
    for (let i = 0; i < n; i++) buf[(start + i) ^ 1] = pattern[i % pattern.length]!;
    return;
  }
  if (pattern.length === 1) {
    buf.fill(pattern[0]!, start, end);
    return;
  }
  buf.set(pattern, start);
  let filled = pattern.length;
  while (filled < n) {
    const chunk = Math.min(filled, n - filled);
    buf.copyWithin(start + filled, start, start + chunk);
    filled += chunk;
  }
}

/** Sets pixels [first, first + count) of a 1-bit stream (first pixel in the least significant bit). */
function fillBits(buf: Uint8Array, first: number, count: number, bit: number, swap: number): void {
  let i = first;
  const end = first + count;
  while (i < end && (i & 7) !== 0) {
    const byte = (i >>> 3) ^ swap;
    buf[byte] = bit ? buf[byte]! | (1 << (i & 7)) : buf[byte]! & ~(1 << (i & 7));
    i++;
  }
  const whole = bit ? 0xff : 0x00;
  while (i + 8 <= end) {
    buf[(i >>> 3) ^ swap] = whole;
    i += 8;
  }
  while (i < end) {
    const byte = (i >>> 3) ^ swap;
    buf[byte] = bit ? buf[byte]! | (1 << (i & 7)) : buf[byte]! & ~(1 << (i & 7));
    i++;
  }
}

/**
 * Fills one rectangle of one frame. `frameStart` is the frame's first stream byte, or for
 * 1-bit data its first stream bit.
 */
export function fillRectangle(buf: Uint8Array, frameStart: number, geometry: ImageGeometry, layout: NativeLayout, region: PlannedRegion): void {
  const { columns, samplesPerPixel } = geometry;
  const cells = fillCells(geometry, region.fill, region.fillColour);
  const swap = layout.swapWords ? 1 : 0;
  if (geometry.bitsAllocated === 1) {
    for (let row = region.y; row < region.y + region.height; row++) fillBits(buf, frameStart + row * columns + region.x, region.width, cells[0]!, swap);
    return;
  }
  const bps = layout.bytesPerSample;
  const swapBytes = layout.swapWords && bps === 1;
  if (samplesPerPixel === 3 && isSubsampledYbr(geometry.photometricInterpretation)) {
    // Whole pairs only: a pair's chrominance belongs to both pixels, so a rectangle with an odd
    // edge is widened by one column rather than leave half a pair's colour in place.
    const firstPair = Math.floor(region.x / 2);
    const endPair = Math.ceil((region.x + region.width) / 2);
    const pattern = Uint8Array.from([cells[0]!, cells[0]!, cells[1]!, cells[2]!].flatMap((c) => cellBytes(c, bps, layout.swapWords)));
    for (let row = region.y; row < region.y + region.height; row++) {
      const rowStart = frameStart + row * columns * 2 * bps;
      fillRun(buf, rowStart + firstPair * 4 * bps, rowStart + endPair * 4 * bps, pattern, swapBytes);
    }
    return;
  }
  if (geometry.planarConfiguration === 0 || samplesPerPixel === 1) {
    const pattern = Uint8Array.from(cells.flatMap((c) => cellBytes(c, bps, layout.swapWords)));
    const pixelBytes = samplesPerPixel * bps;
    for (let row = region.y; row < region.y + region.height; row++) {
      const start = frameStart + (row * columns + region.x) * pixelBytes;
      fillRun(buf, start, start + region.width * pixelBytes, pattern, swapBytes);
    }
    return;
  }
  const planeBytes = geometry.rows * columns * bps;
  for (let s = 0; s < samplesPerPixel; s++) {
    const pattern = Uint8Array.from(cellBytes(cells[s]!, bps, layout.swapWords));
    for (let row = region.y; row < region.y + region.height; row++) {
      const start = frameStart + s * planeBytes + (row * columns + region.x) * bps;
      fillRun(buf, start, start + region.width * bps, pattern, swapBytes);
    }
  }
}

/**
 * Fills planned regions in `buf`, a native pixel data value (or a view of one), in place.
 * Returns whether any region selected an existing frame.
 */
export function blankNativeInPlace(buf: Uint8Array, geometry: ImageGeometry, planned: readonly PlannedRegion[], layout: NativeLayout): boolean {
  const unit = geometry.bitsAllocated === 1 ? layout.frameBits : layout.frameBytes;
  let blanked = false;
  for (const region of planned) {
    for (const f of region.frames) {
      fillRectangle(buf, f * unit, geometry, layout, region);
      blanked = true;
    }
  }
  return blanked;
}

/**
 * Blanks planned regions in a native pixel data value. Returns the input itself when no region
 * selects an existing frame, else a copy with the rectangles filled; bytes outside them are
 * copied unchanged.
 */
export function blankNativePlanned(pixelBytes: Uint8Array, geometry: ImageGeometry, planned: readonly PlannedRegion[], encoding: NativeEncoding): Uint8Array {
  const layout = nativeLayout(geometry, encoding);
  checkNativeLength(pixelBytes.length, geometry, layout);
  if (!planned.some((r) => r.frames.length > 0)) return pixelBytes;
  // A copy even when the input is a Node Buffer (whose slice() is a view): inputs are never modified.
  const out = new Uint8Array(pixelBytes);
  blankNativeInPlace(out, geometry, planned, layout);
  return out;
}

/**
 * Blanks rectangles in uncompressed pixel data (the Pixel Data value, without its header).
 * Frames are selected 1-based and inclusive; a rectangle outside the image throws PixelError.
 */
export function blankNative(pixelBytes: Uint8Array, geometry: ImageGeometry, regions: readonly PixelRegion[], littleEndian: boolean, valueRepresentation?: string): Uint8Array {
  const planned = planRegions(geometry, [{ regions }]);
  return blankNativePlanned(pixelBytes, geometry, planned, { littleEndian, valueRepresentation });
}

/** Throws unless every position names an unused high bit that overlay data may occupy. */
export function checkOverlayBitPositions(geometry: ImageGeometry, positions: readonly number[]): void {
  const lowBit = geometry.highBit - geometry.bitsStored + 1;
  for (const b of positions) {
    if (!Number.isInteger(b) || b < 0 || b >= geometry.bitsAllocated) {
      throw new PixelError("geometry", `Overlay Bit Position ${b} is outside the ${geometry.bitsAllocated} allocated bits of a pixel sample`);
    }
    if (b >= lowBit && b <= geometry.highBit) {
      throw new PixelError("geometry", `Overlay Bit Position ${b} lies inside the stored bits ${lowBit}..${geometry.highBit}: clearing it would change the image`);
    }
  }
}

/**
 * Clears overlay bits in the bytes of whole frames (`count` samples from `start`). Returns
 * whether any was set. Every sample cell is visited, colour samples included.
 */
export function clearBitsInCells(buf: Uint8Array, start: number, count: number, bytesPerSample: number, positions: readonly number[], swap: number, dryRun: boolean): boolean {
  let found = false;
  for (const b of positions) {
    const mask = 1 << (b & 7);
    const end = start + count * bytesPerSample;
    for (let p = start + (b >>> 3); p < end; p += bytesPerSample) {
      const i = p ^ swap;
      if ((buf[i]! & mask) !== 0) {
        if (dryRun) return true;
        found = true;
        buf[i] = buf[i]! & ~mask;
      }
    }
  }
  return found;
}

/**
 * Clears overlay planes stored in unused high bits of native pixel data (retired Overlay Bit
 * Position (60xx,0102) with Overlay Bits Allocated equal to Bits Allocated). Returns the input
 * itself when none of those bits is set, else a copy with them cleared in every frame.
 */
export function removeOverlayBitsInPixelData(
  pixelBytes: Uint8Array,
  geometry: ImageGeometry,
  overlayBitPositions: readonly number[],
  littleEndian = true,
  valueRepresentation?: string,
): Uint8Array {
  if (overlayBitPositions.length === 0) return pixelBytes;
  if (geometry.bitsAllocated === 1) throw new PixelError("geometry", "1-bit pixel data has no unused bits to hold overlays");
  checkOverlayBitPositions(geometry, overlayBitPositions);
  const layout = nativeLayout(geometry, { littleEndian, valueRepresentation });
  checkNativeLength(pixelBytes.length, geometry, layout);
  const samples = layout.requiredBytes / layout.bytesPerSample;
  const swap = layout.swapWords ? 1 : 0;
  if (!clearBitsInCells(pixelBytes, 0, samples, layout.bytesPerSample, overlayBitPositions, swap, true)) return pixelBytes;
  const out = new Uint8Array(pixelBytes); // a copy, also of a Node Buffer
  clearBitsInCells(out, 0, samples, layout.bytesPerSample, overlayBitPositions, swap, false);
  return out;
}
