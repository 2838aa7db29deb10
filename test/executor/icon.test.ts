// Icon Image Sequence (0088,0200): a thumbnail of the same image. When the profile keeps it and
// `pixels` blocks blank the image, the same regions are blanked in the icon, scaled and grown to
// whole icon pixels; an icon that cannot be blanked is removed. Checked pixel by pixel on
// constructed objects (a 64 x 64 image with a 16 x 16 icon), on the corpus PET object whose icon is
// PALETTE COLOR, and against a generated (compiled) plan.

import { readFileSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import Ajv from "ajv";
import { compileProfile } from "../../src/compile";
import { createExecutor } from "../../src/runtime/executor";
import { DatasetWriter, writePart10 } from "../../src/runtime/dicom";
import { decodeRleFrame, encodeRleFrame, fragmentBytes, parseEncapsulated } from "../../src/runtime/pixels";
import { scaleToIcon } from "../../src/runtime/pixels/icon";
import { seededRandom } from "../support/random";
import { CORPUS_DIR, TEST_KEY, walkBytes, type WalkedElement } from "./helpers";
import { expectSameResult, loadGenerated, removeTemporaryDirs, tempDir } from "../codegen/helpers";

const ROOT = new URL("../../", import.meta.url).pathname;
const env = { secrets: new Map([["key", TEST_KEY]]), params: new Map(), tables: new Map() };
const TS_EXPLICIT_LE = "1.2.840.10008.1.2.1";
const TS_RLE = "1.2.840.10008.1.2.5";
const ICON = 0x00880200;
const PIXEL_DATA = 0x7fe00010;

const work = mkdtempSync(join(tmpdir(), "deidc-icon-"));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  removeTemporaryDirs();
});

function profile(name: string, body: string) {
  const path = join(work, `${name}.deid`);
  writeFileSync(path, `deid 1\n\nprofile test.${name} "icon test"\n  based on ps315.basic\n\n${body}\n`);
  const compiled = compileProfile(path);
  expect(compiled.ir, compiled.diagnostics.map((d) => d.message).join("\n")).not.toBeNull();
  return compiled.ir!;
}

const KEEP_ICON = 'IconImageSequence -> keep because "thumbnails are blanked with the image"';
const BLOCKS = `pixels because "banner and corner box" {
  blank (5, 3, 20, 7)
  blank (Columns - 10, Rows - 9, 10, 9) fill 200
}`;

type Value = { vr: string; text?: string; bytes?: Uint8Array; us?: number; raw?: Uint8Array };
type Element = [tag: number, value: Value];

/** An encapsulated Pixel Data element (empty offset table, one fragment per frame), as raw bytes. */
function encapsulated(fragments: Uint8Array[]): Uint8Array {
  const parts: number[] = [0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0x00, 0xe0, 0, 0, 0, 0];
  for (const f of fragments) {
    const n = f.length;
    parts.push(0xfe, 0xff, 0x00, 0xe0, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24, ...f);
  }
  parts.push(0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0);
  return Uint8Array.from(parts);
}

function writeElements(w: DatasetWriter, elements: readonly Element[]): void {
  for (const [tag, v] of [...elements].sort((a, b) => a[0] - b[0])) {
    if (v.raw) w.copy(v.raw, 0, v.raw.length);
    else if (v.us !== undefined) w.writeElement(tag, "US", Uint8Array.of(v.us & 0xff, v.us >>> 8));
    else if (v.bytes) w.writeElement(tag, v.vr, v.bytes);
    else w.writeElement(tag, v.vr, new TextEncoder().encode(v.text ?? ""));
  }
}

const us = (n: number): Value => ({ vr: "US", us: n });
const cs = (s: string): Value => ({ vr: "CS", text: s });

function imagePixel(rows: number, columns: number, photometric: string, bits = 8): Element[] {
  return [
    [0x00280002, us(1)],
    [0x00280004, cs(photometric)],
    [0x00280010, us(rows)],
    [0x00280011, us(columns)],
    [0x00280100, us(bits)],
    [0x00280101, us(bits)],
    [0x00280102, us(bits - 1)],
    [0x00280103, us(0)],
  ];
}

/** Random 8-bit samples from 20 to 250, never a fill the tests use (0, 200 aside: checked by position). */
function samples(count: number, seed: number): Uint8Array {
  const random = seededRandom(seed);
  return Uint8Array.from({ length: count }, () => 20 + Math.floor(random() * 230));
}

interface Built {
  bytes: Uint8Array;
  image: Uint8Array;
  icon: Uint8Array;
}

