// Measures JPEG Baseline blanking in the coefficient domain against what a codec-based blanker
// does at least: decode every frame and encode it again (dcmtk's dcmdjpeg + dcmcjpeg, processes
// and file I/O included). Prints frames/s; asserts nothing.
// Input: the corpus's OBXXXX1A_rle_2frame.dcm (ultrasound, 800 x 600, palette colour) made into
// JPEG Baseline YBR_FULL_422 with dcmcjpeg, its two frames repeated to --frames frames.
// Usage: node scripts/bench-jpeg-dct.mjs [--frames 40 --runs 5]   (needs dcmtk and the corpus)
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const frameCount = arg("frames", 40);
const runs = arg("runs", 5);
const root = resolve(new URL("..", import.meta.url).pathname);
const corpus = [process.env.DEIDC_CORPUS, resolve(root, "../shared/corpus"), "/work/shared/corpus"].find((d) => d && existsSync(d));
if (!corpus) throw new Error("no DICOM corpus: set DEIDC_CORPUS");
if (frameCount < 2 || frameCount > 99 || frameCount % 2 !== 0) throw new Error("--frames must be an even number from 2 to 98");

const dir = mkdtempSync(join(tmpdir(), "deidc-bench-jpeg-dct-"));
const outfile = join(dir, "pixels.mjs");
await build({
  stdin: { contents: 'export * from "./src/runtime/pixels/index"; export { readPart10, openCursor, TokenKind } from "./src/runtime/dicom/index";', resolveDir: root, loader: "ts" },
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  logLevel: "warning",
});
const px = await import(pathToFileURL(outfile).href);

function run(tool, args) {
  const r = spawnSync(tool, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${tool} ${args.join(" ")}: ${r.stderr || r.stdout || r.error}`);
}

// ---- the test object: 2 JPEG frames from dcmcjpeg, repeated
run("dcmdrle", [join(corpus, "pydicom-data/OBXXXX1A_rle_2frame.dcm"), join(dir, "native2.dcm")]);
run("dcmcjpeg", ["+eb", join(dir, "native2.dcm"), join(dir, "jpeg2.dcm")]);
const bytes = new Uint8Array(readFileSync(join(dir, "jpeg2.dcm")));
const file = px.readPart10(bytes);
const cursor = px.openCursor(file);
const values = new Map();
let element;
let elementStart = 0;
let elementEnd = 0;
let framesValueAt = -1;
while (cursor.next()) {
  if (cursor.depth !== 0) continue;
  if (cursor.kind === px.TokenKind.Sequence) {
    cursor.skip();
    continue;
  }
  if (cursor.tag === 0x7fe00010) {
    element = cursor.bytes.subarray(cursor.headerOffset, cursor.endOffset);
    elementStart = file.datasetOffset + cursor.headerOffset;
    elementEnd = file.datasetOffset + cursor.endOffset;
    continue;
  }
  if (cursor.tag === 0x00280008) framesValueAt = file.datasetOffset + cursor.endOffset - 2; // IS "2 " in explicit VR LE
  if (["US", "IS"].includes(cursor.vr)) values.set(cursor.tag, cursor.readNumber(0));
  else if (cursor.vr === "CS") values.set(cursor.tag, cursor.readText().trim());
}
const source = px.parseEncapsulated(element);
const frames = Array.from({ length: frameCount }, (_, i) => [px.fragmentBytes(source, i % 2)]);
const many = px.buildEncapsulated(source.header, frames, true).element;
const fileBytes = new Uint8Array(bytes.length - (elementEnd - elementStart) + many.length);
fileBytes.set(bytes.subarray(0, elementStart));
fileBytes.set(many, elementStart);
fileBytes.set(bytes.subarray(elementEnd), elementStart + many.length);
fileBytes.set(new TextEncoder().encode(String(frameCount).padEnd(2, " ")), framesValueAt);
writeFileSync(join(dir, "jpeg-many.dcm"), fileBytes);
values.set(0x00280008, frameCount);
const geometry = px.describeImage(px.imageAttributesFrom((tag) => values.get(tag), file.transferSyntaxUid));

function time(fn) {
  fn();
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
const report = (name, n, ms) => rows.push({ case: name, frames: n, "ms (median)": ms.toFixed(1), "frames/s": Math.round((n / ms) * 1000).toLocaleString("en-US") });
const banner = (framesSelected) => [{ regions: [{ x: 0, y: 0, width: 800, height: 48, fill: 0, frames: framesSelected }], because: "bench", source: null }];
const apply = (rules) => px.applyPixelRules({ element: many, encoding: { littleEndian: true, explicitVr: true }, geometry, rules, stripJpegMetadata: false });

report(`deidc: banner 800 x 48 on every frame (${geometry.columns} x ${geometry.rows} YBR_FULL_422)`, frameCount, time(() => apply(banner(null))));
report("deidc: banner on frame 1 only (other frames copied)", frameCount, time(() => apply(banner([{ from: 1, to: 1 }]))));
report("dcmtk: dcmdjpeg + dcmcjpeg +eb, every frame (2 processes, files)", frameCount, time(() => {
  run("dcmdjpeg", [join(dir, "jpeg-many.dcm"), join(dir, "decoded.dcm")]);
  run("dcmcjpeg", ["+eb", join(dir, "decoded.dcm"), join(dir, "encoded.dcm")]);
}));
rmSync(dir, { recursive: true, force: true });
console.log(`JPEG Baseline blanking, ${frameCount} frames, median of ${runs} runs (Node ${process.version})`);
console.table(rows);
