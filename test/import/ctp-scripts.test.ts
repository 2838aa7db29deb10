// CTP's other scripts: the DicomFilter script (one match expression) and the
// DicomPixelAnonymizer script (signatures and regions), imported next to or
// without an anonymizer script.

import { describe, expect, it } from "vitest";
import { ImportCode } from "../../src/import/codes";
import { translateMatch } from "../../src/import/ctp/match";
import { importProfile } from "../../src/import";
import { expectCanonicalAndClean, findingsOf, importedText } from "./helpers";

describe("CTP match expressions", () => {
  const cases: [string, string][] = [
    ['Modality.equals("CT")', 'Modality == "CT"'],
    ['!ImageType.contains("SCREEN")', "not (ImageType ~ /SCREEN/)"],
    ['Modality.equals("CT") * !ImageType.contains("SCREEN")', 'Modality == "CT" and not (ImageType ~ /SCREEN/)'],
    ['Modality.equals("CT") + Modality.equals("MR") * Rows.equals("512")', 'Modality == "CT" or (Modality == "MR" and Rows == 512)'],
    ['(Modality.equals("CT") + Modality.equals("MR")) * [0008,0070].startsWith("GE")', '(Modality == "CT" or Modality == "MR") and Manufacturer ~ /^GE/'],
    ['SeriesDescription.endsWithIgnoreCase("Report")', "lower(SeriesDescription) ~ /report$/"],
    ['StudyDescription.equalsIgnoreCase("Head")', 'lower(StudyDescription) == "head"'],
    ['PatientName.matches("[A-Z]+\\\\^.*")', "PatientName ~ /^(?:[A-Z]+\\^.*)$/"],
    ['[0018,1016].equals("")', "empty(SecondaryCaptureDeviceManufacturer)"],
    ["", "true"],
    ['// screen captures only\nImageType.containsIgnoreCase("derived")', "lower(ImageType) ~ /derived/"],
  ];
  for (const [ctp, deid] of cases) {
    it(`reads ${JSON.stringify(ctp)}`, () => {
      expect(translateMatch(ctp)).toEqual({ ok: true, expr: deid });
    });
  }

  it("names what it cannot read", () => {
    expect(translateMatch('[0009,1001].equals("x")')).toMatchObject({ ok: false, reason: "`[0009,1001]` is a private element, which a deidc condition cannot read" });
    expect(translateMatch('Modality.isLessThan("x")')).toMatchObject({ ok: false });
    expect(translateMatch('Modality.equals("CT") *')).toMatchObject({ ok: false, reason: "the expression ends where a term is expected" });
  });
});

describe("CTP DicomFilter and DicomPixelAnonymizer scripts", () => {
  const FILTER = ['// keep original CT and MR only', '(Modality.equals("CT") + Modality.equals("MR")) *', '!ImageType.contains("SECONDARY")', ""].join("\n");
  const PIXELS = [
    "Burned-in annotations",
    "",
    "GE Logiq",
    '  { ManufacturerModelName.containsIgnoreCase("LOGIQ9") }',
    "  (0,0,640,40)",
    "",
    '  { ManufacturerModelName.containsIgnoreCase("LOGIQE9") * Rows.equals("720") }',
    "  (0,0,960,70) (10,700,100,20)",
    "",
    "Private",
    '  { [0009,1001].equals("x") }',
    "  (0,0,10,10)",
    "",
    "Bad region",
    '  { Modality.equals("US") }',
    "  (0,0,w,10)",
    "",
  ].join("\n");
  const result = importProfile("ctp", [
    { path: "DicomFilter.script", text: FILTER },
    { path: "DicomPixelAnonymizer.script", text: PIXELS },
  ]);
  const text = importedText(result);

  it("brackets `*` inside `+`, so the generated condition lints clean (DEID3028)", () => {
    const mixed = importedText(importProfile("ctp", [{ path: "DicomFilter.script", text: 'Modality.equals("CT") + Modality.equals("MR") * Rows.equals("512")\n' }]));
    expectCanonicalAndClean(mixed);
    expect(mixed).toContain('quarantine when not (Modality == "CT" or (Modality == "MR" and Rows == 512)) because');
  });

  it("keeps the scripts' comments and notes", () => {
    expect(text).toContain("// keep original CT and MR only\n");
    expect(text).toContain("// Burned-in annotations\n");
  });

  it("writes the filter as a quarantine of what does not match, and the signatures as pixel blocks, the first that holds applying", () => {
    expectCanonicalAndClean(text);
    expect(text).toContain(
      'quarantine when not ((Modality == "CT" or Modality == "MR") and not (ImageType ~ /SECONDARY/)) because "CTP DicomFilter (DicomFilter.script): the object does not match the filter" // ctp:DicomFilter.script:2\n',
    );
    expect(text).toContain("pixels apply first\n");
    expect(text).toContain('pixels when lower(ManufacturerModelName) ~ /logiq9/ because "GE Logiq" { // ctp:DicomPixelAnonymizer.script:4\n  blank (0, 0, 640, 40)\n}\n');
    expect(text).toContain(
      'pixels when lower(ManufacturerModelName) ~ /logiqe9/ and Rows == 720 because "GE Logiq" { // ctp:DicomPixelAnonymizer.script:7\n  blank (0, 0, 960, 70)\n  blank (10, 700, 100, 20)\n}\n',
    );
  });

  it("says which signatures and regions it could not import, on their lines", () => {
    expect(findingsOf(result, ImportCode.notExpressible).map((f) => f.line)).toEqual([11]);
    expect(findingsOf(result, ImportCode.ignoredLine).map((f) => [f.line, f.message])).toEqual([
      [15, "the region `(0,0,w,10)` is not four whole numbers x, y, width, height, so CTP does not blank it, and neither does the import"],
    ]);
    expect(text).toContain("// ctp:DicomPixelAnonymizer.script:11 not imported (the condition cannot be written): Private\n");
  });
});