/** A 64 x 64 MONOCHROME2 Secondary Capture with a 16 x 16 icon; `iconExtra` replaces or adds item attributes. */
function build(options: { iconPhotometric?: string; iconExtra?: Element[]; rle?: boolean; iconPixelData?: Uint8Array; unIcon?: Uint8Array } = {}): Built {
  const image = samples(64 * 64, 1);
  const icon = samples(16 * 16, 2);
  const iconItem: Element[] = [...imagePixel(16, 16, options.iconPhotometric ?? "MONOCHROME2"), ...(options.iconExtra ?? [])];
  const itemTags = new Set(iconItem.map(([t]) => t));
  const item = [...imagePixel(16, 16, "MONOCHROME2").filter(([t]) => !itemTags.has(t)), ...iconItem];
  item.push([PIXEL_DATA, options.iconPixelData ? { vr: "OB", raw: options.iconPixelData } : { vr: "OW", bytes: icon }]);
  const top: Element[] = [
    [0x00080016, { vr: "UI", text: "1.2.840.10008.5.1.4.1.1.7" }],
    [0x00080018, { vr: "UI", text: "1.2.826.0.1.3680043.2.1125.7.1" }],
    [0x00080060, cs("OT")],
    [0x00100010, { vr: "PN", text: "Doe^John" }],
    [0x0020000d, { vr: "UI", text: "1.2.826.0.1.3680043.2.1125.7.2" }],
    [0x0020000e, { vr: "UI", text: "1.2.826.0.1.3680043.2.1125.7.3" }],
    ...imagePixel(64, 64, "MONOCHROME2"),
    [PIXEL_DATA, options.rle ? { vr: "OB", raw: encapsulated([encodeRleFrame([image], 64, 64)]) } : { vr: "OW", bytes: image }],
  ];
  const w = new DatasetWriter({ littleEndian: true, explicitVr: true });
  const before = top.filter(([t]) => t < ICON);
  const after = top.filter(([t]) => t > ICON);
  writeElements(w, before);
  if (options.unIcon) w.writeElement(ICON, "UN", options.unIcon);
  else {
    w.beginSequence(ICON, "SQ");
    w.beginItem();
    writeElements(w, item);
    w.endItem();
    w.endSequence();
  }
  writeElements(w, after);
  const bytes = writePart10(
    { transferSyntaxUid: options.rle ? TS_RLE : TS_EXPLICIT_LE, mediaStorageSopClassUid: "1.2.840.10008.5.1.4.1.1.7", mediaStorageSopInstanceUid: "1.2.826.0.1.3680043.2.1125.7.1", implementationClassUid: "1.2.3.4.5" },
    w.finish().slice(),
  );
  return { bytes, image, icon };
}

function valueOf(output: Uint8Array, path: string): Uint8Array | undefined {
  const { file, elements } = walkBytes(output);
  const e: WalkedElement | undefined = elements.find((x) => x.path === path);
  return e ? file.dataset.subarray(e.start, e.end) : undefined;
}

/** The expected icon: every icon pixel whose 4 x 4 footprint in the image overlaps a rectangle takes its fill. */
function expectedIcon(icon: Uint8Array, rects: { x: number; y: number; width: number; height: number; fill: number }[]): Uint8Array {
  const out = icon.slice();
  for (let row = 0; row < 16; row++) {
    for (let col = 0; col < 16; col++) {
      for (const r of rects) {
        const overlaps = col * 4 < r.x + r.width && col * 4 + 4 > r.x && row * 4 < r.y + r.height && row * 4 + 4 > r.y;
        if (overlaps) out[row * 16 + col] = r.fill;
      }
    }
  }
  return out;
}

const RECTS = [
  { x: 5, y: 3, width: 20, height: 7, fill: 0 },
  { x: 54, y: 55, width: 10, height: 9, fill: 200 },
];

