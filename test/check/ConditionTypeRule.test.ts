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

describe("ConditionTypeRule: the help for a number compared with text never compiles into a wrong comparison", () => {
  const helpFor = (condition: string): string => lintText(`deid 1\nStudyID -> "OLD" when ${condition}\n`, rules)[0]!.help!;

  it("points an age (AS) compared with a number to capAge, which reads the age in any unit", () => {
    expect(helpFor("PatientAge > 5")).toBe('`PatientAge` is an age with a unit ("093Y", "006M"), compared as text; over 5 years, whatever the unit: `capAge(PatientAge, 5) == "006Y"`');
    expect(helpFor("PatientAge >= 18")).toContain('`capAge(PatientAge, 18) in ["019Y", "018Y", "216M"]`');
    expect(helpFor("PatientAge <= 89")).toContain('`capAge(PatientAge, 89) != "" and capAge(PatientAge, 89) != "090Y"`');
    expect(helpFor("PatientAge < 2")).toContain('`capAge(PatientAge, 2) != "" and not (capAge(PatientAge, 2) in ["003Y", "002Y", "024M"])`');
    expect(helpFor("PatientAge == 5")).toContain('`PatientAge == "005Y"`');
    expect(helpFor("5 < PatientAge")).toContain('`capAge(PatientAge, 5) == "006Y"`');
    expect(helpFor("PatientAge > 1.5")).not.toMatch(/quote/);
    // Over 83 years AS has no spelling in months (999M at most): the help names none.
    expect(helpFor("PatientAge == 5")).toContain('(not "060M")');
    expect(helpFor("PatientAge == 90")).toContain('`PatientAge == "090Y"` compares the age as written in years;');
    expect(helpFor("PatientAge != 90")).not.toContain('not "090Y"');
  });

  it("writes a date or time as its VR does, and never suggests quoting a number into a text order", () => {
    expect(helpFor("StudyDate > 20200101")).toBe('a date is text, YYYYMMDD, which orders as dates do: `"20200101"`');
    expect(helpFor("StudyDate > 2020")).toBe('a date is text, YYYYMMDD, which orders as dates do: write the whole date, e.g. `"20200101"`');
    expect(helpFor("StudyTime > 93000")).toBe('a time is text, HHMMSS with leading zeros, which orders as times do: `"093000"`');
    expect(helpFor("PatientID > 5")).toBe('`PatientID` holds text, and `>` compares text character by character ("12" comes before "5"); quote the value only if that order is meant');
    expect(helpFor('Modality == 3')).toContain('"3"');
  });
});
