// Framing, cursor and writer on small datasets built here, including every malformation the reader
// must report.

import { describe, expect, it } from "vitest";
import { deflateRawSync, deflateSync } from "node:zlib";
import {
  type DatasetEncoding,
  DatasetWriter,
  DicomCursor,
  DicomReadError,
  DicomWriteError,
  SpecificCharacterSet,
  TextEncodeError,
  TokenKind,
  UNDEFINED_LENGTH,
  fileMetaHeader,
  openCursor,
  readPart10,
  writePart10,
} from "../../../src/runtime/dicom/index";

const EXPLICIT_LE: DatasetEncoding = { littleEndian: true, explicitVr: true };
const IMPLICIT_LE: DatasetEncoding = { littleEndian: true, explicitVr: false };
const EXPLICIT_BE: DatasetEncoding = { littleEndian: false, explicitVr: true };
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

const META = {
  mediaStorageSopClassUid: "1.2.840.10008.5.1.4.1.1.7",
  mediaStorageSopInstanceUid: "2.25.1234",
  implementationClassUid: "2.25.329800735698586629295641978511506172918",
  implementationVersionName: "DEIDC_TEST",
};

/** A dataset exercising sequences of both length forms, private blocks and numbers. */
function sampleDataset(encoding: DatasetEncoding): Uint8Array {
  const w = new DatasetWriter(encoding);
  w.writeText(0x00080005, "CS", "ISO_IR 100");
  w.writeText(0x00080018, "UI", "1.2.3.4");
  w.beginSequence(0x00081115, "SQ", false); // ReferencedSeriesSequence, defined length
  for (const uid of ["1.2.3.1", "1.2.3.2"]) {
    w.beginItem(false);
    w.beginSequence(0x00081140, "SQ", true); // ReferencedImageSequence, undefined length
    w.beginItem(true);
    w.writeText(0x00081155, "UI", `${uid}.9`); // ReferencedSOPInstanceUID
    w.endItem();
    w.endSequence();
    w.writeText(0x0020000e, "UI", uid);
    w.endItem();
  }
  w.endSequence();
  w.writeText(0x00100010, "PN", "Müller^Jürgen", SpecificCharacterSet.fromValue("ISO_IR 100"));
  w.writeText(0x00190010, "LO", "GEMS_ACQU_01");
  w.writeText(0x00191002, "SH", "private");
  w.writeNumbers(0x00280010, "US", [512]);
  w.writeNumbers(0x00280103, "US", [1]);
  w.writeText(0x00281050, "DS", "40\\-1.5e2");
  return w.finish().slice();
}

interface Token {
  kind: number;
  tag: string;
  depth: number;
  path: string;
}

function tokens(cursor: DicomCursor): Token[] {
  const out: Token[] = [];
  while (cursor.next()) out.push({ kind: cursor.kind, tag: cursor.tag.toString(16).padStart(8, "0"), depth: cursor.depth, path: cursor.path() });
  return out;
}

function walkAll(bytes: Uint8Array): DicomCursor {
  const cursor = openCursor(readPart10(bytes));
  while (cursor.next());
  return cursor;
}

function readError(fn: () => unknown): DicomReadError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DicomReadError) return e;
    throw e;
  }
  throw new Error("no DicomReadError thrown");
}

