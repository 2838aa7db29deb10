// Character sets: the chr*.dcm files of the corpus (ISO 8859 parts, UTF-8, ISO 2022 with Japanese
// and Korean code extensions, a sequence item with its own Specific Character Set) through the
// executor. Names must be replaced, and a replacement value computed from the original text must be
// written in the object's character set so that an independent decoder reads it back.

import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TokenKind, openCursor, readPart10, type DicomFile } from "../../src/runtime/dicom";
import { CORPUS_DIR, compile, corpusFiles, executorFor, indexOfBytes, loadCorpusFile, readWithDcmjs, shortName, warnIfNoCorpus } from "./helpers";

warnIfNoCorpus("executor character sets");

const files = corpusFiles().filter((f) => shortName(f).startsWith("chr"));
const profileDir = mkdtempSync(join(tmpdir(), "deidc-charsets-"));
afterAll(() => rmSync(profileDir, { recursive: true, force: true }));

/** Every Patient's Name (any depth): decoded text, raw value bytes, and the character set's terms. */
function patientNames(file: DicomFile): { path: string; text: string; raw: Uint8Array; terms: readonly string[] }[] {
  const cursor = openCursor(file);
  const names: { path: string; text: string; raw: Uint8Array; terms: readonly string[] }[] = [];
  while (cursor.next()) {
    if (cursor.kind !== TokenKind.Element || cursor.tag !== 0x00100010) continue;
    names.push({ path: cursor.path(), text: cursor.readText(), raw: cursor.valueBytes().slice(), terms: cursor.characterSet.terms });
  }
  return names;
}

/**
 * An independent reading of a PN value in an ISO 2022 character set. Korean (ISO 2022 IR 149): EUC-KR
 * on the bytes once the KS X 1001 designation (ESC $ ) C, which puts the set in G1) is removed.
 * Japanese: Node's own ISO-2022-JP decoder for ASCII and JIS X 0208 (ISO 2022 IR 87), fed in stream
 * mode around the JIS X 0201 katakana of ISO 2022 IR 13, which sit in G1 (bytes 0xA1-0xDF, designated
 * by ESC ) I) where ISO-2022-JP has nothing, and map one to one onto U+FF61-U+FF9F.
 */
function decodeIso2022(raw: Uint8Array, terms: readonly string[]): string {
  let end = raw.length;
  while (end > 0 && (raw[end - 1] === 0x20 || raw[end - 1] === 0)) end--;
  const latin = Buffer.from(raw.subarray(0, end)).toString("latin1");
  if (terms.includes("ISO 2022 IR 149")) return new TextDecoder("euc-kr").decode(Buffer.from(latin.replace(/\x1b\$\)C/g, ""), "latin1"));
  const bytes = Buffer.from(latin.replace(/\x1b\)I/g, ""), "latin1");
  const decoder = new TextDecoder("iso-2022-jp");
  const katakana = (b: number): boolean => b >= 0xa1 && b <= 0xdf;
  let out = "";
  for (let i = 0; i < bytes.length; ) {
    if (katakana(bytes[i]!)) {
      out += String.fromCharCode(0xff61 + bytes[i]! - 0xa1);
      i++;
      continue;
    }
    let j = i;
    while (j < bytes.length && !katakana(bytes[j]!)) j++;
    out += decoder.decode(bytes.subarray(i, j), { stream: true });
    i = j;
  }
  return out + decoder.decode();
}

describe.skipIf(!CORPUS_DIR)("character sets", () => {
  it("has the chr*.dcm files", () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  it("ps315.basic empties every Patient's Name, and the outputs parse with dcmjs when it reads the input", () => {
    const executor = executorFor(compile("ps315.basic"));
    const bad: string[] = [];
    for (const path of files) {
      const bytes = loadCorpusFile(path);
      const result = executor.process(bytes, path);
      if (!result.output) {
        bad.push(`${shortName(path)}: ${result.record.reason}`);
        continue;
      }
      const before = patientNames(readPart10(bytes));
      const after = patientNames(readPart10(result.output));
      if (after.length !== before.length || after.some((n) => n.text !== "")) bad.push(`${shortName(path)}: names ${JSON.stringify(after.map((n) => n.text))}`);
      for (const n of before) {
        const value = n.raw.subarray(0, n.raw.length - (n.raw[n.raw.length - 1] === 0x20 ? 1 : 0));
        if (value.length >= 4 && indexOfBytes(result.output, value) >= 0) bad.push(`${shortName(path)}: ${n.text} still in the output`);
      }
      if (readWithDcmjs(bytes) !== undefined) {
        const read = readWithDcmjs(result.output);
        if (!read) bad.push(`${shortName(path)}: dcmjs cannot read the output`);
        else if (JSON.stringify(read.PatientName ?? []) !== "[]") bad.push(`${shortName(path)}: dcmjs reads ${JSON.stringify(read.PatientName)}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("writes a value computed from the original text in the object's character set (PatientName -> upper(value))", () => {
    const profile = join(profileDir, "upper.deid");
    writeFileSync(profile, 'deid 1\n\nprofile test.upper "upper-case names"\n  based on ps315.basic\n\nPatientName -> upper(value)\n');
    const executor = executorFor(compile(profile));
    const bad: string[] = [];
    let independent = 0;
    let viaDcmjs = 0;
    for (const path of files) {
      const bytes = loadCorpusFile(path);
      const result = executor.process(bytes, path);
      if (!result.output) {
        bad.push(`${shortName(path)}: ${result.record.reason}`);
        continue;
      }
      const before = patientNames(readPart10(bytes));
      const after = patientNames(readPart10(result.output));
      for (const [i, n] of before.entries()) {
        const expected = n.text.toUpperCase();
        const out = after[i];
        if (!out || out.text !== expected) {
          bad.push(`${shortName(path)} ${n.path}: ${out?.text} != ${expected}`);
          continue;
        }
        if (n.text === "" || !n.terms.some((t) => t.startsWith("ISO 2022"))) continue;
        // Code extensions: check the bytes with a decoder that is not ours.
        if (n.terms.includes("ISO 2022 IR 87") || n.terms.includes("ISO 2022 IR 149")) {
          independent++;
          const decoded = decodeIso2022(out.raw, out.terms);
          if (decoded !== expected) bad.push(`${shortName(path)} ${n.path}: independent decoder reads ${decoded}, expected ${expected}`);
        }
      }
      const original = readWithDcmjs(bytes);
      if (original !== undefined) {
        // dcmjs reads single-valued character sets: its reading of the output is the upper case of its reading of the input.
        const read = readWithDcmjs(result.output);
        const groups = (v: unknown): string => JSON.stringify(((v as Record<string, string>[] | undefined) ?? []).map((pn) => [pn.Alphabetic, pn.Ideographic, pn.Phonetic].map((g) => g?.toUpperCase())));
        if (!read) bad.push(`${shortName(path)}: dcmjs cannot read the output`);
        else if (groups(read.PatientName) !== groups(original.PatientName)) bad.push(`${shortName(path)}: dcmjs reads ${JSON.stringify(read.PatientName)}`);
        else if (original.PatientName) viaDcmjs++;
      }
    }
    expect(bad).toEqual([]);
    expect(independent).toBeGreaterThanOrEqual(2);
    expect(viaDcmjs).toBeGreaterThanOrEqual(4);
  });
});
