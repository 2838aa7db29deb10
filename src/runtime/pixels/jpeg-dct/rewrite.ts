// Blanking rectangles in JPEG baseline and extended (sequential DCT, Huffman
// coding) without a second generation of loss: each touched frame is Huffman-
// decoded to quantised coefficients, the blocks a rectangle covers become flat
// blocks of the fill, and the scans are Huffman-encoded again. Every other
// block keeps its coefficients, so it decodes to exactly the pixels it had;
// DC prediction is recomputed, since the differences around blanked blocks
// change. The frame's own Huffman tables are kept when they have a code for
// every symbol of the new scan; otherwise an optimal table for that scan is
// written in a DHT segment before it. Untouched frames keep their fragments.

import { buildEncapsulated, fragmentBytes, parseEncapsulated, type BuiltEncapsulated } from "../encapsulated";
import { PixelError } from "../errors";
import type { ImageGeometry } from "../geometry";
import { scanFrames, type JpegScanner } from "../jpeg";
import { blankBlocks, fillTargets, flatDc, growToBlocks, type Edges, type FillValue } from "./blocks";
import { readDctFrame, type DctFrame, type Scan } from "./frame-structure";
import { allocateCoefficients, decodeScan, type Coefficients } from "./huffman-decode";
import { countScanSymbols, encodeScan } from "./huffman-encode";
import { covers, dhtTablePayload, encodeTable, optimalSpec, type EncodeTable, type HuffmanSpec } from "../jpeg-huffman";

/** Transfer syntaxes whose frames are sequential DCT with Huffman coding: JPEG Baseline (Process 1), JPEG Extended (Processes 2 & 4). */
export const DCT_HUFFMAN_TRANSFER_SYNTAXES: ReadonlySet<string> = new Set(["1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51"]);

export interface DctRegion {
  x: number;
  y: number;
  width: number;
  height: number;
  fill: FillValue;
  /** 0-based frame indices */
  frames: readonly number[];
}

