// `deidc import deid` on pydicom/deid recipes written here in deid's
// documented format: header actions folded in order, field expanders
// expanded against the dictionary, filters turned into `reject` and
// `pixels`, and run-time values and defaults made explicit.

import { describe, expect, it } from "vitest";
import { importProfile } from "../../src/import";
import { ImportCode } from "../../src/import/codes";
import { actionOf, expectCanonicalAndClean, explainImported, findingsOf, importedText, importText, ruleLines } from "./helpers";

function recipe(lines: readonly string[]): string {
  return lines.join("\n") + "\n";
}

describe("deidc import deid: header actions", () => {
  const source = recipe([
    /* 1 */ "FORMAT dicom",
    /* 2 */ "",
    /* 3 */ "%header",
    /* 4 */ "# what the site releases",
    /* 5 */ "ADD PatientIdentityRemoved YES",
    /* 6 */ "REPLACE PatientName ANONYMOUS",
    /* 7 */ "BLANK AccessionNumber",
    /* 8 */ "KEEP Modality",
    /* 9 */ "REMOVE ReferringPhysicianName",
    /* 10 */ "JITTER StudyDate 31",
    /* 11 */ "REPLACE PatientID var:id",
    /* 12 */ "REPLACE StudyInstanceUID func:generate_uid",
    /* 13 */ "REMOVE Modality",
    /* 14 */ "JITTER SeriesDate -7",
    /* 15 */ "REPLACE SeriesDate 20200101",
  ]);
  const result = importText("deid", source);
  const text = importedText(result);

  it("writes one rule per field, with the lines that decided it", () => {
    expect(ruleLines(text)).toEqual([
      'PatientName -> "ANONYMOUS"',
      "AccessionNumber -> empty",
      "ReferringPhysicianName -> remove",
      "StudyDate -> shift(31)",
      'PatientID -> keep because "deid REPLACE var:id: the value is given at run time; without it deid leaves the field unchanged"',
      'StudyInstanceUID -> keep because "deid REPLACE func:generate_uid: the value is given at run time; without it deid leaves the field unchanged"',
      // KEEP protects Modality from the REMOVE at line 13; the rule stands at the last line that names it.
      'Modality -> keep because "deid KEEP (deid:8)"',
      'SeriesDate -> "20200101"',
      'private * -> keep because "deid default: private tags kept"',
      '* -> keep because "deid keeps the fields no action names"',
    ]);
    expect(text).toContain("// what the site releases\n");
    expect(text).toContain("// deid:5 ADD PatientIdentityRemoved YES: written by deidc itself\n");
    expect(text).toContain('PatientName -> "ANONYMOUS" // deid:6\n');
    expect(text).toContain('SeriesDate -> "20200101" // deid:14, 15\n');
    expect(text).toContain('Modality -> keep because "deid KEEP (deid:8)" // deid:8, 13\n');
  });

  it("is canonical and lint-clean, and explains to the expected actions", () => {
    expectCanonicalAndClean(text);
    const rows = explainImported(text);
    expect(actionOf(rows, "PatientName")).toBe('"ANONYMOUS"');
    expect(actionOf(rows, "AccessionNumber")).toBe("Z");
    expect(actionOf(rows, "Modality")).toBe("K");
    expect(actionOf(rows, "ReferringPhysicianName")).toBe("X");
    expect(actionOf(rows, "StudyDate")).toBe("shift(31)");
    expect(actionOf(rows, "PatientID")).toBe("K");
    expect(actionOf(rows, "private *")).toBe("K");
  });

  it("reports run-time values, the markers deidc writes, and the unsafe private default", () => {
    expect(findingsOf(result, ImportCode.runtimeValue).map((f) => [f.line, f.severity])).toEqual([
      [11, "warning"],
      [12, "warning"],
    ]);
    expect(findingsOf(result, ImportCode.writtenByDeidc).map((f) => f.line)).toEqual([5]);
    expect(findingsOf(result, ImportCode.privateKept).map((f) => [f.line, f.severity])).toEqual([[1, "warning"]]);
  });
});

