import { describe, expect, it } from "vitest";
import { FormatPlaceholderRule } from "../../src/check/rules/FormatPlaceholderRule";
import { expectClean, lintText } from "./harness";

const rules = [FormatPlaceholderRule];

describe("FormatPlaceholderRule", () => {
  it("accepts one value per placeholder", () => {
    expectClean('deid 1\nStudyDescription -> format("{}-{}", Modality, PatientSex)\nPatientName -> format("ANON")\n', rules);
  });
  it("reports too few values", () => {
    const [f] = lintText('deid 1\nStudyDescription -> format("{}-{}-{}", Modality, PatientSex)\n', rules);
    expect(f).toMatchObject({ code: "DEID2015", line: 2, column: 21, message: "the template has 3 `{}` placeholders but 2 values follow it" });
  });
  it("reports too many values", () => {
    const [f] = lintText('deid 1\nStudyDescription -> format("{}", Modality, PatientSex)\n', rules);
    expect(f).toMatchObject({ code: "DEID2015", message: "the template has 1 `{}` placeholder but 2 values follow it" });
  });
  it("requires a template written as a string", () => {
    const [f] = lintText("deid 1\nStudyDescription -> format(Modality, PatientSex)\n", rules);
    expect(f).toMatchObject({ code: "DEID2015", column: 28 });
  });
});
