// RLE Lossless: PackBits both ways, frames both ways, and blanking the corpus's RLE files with
// dcmdrle as the oracle for the decoder (input) and the encoder (output).

import { describe, expect, it } from "vitest";
import {
  PixelError,
  blankEncapsulatedRle,
  decodePackBits,
  decodeRleFrame,
  encodePackBits,
  encodeRleFrame,
  fragmentBytes,
  parseEncapsulated,
  type ImageGeometry,
  type PixelRegion,
} from "../../src/runtime/pixels/index";
import { CORPUS_DIR, HAVE_DCMDRLE, corpusPath, decodeWithDcmtk, inside, loadImageFile, nativeValue, randomBytes, readCell, warnIfNoCorpus, withPixelData, type LoadedImage } from "./helpers";

warnIfNoCorpus("pixels/rle");
if (CORPUS_DIR && !HAVE_DCMDRLE) console.warn("[pixels/rle] dcmdrle not installed (apt-get install dcmtk): the dcmtk oracle checks are skipped");

describe("PackBits", () => {
  it("decodes literal, replicate and no-op headers (PS3.5 G.3.2)", () => {
    const src = Uint8Array.of(0x02, 1, 2, 3, 0xfe, 9, 0x80, 0x00, 7);
    const out = new Uint8Array(7);
    expect(decodePackBits(src, 0, src.length, out, 0, 7)).toBe(7);
    expect([...out]).toEqual([1, 2, 3, 9, 9, 9, 7]);
  });

  it("round-trips rows of every length up to 300 with runs and noise", () => {
    for (let length = 1; length <= 300; length++) {
      const row = randomBytes(length, length);
      for (let i = 0; i < length; i++) if (row[i]! % 3 === 0) row[i] = i > 0 ? row[i - 1]! : 0; // runs
      const dst = new Uint8Array(length + Math.ceil(length / 128) + 2);
      const end = encodePackBits(row, 0, length, dst, 0);
      expect(end).toBeLessThanOrEqual(length + Math.ceil(length / 128));
      const back = new Uint8Array(length);
      expect(decodePackBits(dst, 0, end, back, 0, length)).toBe(length);
      expect(back).toEqual(row);
    }
  });

  it("encodes long runs in pieces of 128 and never lets a run cross a row", () => {
    const dst = new Uint8Array(16);
    expect([...dst.subarray(0, encodePackBits(new Uint8Array(130).fill(5), 0, 130, dst, 0))]).toEqual([0x81, 5, 0xff, 5]);
    // a 2 x 4 image of one value: two rows, each its own 4-byte run (header -3)
    const frame = encodeRleFrame([new Uint8Array(8).fill(7)], 2, 4);
    expect([...frame.subarray(64)]).toEqual([0xfd, 7, 0xfd, 7]);
  });
});

describe("RLE frames", () => {
  it("round-trip and are even-length with a 64-byte header", () => {
    const segments = [randomBytes(35, 1), randomBytes(35, 2).fill(3, 5, 30), randomBytes(35, 3)];
    const frame = encodeRleFrame(segments, 5, 7);
    expect(frame.length % 2).toBe(0);
    expect(frame[0]).toBe(3);
    expect(frame[4]).toBe(64);
    expect(decodeRleFrame(frame, 5, 7, 3)).toEqual(segments);
  });

  it("refuses a segment count that does not match the image and a truncated segment", () => {
    const frame = encodeRleFrame([new Uint8Array(35), new Uint8Array(35)], 5, 7);
    expect(() => decodeRleFrame(frame, 5, 7, 1, 2)).toThrow("RLE frame 2 has 2 segments but the image needs 1");
    expect(() => decodeRleFrame(frame.subarray(0, frame.length - 2), 5, 7, 2)).toThrow(PixelError);
  });
});

/** Every sample cell of a decoded RLE image, frame by frame, as readCell would give for native data. */
function decodeAll(image: LoadedImage, element: Uint8Array): number[][] {
  const g = image.geometry;
  const px = parseEncapsulated(element);
  const bytes = g.bitsAllocated / 8;
  return px.fragments.map((_, i) => {
    const segments = decodeRleFrame(fragmentBytes(px, i), g.rows, g.columns, g.samplesPerPixel * bytes, i + 1);
    const cells: number[] = [];
    for (let p = 0; p < g.rows * g.columns; p++) {
      for (let s = 0; s < g.samplesPerPixel; s++) {
        let v = 0;
        for (let k = 0; k < bytes; k++) v = v * 256 + segments[s * bytes + k]![p]!;
        cells.push(v);
      }
    }
    return cells;
  });
}

