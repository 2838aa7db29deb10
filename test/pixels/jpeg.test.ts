// JPEG and JPEG-LS metadata removal: identifiers planted in APPn and COM segments of corpus
// frames (one or many fragments, with and without a Basic Offset Table) are gone after stripping,
// the entropy-coded data is byte-identical, and dcmtk decodes the same pixels as before planting.

import { describe, expect, it } from "vitest";
import { JpegScanner, PixelError, buildEncapsulated, fragmentBytes, parseEncapsulated, stripJpegMetadata } from "../../src/runtime/pixels/index";
import { CORPUS_DIR, HAVE_DCMDJPEG, HAVE_DCMDJPLS, corpusPath, decodeWithDcmtk, loadImageFile, nativeValue, sameBytes, warnIfNoCorpus, withPixelData, type LoadedImage } from "./helpers";

warnIfNoCorpus("pixels/jpeg");
if (CORPUS_DIR && !HAVE_DCMDJPEG) console.warn("[pixels/jpeg] dcmdjpeg not installed (apt-get install dcmtk): decoding checks are skipped");
if (CORPUS_DIR && !HAVE_DCMDJPLS) console.warn("[pixels/jpeg] dcmdjpls not installed (apt-get install dcmtk): JPEG-LS decoding checks are skipped");

const NAME = "DOE^JANE";
const text = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let p = 0;
  for (const part of parts) (out.set(part, p), (p += part.length));
  return out;
};
const contains = (haystack: Uint8Array, needle: string): boolean => Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).includes(needle, 0, "latin1");

/** A marker segment: 0xFF, marker, big-endian length (payload + 2), payload. */
function segment(marker: number, payload: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff), payload);
}

const EXIF = segment(0xe1, concat(text("Exif\0\0MM\0*\0\0\0\x08"), text(`Artist\0${NAME}\0`)));
const XMP = segment(0xe1, text(`http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><dc:creator>${NAME}</dc:creator></x:xmpmeta>`));
const ICC = segment(0xe2, text(`ICC_PROFILE\0\x01\x01desc ${NAME}`));
const JUMBF = segment(0xeb, text(`JP\0\x01\0\0\0\x01jumb ${NAME}`));
const IPTC = segment(0xed, text(`Photoshop 3.0\x008BIM\x04\x04\0\0\0\0\0\x0c\x1c\x02\x50\0\x08${NAME}`));
/** odd total length (4 + 17), so the stripped frame changes parity and needs a pad byte */
const COMMENT = segment(0xfe, text(`Patient ${NAME}!`));

/** Inserts segments right after SOI and, optionally, between the entropy-coded data and EOI; pads to even length. */
function plant(frame: Uint8Array, afterSoi: Uint8Array[], beforeEoi: Uint8Array[] = []): Uint8Array {
  const eoi = frame.lastIndexOf(0xd9);
  expect(frame[eoi - 1]).toBe(0xff);
  const planted = concat(frame.subarray(0, 2), ...afterSoi, frame.subarray(2, eoi - 1), ...beforeEoi, Uint8Array.of(0xff, 0xd9));
  return planted.length % 2 === 0 ? planted : concat(planted, Uint8Array.of(0));
}

/** Splits a frame into fragments at even offsets. */
function split(frame: Uint8Array, parts: number): Uint8Array[] {
  const size = Math.ceil(frame.length / parts / 2) * 2;
  const out: Uint8Array[] = [];
  for (let p = 0; p < frame.length; p += size) out.push(frame.subarray(p, Math.min(p + size, frame.length)));
  return out;
}

function frameOf(image: LoadedImage, index = 0): Uint8Array {
  return fragmentBytes(parseEncapsulated(image.element), index);
}

/** The bytes from the first SOS to EOI: the scan header and entropy-coded data, which must survive verbatim. */
function scanData(frame: Uint8Array): Uint8Array {
  const sos = Buffer.from(frame).indexOf(Buffer.from([0xff, 0xda]));
  return frame.subarray(sos, frame.lastIndexOf(0xd9) - 1);
}