describe("DicomCursor", () => {
  it("emits sequence, item and end tokens with depth and enclosing sequence/item indices", () => {
    const cursor = new DicomCursor(sampleDataset(EXPLICIT_LE), EXPLICIT_LE);
    const all = tokens(cursor);
    const ends = all.filter((t) => t.kind === TokenKind.ItemEnd || t.kind === TokenKind.SequenceEnd).length;
    const starts = all.filter((t) => t.kind === TokenKind.Item || t.kind === TokenKind.Sequence).length;
    expect(ends).toBe(starts);
    const nested = all.filter((t) => t.tag === "00081155");
    expect(nested.map((t) => [t.depth, t.path])).toEqual([
      [2, "(0008,1115)[0]/(0008,1140)[0]/(0008,1155)"],
      [2, "(0008,1115)[1]/(0008,1140)[0]/(0008,1155)"],
    ]);
    expect(all.find((t) => t.tag === "0020000e")).toMatchObject({ depth: 1, path: "(0008,1115)[0]/(0020,000E)" });
    expect(all.find((t) => t.tag === "00100010")).toMatchObject({ depth: 0 });
  });

  it("reads values as text (with the character set) and numbers without touching unread elements", () => {
    const cursor = new DicomCursor(sampleDataset(EXPLICIT_LE), EXPLICIT_LE);
    const seen: Record<string, unknown> = {};
    while (cursor.next()) {
      if (cursor.tag === 0x00100010) seen.name = cursor.readText();
      if (cursor.tag === 0x00280010) seen.rows = cursor.readNumber();
      if (cursor.tag === 0x00281050) seen.center = [cursor.readNumber(0), cursor.readNumber(1), cursor.readNumber(2)];
      if (cursor.tag === 0x00191002) seen.creator = cursor.privateCreator();
      if (cursor.tag === 0x00080018) seen.uidBytes = cursor.valueBytes().length;
    }
    expect(seen).toEqual({ name: "Müller^Jürgen", rows: 512, center: [40, -150, NaN], creator: "GEMS_ACQU_01", uidBytes: 8 });
  });

  it("skips whole sequences and items, defined or undefined length, and reports where they end", () => {
    const bytes = sampleDataset(EXPLICIT_LE);
    const cursor = new DicomCursor(bytes, EXPLICIT_LE);
    const top: string[] = [];
    while (cursor.next()) {
      if (cursor.kind === TokenKind.Sequence) {
        const start = cursor.headerOffset;
        const end = cursor.skip();
        expect(end).toBe(cursor.valueOffset + cursor.valueLength);
        expect(end).toBeGreaterThan(start);
      }
      top.push(cursor.tag.toString(16));
    }
    expect(top).toEqual(["80005", "80018", "81115", "100010", "190010", "191002", "280010", "280103", "281050"]);

    // an undefined-length sequence must be walked to find its end
    const inner = new DicomCursor(bytes, EXPLICIT_LE);
    let innerEnd = -1;
    while (inner.next()) {
      if (inner.tag === 0x00081140 && inner.kind === TokenKind.Sequence) {
        expect(inner.endOffset).toBe(-1);
        innerEnd = inner.skip();
        expect(inner.endOffset).toBe(innerEnd);
        expect(inner.kind).toBe(TokenKind.Sequence);
        expect(inner.next()).toBe(true);
        expect(inner.tag).toBe(0x0020000e);
        expect(inner.headerOffset).toBe(innerEnd);
        break;
      }
    }
    expect(innerEnd).toBeGreaterThan(0);
  });

  it("decodes implicit VR from the dictionary, private creators as LO, other private elements as UN", () => {
    const bytes = sampleDataset(IMPLICIT_LE);
    const cursor = new DicomCursor(bytes, IMPLICIT_LE);
    const vrs: Record<string, string> = {};
    while (cursor.next()) if (cursor.kind === TokenKind.Element || cursor.kind === TokenKind.Sequence) vrs[cursor.tag.toString(16)] = cursor.vr;
    expect(vrs).toMatchObject({ "80005": "CS", "81115": "SQ", "81155": "UI", "100010": "PN", "190010": "LO", "191002": "UN", "280010": "US" });
  });

  it("resolves 'US or SS' in implicit VR from Pixel Representation", () => {
    const w = new DatasetWriter(IMPLICIT_LE);
    w.writeNumbers(0x00280103, "US", [1]);
    w.writeNumbers(0x00280106, "SS", [-5]); // Smallest Image Pixel Value, US or SS
    const cursor = new DicomCursor(w.finish(), IMPLICIT_LE);
    cursor.next();
    cursor.next();
    expect([cursor.vr, cursor.readNumber()]).toEqual(["SS", -5]);
  });

  it("reads a UN of undefined length as a sequence in implicit VR little endian (PS3.5 6.2.2)", () => {
    for (const outer of [EXPLICIT_LE, EXPLICIT_BE]) {
      const w = new DatasetWriter(outer);
      w.beginSequence(0x00091010, "UN", true);
      w.beginItem(true);
      w.writeText(0x00100020, "LO", "ID-1");
      w.endItem();
      w.endSequence();
      w.writeText(0x00100030, "DA", "20000101");
      const cursor = new DicomCursor(w.finish(), outer);
      const seen: string[] = [];
      while (cursor.next()) seen.push(`${cursor.kind}:${cursor.tag.toString(16)}:${cursor.vr}:${cursor.explicitVr ? "E" : "I"}${cursor.littleEndian ? "L" : "B"}`);
      const E = outer.littleEndian ? "EL" : "EB";
      expect(seen).toEqual([`3:91010:UN:${E}`, "4:fffee000::IL", "1:100020:LO:IL", "5:fffee00d::IL", `6:fffee0dd::IL`, `1:100030:DA:${E}`]);
    }
  });

  it("passes encapsulated pixel data as one token ending after its sequence delimiter", () => {
    const w = new DatasetWriter(EXPLICIT_LE);
    w.writeHeader(0x7fe00010, "OB", UNDEFINED_LENGTH);
    const fragments = [new Uint8Array(0), Uint8Array.of(1, 2, 3, 4), Uint8Array.of(5, 6)];
    for (const f of fragments) {
      w.sink.writeUint16(0xfffe, true);
      w.sink.writeUint16(0xe000, true);
      w.sink.writeUint32(f.length, true);
      w.sink.writeBytes(f);
    }
    w.sink.writeUint16(0xfffe, true);
    w.sink.writeUint16(0xe0dd, true);
    w.sink.writeUint32(0, true);
    const pixelEnd = w.length;
    w.writeElement(0xfffcfffc, "OB", new Uint8Array(4)); // Data Set Trailing Padding after the pixel data
    const cursor = new DicomCursor(w.finish(), EXPLICIT_LE);
    expect(cursor.next()).toBe(true);
    expect([cursor.kind, cursor.valueOffset, cursor.valueLength, cursor.endOffset]).toEqual([TokenKind.EncapsulatedPixelData, 12, UNDEFINED_LENGTH, pixelEnd]);
    expect(cursor.skip()).toBe(pixelEnd);
    expect(cursor.next()).toBe(true);
    expect([cursor.tag, cursor.headerOffset]).toEqual([0xfffcfffc, pixelEnd]);
    expect(cursor.next()).toBe(false);
  });

  it("tolerates odd value lengths with a warning", () => {
    const w = new DatasetWriter(EXPLICIT_LE);
    w.writeHeader(0x00100020, "LO", 3);
    w.copy(ascii("abc"), 0, 3);
    w.writeText(0x00100030, "DA", "20000101");
    const cursor = new DicomCursor(w.finish(), EXPLICIT_LE, { fileOffset: 0x100 });
    expect(tokens(cursor).map((t) => t.tag)).toEqual(["00100020", "00100030"]);
    expect(cursor.warnings).toEqual([{ offset: 0x100, message: "odd value length 3 of (0010,0020) LO (lengths must be even; value kept as is) at offset 0x100" }]);
  });
});

