import { describe, expect, it } from "vitest";
import {
  compileRegex,
  isMultiValuedTextVr,
  joinValues,
  mapValues,
  replaceInValues,
  splitValues,
  toLower,
  toUpper,
  truncateCodeUnits,
  truncateToVrLength,
} from "../../../src/runtime/actions/text-transforms";

describe("value multiplicity", () => {
  it("splits and joins on backslash", () => {
    expect(splitValues("A\\B\\\\C")).toEqual(["A", "B", "", "C"]);
    expect(splitValues("")).toEqual([""]);
    expect(joinValues(["A", "", "C"])).toBe("A\\\\C");
    expect(joinValues(splitValues("X\\Y"))).toBe("X\\Y");
  });

  it("knows which text VRs are single-valued", () => {
    for (const vr of ["LT", "ST", "UT", "UR"]) expect(isMultiValuedTextVr(vr)).toBe(false);
    for (const vr of ["CS", "LO", "PN", "DA", "UI"]) expect(isMultiValuedTextVr(vr)).toBe(true);
  });

  it("maps each value, or the whole text for LT/ST/UT/UR", () => {
    expect(mapValues("a\\b", "LO", (v) => `<${v}>`)).toBe("<a>\\<b>");
    expect(mapValues("a\\b", "LT", (v) => `<${v}>`)).toBe("<a\\b>");
    expect(mapValues("a", "LO", (v) => `<${v}>`)).toBe("<a>");
  });
});

describe("case", () => {
  it("converts without locale", () => {
    expect(toUpper("smith^john ß")).toBe("SMITH^JOHN SS");
    expect(toLower("İSTANBUL")).toBe("i̇stanbul");
    expect(toLower("ABC")).toBe("abc");
  });
});

describe("replace", () => {
  it("replaces per value with JavaScript semantics", () => {
    const digits = compileRegex("[0-9]{6,}", "g");
    expect(replaceInValues("ACC 1234567 and 7654321", "LO", digits, "#")).toBe("ACC # and #");
    expect(replaceInValues("abc\\abd", "LO", compileRegex("^ab", ""), "X")).toBe("Xc\\Xd");
    expect(replaceInValues("abc\\abd", "LT", compileRegex("^ab", ""), "X")).toBe("Xc\\abd");
    expect(replaceInValues("Smith, John", "LO", compileRegex("(\\w+), (\\w+)", ""), "$2 $1")).toBe("John Smith");
  });

  it("gives the same result when a global pattern is reused", () => {
    const re = compileRegex("a", "g");
    expect(replaceInValues("banana", "LO", re, "o")).toBe("bonono");
    expect(replaceInValues("banana", "LO", re, "o")).toBe("bonono");
  });

  it("accepts only the language's flags", () => {
    expect(compileRegex("x", "gimsu").flags).toBe("gimsu");
    expect(() => compileRegex("x", "y")).toThrow(SyntaxError);
    expect(() => compileRegex("x", "gg")).toThrow(SyntaxError);
    expect(() => compileRegex("(", "")).toThrow(SyntaxError);
  });
});

describe("truncation", () => {
  it("truncates each value to the VR maximum", () => {
    expect(truncateToVrLength("x".repeat(20), "SH")).toBe("x".repeat(16));
    expect(truncateToVrLength(`${"x".repeat(20)}\\short`, "SH")).toBe(`${"x".repeat(16)}\\short`);
    expect(truncateToVrLength("x".repeat(2000), "ST").length).toBe(1024);
    expect(truncateToVrLength("x".repeat(2000), "ST")).toBe("x".repeat(1024));
    const long = "y".repeat(100000);
    expect(truncateToVrLength(long, "UT")).toBe(long);
  });

  it("limits each PN component group to 64", () => {
    const group = "A".repeat(70);
    expect(truncateToVrLength(`${group}=${group}`, "PN")).toBe(`${"A".repeat(64)}=${"A".repeat(64)}`);
    expect(truncateToVrLength("Smith^John=スミス^ジョン", "PN")).toBe("Smith^John=スミス^ジョン");
  });

  it("never splits a surrogate pair", () => {
    const s = "a".repeat(15) + "😀";
    expect(truncateCodeUnits(s, 16)).toBe("a".repeat(15));
    expect(truncateCodeUnits(s, 17)).toBe(s);
    expect(truncateToVrLength(s, "SH")).toBe("a".repeat(15));
  });
});