/** Frames of an element by SOI/EOI, each concatenated from its fragments. */
function framesOf(px: ReturnType<typeof parseEncapsulated>): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let current: Uint8Array[] = [];
  for (let i = 0; i < px.fragments.length; i++) {
    current.push(fragmentBytes(px, i));
    const joined = concat(...current);
    const end = joined.lastIndexOf(0xd9);
    if (end > 0 && joined[end - 1] === 0xff && joined.subarray(end + 1).every((b) => b === 0 || b === 0xff)) {
      frames.push(joined);
      current = [];
    }
  }
  return frames;
}

/** A frame cut after EOI, without fill bytes before EOI. */
function withoutPadding(frame: Uint8Array): Uint8Array {
  let end = frame.lastIndexOf(0xd9) - 1;
  while (frame[end - 1] === 0xff) end--;
  return concat(frame.subarray(0, end), Uint8Array.of(0xff, 0xd9));
}

function decoderFor(image: LoadedImage): { tool: string; available: boolean } {
  return image.geometry.transferSyntax.encoding === "jpeg-ls" ? { tool: "dcmdjpls", available: HAVE_DCMDJPLS } : { tool: "dcmdjpeg", available: HAVE_DCMDJPEG };
}

interface PlantCase {
  name: string;
  file: string;
  /** new encapsulated element built from the original image */
  build(image: LoadedImage): Uint8Array;
  /** markers expected in the removal report, as "frame:marker" */
  removed: string[];
}

const CASES: PlantCase[] = [
  {
    name: "JPEG baseline, one fragment, Basic Offset Table: EXIF, XMP, comment after SOI and before EOI",
    file: "pydicom-debian/SC_rgb_jpeg_dcmtk.dcm",
    build: (image) => {
      const px = parseEncapsulated(image.element);
      return buildEncapsulated(px.header, [[plant(frameOf(image), [EXIF, XMP, COMMENT], [segment(0xfe, text(`again ${NAME}`))])]], true).element;
    },
    removed: ["1:APP1", "1:APP1", "1:COM", "1:COM"],
  },
  {
    name: "JPEG extended 12-bit, one frame in three fragments, no offset table",
    file: "pydicom-debian/JPEG-lossy.dcm",
    build: (image) => buildEncapsulated(parseEncapsulated(image.element).header, [split(plant(frameOf(image), [EXIF, COMMENT]), 3)], false).element,
    removed: ["1:APP1", "1:COM"],
  },
  {
    name: "JPEG lossless, one frame in two fragments, offset table [0]: ICC, JUMBF, IPTC, comment",
    file: "pydicom-data/JPGLosslessP14SV1_1s_1f_8b.dcm",
    build: (image) => buildEncapsulated(parseEncapsulated(image.element).header, [split(plant(frameOf(image), [ICC, JUMBF, IPTC, COMMENT]), 2)], true).element,
    // the file's own LJIF APP0 and comment go too
    removed: ["1:APP0", "1:COM", "1:APP2", "1:APP11", "1:APP13", "1:COM"],
  },
  {
    name: "JPEG-LS, 10 frames, frame 7 in two fragments, no offset table: EOI finds the frames",
    file: "pydicom-data/emri_small_jpeg_ls_lossless.dcm",
    build: (image) => {
      const px = parseEncapsulated(image.element);
      const frames = px.fragments.map((_, i) => [fragmentBytes(px, i)]);
      frames[1] = [plant(frames[1]![0]!, [EXIF, COMMENT])];
      frames[6] = split(plant(frames[6]![0]!, [XMP]), 2);
      return buildEncapsulated(px.header, frames, false).element;
    },
    removed: ["2:APP1", "2:COM", "7:APP1"],
  },
  {
    name: "JPEG-LS single frame: odd-length comment, padded with a fill byte before EOI",
    file: "pydicom-debian/MR_small_jpeg_ls_lossless.dcm",
    build: (image) => buildEncapsulated(parseEncapsulated(image.element).header, [[plant(frameOf(image), [COMMENT])]], false).element,
    removed: ["1:COM"],
  },
];