describe("DicomReadError on malformed input", () => {
  const file = (dataset: Uint8Array, ts = "1.2.840.10008.1.2.1") => writePart10({ ...META, transferSyntaxUid: ts }, dataset);
  const good = file(sampleDataset(EXPLICIT_LE));
  const datasetStart = good.length - sampleDataset(EXPLICIT_LE).length;

  it("value length running past the end of the file", () => {
    const w = new DatasetWriter(EXPLICIT_LE);
    w.writeText(0x00080018, "UI", "1.2.3.4");
    w.writeHeader(0x00100010, "PN", 0xfffa);
    w.copy(ascii("Doe^John"), 0, 8);
    const bytes = file(w.finish());
    const offset = bytes.length - 16;
    const e = readError(() => walkAll(bytes));
    expect(e.message).toBe(`value length 65530 of (0010,0010) at offset 0x${offset.toString(16).toUpperCase()} runs past the end of the file (size ${bytes.length.toLocaleString("en-US")})`);
    expect(e.offset).toBe(offset);
  });

  it("truncated file", () => {
    const e = readError(() => walkAll(good.subarray(0, good.length - 3)));
    expect(e.message).toMatch(/runs past the end of the file|truncated/);
    const header = readError(() => walkAll(good.subarray(0, datasetStart + 5)));
    expect(header.message).toMatch(/^truncated: element header expected at offset 0x[0-9A-F]+ but only 5 bytes remain/);
  });

  it("not DICOM at all", () => {
    expect(readError(() => readPart10(ascii("PK\x03\x04 this is a zip file, not DICOM"))).message).toMatch(/^not a DICOM file: no "DICM" at offset 0x80/);
    expect(readError(() => readPart10(new Uint8Array(3))).message).toMatch(/^not a DICOM file/);
  });

  it("garbage where a sequence item is expected", () => {
    const w = new DatasetWriter(EXPLICIT_LE);
    w.beginSequence(0x00081115, "SQ", true);
    w.writeText(0x00100010, "PN", "Doe^John"); // an element directly in a sequence
    const e = readError(() => walkAll(file(w.sink.bytes().slice())));
    expect(e.message).toMatch(/^item tag \(FFFE,E000\) expected in sequence \(0008,1115\) starting at offset 0x[0-9A-F]+ but found \(0010,0010\) at offset 0x[0-9A-F]+$/);
  });

  it("undefined length on an element that is not SQ, UN or Pixel Data", () => {
    const w = new DatasetWriter(EXPLICIT_LE);
    w.writeHeader(0x00100020, "OB", UNDEFINED_LENGTH);
    expect(readError(() => walkAll(file(w.finish()))).message).toMatch(/^undefined length on \(0010,0020\) with VR OB; only SQ, UN and encapsulated Pixel Data may have one at offset/);
  });

  it("item length running past its sequence", () => {
    const w = new DatasetWriter(EXPLICIT_LE);
    w.beginSequence(0x00081115, "SQ", false);
    w.beginItem(false);
    w.writeText(0x0020000e, "UI", "1.2");
    w.endItem();
    w.endSequence();
    const dataset = w.finish().slice();
    dataset[16] = 0x40; // the item's length byte
    expect(readError(() => walkAll(file(dataset))).message).toMatch(/^length 64 of item #1 in sequence \(0008,1115\) runs past the end of the enclosing \(0008,1115\) starting at offset/);
  });

  it("reads sequences nested deeper than its first frame arrays, in both length forms", () => {
    // 12 levels: 24 frames, past the 8 allocated up front, so the frame arrays grow twice mid-walk.
    const levels = 12;
    for (const undefinedLength of [true, false]) {
      const w = new DatasetWriter(EXPLICIT_LE);
      for (let i = 0; i < levels; i++) {
        w.beginSequence(0x00081115, "SQ", undefinedLength);
        w.beginItem(undefinedLength);
        w.writeElement(0x00081150, "UI", ascii(`1.2.${i}`));
      }
      for (let i = 0; i < levels; i++) {
        w.endItem();
        w.endSequence();
      }
      w.writeElement(0x00100010, "PN", ascii("AFTER^DEEP"));
      const all = tokens(new DicomCursor(w.finish(), EXPLICIT_LE));
      const deepest = all.filter((t) => t.tag === "00081150").at(-1)!;
      expect(deepest.depth).toBe(levels);
      expect(deepest.path.split("/")).toHaveLength(levels + 1);
      // Every level's element is seen once, and the walk comes back out to the top level.
      expect(all.filter((t) => t.tag === "00081150").map((t) => t.depth)).toEqual(Array.from({ length: levels }, (_, i) => i + 1));
      expect(all.at(-1)).toMatchObject({ tag: "00100010", depth: 0, path: "(0010,0010)" });
    }
  });

  it("delimiters outside sequences, invalid VR bytes, nesting too deep, corrupt deflate", () => {
    const stray = Uint8Array.of(0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0);
    expect(readError(() => walkAll(file(stray))).message).toMatch(/^sequence delimiter \(FFFE,E0DD\) outside any sequence at offset/);
    const badVr = Uint8Array.of(0x10, 0x00, 0x10, 0x00, 0x01, 0x02, 0, 0);
    expect(readError(() => walkAll(file(badVr))).message).toMatch(/^invalid VR bytes 0x01 0x02 in the explicit VR header of \(0010,0010\)/);
    const w = new DatasetWriter(EXPLICIT_LE);
    for (let i = 0; i < 5; i++) {
      w.beginSequence(0x00081115);
      w.beginItem();
    }
    const cursor = new DicomCursor(w.sink.bytes(), EXPLICIT_LE, { maxSequenceDepth: 3 });
    expect(readError(() => { while (cursor.next()); }).message).toMatch(/^sequences nested deeper than 3 levels/);
    const deflated = file(sampleDataset(EXPLICIT_LE), "1.2.840.10008.1.2.1.99");
    const corrupt = deflated.slice(0, deflated.length - 40);
    expect(readError(() => walkAll(corrupt)).message).toMatch(/^deflated dataset at offset 0x[0-9A-F]+ cannot be inflated/);
  });
});

describe("Part 10 framing", () => {
  it("reads the File Meta group into typed fields and the raw element list", () => {
    const bytes = writePart10({ ...META, transferSyntaxUid: "1.2.840.10008.1.2" }, sampleDataset(IMPLICIT_LE));
    const f = readPart10(bytes);
    expect(f.hasPreamble).toBe(true);
    expect(f.meta).toMatchObject({ ...META, transferSyntaxUid: "1.2.840.10008.1.2", start: 132 });
    expect(f.meta!.elements.map((e) => e.tag.toString(16))).toEqual(["20000", "20001", "20002", "20003", "20010", "20012", "20013"]);
    expect(f.meta!.groupLength).toBe(f.meta!.end - 132 - 12);
    expect(f.encoding).toEqual({ littleEndian: true, explicitVr: false, deflated: false });
    expect(f.datasetOffset).toBe(f.meta!.end);
    expect(f.warnings).toEqual([]);
  });

  it("detects the encoding of a dataset without File Meta, with or without preamble", () => {
    for (const encoding of [EXPLICIT_LE, IMPLICIT_LE, EXPLICIT_BE]) {
      const dataset = sampleDataset(encoding);
      const bare = readPart10(dataset);
      expect(bare.meta).toBeUndefined();
      expect(bare.encoding).toEqual({ ...encoding, deflated: false });
      expect(tokens(openCursor(bare)).length).toBe(tokens(new DicomCursor(dataset, encoding)).length);
      const framed = new Uint8Array(132 + dataset.length);
      framed.set(ascii("DICM"), 128);
      framed.set(dataset, 132);
      expect(readPart10(framed)).toMatchObject({ hasPreamble: true, datasetOffset: 132, encoding: { ...encoding, deflated: false } });
    }
  });

  it("reads File Meta that starts the file without a preamble", () => {
    const bytes = writePart10({ ...META, transferSyntaxUid: "1.2.840.10008.1.2.1" }, sampleDataset(EXPLICIT_LE)).subarray(132);
    expect(readPart10(bytes)).toMatchObject({ hasPreamble: false, meta: { start: 0, transferSyntaxUid: "1.2.840.10008.1.2.1" } });
  });

  it("follows the data when the transfer syntax contradicts it, with a warning", () => {
    const bytes = writePart10({ ...META, transferSyntaxUid: "1.2.840.10008.1.2.1" }, sampleDataset(IMPLICIT_LE));
    const f = readPart10(bytes);
    expect(f.encoding.explicitVr).toBe(false);
    expect(f.warnings[0]?.message).toMatch(/^transfer syntax 1\.2\.840\.10008\.1\.2\.1 says explicit VR little endian but the dataset at offset 0x[0-9A-F]+ is implicit VR little endian/);
  });

  it("inflates deflated datasets and re-deflates them when writing", () => {
    const dataset = sampleDataset(EXPLICIT_LE);
    const bytes = writePart10({ ...META, transferSyntaxUid: "1.2.840.10008.1.2.1.99" }, dataset);
    expect(bytes.length - fileMetaHeader({ ...META, transferSyntaxUid: "1.2.840.10008.1.2.1.99" }).length).toBeLessThan(dataset.length);
    const f = readPart10(bytes);
    expect(f.encoding.deflated).toBe(true);
    expect(Buffer.compare(f.dataset, dataset)).toBe(0);
    // Deflated Image Frame Compression compresses frames, not the dataset
    const frames = readPart10(writePart10({ ...META, transferSyntaxUid: "1.2.840.10008.1.2.8.1" }, dataset));
    expect(frames.encoding.deflated).toBe(false);
    // a zlib-wrapped stream (a known writer bug) is accepted with a warning
    const header = fileMetaHeader({ ...META, transferSyntaxUid: "1.2.840.10008.1.2.1.99" });
    const wrapped = Buffer.concat([header, deflateSync(dataset)]);
    expect(readPart10(new Uint8Array(wrapped)).warnings[0]?.message).toMatch(/has a zlib header/);
    expect(deflateRawSync(dataset).length).toBeGreaterThan(0);
  });
});

describe("DatasetWriter", () => {
  it("pads odd values with the VR's padding byte", () => {
    const w = new DatasetWriter(EXPLICIT_LE);
    w.writeText(0x00100010, "PN", "Doe");
    w.writeText(0x00080018, "UI", "1.2.3");
    w.writeElement(0x00091001, "OB", Uint8Array.of(7));
    const out = w.finish();
    expect(Array.from(out.subarray(8, 12))).toEqual([0x44, 0x6f, 0x65, 0x20]);
    expect(Array.from(out.subarray(20, 26))).toEqual([0x31, 0x2e, 0x32, 0x2e, 0x33, 0]);
    expect(Array.from(out.subarray(38, 40))).toEqual([7, 0]);
  });

  it("writes values too long for a 2-byte length as UN", () => {
    const w = new DatasetWriter(EXPLICIT_LE);
    w.writeElement(0x00181030, "LO", new Uint8Array(70000).fill(0x41));
    const cursor = new DicomCursor(w.finish(), EXPLICIT_LE);
    cursor.next();
    expect([cursor.vr, cursor.valueLength]).toEqual(["UN", 70000]);
  });

  it("patches defined lengths of nested sequences and items", () => {
    for (const encoding of [EXPLICIT_LE, IMPLICIT_LE, EXPLICIT_BE]) {
      const cursor = new DicomCursor(sampleDataset(encoding), encoding);
      while (cursor.next()) {
        if (cursor.tag === 0x00081115 && cursor.kind === TokenKind.Sequence) {
          expect(cursor.valueLength).not.toBe(UNDEFINED_LENGTH);
        }
      }
    }
  });

  it("writes numbers in the writer's byte order", () => {
    const w = new DatasetWriter(EXPLICIT_BE);
    w.writeNumbers(0x00280010, "US", [0x0102]);
    w.writeNumbers(0x00189219, "FD", [1.5]);
    const cursor = new DicomCursor(w.finish(), EXPLICIT_BE);
    cursor.next();
    expect(Array.from(cursor.valueBytes())).toEqual([1, 2]);
    cursor.next();
    expect(cursor.readNumber()).toBe(1.5);
  });

  it("refuses what it cannot encode", () => {
    const w = new DatasetWriter(EXPLICIT_LE);
    expect(() => w.writeText(0x00100010, "PN", "山田", SpecificCharacterSet.fromValue("ISO_IR 100"))).toThrow(TextEncodeError);
    expect(w.length).toBe(0);
    expect(() => w.writeHeader(0x00100010, "PN", UNDEFINED_LENGTH)).toThrow(DicomWriteError);
    expect(() => w.endItem()).toThrow(DicomWriteError);
    expect(() => fileMetaHeader({ ...META, transferSyntaxUid: "1.2.840.10008.1.2.1", mediaStorageSopInstanceUid: "1.2.x" })).toThrow(/invalid media storage SOP instance UID/);
  });

  it("writes a File Meta group with additional elements and a correct group length", () => {
    const header = fileMetaHeader({
      ...META,
      transferSyntaxUid: "1.2.840.10008.1.2.1",
      additionalElements: [{ tag: 0x00020016, vr: "AE", value: ascii("DEIDC ") }],
    });
    expect(Array.from(header.subarray(0, 128)).every((b) => b === 0)).toBe(true);
    const f = readPart10(header);
    expect(f.meta!.elements.at(-1)).toMatchObject({ tag: 0x00020016, vr: "AE" });
    expect(f.meta!.end).toBe(header.length);
    expect(f.warnings).toEqual([]);
  });
});
