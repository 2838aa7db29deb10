// Native (uncompressed) pixel data: blanking in every sample layout, bit-exact outside the
// rectangles; overlay bits; the same rectangle on the same image in three encodings.

import { describe, expect, it } from "vitest";
import {
  PixelError,
  blankNative,
  describeImage,
  nativeLayout,
  removeOverlayBitsInPixelData,
  type ImageAttributeValues,
  type ImageGeometry,
  type PixelRegion,
} from "../../src/runtime/pixels/index";
import { CORPUS_DIR, corpusPath, inside, loadImageFile, nativeValue, randomBytes, readCell, storedValue, warnIfNoCorpus, writeCell, type SampleLayout } from "./helpers";

warnIfNoCorpus("pixels/native");

/** The cell a blanked sample must hold: fill in the stored bits, sign-extended when negative; neutral chrominance for YBR. */
function expectedCell(g: ImageGeometry, fill: number, sample: number): number {
  const lowBit = g.highBit - g.bitsStored + 1;
  const v = sample > 0 && g.photometricInterpretation.startsWith("YBR") ? 2 ** (g.bitsStored - 1) : fill;
  const stored = (((v % 2 ** g.bitsStored) + 2 ** g.bitsStored) % 2 ** g.bitsStored) * 2 ** lowBit;
  return g.signed && v < 0 && lowBit === 0 ? stored + 2 ** g.bitsAllocated - 2 ** g.bitsStored : stored;
}

interface Case {
  name: string;
  values: Omit<ImageAttributeValues, "TransferSyntaxUID">;
  layout: SampleLayout;
  regions: PixelRegion[];
  /** the region is widened to whole pixel pairs (YBR 422) */
  pairs?: boolean;
}

const LE: SampleLayout = { littleEndian: true, vr: "OW" };
const r = (x: number, y: number, width: number, height: number, fill = 0, frames: PixelRegion["frames"] = null): PixelRegion => ({ x, y, width, height, fill, frames });

