// The icon layer on its own: which fill an icon gets for the image's fill (grey, colour, palette,
// MONOCHROME1), the rectangles it reports, and when it gives up (the executor then removes the
// Icon Image Sequence). test/executor/icon.test.ts checks the same through the executor.

import { describe, expect, it } from "vitest";
import { describeImage, imageAttributesFrom, planRegions, type ImageGeometry, type PixelRegion } from "../../src/runtime/pixels";
import { blankIcon, iconFill, type IconItem } from "../../src/runtime/pixels/icon";

const TS = "1.2.840.10008.1.2.1";

function geometry(values: Record<string, number | string>): ImageGeometry {
  return describeImage({ TransferSyntaxUID: TS, SamplesPerPixel: 1, BitsAllocated: 8, BitsStored: 8, HighBit: 7, PixelRepresentation: 0, ...values });
}

const TAGS: Record<string, number> = { SamplesPerPixel: 0x00280002, PhotometricInterpretation: 0x00280004, PlanarConfiguration: 0x00280006, Rows: 0x00280010, Columns: 0x00280011, BitsAllocated: 0x00280100, BitsStored: 0x00280101, HighBit: 0x00280102, PixelRepresentation: 0x00280103 };

/** An icon item of `columns` x `rows` 8-bit samples, all 99, as an explicit VR little endian OW element. */
function item(values: Record<string, number | string>, samplesPerPixel = 1, palette?: Uint8Array): IconItem {
  const all: Record<string, number | string> = { SamplesPerPixel: samplesPerPixel, BitsAllocated: 8, BitsStored: 8, HighBit: 7, PixelRepresentation: 0, PlanarConfiguration: 0, ...values };
  const length = (all.Rows as number) * (all.Columns as number) * samplesPerPixel;
  const element = new Uint8Array(12 + length).fill(99);
  element.set([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x57, 0, 0, length & 0xff, (length >>> 8) & 0xff, 0, 0]);
  const map = new Map<number, number | string>(Object.entries(all).map(([k, v]) => [TAGS[k]!, v]));
  const descriptor = palette ? [palette.length, 0, 8] : null;
  return { values: map, paletteDescriptors: [descriptor, descriptor, descriptor], paletteData: [palette ?? null, palette ?? null, palette ?? null], littleEndian: true, pixelData: { element, encapsulated: false, littleEndian: true, explicitVr: true } };
}

const image = geometry({ Rows: 64, Columns: 64, PhotometricInterpretation: "MONOCHROME2" });
const region = (fill: number, fillColour: readonly [number, number, number] | null = null) => ({ fill, fillColour });

