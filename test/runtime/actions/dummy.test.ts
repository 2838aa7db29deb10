import { describe, expect, it } from "vitest";
import { VRS, VR_MAX_LENGTH } from "../../../src/dicom/vr";
import { conformsToVr, isValidTextValue } from "../../../src/runtime/actions/conformance";
import { DUMMY_UID, TEXT_DUMMIES, dummyValue, emptyValue } from "../../../src/runtime/actions/dummy";
import { isValidUid } from "../../../src/runtime/actions/uid";
import { minimumMultiplicity, valueKind } from "../../../src/runtime/actions/values";

/**
 * PS3.5 Table 6.2-1 formats written out again, independently of
 * conformance.ts, for the values the dummies may take.
 */
const TEXT_FORMAT: Record<string, RegExp> = {
  AE: /^[\x20-\x5b\x5d-\x7e]*[\x21-\x5b\x5d-\x7e][\x20-\x5b\x5d-\x7e]*$/,
  AS: /^[0-9]{3}[DWMY]$/,
  CS: /^[A-Z0-9 _]+$/,
  DA: /^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$/,
  DS: /^[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$/,
  DT: /^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])([0-9]{2,6}(\.[0-9]{1,6})?)?([+-][0-9]{4})?$/,
  IS: /^[+-]?[0-9]+$/,
  LO: /^[^\\\x00-\x1f]+$/,
  LT: /^[^\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]+$/,
  PN: /^[^\\\x00-\x1f]+$/,
  SH: /^[^\\\x00-\x1f]+$/,
  ST: /^[^\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]+$/,
  TM: /^([01][0-9]|2[0-3])([0-5][0-9]([0-5][0-9](\.[0-9]{1,6})?)?)?$/,
  UC: /^[^\\\x00-\x1f]+$/,
  UI: /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/,
  UR: /^[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/,
  UT: /^[^\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]+$/,
};

const BINARY_WIDTH: Record<string, number> = { OB: 1, OD: 8, OF: 4, OL: 4, OV: 8, OW: 2, UN: 1 };

describe("dummyValue", () => {
  it("covers all 34 VRs", () => {
    expect(VRS.length).toBe(34);
  });

  for (const vr of VRS) {
    it(`gives a valid non-zero-length dummy for ${vr}`, () => {
      const value = dummyValue(vr);
      if (vr === "SQ") {
        expect(value).toBeNull();
        return;
      }
      expect(value).not.toBeNull();
      expect(conformsToVr(vr, value!)).toBe(true);
      switch (valueKind(vr)) {
        case "text": {
          expect(typeof value).toBe("string");
          const text = value as string;
          expect(text.length).toBeGreaterThan(0);
          expect(text).toMatch(TEXT_FORMAT[vr]!);
          const max = VR_MAX_LENGTH[vr];
          if (max !== null) expect(text.length).toBeLessThanOrEqual(max);
          // plain ASCII: valid under every Specific Character Set
          expect(text).toMatch(/^[\x20-\x7e]+$/);
          // short enough to fit even the 16-character VRs
          expect(text.length).toBeLessThanOrEqual(vr === "UI" || vr === "UR" ? 64 : 16);
          break;
        }
        case "number":
          expect(value).toEqual([0]);
          break;
        case "bigint":
          expect(value).toEqual([0n]);
          break;
        case "bytes": {
          const bytes = value as Uint8Array;
          expect(bytes).toBeInstanceOf(Uint8Array);
          expect(bytes.length).toBeGreaterThan(0);
          expect(bytes.length % 2).toBe(0);
          expect(bytes.length % BINARY_WIDTH[vr]!).toBe(0);
          expect([...bytes].every((b) => b === 0)).toBe(true);
          break;
        }
        default:
          throw new Error(`unexpected kind for ${vr}`);
      }
    });
  }

  it("honours the value multiplicity, as a count or a PS3.6 VM", () => {
    expect(dummyValue("DS", 3)).toBe("0\\0\\0");
    expect(dummyValue("DS", "2-2n")).toBe("0\\0");
    expect(dummyValue("CS", "2-n")).toBe("DEIDENTIFIED\\DEIDENTIFIED");
    expect(dummyValue("LO", "1-n")).toBe("DEIDENTIFIED");
    // A PN with its component delimiter, which validators expect of a current Person Name.
    expect(dummyValue("PN", "1-n")).toBe("DEIDENTIFIED^");
    expect(dummyValue("FD", "3")).toEqual([0, 0, 0]);
    expect(dummyValue("UV", 2)).toEqual([0n, 0n]);
    expect(dummyValue("AT", 1)).toEqual([0]);
    expect(dummyValue("OB", 4)).toEqual(new Uint8Array(2));
    for (const vr of VRS) if (vr !== "SQ") expect(conformsToVr(vr, dummyValue(vr, 3)!)).toBe(true);
  });

  it("returns fresh values the caller may modify", () => {
    const a = dummyValue("OW") as Uint8Array;
    a[0] = 7;
    expect((dummyValue("OW") as Uint8Array)[0]).toBe(0);
  });

  it("uses a fixed UID derived from nothing secret", () => {
    expect(DUMMY_UID).toBe("2.25.0");
    expect(isValidUid(DUMMY_UID)).toBe(true);
  });

  it("has a text dummy for exactly the text VRs", () => {
    const textVrs = VRS.filter((vr) => valueKind(vr) === "text");
    expect(Object.keys(TEXT_DUMMIES).sort()).toEqual([...textVrs].sort());
  });

  it("rejects what is not a VR and bad multiplicities", () => {
    expect(() => dummyValue("XX")).toThrow(RangeError);
    expect(() => dummyValue("LO", 0)).toThrow(RangeError);
    expect(() => dummyValue("LO", "n")).toThrow(RangeError);
  });
});