const CASES: Case[] = [
  { name: "8-bit grey", values: { Rows: 9, Columns: 11, BitsAllocated: 8, BitsStored: 8, SamplesPerPixel: 1, PhotometricInterpretation: "MONOCHROME2" }, layout: { littleEndian: true, vr: "OB" }, regions: [r(2, 3, 5, 4, 200)] },
  {
    name: "16-bit signed, 12 stored, negative fill, 3 frames, frames 2..3",
    values: { Rows: 8, Columns: 10, BitsAllocated: 16, BitsStored: 12, HighBit: 11, PixelRepresentation: 1, NumberOfFrames: 3, SamplesPerPixel: 1, PhotometricInterpretation: "MONOCHROME2" },
    layout: LE,
    regions: [r(0, 0, 10, 2, -1000, [{ from: 2, to: 3 }]), r(7, 5, 3, 3, 2047)],
  },
  { name: "16-bit, high bit 15 of 12 stored (low bits unused)", values: { Rows: 6, Columns: 7, BitsAllocated: 16, BitsStored: 12, HighBit: 15, SamplesPerPixel: 1, PhotometricInterpretation: "MONOCHROME1" }, layout: LE, regions: [r(1, 1, 4, 4, 4095)] },
  { name: "32-bit unsigned", values: { Rows: 5, Columns: 6, BitsAllocated: 32, BitsStored: 32, SamplesPerPixel: 1, PhotometricInterpretation: "MONOCHROME2" }, layout: LE, regions: [r(1, 2, 3, 2, 4000000000)] },
  { name: "32-bit signed, 24 stored", values: { Rows: 5, Columns: 6, BitsAllocated: 32, BitsStored: 24, PixelRepresentation: 1, SamplesPerPixel: 1, PhotometricInterpretation: "MONOCHROME2" }, layout: LE, regions: [r(0, 0, 6, 1, -5)] },
  {
    name: "1-bit, 13 columns, 3 frames packed across byte boundaries",
    values: { Rows: 7, Columns: 13, BitsAllocated: 1, BitsStored: 1, NumberOfFrames: 3, SamplesPerPixel: 1, PhotometricInterpretation: "MONOCHROME2" },
    layout: { littleEndian: true, vr: "OB" },
    regions: [r(3, 1, 9, 5, 1, [{ from: 2, to: 3 }]), r(0, 6, 13, 1, 0)],
  },
  { name: "RGB 8-bit colour-by-pixel", values: { Rows: 6, Columns: 9, BitsAllocated: 8, BitsStored: 8, SamplesPerPixel: 3, PlanarConfiguration: 0, PhotometricInterpretation: "RGB" }, layout: { littleEndian: true, vr: "OB" }, regions: [r(1, 1, 7, 3, 17)] },
  { name: "RGB 8-bit colour-by-plane, 2 frames", values: { Rows: 6, Columns: 9, BitsAllocated: 8, BitsStored: 8, SamplesPerPixel: 3, PlanarConfiguration: 1, NumberOfFrames: 2, PhotometricInterpretation: "RGB" }, layout: { littleEndian: true, vr: "OB" }, regions: [r(4, 0, 5, 6, 255, [{ from: 2, to: 2 }])] },
  { name: "RGB 16-bit colour-by-plane", values: { Rows: 4, Columns: 5, BitsAllocated: 16, BitsStored: 16, SamplesPerPixel: 3, PlanarConfiguration: 1, PhotometricInterpretation: "RGB" }, layout: LE, regions: [r(1, 1, 3, 2, 65535)] },
  { name: "YBR_FULL 8-bit: neutral chrominance", values: { Rows: 4, Columns: 6, BitsAllocated: 8, BitsStored: 8, SamplesPerPixel: 3, PlanarConfiguration: 0, PhotometricInterpretation: "YBR_FULL" }, layout: { littleEndian: true, vr: "OB" }, regions: [r(0, 0, 3, 3, 0)] },
  {
    name: "YBR_FULL_422 8-bit: odd edges widened to whole pairs",
    values: { Rows: 4, Columns: 8, BitsAllocated: 8, BitsStored: 8, SamplesPerPixel: 3, PlanarConfiguration: 0, PhotometricInterpretation: "YBR_FULL_422" },
    layout: { littleEndian: true, vr: "OB" },
    regions: [r(1, 1, 4, 2, 16)],
    pairs: true,
  },
  { name: "big endian 16-bit", values: { Rows: 5, Columns: 7, BitsAllocated: 16, BitsStored: 16, SamplesPerPixel: 1, PhotometricInterpretation: "MONOCHROME2" }, layout: { littleEndian: false, vr: "OW" }, regions: [r(2, 2, 3, 3, 0x1234)] },
  { name: "big endian 8-bit in OW (bytes swapped in words)", values: { Rows: 5, Columns: 7, BitsAllocated: 8, BitsStored: 8, SamplesPerPixel: 1, PhotometricInterpretation: "MONOCHROME2" }, layout: { littleEndian: false, vr: "OW" }, regions: [r(1, 1, 3, 3, 9)] },
  { name: "big endian 8-bit RGB in OB", values: { Rows: 4, Columns: 5, BitsAllocated: 8, BitsStored: 8, SamplesPerPixel: 3, PlanarConfiguration: 1, PhotometricInterpretation: "RGB" }, layout: { littleEndian: false, vr: "OB" }, regions: [r(0, 1, 2, 2, 1)] },
  { name: "big endian 1-bit in OW", values: { Rows: 5, Columns: 11, BitsAllocated: 1, BitsStored: 1, SamplesPerPixel: 1, PhotometricInterpretation: "MONOCHROME2" }, layout: { littleEndian: false, vr: "OW" }, regions: [r(2, 1, 8, 3, 1)] },
];

function geometryOf(c: Case): ImageGeometry {
  return describeImage({ ...c.values, TransferSyntaxUID: c.layout.littleEndian ? "1.2.840.10008.1.2.1" : "1.2.840.10008.1.2.2" });
}

