import { describe, expect, it } from "vitest";
import { ActionVrRule } from "../../src/check/rules/ActionVrRule";
import { expectClean, lintText } from "./harness";

const rules = [ActionVrRule];

describe("ActionVrRule", () => {
  it("accepts actions that fit the VR", () => {
    expectClean('deid 1\nStudyInstanceUID -> U\nStudyDate -> coarsen(year)\nPatientID -> "P1"\nRows -> "512"\nStudyDescription -> replace(/x/g, "y")\n', rules);
  });
  it("rejects a UID replacement on a date", () => {
    const [f] = lintText("deid 1\nStudyDate -> U\n", rules);
    expect(f).toMatchObject({ code: "DEID2002", line: 2, column: 14 });
    expect(f!.message).toContain("`StudyDate` is DA");
  });
  it("rejects a date shift on a non-date", () => {
    const [f] = lintText("deid 1\nlet o = 3\nPatientName -> shift(o)\n", rules);
    expect(f).toMatchObject({ code: "DEID2002", line: 3 });
  });
  it("rejects a number a binary integer VR cannot hold, rather than writing it wrapped", () => {
    const f = lintText("deid 1\nRows -> 70000\nColumns -> -1\nRows -> 3.5\nSmallestImagePixelValue -> -5\n", rules);
    expect(f.map((x) => [x.line, x.message])).toEqual([
      [2, "the value `70000` for `Rows` is outside the range of US (0 to 65535)"],
      [3, "the value `-1` for `Columns` is outside the range of US (0 to 65535)"],
      [4, "the value `3.5` for `Rows` is not a whole number, and US holds integers"],
    ]);
    expectClean("deid 1\nRows -> 65535\nColumns -> 0\nSliceThickness -> 2.5\n", rules);
  });
  it("rejects a hash where a UID goes, and a text offset for shift", () => {
    const f = lintText("deid 1\nsecret key from env DEID_KEY\nlet offset = hash(key, PatientID, 4)\nStudyInstanceUID -> hash(key, StudyInstanceUID, 8)\nStudyDate -> shift(offset)\n", rules);
    expect(f.map((x) => [x.code, x.line])).toEqual([["DEID2002", 4], ["DEID2012", 5]]);
    expectClean("deid 1\nsecret key from env DEID_KEY\nlet offset = days(key, PatientID, -30 .. -1)\nStudyDate -> shift(offset)\n", rules);
  });
  it("rejects a text literal for a numeric VR", () => {
    const [f] = lintText('deid 1\nRows -> "many"\n', rules);
    expect(f!.message).toContain("holds a number");
  });
  it("rejects a literal longer than the VR allows", () => {
    const [f] = lintText(`deid 1\nPatientID -> "${"A".repeat(65)}"\n`, rules);
    expect(f!.message).toContain("LO allows 64");
  });
  it("rejects an invalid UID literal and an invalid date literal", () => {
    const f = lintText('deid 1\nStudyInstanceUID -> "1.02.3"\nStudyDate -> "2024-01-01"\n', rules);
    expect(f.map((x) => x.line)).toEqual([2, 3]);
  });
});
