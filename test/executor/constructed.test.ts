// The executor on small objects written for the purpose: one behaviour per test, each input built
// with the DICOM writer so that the test shows what goes in and what must come out.

import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TokenKind, readPart10 } from "../../src/runtime/dicom";
import { IMPLEMENTATION_CLASS_UID, createExecutor } from "../../src/runtime/executor";
import {
  TS_IMPLICIT_LE,
  buildPart10,
  compile,
  executorFor,
  indexOfBytes,
  topLevelCodes,
  topLevelTexts,
  topLevelValue,
  walkBytes,
  type BuiltElement,
  type WalkedElement,
} from "./helpers";

const SC = "1.2.840.10008.5.1.4.1.1.7";
const text = (tag: number, vr: string, value: string): BuiltElement => ({ tag, vr, text: value });
const sq = (tag: number, ...items: BuiltElement[][]): BuiltElement => ({ tag, vr: "SQ", items });
const code = (value: string, scheme: string, meaning: string): BuiltElement[] => [text(0x00080100, "SH", value), text(0x00080102, "SH", scheme), text(0x00080104, "LO", meaning)];

/** The top level of a small Secondary Capture object of patient "Doe^John", ID PID12345. */
function object(instance: string, ...extra: BuiltElement[]): BuiltElement[] {
  return [
    text(0x00080016, "UI", SC),
    text(0x00080018, "UI", instance),
    text(0x00080020, "DA", "20200102"),
    text(0x00080060, "CS", "OT"),
    text(0x00100010, "PN", "Doe^John"),
    text(0x00100020, "LO", "PID12345"),
    text(0x0020000d, "UI", "1.2.826.0.1.3680043.2.1125.100"),
    text(0x0020000e, "UI", "1.2.826.0.1.3680043.2.1125.101"),
    ...extra,
  ];
}

function run(bytes: Uint8Array, options: string[] = [], entry = "ps315.basic") {
  const result = executorFor(compile(entry, options)).process(bytes, "constructed.dcm");
  expect(result.record.reason).toBeUndefined();
  expect(result.record.outcome).toBe("written");
  const output = result.output!;
  const { file, elements } = walkBytes(output);
  const at = (path: string): WalkedElement | undefined => elements.find((e) => e.path === path);
  const contains = (s: string): boolean => indexOfBytes(output, new TextEncoder().encode(s)) >= 0;
  return { result, output, file, elements, at, contains };
}

let profileDir: string | undefined;

