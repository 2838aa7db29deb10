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

describe("PixelRegionRule: region forms", () => {
  it("resolves edge coordinates against the dimensions the condition fixes", () => {
    expectClean("deid 1\npixels when Rows == 600 and Columns == 800 {\n  blank (Columns - 200, Rows - 40, 200, 40)\n  keep (0, 56, Columns, Rows - 56)\n}\n", rules);
    const [f] = lintText("deid 1\npixels when Rows == 600 and Columns == 800 {\n  blank (Columns - 100, 0, 200, 40)\n}\n", rules);
    expect(f).toMatchObject({ code: "DEID3005", line: 3 });
    expect(f!.message).toContain("column 900");
  });

  it("reports an edge from the wrong axis, or a name that is no edge (DEID3022)", () => {
    const f = lintText("deid 1\npixels {\n  blank (Rows - 10, 0, 10, 10)\n  blank (0, Columns, 10, 10)\n  blank (0, 0, Width - 2, 10)\n}\n", rules);
    expect(f.map((x) => [x.code, x.line, x.column])).toEqual([
      ["DEID3022", 3, 10],
      ["DEID3022", 4, 13],
      ["DEID3022", 5, 16],
    ]);
    expect(f[0]!.help).toContain("`Columns - 10`");
  });

  it("checks corners: the second corner lies past the first", () => {
    expectClean("deid 1\npixels {\n  blank from (0, 0) to (10, 10)\n  blank from (Columns - 200, 0) to (Columns, 40)\n  blank from (100, 0) to (Columns, Rows)\n}\n", rules);
    const f = lintText("deid 1\npixels {\n  blank from (10, 10) to (10, 20)\n  blank from (Columns - 10, 0) to (Columns - 20, 5)\n}\n", rules);
    expect(f.map((x) => [x.code, x.line])).toEqual([
      ["DEID3005", 3],
      ["DEID3005", 4],
    ]);
  });

  it("asks the keep lines of a block for one fill (DEID3024)", () => {
    expectClean("deid 1\npixels {\n  keep (0, 0, 10, 10) fill 5\n  keep (20, 0, 10, 10) fill 5\n}\npixels {\n  keep (0, 0, 10, 10)\n}\n", rules);
    const [f] = lintText("deid 1\npixels {\n  keep (0, 0, 10, 10) fill 5\n  keep (20, 0, 10, 10)\n  blank (40, 0, 10, 10) fill 9\n}\n", rules);
    expect(f).toMatchObject({ code: "DEID3024", line: 4 });
  });

  it("reports a colour component that is not a whole, non-negative number", () => {
    const [f] = lintText("deid 1\npixels {\n  blank (0, 0, 10, 10) fill (255, -1, 0)\n}\n", rules);
    expect(f).toMatchObject({ code: "DEID3005", line: 3 });
  });
});

describe("PixelRegionRule: corners", () => {
  it("reports a wrong edge in a corner once", () => {
    const f = lintText("deid 1\npixels {\n  blank from (Rows - 10, 0) to (Columns, 10)\n}\n", rules);
    expect(f.map((x) => [x.code, x.line, x.column])).toEqual([["DEID3022", 3, 15]]);
  });
});
