// `deidc import dicomedit`: DicomEdit 6 scripts written in the language's
// documented forms, imported into profiles whose rules, `explain` rows and
// findings say what DicomEdit does with each statement.

import { describe, expect, it } from "vitest";
import { ImportCode } from "../../src/import/codes";
import { LANGUAGE_FEATURES } from "../../src/import/features";
import { readDicomEditScript } from "../../src/import/dicomedit/script";
import { actionOf, explainImported, expectCanonicalAndClean, findingsOf, importedText, importText, ruleLines } from "./helpers";

const create = LANGUAGE_FEATURES.create ? "create " : "";

function dicomedit(text: string, path = "project.das") {
  return importText("dicomedit", text, path);
}

describe("DicomEdit 6 scripts: reading", () => {
  it("reads every statement form with its line", () => {
    const script = [
      'version "6.3"',
      "// a comment",
      'describe site "Site"',
      'prefix := "P"',
      '(0010,0010) := "A"',
      '(0010,0020) ?= "B"',
      "-(0010,1030)",
      "- (0019,{SIEMENS MR HEADER}XX)",
      '(0008,0060) = "MR" ? (0008,103E) := "X" : -(0008,103E)',
      'if ((0008,0070) ~ "GE.*") {',
      "  -(0008,0080)",
      '} elseif ((0008,0070) != "X") {',
      "  -(0008,0081)",
      "} else {",
      "  -(0008,0090)",
      "}",
      "echo \"x\"",
      'export site "project"',
      "removeAllPrivateTags",
      'retainPrivateTags["(0019,{SIEMENS MR HEADER}0F)"]',
      "*/(0008,0090) := lowercase[(0008,0090)]",
      "(0008,1115)[0]/(0008,1150) := new UID",
      "(0008,1115)[%]/(0008,1155) := hashUID[(0008,1155)]",
    ].join("\n");
    const read = readDicomEditScript(script, (o) => script.slice(0, o).split("\n").length);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.statements.map((s) => [s.kind, s.line])).toEqual([
      ["version", 1],
      ["comment", 2],
      ["describe", 3],
      ["variable", 4],
      ["assign", 5],
      ["assign", 6],
      ["delete", 7],
      ["delete", 8],
      ["conditional", 9],
      ["conditional", 10],
      ["echo", 17],
      ["export", 18],
      ["removeAllPrivateTags", 19],
      ["procedure", 20],
      ["assign", 21],
      ["assign", 22],
      ["assign", 23],
    ]);
    const ifElse = read.statements[9]!;
    expect(ifElse.kind === "conditional" && ifElse.branches.map((b) => [b.condition?.op ?? null, b.body.length])).toEqual([
      ["~", 1],
      ["!=", 1],
      [null, 1],
    ]);
  });

  it("rejects a script that is not DicomEdit 6, naming the line", () => {
    const result = dicomedit('version "6.3"\n(0010,0010) := \n');
    expect(result.text).toBeNull();
    expect(findingsOf(result, ImportCode.unreadableSource)).toEqual([
      { line: 2, message: "not a DicomEdit 6 script: expected a value (a string, a number, a tag path, a variable or a function), found the end of the line", severity: "error" },
    ]);
  });
});

