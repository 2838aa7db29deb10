// The language extensions of LANGUAGE.md requirement 10, part A (functions,
// `root.`, conditional blocks, create/append, lookup `else quarantine`,
// selectors), run on corpus files. Every profile runs through createExecutor
// and through its generated plan module; the two must agree byte for byte.

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileProfile } from "../../src/compile";
import type { IrProgram } from "../../src/ir/types";
import { createExecutor } from "../../src/runtime/executor";
import type { ExecutorEnvironment, ObjectResult } from "../../src/runtime/executor/types";
import { readPart10, TokenKind, openCursor } from "../../src/runtime/dicom";
import { evaluateGenerated, expectSameResult } from "../codegen/helpers";
import { CORPUS_DIR, warnIfNoCorpus } from "../support/corpus";
import { topLevelTexts, walk } from "./helpers";

warnIfNoCorpus("executor/language-extensions");

const KEY = new TextEncoder().encode("language extensions test key");
const dir = mkdtempSync(join(tmpdir(), "deidc-lang-"));
let count = 0;

function compileText(text: string): IrProgram {
  const path = join(dir, `p${count++}.deid`);
  writeFileSync(path, text);
  const result = compileProfile(path);
  if (!result.ir) throw new Error(`does not compile: ${result.diagnostics.map((d) => `${d.code} ${d.message}`).join("; ")}\n${text}`);
  return result.ir;
}

function corpusBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(CORPUS_DIR!, name)));
}

/** Runs `text` on a corpus file through the interpreter and the generated plan; returns the (common) result. */
function runBoth(text: string, file: string, env: Partial<ExecutorEnvironment> = {}): ObjectResult {
  const ir = compileText(text);
  const environment: ExecutorEnvironment = { secrets: new Map([["key", KEY]]), params: new Map(), tables: new Map(), ...env };
  const bytes = corpusBytes(file);
  const interpreted = createExecutor(ir, environment).process(bytes, file);
  const generated = evaluateGenerated(ir).createProcessor(environment).process(bytes, file);
  expectSameResult(generated, interpreted, `${file}\n${text}`);
  return interpreted;
}

function texts(result: ObjectResult): Map<number, string> {
  expect(result.record.outcome, result.record.reason).toBe("written");
  return topLevelTexts(readPart10(result.output!));
}

/** Text values of `tag` at every depth, in file order. */
function allTexts(result: ObjectResult, tag: number): { depth: number; text: string }[] {
  const out: { depth: number; text: string }[] = [];
  const c = openCursor(readPart10(result.output!));
  while (c.next()) if (c.kind === TokenKind.Element && c.tag === tag) out.push({ depth: c.depth, text: c.readText() });
  return out;
}

const CT = "pydicom-debian/CT_small.dcm";
const HEADER = 'deid 1\n\nprofile t.lang "language extensions"\n\nsecret key from env DEID_KEY\n\n';