describe("emptyValue", () => {
  it("is zero-length in the representation of each VR", () => {
    for (const vr of VRS) {
      const value = emptyValue(vr);
      if (typeof value === "string") expect(value).toBe("");
      else if (value instanceof Uint8Array) expect(value.length).toBe(0);
      else expect(value).toEqual([]);
      expect(conformsToVr(vr, value)).toBe(true);
    }
    expect(() => emptyValue("ZZ")).toThrow(RangeError);
  });
});

describe("minimumMultiplicity", () => {
  it("reads the lower bound of a VM", () => {
    expect(minimumMultiplicity("1")).toBe(1);
    expect(minimumMultiplicity("1-3")).toBe(1);
    expect(minimumMultiplicity("3-3n")).toBe(3);
    expect(minimumMultiplicity(4)).toBe(4);
  });
});

describe("conformsToVr", () => {
  const valid: [string, string][] = [
    ["AE", "STORESCP"], ["AS", "043Y"], ["CS", "ORIGINAL\\PRIMARY"], ["DA", "20200315"], ["DS", " -1.5e3 "],
    ["DS", ".5"], ["DT", "20200315120000.5+0100"], ["DT", "2020"], ["IS", "-2147483648"], ["LO", "Héllo wörld"],
    ["LT", "line 1\r\nline 2 \\ with backslash"], ["PN", "Smith^John^^Dr^Jr=スミス^ジョン=すみす"], ["SH", "1234567890123456"],
    ["TM", "235960.123456"], ["TM", "10"], ["UI", "1.2.840.10008.1.2"], ["UR", "https://example.org/a?b=c#d"], ["UT", "x".repeat(100000)],
    ["UC", "anything but backslash\\second value"], ["ST", "tab\there"],
  ];
  const invalid: [string, string][] = [
    ["AE", "    "], ["AE", "A\nB"], ["AE", "x".repeat(17)], ["AS", "43Y"], ["CS", "lower"], ["CS", "X".repeat(17)],
    ["DA", "20200230"], ["DA", "2020.03.15"], ["DS", "1,5"], ["DS", "1".repeat(17)], ["DT", "20201301"], ["IS", "2147483648"],
    ["IS", "1.0"], ["LO", "x".repeat(65)], ["LO", "tab\there"], ["PN", "a=b=c=d"], ["PN", "a^b^c^d^e^f"], ["PN", "x".repeat(65)],
    ["SH", "x".repeat(17)], ["ST", "x".repeat(1025)], ["TM", "2400"], ["TM", "10:30"], ["UI", "1.02"], ["UR", "with space inside"],
    ["UR", " leading"], ["LT", "bell\u0007"],
  ];
  it("accepts valid text values", () => {
    for (const [vr, v] of valid) expect(conformsToVr(vr, v), `${vr} ${JSON.stringify(v).slice(0, 40)}`).toBe(true);
  });
  it("rejects invalid text values", () => {
    for (const [vr, v] of invalid) expect(conformsToVr(vr, v), `${vr} ${JSON.stringify(v).slice(0, 40)}`).toBe(false);
  });
  it("checks binary ranges and representations", () => {
    expect(conformsToVr("US", [65535])).toBe(true);
    expect(conformsToVr("US", [65536])).toBe(false);
    expect(conformsToVr("SS", [-32769])).toBe(false);
    expect(conformsToVr("UL", [1.5])).toBe(false);
    expect(conformsToVr("FD", [Number.NaN, 1.5])).toBe(true);
    expect(conformsToVr("SV", [-(2n ** 63n)])).toBe(true);
    expect(conformsToVr("UV", [-1n])).toBe(false);
    expect(conformsToVr("UV", [1])).toBe(false);
    expect(conformsToVr("OW", new Uint8Array(3))).toBe(false);
    expect(conformsToVr("OF", new Uint8Array(8))).toBe(true);
    expect(conformsToVr("LO", [1])).toBe(false);
    expect(conformsToVr("US", "1")).toBe(false);
    expect(conformsToVr("SQ", [])).toBe(true);
    expect(conformsToVr("QQ", "x")).toBe(false);
  });
  it("accepts empty values, alone or among others", () => {
    expect(isValidTextValue("DA", "")).toBe(true);
    expect(conformsToVr("DA", "20200315\\")).toBe(true);
  });
});