describe("DicomEdit 6 scripts: what each statement imports as", () => {
  const SCRIPT = `version "6.3"
// ACME project: names replaced, dates moved
site := "ACME"
(0010,0010) := format["{0}-{1}", site, (0010,0020)]
(0010,0020) ?= "SUBJ"
-(0010,1040)
-(0010,1030)
(0010,1030) := "70"
(0008,0060) = "MR" ? (0008,103E) := "MR SERIES" : -(0008,103E)
if ((0008,0070) ~ "GE.*") {
  (0008,0080) := "GE SITE"
} elseif ((0008,0070) = "SIEMENS") {
  (0008,0080) := "SIEMENS SITE"
} else {
  -(0008,0080)
}
(0020,000D) := hashUID[(0020,000D)]
(0008,0020) := shiftDateByIncrement[(0008,0020), "-30"]
(0008,0021) := shiftDateTimeByIncrement[(0008,0021), "-2592000"]
(0008,1030) := uppercase[(0008,1030)]
(0008,0050) := replace[(0008,0050), "-", "_"]
*/(0008,0090) := "PHYSICIAN"
-(0009,XXXX)
removeAllPrivateTags
retainPrivateTags["(0029,{SIEMENS CSA HEADER}10)"]
alterPixels["rectangle", "l=0, t=0, r=640, b=40", "solid", "v=0"]
`;
  const result = dicomedit(SCRIPT);
  const text = importedText(result);

  it("writes a canonical, lint-clean profile whose rules name their lines", () => {
    // Line 4 copies the original PatientID into PatientName, as DicomEdit does before line 5 replaces it.
    expectCanonicalAndClean(text, "imported.deid", ["DEID3031"]);
    expect(result.findings.filter((f) => f.code === ImportCode.copiesIdentifier).map((f) => f.message)).toEqual([
      '`/PatientName -> create "ACME" + "-" + PatientID // dicomedit:4`: this value copies the input\'s `PatientID`, which the profile does not keep (`"SUBJ"`): the original PatientID reaches the output (lint: DEID3031, line 9)',
    ]);
    expect(text).toContain("// ACME project: names replaced, dates moved\n");
    expect(ruleLines(text)).toEqual([
      `/PatientName -> ${create}"ACME" + "-" + PatientID`,
      "/PatientID -> \"SUBJ\"",
      "/PatientAddress -> remove",
      `/PatientWeight -> ${create}"70"`,
      '/SeriesDescription -> remove when not (Modality == "MR")',
      `/SeriesDescription -> ${create}"MR SERIES" when Modality == "MR"`,
      '/InstitutionName -> remove when not (Manufacturer ~ /^(?:GE.*)$/) and not (Manufacturer == "SIEMENS")',
      `/InstitutionName -> ${create}"SIEMENS SITE" when not (Manufacturer ~ /^(?:GE.*)$/) and Manufacturer == "SIEMENS"`,
      `/InstitutionName -> ${create}"GE SITE" when Manufacturer ~ /^(?:GE.*)$/`,
      "/StudyInstanceUID -> U",
      'quarantine when empty(StudyDate) because "DicomEdit\'s shiftDateByIncrement fails on an object whose StudyDate is absent or empty"',
      "/StudyDate -> shift(-30)",
      'quarantine when empty(SeriesDate) because "DicomEdit\'s shiftDateTimeByIncrement fails on an object whose SeriesDate is absent or empty"',
      "/SeriesDate -> shift(-30)",
      'quarantine when not exists(StudyDescription) because "DicomEdit\'s uppercase fails on an object whose StudyDescription is absent"',
      "/StudyDescription -> upper(StudyDescription)",
      '/AccessionNumber -> replace(/\\-/g, "_")',
      'ReferringPhysicianName -> "PHYSICIAN"',
      // retainPrivateTags comes after removeAllPrivateTags, which removed the element already.
      'pixels because "imported from DicomEdit alterPixels" {',
      "}",
      "private * -> remove",
      '* -> keep because "DicomEdit keeps the elements the script does not name"',
    ]);
    expect(text).toContain("/PatientName -> " + create + '"ACME" + "-" + PatientID // dicomedit:4\n');
    expect(text).toContain("  blank from (0, 0) to (640, 40)\n");
  });

  it("gives explain the actions DicomEdit takes", () => {
    const rows = explainImported(text);
    expect(actionOf(rows, "PatientAddress")).toBe("X");
    expect(actionOf(rows, "StudyInstanceUID")).toBe("U");
    expect(actionOf(rows, "StudyDate")).toBe("shift(-30)");
    expect(actionOf(rows, "PatientWeight")).toBe(`${create}"70"`);
    expect(actionOf(rows, "SeriesDescription")).toBe("K");
    expect(rows.get("SeriesDescription")!.conditional.map((c) => c.replace(/ \(.*:\d+\)$/, ""))).toEqual(['X when not Modality == "MR"', `${create}"MR SERIES" when Modality == "MR"`]);
    expect(actionOf(rows, "Modality")).toBeUndefined();
  });

  it("notes what it replaces, and what deidc does differently", () => {
    expect(findingsOf(result, ImportCode.overridden).map((f) => f.line)).toEqual([7, 23, 25]);
    expect(findingsOf(result, ImportCode.keyedUid).map((f) => f.line)).toEqual([17]);
    expect(findingsOf(result, ImportCode.objectFails).map((f) => f.line)).toEqual([18, 19, 20]);
    expect(text).toContain("// dicomedit:7 replaced by dicomedit:8: -(0010,1030)\n");
  });
});