describe("Icon Image Sequence with `pixels` blocks", () => {
  it("blanks the image's regions in a kept icon, scaled and grown to whole icon pixels", () => {
    const { bytes, image, icon } = build();
    const { record, output } = createExecutor(profile("keep", `${KEEP_ICON}\n\n${BLOCKS}`), env).process(bytes, "icon.dcm");
    expect(record.outcome, record.reason).toBe("written");
    const outIcon = valueOf(output!, "(0088,0200)[0]/(7FE0,0010)")!;
    const expected = expectedIcon(icon, RECTS);
    // Pixel by pixel: blanked exactly where the footprint overlaps, untouched elsewhere.
    for (let i = 0; i < 256; i++) expect(outIcon[i], `icon pixel (${i % 16}, ${Math.floor(i / 16)})`).toBe(expected[i]);
    expect(expected.filter((v, i) => v !== icon[i]).length).toBe(6 * 3 + 3 * 3);
    // The image itself is blanked as before.
    const outImage = valueOf(output!, "(7FE0,0010)")!;
    expect(outImage[3 * 64 + 5]).toBe(0);
    expect(outImage[63 * 64 + 63]).toBe(200);
    expect(outImage[0]).toBe(image[0]);
    // Reported like the image's blanking, with the block that asked for it.
    const iconEntries = record.touched.filter((t) => t.action === "icon-blanked");
    expect(iconEntries.map((t) => t.path)).toEqual(["(0088,0200)[0]/(7FE0,0010)", "(0088,0200)[0]/(7FE0,0010)"]);
    expect(iconEntries[0]!.rule?.file).toMatch(/keep\.deid$/);
    // And the record is a valid report line.
    const schema = JSON.parse(readFileSync(join(ROOT, "src/run/report.schema.json"), "utf8"));
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate({ ...record, output: "icon.dcm" }), JSON.stringify(validate.errors)).toBe(true);
  });

  it("scales rectangles outward: any overlap blanks the icon pixel", () => {
    expect(scaleToIcon({ x: 5, y: 3, width: 20, height: 7 }, { rows: 64, columns: 64 }, { rows: 16, columns: 16 })).toEqual({ x: 1, y: 0, width: 6, height: 3 });
    expect(scaleToIcon({ x: 4, y: 4, width: 4, height: 4 }, { rows: 64, columns: 64 }, { rows: 16, columns: 16 })).toEqual({ x: 1, y: 1, width: 1, height: 1 });
    expect(scaleToIcon({ x: 0, y: 0, width: 168, height: 20 }, { rows: 168, columns: 168 }, { rows: 64, columns: 64 })).toEqual({ x: 0, y: 0, width: 64, height: 8 });
    // A single image pixel still blanks the icon pixel that shows it.
    expect(scaleToIcon({ x: 167, y: 0, width: 1, height: 1 }, { rows: 168, columns: 168 }, { rows: 64, columns: 64 })).toEqual({ x: 63, y: 0, width: 1, height: 1 });
  });

  it("fills a PALETTE COLOR icon with the index of the palette entry nearest to the fill", () => {
    // A reversed grey ramp: entry i is 255 - i, so black (fill 0) is index 255 and fill 200 (grey 200) is index 55.
    const ramp = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);
    const descriptor: Value = { vr: "US", bytes: Uint8Array.of(0, 1, 0, 0, 8, 0) };
    const palette: Element[] = [
      [0x00281101, descriptor],
      [0x00281102, descriptor],
      [0x00281103, descriptor],
      [0x00281201, { vr: "OW", bytes: ramp }],
      [0x00281202, { vr: "OW", bytes: ramp }],
      [0x00281203, { vr: "OW", bytes: ramp }],
    ];
    const { bytes, icon } = build({ iconPhotometric: "PALETTE COLOR", iconExtra: palette });
    const { record, output } = createExecutor(profile("palette", `${KEEP_ICON}\n\n${BLOCKS}`), env).process(bytes, "icon.dcm");
    expect(record.outcome, record.reason).toBe("written");
    const outIcon = valueOf(output!, "(0088,0200)[0]/(7FE0,0010)")!;
    expect(Array.from(outIcon)).toEqual(Array.from(expectedIcon(icon, [{ ...RECTS[0]!, fill: 255 }, { ...RECTS[1]!, fill: 55 }])));
  });

  it("removes an icon that cannot be blanked, and says why", () => {
    // RLE image (blanked through RLE); its encapsulated icon is 1-bit RLE, which deidc does not blank.
    const iconFragment = encodeRleFrame([new Uint8Array(32)], 16, 2);
    const { bytes } = build({ rle: true, iconExtra: [[0x00280100, us(1)], [0x00280101, us(1)], [0x00280102, us(0)]], iconPixelData: encapsulated([iconFragment]) });
    const { record, output } = createExecutor(profile("encapsulated", `${KEEP_ICON}\n\n${BLOCKS}`), env).process(bytes, "icon.dcm");
    expect(record.outcome, record.reason).toBe("written");
    const { elements } = walkBytes(output!);
    expect(elements.some((e) => e.tag === ICON)).toBe(false);
    expect(record.touched).toContainEqual({ path: "(0088,0200)", action: "icon-removed", rule: null });
    expect(record.warnings.join("\n")).toMatch(/Icon Image Sequence \(0088,0200\) removed: the icon's pixel data cannot be blanked/);
    expect(record.touched.some((t) => t.path === "(7FE0,0010)" && t.action === "blanked")).toBe(true);
  });

  it("removes an Icon Image Sequence written as a defined-length UN value, which it cannot read item by item", () => {
    // One item in implicit VR little endian holding Rows = 16 (PS3.5 6.2.2), then the icon's 256 samples.
    const item = [0x28, 0, 0x10, 0, 2, 0, 0, 0, 16, 0, 0xe0, 0x7f, 0x10, 0, 0, 1, 0, 0, ...new Uint8Array(256).fill(77)];
    const un = Uint8Array.from([0xfe, 0xff, 0x00, 0xe0, item.length & 0xff, item.length >>> 8, 0, 0, ...item]);
    const { bytes } = build({ unIcon: un });
    const { record, output } = createExecutor(profile("un", `${KEEP_ICON}\n\n${BLOCKS}`), env).process(bytes, "icon.dcm");
    expect(record.outcome, record.reason).toBe("written");
    expect(walkBytes(output!).elements.some((e) => e.tag === ICON)).toBe(false);
    expect(record.touched).toContainEqual({ path: "(0088,0200)", action: "icon-removed", rule: null });
    // Without a block that blanks the image, the same object keeps it.
    const kept = createExecutor(profile("unkept", KEEP_ICON), env).process(bytes, "icon.dcm");
    expect(walkBytes(kept.output!).elements.some((e) => e.tag === ICON)).toBe(true);
  });

  it("blanks an encapsulated (RLE) icon through the image's own encoding", () => {
    const icon = samples(256, 2);
    const { bytes } = build({ rle: true, iconPixelData: encapsulated([encodeRleFrame([icon], 16, 16)]) });
    const { record, output } = createExecutor(profile("rle", `${KEEP_ICON}\n\n${BLOCKS}`), env).process(bytes, "icon.dcm");
    expect(record.outcome, record.reason).toBe("written");
    expect(record.touched.filter((t) => t.action === "icon-blanked").length).toBe(2);
    // The icon's Pixel Data is the first encapsulated (7FE0,0010) of the output (0088,0200 < 7FE0,0010).
    const at = Buffer.from(output!).indexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff]));
    const px = parseEncapsulated(output!.subarray(at));
    const [decoded] = decodeRleFrame(fragmentBytes(px, 0), 16, 16, 1);
    expect(Array.from(decoded!)).toEqual(Array.from(expectedIcon(icon, RECTS)));
  });

  it("leaves the icon alone where ps315.basic removes it, or no block blanks the image", () => {
    const { bytes, icon } = build();
    const removed = createExecutor(profile("basic", BLOCKS), env).process(bytes, "icon.dcm");
    expect(removed.record.outcome).toBe("written");
    expect(walkBytes(removed.output!).elements.some((e) => e.tag === ICON)).toBe(false);
    expect(removed.record.touched.some((t) => t.action.startsWith("icon-"))).toBe(false);
    const untouched = createExecutor(profile("noblocks", KEEP_ICON), env).process(bytes, "icon.dcm");
    expect(Array.from(valueOf(untouched.output!, "(0088,0200)[0]/(7FE0,0010)")!)).toEqual(Array.from(icon));
  });

  it("a compiled plan gives the same bytes and records", async () => {
    const ir = profile("generated", `${KEEP_ICON}\n\n${BLOCKS}`);
    const { plan } = await loadGenerated(ir, tempDir(), "icon");
    const generated = plan.createProcessor(env);
    const interpreted = createExecutor(ir, env);
    const inputs = [build().bytes, build({ rle: true, iconExtra: [[0x00280100, us(1)], [0x00280101, us(1)], [0x00280102, us(0)]], iconPixelData: encapsulated([encodeRleFrame([new Uint8Array(32)], 16, 2)]) }).bytes];
    for (const [i, input] of inputs.entries()) expectSameResult(generated.process(input, `icon${i}.dcm`), interpreted.process(input, `icon${i}.dcm`), `input ${i}`);
  });
});

