// `deidc import ctp` on CTP DicomAnonymizer scripts written here in the XML
// form CTP's configurator saves: one test per group of constructs, each
// checking the rules written, that the profile is canonical and lint-clean,
// what `explain` says the profile does, and the findings with their lines.

import { describe, expect, it } from "vitest";
import { importProfile } from "../../src/import";
import { ImportCode } from "../../src/import/codes";
import { checkProgram } from "../../src/check";
import { loadProgram } from "../../src/program/parse-and-load";
import { actionOf, expectCanonicalAndClean, explainImported, findingsOf, importedText, importText, ruleLines } from "./helpers";

/** A script whose n-th element line is source line n + 1 (line 1 is `<script>`). */
function ctpScript(lines: readonly string[]): string {
  return `<script>\n${lines.map((l) => ` ${l}`).join("\n")}\n</script>\n`;
}

describe("deidc import ctp: element functions", () => {
  const source = ctpScript([
    /* 2 */ "<!-- Site script for the ACME trial -->",
    /* 3 */ '<p t="UIDROOT">1.2.3.4</p>',
    /* 4 */ '<p t="DATEINC">-30</p>',
    /* 5 */ '<p t="SITEID">ACME</p>',
    /* 6 */ '<e en="T" t="00100010" n="PatientName">@hash(this,10)</e>',
    /* 7 */ '<e en="T" t="00080018" n="SOPInstanceUID">@hashuid(@UIDROOT,this)</e>',
    /* 8 */ '<e en="T" t="00080020" n="StudyDate">@incrementdate(this,@DATEINC)</e>',
    /* 9 */ '<e en="T" t="00080050" n="AccessionNumber">@empty()</e>',
    /* 10 */ '<e en="T" t="00080090" n="ReferringPhysicianName">@remove()</e>',
    /* 11 */ '<e en="T" t="00080070" n="Manufacturer">@keep()</e>',
    /* 12 */ '<e en="T" t="00080080" n="InstitutionName">@param(@SITEID)</e>',
    /* 13 */ '<e en="T" t="00081010" n="StationName">ANON-@hash(this,8)</e>',
    /* 14 */ '<e en="T" t="00100030" n="PatientBirthDate">@modifydate(this,*,1,1)</e>',
    /* 15 */ '<e en="T" t="00080022" n="AcquisitionDate">@hashdate(this,PatientID)</e>',
    /* 16 */ '<e en="T" t="00200010" n="StudyID">@truncate(this,4)</e>',
    /* 17 */ '<e en="T" t="00181030" n="ProtocolName">@contents(this,"[0-9]+","#")</e>',
    /* 18 */ '<e en="T" t="00204000" n="ImageComments">@lowercase(this)</e>',
    /* 19 */ '<e en="T" t="00380010" n="AdmissionID">@hashptid(@SITEID,this,12)</e>',
    /* 20 */ '<e en="T" t="00400254" n="PerformedProcedureStepDescription">@require()</e>',
    /* 21 */ '<e en="T" t="00321060" n="RequestedProcedureDescription">@append(){CLEANED}</e>',
    /* 22 */ '<e en="T" t="00321032" n="RequestingPhysician">ANONYMOUS</e>',
    /* 23 */ '<r en="T" t="privategroups"/>',
  ]);
  const result = importText("ctp", source);
  const text = importedText(result);

  it("writes the profile header, the key and the parameter the functions need", () => {
    expect(text.startsWith('deid 1\n\n// Imported by `deidc import ctp` from site.script.\n')).toBe(true);
    expect(text).toContain('profile imported.site "Imported from site.script"\n');
    expect(text).toContain("secret key from env DEID_KEY\nparam dateinc: number = -30\n");
    expect(text).toContain("// Site script for the ACME trial\n");
  });

  it("maps each function to the action with the same effect, marked with its line", () => {
    expect(text).toContain("PatientName -> hash(key, value, 10) // ctp:6\n");
    expect(text).toContain("SOPInstanceUID -> U // ctp:7\n");
    expect(text).toContain("StudyDate -> shift(dateinc) // ctp:8\n");
    expect(text).toContain("AccessionNumber -> empty // ctp:9\n");
    expect(text).toContain("ReferringPhysicianName -> remove // ctp:10\n");
    expect(text).toContain("Manufacturer -> keep // ctp:11\n");
    expect(text).toContain('InstitutionName -> "ACME" // ctp:12\n');
    expect(text).toContain('StationName -> "ANON-" + hash(key, value, 8) // ctp:13\n');
    expect(text).toContain("PatientBirthDate -> coarsen(year) // ctp:14\n");
    expect(text).toContain("AcquisitionDate -> shift(days(key, PatientID, -3649 .. 0)) // ctp:15\n");
    expect(text).toContain('StudyID -> replace(/^(.{0,4}).*$/s, "$1") // ctp:16\n');
    expect(text).toContain('ProtocolName -> replace(/[0-9]+/g, "#") // ctp:17\n');
    expect(text).toContain("ImageComments -> lower(value) // ctp:18\n");
    expect(text).toContain('AdmissionID -> hash(key, "[ACME]" + value, 12) // ctp:19\n');
    expect(text).toContain("PerformedProcedureStepDescription -> keep // ctp:20\n");
    expect(text).toContain('RequestedProcedureDescription -> value + "\\\\CLEANED" when value != "" // ctp:21\n');
    expect(text).toContain('RequestedProcedureDescription -> "CLEANED" // ctp:21\n');
    expect(text).toContain('RequestingPhysician -> "ANONYMOUS" // ctp:22\n');
    expect(text).toContain("private * -> remove // ctp:23\n");
    expect(text.endsWith('\n* -> keep because "CTP keeps the elements the script does not name"\n')).toBe(true);
  });

  it("is canonical and lint-clean", () => {
    expectCanonicalAndClean(text);
  });

  it("explains to the expected action per attribute", () => {
    const rows = explainImported(text);
    expect(actionOf(rows, "PatientName")).toBe("hash(key, value, 10)");
    expect(actionOf(rows, "SOPInstanceUID")).toBe("U");
    expect(actionOf(rows, "StudyDate")).toBe("shift(dateinc)");
    expect(actionOf(rows, "AccessionNumber")).toBe("Z");
    expect(actionOf(rows, "ReferringPhysicianName")).toBe("X");
    expect(actionOf(rows, "Manufacturer")).toBe("K");
    expect(actionOf(rows, "InstitutionName")).toBe('"ACME"');
    expect(actionOf(rows, "PatientBirthDate")).toBe("coarsen(year)");
    expect(actionOf(rows, "RequestedProcedureDescription")).toBe('"CLEANED"');
    expect(rows.get("RequestedProcedureDescription")!.conditional).toEqual([expect.stringMatching(/^value \+ "\\\\CLEANED" when value != ""/)]);
    expect(actionOf(rows, "private *")).toBe("X");
    expect(actionOf(rows, "*")).toBe("K");
  });

  it("reports the deliberate differences as information, on their lines", () => {
    expect(findingsOf(result, ImportCode.keyedHash).map((f) => [f.line, f.severity])).toEqual([
      [6, "info"],
      [13, "info"],
      [15, "info"],
      [19, "info"],
    ]);
    expect(findingsOf(result, ImportCode.keyedUid).map((f) => f.line)).toEqual([7]);
    expect(result.findings.filter((f) => f.severity !== "info")).toEqual([]);
  });
});

