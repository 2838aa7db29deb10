import { describe, expect, it } from "vitest";
import { ComparisonValueRule } from "../../src/check/rules/ComparisonValueRule";
import { expectClean, lintText } from "./harness";

const rules = [ComparisonValueRule];
const findings = (condition: string) => lintText(`deid 1\nStudyID -> "OLD" when ${condition}\n`, rules);

describe("ComparisonValueRule", () => {
  it("warns on an age compared with text that is no age string", () => {
    const [f, ...rest] = findings('PatientAge > "5"');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ code: "DEID2024", line: 2, column: 36, message: '`"5"` is not an age string: `PatientAge` holds values such as "093Y" or "006M" (three digits and a unit), compared as text' });
    expect(f!.help).toContain('`capAge(PatientAge, 5) == "006Y"`');
    expect(findings('PatientAge == "5Y"')).toHaveLength(1);
    expect(findings('PatientAge in ["005Y", "5"]')).toHaveLength(1);
  });

  it("warns on ages ordered as text, even well written: \"100M\" comes after \"089Y\"", () => {
    const [f] = findings('PatientAge > "089Y"');
    expect(f).toMatchObject({ code: "DEID2024" });
    expect(f!.message).toContain('orders ages as text');
    expect(f!.help).toContain('`capAge(PatientAge, 89) == "090Y"`');
  });

  it("warns on a date, date-time or time compared with text its VR never holds", () => {
    expect(findings('StudyDate > "2020-01-01"')[0]).toMatchObject({ code: "DEID2024", message: '`"2020-01-01"` is not a date: `StudyDate` holds YYYYMMDD, compared as text' });
    expect(findings('StudyTime < "9:30"')[0]!.message).toContain("is not a time");
    expect(findings('AcquisitionDateTime >= "2020/01"')[0]!.message).toContain("is not a date-time");
  });

  it("accepts what the VR holds, equality with an age, and the empty text", () => {
    expectClean('deid 1\nStudyID -> "OLD" when PatientAge == "093Y" or PatientAge in ["090Y", "091Y"] or PatientAge == "" or StudyDate >= "20200101" or StudyTime < "093000.5" or AcquisitionDateTime > "2020" or capAge(PatientAge, 89) == "090Y"\n', rules);
  });
});
