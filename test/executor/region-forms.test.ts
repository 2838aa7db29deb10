// The object outcomes `accept` and `skip` and the pixel forms of LANGUAGE.md
// requirement 10, run on corpus files through the executor AND through a
// generated plan module (one semantics): edges (`Columns - N`), corners,
// `blank all`, `keep`, the Sequence of Ultrasound Regions, colour fills,
// `pixels apply first`, `pixels complete` (Burned In Annotation NO) and the
// Clean Pixel Data code 113101 only when pixels were cleaned.

import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileProfile } from "../../src/compile";
import type { IrProgram } from "../../src/ir/types";
import { createExecutor } from "../../src/runtime/executor";
import type { ObjectResult } from "../../src/runtime/executor/types";
import { applyPixelRules, type PixelRegion } from "../../src/runtime/pixels";
import { evaluateGenerated, expectSameResult } from "../codegen/helpers";
import { readWithDcmjs } from "../runtime/dicom/corpus";
import { CORPUS_DIR, HAVE_DCMDRLE, decodeWithDcmtk, loadImage, nativeValue, readCell, storedValue, warnIfNoCorpus, type LoadedImage } from "../pixels/helpers";
import { topLevelCodes, topLevelTexts } from "./helpers";

warnIfNoCorpus("executor/region-forms");

const key = new TextEncoder().encode("region-forms-test-key-0123");
const env = { secrets: new Map<string, Uint8Array>(), params: new Map(), tables: new Map(), runKey: key };
const work = mkdtempSync(join(tmpdir(), "deidc-forms-"));
let profiles = 0;

function compile(body: string): IrProgram {
  const path = join(work, `p${profiles++}.deid`);
  writeFileSync(path, `deid 1\n\nprofile t.forms "t"\n  based on ps315.basic\n\n${body}\n`);
  const result = compileProfile(path);
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  expect(errors.map((d) => d.message)).toEqual([]);
  return result.ir!;
}

/** Runs the profile on a corpus file with the executor and with the generated plan; they must agree. */
function run(ir: IrProgram, relative: string): { input: Uint8Array; result: ObjectResult } {
  const input = new Uint8Array(readFileSync(join(CORPUS_DIR!, relative)));
  const interpreted = createExecutor(ir, env).process(input, relative);
  const generated = evaluateGenerated(ir).createProcessor(env).process(input, relative);
  expectSameResult(generated, interpreted, relative);
  return { input, result: interpreted };
}

function written(result: ObjectResult): Uint8Array {
  expect(result.record.outcome, result.record.reason).toBe("written");
  return result.output!;
}

/** The Pixel Data the pixel layer makes of `input` with plain rectangles: what the forms must come to. */
function blankedWith(input: Uint8Array, regions: PixelRegion[]): Uint8Array {
  const image = loadImage(input);
  const result = applyPixelRules({ element: image.element, encoding: image.encoding, geometry: image.geometry, rules: [{ regions }], stripJpegMetadata: true });
  return result.element ?? image.element;
}

function pixelElement(output: Uint8Array): Uint8Array {
  return loadImage(output).element;
}

function plain(x: number, y: number, width: number, height: number, fill = 0): PixelRegion {
  return { x, y, width, height, fill, frames: null };
}

/** Every sample of a native image, checked against `expected(row, column, sample, before)`. */
function expectSamples(before: LoadedImage, after: LoadedImage, expected: (row: number, column: number, sample: number, original: number) => number): void {
  const g = before.geometry;
  const layout = { littleEndian: before.encoding.littleEndian, vr: before.vr };
  const a = nativeValue(before);
  const b = nativeValue(after);
  let wrong = 0;
  for (let f = 0; f < g.frames; f++)
    for (let row = 0; row < g.rows; row++)
      for (let column = 0; column < g.columns; column++)
        for (let s = 0; s < g.samplesPerPixel; s++) {
          const original = storedValue(readCell(a, g, layout, f, row, column, s), g);
          if (storedValue(readCell(b, g, layout, f, row, column, s), g) !== expected(row, column, s, original)) wrong++;
        }
  expect(wrong).toBe(0);
}

