// Blanking JPEG Baseline / Extended in the coefficient domain, checked against dcmtk: the input and
// the output are both decoded with dcmdjpeg, and
//   * every pixel of the grown rectangle (the rectangle grown to the block grid, as reported) is
//     the fill: exactly for 0 and the largest value (the DC is rounded outwards and decoders
//     clamp), within ±1 otherwise (the quantised DC and the decoder's IDCT rounding);
//   * every pixel outside it decodes to exactly the input's value (those blocks keep their
//     coefficients; dcmtk's decoder does not interpolate chrominance across blocks);
//   * frames no rectangle touches keep their fragments byte for byte.
// Inputs: the corpus JPEG files (baseline 4:4:4 YBR_FULL, GE 12-bit extended), and objects made at
// test time with dcmcjpeg from corpus native/RLE files (multi-frame ultrasound in 4:2:2 and 4:2:0,
// 12-bit extended, standard and optimised Huffman tables, Pseudo-PHI images whose .json give the
// burned-in text boxes). dcmcjpeg writes no restart intervals, so those inputs are made by
// re-encoding a frame with a DRI segment (checked to decode exactly like the original first).

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { JpegScanner, PixelError, applyPixelRules, buildEncapsulated, fragmentBytes, parseEncapsulated, type PixelReportEntry, type SelectedPixelRule } from "../../src/runtime/pixels/index";
import { allocateCoefficients, blankJpegDct, blockAlignment, decodeScan, fillTargets, flatDc, readDctFrame } from "../../src/runtime/pixels/jpeg-dct/index";
import { encodeScan } from "../../src/runtime/pixels/jpeg-dct/huffman-encode";
import { encodeTable, optimalSpec } from "../../src/runtime/pixels/jpeg-huffman";
import { seededRandom } from "../support/random";
import { CORPUS_DIR, HAVE_DCMDJPEG, corpusPath, decodeWithDcmtk, loadImage, loadImageFile, nativeValue, sameBytes, warnIfNoCorpus, withPixelData, type LoadedImage } from "./helpers";

warnIfNoCorpus("pixels/jpeg-dct");
const HAVE_DCMCJPEG = spawnSync("dcmcjpeg", ["--version"], { stdio: "ignore" }).status === 0;
const HAVE_DCMDRLE = spawnSync("dcmdrle", ["--version"], { stdio: "ignore" }).status === 0;
const DCMTK = HAVE_DCMDJPEG && HAVE_DCMCJPEG && HAVE_DCMDRLE;
if (CORPUS_DIR && !DCMTK) console.warn("[pixels/jpeg-dct] dcmtk (dcmcjpeg, dcmdjpeg, dcmdrle) not installed (apt-get install dcmtk): these tests are skipped");