describe.skipIf(!CORPUS_DIR)("value and condition functions on CT_small", () => {
  it("truncate, initials, format, capAge, ageBand", () => {
    const before = topLevelTexts(readPart10(corpusBytes(CT)));
    expect(before.get(0x00100010)).toBe("CompressedSamples^CT1");
    const result = runBoth(
      HEADER +
        "/PatientName -> initials(value)\n" +
        "/PatientID -> truncate(value, 3)\n" +
        'StudyDescription -> format("{}/{}", Modality, root.PatientSex)\n' +
        "PatientAge -> capAge(\"093Y\", 89)\n" +
        'InstitutionName -> ageBand("047Y", 5)\n',
      CT,
    );
    const after = texts(result);
    expect(after.get(0x00100010)).toBe("CC");
    expect(after.get(0x00100020)).toBe("1CT");
    expect(after.get(0x00081030)).toBe("CT/O");
    expect(after.get(0x00101010)).toBe("090Y");
    expect(after.get(0x00080080)).toBe("045Y");
  });

  it("startsWith, endsWith, includes, matches, equalsIgnoreCase decide conditions", () => {
    const result = runBoth(
      HEADER +
        'StudyDescription -> "starts" when startsWith(Manufacturer, "GE ")\n' +
        'InstitutionName -> "ends" when endsWith(Manufacturer, "SYSTEMS") and not endsWith(Manufacturer, "GE")\n' +
        'StationName -> "never" when includes(Manufacturer, "SIEMENS")\n' +
        'ManufacturerModelName -> "whole" when matches(Modality, /C./) and not matches(Manufacturer, /GE/)\n' +
        'PatientName -> "ci" when equalsIgnoreCase(Modality, "ct")\n' +
        'PatientID -> "partial" when Manufacturer ~ /GE/ and not matches(Manufacturer, /MEDICAL/)\n',
      CT,
    );
    const after = texts(result);
    expect(after.get(0x00081030)).toBe("starts");
    expect(after.get(0x00080080)).toBe("ends");
    expect(after.get(0x00081090)).toBe("whole");
    expect(after.get(0x00100010)).toBe("ci");
    expect(after.get(0x00100020)).toBe("partial");
  });

  it("root.X reads the top-level dataset from inside a sequence item", () => {
    // OtherPatientIDsSequence holds two items with their own PatientID.
    const result = runBoth(HEADER + 'OtherPatientIDsSequence/PatientID -> "of " + root.PatientID\n/PatientID -> keep because "test"\n', CT);
    const ids = allTexts(result, 0x00100020);
    expect(ids).toEqual([
      { depth: 0, text: "1CT1" },
      { depth: 1, text: "of 1CT1" },
      { depth: 1, text: "of 1CT1" },
    ]);
  });
});

describe.skipIf(!CORPUS_DIR)("tests on an absent attribute (CT_small has no ClinicalTrialSiteID)", () => {
  it("are false, except the negations != and !~, which hold (docs/language.md, Conditions)", () => {
    const holds = (condition: string): boolean => {
      const result = runBoth(HEADER + `StudyDescription -> "HELD" when ${condition}\n`, CT);
      return texts(result).get(0x00081030) === "HELD";
    };
    expect(holds('ClinicalTrialSiteID == "S1"')).toBe(false);
    expect(holds('ClinicalTrialSiteID < "S1"')).toBe(false);
    expect(holds('ClinicalTrialSiteID in ["S1"]')).toBe(false);
    expect(holds('ClinicalTrialSiteID ~ /S/')).toBe(false);
    expect(holds('ClinicalTrialSiteID != "S1"')).toBe(true);
    expect(holds("ClinicalTrialSiteID !~ /S/")).toBe(true);
    expect(holds('not (ClinicalTrialSiteID == "S1")')).toBe(true);
    expect(holds('exists(ClinicalTrialSiteID) and ClinicalTrialSiteID != "S1"')).toBe(false);
  });
});

describe.skipIf(!CORPUS_DIR)("conditional blocks on CT_small", () => {
  it("a statement inside applies only when the block's and its own conditions hold", () => {
    const result = runBoth(
      HEADER +
        'when Modality == "CT" {\n' +
        '  StudyDescription -> "in CT block"\n' +
        '  when startsWith(Manufacturer, "GE") {\n' +
        '    InstitutionName -> "GE and CT" when exists(StationName) or Rows > 1\n' +
        '    StationName -> "never" when Rows > 100000\n' +
        "  }\n" +
        "}\n" +
        'when Modality == "MR" {\n' +
        '  PatientName -> "MR only"\n' +
        '  reject because "MR is not part of this release"\n' +
        "}\n",
      CT,
    );
    const after = texts(result);
    expect(after.get(0x00081030)).toBe("in CT block");
    expect(after.get(0x00080080)).toBe("GE and CT");
    expect(after.get(0x00100010)).toBe("CompressedSamples^CT1");
  });

  it("a filter inside a block fires only when the block's condition holds", () => {
    const rejected = runBoth(HEADER + 'when Modality == "CT" {\n  reject when Rows > 1 because "CT is not part of this release"\n}\n', CT);
    expect(rejected.record).toMatchObject({ outcome: "rejected", reason: "CT is not part of this release" });
  });
});

