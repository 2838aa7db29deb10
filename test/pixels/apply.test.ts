// applyPixelRules: what the executor gets back for each transfer syntax, and the rule selection
// helper it can use.

import { inflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { IrPixelRule } from "../../src/ir/types";
import type { EvalContext } from "../../src/runtime/executor/expr";
import {
  PixelError,
  applyPixelRules,
  buildEncapsulated,
  decodeRleFrame,
  describeImage,
  encodeRleFrame,
  fragmentBytes,
  parseEncapsulated,
  planPixelRules,
  type ImageAttributeValues,
  type PixelDataInput,
  type SelectedPixelRule,
} from "../../src/runtime/pixels/index";
import { CORPUS_DIR, corpusPath, inside, loadImageFile, randomBytes, readCell, warnIfNoCorpus } from "./helpers";

warnIfNoCorpus("pixels/apply");

const source = { file: "site.deid", line: 7, column: 1 };
const rule = (x: number, y: number, width: number, height: number, extra: Partial<{ fill: number; frames: { from: number; to: number }[] | null }> = {}): SelectedPixelRule => ({
  regions: [{ x, y, width, height, fill: extra.fill ?? 0, frames: extra.frames ?? null }],
  because: "test layout",
  source,
});

/** A native Pixel Data element: explicit VR (OB/OW) or implicit VR header, either byte order. */
function nativeElement(value: Uint8Array, explicitVr: boolean, littleEndian: boolean, vr = "OW"): Uint8Array {
  const header = new Uint8Array(explicitVr ? 12 : 8);
  const view = new DataView(header.buffer);
  view.setUint16(0, 0x7fe0, littleEndian);
  view.setUint16(2, 0x0010, littleEndian);
  if (explicitVr) {
    header[4] = vr.charCodeAt(0);
    header[5] = vr.charCodeAt(1);
    view.setUint32(8, value.length, littleEndian);
  } else view.setUint32(4, value.length, littleEndian);
  const out = new Uint8Array(header.length + value.length);
  out.set(header);
  out.set(value, header.length);
  return out;
}

const MONO16: ImageAttributeValues = { Rows: 6, Columns: 8, BitsAllocated: 16, BitsStored: 12, HighBit: 11, NumberOfFrames: 2, SamplesPerPixel: 1, PhotometricInterpretation: "MONOCHROME2", TransferSyntaxUID: "1.2.840.10008.1.2.1" };

function input(overrides: Partial<PixelDataInput> & Pick<PixelDataInput, "element" | "geometry">): PixelDataInput {
  return { encoding: { littleEndian: true, explicitVr: true }, rules: [], stripJpegMetadata: false, ...overrides };
}

describe("applyPixelRules: native", () => {
  const g = describeImage(MONO16);
  const value = randomBytes(6 * 8 * 2 * 2, 3).map((b, i) => (i % 2 === 1 ? b & 0x0f : b)); // 12 stored bits, no overlay bits

  it("returns null without reading the element when nothing applies", () => {
    const garbage = Uint8Array.of(1, 2, 3);
    expect(applyPixelRules(input({ element: garbage, geometry: g }))).toEqual({ element: null, report: [], frameTable: null });
    // a JPEG-only option does nothing to native data
    expect(applyPixelRules(input({ element: garbage, geometry: g, stripJpegMetadata: true })).element).toBeNull();
  });

  it.each([
    ["explicit VR little endian", true, true],
    ["implicit VR little endian", false, true],
    ["explicit VR big endian", true, false],
  ] as const)("%s: same header, rectangle filled, report per rule", (_name, explicitVr, littleEndian) => {
    const geometry = describeImage({ ...MONO16, TransferSyntaxUID: littleEndian ? (explicitVr ? "1.2.840.10008.1.2.1" : "1.2.840.10008.1.2") : "1.2.840.10008.1.2.2" });
    const element = nativeElement(value, explicitVr, littleEndian);
    const result = applyPixelRules(input({ element, geometry, encoding: { littleEndian, explicitVr }, rules: [rule(1, 2, 3, 2, { fill: 77, frames: [{ from: 2, to: 4 }] })] }));
    const out = result.element!;
    expect(out.length).toBe(element.length);
    const headerLength = explicitVr ? 12 : 8;
    expect(out.subarray(0, headerLength)).toEqual(element.subarray(0, headerLength));
    const layout = { littleEndian, vr: "OW" };
    for (let f = 0; f < 2; f++) {
      for (let row = 0; row < 6; row++) {
        for (let column = 0; column < 8; column++) {
          const after = readCell(out.subarray(headerLength), geometry, layout, f, row, column, 0);
          const before = readCell(element.subarray(headerLength), geometry, layout, f, row, column, 0);
          expect(after).toBe(f === 1 && inside({ x: 1, y: 2, width: 3, height: 2 }, row, column) ? 77 : before);
        }
      }
    }
    expect(result.report).toEqual([
      { kind: "frames-missing", x: 1, y: 2, width: 3, height: 2, frames: [{ from: 3, to: 4 }], frameCount: 2, because: "test layout", source },
      { kind: "blanked", x: 1, y: 2, width: 3, height: 2, fill: 77, frames: [{ from: 2, to: 2 }], because: "test layout", source },
    ]);
  });

  it("clears overlay bits in the same pass, and reports them only when some were set", () => {
    const withOverlay = value.slice();
    withOverlay[1] = withOverlay[1]! | 0x20; // bit 13 of the first sample
    const result = applyPixelRules(input({ element: nativeElement(withOverlay, true, true), geometry: g, overlayBitPositions: [13] }));
    expect(result.report).toEqual([{ kind: "overlay-bits-cleared", bitPositions: [13] }]);
    expect(result.element![13]).toBe(withOverlay[1]! & ~0x20);
    expect(applyPixelRules(input({ element: nativeElement(value, true, true), geometry: g, overlayBitPositions: [13] })).element).toBeNull();
  });

  it("refuses pixel data shorter than the geometry", () => {
    expect(() => applyPixelRules(input({ element: nativeElement(value.subarray(0, 20), true, true), geometry: g, rules: [rule(0, 0, 1, 1)] }))).toThrow(/pixel data holds 20 bytes but 2 frames/);
  });
});

describe("applyPixelRules: RLE", () => {
  it("blanks, clears overlay bits, and gives the new frame table", () => {
    const geometry = describeImage({ ...MONO16, TransferSyntaxUID: "1.2.840.10008.1.2.5" });
    const high = new Uint8Array(48).fill(0x21); // bit 13 set (0x20 in the high byte) and stored bit 8
    const frames = [0, 1].map(() => [encodeRleFrame([high, randomBytes(48, 5)], 6, 8)]);
    const header = Uint8Array.of(0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff);
    const element = buildEncapsulated(header, frames, true).element;
    const result = applyPixelRules(input({ element, geometry, rules: [rule(0, 0, 8, 1, { frames: [{ from: 1, to: 1 }] })], overlayBitPositions: [13] }));
    expect(result.report.map((r) => r.kind)).toEqual(["overlay-bits-cleared", "blanked"]);
    const px = parseEncapsulated(result.element!);
    expect(px.offsetTable).toEqual(result.frameTable!.offsets);
    const [hi0, lo0] = decodeRleFrame(fragmentBytes(px, 0), 6, 8, 2);
    expect([...hi0!.subarray(0, 8)]).toEqual(new Array(8).fill(0));
    expect([...lo0!.subarray(0, 8)]).toEqual(new Array(8).fill(0));
    expect([...hi0!.subarray(8)]).toEqual(new Array(40).fill(0x01));
    const [hi1] = decodeRleFrame(fragmentBytes(px, 1), 6, 8, 2);
    expect([...hi1!]).toEqual(new Array(48).fill(0x01));
  });

  it("refuses an RLE object whose fragments do not match its frames", () => {
    const geometry = describeImage({ ...MONO16, NumberOfFrames: 3, TransferSyntaxUID: "1.2.840.10008.1.2.5" });
    const header = Uint8Array.of(0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff);
    const element = buildEncapsulated(header, [[encodeRleFrame([new Uint8Array(48), new Uint8Array(48)], 6, 8)]], false).element;
    expect(() => applyPixelRules(input({ element, geometry, rules: [rule(0, 0, 1, 1)] }))).toThrow("RLE Lossless pixel data has 1 fragments for 3 frames; each frame must be one fragment");
  });
});

describe("applyPixelRules: codecs deidc does not have", () => {
  const header = Uint8Array.of(0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff);
  const jpegFrame = Uint8Array.of(0xff, 0xd8, 0xff, 0xfe, 0x00, 0x06, 0x44, 0x4f, 0x45, 0x00, 0xff, 0xda, 0x00, 0x03, 0x01, 0x12, 0xff, 0xd9);
  const element = buildEncapsulated(header, [[jpegFrame]], false).element;

  it.each([
    // JPEG .50/.51 are blanked in the coefficient domain (jpeg-dct.test.ts); progressive JPEG is not.
    ["1.2.840.10008.1.2.4.55", "blanking rectangles in JPEG Full Progression, Non-Hierarchical (Process 10 & 12) (retired) (1.2.840.10008.1.2.4.55) pixel data needs a JPEG codec, which deidc does not have; as the encoding is lossy, re-encoding would also degrade every pixel of the frames involved: quarantine the object"],
    ["1.2.840.10008.1.2.4.92", "blanking rectangles in JPEG 2000 Part 2 Multi-component (Lossless Only) (1.2.840.10008.1.2.4.92) pixel data needs a JPEG 2000 Part 2 Multi-component (Lossless Only) codec, which deidc does not have: quarantine the object"],
    ["1.2.840.10008.1.2.4.112", "blanking rectangles in JPEG XL (1.2.840.10008.1.2.4.112) pixel data needs a JPEG XL codec, which deidc does not have; as the encoding is lossy, re-encoding would also degrade every pixel of the frames involved: quarantine the object"],
  ])("%s: blanking throws needs-codec", (uid, message) => {
    const geometry = describeImage({ ...MONO16, NumberOfFrames: 1, TransferSyntaxUID: uid });
    let thrown: unknown;
    try {
      applyPixelRules(input({ element, geometry, rules: [rule(0, 0, 2, 2)] }));
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(PixelError);
    expect(thrown).toMatchObject({ kind: "needs-codec", message });
  });

  it("strips JPEG metadata when asked and reports each segment; JPEG 2000 Part 2 is left alone", () => {
    const geometry = describeImage({ ...MONO16, NumberOfFrames: 1, TransferSyntaxUID: "1.2.840.10008.1.2.4.70" });
    const result = applyPixelRules(input({ element, geometry, stripJpegMetadata: true }));
    expect(result.report).toEqual([{ kind: "metadata-removed", frame: 1, marker: "COM", length: 8 }]);
    expect([...fragmentBytes(parseEncapsulated(result.element!), 0)]).toEqual([0xff, 0xd8, 0xff, 0xda, 0x00, 0x03, 0x01, 0x12, 0xff, 0xd9]);
    expect(applyPixelRules(input({ element, geometry: describeImage({ ...MONO16, NumberOfFrames: 1, TransferSyntaxUID: "1.2.840.10008.1.2.4.92" }), stripJpegMetadata: true })).element).toBeNull();
  });
});

describe.skipIf(!CORPUS_DIR)("applyPixelRules: Deflated Image Frame Compression (corpus liver_deflate.dcm, 1-bit SEG)", () => {
  it("inflates only the frame a rectangle touches, fills it, deflates it again", () => {
    const image = loadImageFile(corpusPath("pydicom-data/liver_deflate.dcm"));
    const g = image.geometry;
    expect(g).toMatchObject({ bitsAllocated: 1, frames: 3 });
    const region = { x: 101, y: 200, width: 203, height: 50 };
    const result = applyPixelRules(input({ element: image.element, geometry: g, rules: [rule(region.x, region.y, region.width, region.height, { fill: 1, frames: [{ from: 2, to: 2 }] })] }));
    const before = parseEncapsulated(image.element);
    const after = parseEncapsulated(result.element!);
    expect(fragmentBytes(after, 0)).toEqual(fragmentBytes(before, 0));
    expect(fragmentBytes(after, 2)).toEqual(fragmentBytes(before, 2));
    expect(fragmentBytes(after, 1).length % 2).toBe(0);
    const old = new Uint8Array(inflateRawSync(fragmentBytes(before, 1)));
    const now = new Uint8Array(inflateRawSync(fragmentBytes(after, 1)));
    const one = { ...g, frames: 1 };
    const layout = { littleEndian: true, vr: "OB" };
    let mismatches = 0;
    for (let row = 0; row < g.rows; row++) {
      for (let column = 0; column < g.columns; column++) {
        const expected = inside(region, row, column) ? 1 : readCell(old, one, layout, 0, row, column, 0);
        if (readCell(now, one, layout, 0, row, column, 0) !== expected) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
  });
});

describe("planPixelRules", () => {
  const eq = (keyword: string, tag: string, value: string | number) => ({ kind: "binary" as const, op: "==" as const, left: { kind: "attr" as const, tag, keyword }, right: typeof value === "number" ? { kind: "num" as const, value } : { kind: "str" as const, value } });
  const region = { x: 0, y: 0, width: 10, height: 10, frames: null, fill: 0, source };
  const rules: IrPixelRule[] = [
    { when: eq("Modality", "00080060", "US"), because: "us", regions: [region], source },
    { when: null, because: "always", regions: [region], source },
    { when: eq("Rows", "00280010", 600), because: "600 rows", regions: [region], source },
  ];
  const context = (values: Map<number, string | number>): EvalContext => ({
    attr: (t) => values.get(t),
    has: (t) => values.has(t),
    itemAttr: (t) => values.get(t),
    itemHas: (t) => values.has(t),
    letValue: () => undefined,
    param: () => undefined,
    secret: () => new Uint8Array(0),
    current: () => undefined,
    keyText: (v) => (v === undefined ? "" : String(v)),
  });

  it("selects the blocks whose condition holds, in order, and lists the attributes to read", () => {
    const plan = planPixelRules(rules);
    expect(plan.select(context(new Map<number, string | number>([[0x00080060, "US"], [0x00280010, 480]]))).map((r) => r.because)).toEqual(["us", "always"]);
    expect(plan.select(context(new Map<number, string | number>([[0x00280010, 600]]))).map((r) => r.because)).toEqual(["always", "600 rows"]);
    expect(plan.attributeTags.has(0x00080060)).toBe(true);
    expect(plan.attributeTags.has(0x00280100)).toBe(true); // Bits Allocated, for describeImage
    expect(planPixelRules([]).empty).toBe(true);
  });
});
