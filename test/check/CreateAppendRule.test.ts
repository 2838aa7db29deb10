import { describe, expect, it } from "vitest";
import { CreateAppendRule } from "../../src/check/rules/CreateAppendRule";
import { expectClean, lintText } from "./harness";

const rules = [CreateAppendRule];

describe("CreateAppendRule", () => {
  it("accepts create on one top-level standard attribute and append on a multi-valued one", () => {
    expectClean('deid 1\nClinicalTrialSiteID -> create "S01"\n/(0012,0010) -> create "ACME"\nImageType -> append "DERIVED"\n', rules);
  });
  it("rejects create on a path, a family, a private element or a VR", () => {
    const findings = lintText(
      'deid 1\nOtherPatientIDsSequence/PatientID -> create "X"\n(60xx,0022) -> create "X"\n(0029,"CREATOR",10) -> create "X"\nvr LO -> create "X"\n',
      rules,
    );
    expect(findings.map((f) => [f.code, f.line])).toEqual([
      ["DEID2016", 2],
      ["DEID2016", 3],
      ["DEID2016", 4],
      ["DEID2016", 5],
    ]);
  });
  it("rejects create on a sequence", () => {
    const [f] = lintText('deid 1\nOtherPatientIDsSequence -> create "X"\n', rules);
    expect(f).toMatchObject({ code: "DEID2016", message: "`create` writes a value, but `OtherPatientIDsSequence` is SQ" });
  });
  it("create lookup: accepts a value, remove, keep, a nested lookup or quarantine on a miss, on one top-level attribute", () => {
    expectClean(
      'deid 1\nClinicalTrialSiteID -> create lookup("s.csv", InstitutionName) else "99"\n' +
        'ClinicalTrialSubjectID -> create lookup("s.csv", PatientID) else quarantine\n' +
        'ClinicalTrialProtocolID -> create lookup("s.csv", PatientID) else remove\n' +
        'ClinicalTrialSponsorName -> create lookup("s.csv", PatientID) else keep\n' +
        'ClinicalTrialTimePointID -> create lookup("a.csv", PatientID) else lookup("b.csv", PatientID) else "TP-" + Modality\n',
      rules,
    );
  });
  it("create lookup: rejects a miss that would add a dummy, an empty value or a UID, and a path", () => {
    const findings = lintText(
      'deid 1\nClinicalTrialSiteID -> create lookup("s.csv", PatientID) else D\n' +
        'ClinicalTrialSiteID -> create lookup("s.csv", PatientID) else lookup("t.csv", PatientID) else empty\n' +
        'OtherPatientIDsSequence/PatientID -> create lookup("s.csv", PatientID) else "X"\n',
      rules,
    );
    expect(findings.map((f) => [f.code, f.line, f.column])).toEqual([
      ["DEID2016", 2, 63],
      ["DEID2016", 3, 95],
      ["DEID2016", 4, 1],
    ]);
    expect(findings[0]!.message).toBe("on a miss, `create lookup(...)` adds what its `else` gives: a value, or nothing (`remove`), or the object is quarantined");
  });
  it("accepts `set lookup` as the lookup, and rejects `append lookup`", () => {
    expectClean('deid 1\nPatientID -> set lookup("s.csv", PatientID) else "X"\n', rules);
    const [f] = lintText('deid 1\nImageType -> append lookup("s.csv", PatientID) else keep\n', rules);
    expect(f).toMatchObject({ code: "DEID2016", line: 2, column: 14, message: "`append` adds a value, and a lookup replaces one: `append lookup(...)` has no meaning" });
  });
  it("rejects `append lookup` and `create` in a lookup's `else`, where they would do nothing", () => {
    const findings = lintText(
      'deid 1\nPatientID -> lookup("a.csv", PatientID) else append lookup("b.csv", PatientID) else remove\n' +
        'ClinicalTrialSiteID -> lookup("a.csv", PatientID) else create "99"\n' +
        'ClinicalTrialSubjectID -> lookup("a.csv", PatientID) else create lookup("b.csv", PatientID) else remove\n',
      rules,
    );
    expect(findings.map((f) => [f.code, f.line, f.message.slice(0, 41)])).toEqual([
      ["DEID2016", 2, "`append` adds a value, and a lookup repla"],
      ["DEID2016", 3, "`create` in the `else` of a lookup withou"],
      ["DEID2016", 4, "`create` in the `else` of a lookup withou"],
    ]);
    // `append` in a lookup's `else` is checked as on the rule's own action (a miss would keep the original and add a value).
    const [vm1] = lintText('deid 1\nPatientName -> lookup("a.csv", InstitutionName) else append "X"\n', rules);
    expect(vm1).toMatchObject({ code: "DEID2016", line: 2, message: "`append` adds a value, but `PatientName` holds one value (VM 1)" });
    expectClean('deid 1\nImageType -> lookup("a.csv", Modality) else append "DERIVED"\n', rules);
    // Under a `create lookup`, `create` in the `else` is what the rule does anyway.
    expectClean('deid 1\nClinicalTrialSiteID -> create lookup("a.csv", PatientID) else create "99"\n', rules);
  });
  it("rejects append on an attribute with VM 1", () => {
    const [f] = lintText('deid 1\nPatientName -> append "X"\n', rules);
    expect(f).toMatchObject({ code: "DEID2016", line: 2, message: "`append` adds a value, but `PatientName` holds one value (VM 1)" });
  });
});
