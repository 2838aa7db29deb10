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
  it("rejects append on an attribute with VM 1", () => {
    const [f] = lintText('deid 1\nPatientName -> append "X"\n', rules);
    expect(f).toMatchObject({ code: "DEID2016", line: 2, message: "`append` adds a value, but `PatientName` holds one value (VM 1)" });
  });
});