describe("deidc import ctp: conditions, filters and what cannot be expressed", () => {
  const source = ctpScript([
    /* 2 */ '<p t="BADINC">soon</p>',
    /* 3 */ '<e en="T" t="00081030" n="StudyDescription">@if(Modality,equals,"MR"){MR STUDY}{@remove()}</e>',
    /* 4 */ '<e en="T" t="0008103e" n="SeriesDescription">@if(this,contains,"scout"){@remove()}{@keep()}</e>',
    /* 5 */ '<e en="T" t="00081040" n="InstitutionalDepartmentName">@if(this,isblank){@remove()}{@uppercase(this)}</e>',
    /* 6 */ '<e en="T" t="00081070" n="OperatorsName">@if(PerformingPhysicianName,exists){@empty()}{@remove()}</e>',
    /* 7 */ '<e en="T" t="00180015" n="BodyPartExamined">@select(){@keep()}{@remove()}</e>',
    /* 8 */ '<e en="T" t="00280301" n="BurnedInAnnotation">@if(this,equals,YES){@quarantine()}{@keep()}</e>',
    /* 9 */ '<e en="T" t="00080008" n="ImageType">@if(this,contains,SCREEN){@skip()}{@keep()}</e>',
    /* 10 */ '<e en="T" t="00080021" n="SeriesDate">@incrementdate(this,@BADINC)</e>',
    /* 11 */ '<e en="T" t="00080023" n="ContentDate">@date()</e>',
    /* 12 */ '<e en="T" t="00080030" n="StudyTime">@time(:)</e>',
    /* 13 */ '<e en="T" t="00101010" n="PatientAge">@round(this,5)</e>',
    /* 14 */ '<e en="T" t="00102160" n="EthnicGroup">@initials(PatientName)</e>',
    /* 15 */ '<e en="T" t="00321032" n="RequestingPhysician">@always()ANONYMOUS</e>',
    /* 16 */ '<e en="T" t="00120062" n="PatientIdentityRemoved">@always()YES</e>',
    /* 17 */ '<e en="T" t="00101040" n="PatientAddress">@if(this,matches,"[0-9].*"){@remove()}{@keep()}</e>',
    /* 18 */ '<r en="T" t="privategroups"/>',
  ]);
  const result = importText("ctp", source);
  const text = importedText(result);

  it("turns @if into rules with conditions, the last one the fallback", () => {
    expect(ruleLines(text)).toEqual(
      expect.arrayContaining([
        'StudyDescription -> "MR STUDY" when lower(Modality) == "mr"',
        "StudyDescription -> remove",
        "SeriesDescription -> remove when lower(value) ~ /scout/",
        "SeriesDescription -> keep",
        "InstitutionalDepartmentName -> remove when value ~ /^\\s*$/",
        "InstitutionalDepartmentName -> upper(value)",
        "OperatorsName -> empty when exists(PerformingPhysicianName)",
        "OperatorsName -> remove",
        "PatientAddress -> remove when value ~ /^(?:[0-9].*)$/",
        "PatientAddress -> keep",
      ]),
    );
  });

  it("turns @select into a top-level rule and a rule for nested elements", () => {
    expect(ruleLines(text)).toEqual(expect.arrayContaining(["/BodyPartExamined -> keep", "BodyPartExamined -> remove"]));
  });

  it("turns @quarantine and @skip into filters that need the element", () => {
    expect(text).toContain('quarantine when exists(BurnedInAnnotation) and lower(BurnedInAnnotation) == "yes" because "CTP @quarantine() in the script for BurnedInAnnotation (0028,0301)" // ctp:8\n');
    expect(text).toContain('skip when exists(ImageType) and lower(ImageType) ~ /screen/ because "CTP @skip() in the script for ImageType (0008,0008): passed on unchanged" // ctp:9\n');
  });

  it("empties or removes what it cannot express, with a comment at that place and a finding on the line", () => {
    expect(text).toContain("// ctp:10 @incrementdate(this,@BADINC): the increment is not a number; emptied, as CTP does\nSeriesDate -> empty // ctp:10\n");
    expect(text).toContain("// ctp:11 @date(): the current date is not reproduced; emptied instead\nContentDate -> empty // ctp:11\n");
    expect(text).toContain("StudyTime -> empty // ctp:12\n");
    expect(text).toContain("// ctp:13 @round(this,5): rounds an age into bins, which the language has no function for; removed instead\nPatientAge -> remove // ctp:13\n");
    expect(text).toContain("EthnicGroup -> remove // ctp:14\n");
    expect(findingsOf(result, ImportCode.nonNumericParameter).map((f) => f.line)).toEqual([10]);
    expect(findingsOf(result, ImportCode.currentTime).map((f) => [f.line, f.severity])).toEqual([
      [11, "warning"],
      [12, "warning"],
    ]);
    expect(findingsOf(result, ImportCode.notExpressible).map((f) => f.line)).toEqual([13, 14]);
  });

  it("creates the element @always names, and leaves the de-identification markers to deidc", () => {
    expect(text).toContain('RequestingPhysician -> create "ANONYMOUS" // ctp:15\n');
    expect(findingsOf(result, ImportCode.cannotCreate)).toEqual([]);
    expect(text).toContain("// ctp:16 PatientIdentityRemoved: written by deidc itself (@always()YES)\n");
    expect(text).not.toMatch(/^PatientIdentityRemoved ->/m);
    expect(findingsOf(result, ImportCode.writtenByDeidc).map((f) => [f.line, f.severity])).toEqual([[16, "info"]]);
  });

  it("is canonical and lint-clean, and explains the conditional rules", () => {
    expectCanonicalAndClean(text);
    const rows = explainImported(text);
    expect(actionOf(rows, "StudyDescription")).toBe("X");
    expect(rows.get("StudyDescription")!.conditional).toEqual([expect.stringMatching(/^"MR STUDY" when lower\(Modality\) == "mr"/)]);
    expect(actionOf(rows, "InstitutionalDepartmentName")).toBe("upper(value)");
    expect(actionOf(rows, "SeriesDate")).toBe("Z");
    expect(actionOf(rows, "PatientAge")).toBe("X");
  });
});

