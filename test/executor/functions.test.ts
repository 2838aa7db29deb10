// The pure functions of the expression language, one by one, including the
// absent-value and malformed-input cases the corpus does not reach.

import { describe, expect, it } from "vitest";
import { ageBand, capAge, endsWith, equalsIgnoreCase, format, includes, initials, matchesWhole, startsWith, truncate } from "../../src/runtime/executor/functions";

describe("text tests", () => {
  it("startsWith, endsWith, includes compare text and are false for an absent value", () => {
    expect(startsWith("GE MEDICAL", "GE")).toBe(true);
    expect(startsWith("GE MEDICAL", "MEDICAL")).toBe(false);
    expect(endsWith("GE MEDICAL", "MEDICAL")).toBe(true);
    expect(includes("GE MEDICAL", "E M")).toBe(true);
    expect(includes("GE MEDICAL", "SIEMENS")).toBe(false);
    expect(startsWith(undefined, "")).toBe(false);
    expect(endsWith("x", undefined)).toBe(false);
    expect(startsWith(123, "12")).toBe(true);
  });
  it("matches needs the whole value to match, flags kept", () => {
    expect(matchesWhole("CT", /C./)).toBe(true);
    expect(matchesWhole("CTX", /C./)).toBe(false);
    expect(matchesWhole("ab|c", /ab|c/)).toBe(false);
    expect(matchesWhole("ct", /CT/i)).toBe(true);
    expect(matchesWhole(undefined, /.*/)).toBe(false);
    // a global flag must not make the result depend on the previous call
    const g = /a/g;
    expect([matchesWhole("a", g), matchesWhole("a", g)]).toEqual([true, true]);
  });
  it("equalsIgnoreCase", () => {
    expect(equalsIgnoreCase("Ct", "cT")).toBe(true);
    expect(equalsIgnoreCase("CT", "MR")).toBe(false);
    expect(equalsIgnoreCase(undefined, undefined)).toBe(false);
  });
});

describe("value builders", () => {
  it("truncate keeps the first n characters, whole code points", () => {
    expect(truncate("ABCDEF", 3)).toBe("ABC");
    expect(truncate("AB", 5)).toBe("AB");
    expect(truncate("ABC", 0)).toBe("");
    expect(truncate("ABC", -2)).toBe("");
    expect(truncate("😀😀😀", 2)).toBe("😀😀");
    expect(truncate(undefined, 2)).toBe("");
  });
  it("initials of each name component, alphabetic group only", () => {
    expect(initials("DOE^JOHN^Q")).toBe("DJQ");
    expect(initials("doe^john")).toBe("DJ");
    expect(initials("DOE^^^DR")).toBe("DD");
    expect(initials("Yamada^Tarou=山田^太郎")).toBe("YT");
    expect(initials("A^B\\C^D")).toBe("AB\\CD");
    expect(initials(undefined)).toBe("");
  });
  it("format fills placeholders in order", () => {
    expect(format("{}-{}", "A", 3)).toBe("A-3");
    expect(format("{}-{}", "A")).toBe("A-");
    expect(format("no placeholders", "A")).toBe("no placeholders");
    expect(format("{}", undefined)).toBe("");
  });
  it("ageBand rounds down to the band, keeping the unit", () => {
    expect(ageBand("047Y", 5)).toBe("045Y");
    expect(ageBand("045Y", 5)).toBe("045Y");
    expect(ageBand("011M", 6)).toBe("006M");
    expect(ageBand("047Y", 0)).toBe("047Y");
    expect(ageBand("forty", 5)).toBe("");
    expect(ageBand(undefined, 5)).toBe("");
  });
  it("capAge caps ages above the limit at limit + 1 years", () => {
    expect(capAge("090Y", 89)).toBe("090Y");
    expect(capAge("093Y", 89)).toBe("090Y");
    expect(capAge("089Y", 89)).toBe("089Y");
    expect(capAge("030M", 89)).toBe("030M");
    expect(capAge("012Y", 10)).toBe("011Y");
    expect(capAge("999W", 10)).toBe("011Y");
    expect(capAge("bad", 89)).toBe("");
  });
});