describe("deidc import deid: field expanders", () => {
  const source = recipe([
    /* 1 */ "FORMAT dicom",
    /* 2 */ "%header",
    /* 3 */ "BLANK contains:Physician",
    /* 4 */ "JITTER endswith:Date 10",
    /* 5 */ "REMOVE startswith:PatientAddress",
    /* 6 */ "BLANK select:VR:PN",
    /* 7 */ "REMOVE select:group:0032",
    /* 8 */ "REPLACE OperatorsName NOBODY",
  ]);
  const result = importText("deid", source);
  const text = importedText(result);

  it("expands contains:, startswith: and endswith: into keyword rules, with a superset finding each", () => {
    const rules = ruleLines(text);
    expect(rules).toEqual(expect.arrayContaining(["ReferringPhysicianAddress -> empty", "InstanceCreationDate -> shift(10)", "PatientAddress -> remove"]));
    // endswith:Date is matched case-insensitively, as deid does, and only dates move.
    expect(rules.filter((r) => r.endsWith("-> shift(10)")).length).toBeGreaterThan(40);
    expect(rules.some((r) => /^StudyTime ->/.test(r))).toBe(false);
    expect(findingsOf(result, ImportCode.expanderSuperset).map((f) => [f.line, f.severity])).toEqual([
      [3, "info"],
      [4, "info"],
      [5, "info"],
    ]);
  });

  it("turns select: into `vr` and group-range rules, and folds overlaps in recipe order", () => {
    const rules = ruleLines(text);
    expect(rules).toEqual(expect.arrayContaining(["vr PN -> empty", "(0032,0000)..(0032,FFFF) -> remove"]));
    // RequestingPhysician (0032,1032) is a PN in group 0032: blanked at line 6, then removed at line 7.
    expect(rules).toContain("RequestingPhysician -> remove");
    // OperatorsName is a PN blanked at line 6, then replaced at line 8.
    expect(rules).toContain('OperatorsName -> "NOBODY"');
    // ReferringPhysicianName: blanked by the expander and by vr PN: one rule.
    expect(rules.filter((r) => r.startsWith("ReferringPhysicianName ->"))).toEqual(["ReferringPhysicianName -> empty"]);
  });

  it("is canonical and lint-clean, and explains each field as deid leaves it", () => {
    expectCanonicalAndClean(text);
    const rows = explainImported(text);
    // PatientName has no rule of its own: `vr PN` decides it, as BLANK select:VR:PN did in deid.
    expect(actionOf(rows, "PatientName")).toBeUndefined();
    expect(actionOf(rows, "RequestingPhysician")).toBe("X");
    expect(actionOf(rows, "OperatorsName")).toBe('"NOBODY"');
    expect(actionOf(rows, "StudyDate")).toBe("shift(10)");
    expect(actionOf(rows, "vr PN")).toBe("Z");
  });
});

describe("deidc import deid: REMOVE ALL, KEEP, ADD and except:", () => {
  const source = recipe([
    /* 1 */ "FORMAT dicom",
    /* 2 */ "%fields patient_info",
    /* 3 */ "FIELD PatientID",
    /* 4 */ "FIELD startswith:OtherPatient",
    /* 5 */ "%header",
    /* 6 */ "REMOVE ALL",
    /* 7 */ "KEEP Rows",
    /* 8 */ "KEEP contains:Modality",
    /* 9 */ "ADD PatientName ANONYMOUS",
    /* 10 */ "BLANK except:StudyDate|StudyTime",
    /* 11 */ "REPLACE StudyInstanceUID deid_func:pydicom_uuid",
    /* 12 */ "REMOVE PatientSex YES",
    /* 13 */ "remove PatientAge",
    /* 14 */ "REMOVE values:names",
    /* 15 */ "BLANK fields:patient_info",
  ]);
  const result = importText("deid", source);
  const text = importedText(result);

  it("removes everything but the kept and protected fields, and re-adds only at the top level", () => {
    expect(ruleLines(text)).toEqual([
      'Rows -> keep because "deid KEEP (deid:7)"',
      "/PatientName -> empty",
      "StudyInstanceUID -> remove",
      "PatientID -> remove",
      "OtherPatientIDs -> remove",
      "OtherPatientNames -> remove",
      "OtherPatientIDsSequence -> remove",
      'PixelData -> keep because "deid never changes this protected field"',
      'RedPaletteColorLookupTableData -> keep because "deid never changes this protected field"',
      'GreenPaletteColorLookupTableData -> keep because "deid never changes this protected field"',
      'BluePaletteColorLookupTableData -> keep because "deid never changes this protected field"',
      'VOILUTSequence -> keep because "deid never changes this protected field"',
      'VOILUTSequence/LUTDescriptor -> keep because "deid never changes this protected field"',
      'VOILUTSequence/LUTExplanation -> keep because "deid never changes this protected field"',
      'VOILUTSequence/LUTData -> keep because "deid never changes this protected field"',
      "private * -> remove",
      "* -> remove",
    ]);
  });

  it("reports what deid does not do as written", () => {
    expect(findingsOf(result, ImportCode.noEffect).map((f) => f.line)).toEqual([8, 12]);
    expect(findingsOf(result, ImportCode.ignoredLine).map((f) => f.line)).toEqual([13]);
    expect(findingsOf(result, ImportCode.notExpressible).map((f) => f.line)).toEqual([14]);
    expect(findingsOf(result, ImportCode.cannotCreate).map((f) => f.line)).toEqual([9]);
    expect(findingsOf(result, ImportCode.keyedUid).map((f) => [f.line, f.severity])).toEqual([[11, "info"]]);
    expect(findingsOf(result, ImportCode.privateKept)).toEqual([]);
  });

  it("is canonical and lint-clean", () => {
    expectCanonicalAndClean(text);
    const rows = explainImported(text);
    expect(actionOf(rows, "*")).toBe("X");
    expect(actionOf(rows, "Rows")).toBe("K");
    expect(actionOf(rows, "PixelData")).toBe("K");
  });
});