/** The regions of the Sequence of Ultrasound Regions, read with dcmjs (independently of the executor). */
function ultrasoundRegions(bytes: Uint8Array): { x0: number; y0: number; x1: number; y1: number }[] {
  const data = readWithDcmjs(bytes) as { SequenceOfUltrasoundRegions?: Record<string, number>[] } | undefined;
  return (data?.SequenceOfUltrasoundRegions ?? []).map((r) => ({ x0: r.RegionLocationMinX0!, y0: r.RegionLocationMinY0!, x1: r.RegionLocationMaxX1!, y1: r.RegionLocationMaxY1! }));
}

const CT = "pydicom-debian/CT_small.dcm"; // 128 x 128, 16-bit grey, native
const ALOKA = "pydicom-data/gdcm-US-ALOKA-16.dcm"; // 640 x 480 palette colour, native, Sequence of Ultrasound Regions
const PHILIPS_RLE = "pydicom-data/OBXXXX1A_rle_2frame.dcm"; // 800 x 600, 2 frames, RLE, Sequence of Ultrasound Regions
const RGB_NATIVE = "pydicom-debian/ExplVR_BigEnd.dcm"; // 80 x 60 RGB, colour-by-plane, big endian
const RGB_RLE = "pydicom-debian/SC_rgb_rle_2frame.dcm"; // 100 x 100 RGB, 2 frames, RLE

describe.skipIf(!CORPUS_DIR)("accept and skip", () => {
  it("skip: the output is the input, byte for byte, with outcome skipped, its reason and rule", () => {
    const ir = compile('skip when Modality == "CT" because "phantom scans"\nreject because "everything else is rejected"');
    const { input, result } = run(ir, CT);
    expect(result.record).toMatchObject({ outcome: "skipped", reason: "phantom scans", rule: { line: 6 } });
    expect(Buffer.from(result.output!).equals(Buffer.from(input))).toBe(true);
    expect(result.record.touched).toEqual([]);
  });

  it("accept: de-identified, and later filters are not evaluated", () => {
    const ir = compile('accept when Modality == "CT" because "CT is released"\nreject because "everything else is rejected"');
    const ct = run(ir, CT).result;
    expect(ct.record.outcome).toBe("written");
    expect(ct.record.touched.length).toBeGreaterThan(0);
    expect(run(ir, RGB_NATIVE).result.record).toMatchObject({ outcome: "rejected", reason: "everything else is rejected" });
  });

  it("filters run in file order: a reject before the accept still decides", () => {
    const ir = compile('reject when Modality == "CT" because "no CT"\naccept because "all"\nskip because "never reached"');
    expect(run(ir, CT).result.record.outcome).toBe("rejected");
    expect(run(ir, RGB_NATIVE).result.record.outcome).toBe("written");
  });
});

describe.skipIf(!CORPUS_DIR)("rectangle forms on the corpus", () => {
  it("`Columns - N`, `Rows - N` and corners resolve per object to the same rectangle", () => {
    const ir = compile("pixels {\n  blank (Columns - 30, Rows - 20, 30, 20)\n  blank from (0, 0) to (Columns - 100, 10) fill 7\n}");
    const { input, result } = run(ir, CT);
    expect(Buffer.from(pixelElement(written(result))).equals(Buffer.from(blankedWith(input, [plain(98, 108, 30, 20), plain(0, 0, 28, 10, 7)])))).toBe(true);
    // The same block on a 640 x 480 image lands 640 - 30 from the left.
    const us = run(ir, ALOKA);
    expect(Buffer.from(pixelElement(written(us.result))).equals(Buffer.from(blankedWith(us.input, [plain(610, 460, 30, 20), plain(0, 0, 540, 10, 7)])))).toBe(true);
  });

  it("`blank all` fills every pixel", () => {
    const { input, result } = run(compile("pixels {\n  blank all fill 5\n}"), CT);
    const before = loadImage(input);
    expectSamples(before, loadImage(written(result)), () => 5);
  });

  it("`keep` rectangles: everything outside their union is filled, inside is unchanged", () => {
    const { input, result } = run(compile("pixels {\n  keep (10, 20, 50, 30) fill 3\n  keep (40, 40, 60, 70) fill 3\n}"), CT);
    const inKeep = (row: number, column: number) => (column >= 10 && column < 60 && row >= 20 && row < 50) || (column >= 40 && column < 100 && row >= 40 && row < 110);
    expectSamples(loadImage(input), loadImage(written(result)), (row, column, _s, original) => (inKeep(row, column) ? original : 3));
  });

  it("a rectangle that leaves the image quarantines the object, naming the resolved rectangle", () => {
    const { result } = run(compile("pixels {\n  blank from (Columns - 10, 0) to (Columns, 10)\n  blank (0, 0, 200, 10)\n}"), CT);
    expect(result.record.outcome).toBe("quarantined");
    expect(result.record.reason).toMatch(/reaches column 200 but the image has 128 columns/);
  });
});

