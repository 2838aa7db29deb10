import { describe, expect, it } from "vitest";
import { PixelRegionRule } from "../../src/check/rules/PixelRegionRule";
import { expectClean, lintText } from "./harness";

const rules = [PixelRegionRule];

describe("PixelRegionRule", () => {
  it("accepts rectangles inside the fixed dimensions", () => {
    expectClean("deid 1\npixels when Rows == 600 and Columns == 800 {\n  blank (0, 0, 800, 56)\n}\n", rules);
  });
  it("reports a rectangle past the fixed width", () => {
    const [f] = lintText("deid 1\npixels when Rows == 600 and Columns == 800 {\n  blank (700, 0, 200, 56)\n}\n", rules);
    expect(f).toMatchObject({ code: "DEID3005", line: 3, column: 3 });
    expect(f!.message).toContain("column 900");
  });
  it("reports empty rectangles and bad frame ranges", () => {
    const f = lintText("deid 1\npixels {\n  blank (0, 0, 0, 5)\n  blank (0, 0, 5, 5) frames 3..2\n}\n", rules);
    expect(f.map((x) => x.line)).toEqual([3, 4]);
  });
});
