import { describe, expect, it } from "vitest";
import { RuleOverlapRule } from "../../src/check/rules/RuleOverlapRule";
import { expectClean, lintText } from "./harness";

const rules = [RuleOverlapRule];

describe("RuleOverlapRule", () => {
  it("accepts distinct selectors", () => {
    expectClean("deid 1\nPatientName -> X\nPatientID -> Z\n", rules);
  });
  it("reports a duplicate through keyword and tag spellings", () => {
    const [f] = lintText("deid 1\nPatientName -> X\n(0010,0010) -> remove\n", rules);
    expect(f).toMatchObject({ code: "DEID3001", line: 3 });
  });
  it("reports conflicting actions", () => {
    const [f] = lintText("deid 1\nPatientName -> X\nPatientName -> Z\n", rules);
    expect(f).toMatchObject({ code: "DEID3002", line: 3 });
  });
  it("reports a conditional rule shadowed by an unconditional one", () => {
    const [f] = lintText('deid 1\nPatientName -> X\nPatientName -> Z when Modality == "CT"\n', rules);
    expect(f).toMatchObject({ code: "DEID3003", line: 3 });
  });
  it("accepts a conditional rule before the unconditional one", () => {
    expectClean('deid 1\nPatientName -> Z when Modality == "CT"\nPatientName -> X\n', rules);
  });
});

describe("RuleOverlapRule and conditional blocks", () => {
  it("sees the block's condition on the rules inside it", () => {
    expectClean('deid 1\nPatientName -> X when Modality == "CT"\nwhen Modality == "MR" {\n  PatientName -> "MR"\n}\n', rules);
    const [f] = lintText('deid 1\nPatientName -> X\nwhen Modality == "MR" {\n  PatientName -> "MR"\n}\n', rules);
    expect(f).toMatchObject({ code: "DEID3003", line: 4 });
    const [g] = lintText('deid 1\nwhen Modality == "MR" {\n  PatientName -> X\n}\nPatientName -> "MR" when Modality == "MR"\n', rules);
    expect(g).toMatchObject({ code: "DEID3002", line: 5 });
  });
});

describe("RuleOverlapRule and ranges", () => {
  it("reports a range inside an earlier unconditional range, which never decides (ranges rank together, the earlier wins)", () => {
    const [f] = lintText("deid 1\n(0010,0000)..(0010,FFFF) -> remove\n(0010,0010)..(0010,0020) -> empty\n", rules);
    expect(f).toMatchObject({ code: "DEID3003", line: 3 });
    expect(f!.message).toContain("earlier unconditional range");
    // Narrower first, partly overlapping, or behind a conditional range: each can decide.
    expectClean("deid 1\n(0010,0010)..(0010,0020) -> empty\n(0010,0000)..(0010,FFFF) -> remove\n", rules);
    expectClean("deid 1\n(0010,0000)..(0010,0015) -> remove\n(0010,0010)..(0010,0020) -> empty\n", rules);
    expectClean('deid 1\n(0010,0000)..(0010,FFFF) -> remove when Modality == "CT"\n(0010,0010)..(0010,0020) -> empty\n', rules);
  });
});
