// Image geometry from the Image Pixel attributes, and rectangles checked against it.

import { describe, expect, it } from "vitest";
import { PixelError, describeImage, fillCells, imageAttributesFrom, planRegions, type ImageAttributeValues } from "../../src/runtime/pixels/index";

const BASE: ImageAttributeValues = { Rows: 600, Columns: 800, BitsAllocated: 8, BitsStored: 8, SamplesPerPixel: 1, PhotometricInterpretation: "MONOCHROME2 ", TransferSyntaxUID: "1.2.840.10008.1.2.1" };

function error(values: ImageAttributeValues): PixelError {
  try {
    describeImage(values);
  } catch (e) {
    if (e instanceof PixelError) return e;
    throw e;
  }
  throw new Error("describeImage accepted the attributes");
}

describe("describeImage", () => {
  it("reads numbers and text as the executor's pre-pass gives them, with defaults for optional attributes", () => {
    const g = describeImage({ ...BASE, NumberOfFrames: "12 ", Rows: "600" });
    expect(g).toMatchObject({ rows: 600, columns: 800, frames: 12, bitsStored: 8, highBit: 7, signed: false, samplesPerPixel: 1, planarConfiguration: 0, photometricInterpretation: "MONOCHROME2" });
    expect(g.transferSyntax).toMatchObject({ encoding: "native", lossy: false });
    expect(describeImage({ ...BASE, TransferSyntaxUID: "1.2.840.10008.1.2.4.50" }).transferSyntax).toMatchObject({ encoding: "jpeg", lossy: true, name: "JPEG Baseline (Process 1)" });
    expect(describeImage({ ...BASE, TransferSyntaxUID: "1.2.840.10008.1.2.4.103" }).transferSyntax).toMatchObject({ encoding: "opaque", name: "MPEG video" });
  });

  it("gathers values from a tag lookup", () => {
    const values = new Map<number, string | number>([
      [0x00280010, 4],
      [0x00280011, 5],
      [0x00280100, 16],
      [0x00280103, 1],
    ]);
    expect(describeImage(imageAttributesFrom((t) => values.get(t), "1.2.840.10008.1.2"))).toMatchObject({ rows: 4, columns: 5, bitsAllocated: 16, bitsStored: 16, signed: true });
  });

  it("explains what is missing or contradictory", () => {
    const { Rows: _rows, ...noRows } = BASE;
    expect(error(noRows as ImageAttributeValues).message).toBe("Rows is missing: the image height is unknown, so no rectangle can be placed");
    expect(error({ ...BASE, BitsAllocated: 12 })).toMatchObject({ kind: "unsupported", message: "Bits Allocated 12 is not supported: pixel samples of 1, 8, 16 or 32 bits are" });
    expect(error({ ...BASE, SamplesPerPixel: 4 }).kind).toBe("unsupported");
    expect(error({ ...BASE, BitsStored: 12 }).message).toBe("BitsStored 12 is not a whole number from 1 to 8");
    expect(error({ ...BASE, BitsAllocated: 16, BitsStored: 12, HighBit: 10 }).message).toBe("HighBit 10 does not fit Bits Stored 12 in Bits Allocated 16");
    expect(error({ ...BASE, NumberOfFrames: "0" }).message).toBe("NumberOfFrames 0 is not a whole number from 1 to 2147483647");
    expect(error({ ...BASE, SamplesPerPixel: 3, PhotometricInterpretation: "RGB" }).message).toMatch(/^PlanarConfiguration is missing for colour pixel data/);
    // RLE and JPEG carry their own component order: Planar Configuration does not matter there.
    expect(describeImage({ ...BASE, SamplesPerPixel: 3, PhotometricInterpretation: "RGB", TransferSyntaxUID: "1.2.840.10008.1.2.5" }).planarConfiguration).toBe(0);
    expect(error({ ...BASE, Columns: 801, SamplesPerPixel: 3, PlanarConfiguration: 0, PhotometricInterpretation: "YBR_FULL_422" }).message).toBe("YBR_FULL_422 pairs pixels horizontally, but the image has an odd number of columns (801)");
  });
});

describe("planRegions", () => {
  const g = describeImage({ ...BASE, NumberOfFrames: 12, BitsAllocated: 16, BitsStored: 12, PixelRepresentation: 1 });
  const source = { file: "site.deid", line: 14, column: 3 };

  it("resolves frames, drops frames past the last and reports them", () => {
    const [p] = planRegions(g, [{ regions: [{ x: 0, y: 0, width: 800, height: 56, fill: -2048, frames: [{ from: 10, to: 20 }, { from: 2, to: 3 }] }], because: "banner", source }]);
    expect(p!.frames).toEqual([1, 2, 9, 10, 11]);
    expect(p!.missingFrames).toEqual([{ from: 13, to: 20 }]);
    expect(p!.rule?.because).toBe("banner");
  });

  it("names the rectangle, the pixels block and the limit it passes", () => {
    const rules = (x: number, y: number, width: number, height: number, fill = 0) => [{ regions: [{ x, y, width, height, fill, frames: null }], source }];
    expect(() => planRegions(g, rules(700, 0, 200, 56))).toThrow("rectangle (700, 0, 200, 56) (pixels block at site.deid:14) reaches column 900 but the image has 800 columns");
    expect(() => planRegions(g, rules(0, 580, 10, 30))).toThrow("reaches row 610 but the image has 600 rows");
    expect(() => planRegions(g, rules(0, 0, 10, 10, 2048))).toThrow("fill 2048 of rectangle (0, 0, 10, 10) (pixels block at site.deid:14) does not fit the stored values (Bits Stored 12, signed: -2048 to 2047)");
    expect(() => planRegions(g, rules(0, 0, 0, 10))).toThrow("needs whole numbers, a non-negative origin and a positive size");
  });
});

describe("fillCells", () => {
  it("sign-extends negative fills, keeps YBR chrominance neutral, shifts to the high bit", () => {
    expect(fillCells(describeImage({ ...BASE, BitsAllocated: 16, BitsStored: 12, PixelRepresentation: 1 }), -1)).toEqual([0xffff]);
    expect(fillCells(describeImage({ ...BASE, SamplesPerPixel: 3, PlanarConfiguration: 0, PhotometricInterpretation: "YBR_FULL" }), 16)).toEqual([16, 128, 128]);
    expect(fillCells(describeImage({ ...BASE, SamplesPerPixel: 3, PlanarConfiguration: 0, PhotometricInterpretation: "RGB" }), 16)).toEqual([16, 16, 16]);
    expect(fillCells(describeImage({ ...BASE, BitsAllocated: 16, BitsStored: 12, HighBit: 15 }), 1)).toEqual([16]);
    expect(fillCells(describeImage({ ...BASE, BitsAllocated: 32, BitsStored: 32, PixelRepresentation: 1 }), -1)).toEqual([0xffffffff]);
  });
});
