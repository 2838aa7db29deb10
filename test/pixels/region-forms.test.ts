// planRegions for the region forms that depend on the object (edges, corners,
// `all`, ultrasound regions, `keep`), the complement decomposition, and
// colour fills (RGB as written, YBR by the PS3.3 C.7.6.3.1.2 equations).

import { describe, expect, it } from "vitest";
import type { IrArea } from "../../src/ir/types";
import { PixelError, colourSamples, complementRectangles, describeImage, fillCells, planRegions, type ImageAttributeValues, type PixelRegion } from "../../src/runtime/pixels/index";
import { seededRandom } from "../support/random";

const BASE: ImageAttributeValues = { Rows: 600, Columns: 800, BitsAllocated: 8, BitsStored: 8, SamplesPerPixel: 1, PhotometricInterpretation: "MONOCHROME2", TransferSyntaxUID: "1.2.840.10008.1.2.1" };
const grey = describeImage(BASE);
const rgb = describeImage({ ...BASE, SamplesPerPixel: 3, PlanarConfiguration: 0, PhotometricInterpretation: "RGB" });
const ybr = describeImage({ ...BASE, SamplesPerPixel: 3, PlanarConfiguration: 0, PhotometricInterpretation: "YBR_FULL" });
const ybrPartial = describeImage({ ...BASE, SamplesPerPixel: 3, PlanarConfiguration: 0, PhotometricInterpretation: "YBR_PARTIAL_422" });

function area(a: IrArea, extra: Partial<PixelRegion> = {}): PixelRegion {
  return { x: 0, y: 0, width: 0, height: 0, area: a, frames: null, fill: 0, ...extra };
}

const rects = (planned: { x: number; y: number; width: number; height: number }[]) => planned.map((p) => [p.x, p.y, p.width, p.height]);

describe("planRegions: shapes that depend on the object", () => {
  it("resolves `Columns - N` and `Rows - N`, corners and `all` against this image", () => {
    const planned = planRegions(grey, [
      {
        regions: [
          area({ kind: "rect", x: { edge: "Columns", minus: 200 }, y: { edge: "Rows", minus: 40 }, width: 200, height: 40 }),
          area({ kind: "corners", x0: 100, y0: 0, x1: { edge: "Columns", minus: 0 }, y1: 56 }),
          area({ kind: "all" }),
        ],
      },
    ]);
    expect(rects(planned)).toEqual([
      [600, 560, 200, 40],
      [100, 0, 700, 56],
      [0, 0, 800, 600],
    ]);
  });

  it("names the written and the resolved rectangle when it leaves the image", () => {
    expect(() => planRegions(grey, [{ regions: [area({ kind: "rect", x: { edge: "Columns", minus: 100 }, y: 0, width: 200, height: 10 })] }])).toThrow(/rectangle \(Columns - 100, 0, 200, 10\) = \(700, 0, 200, 10\).*reaches column 900/);
    expect(() => planRegions(grey, [{ regions: [area({ kind: "corners", x0: 50, y0: 0, x1: 10, y1: 10 })] }])).toThrow(PixelError);
  });

  it("turns ultrasound regions (inclusive bounds) into rectangles, cut to the image", () => {
    const ultrasound = [
      { minX0: 10, minY0: 20, maxX1: 109, maxY1: 219 },
      { minX0: 700, minY0: 500, maxX1: 900, maxY1: 650 },
    ];
    expect(rects(planRegions(grey, [{ regions: [area({ kind: "ultrasound" })] }], { ultrasound }))).toEqual([
      [10, 20, 100, 200],
      [700, 500, 100, 100],
    ]);
    expect(() => planRegions(grey, [{ regions: [area({ kind: "ultrasound" })] }], { ultrasound: null })).toThrow(/no Sequence of Ultrasound Regions/);
    expect(() => planRegions(grey, [{ regions: [area({ kind: "ultrasound" })] }], { ultrasound: [{ minX0: 5, minY0: 5, maxX1: 1, maxY1: 9 }] })).toThrow(PixelError);
  });

  it("`keep` blanks the outside of the union of a block's keep regions, per frame", () => {
    const g = describeImage({ ...BASE, Rows: 10, Columns: 10, NumberOfFrames: 3 });
    const planned = planRegions(g, [
      {
        regions: [
          { x: 2, y: 2, width: 4, height: 4, keep: true, frames: null, fill: 9 },
          { x: 5, y: 5, width: 5, height: 5, keep: true, frames: [{ from: 2, to: 2 }], fill: 9 },
        ],
      },
    ]);
    const covered = (frame: number): number => {
      let n = 0;
      for (const p of planned) if (p.frames.includes(frame)) n += p.width * p.height;
      return n;
    };
    expect(covered(0)).toBe(100 - 16);
    expect(covered(1)).toBe(100 - 16 - 25 + 1);
    expect(covered(2)).toBe(100 - 16);
    expect(planned.every((p) => p.fill === 9)).toBe(true);
  });
});