describe("DicomEdit 6 scripts: one finding per construct the import cannot write as it stands", () => {
  const SCRIPT = [
    "(0010,0010) := \"A\"",
    "(0010,4000) := scramble[(0010,4000)]",
    "(0010,2160) := getURL[\"http://example.org/x\"]",
    "(0008,0022) := shiftDateTimeByIncrement[(0008,0022), \"3600\"]",
    "(0008,0030) = (0010,0010) ? -(0008,0030)",
    "(0010,1020) := \"tall\"",
    "",
  ].join("\n");
  const result = dicomedit(SCRIPT, "odd.das");
  const text = importedText(result);

  it("lists them on their lines", () => {
    expect(result.findings.filter((f) => f.severity !== "info").map((f) => [f.code, result.sources[0]!.lineOf(f.span.start)])).toEqual([
      ...(LANGUAGE_FEATURES.create ? [] : [[ImportCode.cannotCreate, 1]]),
      [ImportCode.scriptVersion, 1],
      [ImportCode.unknownFunction, 2],
      [ImportCode.notExpressible, 3],
      [ImportCode.notExpressible, 4],
      [ImportCode.readsWrittenValue, 5],
      [ImportCode.notExpressible, 6],
    ]);
    expectCanonicalAndClean(text);
  });

  it("quarantines what DicomEdit fails on, and removes what it cannot write, saying so", () => {
    expect(text).toContain('quarantine because "DicomEdit has no function scramble" // dicomedit:2\n');
    expect(text).toMatch(/\/\/ dicomedit:3 \(0010,2160\) := getURL\["http:\/\/example.org\/x"\]: writes a value DicomEdit fetches .*; removed instead\n\/EthnicGroup -> remove/);
    expect(text).toContain("/StudyTime -> remove when StudyTime == PatientName // dicomedit:5\n");
    expect(text).toContain("/PatientSize -> remove // dicomedit:6\n");
  });
});

describe("DicomEdit 6 scripts: tag paths", () => {
  it("anchors plain tags at the top level and turns level wildcards into path steps", () => {
    const text = importedText(
      dicomedit(
        [
          'version "6.3"',
          "-(0010,1000)",
          "-*/(0010,1001)",
          "-./(0010,0020)",
          "-+/(0010,0010)",
          "-(0008,1115)[0]/(0008,114A)[%]/(0008,1155)",
          "-(50@X,XXXX)",
          "-(0019,{SIEMENS MR HEADER}XX)",
          "-(0029,{SIEMENS CSA HEADER}10)",
          "-(0018,FFF0)",
          "",
        ].join("\n"),
      ),
    );
    expectCanonicalAndClean(text);
    expect(ruleLines(text).slice(0, 9)).toEqual([
      "/OtherPatientIDs -> remove",
      "OtherPatientNames -> remove",
      "/*/PatientID -> remove",
      "/*/**/PatientName -> remove",
      "/ReferencedSeriesSequence[0]/ReferencedInstanceSequence/ReferencedSOPInstanceUID -> remove",
      "/(50@x,xxxx) -> remove",
      '/(0019,"SIEMENS MR HEADER",xx) -> remove',
      '/(0029,"SIEMENS CSA HEADER",10) -> remove',
      "/(0018,FFF0)..(0018,FFF0) -> remove",
    ]);
  });
});