describe.skipIf(!CORPUS_DIR)("create, append and lookup else quarantine on CT_small", () => {
  it("create adds an absent top-level attribute, and sets a present one", () => {
    const before = topLevelTexts(readPart10(corpusBytes(CT)));
    expect(before.has(0x00120030)).toBe(false);
    expect(before.has(0x00120020)).toBe(false);
    const result = runBoth(
      HEADER +
        'ClinicalTrialSiteID -> create "S01"\n' +
        'ClinicalTrialProtocolID -> create "never" when Modality == "MR"\n' +
        '/ClinicalTrialSponsorName -> create format("{}-{}", "SPONSOR", Modality)\n' +
        '/PatientID -> create "P-" + truncate(value, 2)\n',
      CT,
    );
    const after = texts(result);
    expect(after.get(0x00120030)).toBe("S01");
    expect(after.has(0x00120020)).toBe(false);
    expect(after.get(0x00120010)).toBe("SPONSOR-CT");
    expect(after.get(0x00100020)).toBe("P-1C");
    const created = result.record.touched.filter((t) => t.action === "create").map((t) => t.path);
    expect(created).toEqual(["(0012,0010)", "(0012,0030)"]);
    expect(result.record.touched.find((t) => t.path === "(0012,0030)")?.rule?.line).toBe(7);
  });

  it("a later rule that decides the attribute first keeps create from adding it", () => {
    const result = runBoth(HEADER + 'ClinicalTrialSiteID -> create "S01" when Modality == "CT"\nClinicalTrialSiteID -> X when Rows > 1\n', CT);
    expect(texts(result).get(0x00120030)).toBe("S01");
    const blocked = runBoth(HEADER + 'ClinicalTrialSiteID -> X when Rows > 1\nClinicalTrialSiteID -> create "S01" when Modality == "CT"\n', CT);
    expect(texts(blocked).has(0x00120030)).toBe(false);
  });

  it("append adds a value to a multi-valued attribute", () => {
    const result = runBoth(HEADER + 'ImageType -> append "DERIVED"\nOtherPatientIDsSequence/PatientID -> keep because "test"\n', CT);
    expect(texts(result).get(0x00080008)).toBe("ORIGINAL\\PRIMARY\\AXIAL\\DERIVED");
    expect(result.record.touched.find((t) => t.path === "(0008,0008)")?.action).toBe("append");
  });

  it("a lookup miss with else quarantine quarantines the object without naming the key", () => {
    const text = HEADER + '/PatientID -> lookup("ids.csv", PatientID, Modality) else quarantine\n';
    const hit = runBoth(text, CT, { tables: new Map([["ids.csv", new Map([["1CT1\u0000CT", "SUBJ-01"]])]]) });
    expect(texts(hit).get(0x00100020)).toBe("SUBJ-01");
    const miss = runBoth(text, CT, { tables: new Map([["ids.csv", new Map([["1CT1\u0000MR", "SUBJ-01"]])]]) });
    expect(miss.output).toBeNull();
    expect(miss.record).toMatchObject({ outcome: "quarantined", reason: "no entry in ids.csv for PatientID and Modality (the key of PatientID's lookup)", rule: { line: 7 }, touched: [] });
    expect(JSON.stringify(miss.record)).not.toContain("1CT1");
    // In an item, the attribute is named by its path; `PatientID` there reads the top-level dataset's, so it is the key.
    const nested = runBoth(HEADER + 'OtherPatientIDsSequence/PatientID -> lookup("ids.csv", PatientID) else quarantine\n', CT, { tables: new Map([["ids.csv", new Map()]]) });
    expect(nested.record.reason).toBe("no entry in ids.csv for PatientID (the key of (0010,1002)[0]/(0010,0020)'s lookup)");
    const ownItem = runBoth(HEADER + 'OtherPatientIDsSequence/PatientID -> lookup("ids.csv", value) else quarantine\n', CT, { tables: new Map([["ids.csv", new Map()]]) });
    expect(ownItem.record.reason).toBe("no entry in ids.csv for (0010,1002)[0]/(0010,0020)");
    // A key other than the element is named as the key, with the element it was for.
    const other = runBoth(HEADER + 'PatientName -> lookup("ids.csv", PatientID) else quarantine\n', CT, { tables: new Map([["ids.csv", new Map()]]) });
    expect(other.record.reason).toBe("no entry in ids.csv for PatientID (the key of PatientName's lookup)");
    const own = runBoth(HEADER + 'PatientID -> lookup("ids.csv", value) else quarantine\n', CT, { tables: new Map([["ids.csv", new Map()]]) });
    expect(own.record.reason).toBe("no entry in ids.csv for PatientID");
  });

  it("create lookup adds an absent attribute with the table's value, or on a miss with the else value", () => {
    const sites = new Map([["sites.csv", new Map([["1CT1", "S07"]])]]);
    const text = HEADER + 'ClinicalTrialSiteID -> create lookup("sites.csv", PatientID) else "99"\n/ClinicalTrialSubjectID -> create lookup("sites.csv", Modality) else remove\n';
    const hit = runBoth(text, CT, { tables: sites });
    expect(texts(hit).get(0x00120030)).toBe("S07");
    // a miss under `else remove` adds nothing
    expect(texts(hit).has(0x00120040)).toBe(false);
    expect(hit.record.touched.filter((t) => /^\(0012,00[34]/.test(t.path)).map((t) => [t.path, t.action, t.rule?.line])).toEqual([["(0012,0030)", "create", 7]]);
    const miss = runBoth(text, CT, { tables: new Map([["sites.csv", new Map()]]) });
    expect(texts(miss).get(0x00120030)).toBe("99");
    expect(miss.record.touched.find((t) => t.path === "(0012,0030)")?.action).toBe("lookup-miss/create");
    // a nested lookup's value, and a computed else value
    const nested = runBoth(HEADER + 'ClinicalTrialSiteID -> create lookup("a.csv", PatientID) else lookup("b.csv", Modality) else "S-" + Modality\n', CT, {
      tables: new Map([["a.csv", new Map()], ["b.csv", new Map([["CT", "S-CT-TABLE"]])]]),
    });
    expect(texts(nested).get(0x00120030)).toBe("S-CT-TABLE");
    const computed = runBoth(HEADER + 'ClinicalTrialSiteID -> create lookup("a.csv", PatientID) else lookup("b.csv", Modality) else "S-" + Modality\n', CT, {
      tables: new Map([["a.csv", new Map()], ["b.csv", new Map()]]),
    });
    expect(texts(computed).get(0x00120030)).toBe("S-CT");
  });

  it("create lookup on a present attribute is a lookup; its condition and an earlier rule decide as for create", () => {
    const tables = new Map([["ids.csv", new Map([["1CT1", "SUBJ-01"]])]]);
    const present = runBoth(HEADER + 'PatientID -> create lookup("ids.csv", PatientID) else "UNLISTED"\n', CT, { tables });
    expect(texts(present).get(0x00100020)).toBe("SUBJ-01");
    expect(present.record.touched.find((t) => t.path === "(0010,0020)")?.action).toBe("lookup");
    const notWhen = runBoth(HEADER + 'ClinicalTrialSiteID -> create lookup("ids.csv", PatientID) else "99" when Modality == "MR"\n', CT, { tables });
    expect(texts(notWhen).has(0x00120030)).toBe(false);
    const decidedFirst = runBoth(HEADER + 'ClinicalTrialSiteID -> X when Rows > 1\nClinicalTrialSiteID -> create lookup("ids.csv", PatientID) else "99" when Modality == "CT"\n', CT, { tables });
    expect(texts(decidedFirst).has(0x00120030)).toBe(false);
  });

  it("a create lookup miss with else quarantine quarantines the object before anything is written, naming the key", () => {
    const text = HEADER + 'ClinicalTrialSubjectID -> create lookup("subjects.csv", PatientID, IssuerOfPatientID) else quarantine\n';
    const miss = runBoth(text, CT, { tables: new Map([["subjects.csv", new Map()]]) });
    expect(miss.output).toBeNull();
    expect(miss.record).toMatchObject({ outcome: "quarantined", reason: "no entry in subjects.csv for PatientID and IssuerOfPatientID (the key of ClinicalTrialSubjectID's lookup)", rule: { line: 7 }, touched: [] });
    expect(JSON.stringify(miss.record)).not.toContain("1CT1");
    // CT_small has no Issuer of Patient ID: the key's second part is empty.
    const hit = runBoth(text, CT, { tables: new Map([["subjects.csv", new Map([["1CT1\u0000", "XYZ-0001"]])]]) });
    expect(texts(hit).get(0x00120040)).toBe("XYZ-0001");
  });
});

describe.skipIf(!CORPUS_DIR)("selectors", () => {
  it("@ and # match even and odd hex digits", () => {
    const result = runBoth(HEADER + "(0010,00@0) -> X\n(0010,10#x) -> X\n", CT);
    const after = texts(result);
    expect(after.has(0x00100020)).toBe(false); // PatientID: 2 is even
    expect(after.has(0x00100040)).toBe(false); // PatientSex: 4 is even
    expect(after.get(0x00100010)).toBe("CompressedSamples^CT1"); // 1 is odd
    expect(after.has(0x00101010)).toBe(false); // PatientAge (0010,1010): 1 is odd
    expect(allTexts(result, 0x00100020)).toEqual([]);
  });

  it("keyword /re/ selects every attribute whose keyword matches, at any depth", () => {
    const result = runBoth(HEADER + 'keyword /^Patient(Name|ID)$/ -> "K"\nkeyword /Date$/ -> X\n', CT);
    const after = texts(result);
    expect(after.get(0x00100010)).toBe("K");
    expect(allTexts(result, 0x00100020).map((t) => t.text)).toEqual(["K", "K", "K"]);
    expect(after.has(0x00080020)).toBe(false); // StudyDate
    expect(after.has(0x00100030)).toBe(false); // PatientBirthDate
  });

  it("/*/X is X exactly one level below the top", () => {
    const result = runBoth(HEADER + '/*/PatientID -> "one level"\n', CT);
    expect(allTexts(result, 0x00100020)).toEqual([
      { depth: 0, text: "1CT1" },
      { depth: 1, text: "one level" },
      { depth: 1, text: "one level" },
    ]);
  });

  it("ContentSequence/*/CodeMeaning is CodeMeaning in an item of any sequence inside a ContentSequence item", () => {
    const SR = "pydicom-debian/test-SR.dcm";
    const result = runBoth(HEADER + 'ContentSequence/*/CodeMeaning -> "M"\n', SR);
    const input = walk(readPart10(corpusBytes(SR))).filter((e) => e.tag === 0x00080104);
    const output = walk(readPart10(result.output!)).filter((e) => e.tag === 0x00080104);
    expect(output.map((e) => e.path)).toEqual(input.map((e) => e.path));
    let changed = 0;
    input.forEach((e, i) => {
      const steps = e.path.split("/");
      const expected = steps.length >= 3 && steps[steps.length - 3]!.startsWith("(0040,A730)") ? "M" : e.text;
      if (expected === "M") changed++;
      expect(output[i]!.text, e.path).toBe(expected);
    });
    expect(changed).toBeGreaterThan(0);
  });

  it("any where value == X removes the value wherever it was copied", () => {
    const result = runBoth(
      HEADER + 'any where value == PatientID -> remove because "the patient ID copied anywhere"\nany where value == "TEXT" -> "T"\nany where value == Modality and not matches(value, /M.*/) -> "was the modality"\n',
      CT,
    );
    expect(texts(result).get(0x00080060)).toBe("was the modality");
    const after = texts(result);
    expect(after.has(0x00100020)).toBe(false);
    expect(allTexts(result, 0x00100020).map((t) => t.text)).toEqual(["ABCD1234", "1234ABCD"]);
    expect(allTexts(result, 0x00100022).map((t) => t.text)).toEqual(["T", "T"]);
    expect(after.get(0x00100010)).toBe("CompressedSamples^CT1");
  });
});
