import { describe, expect, it } from "vitest";
import { FilterReasonRule } from "../../src/check/rules/FilterReasonRule";
import { SkipFilterRule } from "../../src/check/rules/SkipFilterRule";
import { expectClean, lintText } from "./harness";

describe("SkipFilterRule", () => {
  it("warns about a `skip` without `because`, naming the risk", () => {
    const [f, ...rest] = lintText('deid 1\nskip when Modality == "SR"\n', [SkipFilterRule, FilterReasonRule]);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ code: "DEID3021", line: 2, column: 1 });
    expect(f!.message).toContain("identifiers included");
  });

  it("accepts a `skip` with a reason", () => {
    expectClean('deid 1\nskip when StudyDescription == "PHANTOM" because "phantom studies carry no patient"\n', [SkipFilterRule, FilterReasonRule]);
  });

  it("leaves the other outcomes to FilterReasonRule, which asks `accept` for a reason too", () => {
    expect(lintText('deid 1\naccept when Modality == "CT"\n', [SkipFilterRule])).toEqual([]);
    expect(lintText('deid 1\naccept when Modality == "CT"\n', [FilterReasonRule])).toMatchObject([{ code: "DEID3006", line: 2 }]);
  });
});