describe("complementRectangles", () => {
  it("covers exactly the pixels outside the kept rectangles, without overlap (random layouts)", () => {
    const random = seededRandom(20261123);
    for (let round = 0; round < 200; round++) {
      const columns = 1 + Math.floor(random() * 40);
      const rows = 1 + Math.floor(random() * 40);
      const kept = Array.from({ length: Math.floor(random() * 5) }, () => {
        const x = Math.floor(random() * columns);
        const y = Math.floor(random() * rows);
        return { x, y, width: 1 + Math.floor(random() * (columns - x)), height: 1 + Math.floor(random() * (rows - y)) };
      });
      const count = new Uint8Array(columns * rows);
      for (const r of complementRectangles(columns, rows, kept)) {
        expect(r.width > 0 && r.height > 0).toBe(true);
        for (let y = r.y; y < r.y + r.height; y++) for (let x = r.x; x < r.x + r.width; x++) count[y * columns + x]!++;
      }
      for (let y = 0; y < rows; y++)
        for (let x = 0; x < columns; x++) {
          const isKept = kept.some((k) => x >= k.x && x < k.x + k.width && y >= k.y && y < k.y + k.height);
          expect(count[y * columns + x], `round ${round} at ${x},${y}`).toBe(isKept ? 0 : 1);
        }
    }
  });

  it("keeps a banner-shaped outside to few rectangles", () => {
    expect(complementRectangles(800, 600, [{ x: 0, y: 56, width: 800, height: 544 }])).toEqual([{ x: 0, y: 0, width: 800, height: 56 }]);
    expect(complementRectangles(800, 600, [{ x: 100, y: 100, width: 600, height: 400 }])).toHaveLength(4);
  });
});

describe("colour fills", () => {
  it("RGB takes the components as written; the grey fill is their luma", () => {
    expect(fillCells(rgb, 0, [255, 128, 7])).toEqual([255, 128, 7]);
    const [p] = planRegions(rgb, [{ regions: [{ x: 0, y: 0, width: 1, height: 1, frames: null, fill: 0, fillColour: [255, 128, 7] }] }]);
    expect(p).toMatchObject({ fillColour: [255, 128, 7], fill: Math.round(0.299 * 255 + 0.587 * 128 + 0.114 * 7) });
  });

  it("YBR_FULL and YBR_PARTIAL by the PS3.3 C.7.6.3.1.2 equations", () => {
    expect(colourSamples(ybr, [0, 0, 0])).toEqual([0, 128, 128]);
    expect(colourSamples(ybr, [255, 255, 255])).toEqual([255, 128, 128]);
    expect(colourSamples(ybr, [255, 0, 0])).toEqual([76, 85, 255]);
    expect(colourSamples(ybrPartial, [0, 0, 0])).toEqual([16, 128, 128]);
    expect(colourSamples(ybrPartial, [255, 255, 255])).toEqual([235, 128, 128]);
    expect(fillCells(ybr, 0, [255, 0, 0])).toEqual([76, 85, 255]);
  });

  it("is refused on a one-sample image, and checked against the stored range", () => {
    expect(() => planRegions(grey, [{ regions: [{ x: 0, y: 0, width: 1, height: 1, frames: null, fill: 0, fillColour: [1, 2, 3] }] }])).toThrow(/is a colour, but the image has 1 sample per pixel/);
    expect(() => planRegions(rgb, [{ regions: [{ x: 0, y: 0, width: 1, height: 1, frames: null, fill: 0, fillColour: [256, 0, 0] }] }])).toThrow(/does not fit the stored values/);
  });
});