describe("deidc import ctp: global rules", () => {
  it("keeps groups, removes private groups, and keeps the rest when the script does", () => {
    const result = importText("ctp", ctpScript(['<k en="T" t="0029" n="Siemens CSA"/>', '<r en="T" t="privategroups"/>', '<e en="T" t="00100010" n="PatientName">@remove()</e>']));
    const text = importedText(result);
    expect(ruleLines(text)).toEqual([
      '(0029,0000)..(0029,FFFF) -> keep because "imported from CTP: keep group 0029"',
      "private * -> remove",
      "PatientName -> remove",
      '* -> keep because "CTP keeps the elements the script does not name"',
    ]);
    expectCanonicalAndClean(text);
    const rows = explainImported(text);
    expect(actionOf(rows, "(0029,0000)..(0029,FFFF)")).toBe("K");
    expect(result.findings).toEqual([]);
  });

  it("removes unspecified elements but keeps what CTP always keeps", () => {
    const result = importText(
      "ctp",
      ctpScript(['<e en="T" t="00080018" n="SOPInstanceUID">@hashuid(1.2.3,this)</e>', '<e en="T" t="00081140" n="ReferencedImageSequence">@keep()</e>', '<r en="T" t="unspecifiedelements"/>', '<r en="T" t="overlays"/>']),
    );
    const text = importedText(result);
    expect(ruleLines(text)).toEqual([
      "SOPInstanceUID -> U",
      'ReferencedImageSequence -> keep because "kept by the CTP script"',
      "* -> remove",
      "private * -> remove",
      'SOPClassUID -> keep because "CTP always keeps it"',
      'StudyInstanceUID -> keep because "CTP always keeps it"',
      '(0028,0000)..(0028,FFFF) -> keep because "CTP always keeps group 0028, the image description"',
      '(7FE0,0000)..(7FE0,FFFF) -> keep because "CTP always keeps group 7FE0, the pixel data"',
      '(50xx,xxxx) -> keep because "CTP keeps curves unless the script removes them"',
      "(60xx,xxxx) -> remove",
    ]);
    expectCanonicalAndClean(text);
    const rows = explainImported(text);
    expect(actionOf(rows, "*")).toBe("X");
    expect(actionOf(rows, "SOPClassUID")).toBe("K");
    expect(actionOf(rows, "(60xx,xxxx)")).toBe("X");
    // CTP keeps the kept sequence whole; deidc cleans inside it: said once, on the sequence's line.
    expect(findingsOf(result, ImportCode.sequenceContents).map((f) => f.line)).toEqual([3]);
    expect(findingsOf(result, ImportCode.privateKept)).toEqual([]);
  });

  it("keeps private elements explicitly, with a warning, when the script does not remove them", () => {
    const result = importText("ctp", ctpScript(['<e en="T" t="00100010" n="PatientName">@remove()</e>']));
    const text = importedText(result);
    expect(text).toContain('private * -> keep because "CTP keeps private elements unless the script removes private groups"\n');
    expect(findingsOf(result, ImportCode.privateKept).map((f) => f.severity)).toEqual(["warning"]);
    expectCanonicalAndClean(text);
  });

  it("switches the safe private option on for safe private elements, and reads private elements by creator", () => {
    const result = importText("ctp", ctpScript(['<k en="T" t="safeprivateelements"/>', '<e en="T" t="0009[GEMS_IDEN_01]01" n="GEPrivate">@remove()</e>', '<r en="T" t="privategroups"/>']));
    const text = importedText(result);
    expect(text).toContain("  with ps315.retain-safe-private\n");
    expect(text).toContain('(0009,"GEMS_IDEN_01",01) -> remove // ctp:3\n');
    expect(findingsOf(result, ImportCode.safePrivateList).map((f) => f.line)).toEqual([2]);
    expectCanonicalAndClean(text);
  });

  it("says that removing curves does nothing without removing unspecified elements", () => {
    const result = importText("ctp", ctpScript(['<r en="T" t="privategroups"/>', '<r en="T" t="curves"/>']));
    expect(findingsOf(result, ImportCode.noEffect).map((f) => f.line)).toEqual([3]);
    expectCanonicalAndClean(importedText(result));
  });

  it("reads several scripts as one, a later script replacing an earlier rule for the same element", () => {
    const base = ctpScript(['<p t="DATEINC">-10</p>', '<e en="T" t="00080020" n="StudyDate">@remove()</e>', '<r en="T" t="privategroups"/>']);
    const option = ctpScript(['<p t="DATEINC">-20</p>', '<e en="T" t="00080020" n="StudyDate">@incrementdate(this,@DATEINC)</e>']);
    const result = importProfile("ctp", [
      { path: "basic.script", text: base },
      { path: "dates.script", text: option },
    ]);
    const text = importedText(result);
    expect(text).toContain("// ctp:basic.script:3 replaced by ctp:dates.script:3: StudyDate @remove()\n");
    expect(text).toContain("StudyDate -> shift(dateinc) // ctp:dates.script:3\n");
    expect(text).toContain("param dateinc: number = -20\n");
    expect(findingsOf(result, ImportCode.overridden).map((f) => f.line)).toEqual([3]);
    expectCanonicalAndClean(text);
  });

  it("keeps a private element named by number as a number, with a finding, where lint reports it and nothing else", () => {
    const result = importText("ctp", ctpScript(['<e en="T" t="00191010" n="Priv">@remove()</e>', '<r en="T" t="privategroups"/>']));
    const text = importedText(result);
    expect(ruleLines(text)).toContain("(0019,1010) -> remove");
    const noted = result.findings.filter((f) => f.code === ImportCode.privateElementNumber);
    expect(noted.map((f) => [f.severity, f.message])).toEqual([["warning", expect.stringMatching(/^`\(0019,1010\) -> remove \/\/ ctp:2` names a private element by number/)]]);
    expect(checkProgram(loadProgram("imported.deid", [], text)).map((d) => d.code)).toEqual(["DEID2022"]);
  });

  it("does not import a source that is not a CTP script", () => {
    const notXml = importText("ctp", "set.[0010,0010]PatientName=@remove()\n");
    expect(notXml.text).toBeNull();
    expect(findingsOf(notXml, ImportCode.unreadableSource).map((f) => [f.line, f.severity])).toEqual([[1, "error"]]);
    const broken = importText("ctp", "<script>\n <e en=\"T\" t=\"00100010\">@remove()\n</script>\n");
    expect(broken.text).toBeNull();
    expect(findingsOf(broken, ImportCode.unreadableSource)).toHaveLength(1);
  });
});

