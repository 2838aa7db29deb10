import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CopiedIdentifierRule } from "../../src/check/rules/CopiedIdentifierRule";
import { checkFile } from "../../src/check";
import { loadProgram } from "../../src/program/parse-and-load";
import { expectClean, lintText } from "./harness";

const rules = [CopiedIdentifierRule];
const header = 'deid 1\n\nprofile site.x "x"\n  based on ps315.basic\n\nsecret key from env DEID_KEY\n';

describe("CopiedIdentifierRule", () => {
  it("warns where a value copies an attribute the profile replaces: the input's original reaches the output", () => {
    const findings = lintText(
      header +
        'let sid = "S-" + upper(PatientID)\n' +
        'PatientID -> lookup("s.csv", PatientID) else quarantine\n' +
        "ClinicalTrialSubjectID -> create PatientID\n" +
        "ClinicalTrialSiteID -> create sid\n" +
        'StudyDescription -> format("{} {}", Modality, InstitutionName)\n' +
        'SeriesDescription -> lookup("d.csv", Modality) else truncate(AccessionNumber, 4)\n',
      rules,
    );
    expect(findings.map((f) => [f.code, f.line, f.column])).toEqual([
      ["DEID3031", 9, 27],
      ["DEID3031", 10, 24],
      ["DEID3031", 11, 21],
      ["DEID3031", 12, 22],
    ]);
    expect(findings[0]!.message).toBe("this value copies the input's `PatientID`, which the profile does not keep (`lookup(\"s.csv\", PatientID) else quarantine`): the original PatientID reaches the output");
    expect(findings[0]!.help).toContain('derive it the same way (`lookup("s.csv", PatientID) else quarantine`)');
    expect(findings[2]!.message).toContain("`InstitutionName`, which the profile does not keep (`X/Z/D`)");
  });

  it("names the rule that replaces the attribute, in the base profile", () => {
    const text = header + "ClinicalTrialSiteName -> create InstitutionName\n";
    const program = loadProgram("site.deid", [], text);
    const [d] = checkFile(program.entry, program, rules);
    expect(d!.related![0]!.message).toMatch(/^ps315\.basic rule at line \d+: X\/Z\/D$/);
    expect(d!.related![0]!.file).toMatch(/stdlib\/ps315\/basic\.deid$/);
  });

  it("judges a rule that copies its own attribute by what the layers below do with it, once per rule, and private attributes too", () => {
    const findings = lintText(
      header +
        'AccessionNumber -> "A-" + AccessionNumber\n' +
        'PatientID -> "XYZ-" + PatientID\n' +
        'ClinicalTrialSubjectID -> create "XYZ-" + PatientID\n' +
        "OtherPatientIDs, PatientComments -> PatientName\n" +
        'ClinicalTrialSiteName -> create (0009,"GEMS_IDEN_01",04)\n' +
        "ReferencedImageSequence/StudyID -> StudyID\n" +
        'StudyID -> "S"\n',
      rules,
    );
    findings.sort((a, b) => a.line - b.line);
    expect(findings.map((f) => [f.line, f.column, f.message.replace(/ \(`.*/, "").replace(/[,:] .*/, "")])).toEqual([
      [7, 20, "this value keeps the input's `AccessionNumber` in it"],
      [8, 14, "this value keeps the input's `PatientID` in it"],
      [9, 27, "this value copies the input's `PatientID`"],
      [10, 37, "this value copies the input's `PatientName`"],
      [11, 26, 'this value copies the input\'s `(0009,"GEMS_IDEN_01",04)`'],
      [12, 36, "this value keeps the input's `StudyID` in it"],
    ]);
    expect(findings[2]!.message).toContain("whose own rule keeps the original in it too");
    expect(findings[2]!.help).toContain("for `PatientID` and here");
  });

  it("reports a site option's copy at the profile that switches it on", () => {
    const dir = mkdtempSync(join(tmpdir(), "deidc-copy-option-"));
    writeFileSync(join(dir, "opt.deid"), 'deid 1\n\noption site.trial "trial" {\n  ClinicalTrialSubjectID -> create PatientID\n}\n');
    const site = 'deid 1\n\nimport "opt.deid"\n\nprofile site.release "release"\n  based on ps315.basic\n  with site.trial\n';
    const [f, ...rest] = lintText(site, rules, join(dir, "site.deid"));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ code: "DEID3031", line: 5, column: 9 });
    expect(f!.message).toMatch(/^option `site\.trial`, which this profile switches on: this value copies the input's `PatientID`/);
  });

  it("is quiet for what is kept, derived on purpose, a condition or a lookup key", () => {
    expectClean(
      header +
        'PatientSex -> keep because "stratification"\n' +
        'ClinicalTrialTimePointID -> create "BL-" + PatientSex\n' +
        'ClinicalTrialSubjectID -> create "S-" + hash(key, PatientID, 8)\n' +
        'PatientName -> "P-" + initials(PatientName)\n' +
        'ClinicalTrialSiteID -> create lookup("sites.csv", InstitutionName) else "99" when exists(PatientID)\n' +
        'StudyDescription -> "CT" when StudyDescription contains PatientID\n',
      rules,
    );
  });
});