describe("blankNative", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s: rectangles filled, every other bit unchanged", (_name, c) => {
    const g = geometryOf(c);
    const length = nativeLayout(g, { littleEndian: c.layout.littleEndian, valueRepresentation: c.layout.vr }).requiredBytes;
    const input = randomBytes(length + (length % 2) + 2, 7 + length); // two bytes past the image: must survive too
    const before = input.slice();
    const output = blankNative(input, g, c.regions, c.layout.littleEndian, c.layout.vr);
    expect(input).toEqual(before); // the input is never modified
    expect(output).not.toBe(input);

    // Expected: the input with every cell inside a rectangle rewritten by the reference writer.
    const expected = input.slice();
    for (const region of c.regions) {
      const frames = region.frames ? region.frames.flatMap((f) => Array.from({ length: f.to - f.from + 1 }, (_, i) => f.from - 1 + i)) : Array.from({ length: g.frames }, (_, i) => i);
      const rect = c.pairs ? { x: region.x - (region.x % 2), y: region.y, width: Math.ceil((region.x + region.width) / 2) * 2 - (region.x - (region.x % 2)), height: region.height } : region;
      for (const frame of frames) {
        for (let row = 0; row < g.rows; row++) {
          for (let column = 0; column < g.columns; column++) {
            if (!inside(rect, row, column)) continue;
            for (let s = 0; s < g.samplesPerPixel; s++) writeCell(expected, g, c.layout, frame, row, column, s, expectedCell(g, region.fill, s));
          }
        }
      }
    }
    expect(Buffer.from(output).equals(Buffer.from(expected))).toBe(true);

    // And read back through the reference reader: the stored values are the fill.
    const first = c.regions[0]!;
    const frame = first.frames ? first.frames[0]!.from - 1 : 0;
    expect(storedValue(readCell(output, g, c.layout, frame, first.y, first.x, 0), g)).toBe(first.fill);
  });

  it("writes explicit bytes: big endian 0x1234 is 12 34; signed -1 in 12 bits is FF FF; unsigned high-bit-15 4095 is F0 FF", () => {
    const be = describeImage({ Rows: 1, Columns: 2, BitsAllocated: 16, BitsStored: 16, TransferSyntaxUID: "1.2.840.10008.1.2.2" });
    expect([...blankNative(new Uint8Array(4), be, [r(1, 0, 1, 1, 0x1234)], false, "OW")]).toEqual([0, 0, 0x12, 0x34]);
    const signed = describeImage({ Rows: 1, Columns: 2, BitsAllocated: 16, BitsStored: 12, PixelRepresentation: 1, TransferSyntaxUID: "1.2.840.10008.1.2" });
    expect([...blankNative(new Uint8Array(4), signed, [r(0, 0, 1, 1, -1)], true)]).toEqual([0xff, 0xff, 0, 0]);
    const shifted = describeImage({ Rows: 1, Columns: 1, BitsAllocated: 16, BitsStored: 12, HighBit: 15, TransferSyntaxUID: "1.2.840.10008.1.2" });
    expect([...blankNative(new Uint8Array(2), shifted, [r(0, 0, 1, 1, 4095)], true)]).toEqual([0xf0, 0xff]);
  });

  it("returns the input itself when no rectangle selects an existing frame", () => {
    const g = describeImage({ Rows: 2, Columns: 2, BitsAllocated: 8, NumberOfFrames: 2, TransferSyntaxUID: "1.2.840.10008.1.2.1" });
    const input = new Uint8Array(8);
    expect(blankNative(input, g, [], true)).toBe(input);
    expect(blankNative(input, g, [r(0, 0, 1, 1, 0, [{ from: 3, to: 5 }])], true)).toBe(input);
  });

  it("refuses a rectangle outside the image, a fill outside the stored range, and short pixel data", () => {
    const g = describeImage({ Rows: 600, Columns: 800, BitsAllocated: 8, BitsStored: 8, TransferSyntaxUID: "1.2.840.10008.1.2.1" });
    const px = new Uint8Array(480000);
    expect(() => blankNative(px, g, [r(700, 0, 200, 56)], true)).toThrow("rectangle (700, 0, 200, 56) reaches column 900 but the image has 800 columns");
    expect(() => blankNative(px, g, [r(0, 590, 10, 20)], true)).toThrow("rectangle (0, 590, 10, 20) reaches row 610 but the image has 600 rows");
    expect(() => blankNative(px, g, [r(0, 0, 1, 1, 256)], true)).toThrow("fill 256 of rectangle (0, 0, 1, 1) does not fit the stored values (Bits Stored 8, unsigned: 0 to 255)");
    expect(() => blankNative(px.subarray(0, 1000), g, [r(0, 0, 1, 1)], true)).toThrow("pixel data holds 1000 bytes but 1 frame of 800 x 600 pixels, 1 sample(s) of 8 bits need 480000");
    try {
      blankNative(px, g, [r(700, 0, 200, 56)], true);
    } catch (e) {
      expect(e).toBeInstanceOf(PixelError);
      expect((e as PixelError).kind).toBe("geometry");
    }
  });
});

