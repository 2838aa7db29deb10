// Which 8x8 blocks a rectangle covers, and what a blanked block holds.
//
// A rectangle is grown to the block grid of every component at once: with
// subsampling a chrominance block spans 16 (or 32) pixels, and growing to that
// coarser grid makes every component blank exactly the same area, so the grown
// rectangle is uniformly the fill. A blanked block keeps only its DC
// coefficient, the one that decodes to the fill: the inverse DCT of a block
// with DC coefficient F and no AC is the flat value F / 8 + 2^(P-1).

import { PixelError } from "../errors";
import type { DctFrame } from "./frame-structure";
import type { Coefficients } from "./huffman-decode";

/** Pixel edges [x0, x1) x [y0, y1) in image coordinates. */
export interface Edges {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export type FillValue = number | readonly [number, number, number];

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** The grid every component's blocks fall on, in image pixels: per axis, the least common multiple of the block spans. */
export function blockAlignment(frame: DctFrame): { x: number; y: number } {
  const axis = (max: number, factor: (i: number) => number): number => {
    let lcm = 1;
    for (let i = 0; i < frame.components.length; i++) {
      const f = factor(i);
      // A span that is not a whole number of pixels (sampling factor 3 next to 2 or 4): whole MCUs.
      if ((8 * max) % f !== 0) return 8 * max;
      const span = (8 * max) / f;
      lcm = (lcm * span) / gcd(lcm, span);
    }
    return lcm;
  };
  return { x: axis(frame.maxH, (i) => frame.components[i]!.h), y: axis(frame.maxV, (i) => frame.components[i]!.v) };
}

/** The rectangle grown outwards to the block grid (edges may pass the image: the padding blocks beyond it are blanked too). */
export function growToBlocks(frame: DctFrame, x: number, y: number, width: number, height: number): Edges {
  const a = blockAlignment(frame);
  return {
    x0: Math.floor(x / a.x) * a.x,
    y0: Math.floor(y / a.y) * a.y,
    x1: Math.ceil((x + width) / a.x) * a.x,
    y1: Math.ceil((y + height) / a.y) * a.y,
  };
}

/** The sample value each component of the frame should decode to (not rounded). */
export function fillTargets(frame: DctFrame, fill: FillValue, options: { bitsStored: number; photometric: string }): number[] {
  const max = 2 ** frame.precision - 1;
  const half = 2 ** (frame.precision - 1);
  const stored = (v: number): number => Math.min(max, Math.max(0, v < 0 ? v + 2 ** options.bitsStored : v));
  if (frame.components.length === 1) {
    if (typeof fill !== "number") throw new PixelError("geometry", "a colour fill (R, G, B) was given for a single-component (greyscale) JPEG image");
    return [stored(fill)];
  }
  if (frame.components.length !== 3) throw new PixelError("unsupported", `a JPEG frame with ${frame.components.length} components cannot be blanked: 1 or 3 are supported`);
  // YBR photometric interpretations say the components are YCbCr whatever markers the stream has.
  const ycbcr = options.photometric.startsWith("YBR") || frame.colour === "ycbcr";
  if (typeof fill === "number") {
    const v = stored(fill);
    return ycbcr ? [v, half, half] : [v, v, v];
  }
  const [r, g, b] = fill.map(stored) as [number, number, number];
  if (!ycbcr) return [r, g, b];
  // JFIF / PS3.3 C.7.6.3.1.2 YBR_FULL: full-range BT.601.
  const clamp = (v: number): number => Math.min(max, Math.max(0, v));
  return [clamp(0.299 * r + 0.587 * g + 0.114 * b), clamp(-0.168736 * r - 0.331264 * g + 0.5 * b + half), clamp(0.5 * r - 0.418688 * g - 0.081312 * b + half)];
}

/**
 * The quantised DC coefficient of a flat block that decodes to `target`. At the ends of the range
 * it is rounded outwards: decoders clamp, so the block then decodes to exactly 0 or 2^P - 1
 * whatever the quantiser.
 */
export function flatDc(target: number, precision: number, quantiser: number): number {
  const max = 2 ** precision - 1;
  const exact = ((target - 2 ** (precision - 1)) * 8) / quantiser;
  if (target <= 0) return Math.floor(exact);
  if (target >= max) return Math.ceil(exact);
  return Math.round(exact);
}

/**
 * Replaces every block of every component inside `edges` (block-aligned, see growToBlocks) by a
 * flat block with that component's DC. Returns the number of blocks replaced.
 */
export function blankBlocks(frame: DctFrame, coefficients: Coefficients, edges: Edges, dcs: readonly number[]): number {
  let replaced = 0;
  frame.components.forEach((c, i) => {
    const data = coefficients.values[i]!;
    const last = coefficients.last[i]!;
    const spanX = (8 * frame.maxH) / c.h;
    const spanY = (8 * frame.maxV) / c.v;
    const bx0 = Math.floor(edges.x0 / spanX);
    const by0 = Math.floor(edges.y0 / spanY);
    const bx1 = Math.min(c.blocksWide, Math.ceil(edges.x1 / spanX));
    const by1 = Math.min(c.blocksHigh, Math.ceil(edges.y1 / spanY));
    const dc = dcs[i]!;
    for (let by = by0; by < by1; by++) {
      for (let bx = bx0; bx < bx1; bx++) {
        const index = by * c.blocksWide + bx;
        const offset = index * 64;
        data[offset] = dc;
        data.fill(0, offset + 1, offset + 64);
        last[index] = 0;
        replaced++;
      }
    }
  });
  return replaced;
}
