// Shared helpers for the pixel tests: loading a corpus image (header values, Pixel Data element,
// geometry), splicing a new Pixel Data element into a file, decoding with dcmtk, and an
// independent sample reader to check results against.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TokenKind, openCursor, readPart10, type DicomFile } from "../../src/runtime/dicom/index";
import { describeImage, imageAttributesFrom, type ImageGeometry } from "../../src/runtime/pixels/index";

export { CORPUS_DIR, warnIfNoCorpus } from "../runtime/dicom/corpus";
import { CORPUS_DIR } from "../runtime/dicom/corpus";

export function corpusPath(relative: string): string {
  return join(CORPUS_DIR ?? "/nonexistent", relative);
}

export interface LoadedImage {
  bytes: Uint8Array;
  file: DicomFile;
  /** top-level values (numbers for binary/IS/DS VRs, trimmed text otherwise) */
  values: Map<number, string | number>;
  present: Set<number>;
  geometry: ImageGeometry;
  /** the Pixel Data element, header included (a view into the dataset) */
  element: Uint8Array;
  /** [start, end) of the element in `bytes` (non-deflated files) */
  elementStart: number;
  elementEnd: number;
  encoding: { littleEndian: boolean; explicitVr: boolean };
  vr: string;
}

const NUMERIC_VRS = new Set(["US", "SS", "UL", "SL", "FL", "FD", "IS", "DS"]);

/** Reads the top level of a DICOM object the way the executor's pre-pass does, and finds its Pixel Data. */
export function loadImage(bytes: Uint8Array): LoadedImage {
  const file = readPart10(bytes);
  const cursor = openCursor(file);
  const values = new Map<number, string | number>();
  const present = new Set<number>();
  let element: Uint8Array | undefined;
  let start = 0;
  let end = 0;
  let encoding = { littleEndian: true, explicitVr: true };
  let vr = "";
  while (cursor.next()) {
    if (cursor.depth !== 0) continue;
    if (cursor.kind === TokenKind.Sequence) {
      present.add(cursor.tag);
      cursor.skip();
      continue;
    }
    if (cursor.kind !== TokenKind.Element && cursor.kind !== TokenKind.EncapsulatedPixelData) continue;
    present.add(cursor.tag);
    if (cursor.tag === 0x7fe00010) {
      element = cursor.bytes.subarray(cursor.headerOffset, cursor.endOffset);
      start = file.datasetOffset + cursor.headerOffset;
      end = file.datasetOffset + cursor.endOffset;
      encoding = { littleEndian: cursor.littleEndian, explicitVr: cursor.explicitVr };
      vr = cursor.vr;
      continue;
    }
    if (NUMERIC_VRS.has(cursor.vr)) {
      const n = cursor.readNumber(0);
      if (!Number.isNaN(n)) values.set(cursor.tag, n);
    } else if (cursor.vr !== "OB" && cursor.vr !== "OW" && cursor.vr !== "UN") {
      values.set(cursor.tag, cursor.readText().replace(/^ +/, ""));
    }
  }
  if (!element) throw new Error("no Pixel Data");
  const geometry = describeImage(imageAttributesFrom((tag) => values.get(tag), file.transferSyntaxUid));
  return { bytes, file, values, present, geometry, element, elementStart: start, elementEnd: end, encoding, vr };
}

export function loadImageFile(path: string): LoadedImage {
  return loadImage(new Uint8Array(readFileSync(path)));
}

/** The file with its Pixel Data element replaced (same File Meta; works for non-deflated datasets). */
export function withPixelData(image: LoadedImage, element: Uint8Array): Uint8Array {
  const out = new Uint8Array(image.bytes.length - (image.elementEnd - image.elementStart) + element.length);
  out.set(image.bytes.subarray(0, image.elementStart), 0);
  out.set(element, image.elementStart);
  out.set(image.bytes.subarray(image.elementEnd), image.elementStart + element.length);
  return out;
}

/** The value of a native Pixel Data element (after its 8- or 12-byte header). */
export function nativeValue(image: LoadedImage): Uint8Array {
  const headerLength = image.encoding.explicitVr ? 12 : 8;
  return image.element.subarray(headerLength);
}


// ---------------------------------------------------------------- dcmtk

function have(tool: string): boolean {
  return spawnSync(tool, ["--version"], { stdio: "ignore" }).status === 0;
}

export const HAVE_DCMDRLE = have("dcmdrle");
export const HAVE_DCMDJPEG = have("dcmdjpeg");
export const HAVE_DCMDJPLS = have("dcmdjpls");

