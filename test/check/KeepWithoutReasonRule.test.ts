import { describe, expect, it } from "vitest";
import { KeepWithoutReasonRule } from "../../src/check/rules/KeepWithoutReasonRule";
import { expectClean, lintText } from "./harness";

const rules = [KeepWithoutReasonRule];
const header = 'deid 1\n\nprofile site.x "x"\n  based on ps315.basic\n\n';

describe("KeepWithoutReasonRule", () => {
  it("asks for a reason when a site keeps what ps315.basic removes", () => {
    const [f] = lintText(header + "InstitutionName -> keep\n", rules);
    expect(f).toMatchObject({ code: "DEID3004", line: 6, column: 1 });
    expect(f!.message).toBe("keeps what `ps315.basic` says to X/Z/D, with no reason");
  });
  it("accepts a keep with `because`, and a keep of what the base keeps anyway", () => {
    expectClean(header + 'InstitutionName -> keep because "harmonisation"\nRows -> keep\n', rules);
  });
  it("does not apply to a profile with no base", () => {
    expectClean('deid 1\n\nprofile site.y "y"\n\nInstitutionName -> keep\n', rules);
  });
});