describe("deidc import deid: filters", () => {
  const source = recipe([
    /* 1 */ "FORMAT dicom",
    /* 2 */ "%filter whitelist",
    /* 3 */ "LABEL Marked as Clean",
    /* 4 */ "  contains BurnedInAnnotation No",
    /* 5 */ "%filter graylist",
    /* 6 */ "LABEL US banner # (CTP)",
    /* 7 */ "  contains Modality US",
    /* 8 */ "  + equals Rows 600",
    /* 9 */ "  + notequals Columns 1024",
    /* 10 */ "  coordinates 0,0,800,56",
    /* 11 */ "  ctpcoordinates 700,560,100,40",
    /* 12 */ "  coordinates 350,0,162,30",
    /* 13 */ "%filter blacklist",
    /* 14 */ "LABEL Screen capture",
    /* 15 */ "  contains ImageType SAVE || equals BurnedInAnnotation YES",
    /* 16 */ "  + missing SecondaryCaptureDeviceManufacturer",
    /* 17 */ "  || present DateOfSecondaryCapture + empty ConversionType",
    /* 18 */ "LABEL Typo",
    /* 19 */ "  contains Manfacturer ADAC",
    /* 20 */ "%header",
    /* 21 */ "REMOVE ALL",
  ]);
  const result = importText("deid", source);
  const text = importedText(result);

  it("turns a label with coordinates into a pixels block", () => {
    expect(text).toContain(
      [
        'pixels when (lower(Modality) ~ /us/ and lower(Rows) == "600") and lower(Columns) != "1024" because "US banner" { // deid:6',
        "  blank (0, 0, 800, 56)",
        "  blank (700, 560, 100, 40)",
        "}",
      ].join("\n"),
    );
    // xmax < xmin: deid blanks nothing, and the import says so.
    expect(findingsOf(result, ImportCode.notExpressible).map((f) => f.line)).toEqual([12]);
  });

  it("turns a blacklist label into a reject, folding the criteria left to right as deid does", () => {
    expect(text).toContain(
      'reject when ((lower(ImageType) ~ /save/ or lower(BurnedInAnnotation) == "yes") and not exists(SecondaryCaptureDeviceManufacturer)) or (exists(DateOfSecondaryCapture) and (exists(ConversionType) and empty(ConversionType))) because "Screen capture" // deid:14\n',
    );
  });

  it("notes a whitelist label, and a label that can never match", () => {
    expect(text).toContain("// deid:3 whitelist label Marked as Clean, not imported (it only flags objects):\n//   when lower(BurnedInAnnotation) ~ /no/\n");
    expect(findingsOf(result, ImportCode.filterNotImported).map((f) => [f.line, f.severity])).toEqual([[3, "info"]]);
    expect(findingsOf(result, ImportCode.unknownAttribute).map((f) => f.line)).toEqual([19]);
    expect(findingsOf(result, ImportCode.noEffect).map((f) => f.line)).toEqual([18]);
    expect(text).not.toContain("Manfacturer");
  });

  it("is canonical and lint-clean", () => {
    expectCanonicalAndClean(text);
  });
});