export interface BlankedArea {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DctBlankResult {
  /** the new element, or null when no frame was touched */
  built: BuiltEncapsulated | null;
  /** per region: the area actually filled (the rectangle grown to the block grid, clipped to the image), null when no frame of the region exists */
  blanked: (BlankedArea | null)[];
  /** frames whose Huffman tables had to be replaced (1-based), for the report and tests */
  newTables: number[];
}

interface ScannedJpegFrame {
  bytes: Uint8Array;
  scanner: JpegScanner;
}

/**
 * Blanks the regions in encapsulated JPEG Baseline / Extended pixel data (`element`: the whole
 * Pixel Data element). Throws PixelError "needs-codec" for a frame that is not SOF0/SOF1,
 * "malformed" for a corrupt stream or one that contradicts the image attributes.
 */
export function blankJpegDct(element: Uint8Array, geometry: ImageGeometry, regions: readonly DctRegion[]): DctBlankResult {
  const px = parseEncapsulated(element);
  const regionFrames = regions.map((r) => new Set(r.frames));
  const blanked: (BlankedArea | null)[] = regions.map(() => null);
  const newTables: number[] = [];
  const frames: Uint8Array[][] = [];
  let touched = false;
  let index = 0;
  for (const frame of scanFrames(px)) {
    const here = regions.map((_, i) => i).filter((i) => regionFrames[i]!.has(index));
    index++;
    if (here.length === 0) {
      frames.push(frame.fragments.map((i) => fragmentBytes(px, i)));
      continue;
    }
    const rewritten = rewriteFrame(frame, index, geometry, here.map((i) => regions[i]!));
    frames.push([rewritten.bytes]);
    touched = true;
    if (rewritten.newTables) newTables.push(index);
    here.forEach((regionIndex, k) => {
      blanked[regionIndex] = union(blanked[regionIndex] ?? null, rewritten.blanked[k]!);
    });
  }
  if (index !== geometry.frames) {
    throw new PixelError("malformed", `the JPEG pixel data holds ${index} frame(s) but Number of Frames is ${geometry.frames}: which frame a rectangle is meant for is unclear`);
  }
  return { built: touched ? buildEncapsulated(px.header, frames, px.offsetTable.length > 0) : null, blanked, newTables };
}

function union(a: BlankedArea | null, b: BlankedArea): BlankedArea {
  if (!a) return b;
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

/** The tables a scan is encoded with, once per distinct table. */
class TableCache {
  private readonly cache = new Map<HuffmanSpec, EncodeTable>();
  get(spec: HuffmanSpec, what: string): EncodeTable {
    let t = this.cache.get(spec);
    if (!t) {
      t = encodeTable(spec, what);
      this.cache.set(spec, t);
    }
    return t;
  }
}

/** One complete frame rewritten: regions blanked, scans re-encoded, padded to even length with a fill byte before EOI. */
export function rewriteFrame(frame: ScannedJpegFrame, frameNumber: number, geometry: ImageGeometry, regions: readonly DctRegion[]): { bytes: Uint8Array; blanked: BlankedArea[]; newTables: boolean } {
  const b = frame.bytes;
  const dct = readDctFrame(b, frame.scanner.segments, frame.scanner.eoi, frameNumber);
  checkAgainstGeometry(dct, geometry, frameNumber);
  const coefficients = allocateCoefficients(dct);
  for (const scan of dct.scans) decodeScan(b, dct, scan, coefficients, frameNumber);

  const blanked = regions.map((r) => {
    const edges = growToBlocks(dct, r.x, r.y, r.width, r.height);
    const targets = fillTargets(dct, r.fill, { bitsStored: geometry.bitsStored, photometric: geometry.photometricInterpretation });
    const dcs = dct.components.map((c, i) => flatDc(targets[i]!, dct.precision, c.dcQuantiser));
    blankBlocks(dct, coefficients, edges, dcs);
    return clip(edges, dct);
  });

  const { pieces, newTables } = encodeScans(b, dct, coefficients, frame.scanner.segments, frameNumber);
  // Whatever followed EOI (padding, or data the metadata strip reports and removes) is kept as it was.
  const trailing = b.subarray(frame.scanner.eoi + 2);
  const length = pieces.reduce((n, p) => n + p.length, 0) + 2 + trailing.length;
  const out = new Uint8Array(length + (length % 2));
  let q = 0;
  for (const p of pieces) (out.set(p, q), (q += p.length));
  // Fragments have even lengths: a 0xFF fill byte before EOI (ISO 10918-1 B.1.1.2), as jpeg.ts does.
  if (length % 2 === 1) out[q++] = 0xff;
  out[q++] = 0xff;
  out[q++] = 0xd9;
  out.set(trailing, q);
  return { bytes: out, blanked, newTables };
}

function checkAgainstGeometry(dct: DctFrame, geometry: ImageGeometry, frameNumber: number): void {
  if (dct.width !== geometry.columns || dct.height !== geometry.rows) {
    throw new PixelError("malformed", `JPEG frame ${frameNumber} is ${dct.width} x ${dct.height} but Columns x Rows is ${geometry.columns} x ${geometry.rows}: rectangles cannot be placed`);
  }
  if (dct.components.length !== geometry.samplesPerPixel) {
    throw new PixelError("malformed", `JPEG frame ${frameNumber} has ${dct.components.length} component(s) but Samples per Pixel is ${geometry.samplesPerPixel}`);
  }
}

function clip(edges: Edges, dct: DctFrame): BlankedArea {
  const x1 = Math.min(edges.x1, dct.width);
  const y1 = Math.min(edges.y1, dct.height);
  return { x: edges.x0, y: edges.y0, width: x1 - edges.x0, height: y1 - edges.y0 };
}

interface Override {
  spec: HuffmanSpec;
  /** the input's table of the slot when the override was written: a later input DHT for the slot ends it */
  replaced: HuffmanSpec | undefined;
}

/**
 * The frame's bytes from SOI up to (not including) EOI with every scan re-encoded: marker segments
 * are copied, a DHT segment is inserted before a scan whose tables lack a code it needs.
 */
function encodeScans(b: Uint8Array, dct: DctFrame, coefficients: Coefficients, segments: readonly { start: number; end: number }[], frameNumber: number): { pieces: Uint8Array[]; newTables: boolean } {
  const at = `JPEG frame ${frameNumber}`;
  const cache = new TableCache();
  const overrides: Record<"dc" | "ac", (Override | undefined)[]> = { dc: [], ac: [] };
  const pieces: Uint8Array[] = [];
  let copied = 0;
  let newTables = false;
  for (const scan of dct.scans) {
    // The tables in force in the output: the input's, unless a DHT written here replaced one.
    const inForce = (kind: "dc" | "ac", slot: number): HuffmanSpec => {
      const input = (kind === "dc" ? scan.dcTables : scan.acTables)[slot]!;
      const override = overrides[kind][slot];
      return override && override.replaced === input ? override.spec : input;
    };
    const tables = (kind: "dc" | "ac"): EncodeTable[] => {
      const out: EncodeTable[] = [];
      for (const slot of kind === "dc" ? scan.dcSlots : scan.acSlots) out[slot] = cache.get(inForce(kind, slot), `${at}: ${kind.toUpperCase()} Huffman table ${slot}`);
      return out;
    };
    const sizeHint = scan.dataEnd - scan.dataStart;
    let data = encodeScan(dct, scan, coefficients, tables("dc"), tables("ac"), sizeHint);
    const dht: Uint8Array[] = [];
    if (!data) {
      // Some symbol has no code (a new DC difference, an EOB the table lacks): optimal tables for the slots that need them.
      const counts = countScanSymbols(dct, scan, coefficients);
      for (const kind of ["dc", "ac"] as const) {
        for (const slot of new Set(kind === "dc" ? scan.dcSlots : scan.acSlots)) {
          const current = cache.get(inForce(kind, slot), `${at}: ${kind.toUpperCase()} Huffman table ${slot}`);
          if (covers(current, counts[kind][slot]!)) continue;
          const optimal = optimalSpec(counts[kind][slot]!);
          overrides[kind][slot] = { spec: optimal, replaced: (kind === "dc" ? scan.dcTables : scan.acTables)[slot] };
          dht.push(dhtTablePayload(kind === "dc" ? 0 : 1, slot, optimal));
        }
      }
      data = encodeScan(dct, scan, coefficients, tables("dc"), tables("ac"), sizeHint);
      if (!data) throw new Error(`${at}: new Huffman tables do not cover the scan`); // cannot happen: the tables were built from its counts
      newTables = true;
    }
    const sos = segments[scan.segmentIndex]!;
    pieces.push(b.subarray(copied, sos.start));
    if (dht.length > 0) pieces.push(dhtSegment(dht));
    pieces.push(b.subarray(sos.start, sos.end), data);
    copied = scan.dataEnd;
  }
  pieces.push(b.subarray(copied, lastSegmentEnd(segments, dct.scans)));
  return { pieces, newTables };
}

/** Where copying stops: after the last marker segment that follows the last scan (EOI is written anew). */
function lastSegmentEnd(segments: readonly { start: number; end: number }[], scans: readonly Scan[]): number {
  const last = scans[scans.length - 1]!;
  const after = segments.slice(last.segmentIndex + 1);
  return after.length > 0 ? after[after.length - 1]!.end : last.dataEnd;
}

function dhtSegment(tables: readonly Uint8Array[]): Uint8Array {
  const length = 2 + tables.reduce((n, t) => n + t.length, 0);
  const out = new Uint8Array(2 + length);
  out[0] = 0xff;
  out[1] = 0xc4;
  out[2] = length >> 8;
  out[3] = length & 0xff;
  let p = 4;
  for (const t of tables) (out.set(t, p), (p += t.length));
  return out;
}
