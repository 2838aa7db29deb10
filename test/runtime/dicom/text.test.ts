// Specific Character Set decoding and encoding (PS3.5 6.1, PS3.3 C.12.1.1.2).

import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { SpecificCharacterSet, TextEncodeError, TokenKind, openCursor, readPart10 } from "../../../src/runtime/dicom/index";
import { CORPUS_DIR, loadCorpusFile, warnIfNoCorpus } from "./corpus";

const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const cs = (value: string): SpecificCharacterSet => SpecificCharacterSet.fromValue(value);

/** Value bytes as pydicom's FileInfo-charset_files.txt lists them, and their text. */
const SAMPLES: [charset: string, raw: string, text: string][] = [
  ["\\ISO 2022 IR 87", "Yamada^Tarou=\x1b$B;3ED\x1b(B^\x1b$BB@O:\x1b(B=\x1b$B$d$^$@\x1b(B^\x1b$B$?$m$&\x1b(B", "Yamada^Tarou=山田^太郎=やまだ^たろう"],
  ["ISO 2022 IR 13\\ISO 2022 IR 87", "\xd4\xcf\xc0\xde^\xc0\xdb\xb3=\x1b$B;3ED\x1b(J^\x1b$BB@O:\x1b(J=\x1b$B$d$^$@\x1b(J^\x1b$B$?$m$&\x1b(J", "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう"],
  ["\\ISO 2022 IR 149", "Hong^Gildong=\x1b$)C\xfb\xf3^\x1b$)C\xd1\xce\xd4\xd7=\x1b$)C\xc8\xab^\x1b$)C\xb1\xe6\xb5\xbf", "Hong^Gildong=洪^吉洞=홍^길동"],
  ["ISO_IR 138", "\xf9\xf8\xe5\xef^\xe3\xe1\xe5\xf8\xe4", "שרון^דבורה"],
  ["ISO_IR 144", "\xbb\xee\xdace\xdc\xd1yp\xd3", "Люкceмбypг"],
  ["ISO_IR 192", "Wang^XiaoDong=\xe7\x8e\x8b^\xe5\xb0\x8f\xe6\x9d\xb1=", "Wang^XiaoDong=王^小東="],
  ["GB18030", "Wang^XiaoDong=\xcd\xf5^\xd0\xa1\xb6\xab=", "Wang^XiaoDong=王^小东="],
  ["ISO_IR 100", "\xc4neas^R\xfcdiger", "Äneas^Rüdiger"],
];

