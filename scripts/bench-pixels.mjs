// Measures pixel blanking: one rectangle on multi-frame objects (native, RLE, and through the
// codecs: JPEG-LS, JPEG Lossless, JPEG 2000, HTJ2K), against decoding and re-encoding every
// frame. Prints frames/s; asserts nothing.
// Usage: node scripts/bench-pixels.mjs [--frames 100 --codec-frames 20 --runs 5]
import { build } from "esbuild";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const frameCount = arg("frames", 100);
const codecFrameCount = arg("codec-frames", 20);
const runs = arg("runs", 5);
const root = resolve(new URL("..", import.meta.url).pathname);

// The pixel layer is TypeScript: bundle it (with the DICOM reader) into a temporary module, inside
// the work tree so that the codecs' WebAssembly resolves from node_modules as it does at run time.
const dir = mkdtempSync(join(root, "node_modules", ".deidc-bench-pixels-"));
const outfile = join(dir, "pixels.mjs");
await build({
  stdin: {
    contents: [
      'export * from "./src/runtime/pixels/index";',
      'export { readPart10, openCursor, TokenKind } from "./src/runtime/dicom/index";',
      'export { jpegLsCodec } from "./src/runtime/pixels/codecs/jpeg-ls";',
      'export { jpegLosslessCodec } from "./src/runtime/pixels/codecs/jpeg-lossless";',
      'export { jpeg2000Codec, htj2kCodec } from "./src/runtime/pixels/codecs/jpeg-2000";',
    ].join("\n"),
    resolveDir: root,
    loader: "ts",
  },
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  logLevel: "warning",
});
const px = await import(pathToFileURL(outfile).href);
rmSync(dir, { recursive: true, force: true });

