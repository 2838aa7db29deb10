// Blanking through codecs: JPEG Lossless (process 14), JPEG-LS, JPEG 2000 and HTJ2K, on corpus
// files of each transfer syntax and on inputs made at test time (dcmcjpeg, dcmcjpls, and the codec
// library's own encoders). For each: the rectangle holds the fill, every other sample equals the
// decoded input, frames no rule touches keep their bytes, and the output decodes with the codec
// library and, for the JPEG family, with dcmtk.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildEncapsulated, fragmentBytes, frameBytes, parseEncapsulated } from "../../src/runtime/pixels/encapsulated";
import { applyPixelRules, describeImage, type ImageGeometry, type PixelDataInput, type SelectedPixelRule } from "../../src/runtime/pixels/index";
import type { DecodedFrame, FrameCodec } from "../../src/runtime/pixels/codecs/frame-codec";
import { htj2kCodec, jpeg2000Codec } from "../../src/runtime/pixels/codecs/jpeg-2000";
import { jpegLosslessCodec } from "../../src/runtime/pixels/codecs/jpeg-lossless";
import { jpegLsCodec } from "../../src/runtime/pixels/codecs/jpeg-ls";
import { readJ2kMainHeader } from "../../src/runtime/pixels/codecs/j2k-codestream";
import { codecFrameFragments } from "../../src/runtime/pixels/codecs/rewrite";
import { CORPUS_DIR, HAVE_DCMDJPEG, HAVE_DCMDJPLS, corpusPath, decodeWithDcmtk, loadImageFile, nativeValue, warnIfNoCorpus, withPixelData, type LoadedImage } from "./helpers";

warnIfNoCorpus("pixels/codecs");
const HAVE_DCMCJPEG = spawnSync("dcmcjpeg", ["--version"], { stdio: "ignore" }).status === 0;
const HAVE_DCMCJPLS = spawnSync("dcmcjpls", ["--version"], { stdio: "ignore" }).status === 0;
const HAVE_DCMDRLE = spawnSync("dcmdrle", ["--version"], { stdio: "ignore" }).status === 0;
if (CORPUS_DIR && !(HAVE_DCMCJPEG && HAVE_DCMCJPLS && HAVE_DCMDJPEG && HAVE_DCMDJPLS && HAVE_DCMDRLE)) {
  console.warn("[pixels/codecs] dcmtk not installed (apt-get install dcmtk): inputs made with dcmtk and the dcmtk oracle checks are skipped");
}

const CODECS: Record<string, FrameCodec> = { "jpeg-lossless": jpegLosslessCodec, "jpeg-ls": jpegLsCodec, "jpeg-2000": jpeg2000Codec, htj2k: htj2kCodec };

