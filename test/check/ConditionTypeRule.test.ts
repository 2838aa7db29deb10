import { describe, expect, it } from "vitest";
import { ConditionTypeRule } from "../../src/check/rules/ConditionTypeRule";
import { expectClean, lintText } from "./harness";

const rules = [ConditionTypeRule];

describe("ConditionTypeRule", () => {
  it("accepts well-typed conditions", () => {
    expectClean('deid 1\nPatientName -> X when Modality == "CT" and Rows >= 512 or ImageType contains "SCREEN" or Manufacturer ~ /GE/i or Modality in ["US", "MR"]\n', rules);
  });
  it("reports comparing text with a number, with a fix hint", () => {
    const [f] = lintText("deid 1\nPatientName -> X when Modality == 3\n", rules);
    expect(f).toMatchObject({ code: "DEID2003", line: 2, column: 23, message: "`==` compares text with number" });
    expect(f!.help).toContain('"3"');
  });
  it("reports a non-boolean condition", () => {
    const [f] = lintText("deid 1\nPatientName -> X when Modality\n", rules);
    expect(f!.message).toBe("`when` needs a condition, found text");
  });
  it("reports `~` without a regular expression and `in` without a list", () => {
    const f = lintText('deid 1\nPatientName -> X when Modality ~ "CT"\nPatientID -> X when Modality in "CT"\n', rules);
    expect(f.map((x) => x.line)).toEqual([2, 3]);
  });
  it("reports list items of the wrong type", () => {
    const [f] = lintText('deid 1\nPatientName -> X when Rows in [512, "600"]\n', rules);
    expect(f).toMatchObject({ code: "DEID2003", line: 2 });
  });
});