describe("DicomEdit 6 scripts: forms found in real scripts", () => {
  const SCRIPT = [
    'version "6.6"',
    "(0010,0010) := subject // XNAT's subject label",
    "(0020,0011) = \"6\" ? (0020,0013) := \"100\"",
    "true[] ? (0018,9758) := \"YES\" : (0018,9758) := \"NO\"",
    'delete["(0008,0080)"]',
    "uids := {(0008,0018), */(0020,000E)}",
    "hashUIDList[{uids}]",
    "-(0000,1000)",
    '(0010,4000) := "first part, \\',
    'second part"',
    "",
  ].join("\n");
  const result = dicomedit(SCRIPT, "real.das");
  const text = importedText(result);

  it("reads XNAT's variables as parameters, constant conditions, lists, numbers and continued lines", () => {
    expectCanonicalAndClean(text);
    expect(ruleLines(text)).toEqual([
      "/PatientName -> create subject",
      "/InstanceNumber -> create \"100\" when SeriesNumber == 6",
      '/DecayCorrected -> create "YES"',
      "/InstitutionName -> remove",
      "/SOPInstanceUID -> U",
      "SeriesInstanceUID -> U",
      '/PatientComments -> create "first part, second part"',
      'private * -> keep because "DicomEdit keeps private elements the script does not remove"',
      '* -> keep because "DicomEdit keeps the elements the script does not name"',
    ]);
    expect(text).toContain("param subject: string\n");
    expect(text).toContain("/PatientName -> create subject // dicomedit:2 XNAT's subject label\n");
    expect(text).toContain("// dicomedit:8 not imported (a command element): -(0000,1000)\n");
  });

  it("says where values come from at run time and what was not imported", () => {
    expect(findingsOf(result, ImportCode.runtimeValue).map((f) => f.line)).toEqual([2]);
    expect(findingsOf(result, ImportCode.commandElement).map((f) => f.line)).toEqual([8]);
    expect(findingsOf(result, ImportCode.keyedUid).map((f) => f.line)).toEqual([7]);
  });
});

describe("DicomEdit 6 scripts: blankValues", () => {
  // DicomEdit blanks every element, anywhere, whose value equals one of the arguments' values.
  const SCRIPT = ['version "6.6"', 'blankValues[(0010,0010), "SITE-7", {(0010,0020)}]', '(0020,0011) = "6" ? blankValues[(0008,0090)]', 'blankValues[getURL["http://example.org/v"]]', ""].join("\n");
  const result = dicomedit(SCRIPT, "blank.das");
  const text = importedText(result);

  it("empties every element holding one of the values, under the statement's condition", () => {
    expectCanonicalAndClean(text);
    expect(ruleLines(text)).toEqual([
      "any where value == PatientName -> empty",
      'any where value == "SITE-7" -> empty',
      "any where value == PatientID -> empty",
      "any where value == ReferringPhysicianName -> empty when SeriesNumber == 6",
      'private * -> keep because "DicomEdit keeps private elements the script does not remove"',
      '* -> keep because "DicomEdit keeps the elements the script does not name"',
    ]);
    expect(text).toContain("any where value == PatientName -> empty // dicomedit:2\n");
  });

  it("gives explain no per-attribute row, as only values decide `any where`", () => {
    const rows = explainImported(text);
    // explain lists the attributes a rule names; these rules name none, each element's value decides.
    expect(actionOf(rows, "PatientName")).toBeUndefined();
    expect([...rows.values()].filter((r) => /:[2-3]$/.test(r.source))).toEqual([]);
  });

  it("says what it cannot write", () => {
    expect(findingsOf(result, ImportCode.notExpressible).map((f) => f.line)).toEqual([4]);
    expect(text).toContain('// dicomedit:4 blankValues[getURL["http://example.org/v"]]: (blankValues) calls `getURL`, which has no .deid counterpart inside an expression; not imported\n');
  });
});

