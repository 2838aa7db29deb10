import { describe, expect, it } from "vitest";
import { TrialAttributeCreateRule } from "../../src/check/rules/TrialAttributeCreateRule";
import { checkFile } from "../../src/check";
import { loadProgram } from "../../src/program/parse-and-load";
import { expectClean, lintText } from "./harness";

const rules = [TrialAttributeCreateRule];

describe("TrialAttributeCreateRule", () => {
  it("warns on a value or a lookup for a Clinical Trial attribute written without a verb", () => {
    const findings = lintText(
      'deid 1\nClinicalTrialSponsorName -> "ACME Pharma"\n/(0012,0030) -> lookup("sites.csv", InstitutionName) else "99"\nClinicalTrialSubjectID -> "S-" + PatientID\n',
      rules,
    );
    expect(findings.map((f) => [f.code, f.line, f.column])).toEqual([
      ["DEID3032", 2, 1],
      ["DEID3032", 3, 1],
      ["DEID3032", 4, 1],
    ]);
    expect(findings[0]!.message).toBe("`ClinicalTrialSponsorName` gets a value only in objects that have it, and images from a hospital seldom carry the Clinical Trial attributes");
    expect(findings[1]!.message).toContain("`ClinicalTrialSiteID`");
  });

  it("is quiet with `create` or `set`, on other attributes, in items, and on what deidc writes itself", () => {
    expectClean(
      'deid 1\nClinicalTrialSponsorName -> create "ACME"\nClinicalTrialProtocolID -> set "XYZ-301"\n' +
        'ClinicalTrialSiteID -> create lookup("s.csv", InstitutionName) else "99"\nClinicalTrialSubjectID -> set lookup("s.csv", PatientID) else "X"\n' +
        'ClinicalTrialTimePointID -> keep because "visit labels"\nPatientID -> "ANON"\nOtherPatientIDsSequence/ClinicalTrialSiteID -> "01"\n' +
        'DeidentificationMethod -> "mine"\n',
      rules,
    );
  });

  it("offers no fix where `create` would add nothing or the wrong thing, and ignores attributes of sequence items", () => {
    const findings = (text: string) => {
      const program = loadProgram("t.deid", [], `deid 1\n${text}\n`);
      return checkFile(program.entry, program, rules);
    };
    for (const text of [
      'ClinicalTrialSubjectID -> lookup("t.csv", PatientID) else dummy',
      'ClinicalTrialSubjectID -> lookup("t.csv", ClinicalTrialSubjectID) else quarantine',
      'ClinicalTrialSubjectID -> "XYZ-" + value',
      '(0012,0040) -> lookup("t.csv", (0012,0040)) else "X"',
    ]) {
      const [d, ...rest] = findings(text);
      expect(rest, text).toEqual([]);
      expect(d, text).toMatchObject({ code: "DEID3032" });
      expect(d!.fix, text).toBeUndefined();
      expect(d!.help, text).toContain("write `set`");
    }
    expect(findings('DistributionType -> "NAMED_PROTOCOL"\nConsentForDistributionFlag -> "YES"\nOtherClinicalTrialProtocolIDsSequence -> keep because "x"')).toEqual([]);
  });

  it("offers `create` as the fix, inserted before the value", () => {
    const text = 'deid 1\nClinicalTrialSiteID -> lookup("s.csv", InstitutionName) else "99"\n';
    const program = loadProgram("t.deid", [], text);
    const [d] = checkFile(program.entry, program, rules);
    expect(d!.fix).toMatchObject({ description: "add the attribute where it is missing (`create`)", text: "create " });
    const fixed = text.slice(0, d!.fix!.span.start) + d!.fix!.text + text.slice(d!.fix!.span.end);
    expect(fixed).toBe('deid 1\nClinicalTrialSiteID -> create lookup("s.csv", InstitutionName) else "99"\n');
  });
});