describe("CTP scripts that add part of a Clinical Trial module", () => {
  it("import, with findings for the module created in part and for the copied PatientID", () => {
    const source = [
      "<script>",
      '<p t="SITEID">001</p>',
      '<p t="SPONSOR">ACME</p>',
      '<e en="T" t="00100020" n="PatientID">@hashptid(@SITEID,PatientID)</e>',
      '<e en="T" t="00120010" n="ClinicalTrialSponsorName">@always()@param(@SPONSOR)</e>',
      '<e en="T" t="00120040" n="ClinicalTrialSubjectID">@always()@contents(PatientID)</e>',
      "</script>",
    ].join("\n");
    const result = importText("ctp", source);
    expect(result.text).not.toBeNull();
    const generated = (code: string) => result.findings.filter((f) => f.code === code).map((f) => f.message);
    expect(generated(ImportCode.sourceLintWarning)).toEqual([expect.stringMatching(/^`ClinicalTrialSponsorName -> create "ACME".*`: `create` adds the Clinical Trial Subject module .*\(lint: DEID3030, line \d+\)$/)]);
    expect(generated(ImportCode.copiesIdentifier)).toEqual([expect.stringContaining("copies the input's `PatientID`")]);
    expect(generated(ImportCode.generatedNotClean)).toEqual([]);
  });
});