/** The same cells from a dcmtk-decoded (native) file. */
function nativeCells(decoded: LoadedImage): number[][] {
  const g = decoded.geometry;
  const value = nativeValue(decoded);
  const layout = { littleEndian: decoded.encoding.littleEndian, vr: decoded.vr };
  return Array.from({ length: g.frames }, (_, f) => {
    const cells: number[] = [];
    for (let row = 0; row < g.rows; row++) for (let column = 0; column < g.columns; column++) for (let s = 0; s < g.samplesPerPixel; s++) cells.push(readCell(value, g, layout, f, row, column, s));
    return cells;
  });
}

function fillCell(g: ImageGeometry, fill: number, sample: number): number {
  return sample > 0 && g.photometricInterpretation.startsWith("YBR") ? 2 ** (g.bitsStored - 1) : ((fill % 2 ** g.bitsAllocated) + 2 ** g.bitsAllocated) % 2 ** g.bitsAllocated;
}

const FILES: { path: string; region: PixelRegion }[] = [
  // Philips US multi-frame, palette colour: the banner of frame 1 only
  { path: "pydicom-data/OBXXXX1A_rle_2frame.dcm", region: { x: 0, y: 0, width: 800, height: 60, fill: 0, frames: [{ from: 1, to: 1 }] } },
  // RGB, 2 frames with a Basic Offset Table: frame 2 only
  { path: "pydicom-debian/SC_rgb_rle_2frame.dcm", region: { x: 13, y: 40, width: 50, height: 21, fill: 200, frames: [{ from: 2, to: 2 }] } },
  // signed 16-bit MR, one frame
  { path: "pydicom-debian/MR_small_RLE.dcm", region: { x: 5, y: 50, width: 40, height: 14, fill: -2000, frames: null } },
];

describe.skipIf(!CORPUS_DIR)("blankEncapsulatedRle on the corpus", () => {
  it.each(FILES.map((f) => [f.path, f] as const))("%s: rectangle filled, everything else identical, untouched frames copied", (_name, { path, region }) => {
    const image = loadImageFile(corpusPath(path));
    const g = image.geometry;
    const output = blankEncapsulatedRle(image.element, g, [region]);
    const before = decodeAll(image, image.element);
    const after = decodeAll(image, output);
    const frames = region.frames ? [region.frames[0]!.from - 1] : [...before.keys()];
    const inputPx = parseEncapsulated(image.element);
    const outputPx = parseEncapsulated(output);
    expect(outputPx.fragments.length).toBe(inputPx.fragments.length);
    // The Basic Offset Table is rebuilt when the input had one, and points at the fragments.
    expect(outputPx.offsetTable.length).toBe(inputPx.offsetTable.length);
    outputPx.offsetTable.forEach((offset, i) => expect(offset).toBe(outputPx.fragments[i]!.itemOffset - outputPx.firstFragmentOffset));
    for (let f = 0; f < before.length; f++) {
      if (!frames.includes(f)) {
        expect(fragmentBytes(outputPx, f)).toEqual(fragmentBytes(inputPx, f)); // untouched: byte-identical fragment
        continue;
      }
      let changedOutside = 0;
      let wrongInside = 0;
      for (let row = 0; row < g.rows; row++) {
        for (let column = 0; column < g.columns; column++) {
          for (let s = 0; s < g.samplesPerPixel; s++) {
            const i = (row * g.columns + column) * g.samplesPerPixel + s;
            if (inside(region, row, column)) {
              if (after[f]![i] !== fillCell(g, region.fill, s)) wrongInside++;
            } else if (after[f]![i] !== before[f]![i]) changedOutside++;
          }
        }
      }
      expect({ changedOutside, wrongInside }).toEqual({ changedOutside: 0, wrongInside: 0 });
    }
  });

  it.skipIf(!HAVE_DCMDRLE).each(FILES.map((f) => [f.path, f] as const))("%s: dcmdrle decodes input and output as deidc does", (_name, { path, region }) => {
    const image = loadImageFile(corpusPath(path));
    expect(nativeCells(decodeWithDcmtk("dcmdrle", image.bytes))).toEqual(decodeAll(image, image.element));
    const output = blankEncapsulatedRle(image.element, image.geometry, [region]);
    expect(nativeCells(decodeWithDcmtk("dcmdrle", withPixelData(image, output)))).toEqual(decodeAll(image, output));
  });

  it("returns the input when the rectangle's frames do not exist", () => {
    const image = loadImageFile(corpusPath("pydicom-debian/SC_rgb_rle_2frame.dcm"));
    expect(blankEncapsulatedRle(image.element, image.geometry, [{ x: 0, y: 0, width: 1, height: 1, fill: 0, frames: [{ from: 3, to: 9 }] }])).toBe(image.element);
  });
});