describe.skipIf(!CORPUS_DIR)("ultrasound regions", () => {
  it("`keep ultrasound regions` on native palette colour: only the data regions stay", () => {
    const { input, result } = run(compile('pixels when Modality == "US" because "banner outside the data regions" {\n  keep ultrasound regions\n}'), ALOKA);
    const regions = ultrasoundRegions(input);
    expect(regions.length).toBeGreaterThan(0);
    const kept = (row: number, column: number) => regions.some((r) => column >= r.x0 && column <= r.x1 && row >= r.y0 && row <= r.y1);
    expectSamples(loadImage(input), loadImage(written(result)), (row, column, _s, original) => (kept(row, column) ? original : 0));
  });

  it("`blank ultrasound regions` on RLE, two frames: the regions' rectangles (inclusive bounds)", () => {
    const { input, result } = run(compile("pixels {\n  blank ultrasound regions\n}"), PHILIPS_RLE);
    const regions = ultrasoundRegions(input);
    expect(regions.length).toBeGreaterThan(0);
    const image = loadImage(input);
    const clipped = regions.map((r) => plain(r.x0, r.y0, Math.min(r.x1 + 1, image.geometry.columns) - r.x0, Math.min(r.y1 + 1, image.geometry.rows) - r.y0));
    expect(Buffer.from(pixelElement(written(result))).equals(Buffer.from(blankedWith(input, clipped)))).toBe(true);
  });

  it("an object without the sequence is quarantined, not released", () => {
    const { result } = run(compile("pixels {\n  keep ultrasound regions\n}"), CT);
    expect(result.record.outcome).toBe("quarantined");
    expect(result.record.reason).toMatch(/no Sequence of Ultrasound Regions \(0018,6011\)/);
  });
});

describe.skipIf(!CORPUS_DIR)("colour fills", () => {
  it("fills each RGB sample with its component (native colour-by-plane, big endian)", () => {
    const { input, result } = run(compile("pixels {\n  blank (5, 6, 20, 10) fill (255, 128, 7)\n}"), RGB_NATIVE);
    const inside = (row: number, column: number) => column >= 5 && column < 25 && row >= 6 && row < 16;
    expectSamples(loadImage(input), loadImage(written(result)), (row, column, s, original) => (inside(row, column) ? [255, 128, 7][s]! : original));
  });

  it("fills RLE colour frames the same way as native ones", () => {
    const ir = compile("pixels {\n  blank (0, 90, 100, 10) fill (0, 0, 255)\n}");
    const { input, result } = run(ir, RGB_RLE);
    expect(result.record.touched.some((t) => t.path === "(7FE0,0010)" && t.action === "blanked")).toBe(true);
    if (!HAVE_DCMDRLE) return console.warn("[region-forms] dcmdrle not found: RLE colour samples not decoded");
    const inside = (row: number, column: number) => row >= 90;
    expectSamples(decodeWithDcmtk("dcmdrle", input), decodeWithDcmtk("dcmdrle", written(result)), (row, column, s, original) => (inside(row, column) ? [0, 0, 255][s]! : original));
  });

  it("a colour fill on a one-sample image quarantines the object", () => {
    const { result } = run(compile("pixels {\n  blank (0, 0, 10, 10) fill (255, 0, 0)\n}"), CT);
    expect(result.record.outcome).toBe("quarantined");
    expect(result.record.reason).toMatch(/is a colour, but the image has 1 sample per pixel/);
  });
});

