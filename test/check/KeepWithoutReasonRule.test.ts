import { describe, expect, it } from "vitest";
import { KeepWithoutReasonRule } from "../../src/check/rules/KeepWithoutReasonRule";
import { checkFile } from "../../src/check";
import { loadProgram } from "../../src/program/parse-and-load";
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
  it("points its note at the base's rule, in the base's file", () => {
    const program = loadProgram("site.deid", [], header + "InstitutionName -> keep\n");
    const [d] = checkFile(program.entry, program, rules);
    const related = d!.related![0]!;
    const file = program.files.find((f) => f.path === related.file)!;
    const at = file.source.position(related.span.start);
    expect(related.message).toBe(`ps315.basic rule at line ${at.line}: X/Z/D`);
    expect(file.source.lineText(at.line)).toMatch(/^InstitutionName\b/);
  });
  it("does not apply to a profile with no base", () => {
    expectClean('deid 1\n\nprofile site.y "y"\n\nInstitutionName -> keep\n', rules);
  });
});