describe.skipIf(!CORPUS_DIR)("stripJpegMetadata on planted corpus frames", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const image = loadImageFile(corpusPath(c.file));
    const planted = c.build(image);
    expect(contains(planted, NAME)).toBe(true);
    const { bytes, removed } = stripJpegMetadata(planted);
    expect(contains(bytes, NAME)).toBe(false);
    expect(removed.map((r) => `${r.frame}:${r.marker}`).sort()).toEqual([...c.removed].sort());

    const before = parseEncapsulated(planted);
    const after = parseEncapsulated(bytes);
    for (const f of after.fragments) expect(f.length % 2).toBe(0);
    // A table when there was one, pointing at each frame's first fragment.
    expect(after.offsetTable.length > 0).toBe(before.offsetTable.length > 0);
    if (after.offsetTable.length > 0) after.offsetTable.forEach((o) => expect(after.fragments.some((f) => f.itemOffset - after.firstFragmentOffset === o)).toBe(true));
    // Every frame's scan data survives byte for byte.
    const original = parseEncapsulated(image.element);
    const output = Buffer.from(bytes);
    for (let i = 0; i < original.fragments.length; i++) expect(output.includes(Buffer.from(scanData(fragmentBytes(original, i))))).toBe(true);
    // Stripping the planted object gives the frames of the original (of the stripped original when
    // it had metadata of its own), up to padding.
    const reference = parseEncapsulated(stripJpegMetadata(image.element).bytes);
    const strippedFrames = framesOf(after);
    const referenceFrames = framesOf(reference);
    expect(strippedFrames.length).toBe(image.geometry.frames);
    strippedFrames.forEach((frame, i) => expect(sameBytes(withoutPadding(frame), withoutPadding(referenceFrames[i]!))).toBe(true));
  });

  it.each(CASES.map((c) => [c.name, c] as const))("%s: decodes to the pixels of the original", (_name, c) => {
    const image = loadImageFile(corpusPath(c.file));
    const { tool, available } = decoderFor(image);
    if (!available) {
      console.warn(`[pixels/jpeg] ${tool} missing: decode check of ${c.file} skipped`);
      return;
    }
    const reference = nativeValue(decodeWithDcmtk(tool, image.bytes));
    const planted = c.build(image);
    const stripped = stripJpegMetadata(planted).bytes;
    expect(sameBytes(nativeValue(decodeWithDcmtk(tool, withPixelData(image, stripped))), reference)).toBe(true);
    // dcmtk's JPEG-LS codec (CharLS 1.x) refuses APPn segments, so the planted object itself may not decode.
    let plantedPixels: Uint8Array | undefined;
    try {
      plantedPixels = nativeValue(decodeWithDcmtk(tool, withPixelData(image, planted)));
    } catch (e) {
      console.info(`[pixels/jpeg] ${tool} cannot decode the planted ${c.file} (${(e as Error).message.trim().split("\n").pop()}); the stripped one decodes`);
    }
    if (plantedPixels) expect(sameBytes(plantedPixels, reference)).toBe(true);
  });

  it("leaves a clean frame alone: the input element is returned", () => {
    const image = loadImageFile(corpusPath("pydicom-debian/SC_rgb_jpeg_dcmtk.dcm"));
    const result = stripJpegMetadata(image.element);
    expect(result.bytes).toBe(image.element);
    expect(result.removed).toEqual([]);
  });

  it("keeps JFIF but drops its thumbnail, fixing the segment length", () => {
    const image = loadImageFile(corpusPath("pydicom-debian/SC_rgb_jpeg_dcmtk.dcm"));
    const frame = frameOf(image);
    expect([...frame.subarray(2, 6)]).toEqual([0xff, 0xe0, 0x00, 0x10]); // JFIF without thumbnail
    const jfifWithThumbnail = segment(0xe0, concat(frame.subarray(6, 6 + 12), Uint8Array.of(1, 1, 0x10, 0x20, 0x30)));
    const withThumbnail = concat(frame.subarray(0, 2), jfifWithThumbnail, frame.subarray(2 + 18));
    const px = parseEncapsulated(image.element);
    const element = buildEncapsulated(px.header, [[withThumbnail.length % 2 ? concat(withThumbnail, Uint8Array.of(0)) : withThumbnail]], true).element;
    const { bytes, removed } = stripJpegMetadata(element);
    expect(removed).toEqual([{ frame: 1, marker: "APP0", identifier: "JFIF thumbnail", length: 3 }]);
    const out = fragmentBytes(parseEncapsulated(bytes), 0);
    expect([...out.subarray(0, 20)]).toEqual([...frame.subarray(0, 20)]);
    if (HAVE_DCMDJPEG) expect(sameBytes(nativeValue(decodeWithDcmtk("dcmdjpeg", withPixelData(image, bytes))), nativeValue(decodeWithDcmtk("dcmdjpeg", image.bytes)))).toBe(true);
  });
});