describe.skipIf(!CORPUS_DIR)("corpus: PT_ACRIN-FLT-Breast_029 (PALETTE COLOR icon)", () => {
  it("blanks the banner in the 64 x 64 icon of the 168 x 168 image", () => {
    const bytes = new Uint8Array(readFileSync(join(CORPUS_DIR!, "tcia-via-suyashkumar-dicom/PT_ACRIN-FLT-Breast_029.dcm")));
    const before = valueOf(bytes, "(0088,0200)[0]/(7FE0,0010)")!;
    const ir = profile("pet", `${KEEP_ICON}\n\npixels because "top band" {\n  blank (0, 0, Columns, 20)\n}`);
    const { record, output } = createExecutor(ir, env).process(bytes, "pet.dcm");
    expect(record.outcome, record.reason).toBe("written");
    const after = valueOf(output!, "(0088,0200)[0]/(7FE0,0010)")!;
    // 20 image rows of 168 are 7.6 icon rows of 64: rows 0..7 blanked with index 0 (black in its grey palette).
    for (let i = 0; i < 64 * 64; i++) expect(after[i], `icon pixel ${i}`).toBe(i < 8 * 64 ? 0 : before[i]);
    expect(record.touched).toContainEqual({ path: "(0088,0200)[0]/(7FE0,0010)", action: "icon-blanked", rule: expect.objectContaining({ file: expect.stringMatching(/pet\.deid$/) }) });
  });
});
