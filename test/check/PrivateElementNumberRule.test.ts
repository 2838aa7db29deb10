import { describe, expect, it } from "vitest";
import { PrivateElementNumberRule } from "../../src/check/rules/PrivateElementNumberRule";
import { expectClean, lintText } from "./harness";

const rules = [PrivateElementNumberRule];

describe("PrivateElementNumberRule", () => {
  it("warns on a private data element named by number in a selector, naming the creator form", () => {
    const [f, ...rest] = lintText("deid 1\n(0019,1010) -> keep because \"slice timing\"\n", rules);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ code: "DEID2022", line: 2, column: 1, message: "private element `(0019,1010)` named by number, without a private creator" });
    expect(f!.help).toBe(
      'the number depends on the block the creator got in each file, here whichever creator (0019,0010) names; write `(0019,"CREATOR",10)` with the creator as it appears in the data',
    );
  });

  it("warns in conditions and in sequence paths too", () => {
    const f = lintText('deid 1\nPatientName -> remove when (0029,1108) == "x"\n(0029,1010)/PatientName -> remove\n', rules);
    expect(f.map((x) => [x.line, x.column, x.message])).toEqual([
      [2, 28, "private element `(0029,1108)` named by number, without a private creator"],
      [3, 1, "private element `(0029,1010)` named by number, without a private creator"],
    ]);
    expect(f[0]!.help).toContain("whichever creator (0029,0011) names");
  });

  it("warns on a mask or range inside one block", () => {
    const f = lintText("deid 1\n(0019,10xx) -> remove\n(0019,1000)..(0019,10FF) -> remove\n(0019,1010)..(0019,1010) -> remove\n(0019,1010)..(0019,1020) -> remove\n", rules);
    expect(f.map((x) => [x.line, x.message])).toEqual([
      [2, "private elements `(0019,10xx)` named by number, without a private creator"],
      [3, "private elements `(0019,1000)..(0019,10FF)` named by number, without a private creator"],
      [4, "private element `(0019,1010)..(0019,1010)` named by number, without a private creator"],
      [5, "private elements `(0019,1010)..(0019,1020)` named by number, without a private creator"],
    ]);
    expect(f[0]!.help).toContain('`(0019,"CREATOR",xx)`');
    expect(f[2]!.help).toContain('`(0019,"CREATOR",10)`');
    expect(f[3]!.help).toContain('`(0019,"CREATOR",ee)` for each element offset ee');
  });

  it("is quiet on creator forms, creator elements, whole groups and standard tags", () => {
    expectClean(
      [
        "deid 1",
        '(0019,"GEMS_ACQU_01",10) -> keep because "a"',
        '(0019,"GEMS_ACQU_01",xx) -> remove when (0019,0010) == "GEMS_ACQU_01"',
        "(0019,xxxx) -> remove",
        "(0019,0000)..(0019,FFFF) -> remove",
        "(0019,1000)..(0019,11FF) -> remove",
        "(0010,1010) -> remove",
        "(60xx,3000) -> remove",
        "(0009,00xx) -> remove",
        "",
      ].join("\n"),
      rules,
    );
  });
});