describe("SpecificCharacterSet", () => {
  it.each(SAMPLES)("decodes and re-encodes %s byte for byte", (charset, raw, text) => {
    expect(cs(charset).decode(bytes(raw), "PN")).toBe(text);
    expect(Buffer.from(cs(charset).encode(text, "PN")).toString("latin1")).toBe(raw);
  });

  it.each([
    ["ISO_IR 101", "Łódź"], ["ISO_IR 109", "Ħal Għargħur"], ["ISO_IR 110", "Ģirts"], ["ISO_IR 127", "لنزار"],
    ["ISO_IR 126", "Διονυσιος"], ["ISO_IR 148", "Çağrı"], ["ISO_IR 203", "Œuvre €"], ["ISO_IR 13", "ﾔﾏﾀﾞ^ﾀﾛｳ"],
    ["ISO_IR 166", "ประเทศไทย"], ["GBK", "王^小东"], ["GB18030", "王^小東^𠀀"], ["ISO 2022 IR 6\\ISO 2022 IR 100", "Äneas^Rüdiger"],
    ["\\ISO 2022 IR 58", "Wang^XiaoDong=王^小东"], ["\\ISO 2022 IR 87\\ISO 2022 IR 159", "Kyō=鄧^丂"],
    ["ISO 2022 IR 6\\ISO 2022 IR 144\\ISO 2022 IR 126", "Иван^Αθηνα"], ["GB18030", "ÿĲ€^ｱ"],
  ])("round-trips text in %s", (charset, text) => {
    const encoded = cs(charset).tryEncode(text, "PN");
    if (!encoded.ok) throw new Error(encoded.message);
    expect(cs(charset).decode(encoded.bytes, "PN")).toBe(text);
  });

  it("switches back to the initial set at delimiters in multi-valued text", () => {
    const value = "\x1b$B;3ED\x1b(B\\Tarou\r\n\x1b$B$?$m$&\x1b(B";
    expect(cs("\\ISO 2022 IR 87").decode(bytes(value), "LO")).toBe("山田\\Tarou\r\nたろう");
  });

  it("reports a character the character set cannot hold instead of corrupting it", () => {
    const result = cs("ISO_IR 100").tryEncode("Yamada^山田", "PN");
    expect(result).toMatchObject({ ok: false, character: "山", index: 7 });
    expect(() => cs("").encode("Müller", "PN")).toThrow(TextEncodeError);
    expect(() => cs("").encode("Müller", "PN")).toThrow(/"ü" \(U\+00FC\) at index 1 cannot be encoded in the default repertoire/);
    expect(cs("\\ISO 2022 IR 149").tryEncode("山田 ñ", "PN").ok).toBe(false);
    expect(cs("ISO_IR 192").tryEncode("a\ud800b", "LO").ok).toBe(false);
    // VRs outside the character set's reach are ASCII whatever (0008,0005) says
    expect(cs("ISO_IR 192").tryEncode("1.2.3.ü", "UI").ok).toBe(false);
  });

  it("treats unknown terms as ISO 8859-1 for reading and refuses non-ASCII for writing", () => {
    const unknown = cs("ISO_IR 999");
    expect(unknown.unknownTerms).toEqual(["ISO_IR 999"]);
    expect(unknown.decode(bytes("Ren\xe9"), "PN")).toBe("René");
    expect(unknown.tryEncode("René", "PN").ok).toBe(false);
    expect(unknown.encode("Rene", "PN")).toEqual(bytes("Rene"));
  });
});

warnIfNoCorpus("dicom text");

describe.skipIf(!CORPUS_DIR)("character sets of the corpus files (pydicom-debian/chr*.dcm)", () => {
  // PatientName values from the corpus MANIFEST.md (which drops a trailing empty component group)
  const expected: [file: string, patientName: string][] = [
    ["chrArab.dcm", "قباني^لنزار"],
    ["chrGerm.dcm", "Äneas^Rüdiger"],
    ["chrH31.dcm", "Yamada^Tarou=山田^太郎=やまだ^たろう"],
    ["chrI2.dcm", "Hong^Gildong=洪^吉洞=홍^길동"],
    ["chrJapMulti.dcm", "やまだ^たろう"],
    ["chrRuss.dcm", "Люкceмбypг"],
    ["chrX1.dcm", "Wang^XiaoDong=王^小東"],
  ];

  it.each(expected)("%s: PatientName is %s, and re-encodes to the same bytes", (file, patientName) => {
    const cursor = openCursor(readPart10(loadCorpusFile(join(CORPUS_DIR!, "pydicom-debian", file))));
    let found = false;
    while (cursor.next()) {
      if (cursor.tag !== 0x00100010 || cursor.depth !== 0) continue;
      const text = cursor.readText();
      expect(text.replace(/=+$/, "")).toBe(patientName);
      const reencoded = cursor.characterSet.encode(text, "PN");
      const original = cursor.valueBytes();
      const unpadded = original.subarray(0, original.length - (original.at(-1) === 0x20 ? 1 : 0));
      expect(Buffer.compare(reencoded, unpadded)).toBe(0);
      found = true;
    }
    expect(found).toBe(true);
  });

  it("chrSQEncoding.dcm: an item's own (0008,0005) applies inside the item only", () => {
    const cursor = openCursor(readPart10(loadCorpusFile(join(CORPUS_DIR!, "pydicom-debian", "chrSQEncoding.dcm"))));
    const seen: string[] = [];
    while (cursor.next()) {
      if (cursor.kind === TokenKind.Element && cursor.vr === "PN") seen.push(`${cursor.depth}:${cursor.readText()}`);
      if (cursor.kind === TokenKind.SequenceEnd) expect(cursor.characterSet.terms).toEqual(["ISO_IR 192"]);
    }
    expect(seen).toEqual(["0:Doctor^Who^^MD", "1:ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう"]);
  });
});