const work = mkdtempSync(join(tmpdir(), "deidc-jpeg-dct-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs a dcmtk tool on files in the work directory; returns the output file's bytes. */
function dcmtk(tool: string, args: string[], input: string, output: string): Uint8Array {
  const run = spawnSync(tool, [...args, input, join(work, output)], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`${tool} ${args.join(" ")} failed: ${run.stderr || run.stdout}`);
  return new Uint8Array(readFileSync(join(work, output)));
}

const made = new Map<string, LoadedImage>();
/** A corpus object encoded with dcmcjpeg (RLE inputs are decompressed first), once per set of options. */
function encoded(corpusFile: string, args: string[]): LoadedImage {
  const key = `${corpusFile} ${args.join(" ")}`;
  let image = made.get(key);
  if (!image) {
    let input = corpusPath(corpusFile);
    if (loadImageFile(input).geometry.transferSyntax.encoding === "rle") {
      dcmtk("dcmdrle", [], input, "rle-decoded.dcm");
      input = join(work, "rle-decoded.dcm");
    }
    image = loadImage(dcmtk("dcmcjpeg", args, input, `made-${made.size}.dcm`));
    made.set(key, image);
  }
  return image;
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const rules = (boxes: readonly Box[], fill: number, frames: { from: number; to: number }[] | null = null): SelectedPixelRule[] => [{ regions: boxes.map((b) => ({ ...b, fill, frames })), because: "test", source: null }];

function blank(image: LoadedImage, boxes: readonly Box[], fill: number, frames: { from: number; to: number }[] | null = null, stripJpegMetadata = false) {
  const result = applyPixelRules({ element: image.element, encoding: image.encoding, geometry: image.geometry, rules: rules(boxes, fill, frames), stripJpegMetadata });
  expect(result.element).not.toBeNull();
  const areas = result.report.filter((e): e is Extract<PixelReportEntry, { kind: "blanked" }> => e.kind === "blanked").map((e) => e.blankedArea!);
  return { result, areas, output: withPixelData(image, result.element!) };
}

/** Decoded samples of a dcmdjpeg output (8 or 16 bits allocated, colour-by-pixel or by-plane). */
function sampler(decoded: LoadedImage): (frame: number, row: number, column: number, sample: number) => number {
  const g = decoded.geometry;
  const v = nativeValue(decoded);
  const wide = g.bitsAllocated === 16;
  const pixels = g.rows * g.columns;
  return (frame, row, column, sample) => {
    const i = g.planarConfiguration === 1 ? (frame * g.samplesPerPixel + sample) * pixels + row * g.columns + column : (frame * pixels + row * g.columns + column) * g.samplesPerPixel + sample;
    return wide ? v[2 * i]! | (v[2 * i + 1]! << 8) : v[i]!;
  };
}

const within = (b: Box, row: number, column: number): boolean => column >= b.x && column < b.x + b.width && row >= b.y && row < b.y + b.height;

/** dcmdjpeg with extra options (e.g. +cn: keep YCbCr, so luminance and chrominance can be checked apart). */
function decodeJpeg(bytes: Uint8Array, options: readonly string[], name: string): LoadedImage {
  const input = join(work, `${name}-in.dcm`);
  writeFileSync(input, bytes);
  const image = loadImage(dcmtk("dcmdjpeg", ["+te", ...options], input, `${name}-out.dcm`));
  return image;
}

/**
 * Decodes input and output with dcmdjpeg and checks every pixel of the touched frames: inside an
 * area equal to `expected` per sample (±tolerance), outside equal to the input.
 *
 * `subsampled`: the chrominance is subsampled, and dcmtk (libjpeg's "fancy upsampling")
 * interpolates it between neighbouring chrominance samples, so the chrominance of the one pixel
 * on either side of an area's edge blends the fill with its neighbour. The check then decodes
 * without colour conversion: luminance is checked strictly everywhere, chrominance strictly except
 * on those edge pixels.
 */
function checkDecoded(input: LoadedImage, output: Uint8Array, areas: readonly Box[], touched: readonly number[], expected: readonly number[], tolerance: number, subsampled = false): void {
  const options = subsampled ? ["+cn"] : [];
  const before = decodeJpeg(input.bytes, options, "before");
  const after = decodeJpeg(output, options, "after");
  const g = before.geometry;
  const a = sampler(before);
  const b = sampler(after);
  const grown = areas.map((r) => ({ x: r.x - 1, y: r.y - 1, width: r.width + 2, height: r.height + 2 }));
  const shrunk = areas.map((r) => ({ x: r.x + 1, y: r.y + 1, width: r.width - 2, height: r.height - 2 }));
  let outsideChanged = 0;
  let insideWrong = 0;
  let insideCount = 0;
  let firstWrong = "";
  for (const frame of touched) {
    for (let row = 0; row < g.rows; row++) {
      for (let column = 0; column < g.columns; column++) {
        const isInside = areas.some((area) => within(area, row, column));
        const edge = subsampled && grown.some((r) => within(r, row, column)) && !shrunk.some((r) => within(r, row, column));
        if (isInside) insideCount++;
        for (let s = 0; s < g.samplesPerPixel; s++) {
          if (edge && s > 0) continue;
          const got = b(frame, row, column, s);
          if (isInside) {
            if (Math.abs(got - expected[s]!) > tolerance) {
              insideWrong++;
              firstWrong ||= `frame ${frame + 1} (${column}, ${row}) sample ${s}: ${got}, expected ${expected[s]}`;
            }
          } else if (got !== a(frame, row, column, s)) {
            outsideChanged++;
            firstWrong ||= `frame ${frame + 1} (${column}, ${row}) sample ${s} outside: ${got}, was ${a(frame, row, column, s)}`;
          }
        }
      }
    }
  }
  expect(insideCount).toBeGreaterThan(0);
  expect({ insideWrong, outsideChanged, firstWrong }).toEqual({ insideWrong: 0, outsideChanged: 0, firstWrong: "" });
}

/** Fragments of each frame (one fragment per frame, as dcmcjpeg writes them). */
function frameFragments(element: Uint8Array): Uint8Array[] {
  const px = parseEncapsulated(element);
  return px.fragments.map((_, i) => fragmentBytes(px, i));
}

/** One frame's coefficients, decoded with the module's own decoder. */
function coefficientsOf(frame: Uint8Array) {
  const scanner = new JpegScanner();
  expect(scanner.advance(frame, 1)).toBe(true);
  const dct = readDctFrame(frame, scanner.segments, scanner.eoi, 1);
  const coefficients = allocateCoefficients(dct);
  for (const scan of dct.scans) decodeScan(frame, dct, scan, coefficients, 1);
  return { dct, coefficients, scanner };
}

/**
 * The frame re-encoded with a restart interval of `interval` MCUs (a DRI segment before its single
 * scan), same coefficients and tables: a test input dcmcjpeg cannot write.
 */
function withRestartInterval(frame: Uint8Array, interval: number): Uint8Array {
  const { dct, coefficients, scanner } = coefficientsOf(frame);
  expect(dct.scans.length).toBe(1);
  const scan = { ...dct.scans[0]!, restartInterval: interval };
  const sos = scanner.segments[scan.segmentIndex]!;
  const dc = scan.dcTables.map((t) => (t ? encodeTable(t, "dc") : undefined));
  const ac = scan.acTables.map((t) => (t ? encodeTable(t, "ac") : undefined));
  const data = encodeScan(dct, scan, coefficients, dc, ac, frame.length)!;
  const dri = Uint8Array.of(0xff, 0xdd, 0, 4, interval >> 8, interval & 0xff);
  const parts = [frame.subarray(0, sos.start), dri, frame.subarray(sos.start, sos.end), data];
  const length = parts.reduce((n, p) => n + p.length, 0) + 2;
  const out = new Uint8Array(length + (length % 2));
  let q = 0;
  for (const p of parts) (out.set(p, q), (q += p.length));
  if (length % 2) out[q++] = 0xff;
  out.set([0xff, 0xd9], q);
  return out;
}

/** The image with its frames replaced (fragments per frame), the Basic Offset Table kept as it was (filled or empty). */
function withFrames(image: LoadedImage, frames: Uint8Array[][]): LoadedImage {
  const px = parseEncapsulated(image.element);
  return loadImage(withPixelData(image, buildEncapsulated(px.header, frames, px.offsetTable.length > 0).element));
}

/**
 * The frame with its one interleaved scan split into one non-interleaved scan per component (same
 * coefficients and tables; ISO 10918-1 allows it, dcmcjpeg does not write it).
 */
function asSeparateScans(frame: Uint8Array): Uint8Array {
  const { dct, coefficients, scanner } = coefficientsOf(frame);
  expect(dct.scans.length).toBe(1);
  const scan = dct.scans[0]!;
  const sos = scanner.segments[scan.segmentIndex]!;
  const dc = scan.dcTables.map((t) => (t ? encodeTable(t, "dc") : undefined));
  const ac = scan.acTables.map((t) => (t ? encodeTable(t, "ac") : undefined));
  const parts: Uint8Array[] = [frame.subarray(0, sos.start)];
  scan.components.forEach((ci, k) => {
    const single = { ...scan, components: [ci], dcSlots: [scan.dcSlots[k]!], acSlots: [scan.acSlots[k]!] };
    const header = Uint8Array.of(0xff, 0xda, 0, 8, 1, dct.components[ci]!.id, (scan.dcSlots[k]! << 4) | scan.acSlots[k]!, 0, 63, 0);
    parts.push(header, encodeScan(dct, single, coefficients, dc, ac, frame.length)!);
  });
  const length = parts.reduce((n, p) => n + p.length, 0) + 2;
  const out = new Uint8Array(length + (length % 2));
  let q = 0;
  for (const p of parts) (out.set(p, q), (q += p.length));
  if (length % 2) out[q++] = 0xff;
  out.set([0xff, 0xd9], q);
  return out;
}

const US = "pydicom-data/OBXXXX1A_rle_2frame.dcm";

describe.skipIf(!CORPUS_DIR || !DCMTK)("JPEG DCT blanking: corpus files", () => {
  it("SC_rgb_jpeg_dcmtk (baseline, YBR_FULL, 4:4:4): block-aligned, black in RGB, the rest unchanged", () => {
    const image = loadImageFile(corpusPath("pydicom-debian/SC_rgb_jpeg_dcmtk.dcm"));
    const { areas, output } = blank(image, [{ x: 13, y: 21, width: 30, height: 17 }], 0);
    expect(areas).toEqual([{ x: 8, y: 16, width: 40, height: 24 }]);
    checkDecoded(image, output, areas, [0], [0, 0, 0], 0);
  });

  it("JPEG-lossy (GE, 12-bit extended, scan header Se = 0): fill 0 and a mid-grey fill", () => {
    const image = loadImageFile(corpusPath("pydicom-debian/JPEG-lossy.dcm"));
    expect(image.geometry.bitsStored).toBe(12);
    for (const fill of [0, 200]) {
      const { areas, output } = blank(image, [{ x: 100, y: 300, width: 50, height: 41 }], fill);
      expect(areas).toEqual([{ x: 96, y: 296, width: 56, height: 48 }]);
      checkDecoded(image, output, areas, [0], [fill], fill === 0 ? 0 : 1);
    }
  });
});

describe.skipIf(!CORPUS_DIR || !DCMTK)("JPEG DCT blanking: made with dcmcjpeg", () => {
  it("multi-frame ultrasound, 4:2:2 YBR_FULL_422: MCU-aligned (16 x 8), one frame touched, the other byte-identical", () => {
    const image = encoded(US, ["+eb"]);
    expect(image.geometry.photometricInterpretation).toBe("YBR_FULL_422");
    expect(image.geometry.frames).toBe(2);
    const box = { x: 101, y: 203, width: 77, height: 45 };
    const { areas, output, result } = blank(image, [box], 255, [{ from: 2, to: 2 }]);
    expect(areas).toEqual([{ x: 96, y: 200, width: 96, height: 48 }]);
    const before = frameFragments(image.element);
    const after = frameFragments(result.element!);
    expect(after.length).toBe(2);
    expect(sameBytes(after[0]!, before[0]!)).toBe(true);
    expect(sameBytes(after[1]!, before[1]!)).toBe(false);
    expect(after[1]!.length % 2).toBe(0);
    expect(result.frameTable!.lengths).toEqual(after.map((f) => f.length));
    checkDecoded(image, output, areas, [1], [255, 128, 128], 0, true);
  });

  it("4:2:0 YBR_FULL (dcmcjpeg +n1 writes 2x2 luminance): 16 x 16 alignment, every frame, two rectangles", () => {
    const image = encoded(US, ["+eb", "+n1"]);
    const { dct } = coefficientsOf(frameFragments(image.element)[0]!);
    expect(dct.components.map((c) => `${c.h}x${c.v}`)).toEqual(["2x2", "1x1", "1x1"]);
    const boxes = [
      { x: 0, y: 0, width: 300, height: 20 },
      { x: 700, y: 590, width: 100, height: 10 },
    ];
    const { areas, output } = blank(image, boxes, 128);
    expect(areas).toEqual([
      { x: 0, y: 0, width: 304, height: 32 },
      { x: 688, y: 576, width: 112, height: 24 },
    ]);
    checkDecoded(image, output, areas, [0, 1], [128, 128, 128], 1, true);
  });

  it("12-bit extended (CT_small through dcmcjpeg +ee +bt): extreme and middle fills", () => {
    const image = encoded("pydicom-debian/CT_small.dcm", ["+ee", "+bt"]);
    expect(image.geometry.transferSyntax.uid).toBe("1.2.840.10008.1.2.4.51");
    const { dct } = coefficientsOf(frameFragments(image.element)[0]!);
    expect(dct.precision).toBe(12);
    for (const fill of [4095, 1000]) {
      const { areas, output } = blank(image, [{ x: 10, y: 20, width: 30, height: 40 }], fill);
      expect(areas).toEqual([{ x: 8, y: 16, width: 32, height: 48 }]);
      checkDecoded(image, output, areas, [0], [fill], fill === 4095 ? 0 : 1);
    }
  });

  it("restart intervals (re-encoded with DRI 7 and 1): prediction resets at every marker, output keeps them", () => {
    for (const [file, args, interval] of [
      [US, ["+eb"], 7],
      ["pydicom-debian/CT_small.dcm", ["+ee", "+bt"], 1],
    ] as const) {
      const base = encoded(file, [...args]);
      const frames = frameFragments(base.element).map((f) => [withRestartInterval(f, interval)]);
      const image = withFrames(base, frames);
      // The re-encoded input decodes exactly like the original: the restart encoding is valid.
      const original = decodeWithDcmtk("dcmdjpeg", base.bytes);
      const restarted = decodeWithDcmtk("dcmdjpeg", image.bytes);
      expect(sameBytes(nativeValue(restarted), nativeValue(original))).toBe(true);
      const { areas, output, result } = blank(image, [{ x: 40, y: 24, width: 60, height: 30 }], 0);
      const frame = frameFragments(result.element!)[0]!;
      const { dct } = coefficientsOf(frame);
      expect(dct.scans[0]!.restartInterval).toBe(interval);
      const rst = Buffer.from(frame).toString("latin1").match(/\xff[\xd0-\xd7]/g) ?? [];
      expect(rst.length).toBe(Math.ceil((dct.scans[0]!.components.length === 1 ? dct.components[0]!.codedWide * dct.components[0]!.codedHigh : dct.mcusWide * dct.mcusHigh) / interval) - 1);
      checkDecoded(image, output, areas, [0], image.geometry.samplesPerPixel === 3 ? [0, 128, 128] : [0], 0, image.geometry.samplesPerPixel === 3);
    }
  });

  it("one scan per component (non-interleaved, 4:2:0, luminance grid not padded to MCUs): blanked, tables replaced per scan as needed", () => {
    const base = encoded(US, ["+eb", "+n1"]);
    const image = withFrames(base, frameFragments(base.element).map((f) => [asSeparateScans(f)]));
    const original = decodeWithDcmtk("dcmdjpeg", base.bytes);
    const separate = decodeWithDcmtk("dcmdjpeg", image.bytes);
    expect(sameBytes(nativeValue(separate), nativeValue(original))).toBe(true);
    const { dct } = coefficientsOf(frameFragments(image.element)[0]!);
    expect(dct.scans.map((s) => s.components.length)).toEqual([1, 1, 1]);
    expect(dct.components[0]!.codedHigh).toBeLessThan(dct.components[0]!.blocksHigh); // 600 rows: 75 coded block rows, 76 in whole MCUs
    const { areas, output } = blank(image, [{ x: 300, y: 560, width: 200, height: 40 }], 255, [{ from: 1, to: 1 }]);
    expect(areas).toEqual([{ x: 288, y: 560, width: 224, height: 40 }]);
    checkDecoded(image, output, areas, [0], [255, 128, 128], 0, true);
  });

  it("keeps the frame's Huffman tables when they cover every symbol (dcmcjpeg -ho: standard tables)", () => {
    const image = encoded(US, ["+eb", "-ho"]);
    const { result, output, areas } = blank(image, [{ x: 200, y: 100, width: 40, height: 40 }], 0, [{ from: 1, to: 1 }]);
    const before = frameFragments(image.element)[0]!;
    const after = frameFragments(result.element!)[0]!;
    const headers = (f: Uint8Array) => f.subarray(0, coefficientsOf(f).scanner.segments.find((s) => s.marker === 0xda)!.end);
    expect(sameBytes(headers(after), headers(before))).toBe(true);
    checkDecoded(image, output, areas, [0], [0, 128, 128], 0, true);
  });

  it("writes new optimal Huffman tables when a symbol has no code (optimised tables lack the new DC differences)", () => {
    const image = encoded(US, ["+eb"]);
    const element = blankJpegDct(image.element, image.geometry, [{ x: 300, y: 300, width: 100, height: 100, fill: 255, frames: [0] }]);
    expect(element.newTables).toEqual([1]);
    const frame = frameFragments(element.built!.element)[0]!;
    const dhtBefore = coefficientsOf(frameFragments(image.element)[0]!).scanner.segments.filter((s) => s.marker === 0xc4).length;
    const dhtAfter = coefficientsOf(frame).scanner.segments.filter((s) => s.marker === 0xc4).length;
    expect(dhtAfter).toBe(dhtBefore + 1); // inserted right before the scan, redefining the slots that needed it
    const { areas, output } = blank(image, [{ x: 300, y: 300, width: 100, height: 100 }], 255, [{ from: 1, to: 1 }]);
    checkDecoded(image, output, areas, [0], [255, 128, 128], 0, true);
  });

  it("untouched blocks keep their coefficients exactly; blanked ones hold only the fill's DC", () => {
    const image = encoded(US, ["+eb"]);
    const { result, areas } = blank(image, [{ x: 50, y: 60, width: 33, height: 20 }], 0, [{ from: 1, to: 1 }]);
    const before = coefficientsOf(frameFragments(image.element)[0]!);
    const after = coefficientsOf(frameFragments(result.element!)[0]!);
    const area = areas[0]!;
    let flat = 0;
    before.dct.components.forEach((c, i) => {
      const spanX = (8 * before.dct.maxH) / c.h;
      const spanY = (8 * before.dct.maxV) / c.v;
      for (let by = 0; by < c.blocksHigh; by++) {
        for (let bx = 0; bx < c.blocksWide; bx++) {
          const offset = (by * c.blocksWide + bx) * 64;
          const a = before.coefficients.values[i]!.subarray(offset, offset + 64);
          const b = after.coefficients.values[i]!.subarray(offset, offset + 64);
          const blanked = bx * spanX >= area.x && (bx + 1) * spanX <= area.x + area.width && by * spanY >= area.y && (by + 1) * spanY <= area.y + area.height;
          if (blanked) {
            flat++;
            expect(b.subarray(1).every((v) => v === 0)).toBe(true);
            expect(b[0]).toBe(flatDc(i === 0 ? 0 : 128, 8, c.dcQuantiser));
          } else expect(sameBytes(new Uint8Array(b.buffer, b.byteOffset, 128), new Uint8Array(a.buffer, a.byteOffset, 128))).toBe(true);
        }
      }
    });
    // 4:2:2: 48 x 24 pixels are 6 x 3 luminance blocks and 3 x 3 blocks of each chrominance component
    expect(area).toEqual({ x: 48, y: 56, width: 48, height: 24 });
    expect(flat).toBe(6 * 3 + 3 * 3 * 2);
  });

  it("frames split over several fragments without an offset table: found by SOI/EOI, the touched one becomes one fragment", () => {
    const base = encoded(US, ["+eb"]);
    const split = (f: Uint8Array): Uint8Array[] => {
      const third = Math.ceil(f.length / 3 / 2) * 2;
      return [f.subarray(0, third), f.subarray(third, 2 * third), f.subarray(2 * third)];
    };
    const px = parseEncapsulated(base.element);
    const frames = frameFragments(base.element).map(split);
    const image = loadImage(withPixelData(base, buildEncapsulated(px.header, frames, false).element));
    const { result, output, areas } = blank(image, [{ x: 500, y: 400, width: 20, height: 20 }], 0, [{ from: 2, to: 2 }]);
    const after = frameFragments(result.element!);
    expect(after.length).toBe(4);
    for (let i = 0; i < 3; i++) expect(sameBytes(after[i]!, frames[0]![i]!)).toBe(true);
    checkDecoded(image, output, areas, [1], [0, 128, 128], 0, true);
  });

  it("an RGB fill triple is converted to YCbCr (JFIF / PS3.3 C.7.6.3.1.2) and decodes to that colour", () => {
    const image = encoded(US, ["+eb", "+s4"]);
    const result = blankJpegDct(image.element, image.geometry, [{ x: 64, y: 64, width: 64, height: 64, fill: [200, 40, 90], frames: [0] }]);
    const output = withPixelData(image, result.built!.element);
    // Chrominance is quantised more coarsely and colour conversion rounds three times: ±3.
    checkDecoded(image, output, [result.blanked[0]!], [0], [200, 40, 90], 3);
    // The same through the executor's entry point, from a `fill (200, 40, 90)` region.
    const viaApply = applyPixelRules({
      element: image.element,
      encoding: image.encoding,
      geometry: image.geometry,
      rules: [{ regions: [{ x: 64, y: 64, width: 64, height: 64, fill: 0, fillColour: [200, 40, 90], frames: [{ from: 1, to: 1 }] }] }],
      stripJpegMetadata: false,
    });
    expect(sameBytes(viaApply.element!, result.built!.element)).toBe(true);
    expect(fillTargets(coefficientsOf(frameFragments(image.element)[0]!).dct, [255, 255, 255], { bitsStored: 8, photometric: "YBR_FULL" }).map(Math.round)).toEqual([255, 128, 128]);
  });

  it("RGB components (dcmcjpeg +cr: Adobe transform 0, ids R G B) take the fill triple as it is", () => {
    const image = encoded(US, ["+eb", "+cr"]);
    expect(image.geometry.photometricInterpretation).toBe("RGB");
    expect(coefficientsOf(frameFragments(image.element)[0]!).dct.colour).toBe("rgb");
    const result = blankJpegDct(image.element, image.geometry, [{ x: 200, y: 300, width: 50, height: 20, fill: [255, 0, 90], frames: [1] }]);
    const output = withPixelData(image, result.built!.element);
    checkDecoded(image, output, [result.blanked[0]!], [1], [255, 0, 90], 1);
  });

  it("also strips APPn/COM metadata when asked, from touched and untouched frames", () => {
    const base = encoded(US, ["+eb"]);
    const com = Uint8Array.from("\xff\xfe\x00\x0aDOE^JANE", (c) => c.charCodeAt(0));
    const plant = (f: Uint8Array): Uint8Array => {
      const out = new Uint8Array(f.length + com.length);
      out.set(f.subarray(0, 2));
      out.set(com, 2);
      out.set(f.subarray(2), 2 + com.length);
      return out;
    };
    const image = withFrames(base, frameFragments(base.element).map((f) => [plant(f)]));
    const { result, output, areas } = blank(image, [{ x: 0, y: 0, width: 8, height: 8 }], 0, [{ from: 1, to: 1 }], true);
    expect(result.report.filter((e) => e.kind === "metadata-removed").map((e) => (e as { frame: number }).frame)).toEqual([1, 2]);
    expect(Buffer.from(result.element!).includes("DOE^JANE")).toBe(false);
    checkDecoded(image, output, areas, [0], [0, 128, 128], 0, true);
  });
});

describe.skipIf(!CORPUS_DIR || !DCMTK)("JPEG DCT blanking: Pseudo-PHI burned-in text", () => {
  const dir = CORPUS_DIR ? join(CORPUS_DIR, "pseudo-phi-johnsnowlabs") : "";
  const names = dir ? readdirSync(dir).filter((n) => n.startsWith("8732322741") || n.startsWith("292821506")).filter((n) => n.endsWith(".dcm")) : [];
  it.each(names)("%s through dcmcjpeg +ee: every ground-truth box blanked", (name) => {
    const image = encoded(`pseudo-phi-johnsnowlabs/${name}`, ["+ee"]);
    const json = JSON.parse(readFileSync(join(dir, name.replace(/\.dcm$/, ".json")), "utf8")) as { annotation: Record<"key" | "value", { bbox?: number[] }>[] };
    const boxes: Box[] = [];
    for (const a of json.annotation) {
      for (const part of [a.key, a.value]) {
        const b = part.bbox;
        if (!b || (b[2] === 0 && b[3] === 0)) continue;
        const x1 = Math.min(b[2]!, image.geometry.columns - 1);
        const y1 = Math.min(b[3]!, image.geometry.rows - 1);
        if (b[0]! > x1 || b[1]! > y1) continue;
        boxes.push({ x: b[0]!, y: b[1]!, width: x1 - b[0]! + 1, height: y1 - b[1]! + 1 });
      }
    }
    expect(boxes.length).toBeGreaterThan(3);
    const { areas, output } = blank(image, boxes, 0);
    for (const [i, area] of areas.entries()) {
      const box = boxes[i]!;
      expect(area.x <= box.x && area.y <= box.y && area.x + area.width >= box.x + box.width && area.y + area.height >= box.y + box.height).toBe(true);
      expect(area.x % 8 === 0 && area.y % 8 === 0).toBe(true);
    }
    checkDecoded(image, output, areas, [0], [0], 0);
  });
});

describe.skipIf(!CORPUS_DIR || !DCMTK)("JPEG DCT blanking: what is not handled", () => {
  it("a progressive frame in a .50 object is refused with needs-codec, naming the process", () => {
    const progressive = encoded(US, ["+ep"]);
    const relabelled = { ...progressive.geometry, transferSyntax: { ...progressive.geometry.transferSyntax, uid: "1.2.840.10008.1.2.4.50", name: "JPEG Baseline (Process 1)" } };
    const run = () => applyPixelRules({ element: progressive.element, encoding: progressive.encoding, geometry: relabelled, rules: rules([{ x: 0, y: 0, width: 8, height: 8 }], 0), stripJpegMetadata: false });
    expect(run).toThrow(PixelError);
    expect(run).toThrow(/progressive DCT \(SOF2\).*quarantine/);
    try {
      run();
    } catch (e) {
      expect((e as PixelError).kind).toBe("needs-codec");
    }
  });

  it("overlay bits in JPEG pixel data still need a codec", () => {
    const image = loadImageFile(corpusPath("pydicom-debian/JPEG-lossy.dcm"));
    const run = () => applyPixelRules({ element: image.element, encoding: image.encoding, geometry: image.geometry, rules: rules([{ x: 0, y: 0, width: 8, height: 8 }], 0), stripJpegMetadata: false, overlayBitPositions: [15] });
    expect(run).toThrow(/needs a JPEG codec|overlay/);
  });

  it("truncated entropy-coded data is malformed; corrupted data gives a PixelError or a result, never another error", () => {
    const image = loadImageFile(corpusPath("pydicom-debian/SC_rgb_jpeg_dcmtk.dcm"));
    const frame = frameFragments(image.element)[0]!;
    const sos = coefficientsOf(frame).scanner.segments.find((s) => s.marker === 0xda)!;
    const cut = new Uint8Array(sos.end + 200 + 2);
    cut.set(frame.subarray(0, sos.end + 200));
    cut.set([0xff, 0xd9], sos.end + 200);
    const truncated = withFrames(image, [[cut]]);
    expect(() => blankJpegDct(truncated.element, truncated.geometry, [{ x: 0, y: 0, width: 8, height: 8, fill: 0, frames: [0] }])).toThrow(/ends before the last block|matches no code|out of range|passes the end/);
    const random = seededRandom(7);
    for (let trial = 0; trial < 40; trial++) {
      const corrupted = frame.slice();
      for (let k = 0; k < 4; k++) {
        const at = sos.end + Math.floor(random() * (frame.length - sos.end - 4));
        corrupted[at] = Math.floor(random() * 256);
      }
      const bad = withFrames(image, [[corrupted]]);
      try {
        blankJpegDct(bad.element, bad.geometry, [{ x: 8, y: 8, width: 8, height: 8, fill: 0, frames: [0] }]);
      } catch (e) {
        expect(e).toBeInstanceOf(PixelError);
      }
    }
  });

  it("a frame count that contradicts Number of Frames is refused", () => {
    const image = encoded(US, ["+eb"]);
    const one = { ...image.geometry, frames: 3 };
    expect(() => blankJpegDct(image.element, one, [{ x: 0, y: 0, width: 8, height: 8, fill: 0, frames: [0] }])).toThrow(/holds 2 frame\(s\) but Number of Frames is 3/);
  });
});

describe("block grid and DC of a flat block", () => {
  const frameWith = (factors: [number, number][]) => {
    const maxH = Math.max(...factors.map(([h]) => h));
    const maxV = Math.max(...factors.map(([, v]) => v));
    return { maxH, maxV, components: factors.map(([h, v]) => ({ h, v })) } as unknown as Parameters<typeof blockAlignment>[0];
  };
  it("aligns to the coarsest block span of all components, whole MCUs when spans are not whole pixels", () => {
    expect(blockAlignment(frameWith([[1, 1]]))).toEqual({ x: 8, y: 8 });
    expect(blockAlignment(frameWith([[1, 1], [1, 1], [1, 1]]))).toEqual({ x: 8, y: 8 });
    expect(blockAlignment(frameWith([[2, 1], [1, 1], [1, 1]]))).toEqual({ x: 16, y: 8 });
    expect(blockAlignment(frameWith([[2, 2], [1, 1], [1, 1]]))).toEqual({ x: 16, y: 16 });
    expect(blockAlignment(frameWith([[4, 1], [1, 1], [1, 1]]))).toEqual({ x: 32, y: 8 });
    expect(blockAlignment(frameWith([[3, 1], [1, 1], [1, 1]]))).toEqual({ x: 24, y: 8 });
    expect(blockAlignment(frameWith([[4, 2], [3, 1], [1, 1]]))).toEqual({ x: 32, y: 16 });
  });
  it("rounds the DC outwards at the ends of the range, to the nearest step elsewhere", () => {
    expect(flatDc(0, 8, 17)).toBe(-61); // -60.2 -> -61: -129.6 before the +128 shift, clamped to 0
    expect(flatDc(255, 8, 17)).toBe(60); // 59.8 -> 60
    expect(flatDc(100, 8, 4)).toBe(-56);
    expect(flatDc(101, 8, 3)).toBe(-72); // -72.0
    expect(flatDc(2048, 12, 5)).toBe(0);
    expect(flatDc(4095, 12, 16)).toBe(1024); // 1023.5 -> 1024
  });
});

describe("Huffman tables", () => {
  it("optimal tables: no code longer than 16 bits, no all-ones code, every counted symbol coded", () => {
    // Fibonacci-like counts force a deep tree that must be limited to 16 bits.
    const freq = new Uint32Array(256);
    let a = 1;
    let b = 1;
    for (let s = 0; s < 40; s++) {
      freq[s] = a;
      [a, b] = [b, Math.min(a + b, 2 ** 31)];
    }
    const spec = optimalSpec(freq);
    const table = encodeTable(spec, "test");
    for (let s = 0; s < 40; s++) expect(table.size[s]).toBeGreaterThan(0);
    expect(Math.max(...table.size)).toBeLessThanOrEqual(16);
    for (let s = 0; s < 40; s++) expect(table.code[s]).not.toBe(2 ** table.size[s]! - 1);
  });
});