const scratch = mkdtempSync(join(tmpdir(), "deidc-codecs-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs a dcmtk converter on a corpus file (or bytes) and loads the result. */
function convert(tool: string, args: string[], input: string | Uint8Array, name: string): LoadedImage {
  let source = typeof input === "string" ? input : join(scratch, `${name}.in.dcm`);
  if (typeof input !== "string") writeFileSync(source, input);
  const output = join(scratch, `${name}.dcm`);
  const run = spawnSync(tool, [...args, source, output], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`${tool} failed: ${run.stderr || run.stdout}`);
  source = output;
  return loadImageFile(source);
}

/** The geometry of `image` as if its transfer syntax were `uid` (for elements re-encoded here). */
function relabel(image: LoadedImage, uid: string): ImageGeometry {
  return describeImage({ ...valuesOf(image), TransferSyntaxUID: uid });
}

function valuesOf(image: LoadedImage): Record<string, number | string> {
  const g = image.geometry;
  return {
    Rows: g.rows,
    Columns: g.columns,
    NumberOfFrames: g.frames,
    SamplesPerPixel: g.samplesPerPixel,
    PhotometricInterpretation: g.photometricInterpretation,
    PlanarConfiguration: g.planarConfiguration,
    BitsAllocated: g.bitsAllocated,
    BitsStored: g.bitsStored,
    HighBit: g.highBit,
    PixelRepresentation: g.signed ? 1 : 0,
  };
}

/** Encodes every frame of a native image with `codec` into an encapsulated element (with a Basic Offset Table). */
function encodeNative(image: LoadedImage, codec: FrameCodec, settings: DecodedFrame["settings"]): Uint8Array {
  const g = image.geometry;
  const value = nativeValue(image);
  const frameBytesCount = g.rows * g.columns * g.samplesPerPixel * (g.bitsAllocated / 8);
  const frames = Array.from({ length: g.frames }, (_, f) => {
    const pixels = value.slice(f * frameBytesCount, (f + 1) * frameBytesCount);
    const decoded: DecodedFrame = { pixels, width: g.columns, height: g.rows, components: g.samplesPerPixel, bitsPerSample: g.bitsStored, signed: g.signed, planar: g.planarConfiguration === 1, settings };
    return [codec.encode(decoded, f + 1)];
  });
  const header = Uint8Array.of(0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff);
  return buildEncapsulated(header, frames, true).element;
}

interface Case {
  name: string;
  /** the pixel data element and its geometry; `image` when the element is the file's own (dcmtk can then read the output) */
  load: () => { element: Uint8Array; geometry: ImageGeometry; image?: LoadedImage };
  dcmtk?: "dcmdjpeg" | "dcmdjpls";
  needs?: boolean;
}

const corpus = (relative: string, dcmtk?: Case["dcmtk"]): Case => ({
  name: relative,
  load: () => {
    const image = loadImageFile(corpusPath(relative));
    return { element: image.element, geometry: image.geometry, image };
  },
  dcmtk,
  needs: dcmtk === undefined || (dcmtk === "dcmdjpeg" ? HAVE_DCMDJPEG : HAVE_DCMDJPLS),
});

const made = (name: string, make: () => LoadedImage, dcmtk: Case["dcmtk"]): Case => ({
  name,
  load: () => {
    const image = make();
    return { element: image.element, geometry: image.geometry, image };
  },
  dcmtk,
  needs: HAVE_DCMCJPEG && HAVE_DCMCJPLS && HAVE_DCMDJPEG && HAVE_DCMDJPLS && HAVE_DCMDRLE,
});

const CT_2FRAMES = "pydicom-data/eCT_Supplemental.dcm";
const nativeRgb2Frames = (): LoadedImage => convert("dcmdrle", [], corpusPath("pydicom-debian/SC_rgb_rle_2frame.dcm"), "rgb-native");

const CASES: Case[] = [
  corpus("pydicom-debian/SC_rgb_jpeg_gdcm.dcm", "dcmdjpeg"), // .70, RGB
  corpus("pydicom-data/JPEG-LL.dcm", "dcmdjpeg"), // .70, 16 bits, two fragments
  corpus("pydicom-data/JPGLosslessP14SV1_1s_1f_8b.dcm", "dcmdjpeg"), // .70, 8 bits
  made(".57 predictor 6, 2 frames of 16 bits (dcmcjpeg +el +sv 6)", () => convert("dcmcjpeg", ["+el", "+sv", "6"], corpusPath(CT_2FRAMES), "ct-57"), "dcmdjpeg"),
  made(".70, 2 RGB frames (dcmcjpeg +e1)", () => convert("dcmcjpeg", ["+e1"], nativeRgb2Frames().bytes, "rgb-70"), "dcmdjpeg"),
  corpus("pydicom-debian/MR_small_jpeg_ls_lossless.dcm", "dcmdjpls"), // .80, signed 16 bits
  corpus("pydicom-data/emri_small_jpeg_ls_lossless.dcm", "dcmdjpls"), // .80, 10 frames, 12 bits
  corpus("pydicom-data/JLSN_RGB_ILV0.dcm", "dcmdjpls"), // .81 NEAR 3, RGB, no interleave
  made(".80, 2 RGB frames, line interleaved (dcmcjpls +il)", () => convert("dcmcjpls", ["+il"], nativeRgb2Frames().bytes, "rgb-80-line"), "dcmdjpls"),
  made(".80, 2 RGB frames, sample interleaved (dcmcjpls +is)", () => convert("dcmcjpls", ["+is"], nativeRgb2Frames().bytes, "rgb-80-sample"), "dcmdjpls"),
  made(".81 NEAR 2, 2 frames of 16 bits (dcmcjpls +en)", () => convert("dcmcjpls", ["+en"], corpusPath(CT_2FRAMES), "ct-81"), "dcmdjpls"),
  corpus("pydicom-debian/MR_small_jp2klossless.dcm"), // .90, signed
  corpus("pydicom-data/US1_J2KR.dcm"), // .90, YBR_RCT, three fragments
  corpus("pydicom-debian/J2K_pixelrep_mismatch.dcm"), // .90, 13 bits
  corpus("pydicom-debian/JPEG2000.dcm"), // .91, irreversible
  corpus("pydicom-data/RG3_J2KI.dcm"), // .91, 1760 x 1760, four fragments
  corpus("pydicom-data/HTJ2KLossless_08_RGB.dcm"), // .201, RGB with the colour transform
  {
    name: ".90, 2 frames of 16 bits (OpenJPEG encoder)",
    load: () => {
      const image = loadImageFile(corpusPath(CT_2FRAMES));
      return { element: encodeNative(image, jpeg2000Codec, { decompositions: 5, progressionOrder: 0 }), geometry: relabel(image, "1.2.840.10008.1.2.4.90") };
    },
  },
  {
    name: ".202, 2 frames of 16 bits (OpenJPH encoder, RPCL)",
    load: () => {
      const image = loadImageFile(corpusPath(CT_2FRAMES));
      return { element: encodeNative(image, htj2kCodec, { decompositions: 5, progressionOrder: 2 }), geometry: relabel(image, "1.2.840.10008.1.2.4.202") };
    },
  },
  {
    name: ".203, HTJ2KLossless_08_RGB relabelled (a reversible codestream is valid there too)",
    load: () => {
      const image = loadImageFile(corpusPath("pydicom-data/HTJ2KLossless_08_RGB.dcm"));
      return { element: image.element, geometry: relabel(image, "1.2.840.10008.1.2.4.203") };
    },
  },
];

const source = { file: "test.deid", line: 1, column: 1 } as unknown as SelectedPixelRule["source"];

function input(element: Uint8Array, geometry: ImageGeometry, rules: SelectedPixelRule[], extra: Partial<PixelDataInput> = {}): PixelDataInput {
  return { element, geometry, encoding: { littleEndian: true, explicitVr: true }, rules, stripJpegMetadata: false, ...extra };
}

function sampleAt(d: DecodedFrame, row: number, column: number, s: number): number {
  const index = d.planar ? s * d.width * d.height + row * d.width + column : (row * d.width + column) * d.components + s;
  return d.bitsPerSample > 8 ? d.pixels[2 * index]! | (d.pixels[2 * index + 1]! << 8) : d.pixels[index]!;
}

/** The sample a fill value becomes in the codec's terms: the P-bit pattern, or 16-bit two's complement for signed components. */
function fillSample(d: DecodedFrame, fill: number): number {
  if (d.signed) return fill & (d.bitsPerSample > 8 ? 0xffff : 0xff);
  return fill & (2 ** d.bitsPerSample - 1);
}

/** Samples in pixel order (what dcmtk writes), from a decoded frame in the codec's order. */
function interleaved(d: DecodedFrame): Uint8Array {
  if (!d.planar) return d.pixels;
  const out = new Uint8Array(d.pixels.length);
  const plane = d.width * d.height;
  for (let i = 0; i < plane; i++) for (let s = 0; s < d.components; s++) out[i * d.components + s] = d.pixels[s * plane + i]!;
  return out;
}

describe.skipIf(!CORPUS_DIR)("blanking through codecs", () => {
  for (const c of CASES) {
    it.skipIf(c.needs === false)(c.name, () => {
      const { element, geometry: g, image } = c.load();
      const family = g.transferSyntax.codec!;
      expect(family).not.toBeNull();
      const codec = CODECS[family]!;
      const before = parseEncapsulated(element);
      const framesBefore = codecFrameFragments(before, g, family);
      const rect = { x: Math.floor(g.columns / 4), y: Math.floor(g.rows / 3), width: Math.max(1, Math.floor(g.columns / 3)), height: Math.max(1, Math.floor(g.rows / 5)) };
      const fill = g.signed ? -5 : Math.min(200, 2 ** g.bitsStored - 1);
      const touched = g.frames > 1 ? [1] : [0]; // 0-based
      const frames = g.frames > 1 ? [{ from: 2, to: 2 }] : null;
      const result = applyPixelRules(input(element, g, [{ regions: [{ ...rect, fill, frames }], because: "burned-in text", source }]));
      expect(result.element).not.toBeNull();
      expect(result.report).toContainEqual(expect.objectContaining({ kind: "blanked", ...rect, fill }));
      const after = parseEncapsulated(result.element!);
      const framesAfter = codecFrameFragments(after, g, family);
      expect(framesAfter.length).toBe(g.frames);
      expect(result.frameTable!.offsets.length).toBe(g.frames);

      const expectedNative: Uint8Array[] = [];
      for (let f = 0; f < g.frames; f++) {
        const original = frameBytes(before, framesBefore[f]!);
        const rewritten = frameBytes(after, framesAfter[f]!);
        const reference = codec.decode(original, f + 1);
        if (!touched.includes(f)) {
          expect(rewritten, `frame ${f + 1} is untouched`).toEqual(original);
          expectedNative.push(interleaved(reference));
          continue;
        }
        const decoded = codec.decode(rewritten, f + 1);
        expect([decoded.width, decoded.height, decoded.components, decoded.bitsPerSample]).toEqual([reference.width, reference.height, reference.components, reference.bitsPerSample]);
        let mismatches = 0;
        let unfilled = 0;
        const want = fillSample(decoded, fill);
        for (let row = 0; row < g.rows; row++) {
          for (let column = 0; column < g.columns; column++) {
            const inside = row >= rect.y && row < rect.y + rect.height && column >= rect.x && column < rect.x + rect.width;
            for (let s = 0; s < decoded.components; s++) {
              const got = sampleAt(decoded, row, column, s);
              if (inside ? got !== want : got !== sampleAt(reference, row, column, s)) inside ? unfilled++ : mismatches++;
            }
          }
        }
        expect(unfilled, "samples in the rectangle that do not hold the fill").toBe(0);
        expect(mismatches, "samples outside the rectangle that changed").toBe(0);
        expectedNative.push(interleaved(decoded));
      }
      if (g.transferSyntax.uid === "1.2.840.10008.1.2.4.202") {
        // The options .202 is named for: RPCL progression and a TLM marker segment, in every re-encoded frame.
        for (const f of touched) expect(readJ2kMainHeader(frameBytes(after, framesAfter[f]!), f + 1)).toMatchObject({ progressionOrder: 2, tileLengthMarkers: true, reversible: true, highThroughput: true });
      }
      if (c.dcmtk && image) {
        const decodedByDcmtk = nativeValue(decodeWithDcmtk(c.dcmtk, withPixelData(image, result.element!)));
        const expected = Buffer.concat(expectedNative);
        expect(Buffer.compare(Buffer.from(decodedByDcmtk.subarray(0, expected.length)), expected), `${c.dcmtk} decodes the output to the expected samples`).toBe(0);
      }
    });
  }
});

describe.skipIf(!CORPUS_DIR)("codec frames: policy and edges", () => {
  it("keeps every frame's bytes when no rule selects an existing frame, and decodes none", () => {
    const image = loadImageFile(corpusPath("pydicom-data/emri_small_jpeg_ls_lossless.dcm"));
    const result = applyPixelRules(input(image.element, image.geometry, [{ regions: [{ x: 0, y: 0, width: 4, height: 4, fill: 0, frames: [{ from: 11, to: 12 }] }] }]));
    expect(result.element).toBeNull();
    expect(result.report).toEqual([expect.objectContaining({ kind: "frames-missing" })]);
  });

  it("re-encodes JPEG-LS near-lossless input losslessly (NEAR = 0), so no second generation of loss", () => {
    const image = loadImageFile(corpusPath("pydicom-data/JLSN_RGB_ILV0.dcm"));
    const result = applyPixelRules(input(image.element, image.geometry, [{ regions: [{ x: 0, y: 0, width: 8, height: 8, fill: 0, frames: null }] }]));
    const frame = frameBytes(parseEncapsulated(result.element!), [0]);
    expect(jpegLsCodec.decode(frame, 1).settings.near).toBe(0);
    expect(jpegLsCodec.decode(frameBytes(parseEncapsulated(image.element), [0]), 1).settings.near).toBe(3);
  });

  it("re-encodes irreversible JPEG 2000 with the reversible wavelet", () => {
    const image = loadImageFile(corpusPath("pydicom-data/RG3_J2KI.dcm"));
    expect(readJ2kMainHeader(frameBytes(parseEncapsulated(image.element), [0, 1, 2, 3]), 1).reversible).toBe(false);
    const result = applyPixelRules(input(image.element, image.geometry, [{ regions: [{ x: 10, y: 10, width: 100, height: 40, fill: 0, frames: null }] }]));
    const out = parseEncapsulated(result.element!);
    // The encoder's "Created by OpenJPEG" comment is not kept.
    expect(readJ2kMainHeader(fragmentBytes(out, 0), 1)).toMatchObject({ reversible: true, decompositions: 5, colourTransform: false, comments: [] });
  });

  it("writes JPEG Lossless with selection value 1, whatever predictor the input used", () => {
    if (!HAVE_DCMCJPEG) return;
    const image = convert("dcmcjpeg", ["+el", "+sv", "6"], corpusPath("pydicom-debian/MR_small.dcm"), "mr-57");
    const sv = (frame: Uint8Array): number => jpegLosslessCodec.decode(frame, 1).settings.predictor as number;
    expect(sv(frameBytes(parseEncapsulated(image.element), [0]))).toBe(6);
    const result = applyPixelRules(input(image.element, image.geometry, [{ regions: [{ x: 1, y: 1, width: 5, height: 5, fill: 0, frames: null }] }]));
    expect(sv(frameBytes(parseEncapsulated(result.element!), [0]))).toBe(1);
  });

  it("clears overlay bits held above the codestream's stored bits, in every frame that has them", () => {
    // Two 16-bit JPEG-LS frames of 12-bit values; frame 2 has bit 15 set (an overlay) in a few samples.
    const [rows, columns] = [16, 20];
    const geometry = describeImage({ Rows: rows, Columns: columns, NumberOfFrames: 2, SamplesPerPixel: 1, PhotometricInterpretation: "MONOCHROME2", BitsAllocated: 16, BitsStored: 12, HighBit: 11, PixelRepresentation: 0, TransferSyntaxUID: "1.2.840.10008.1.2.4.80" });
    const frames = [0, 1].map((f) => {
      const pixels = new Uint8Array(rows * columns * 2);
      for (let i = 0; i < rows * columns; i++) {
        const v = (i * 37 + f * 11) & 0x0fff;
        const overlay = f === 1 && i % 7 === 0 ? 0x8000 : 0;
        pixels[2 * i] = (v | overlay) & 0xff;
        pixels[2 * i + 1] = (v | overlay) >> 8;
      }
      return [jpegLsCodec.encode({ pixels, width: columns, height: rows, components: 1, bitsPerSample: 16, signed: false, planar: false, settings: { interleaveMode: 0 } }, f + 1)];
    });
    const header = Uint8Array.of(0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff);
    const element = buildEncapsulated(header, frames, false).element;
    const result = applyPixelRules(input(element, geometry, [], { overlayBitPositions: [15] }));
    expect(result.report).toEqual([{ kind: "overlay-bits-cleared", bitPositions: [15] }]);
    const out = parseEncapsulated(result.element!);
    expect(fragmentBytes(out, 0)).toEqual(frames[0]![0]); // no overlay bit set: not re-encoded
    const cleared = jpegLsCodec.decode(fragmentBytes(out, 1), 2);
    for (let i = 0; i < rows * columns; i++) {
      expect(cleared.pixels[2 * i]! | (cleared.pixels[2 * i + 1]! << 8)).toBe((i * 37 + 11) & 0x0fff);
    }
  });

  it("removes COM segments from JPEG 2000 main headers without re-encoding, and reports them", () => {
    const image = loadImageFile(corpusPath("pydicom-debian/MR_small_jp2klossless.dcm"));
    const px = parseEncapsulated(image.element);
    const frame = frameBytes(px, [0]);
    const header = readJ2kMainHeader(frame, 1);
    expect(header.comments.length).toBe(1); // the encoder's own
    // One more COM segment (Rcom 1, Latin-1) at the end of the main header, with a name in it.
    const text = new TextEncoder().encode("Patient DOE^JANE scanned");
    const com = new Uint8Array(6 + text.length);
    com.set([0xff, 0x64, (4 + text.length) >> 8, (4 + text.length) & 0xff, 0, 1]);
    com.set(text, 6);
    const withCom = new Uint8Array(frame.length + com.length);
    withCom.set(frame.subarray(0, header.mainHeaderEnd), 0);
    withCom.set(com, header.mainHeaderEnd);
    withCom.set(frame.subarray(header.mainHeaderEnd), header.mainHeaderEnd + com.length);
    const padded = withCom.length % 2 ? Uint8Array.from([...withCom, 0]) : withCom;
    const element = buildEncapsulated(px.header, [[padded]], false).element;
    const result = applyPixelRules(input(element, image.geometry, [], { stripJpegMetadata: true }));
    const own = header.comments[0]!;
    expect(result.report).toEqual([
      { kind: "metadata-removed", frame: 1, marker: "COM", length: own.end - own.start },
      { kind: "metadata-removed", frame: 1, marker: "COM", length: com.length },
    ]);
    const stripped = fragmentBytes(parseEncapsulated(result.element!), 0);
    expect(Buffer.from(stripped).includes(Buffer.from(text))).toBe(false);
    // Everything but the two segments is copied: the stripped frame still decodes to the same samples.
    const expected = Buffer.concat([frame.subarray(0, own.start), frame.subarray(own.end)]);
    expect(Buffer.from(stripped.subarray(0, expected.length))).toEqual(expected);
    expect(stripped.length - expected.length).toBeLessThanOrEqual(1); // an even-length pad at most
    expect(jpeg2000Codec.decode(stripped, 1).pixels).toEqual(jpeg2000Codec.decode(frame, 1).pixels);
    // A codestream without COM segments is left as it is.
    expect(applyPixelRules(input(result.element!, image.geometry, [], { stripJpegMetadata: true })).element).toBeNull();
    expect(applyPixelRules(input(image.element, image.geometry, [], { stripJpegMetadata: false })).element).toBeNull();
  });

  it("leaves a frame that is not a bare codestream (a JP2 file) alone when only stripping metadata", () => {
    const image = loadImageFile(corpusPath("pydicom-debian/MR_small_jp2klossless.dcm"));
    const jp2 = Uint8Array.of(0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a);
    const element = buildEncapsulated(parseEncapsulated(image.element).header, [[jp2]], false).element;
    expect(applyPixelRules(input(element, image.geometry, [], { stripJpegMetadata: true }))).toEqual({ element: null, report: [], frameTable: null });
    // Blanking it needs the codestream, and says so.
    expect(() => applyPixelRules(input(element, image.geometry, [{ regions: [{ x: 0, y: 0, width: 2, height: 2, fill: 0, frames: null }] }]))).toThrow(/does not start with an SOC marker/);
  });

  it("refuses colour JPEG 2000 whose re-encode would contradict Photometric Interpretation", () => {
    const image = loadImageFile(corpusPath("pydicom-data/HTJ2KLossless_08_RGB.dcm"));
    // OpenJPEG always applies the reversible colour transform to three components: an RGB frame without one cannot be kept so.
    const decoded = htj2kCodec.decode(frameBytes(parseEncapsulated(image.element), [0]), 1);
    expect(() => jpeg2000Codec.encode({ ...decoded, settings: { ...decoded.settings, colourTransform: false } }, 1)).toThrow(/no longer match Photometric Interpretation/);
    expect(() => jpeg2000Codec.encode({ ...decoded, settings: { ...decoded.settings, reversible: false } }, 1)).toThrow(/YBR_ICT/);
  });

  it("names the frame when a codestream does not decode", () => {
    const image = loadImageFile(corpusPath("pydicom-debian/MR_small_jpeg_ls_lossless.dcm"));
    const frame = frameBytes(parseEncapsulated(image.element), [0]).slice();
    frame.fill(0x55, 40, frame.length - 2);
    const element = buildEncapsulated(parseEncapsulated(image.element).header, [[frame]], false).element;
    expect(() => applyPixelRules(input(element, image.geometry, [{ regions: [{ x: 0, y: 0, width: 2, height: 2, fill: 0, frames: null }] }]))).toThrow(/JPEG-LS frame 1/);
  });

  it("refuses a frame whose codestream disagrees with the image attributes", () => {
    const image = loadImageFile(corpusPath("pydicom-debian/MR_small_jp2klossless.dcm"));
    const geometry = describeImage({ ...valuesOf(image), Rows: 32, TransferSyntaxUID: "1.2.840.10008.1.2.4.90" });
    expect(() => applyPixelRules(input(image.element, geometry, [{ regions: [{ x: 0, y: 0, width: 2, height: 2, fill: 0, frames: null }] }]))).toThrow("frame 1 decodes to 64 x 64 pixels of 1 component(s), but the image attributes say 64 x 32 of 1");
  });
});

describe("lossless JPEG encoder", () => {
  it("round-trips extreme 16-bit differences (category 16) and 8-bit noise through the decoder", () => {
    const width = 9;
    const height = 5;
    const wide = new Uint8Array(width * height * 2);
    for (let i = 0; i < width * height; i++) {
      const v = i % 2 === 0 ? 0 : 0xffff;
      wide[2 * i] = v & 0xff;
      wide[2 * i + 1] = v >> 8;
    }
    const d16: DecodedFrame = { pixels: wide, width, height, components: 1, bitsPerSample: 16, signed: false, planar: false, settings: {} };
    expect(jpegLosslessCodec.decode(jpegLosslessCodec.encode(d16, 1), 1).pixels).toEqual(wide);
    const noise = Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 97 + ((i * i) % 13)) & 0xff);
    const d8: DecodedFrame = { pixels: noise, width, height, components: 3, bitsPerSample: 8, signed: false, planar: false, settings: {} };
    expect(jpegLosslessCodec.decode(jpegLosslessCodec.encode(d8, 1), 1).pixels).toEqual(noise);
  });
});
