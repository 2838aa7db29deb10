// Review finding: `append` was refused only for VM 1. `PixelSpacing -> append
// "0.5"` linted clean and wrote PixelSpacing with three values (VM 2), and an
// `append` to a VM 2-2n attribute (pairs) leaves an odd count: both make the
// object invalid on every run. `append` needs a VM that can grow by one.

import { describe, expect, it } from "vitest";
import { CreateAppendRule } from "../../src/check/rules/CreateAppendRule";
import { expectClean, lintText } from "../check/harness";

const rules = [CreateAppendRule];

describe("append and the attribute's value multiplicity", () => {
  it("accepts VM 1-n, 2-n and ranges", () => {
    expectClean('deid 1\nImageType -> append "DERIVED"\nOtherPatientIDs -> append "X"\nReferencedFrameNumber -> append "2"\n', rules);
  });
  it("refuses a fixed VM other than 1 (PixelSpacing, VM 2)", () => {
    const [f] = lintText('deid 1\nPixelSpacing -> append "0.5"\n', rules);
    expect(f).toMatchObject({ code: "DEID2016", line: 2, message: "`append` adds a value, but `PixelSpacing` holds exactly 2 values (VM 2)" });
  });
  it("refuses values that come in groups (VM 2-2n)", () => {
    const [f] = lintText('deid 1\nVerticesOfThePolygonalShutter -> append "1"\n', rules);
    expect(f).toMatchObject({ code: "DEID2016", line: 2 });
  });
});
