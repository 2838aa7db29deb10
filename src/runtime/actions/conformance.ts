// Does a decoded value fit its VR? PS3.5 Table 6.2-1 (character repertoire,
// length, format) for text, value ranges for binary numbers. The executor
// uses it on values a rule computes (`set`, `hash`, `replace`) so that an
// output that would be invalid is reported instead of written; the tests use
// it on every dummy. Lengths are counted in UTF-16 code units, which is never
// less than the number of characters PS3.5 limits.

import { VR_MAX_LENGTH, isVr } from "../../dicom/vr";
import { parseDa, parseDt } from "./dates";
import { isValidUid } from "./uid";
import { BINARY_VALUE_WIDTH, SINGLE_VALUED_TEXT_VRS, valueKind, type DecodedValue } from "./values";

const ESC = 0x1b;

/** AE: Default Character Repertoire (0x20-0x7E) without backslash; not only spaces. */
function isAe(v: string): boolean {
  let nonSpace = false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x5c) return false;
    if (c !== 0x20) nonSpace = true;
  }
  return nonSpace;
}

/** CS: upper-case letters, digits, space and underscore. */
const CS_PATTERN = /^[A-Z0-9 _]*$/;
const AS_PATTERN = /^\d{3}[DWMY]$/;
/** DS: a fixed or floating point number, optionally space padded. */
const DS_PATTERN = /^ *[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)? *$/;
const IS_PATTERN = /^ *[+-]?\d+ *$/;
/** TM: HH, HHMM, HHMMSS or HHMMSS.F{1-6}, optionally space padded. */
const TM_PATTERN = /^(?:[01]\d|2[0-3])(?:[0-5]\d(?:(?:[0-5]\d|60)(?:\.\d{1,6})?)?)? *$/;
/** UR: RFC 3986 section 2 characters (unreserved, reserved, percent), trailing space padding only. */
const UR_PATTERN = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]* *$/;

/**
 * SH, LO, UC, PN: any character except backslash and the control characters
 * other than ESC (PS3.5 6.1.2.3 keeps ESC for code extensions).
 */
function hasOnlyStringCharacters(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 0x5c || ((c < 0x20 || c === 0x7f) && c !== ESC)) return false;
  }
  return true;
}

/** ST, LT, UT: also TAB, LF, FF and CR (and backslash, since they are single-valued). */
function hasOnlyTextCharacters(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if ((c < 0x20 || c === 0x7f) && c !== ESC && c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d) return false;
  }
  return true;
}

/** PN: at most three component groups (`=`), each at most 64 characters and five components (`^`). */
function isPersonName(v: string): boolean {
  if (!hasOnlyStringCharacters(v)) return false;
  const groups = v.split("=");
  if (groups.length > 3) return false;
  for (const group of groups) {
    if (group.length > 64) return false;
    if (group.split("^").length > 5) return false;
  }
  return true;
}

function fitsLength(vr: string, v: string): boolean {
  const max = isVr(vr) ? VR_MAX_LENGTH[vr] : null;
  return max === null || v.length <= max;
}

/** One value (no `\` delimiters left for multi-valued VRs) against its text VR. */
export function isValidTextValue(vr: string, v: string): boolean {
  if (v === "") return true;
  switch (vr) {
    case "AE":
      return fitsLength(vr, v) && isAe(v);
    case "AS":
      return AS_PATTERN.test(v);
    case "CS":
      return fitsLength(vr, v) && CS_PATTERN.test(v);
    case "DA":
      return v.length === 8 && parseDa(v) !== null;
    case "DS":
      return fitsLength(vr, v) && DS_PATTERN.test(v);
    case "DT": {
      const trimmed = v.replace(/ +$/, "");
      return fitsLength(vr, v) && parseDt(trimmed) !== null;
    }
    case "IS": {
      if (!fitsLength(vr, v) || !IS_PATTERN.test(v)) return false;
      const n = Number(v);
      return n >= -2147483648 && n <= 2147483647;
    }
    case "LO":
    case "SH":
    case "UC":
      return fitsLength(vr, v) && hasOnlyStringCharacters(v);
    case "PN":
      return isPersonName(v);
    case "LT":
    case "ST":
    case "UT":
      return fitsLength(vr, v) && hasOnlyTextCharacters(v);
    case "TM":
      return fitsLength(vr, v) && TM_PATTERN.test(v);
    case "UI":
      return isValidUid(v);
    case "UR":
      return v.charCodeAt(0) !== 0x20 && UR_PATTERN.test(v);
    default:
      return false;
  }
}

const INTEGER_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  SL: [-2147483648, 2147483647],
  SS: [-32768, 32767],
  UL: [0, 4294967295],
  US: [0, 65535],
  AT: [0, 4294967295],
};

/**
 * True when `value`, in the representation of values.ts, is a valid value
 * of `vr`: every `\`-separated text value valid (empty values are), every
 * number in range for its binary type, byte length a multiple of the value
 * width. SQ accepts any array of items (item content is checked element by
 * element). False for a representation that does not match the VR.
 */
export function conformsToVr(vr: string, value: DecodedValue): boolean {
  switch (valueKind(vr)) {
    case "text": {
      if (typeof value !== "string") return false;
      if (SINGLE_VALUED_TEXT_VRS.has(vr)) return isValidTextValue(vr, value);
      if (value.indexOf("\\") < 0) return isValidTextValue(vr, value);
      for (const single of value.split("\\")) if (!isValidTextValue(vr, single)) return false;
      return true;
    }
    case "number": {
      if (!Array.isArray(value)) return false;
      const range = INTEGER_RANGES[vr];
      for (const n of value) {
        if (typeof n !== "number") return false;
        if (range !== undefined && !(Number.isInteger(n) && n >= range[0] && n <= range[1])) return false;
      }
      return true;
    }
    case "bigint": {
      if (!Array.isArray(value)) return false;
      const [lo, hi] = vr === "SV" ? [-(2n ** 63n), 2n ** 63n - 1n] : [0n, 2n ** 64n - 1n];
      for (const n of value) if (typeof n !== "bigint" || n < lo || n > hi) return false;
      return true;
    }
    case "bytes":
      return value instanceof Uint8Array && value.length % BINARY_VALUE_WIDTH[vr]! === 0;
    case "sequence":
      return Array.isArray(value);
    default:
      return false;
  }
}