describe("DicomEdit 6 scripts: collectValues passed to blankValues", () => {
  // collectValues[a, ...] is the list of its arguments' values, taken when the variable is set.
  const SCRIPT = ['version "6.6"', 'phi := collectValues[(0010,0010), (0010,0020), "SITE-7"]', 'blankValues[phi]', '(0008,0090) := collectValues[(0010,0010)]', ""].join("\n");
  const result = dicomedit(SCRIPT, "collect.das");
  const text = importedText(result);

  it("empties every element holding one of the collected values", () => {
    expectCanonicalAndClean(text);
    expect(ruleLines(text)).toEqual([
      "any where value == PatientName -> empty",
      "any where value == PatientID -> empty",
      'any where value == "SITE-7" -> empty',
      "/ReferringPhysicianName -> remove",
      'private * -> keep because "DicomEdit keeps private elements the script does not remove"',
      '* -> keep because "DicomEdit keeps the elements the script does not name"',
    ]);
    expect(text).toContain("any where value == PatientID -> empty // dicomedit:3\n");
  });

  it("says that a list is no element value, and knows the function", () => {
    expect(findingsOf(result, ImportCode.notExpressible).map((f) => f.line)).toEqual([4]);
    expect(findingsOf(result, ImportCode.unknownFunction)).toEqual([]);
  });

  it("reads names DicomEdit does not register as unknown functions", () => {
    // XNAT's blankKnownPHI scripts call collectValues and blankValues; DicomEdit has no function of that name.
    const unknown = dicomedit(['version "6.6"', "blankKnownPHI[(0010,0010)]", ""].join("\n"));
    expect(findingsOf(unknown, ImportCode.unknownFunction).map((f) => f.line)).toEqual([2]);
    expect(ruleLines(importedText(unknown))[0]).toMatch(/^quarantine because "DicomEdit has no function blankKnownPHI"/);
  });

  it("does not import the values of a wildcard tag, which it cannot name", () => {
    const wildcard = dicomedit(['version "6.6"', "v := collectValues[(0008,920X)]", "blankValues[v]", ""].join("\n"));
    expect(findingsOf(wildcard, ImportCode.notExpressible).map((f) => f.line)).toEqual([3]);
    expect(ruleLines(importedText(wildcard)).filter((l) => l.startsWith("any where"))).toEqual([]);
  });

  it("notes a collected value an earlier statement wrote", () => {
    const written = dicomedit(['version "6.6"', '(0010,0020) := "X"', 'phi := collectValues[(0010,0020)]', 'blankValues[phi]', ""].join("\n"));
    // DicomEdit collects the "X" line 2 wrote; deidc compares with the value the object arrived with.
    expect(ruleLines(importedText(written))).toContain("any where value == PatientID -> empty");
    expect(findingsOf(written, ImportCode.readsWrittenValue).map((f) => f.line)).toEqual([4]);
  });
});

