import { describe, expect, it } from "vitest";
import { PixelApplyRule } from "../../src/check/rules/PixelApplyRule";
import { expectClean, lintText } from "./harness";

describe("PixelApplyRule", () => {
  it("allows one declaration", () => {
    expectClean("deid 1\npixels apply first\n", [PixelApplyRule]);
    expectClean("deid 1\npixels apply all\n", [PixelApplyRule]);
  });

  it("reports every declaration after the first, pointing at the first", () => {
    const f = lintText("deid 1\npixels apply first\npixels apply all\npixels apply first\n", [PixelApplyRule]);
    expect(f.map((x) => [x.code, x.line])).toEqual([
      ["DEID3023", 3],
      ["DEID3023", 4],
    ]);
    expect(f[0]!.message).toContain("`all`");
  });
});
