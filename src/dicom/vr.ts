// Value representations (PS3.5 Table 6.2-1): what a value of each VR may be.

export const VRS = [
  "AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO", "LT", "OB", "OD", "OF", "OL", "OV",
  "OW", "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC", "UI", "UL", "UN", "UR", "US", "UT", "UV",
] as const;

export type Vr = (typeof VRS)[number];

export function isVr(s: string): s is Vr {
  return (VRS as readonly string[]).includes(s);
}

/** Maximum length in characters (bytes for fixed-size binary) of one value; null = no practical limit. */
export const VR_MAX_LENGTH: Record<Vr, number | null> = {
  AE: 16, AS: 4, AT: 4, CS: 16, DA: 8, DS: 16, DT: 26, FD: 8, FL: 4, IS: 12, LO: 64, LT: 10240,
  OB: null, OD: null, OF: null, OL: null, OV: null, OW: null, PN: 64, SH: 16, SL: 4, SQ: null,
  SS: 2, ST: 1024, SV: 8, TM: 14, UC: null, UI: 64, UL: 4, UN: null, UR: null, US: 2, UT: null, UV: 8,
};

/** VRs whose value is text (a string action makes sense). */
export const TEXT_VRS: ReadonlySet<string> = new Set(["AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM", "UC", "UI", "UR", "UT"]);

/** VRs whose value is a number (binary or decimal string). */
export const NUMERIC_VRS: ReadonlySet<string> = new Set(["DS", "IS", "FD", "FL", "SL", "SS", "SV", "UL", "US", "UV"]);

/** VRs holding dates or times (date shift applies). */
export const TEMPORAL_VRS: ReadonlySet<string> = new Set(["DA", "DT", "TM"]);

/** Explicit VR encodings with a 2-byte reserved field and a 4-byte length (PS3.5 7.1.2). */
export const LONG_LENGTH_VRS: ReadonlySet<string> = new Set(["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"]);