/** Decompresses with a dcmtk tool (dcmdrle, dcmdjpeg, dcmdjpls) and loads the result. Throws with dcmtk's message on failure. */
export function decodeWithDcmtk(tool: string, bytes: Uint8Array): LoadedImage {
  const dir = mkdtempSync(join(tmpdir(), "deidc-pixels-"));
  try {
    const input = join(dir, "in.dcm");
    const output = join(dir, "out.dcm");
    writeFileSync(input, bytes);
    const run = spawnSync(tool, ["+te", input, output], { encoding: "utf8" });
    if (run.status !== 0) throw new Error(`${tool} failed: ${run.stderr || run.stdout}`);
    return loadImageFile(output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- reference sample reader

export interface SampleLayout {
  littleEndian: boolean;
  vr: string;
}

/** Where one sample cell of 8 or more bits lies: byte offset (before any word swap) and width. */
function cellAddress(g: ImageGeometry, frame: number, row: number, column: number, sample: number): { offset: number; bytes: number } {
  const pixels = g.rows * g.columns;
  const bytes = g.bitsAllocated / 8;
  let index: number;
  let perFrame: number;
  if (g.samplesPerPixel === 3 && (g.photometricInterpretation === "YBR_FULL_422" || g.photometricInterpretation === "YBR_PARTIAL_422")) {
    perFrame = pixels * 2;
    const pair = row * (g.columns / 2) + Math.floor(column / 2);
    index = pair * 4 + (sample === 0 ? column % 2 : 1 + sample);
  } else {
    perFrame = pixels * g.samplesPerPixel;
    index = g.planarConfiguration === 0 ? (row * g.columns + column) * g.samplesPerPixel + sample : sample * pixels + row * g.columns + column;
  }
  return { offset: (frame * perFrame + index) * bytes, bytes };
}

/**
 * One stored sample cell (all Bits Allocated bits, unsigned), read the slow and obvious way, to
 * check the production code against.
 */
export function readCell(value: Uint8Array, g: ImageGeometry, layout: SampleLayout, frame: number, row: number, column: number, sample: number): number {
  const wordSwapped = !layout.littleEndian && (g.bitsAllocated > 8 || layout.vr === "OW");
  const at = (i: number): number => value[wordSwapped ? i ^ 1 : i]!;
  if (g.bitsAllocated === 1) {
    const bit = frame * g.rows * g.columns + row * g.columns + column;
    return (at(bit >> 3) >> (bit & 7)) & 1;
  }
  const { offset, bytes } = cellAddress(g, frame, row, column, sample);
  let v = 0;
  for (let k = bytes - 1; k >= 0; k--) v = v * 256 + at(offset + k);
  return v;
}

/** The stored value of a cell, as a number (masked to the stored bits, sign applied). */
export function storedValue(cell: number, g: ImageGeometry): number {
  const lowBit = g.highBit - g.bitsStored + 1;
  const raw = Math.floor(cell / 2 ** lowBit) % 2 ** g.bitsStored;
  return g.signed && raw >= 2 ** (g.bitsStored - 1) ? raw - 2 ** g.bitsStored : raw;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function inside(r: Rect, row: number, column: number): boolean {
  return column >= r.x && column < r.x + r.width && row >= r.y && row < r.y + r.height;
}

/** A deterministic pseudo-random byte stream (xorshift), so failures reproduce. */
export function randomBytes(length: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s & 0xff;
  }
  return out;
}

/** Writes one sample cell, the inverse of readCell. */
export function writeCell(value: Uint8Array, g: ImageGeometry, layout: SampleLayout, frame: number, row: number, column: number, sample: number, cell: number): void {
  const wordSwapped = !layout.littleEndian && (g.bitsAllocated > 8 || layout.vr === "OW");
  if (g.bitsAllocated === 1) {
    const bit = frame * g.rows * g.columns + row * g.columns + column;
    const i = wordSwapped ? (bit >> 3) ^ 1 : bit >> 3;
    value[i] = cell ? value[i]! | (1 << (bit & 7)) : value[i]! & ~(1 << (bit & 7));
    return;
  }
  const { offset, bytes } = cellAddress(g, frame, row, column, sample);
  for (let k = 0; k < bytes; k++) value[wordSwapped ? (offset + k) ^ 1 : offset + k] = Math.floor(cell / 2 ** (8 * k)) & 0xff;
}

/** Byte equality without vitest's element-by-element deep compare (slow on megabytes). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