describe("DicomEdit 6 scripts: shiftDateTimeSequenceByIncrement", () => {
  // DicomEdit moves every date-time a path string matches, at any depth, by an increment in seconds.
  const SCRIPT = [
    'version "6.3"',
    'shiftDateTimeSequenceByIncrement["864000", "(5200,9230)/(0020,9111)/(0018,9074)", "+/(0018,9151)"]',
    '(0008,0060) = "MR" ? shiftDateTimeSequenceByIncrement[-86400, "*/(0040,A120)"]',
    'shiftDateTimeSequenceByIncrement["600", "(5200,9230)/(0020,9111)/(0018,9151)"]',
    'shiftDateTimeSequenceByIncrement[86400, "*/(0008,0032)"]',
    "",
  ].join("\n");
  const result = dicomedit(SCRIPT, "shift.das");
  const text = importedText(result);

  it("shifts each path by whole days, with the path's level wildcards", () => {
    expectCanonicalAndClean(text);
    expect(ruleLines(text)).toEqual([
      "/PerFrameFunctionalGroupsSequence/FrameContentSequence/FrameAcquisitionDateTime -> shift(10)",
      "/*/**/FrameReferenceDateTime -> shift(10)",
      "DateTime -> shift(-1) when Modality == \"MR\"",
      "/PerFrameFunctionalGroupsSequence/FrameContentSequence/FrameReferenceDateTime -> remove",
      "AcquisitionTime -> remove",
      'private * -> keep because "DicomEdit keeps private elements the script does not remove"',
      '* -> keep because "DicomEdit keeps the elements the script does not name"',
    ]);
  });

  it("gives explain the shift under its condition", () => {
    const rows = explainImported(text);
    expect(rows.get("DateTime")?.conditional).toEqual([expect.stringMatching(/^shift\(-1\) when Modality == "MR" /)]);
  });

  it("removes what it cannot shift by whole days, saying why", () => {
    expect(findingsOf(result, ImportCode.notExpressible).map((f) => f.line)).toEqual([4, 5]);
    expect(text).toContain("moves date-times by 600 seconds, not a whole number of days (86400 seconds), and deidc's `shift` moves dates by whole days; removed instead\n");
    expect(text).toContain("shifts AcquisitionTime, whose VR is TM, reading its value as a date-time; deidc shifts only DA and DT values; removed instead\n");
  });

  it("does not import arguments that are not an increment and tag paths", () => {
    const bad = dicomedit(['version "6.3"', 'shiftDateTimeSequenceByIncrement["ten", "(0008,002A)"]', ""].join("\n"));
    expect(findingsOf(bad, ImportCode.notExpressible).map((f) => f.line)).toEqual([2]);
    expect(ruleLines(importedText(bad))).not.toContain("/AcquisitionDateTime -> shift(0)");
  });
});

describe("DicomEdit 6 scripts: mapReferencedUIDs", () => {
  // DicomEdit maps each UID a path string matches to a new UID under the prefix, the same for the same UID.
  const SCRIPT = ['version "6.3"', 'uidprefix := "1.23.4"', 'mapReferencedUIDs[uidprefix, "(3006,0020)/(3006,0024)", "*/(0008,1155)"]', ""].join("\n");
  const result = dicomedit(SCRIPT, "uids.das");
  const text = importedText(result);

  it("gives each matched element deidc's keyed UID", () => {
    expectCanonicalAndClean(text);
    expect(ruleLines(text)).toEqual([
      "/StructureSetROISequence/ReferencedFrameOfReferenceUID -> U",
      "ReferencedSOPInstanceUID -> U",
      'private * -> keep because "DicomEdit keeps private elements the script does not remove"',
      '* -> keep because "DicomEdit keeps the elements the script does not name"',
    ]);
    expect(actionOf(explainImported(text), "ReferencedSOPInstanceUID")).toBe("U");
  });

  it("says the prefix is not kept", () => {
    const notes = findingsOf(result, ImportCode.keyedUid);
    expect(notes.map((f) => f.line)).toEqual([3]);
    expect(notes[0]!.message).toContain("under the prefix `1.23.4`");
  });
});

describe("DicomEdit 6 scripts: retainPrivateTags after statements that change private elements", () => {
  const SCRIPT = [
    'version "6.3"',
    '(0029,{SIEMENS MEDCOM HEADER}10) := "x"',
    "-(0029,{SIEMENS MEDCOM HEADER2}XX)",
    '(0029,{SIEMENS CSA HEADER}10) := "y"',
    '(0008,0060) = "MR" ? (0029,{SIEMENS CSA HEADER}20) := "z"',
    'retainPrivateTags["(0029,{SIEMENS CSA HEADER}10)", "(0029,{SIEMENS CSA HEADER}20)"]',
  ].join("\n");
  const result = dicomedit(SCRIPT);
  const text = importedText(result);

  it("names retainPrivateTags, not removeAllPrivateTags, for what it removes", () => {
    const notes = findingsOf(result, ImportCode.overridden);
    expect(notes.map((f) => [f.line, f.message])).toEqual([
      [2, 'retainPrivateTags (line 6) removes /(0029,"SIEMENS MEDCOM HEADER",10) afterwards, as in DicomEdit'],
      [3, 'retainPrivateTags (line 6) removes /(0029,"SIEMENS MEDCOM HEADER2",xx) afterwards, as in DicomEdit'],
    ]);
  });

  it("keeps a retained element as the earlier statements left it, as DicomEdit does", () => {
    expectCanonicalAndClean(text);
    expect(ruleLines(text)).toEqual([
      // deidc creates no private element (DEID6011 says so), so the value is set where the element exists.
      '/(0029,"SIEMENS CSA HEADER",10) -> "y"',
      '/(0029,"SIEMENS CSA HEADER",20) -> "z" when Modality == "MR"',
      '/(0029,"SIEMENS CSA HEADER",20) -> keep because "named in the DicomEdit script\'s retainPrivateTags"',
      "private * -> remove",
      '* -> keep because "DicomEdit keeps the elements the script does not name"',
    ]);
  });
});