describe("iconFill", () => {
  it("keeps the fill on an icon of the same scale, and carries it to another bit depth by level", () => {
    const icon = geometry({ Rows: 16, Columns: 16, PhotometricInterpretation: "MONOCHROME2" });
    expect(iconFill(image, region(37), icon, item({ Rows: 16, Columns: 16 }))).toEqual({ fill: 37, fillColour: null });
    const image12 = describeImage({ ...imageAttributesFrom(() => undefined, TS), Rows: 64, Columns: 64, BitsAllocated: 16, BitsStored: 12, HighBit: 11, PixelRepresentation: 1, PhotometricInterpretation: "MONOCHROME2" });
    // Signed 12-bit: 0 stays 0 (black), 2047 (the largest) is 255, a negative fill is 0.
    expect(iconFill(image12, region(0), icon, item({ Rows: 16, Columns: 16 }))!.fill).toBe(0);
    expect(iconFill(image12, region(2047), icon, item({ Rows: 16, Columns: 16 }))!.fill).toBe(255);
    expect(iconFill(image12, region(-1024), icon, item({ Rows: 16, Columns: 16 }))!.fill).toBe(0);
  });

  it("inverts between MONOCHROME1 and MONOCHROME2 so the blanked area looks the same", () => {
    const mono1 = geometry({ Rows: 16, Columns: 16, PhotometricInterpretation: "MONOCHROME1" });
    expect(iconFill(image, region(0), mono1, item({ Rows: 16, Columns: 16 }))!.fill).toBe(255);
    const image1 = geometry({ Rows: 64, Columns: 64, PhotometricInterpretation: "MONOCHROME1" });
    expect(iconFill(image1, region(40), mono1, item({ Rows: 16, Columns: 16 }))!.fill).toBe(40);
  });

  it("keeps a colour on an RGB icon and picks the nearest palette entry on a PALETTE COLOR one", () => {
    const rgbImage = geometry({ Rows: 64, Columns: 64, SamplesPerPixel: 3, PlanarConfiguration: 0, PhotometricInterpretation: "RGB" });
    const rgbIcon = geometry({ Rows: 16, Columns: 16, SamplesPerPixel: 3, PlanarConfiguration: 0, PhotometricInterpretation: "RGB" });
    expect(iconFill(rgbImage, region(150, [255, 0, 0]), rgbIcon, item({ Rows: 16, Columns: 16 }, 3))!.fillColour).toEqual([255, 0, 0]);
    const paletteIcon = geometry({ Rows: 16, Columns: 16, PhotometricInterpretation: "PALETTE COLOR" });
    // Entries: 0 white, 1 mid grey, 2 black, 3..255 white.
    const palette = new Uint8Array(256).fill(255);
    palette[1] = 128;
    palette[2] = 0;
    expect(iconFill(image, region(0), paletteIcon, item({ Rows: 16, Columns: 16 }, 1, palette))!.fill).toBe(2);
    expect(iconFill(image, region(120), paletteIcon, item({ Rows: 16, Columns: 16 }, 1, palette))!.fill).toBe(1);
    // Without a readable palette only fill 0 has an answer (index 0).
    expect(iconFill(image, region(0), paletteIcon, item({ Rows: 16, Columns: 16 }))).toEqual({ fill: 0, fillColour: null });
    expect(iconFill(image, region(120), paletteIcon, item({ Rows: 16, Columns: 16 }))).toBeNull();
  });
});

describe("blankIcon", () => {
  const lines: PixelRegion[] = [{ x: 5, y: 3, width: 20, height: 7, frames: null, fill: 0 }];
  const planned = planRegions(image, [{ regions: lines, because: "banner" }]);

  it("reports the scaled rectangle and rewrites only the icon's value", () => {
    const icon = item({ Rows: 16, Columns: 16, PhotometricInterpretation: "MONOCHROME2" });
    const outcome = blankIcon(image, planned, icon, TS);
    expect(outcome.kind).toBe("blanked");
    if (outcome.kind !== "blanked") return;
    expect(outcome.blanked).toEqual([{ x: 1, y: 0, width: 6, height: 3, fill: 0, because: "banner", source: null }]);
    expect(outcome.element.subarray(0, 12)).toEqual(icon.pixelData!.element.subarray(0, 12));
    expect(outcome.element.filter((v) => v === 0).length - icon.pixelData!.element.filter((v) => v === 0).length).toBe(18);
  });

  it("gives up, with a reason, on a layout it cannot blank or a fill it cannot choose", () => {
    const twoSamples = blankIcon(image, planned, item({ Rows: 16, Columns: 16, PhotometricInterpretation: "MONOCHROME2" }, 2), TS);
    expect(twoSamples).toMatchObject({ kind: "removed", reason: expect.stringMatching(/Samples per Pixel 2/) });
    const grey = planRegions(image, [{ regions: [{ ...lines[0]!, fill: 120 }] }]);
    expect(blankIcon(image, grey, item({ Rows: 16, Columns: 16, PhotometricInterpretation: "PALETTE COLOR" }), TS)).toMatchObject({ kind: "removed", reason: expect.stringMatching(/palette cannot be read/) });
    const short = item({ Rows: 16, Columns: 16, PhotometricInterpretation: "MONOCHROME2" });
    short.pixelData = { ...short.pixelData!, element: short.pixelData!.element.subarray(0, 100) };
    expect(blankIcon(image, planned, short, TS).kind).toBe("removed");
  });

  it("leaves the icon unchanged when no region fills a frame, or the item has no Pixel Data", () => {
    expect(blankIcon(image, planRegions(image, [{ regions: [{ ...lines[0]!, frames: [{ from: 2, to: 3 }] }] }]), item({ Rows: 16, Columns: 16 }), TS)).toEqual({ kind: "unchanged" });
    expect(blankIcon(image, planned, { ...item({ Rows: 16, Columns: 16 }), pixelData: null }, TS)).toEqual({ kind: "unchanged" });
  });
});