describe("removeOverlayBitsInPixelData", () => {
  const g = describeImage({ Rows: 4, Columns: 4, BitsAllocated: 16, BitsStored: 12, HighBit: 11, NumberOfFrames: 2, TransferSyntaxUID: "1.2.840.10008.1.2.1" });

  it("clears the overlay bit in every sample of every frame and leaves the stored bits alone", () => {
    const input = randomBytes(64, 99);
    const output = removeOverlayBitsInPixelData(input, g, [12, 15]);
    for (let i = 0; i < 32; i++) {
      const before = input[2 * i]! | (input[2 * i + 1]! << 8);
      const after = output[2 * i]! | (output[2 * i + 1]! << 8);
      expect(after).toBe(before & ~((1 << 12) | (1 << 15)));
    }
  });

  it("works in big endian word order", () => {
    const input = Uint8Array.of(0x10, 0x01, 0x00, 0x02);
    const be = describeImage({ Rows: 1, Columns: 2, BitsAllocated: 16, BitsStored: 12, TransferSyntaxUID: "1.2.840.10008.1.2.2" });
    expect([...removeOverlayBitsInPixelData(input, be, [12], false, "OW")]).toEqual([0x00, 0x01, 0x00, 0x02]);
  });

  it("returns the input when no overlay bit is set, and refuses bits inside the stored range", () => {
    const clean = new Uint8Array(64).fill(0x0f);
    expect(removeOverlayBitsInPixelData(clean, g, [13])).toBe(clean);
    expect(() => removeOverlayBitsInPixelData(clean, g, [11])).toThrow("Overlay Bit Position 11 lies inside the stored bits 0..11");
  });
});

describe.skipIf(!CORPUS_DIR)("the same image in three encodings (corpus MR_small)", () => {
  it("blanking the same rectangle gives the same pixels in explicit LE, implicit LE and explicit big endian", () => {
    const region = r(10, 20, 30, 15, -7);
    const decoded = ["MR_small.dcm", "MR_small_implicit.dcm", "MR_small_bigendian.dcm"].map((name) => {
      const image = loadImageFile(corpusPath(`pydicom-debian/${name}`));
      const layout = { littleEndian: image.encoding.littleEndian, vr: image.vr };
      const out = blankNative(nativeValue(image), image.geometry, [region], layout.littleEndian, layout.vr);
      const values: number[] = [];
      for (let row = 0; row < image.geometry.rows; row++) for (let column = 0; column < image.geometry.columns; column++) values.push(storedValue(readCell(out, image.geometry, layout, 0, row, column, 0), image.geometry));
      return values;
    });
    expect(decoded[1]).toEqual(decoded[0]);
    expect(decoded[2]).toEqual(decoded[0]);
    expect(decoded[0]![20 * 64 + 10]).toBe(-7);
  });
});