describe("JpegScanner", () => {
  const SOI = [0xff, 0xd8];
  const EOI = [0xff, 0xd9];
  const SOS = [0xff, 0xda, 0x00, 0x03, 0x01];

  it("skips stuffed 0xFF00 and restart markers in JPEG scan data, and fill bytes before markers", () => {
    const b = Uint8Array.of(...SOI, ...SOS, 0x12, 0xff, 0x00, 0x34, 0xff, 0xd3, 0x56, 0xff, 0xff, 0xfe, 0x00, 0x03, 0x41, ...EOI);
    const s = new JpegScanner();
    expect(s.advance(b, 1)).toBe(true);
    expect(s.segments.map((x) => x.marker)).toEqual([0xda, 0xfe]);
  });

  it("treats 0xFF followed by a byte below 0x80 as data in JPEG-LS scans", () => {
    const sof55 = [0xff, 0xf7, 0x00, 0x03, 0x08];
    const b = Uint8Array.of(...SOI, ...sof55, ...SOS, 0xff, 0x7f, 0xff, 0x12, 0x00, ...EOI);
    const s = new JpegScanner();
    expect(s.advance(b, 1)).toBe(true);
    expect(s.eoi).toBe(b.length - 2);
  });

  it("resumes when the frame continues in more bytes, and fails on a frame with no SOI", () => {
    const b = Uint8Array.of(...SOI, ...SOS, 0x01, 0x02, 0xff, 0x00, ...EOI);
    const s = new JpegScanner();
    expect(s.advance(b.subarray(0, 9), 1)).toBe(false);
    expect(s.advance(b.subarray(0, 10), 1)).toBe(false);
    expect(s.advance(b, 1)).toBe(true);
    expect(() => new JpegScanner().advance(Uint8Array.of(0x00, 0x01), 3)).toThrow("JPEG frame 3 does not start with an SOI marker");
  });

  it("reports a frame without EOI and removes data after EOI", () => {
    const frame = Uint8Array.of(...SOI, ...SOS, 0x01, 0x02, ...EOI, 0x41, 0x42);
    const header = Uint8Array.of(0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff);
    const { bytes, removed } = stripJpegMetadata(buildEncapsulated(header, [[frame]], false).element);
    expect(removed).toEqual([{ frame: 1, marker: "data after EOI", length: 2 }]);
    // 11 bytes up to EOI: a fill byte before EOI makes the fragment even
    expect([...fragmentBytes(parseEncapsulated(bytes), 0)]).toEqual([...SOI, ...SOS, 0x01, 0x02, 0xff, ...EOI]);
    const truncated = buildEncapsulated(header, [[Uint8Array.of(...SOI, ...SOS, 0x01, 0x02)]], false).element;
    expect(() => stripJpegMetadata(truncated)).toThrow(PixelError);
    expect(() => stripJpegMetadata(truncated)).toThrow("JPEG frame 1 ends without an EOI marker");
  });

  it("leaves 0x00/0xFF padding after EOI alone but refuses a second image in the same fragment", () => {
    const header = Uint8Array.of(0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff);
    const padded = buildEncapsulated(header, [[Uint8Array.of(...SOI, ...SOS, 0x01, ...EOI, 0xff, 0x00, 0x00)]], false).element;
    expect(stripJpegMetadata(padded)).toEqual({ bytes: padded, removed: [] });
    const twoImages = buildEncapsulated(header, [[Uint8Array.of(...SOI, ...SOS, 0x01, ...EOI, 0x00, ...SOI, ...SOS, 0x02, ...EOI, 0x00)]], false).element;
    expect(() => stripJpegMetadata(twoImages)).toThrow("JPEG frame 1: another image starts after its EOI in the same fragment");
  });
});
