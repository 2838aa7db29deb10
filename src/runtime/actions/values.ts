// How the action library represents a decoded value, by VR. The dummy, empty
// and conformance functions agree on it, and so must the executor that calls
// them:
//   text VRs (AE AS CS DA DS DT IS LO LT PN SH ST TM UC UI UR UT): one string,
//     values separated by `\`, padding removed;
//   FL FD SL SS UL US AT: an array of numbers (AT: the tag as (group << 16 | element) >>> 0);
//   SV UV: an array of bigints (64-bit values do not fit a number);
//   OB OD OF OL OV OW UN: the raw bytes;
//   SQ: an array of items, handled by the caller.

export type DecodedValue = string | number[] | bigint[] | Uint8Array | unknown[];

export type ValueKind = "text" | "number" | "bigint" | "bytes" | "sequence";

const KIND_BY_VR: Readonly<Record<string, ValueKind>> = {
  AE: "text", AS: "text", CS: "text", DA: "text", DS: "text", DT: "text", IS: "text", LO: "text", LT: "text",
  PN: "text", SH: "text", ST: "text", TM: "text", UC: "text", UI: "text", UR: "text", UT: "text",
  FL: "number", FD: "number", SL: "number", SS: "number", UL: "number", US: "number", AT: "number",
  SV: "bigint", UV: "bigint",
  OB: "bytes", OD: "bytes", OF: "bytes", OL: "bytes", OV: "bytes", OW: "bytes", UN: "bytes",
  SQ: "sequence",
};

/** The representation of values of `vr`, or undefined for a string that is not a VR. */
export function valueKind(vr: string): ValueKind | undefined {
  return KIND_BY_VR[vr];
}

/**
 * Text VRs whose Value Multiplicity is always 1 (PS3.5 6.4): in LT, ST and UT
 * a backslash is ordinary text, and UR may not contain one at all. Every
 * other text VR separates values with `\`.
 */
export const SINGLE_VALUED_TEXT_VRS: ReadonlySet<string> = new Set(["LT", "ST", "UT", "UR"]);

/** Bytes in one value of a fixed-size binary VR. */
export const BINARY_VALUE_WIDTH: Readonly<Record<string, number>> = {
  FL: 4, FD: 8, SL: 4, SS: 2, UL: 4, US: 2, AT: 4, SV: 8, UV: 8,
  OB: 1, OD: 8, OF: 4, OL: 4, OV: 8, OW: 2, UN: 1,
};

/**
 * The smallest number of values a VM allows: 3 for "3", 2 for "2-2n",
 * 1 for "1-n" or "1-3". A number is taken as the count itself.
 */
export function minimumMultiplicity(vm: number | string): number {
  if (typeof vm === "number") {
    if (!Number.isInteger(vm) || vm < 1) throw new RangeError("value multiplicity must be a positive integer");
    return vm;
  }
  const match = /^\s*(\d+)/.exec(vm);
  const count = match ? Number(match[1]) : NaN;
  if (!(count >= 1)) throw new RangeError("value multiplicity must start with a positive integer");
  return count;
}
