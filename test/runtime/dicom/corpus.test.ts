// Every DICOM file of the developer corpus: walked, cross-checked against dcmjs and dcmdump, rewritten
// through the writer and read back.

import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DicomReadError, TokenKind, openCursor, readPart10 } from "../../../src/runtime/dicom/index";
import {
  CORPUS_DIR,
  HAVE_DCMDUMP,
  KNOWN_MALFORMED,
  corpusFiles,
  dcmdump,
  loadCorpusFile,
  readWithDcmjs,
  rewriteKeepingEverything,
  shortName,
  walkTags,
  warnIfNoCorpus,
} from "./corpus";

warnIfNoCorpus("dicom corpus");
if (CORPUS_DIR && !HAVE_DCMDUMP) console.warn("[dicom corpus] dcmdump not installed (apt-get install dcmtk): the dcmdump oracle checks are skipped");

const files = corpusFiles();
const readable = files.filter((f) => !KNOWN_MALFORMED.has(shortName(f)));
const malformed = files.filter((f) => KNOWN_MALFORMED.has(shortName(f)));

/** What the walk found at the top level, for the cross-checks. */
interface TopLevelValues {
  elements: number;
  patientName?: string;
  sopInstanceUid?: string;
  rows?: number;
}

function walk(bytes: Uint8Array): TopLevelValues {
  const file = readPart10(bytes);
  const cursor = openCursor(file);
  const values: TopLevelValues = { elements: 0 };
  let open = 0;
  while (cursor.next()) {
    if (cursor.kind === TokenKind.Item || cursor.kind === TokenKind.Sequence) open++;
    if (cursor.kind === TokenKind.ItemEnd || cursor.kind === TokenKind.SequenceEnd) open--;
    if (cursor.kind === TokenKind.Element || cursor.kind === TokenKind.Sequence || cursor.kind === TokenKind.EncapsulatedPixelData) values.elements++;
    if (cursor.depth !== 0) continue;
    if (cursor.tag === 0x00100010) values.patientName = cursor.readText();
    if (cursor.tag === 0x00080018) values.sopInstanceUid = cursor.readText();
    if (cursor.tag === 0x00280010) values.rows = cursor.readNumber();
  }
  expect(open).toBe(0);
  return values;
}

describe.skipIf(!CORPUS_DIR)("DICOM corpus", () => {
  it("has DICOM files to test", () => {
    expect(readable.length).toBeGreaterThan(50);
  });

  describe("(a) walk every element and cross-check with dcmjs", () => {
    it.each(readable.map((f) => [shortName(f), f]))("%s", (_name, path) => {
      const bytes = loadCorpusFile(path);
      const values = walk(bytes);
      expect(values.elements).toBeGreaterThan(0);
      const reference = readWithDcmjs(bytes);
      if (!reference) return; // dcmjs cannot read it (no File Meta, ISO 2022 character sets); dcmdump checks it below
      const name = reference.PatientName as { Alphabetic?: string }[] | undefined;
      if (name?.[0]?.Alphabetic !== undefined) expect(values.patientName?.split("=")[0]?.trim()).toBe(name[0].Alphabetic.trim());
      if (reference.SOPInstanceUID !== undefined) expect(values.sopInstanceUid).toBe(reference.SOPInstanceUID);
      if (reference.Rows !== undefined) expect(values.rows).toBe(reference.Rows);
    });
  });

  describe.skipIf(!HAVE_DCMDUMP)("(a) element lists agree with dcmdump", () => {
    it.each(readable.map((f) => [shortName(f), f]))("%s", (_name, path) => {
      const bytes = loadCorpusFile(path);
      const oracle = path.endsWith(".gz") ? withTempFile(bytes, dcmdump) : dcmdump(path);
      expect(oracle.ok, oracle.stderr).toBe(true);
      expect(walkTags(readPart10(bytes))).toEqual(oracle.tags);
    });
  });

  describe("(b) copy-everything rewrite", () => {
    it.each(readable.map((f) => [shortName(f), f]))("%s", (_name, path) => {
      const input = readPart10(loadCorpusFile(path));
      const { part10, dataset } = rewriteKeepingEverything(input);
      const output = readPart10(part10);
      expect(output.transferSyntaxUid).toBe(input.transferSyntaxUid);
      expect(output.encoding).toEqual(input.encoding);
      // Same encoding, so the dataset must come out byte for byte (for deflated files: once inflated).
      expect(Buffer.compare(dataset, input.dataset)).toBe(0);
      expect(Buffer.compare(output.dataset, input.dataset)).toBe(0);
      expect(walkTags(output)).toEqual(walkTags(input));
      const before = readWithDcmjs(input.bytes);
      const after = readWithDcmjs(part10);
      if (before) expect(after).toEqual(before);
      else if (input.meta === undefined) expect(after).toBeDefined(); // now it has File Meta, dcmjs can read it
    });
  });

  describe.skipIf(!HAVE_DCMDUMP)("(c) dcmdump parses every rewritten file", () => {
    it.each(readable.map((f) => [shortName(f), f]))("%s", (_name, path) => {
      const input = readPart10(loadCorpusFile(path));
      const { part10 } = rewriteKeepingEverything(input);
      const result = withTempFile(part10, dcmdump);
      expect(result.ok, result.stderr).toBe(true);
      expect(result.tags).toEqual(walkTags(input));
    });
  });

  describe("known-malformed corpus files are rejected with a DicomReadError", () => {
    it.each(malformed.map((f) => [shortName(f), f]))("%s", (name, path) => {
      const attempt = (): void => {
        const cursor = openCursor(readPart10(loadCorpusFile(path)));
        while (cursor.next());
      };
      expect(attempt).toThrow(DicomReadError);
      expect(attempt).toThrow(KNOWN_MALFORMED.get(name)!);
      if (HAVE_DCMDUMP) expect(dcmdump(path).ok).toBe(false);
    });
  });
});

function withTempFile<T>(bytes: Uint8Array, use: (path: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "deidc-dicom-"));
  try {
    const path = join(dir, "file.dcm");
    writeFileSync(path, bytes);
    return use(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