/** A rule file in a temporary folder, compiled like any other profile. */
function profileFile(name: string, body: string): string {
  profileDir ??= mkdtempSync(join(tmpdir(), "deidc-profiles-"));
  const path = join(profileDir, `${name}.deid`);
  writeFileSync(path, `deid 1\n\nprofile test.${name} "test"\n  based on ps315.basic\n\n${body}\n`);
  return path;
}
afterAll(() => {
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

describe("sequences", () => {
  it("applies the rules at every depth: nested names are emptied, removed or replaced, nested UIDs replaced", () => {
    const input = buildPart10(
      object("1.2.3.1", sq(0x00081115, [
        text(0x00080090, "PN", "Doctor^Deep"),
        text(0x00100010, "PN", "Nested^Name"),
        sq(0x00081115, [
          text(0x00081155, "UI", "1.2.3.4.5.6.7"),
          text(0x00100010, "PN", "Deeper^Name"),
          text(0x00101001, "PN", "Alias^Deepest"),
          text(0x0040a123, "PN", "Person^Deepest"),
        ]),
      ])),
    );
    const { at, contains, result } = run(input);
    for (const name of ["Doctor", "Nested", "Deeper", "Alias", "Deepest", "1.2.3.4.5.6.7"]) expect(contains(name)).toBe(false);
    expect(at("(0008,1115)[0]/(0010,0010)")?.text).toBe("");
    expect(at("(0008,1115)[0]/(0008,0090)")?.text).toBe("");
    expect(at("(0008,1115)[0]/(0008,1115)[0]/(0010,0010)")?.text).toBe("");
    expect(at("(0008,1115)[0]/(0008,1115)[0]/(0010,1001)")).toBeUndefined();
    expect(at("(0008,1115)[0]/(0008,1115)[0]/(0040,A123)")?.text).toBe("DEIDENTIFIED^");
    expect(at("(0008,1115)[0]/(0008,1115)[0]/(0008,1155)")?.text).toMatch(/^2\.25\.\d+$/);
    expect(result.record.touched.map((t) => `${t.path} ${t.action}`)).toContain("(0008,1115)[0]/(0008,1115)[0]/(0010,1001) X");
  });

  it("X/Z on a sequence: removed at the top level where it is Type 3, emptied where nested", () => {
    const input = buildPart10(
      object("1.2.3.2", sq(0x00081110, [text(0x00081150, "UI", "1.2.840.10008.3.1.2.3.1"), text(0x00081155, "UI", "1.2.3.77")]), sq(0x00400555, code("1", "99X", "context")), sq(0x00081115, [sq(0x00081110, [text(0x00081155, "UI", "1.2.3.78")])])),
    );
    const { at, elements } = run(input);
    expect(at("(0008,1110)")).toBeUndefined();
    expect(at("(0040,0555)")?.kind).toBe(TokenKind.Sequence);
    expect(elements.some((e) => e.path.startsWith("(0040,0555)["))).toBe(false);
    expect(at("(0008,1115)[0]/(0008,1110)")?.kind).toBe(TokenKind.Sequence);
    expect(elements.some((e) => e.path.startsWith("(0008,1115)[0]/(0008,1110)["))).toBe(false);
  });

  it("D on a sequence keeps its items and replaces their free content, coded strings and UIDs aside", () => {
    const input = buildPart10(
      object(
        "1.2.3.3",
        sq(0x00080082, code("HOSP-17", "LOCAL", "General Hospital of Springfield")),
        sq(0x00081115, [sq(0x00401101, code("EMP12345", "BADGE", "John Smith badge"))]),
        sq(0x0040a730, [text(0x0040a010, "CS", "CONTAINS"), text(0x0040a040, "CS", "TEXT"), sq(0x0040a043, code("121071", "DCM", "Finding")), text(0x0040a160, "UT", "Patient John Doe complained of pain")]),
      ),
    );
    const { at, contains, result } = run(input);
    for (const s of ["HOSP-17", "Springfield", "EMP12345", "BADGE", "John Smith", "complained"]) expect(contains(s)).toBe(false);
    expect(at("(0008,0082)[0]/(0008,0104)")?.text).toBe("DEIDENTIFIED");
    expect(at("(0008,1115)[0]/(0040,1101)[0]/(0008,0100)")?.text).toBe("DEIDENTIFIED");
    expect(at("(0040,A730)[0]/(0040,A040)")?.text).toBe("TEXT");
    expect(at("(0040,A730)[0]/(0040,A010)")?.text).toBe("CONTAINS");
    expect(at("(0040,A730)[0]/(0040,A160)")?.text).toBe("DEIDENTIFIED");
    // A code of a registered scheme names a concept: its code is kept, its meaning (free text) is not;
    // a local scheme's code is dummied.
    expect(["0100", "0102", "0104"].map((e) => at(`(0040,A730)[0]/(0040,A043)[0]/(0008,${e})`)?.text)).toEqual(["121071", "DCM", "DEIDENTIFIED"]);
    expect(at("(0008,1115)[0]/(0040,1101)[0]/(0008,0102)")?.text).toBe("DEIDENTIFIED");
    // Codes that identify a person or an institution get dummies whatever scheme they claim.
    const claimed = run(buildPart10(object("1.2.3.5", sq(0x00080082, code("HOSP-4711", "SCT", "St Elsewhere")), sq(0x00081115, [sq(0x00401101, code("123-45-6789", "LN", "Doe SSN"))]))));
    for (const s of ["HOSP-4711", "St Elsewhere", "123-45-6789", "Doe SSN"]) expect(claimed.contains(s)).toBe(false);
    expect(claimed.at("(0008,1115)[0]/(0040,1101)[0]/(0008,0102)")?.text).toBe("DEIDENTIFIED");
    // The Code Value looks ahead for its designator in the bytes: the same in implicit VR.
    const units = (syntax?: string) => {
      const o = run(buildPart10(object("1.2.3.4", sq(0x0040a730, [sq(0x004008ea, code("ms", "UCUM", "milliseconds")), sq(0x0040a043, code("X1", "99LOCAL", "Smith"))])), syntax));
      return ["(0040,08EA)[0]/(0008,0100)", "(0040,08EA)[0]/(0008,0102)", "(0040,A043)[0]/(0008,0100)", "(0040,A043)[0]/(0008,0104)"].map((p) => o.at(`(0040,A730)[0]/${p}`)?.text);
    };
    expect(units()).toEqual(["ms", "UCUM", "DEIDENTIFIED", "DEIDENTIFIED"]);
    expect(units(TS_IMPLICIT_LE)).toEqual(["ms", "UCUM", "DEIDENTIFIED", "DEIDENTIFIED"]);
    // The look-ahead stops at the end of a defined-length item: a Code Value last in its item does not
    // take the designator that follows in the parent item.
    const nested: BuiltElement = { tag: 0x00080006, vr: "SQ", definedLength: true, items: [[text(0x00080100, "SH", "CROSS-SECRET")]] };
    const last = run(buildPart10(object("1.2.3.6", sq(0x0040a730, [nested, text(0x00080102, "SH", "DCM")]))));
    expect(last.contains("CROSS-SECRET")).toBe(false);
    const touched = result.record.touched.map((t) => `${t.path} ${t.action}`);
    expect(touched).toEqual(expect.arrayContaining(["(0008,0082) D", "(0040,A730) D", "(0040,A730)[0]/(0040,A160) D", "(0008,1115)[0]/(0040,1101) D"]));
    // An empty value stays empty (Z), as under Z/D: a dummy would claim a value the object never had.
    // (Person Name (0040,A123) is not such a value: Table E.1-1 names it D, a non-zero-length dummy.)
    const empty = run(buildPart10(object("1.2.3.7", sq(0x0040a730, [text(0x0040a040, "CS", "TEXT"), text(0x0040a160, "UT", "")], [text(0x0040a040, "CS", "TEXT"), text(0x0040a160, "UT", "  ")]))));
    expect(empty.at("(0040,A730)[0]/(0040,A160)")?.text).toBe("");
    expect(empty.at("(0040,A730)[1]/(0040,A160)")?.text).toBe("");
    expect(empty.result.record.touched.map((t) => `${t.path} ${t.action}`)).toEqual(expect.arrayContaining(["(0040,A730)[0]/(0040,A160) Z", "(0040,A730)[1]/(0040,A160) Z"]));
  });

  it("C on a sequence (clean-structured-content) cleans its free text of the object's identifiers", () => {
    const input = buildPart10(
      object(
        "1.2.3.4",
        // A local concept: Table E.3.4-1 does not name it, so the item is cleaned (a DCM "Finding" would get dummies: X/D).
        sq(0x0040a730, [text(0x0040a040, "CS", "TEXT"), sq(0x0040a043, code("99F1", "99LOCAL", "Finding")), text(0x0040a160, "UT", "Patient John Doe (PID12345) complained of pain")], [
          text(0x0040a040, "CS", "CODE"),
          sq(0x0040a043, code("121071", "DCM", "Finding")),
          sq(0x0040a168, code("38266002", "SCT", "Entire body as a whole")),
        ]),
      ),
    );
    const { at, contains } = run(input, ["ps315.clean-structured-content"]);
    // Codes name concepts: the cleaner's digit runs must not erase them.
    expect(at("(0040,A730)[1]/(0040,A168)[0]/(0008,0100)")?.text).toBe("38266002");
    expect(at("(0040,A730)[1]/(0040,A168)[0]/(0008,0102)")?.text).toBe("SCT");
    const cleaned = at("(0040,A730)[0]/(0040,A160)")?.text ?? "";
    expect(cleaned).toContain("complained of pain");
    for (const s of ["John", "Doe", "PID12345"]) expect(cleaned).not.toContain(s);
    expect(contains("PID12345")).toBe(false);
    expect(at("(0040,A730)[0]/(0040,A043)[0]/(0008,0104)")?.text).toBe("Finding");
  });
});

describe("Clean (C) under ps315.clean-descriptors", () => {
  it("removes the patient's name and ID from descriptions and keeps the rest", () => {
    const input = buildPart10(object("1.2.3.5", text(0x00081030, "LO", "CT abdomen John Doe PID12345 follow-up"), text(0x0008103e, "LO", "Doe^John series 2"), text(0x00081080, "LO", "Chest pain")));
    const { at, contains, result } = run(input, ["ps315.clean-descriptors"]);
    const study = at("(0008,1030)")?.text ?? "";
    expect(study).toContain("CT abdomen");
    expect(study).toContain("follow-up");
    for (const s of ["John", "Doe", "PID12345"]) expect(contains(s)).toBe(false);
    expect(at("(0008,1080)")?.text).toBe("Chest pain");
    const actions = new Map(result.record.touched.map((t) => [t.path, t.action]));
    expect(actions.get("(0008,1030)")).toBe("C");
    expect(actions.has("(0008,1080)")).toBe(false);
  });

  it("removes age and sex from descriptions unless the profile keeps them (E.3.5's example)", () => {
    const input = buildPart10(
      object("1.2.3.5", text(0x00081030, "LO", "CT chest abdomen pelvis - 55F Dr. Smith"), text(0x0008103e, "LO", "PELVIS female Sep1999"), text(0x00101010, "AS", "055Y"), text(0x00100040, "CS", "F")),
    );
    const cleaned = run(input, ["ps315.clean-descriptors"]);
    expect(cleaned.at("(0008,1030)")?.text).toBe("CT chest abdomen pelvis - ** Dr. Smith");
    expect(cleaned.at("(0008,103E)")?.text).toBe("PELVIS **");
    const kept = run(input, ["ps315.clean-descriptors", "ps315.retain-patient-characteristics"]);
    expect(kept.at("(0008,1030)")?.text).toBe("CT chest abdomen pelvis - 55F Dr. Smith");
    expect(kept.at("(0008,103E)")?.text).toBe("PELVIS female **");
  });
});

describe("UIDs", () => {
  it("a reference in one object equals the new SOP Instance UID of the object it names; File Meta and dataset agree", () => {
    const a = buildPart10(object("1.2.826.0.1.3680043.2.1125.7.1", text(0x00200052, "UI", "1.2.826.0.1.3680043.2.1125.99")));
    const b = buildPart10(
      object(
        "1.2.826.0.1.3680043.2.1125.7.2",
        sq(0x00081140, [text(0x00081150, "UI", SC), text(0x00081155, "UI", "1.2.826.0.1.3680043.2.1125.7.1")]),
        sq(0x00082112, [text(0x00081150, "UI", SC), text(0x00081155, "UI", "1.2.826.0.1.3680043.2.1125.7.1")]),
        text(0x00200052, "UI", "1.2.826.0.1.3680043.2.1125.99"),
      ),
    );
    for (const options of [[], ["ps315.retain-uids"], ["ps315.clean-descriptors"]]) {
      const outA = run(a, options);
      const outB = run(b, options);
      const newA = topLevelTexts(outA.file).get(0x00080018)!;
      expect(outA.file.meta?.mediaStorageSopInstanceUid).toBe(newA);
      expect(outB.file.meta?.mediaStorageSopInstanceUid).toBe(topLevelTexts(outB.file).get(0x00080018));
      expect(outB.at("(0008,1140)[0]/(0008,1155)")?.text).toBe(newA);
      expect(outB.at("(0008,2112)[0]/(0008,1155)")?.text).toBe(newA);
      expect(outB.at("(0008,1140)[0]/(0008,1150)")?.text).toBe(SC);
      for (const tag of [0x0020000d, 0x0020000e, 0x00200052]) expect(topLevelTexts(outB.file).get(tag)).toBe(topLevelTexts(outA.file).get(tag));
      if (options.length === 0) expect(newA).toMatch(/^2\.25\./);
    }
  });

  it("adds the SOP Instance UID a dataset lacks or has empty, the one that names the output in the File Meta", () => {
    const without = object("1.2.3.6").filter((e) => e.tag !== 0x00080018);
    for (const elements of [without, [...without, text(0x00080018, "UI", "")]]) {
      // buildPart10 puts 1.2.3.4 in the File Meta when the dataset has no instance UID.
      const { file, result, elements: written } = run(buildPart10(elements));
      const instance = topLevelTexts(file).get(0x00080018);
      expect(instance).toMatch(/^2\.25\.\d+$/);
      expect(written.filter((e) => e.tag === 0x00080018)).toHaveLength(1);
      expect(file.meta?.mediaStorageSopInstanceUid).toBe(instance);
      expect(result.record.warnings.join(" ")).toMatch(/no SOP Instance UID in the dataset \(one is added\): the File Meta's, replaced, names the output/);
      expect(result.record.touched).toContainEqual({ path: "(0008,0018)", action: "insert", rule: null });
    }
  });

  it("keeps the File Meta's instance UID for a dataset without one when the profile keeps SOP Instance UIDs", () => {
    const without = object("1.2.3.6").filter((e) => e.tag !== 0x00080018);
    for (const elements of [without, [...without, text(0x00080018, "UI", "")]]) {
      const { file, result, elements: written } = run(buildPart10(elements), ["ps315.retain-uids"]);
      expect(topLevelTexts(file).get(0x00080018)).toBe("1.2.3.4");
      expect(written.filter((e) => e.tag === 0x00080018)).toHaveLength(1);
      expect(file.meta?.mediaStorageSopInstanceUid).toBe("1.2.3.4");
      expect(result.record.warnings.join(" ")).toMatch(/the File Meta's, kept as the profile keeps SOP Instance UIDs, names the output/);
    }
    // A site rule that keeps only some objects' UIDs is asked with the object's own values.
    const site = profileFile("keep-ot-uids", 'SOPInstanceUID -> keep when Modality == "OT" because "test"');
    expect(topLevelTexts(run(buildPart10(without), [], site).file).get(0x00080018)).toBe("1.2.3.4");
    const ct = without.map((e) => (e.tag === 0x00080060 ? text(0x00080060, "CS", "CT") : e));
    expect(topLevelTexts(run(buildPart10(ct), [], site).file).get(0x00080018)).toMatch(/^2\.25\./);
  });
});

describe("keyed values from an empty or absent attribute", () => {
  let profiles = 0;
  const keyed = (input: Uint8Array, body: string) => {
    const path = profileFile(`keyed${++profiles}`, `secret key from env DEID_KEY\n${body}`);
    const result = createExecutor(compile(path, []), { secrets: new Map([["key", new TextEncoder().encode("test-key-0123456789abcdef")]]), params: new Map(), tables: new Map() }).process(input, "k.dcm");
    expect(result.record.outcome).toBe("written");
    return { result, file: walkBytes(result.output!).file };
  };
  const withId = (id: string | null, instance = "1.2.3.30", name = "Doe^John") =>
    buildPart10(object(instance).flatMap((e) => (e.tag === 0x00100010 ? [text(0x00100010, "PN", name)] : e.tag !== 0x00100020 ? [e] : id === null ? [] : [text(0x00100020, "LO", id)])));
  const PSEUDONYMS = 'let offset = days(key, PatientID, -30 .. -1)\nPatientName -> "P^" + hash(key, PatientID, 8)\nStudyDate -> shift(offset)';

  it("warns where a pseudonym or shift was derived from it, since every such object gets the same one", () => {
    expect(keyed(withId(""), PSEUDONYMS).result.record.warnings).toEqual([
      "PatientID is empty or absent: `days(...)` and `hash(...)` keyed on it give every object where it is empty the same result, so those objects share one pseudonym or date shift",
    ]);
    expect(keyed(withId(null), PSEUDONYMS).result.record.warnings).toHaveLength(1);
    // Two patients without an ID do come out as one: the warning is about a real merge.
    const a = keyed(withId("", "1.2.3.31", "Roe^Jane"), PSEUDONYMS);
    const b = keyed(withId(""), PSEUDONYMS);
    expect(topLevelTexts(a.file).get(0x00100010)).toBe(topLevelTexts(b.file).get(0x00100010));
  });

  it("follows the key through a let, and names what it reads", () => {
    const warnings = keyed(withId(null), 'let subject = PatientID\nPatientName -> "ANON^" + hash(key, subject, 8)').result.record.warnings;
    expect(warnings).toEqual([expect.stringMatching(/^`subject` is empty or absent: `hash\(\.\.\.\)` keyed on it/)]);
  });

  it("is quiet when the key has a value, when nothing was derived, and when the profile derives nothing", () => {
    expect(keyed(withId("PID-7"), PSEUDONYMS).result.record.warnings).toEqual([]);
    // The rule's attribute is absent: no value was derived from the empty key.
    expect(keyed(withId(""), "AccessionNumber -> hash(key, PatientID, 12)").result.record.warnings).toEqual([]);
    expect(keyed(withId(""), 'PatientName -> "P^" + hash(key, PatientID, 8) when exists(PatientID) and PatientID != ""').result.record.warnings).toEqual([]);
    expect(run(withId("")).result.record.warnings).toEqual([]);
  });

  it("counts the default date shift of C, keyed on PatientID, when C shifts a date", () => {
    expect(run(withId(""), ["ps315.retain-longitudinal-modified-dates"]).result.record.warnings).toEqual([
      "PatientID is empty or absent: the per-patient date shift of C keyed on it gives every object where it is empty the same result, so those objects share one pseudonym or date shift",
    ]);
    // A C reached only as a lookup's fallback shifts with the same key.
    const viaLookup = keyed(withId(""), 'StudyDate -> lookup("none.csv", StudyDate) else C');
    expect(viaLookup.result.record.warnings.join()).toMatch(/^PatientID is empty or absent: the per-patient date shift of C/);
  });
});

describe("markers and File Meta", () => {
  it("writes the markers, the File Meta and a zero preamble", () => {
    const { output, file } = run(buildPart10(object("1.2.3.7")), ["ps315.retain-device-identity"]);
    expect(output.subarray(0, 128).every((b) => b === 0)).toBe(true);
    expect(new TextDecoder().decode(output.subarray(128, 132))).toBe("DICM");
    expect(file.meta?.implementationClassUid).toBe(IMPLEMENTATION_CLASS_UID);
    const values = topLevelTexts(file);
    expect(values.get(0x00120062)).toBe("YES");
    expect(values.get(0x00120063)?.split("\\")).toEqual(["deidc 0.1.0 DICOM PS3.15 2026c", "profile ps315.basic", "option ps315.retain-device-identity"]);
    expect(topLevelCodes(file, 0x00120064)).toEqual([
      { value: "113100", scheme: "DCM", meaning: "Basic Application Confidentiality Profile" },
      { value: "113109", scheme: "DCM", meaning: "Retain Device Identity Option" },
    ]);
  });

  it("merges with the markers an input already has: codes and methods once each, identity removed YES", () => {
    const input = buildPart10(
      object(
        "1.2.3.8",
        text(0x00120062, "CS", "NO"),
        text(0x00120063, "LO", "OLD TOOL 1.0"),
        sq(0x00120064, code("113100", "DCM", "Basic Application Confidentiality Profile"), code("113101", "DCM", "Clean Pixel Data Option")),
      ),
    );
    const first = run(input);
    const again = run(first.output);
    for (const out of [first, again]) {
      const values = topLevelTexts(out.file);
      expect(values.get(0x00120062)).toBe("YES");
      expect(values.get(0x00120063)?.split("\\")).toEqual(["OLD TOOL 1.0", "deidc 0.1.0 DICOM PS3.15 2026c", "profile ps315.basic"]);
      expect(topLevelCodes(out.file, 0x00120064).map((c) => c.value)).toEqual(["113100", "113101"]);
    }
  });

  it("says how the dates were treated in Longitudinal Temporal Information Modified", () => {
    const input = buildPart10(object("1.2.3.9", text(0x00080021, "DA", "20200103"), text(0x00080030, "TM", "101500")));
    const value = (options: string[]) => topLevelTexts(run(input, options).file).get(0x00280303);
    expect(value([])).toBe("REMOVED");
    expect(value(["ps315.retain-longitudinal-full-dates"])).toBe("UNMODIFIED");
    expect(value(["ps315.retain-longitudinal-modified-dates"])).toBe("MODIFIED");
    const shifted = topLevelTexts(run(input, ["ps315.retain-longitudinal-modified-dates"]).file);
    const days = (da: string) => Date.UTC(+da.slice(0, 4), +da.slice(4, 6) - 1, +da.slice(6, 8)) / 86_400_000;
    // Both dates move by the same number of days, so the interval between them survives.
    expect(days(shifted.get(0x00080021)!) - days(shifted.get(0x00080020)!)).toBe(1);
    expect(shifted.get(0x00080020)).not.toBe("20200102");
  });

  it("writes the value at its own even length, and everything after it intact, in either VR encoding", () => {
    for (const syntax of [undefined, TS_IMPLICIT_LE]) {
      const input = buildPart10(object("1.2.3.9", text(0x00080021, "DA", "20200103"), text(0x00281050, "DS", "40"), text(0x00281051, "DS", "400")), syntax);
      for (const [options, expected] of [[["ps315.retain-longitudinal-modified-dates"], "MODIFIED"], [[], "REMOVED "], [["ps315.retain-longitudinal-full-dates"], "UNMODIFIED"]] as const) {
        const out = run(input, [...options]);
        expect(new TextDecoder().decode(topLevelValue(out.file, 0x00280303))).toBe(expected);
        // The elements after it still parse, with their values where they belong.
        expect(out.at("(0028,1050)")?.text).toBe("40");
        expect(out.elements.at(-1)).toMatchObject({ path: "(0028,1051)", text: "400" });
      }
    }
  });

  it("keeps an empty value empty where the code allows Z (X/Z/D, Z/D), and gives a value its dummy", () => {
    // Device Serial Number (0018,1000) is X/Z/D in the Basic Profile.
    const out = run(buildPart10(object("1.2.3.15", text(0x00181000, "LO", ""))));
    expect(out.at("(0018,1000)")?.text).toBe("");
    expect(out.result.record.touched.find((t) => t.path === "(0018,1000)")?.action).toBe("Z");
    // Spaces only are padding (PS3.5 6.2): no value either.
    const spaces = run(buildPart10(object("1.2.3.17", text(0x00181000, "LO", "  "))));
    expect(spaces.at("(0018,1000)")?.text).toBe("");
    expect(spaces.result.record.touched.find((t) => t.path === "(0018,1000)")?.action).toBe("Z");
    const valued = run(buildPart10(object("1.2.3.16", text(0x00181000, "LO", "SN-7"))));
    expect(valued.at("(0018,1000)")?.text).toBe("DEIDENTIFIED");
    expect(valued.result.record.touched.find((t) => t.path === "(0018,1000)")?.action).toBe("D");
  });

  it("empties a date that is not one, with a warning, where it would shift or coarsen it (Study Date is Type 2)", () => {
    const input = buildPart10(object("1.2.3.14").map((e) => (e.tag === 0x00080020 ? text(0x00080020, "DA", "2020") : e)));
    const check = (out: ReturnType<typeof run>, what: string) => {
      expect(out.at("(0008,0020)")?.text).toBe("");
      expect(out.result.record.touched.find((t) => t.path === "(0008,0020)")?.action).toBe("Z");
      expect(out.result.record.warnings).toContain(`(0008,0020): value is not a date that can be ${what}; emptied`);
    };
    check(run(input, ["ps315.retain-longitudinal-modified-dates"]), "shifted");
    check(run(input, [], profileFile("shift-bad", "StudyDate -> shift(-3)")), "shifted");
    check(run(input, [], profileFile("coarsen-bad", "StudyDate -> coarsen(year)")), "coarsened");
  });

  it("never says the dates are less modified than the input says they were", () => {
    const marked = (said: string) => buildPart10(object("1.2.3.9", text(0x00080021, "DA", "20200103"), text(0x00280303, "CS", said)));
    const value = (said: string, options: string[]) => topLevelTexts(run(marked(said), options).file).get(0x00280303);
    // Dates an earlier pass shifted, kept as they are, are still shifted dates.
    expect(value("MODIFIED", ["ps315.retain-longitudinal-full-dates"])).toBe("MODIFIED");
    expect(value("REMOVED", ["ps315.retain-longitudinal-full-dates"])).toBe("REMOVED");
    expect(value("REMOVED", ["ps315.retain-longitudinal-modified-dates"])).toBe("REMOVED");
    expect(value("UNMODIFIED", ["ps315.retain-longitudinal-modified-dates"])).toBe("MODIFIED");
    expect(value("MODIFIED", [])).toBe("REMOVED");
    // A value outside the enumeration is not evidence of anything.
    expect(value("SHIFTED", ["ps315.retain-longitudinal-full-dates"])).toBe("UNMODIFIED");
    expect(value("UNMODIFIED", ["ps315.retain-longitudinal-full-dates"])).toBe("UNMODIFIED");
  });
});

describe("private attributes", () => {
  const pet = (extra: BuiltElement[] = []) =>
    buildPart10(
      object(
        "1.2.3.10",
        text(0x70530010, "LO", "Philips PET Private Group"),
        text(0x70530011, "LO", "OTHER VENDOR"),
        text(0x70531000, "DS", "1.5"),
        text(0x70531001, "LO", "secret one"),
        text(0x70531100, "LO", "secret two"),
        ...extra,
      ),
    );

  it("ps315.basic removes every private element and creator", () => {
    const { elements, contains, result } = run(pet());
    expect(elements.filter((e) => (e.tag >>> 16) & 1)).toEqual([]);
    expect(contains("Philips PET")).toBe(false);
    expect(result.record.touched.map((t) => `${t.path} ${t.action}`)).toContain("(7053,00xx) X");
  });

  it("a `vr` rule decides standard attributes only: a private date is not shifted into the output, a private UN not kept", () => {
    const input = buildPart10([...object("1.2.3.12", text(0x00080021, "DA", "20200103")), text(0x00090010, "LO", "GEMS_GENIE_1"), text(0x00091042, "DA", "19970806")]);
    const site = profileFile("vr-private", 'vr DA -> shift(-3)\nvr LO, UN -> keep because "test"\nprivate * -> remove');
    const { elements, contains, at } = run(input, [], site);
    expect(at("(0008,0021)")?.text).toBe("20191231");
    expect(elements.filter((e) => (e.tag >>> 16) & 1)).toEqual([]);
    for (const s of ["GEMS_GENIE", "1997"]) expect(contains(s)).toBe(false);
    // In implicit VR the same private elements read as UN: the outcome does not depend on the transfer syntax.
    const implicit = run(buildPart10([...object("1.2.3.13"), text(0x00090010, "LO", "GEMS_GENIE_1"), text(0x00091042, "DA", "19970806")], TS_IMPLICIT_LE), [], site);
    expect(implicit.elements.filter((e) => (e.tag >>> 16) & 1)).toEqual([]);
  });

  it("retain-safe-private keeps the listed elements and exactly the creators of their blocks", () => {
    const { elements, contains } = run(pet(), ["ps315.retain-safe-private"]);
    expect(elements.filter((e) => (e.tag >>> 16) & 1).map((e) => e.path)).toEqual(["(7053,0010)", '(7053,"Philips PET Private Group",00)']);
    for (const s of ["OTHER VENDOR", "secret"]) expect(contains(s)).toBe(false);
  });

  it("walks a private sequence written as a defined-length UN (implicit VR) and judges its content", () => {
    const nested: BuiltElement = {
      tag: 0x00291001,
      vr: "SQ",
      definedLength: true,
      items: [[text(0x00100010, "PN", "Hidden^Name"), text(0x00290010, "LO", "ACME INNER"), text(0x00291001, "LO", "inner secret"), text(0x00080100, "SH", "KEEPCODE")]],
    };
    const input = buildPart10([...object("1.2.3.11"), text(0x00290010, "LO", "ACME SEQ"), nested], TS_IMPLICIT_LE);
    // The reader sees a UN value (implicit VR, private tag); it must still find the name inside.
    expect(walkBytes(input).elements.find((e) => e.tag === 0x00291001)?.vr).toBe("UN");
    const keep = profileFile("keep-acme", '(0029,"ACME SEQ",01) -> keep because "test"');
    const { at, contains, elements } = run(input, [], keep);
    expect(at('(0029,"ACME SEQ",01)')?.kind).toBe(TokenKind.Sequence);
    expect(at('(0029,"ACME SEQ",01)[0]/(0010,0010)')?.text).toBe("");
    expect(at('(0029,"ACME SEQ",01)[0]/(0008,0100)')?.text).toBe("KEEPCODE");
    for (const s of ["Hidden", "inner secret", "ACME INNER"]) expect(contains(s)).toBe(false);
    expect(elements.filter((e) => e.tag === 0x00290010).length).toBe(1);
    // Without the keep rule the whole sequence goes, with its creator.
    const basic = run(input);
    expect(basic.elements.filter((e) => (e.tag >>> 16) & 1)).toEqual([]);
  });
});

describe("overlays", () => {
  const overlay = buildPart10(
    object(
      "1.2.3.12",
      { tag: 0x60000010, vr: "US", bytes: Uint8Array.of(8, 0) },
      { tag: 0x60000011, vr: "US", bytes: Uint8Array.of(8, 0) },
      text(0x60000040, "CS", "G"),
      { tag: 0x60000050, vr: "SS", bytes: Uint8Array.of(1, 0, 1, 0) },
      { tag: 0x60000100, vr: "US", bytes: Uint8Array.of(1, 0) },
      { tag: 0x60000102, vr: "US", bytes: Uint8Array.of(0, 0) },
      { tag: 0x60003000, vr: "OW", bytes: new Uint8Array(8).fill(0xaa) },
    ),
  );

  it("removes the whole overlay group when its Overlay Data (Type 1) is removed", () => {
    const { elements, result } = run(overlay);
    expect(elements.filter((e) => e.tag >>> 16 === 0x6000)).toEqual([]);
    expect(result.record.touched.filter((t) => t.path.startsWith("(6000,")).map((t) => t.action)).toEqual(["X", "X", "X", "X", "X", "X", "X"]);
    // clean-graphics cleans overlays (C), which a bitmap cannot be: removed the same way.
    expect(run(overlay, ["ps315.clean-graphics"]).elements.filter((e) => e.tag >>> 16 === 0x6000)).toEqual([]);
  });

  it("keeps the group when a rule keeps the Overlay Data", () => {
    const keep = profileFile("keep-overlay", '(6000,3000) -> keep because "test"');
    const { elements } = run(overlay, [], keep);
    expect(elements.filter((e) => e.tag >>> 16 === 0x6000).length).toBe(7);
  });
});

describe("site actions, filters and the audit record", () => {
  const profile = () =>
    profileFile(
      "site",
      [
        "secret key from env DEID_KEY",
        'PatientName -> "ANON^" + hash(key, PatientID, 6)',
        'PatientID -> lookup("subjects.csv", PatientID) else "UNLISTED-" + hash(key, PatientID, 4)',
        "StudyDate -> shift(-10)",
        "PatientBirthDate -> coarsen(year)",
        'StudyDescription -> replace(/[0-9]{5,}/g, "#")',
        'OtherPatientIDs -> lookup("subjects.csv", PatientID) else remove',
        'reject when Modality == "XX" because "no XX here"',
        'quarantine when Modality == "YY" because "YY needs a look"',
      ].join("\n"),
    );
  const input = (modality: string, id = "PID12345") =>
    buildPart10([
      ...object("1.2.3.20").map((e) => (e.tag === 0x00080060 ? text(0x00080060, "CS", modality) : e.tag === 0x00100020 ? text(0x00100020, "LO", id) : e)),
      text(0x00081030, "LO", "Scan 1234567 of the day"),
      text(0x00100030, "DA", "19700615"),
      text(0x00101000, "LO", "OLD-ID-1"),
    ]);
  const executor = () =>
    createExecutor(compile(profile()), {
      secrets: new Map([["key", new TextEncoder().encode("site key")]]),
      params: new Map(),
      tables: new Map([["subjects.csv", new Map([["PID12345", "SUBJ-001"]])]]),
    });

  it("applies set, lookup, shift, coarsen and replace, and records each with its rule", () => {
    const result = executor().process(input("OT"), "a.dcm");
    expect(result.record.outcome).toBe("written");
    const values = topLevelTexts(readPart10(result.output!));
    expect(values.get(0x00100010)).toMatch(/^ANON\^[A-Z2-7]{6}$/);
    expect(values.get(0x00100020)).toBe("SUBJ-001");
    expect(values.get(0x00080020)).toBe("20191223");
    expect(values.get(0x00100030)).toBe("19700101");
    expect(values.get(0x00081030)).toBe("Scan # of the day");
    expect(values.get(0x00101000)).toBe("SUBJ-001");
    expect(result.record.newPatientId).toBe("SUBJ-001");
    const actions = new Map(result.record.touched.map((t) => [t.path, t]));
    expect(actions.get("(0010,0010)")?.action).toBe("set");
    expect(actions.get("(0010,0020)")?.action).toBe("lookup");
    expect(actions.get("(0008,0020)")?.action).toBe("shift");
    expect(actions.get("(0010,0030)")?.action).toBe("coarsen");
    expect(actions.get("(0008,1030)")?.action).toBe("replace");
    expect(actions.get("(0010,0010)")?.rule?.file).toMatch(/site\.deid$/);
  });

  it("applies the `else` action on a lookup miss and records it as lookup-miss/<action>", () => {
    const result = executor().process(input("OT", "NOT-LISTED"), "b.dcm");
    const values = topLevelTexts(readPart10(result.output!));
    expect(values.get(0x00100020)).toMatch(/^UNLISTED-[A-Z2-7]{4}$/);
    expect(values.has(0x00101000)).toBe(false);
    const actions = new Map(result.record.touched.map((t) => [t.path, t.action]));
    expect(actions.get("(0010,0020)")).toBe("lookup-miss/set");
    expect(actions.get("(0010,1000)")).toBe("lookup-miss/X");
  });

  it("rejects and quarantines before any element is touched, with the filter's reason and rule", () => {
    for (const [modality, outcome, reason] of [
      ["XX", "rejected", "no XX here"],
      ["YY", "quarantined", "YY needs a look"],
    ] as const) {
      const result = executor().process(input(modality), "c.dcm");
      expect(result.output).toBeNull();
      expect(result.record.outcome).toBe(outcome);
      expect(result.record.reason).toBe(reason);
      expect(result.record.rule?.file).toMatch(/site\.deid$/);
      expect(result.record.touched).toEqual([]);
    }
  });

  it("fails an object whose SOP Class UID is not a UID, with a reason that does not quote it", () => {
    const input = buildPart10(object("1.2.3.21").map((e) => (e.tag === 0x00080016 ? text(0x00080016, "UI", "1.2.840.x0008") : e)), undefined, { sopClass: SC });
    const result = executorFor(compile("ps315.basic")).process(input, "e.dcm");
    expect(result.record.outcome).toBe("failed");
    expect(result.record.reason).toMatch(/^the SOP Class UID \(from the dataset\) is not a valid UID/);
    expect(result.record.reason).not.toContain("x0008");
  });

  it("never throws on bad input: outcome failed, with the reader's message and offset", () => {
    const result = executorFor(compile("ps315.basic")).process(new TextEncoder().encode("not a DICOM file at all, just text"), "d.dcm");
    expect(result.record.outcome).toBe("failed");
    expect(result.record.reason).toMatch(/^not a DICOM file/);
    expect(result.output).toBeNull();
  });
});
