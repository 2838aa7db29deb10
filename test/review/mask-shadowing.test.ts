// Review finding: masks rank together, and between two of one rank the earlier
// in the file wins. So `(0010,00@0) -> empty` after `(0010,xxxx) -> remove`
// never decides anything, yet linted clean: the new even/odd digits make such
// narrower masks common. A mask wholly inside an earlier unconditional mask of
// the same unit is now DEID3003 (unreachable), as an exact repeat already was.

import { describe, expect, it } from "vitest";
import { RuleOverlapRule } from "../../src/check/rules/RuleOverlapRule";
import { expectClean, lintText } from "../check/harness";

const rules = [RuleOverlapRule];

describe("a mask behind a wider unconditional mask", () => {
  it("is reported as unreachable (x, @ and # digits)", () => {
    const findings = lintText("deid 1\n(0010,xxxx) -> remove\n(0010,00@0) -> empty\n(0010,00x#) -> empty\n", rules);
    expect(findings.map((f) => [f.code, f.line])).toEqual([
      ["DEID3003", 3],
      ["DEID3003", 4],
    ]);
  });
  it("is reported behind an even-digit mask that contains it", () => {
    const [f] = lintText("deid 1\n(60@x,3000) -> remove\n(6000,3000) -> keep because \"exact tags rank first\"\n(602x,3000) -> empty\n", rules);
    expect(f).toMatchObject({ code: "DEID3003", line: 4 });
  });
  it("is fine when the narrow mask comes first, the wide one is conditional, or they only overlap", () => {
    expectClean('deid 1\n(0010,00@0) -> empty\n(0010,xxxx) -> remove\n', rules);
    expectClean('deid 1\n(0018,xxxx) -> remove when Modality == "CT"\n(0018,00@0) -> empty\n', rules);
    expectClean("deid 1\n(0020,00x0) -> remove\n(0020,0x00) -> empty\n", rules);
  });
});
