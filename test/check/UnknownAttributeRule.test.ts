import { describe, expect, it } from "vitest";
import { UnknownAttributeRule } from "../../src/check/rules/UnknownAttributeRule";
import { expectClean, lintText } from "./harness";

const rules = [UnknownAttributeRule];

describe("UnknownAttributeRule", () => {
  it("accepts dictionary keywords and tags", () => {
    expectClean("deid 1\nPatientName, (0010,0020), (60xx,3000) -> X\n", rules);
  });
  it("reports a misspelt keyword with the closest keyword as suggestion and fix", () => {
    const [f] = lintText("deid 1\nPatientsName -> X\n", rules);
    expect(f).toMatchObject({ code: "DEID2001", line: 2, column: 1, message: "unknown attribute keyword `PatientsName`" });
    expect(f!.help).toContain("`PatientName`");
  });
  it("warns on a standard tag the dictionary does not list, and ignores private groups", () => {
    const f = lintText("deid 1\n(0010,9999) -> X\n(0011,1010) -> X\n", rules);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ code: "DEID2013", line: 2 });
  });
});