describe("deidc import deid: sources it cannot import", () => {
  it("refuses a recipe for another format", () => {
    const result = importText("deid", "FORMAT nifti\n%header\nREMOVE ALL\n");
    expect(result.text).toBeNull();
    expect(findingsOf(result, ImportCode.unreadableSource).map((f) => [f.line, f.severity])).toEqual([[1, "error"]]);
  });

  it("ignores, as deid does, lines it does not recognise, and says so", () => {
    const result = importText("deid", "FORMAT dicom\nREMOVE PatientName\n%header\nFROB PatientName\n");
    expect(findingsOf(result, ImportCode.ignoredLine).map((f) => f.line)).toEqual([2, 4]);
    expectCanonicalAndClean(importedText(result));
  });
});

describe("deidc import deid: several recipes", () => {
  it("combines them as deid does, header actions in order, each rule citing its file and line", () => {
    const result = importProfile("deid", [
      { path: "base.recipe", text: recipe(["FORMAT dicom", "%header", "BLANK PatientName", "REMOVE AccessionNumber"]) },
      { path: "site.recipe", text: recipe(["FORMAT dicom", "%header", "REPLACE PatientName SUBJECT", "REMOVE ALL"]) },
    ]);
    const text = importedText(result);
    expect(text).toContain('profile imported.base "Imported from base.recipe, site.recipe"\n');
    expect(text).toContain("PatientName -> remove // deid:base.recipe:3, site.recipe:3, site.recipe:4\n");
    expect(text).toContain("AccessionNumber -> remove // deid:base.recipe:4\n");
    expect(text).toContain("* -> remove // deid:site.recipe:4\n");
    expectCanonicalAndClean(text);
  });
});

describe("deidc import deid: deid's own functions and the other spellings", () => {
  const source = recipe([
    /* 1 */ "FORMAT dicom",
    /* 2 */ "%filter blacklist",
    /* 3 */ "LABEL Not a clean series",
    /* 4 */ "  notcontains SeriesDescription clean",
    /* 5 */ "%header",
    /* 6 */ "REPLACE StudyDate deid_func:jitter days=3 years=1",
    /* 7 */ "REPLACE StudyInstanceUID deid_func:pydicom_uuid",
    /* 8 */ "BLANK allfields",
  ]);
  const result = importText("deid", source);
  const text = importedText(result);

  it("reads deid_func:jitter as a shift, a uuid function as U, and allfields as ALL", () => {
    expect(ruleLines(text).filter((r) => !r.includes("protected field"))).toEqual([
      'reject when lower(SeriesDescription) !~ /clean/ because "Not a clean series"',
      "StudyDate -> empty",
      "StudyInstanceUID -> empty",
      "private * -> empty",
      "* -> empty",
    ]);
    expect(text).toContain("StudyDate -> empty // deid:6, 8\n");
    expect(findingsOf(result, ImportCode.keyedUid).map((f) => f.line)).toEqual([7]);
    expectCanonicalAndClean(text);
  });

  it("shifts and replaces UIDs when nothing blanks them afterwards", () => {
    const shifted = importedText(importText("deid", recipe(["FORMAT dicom", "%header", "REPLACE StudyDate deid_func:jitter days=3 years=1", "REPLACE StudyInstanceUID deid_func:pydicom_uuid"])));
    expect(ruleLines(shifted)).toEqual(expect.arrayContaining(["StudyDate -> shift(368)", "StudyInstanceUID -> U"]));
    expectCanonicalAndClean(shifted);
  });
});

describe("deidc import deid: keep regions, whole images and ultrasound regions", () => {
  const recipe = [
    "FORMAT dicom",
    "%filter graylist",
    "LABEL Keep the middle",
    "  contains Modality US",
    "  keepcoordinates 10,20,110,220",
    "LABEL Whole image",
    "  contains ImageType SCREEN",
    "  coordinates all",
    "LABEL Clean Ultrasound Regions",
    "  present SequenceOfUltrasoundRegions",
    "  keepcoordinates from:SequenceOfUltrasoundRegions",
    "",
  ].join("\n");
  const text = importedText(importText("deid", recipe));

  it("writes keep, blank all and the ultrasound regions", () => {
    expectCanonicalAndClean(text);
    expect(text).toContain('because "Keep the middle" { // deid:3\n  keep (10, 20, 100, 200)\n}\n');
    expect(text).toContain('because "Whole image" { // deid:6\n  blank all\n}\n');
    expect(text).toContain('pixels when exists(SequenceOfUltrasoundRegions) because "Clean Ultrasound Regions" { // deid:9\n  keep ultrasound regions\n}\n');
  });
});