describe("DicomEdit 6 scripts: retainPrivateTags after removeAllPrivateTags", () => {
  const SCRIPT = [
    'version "6.3"',
    "removeAllPrivateTags",
    '(0029,{SIEMENS CSA HEADER}10) := "y"',
    '(0008,0060) = "MR" ? (0029,{SIEMENS CSA HEADER}20) := "z"',
    'retainPrivateTags["(0029,{SIEMENS CSA HEADER}10)", "(0029,{SIEMENS CSA HEADER}20)", "(0019,{SIEMENS MR HEADER}0F)"]',
  ].join("\n");
  const result = dicomedit(SCRIPT);
  const text = importedText(result);

  it("keeps only what a statement wrote since the removal, as DicomEdit runs them in order", () => {
    expectCanonicalAndClean(text);
    expect(ruleLines(text)).toEqual([
      '/(0029,"SIEMENS CSA HEADER",10) -> "y"',
      // Where the condition fails, the element was removed by removeAllPrivateTags: no `keep` under it.
      '/(0029,"SIEMENS CSA HEADER",20) -> "z" when Modality == "MR"',
      "private * -> remove",
      '* -> keep because "DicomEdit keeps the elements the script does not name"',
    ]);
  });

  it("says why a retained element stays removed", () => {
    const notes = findingsOf(result, ImportCode.overridden).filter((f) => f.line === 5);
    expect(notes.map((f) => f.message)).toEqual(['retainPrivateTags keeps /(0019,"SIEMENS MR HEADER",0F), but removeAllPrivateTags (line 2) removed it before; it stays removed, as in DicomEdit']);
  });
});

describe("DicomEdit 6 scripts: retainPrivateTags of a family (XX)", () => {
  it("keeps what statements wrote in the family since removeAllPrivateTags, and says so", () => {
    const result = dicomedit(['version "6.3"', "removeAllPrivateTags", '(0029,{SIEMENS CSA HEADER}10) := "x"', 'retainPrivateTags["(0029,{SIEMENS CSA HEADER}XX)"]'].join("\n"));
    const text = importedText(result);
    expectCanonicalAndClean(text);
    expect(ruleLines(text)).toEqual(['/(0029,"SIEMENS CSA HEADER",10) -> "x"', "private * -> remove", '* -> keep because "DicomEdit keeps the elements the script does not name"']);
    expect(findingsOf(result, ImportCode.overridden).map((f) => f.message)).toEqual([
      'retainPrivateTags keeps /(0029,"SIEMENS CSA HEADER",xx), but removeAllPrivateTags (line 2) removed it before: only /(0029,"SIEMENS CSA HEADER",10), written since, stay, as in DicomEdit',
    ]);
  });

  it("keeps a family member an earlier statement changed, without a removal before", () => {
    const result = dicomedit(['version "6.3"', '(0029,{SIEMENS CSA HEADER}10) := "x"', 'retainPrivateTags["(0029,{SIEMENS CSA HEADER}XX)"]'].join("\n"));
    expect(ruleLines(importedText(result))).toEqual([
      '/(0029,"SIEMENS CSA HEADER",10) -> "x"',
      '/(0029,"SIEMENS CSA HEADER",xx) -> keep because "named in the DicomEdit script\'s retainPrivateTags"',
      "private * -> remove",
      '* -> keep because "DicomEdit keeps the elements the script does not name"',
    ]);
  });
});