/** Median wall time of fn over `runs` runs, in ms. */
function time(fn) {
  fn(); // warm up
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const rows = [];
function report(name, frames, ms) {
  rows.push({ case: name, frames, "ms (median)": ms.toFixed(2), "frames/s": Math.round((frames / ms) * 1000).toLocaleString("en-US") });
}

const HEADER_OB = Uint8Array.of(0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff);
const banner = (frames) => [{ regions: [{ x: 0, y: 0, width: 512, height: 40, fill: 0, frames }], because: "bench", source: null }];

// ---- synthetic 100-frame 512 x 512 x 16-bit object: native, and RLE built from it
const g16 = (uid) => px.describeImage({ Rows: 512, Columns: 512, BitsAllocated: 16, BitsStored: 12, NumberOfFrames: frameCount, SamplesPerPixel: 1, PhotometricInterpretation: "MONOCHROME2", TransferSyntaxUID: uid });
const nativeGeometry = g16("1.2.840.10008.1.2.1");
const frameSamples = 512 * 512;
const value = new Uint8Array(frameSamples * 2 * frameCount);
for (let i = 0; i < value.length; i += 2) {
  const v = (Math.floor(i / 1024) * 7 + ((i >> 4) & 63)) & 0xfff; // smooth gradient with texture, RLE-friendly like real images
  value[i] = v & 0xff;
  value[i + 1] = v >> 8;
}
const nativeElement = new Uint8Array(12 + value.length);
nativeElement.set(Uint8Array.of(0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x57, 0, 0));
new DataView(nativeElement.buffer).setUint32(8, value.length, true);
nativeElement.set(value, 12);
const native = (frames) => px.applyPixelRules({ element: nativeElement, encoding: { littleEndian: true, explicitVr: true }, geometry: nativeGeometry, rules: banner(frames), stripJpegMetadata: false });
report(`native 512x512x16, ${frameCount} frames: banner on every frame`, frameCount, time(() => native(null)));
report(`native 512x512x16, ${frameCount} frames: banner on frame 1`, frameCount, time(() => native([{ from: 1, to: 1 }])));

const rleGeometry = g16("1.2.840.10008.1.2.5");
const rleFrames = [];
for (let f = 0; f < frameCount; f++) {
  const hi = new Uint8Array(frameSamples);
  const lo = new Uint8Array(frameSamples);
  for (let i = 0; i < frameSamples; i++) {
    hi[i] = value[(f * frameSamples + i) * 2 + 1];
    lo[i] = value[(f * frameSamples + i) * 2];
  }
  rleFrames.push([px.encodeRleFrame([hi, lo], 512, 512)]);
}
const rleElement = px.buildEncapsulated(HEADER_OB, rleFrames, true).element;
const rle = (frames) => px.applyPixelRules({ element: rleElement, encoding: { littleEndian: true, explicitVr: true }, geometry: rleGeometry, rules: banner(frames), stripJpegMetadata: false });
const transcodeAll = (element, geometry) => {
  const parsed = px.parseEncapsulated(element);
  const segments = geometry.samplesPerPixel * (geometry.bitsAllocated / 8);
  const frames = parsed.fragments.map((_, i) => [px.encodeRleFrame(px.decodeRleFrame(px.fragmentBytes(parsed, i), geometry.rows, geometry.columns, segments, i + 1), geometry.rows, geometry.columns)]);
  return px.buildEncapsulated(parsed.header, frames, parsed.offsetTable.length > 0);
};
report(`RLE 512x512x16, ${frameCount} frames: banner on every frame`, frameCount, time(() => rle(null)));
report(`RLE 512x512x16, ${frameCount} frames: banner on frame 1 (others copied)`, frameCount, time(() => rle([{ from: 1, to: 1 }])));
report(`RLE 512x512x16, ${frameCount} frames: decode + re-encode every frame (baseline)`, frameCount, time(() => transcodeAll(rleElement, rleGeometry)));

// ---- through codecs: the same 512 x 512 x 12-bit frames, encoded by each codec (fewer frames: a
// codec frame costs milliseconds). Blanking decodes and re-encodes only the touched frames.
const codecCases = [
  ["JPEG-LS", "1.2.840.10008.1.2.4.80", px.jpegLsCodec, { interleaveMode: 0 }],
  ["JPEG Lossless SV1", "1.2.840.10008.1.2.4.70", px.jpegLosslessCodec, {}],
  ["JPEG 2000", "1.2.840.10008.1.2.4.90", px.jpeg2000Codec, { decompositions: 5, progressionOrder: 0 }],
  ["HTJ2K", "1.2.840.10008.1.2.4.201", px.htj2kCodec, { decompositions: 5, progressionOrder: 2 }],
];
for (const [name, uid, codec, settings] of codecCases) {
  const geometry = px.describeImage({ Rows: 512, Columns: 512, BitsAllocated: 16, BitsStored: 12, NumberOfFrames: codecFrameCount, SamplesPerPixel: 1, PhotometricInterpretation: "MONOCHROME2", TransferSyntaxUID: uid });
  const frames = [];
  for (let f = 0; f < codecFrameCount; f++) {
    const pixels = value.slice(f * frameSamples * 2, (f + 1) * frameSamples * 2);
    frames.push([codec.encode({ pixels, width: 512, height: 512, components: 1, bitsPerSample: 12, signed: false, planar: false, settings }, f + 1)]);
  }
  const element = px.buildEncapsulated(HEADER_OB, frames, true).element;
  const blank = (frames) => px.applyPixelRules({ element, encoding: { littleEndian: true, explicitVr: true }, geometry, rules: banner(frames), stripJpegMetadata: false });
  const transcode = () => {
    const parsed = px.parseEncapsulated(element);
    return parsed.fragments.map((_, i) => codec.encode(codec.decode(px.fragmentBytes(parsed, i), i + 1), i + 1));
  };
  report(`${name} 512x512x12, ${codecFrameCount} frames: banner on frame 1 (others copied)`, codecFrameCount, time(() => blank([{ from: 1, to: 1 }])));
  report(`${name} 512x512x12, ${codecFrameCount} frames: banner on every frame`, codecFrameCount, time(() => blank(null)));
  report(`${name} 512x512x12, ${codecFrameCount} frames: decode + re-encode every frame (baseline)`, codecFrameCount, time(transcode));
}

// ---- the corpus's Philips ultrasound (600 x 800 palette colour, 2 RLE frames)
const corpus = [process.env.DEIDC_CORPUS, resolve(root, "../shared/corpus"), "/work/shared/corpus"].find((d) => d && existsSync(d));
const usPath = corpus && join(corpus, "pydicom-data/OBXXXX1A_rle_2frame.dcm");
if (usPath && existsSync(usPath)) {
  const file = px.readPart10(new Uint8Array(readFileSync(usPath)));
  const cursor = px.openCursor(file);
  let element;
  while (cursor.next()) if (cursor.depth === 0 && cursor.tag === 0x7fe00010) element = cursor.bytes.subarray(cursor.headerOffset, cursor.endOffset);
  const geometry = px.describeImage({ Rows: 600, Columns: 800, BitsAllocated: 8, BitsStored: 8, NumberOfFrames: 2, SamplesPerPixel: 1, PhotometricInterpretation: "PALETTE COLOR", TransferSyntaxUID: file.transferSyntaxUid });
  const us = (frames) => px.applyPixelRules({ element, encoding: { littleEndian: true, explicitVr: true }, geometry, rules: [{ regions: [{ x: 0, y: 0, width: 800, height: 56, fill: 0, frames }], because: "bench", source: null }], stripJpegMetadata: false });
  report("OBXXXX1A_rle_2frame (US 600x800): banner on both frames", 2, time(() => us(null)));
  report("OBXXXX1A_rle_2frame (US 600x800): banner on frame 1", 2, time(() => us([{ from: 1, to: 1 }])));
  report("OBXXXX1A_rle_2frame (US 600x800): decode + re-encode both (baseline)", 2, time(() => transcodeAll(element, geometry)));
} else {
  console.warn("corpus not found ($DEIDC_CORPUS, ../shared/corpus, /work/shared/corpus): OBXXXX1A_rle_2frame.dcm skipped");
}

console.log(`node ${process.version}, median of ${runs} runs`);
console.table(rows);