describe.skipIf(!CORPUS_DIR)("which blocks apply, complete, and the Clean Pixel Data code", () => {
  const twoBlocks = 'pixels when Modality == "CT" because "first" {\n  blank (0, 0, 10, 10) fill 1\n}\npixels because "second" {\n  blank (20, 20, 10, 10) fill 2\n}';

  it("by default every block whose condition holds applies", () => {
    const { input, result } = run(compile(twoBlocks), CT);
    expect(Buffer.from(pixelElement(written(result))).equals(Buffer.from(blankedWith(input, [plain(0, 0, 10, 10, 1), plain(20, 20, 10, 10, 2)])))).toBe(true);
  });

  it("`pixels apply first`: only the first block whose condition holds", () => {
    const first = run(compile(`pixels apply first\n${twoBlocks}`), CT);
    expect(Buffer.from(pixelElement(written(first.result))).equals(Buffer.from(blankedWith(first.input, [plain(0, 0, 10, 10, 1)])))).toBe(true);
    // Where the first block's condition is false, the second applies.
    const us = run(compile(`pixels apply first\n${twoBlocks}`), ALOKA);
    expect(Buffer.from(pixelElement(written(us.result))).equals(Buffer.from(blankedWith(us.input, [plain(20, 20, 10, 10, 2)])))).toBe(true);
  });

  it("`pixels complete` sets Burned In Annotation to NO; a block without `complete` leaves it as it was", () => {
    const complete = written(run(compile('pixels complete because "the layout\'s only text" {\n  blank (0, 0, 10, 10)\n}'), CT).result);
    expect(topLevelTexts(loadImage(complete).file).get(0x00280301)?.trim()).toBe("NO");
    const plainBlock = written(run(compile('pixels because "some text" {\n  blank (0, 0, 10, 10)\n}'), CT).result);
    expect(topLevelTexts(loadImage(plainBlock).file).has(0x00280301)).toBe(false);
  });

  it("adds 113101 when pixels were cleaned, and not when a block applies but fills nothing", () => {
    const cleaned = written(run(compile('pixels because "text" {\n  blank (0, 0, 10, 10)\n}'), CT).result);
    expect(topLevelCodes(loadImage(cleaned).file, 0x00120064).map((c) => c.value)).toContain("113101");
    const nothing = written(run(compile('pixels because "text on frame 5 only" {\n  blank (0, 0, 10, 10) frames 5\n}'), CT).result);
    expect(topLevelCodes(loadImage(nothing).file, 0x00120064).map((c) => c.value)).not.toContain("113101");
  });
});

describe.skipIf(!CORPUS_DIR)("the example profiles' new forms on their corpus files", () => {
  const ROOT = new URL("../../", import.meta.url).pathname;

  it("pseudo-phi-burned-in.deid: every block is `complete`, so every blanked object says Burned In Annotation NO", () => {
    const ir = compileProfile(join(ROOT, "rules/examples/pseudo-phi-burned-in.deid")).ir!;
    expect(ir.pixels.every((p) => p.complete === true)).toBe(true);
    const executor = createExecutor(ir, env);
    const dir = join(CORPUS_DIR!, "pseudo-phi-johnsnowlabs");
    for (const name of readdirSync(dir).filter((n) => n.endsWith(".dcm"))) {
      const { record, output } = executor.process(new Uint8Array(readFileSync(join(dir, name))), name);
      expect(record.outcome, `${name}: ${record.reason}`).toBe("written");
      expect(topLevelTexts(loadImage(output!).file).get(0x00280301)?.trim(), name).toBe("NO");
      expect(record.touched).toContainEqual({ path: "(0028,0301)", action: "set", rule: expect.objectContaining({ file: expect.stringMatching(/pseudo-phi-burned-in\.deid$/) }) });
    }
  });

  it("ultrasound-banners.deid: `pixels apply first` falls through to `keep ultrasound regions` for other scanners", () => {
    const ir = compileProfile(join(ROOT, "rules/examples/ultrasound-banners.deid")).ir!;
    const { input, result } = run(ir, ALOKA);
    const regions = ultrasoundRegions(input);
    const kept = (row: number, column: number) => regions.some((r) => column >= r.x0 && column <= r.x1 && row >= r.y0 && row <= r.y1);
    expectSamples(loadImage(input), loadImage(written(result)), (row, column, _s, original) => (kept(row, column) ? original : 0));
    // The block that says `keep ultrasound regions` did the work, and as it is `complete`, the output says no burned-in text is left.
    const blockLine = readFileSync(join(ROOT, "rules/examples/ultrasound-banners.deid"), "utf8").split("\n").findIndex((l) => l.includes("exists(SequenceOfUltrasoundRegions)")) + 1;
    expect(result.record.touched.filter((t) => t.action === "blanked").every((t) => t.rule?.line === blockLine)).toBe(true);
    expect(result.record.touched).toContainEqual({ path: "(0028,0301)", action: "set", rule: expect.objectContaining({ line: blockLine }) });
  });
});
