import { describe, expect, it } from "vitest";
import { KeywordPatternRule } from "../../src/check/rules/KeywordPatternRule";
import { PathSelectorRule } from "../../src/check/rules/PathSelectorRule";
import { ConditionTypeRule } from "../../src/check/rules/ConditionTypeRule";
import { expectClean, lintText } from "./harness";

describe("KeywordPatternRule", () => {
  it("accepts a pattern that finds keywords", () => {
    expectClean("deid 1\nkeyword /Date$/ -> X\nkeyword /^patient/i -> X\n", [KeywordPatternRule]);
  });
  it("reports a pattern that finds none, with the case hint", () => {
    const [f] = lintText("deid 1\nkeyword /date$/ -> X\n", [KeywordPatternRule]);
    expect(f).toMatchObject({ code: "DEID2017", line: 2, column: 9, message: "`/date$/` matches no attribute keyword of the data dictionary" });
    expect(f!.help).toContain("`i` flag");
    const [g] = lintText("deid 1\nkeyword /^Zzz/ -> X\n", [KeywordPatternRule]);
    expect(g).toMatchObject({ code: "DEID2017" });
  });
});

describe("`*` steps and any where", () => {
  it("reports a path that ends in `*`", () => {
    const [f] = lintText("deid 1\nContentSequence/* -> X\n", [PathSelectorRule]);
    expect(f).toMatchObject({ code: "DEID3010", message: "this path ends in `*`, a sequence level, so it selects no attribute" });
    expectClean("deid 1\nContentSequence/*/PersonName -> X\n/*/PatientID -> X\n", [PathSelectorRule]);
  });
  it("needs a condition after any where", () => {
    const [f] = lintText("deid 1\nany where PatientName -> X\n", [ConditionTypeRule]);
    expect(f).toMatchObject({ code: "DEID2003", message: "`any where` needs a condition, found text" });
  });
});
