// Text actions and functions: upper(), lower(), replace(/re/, "text"),
// truncation to a VR's maximum length, and Value Multiplicity handling.
// Values are JS strings; the writer encodes them under the Specific Character
// Set, so lengths here are UTF-16 code units (never fewer than the characters
// PS3.5 counts).

import { VR_MAX_LENGTH, isVr } from "../../dicom/vr";
import { SINGLE_VALUED_TEXT_VRS } from "./values";

/** Splits a multi-valued string on `\` (PS3.5 6.4). An empty string is one empty value. */
export function splitValues(value: string): string[] {
  return value.split("\\");
}

/** Joins values with `\`. Values must not contain `\` themselves. */
export function joinValues(values: readonly string[]): string {
  return values.join("\\");
}

/** True when values of `vr` are separated by `\` (every text VR except LT, ST, UT, UR). */
export function isMultiValuedTextVr(vr: string): boolean {
  return !SINGLE_VALUED_TEXT_VRS.has(vr);
}

/**
 * Applies `fn` to each value of `value` for a multi-valued VR, or to the
 * whole string for LT, ST, UT and UR. A single value is passed through
 * without splitting, which is the common case and allocates nothing.
 */
export function mapValues(value: string, vr: string, fn: (single: string) => string): string {
  if (!isMultiValuedTextVr(vr) || value.indexOf("\\") < 0) return fn(value);
  const parts = value.split("\\");
  for (let i = 0; i < parts.length; i++) parts[i] = fn(parts[i]!);
  return parts.join("\\");
}

/**
 * `upper(value)`: Unicode upper case, locale-independent. A few characters
 * grow ("ß" becomes "SS"), so a result may need truncateToVrLength.
 */
export function toUpper(value: string): string {
  return value.toUpperCase();
}

/** `lower(value)`: Unicode lower case, locale-independent. */
export function toLower(value: string): string {
  return value.toLowerCase();
}

/** JavaScript flags the language accepts on a regular expression (docs/language.md). */
const ALLOWED_REGEX_FLAGS = /^[gimsu]*$/;

/**
 * Compiles the pattern of a `replace(/re/flags, "text")` action once, when the
 * executor is built. Throws SyntaxError for a bad pattern or a flag outside
 * `gimsu` (the message may quote the pattern, which comes from a rule file).
 */
export function compileRegex(pattern: string, flags: string): RegExp {
  if (!ALLOWED_REGEX_FLAGS.test(flags) || new Set(flags).size !== flags.length) {
    throw new SyntaxError("regular expression flags must be distinct letters among g, i, m, s, u");
  }
  return new RegExp(pattern, flags);
}

/**
 * `replace(/re/, "text")` on each value of a multi-valued VR (so `^` and `$`
 * anchor to one value and a match never spans a delimiter), or on the whole
 * text for LT, ST, UT and UR. JavaScript semantics: without the `g` flag only
 * the first match of each value is replaced; `$1`, `$&` and `$<name>` in the
 * replacement refer to the match. The replacement must not contain `\` for a
 * multi-valued VR, or it would create values.
 */
export function replaceInValues(value: string, vr: string, pattern: RegExp, replacement: string): string {
  // String.prototype.replace resets lastIndex for a global pattern and ignores
  // it otherwise, so a shared RegExp carries no state from one call to the next.
  return mapValues(value, vr, (single) => single.replace(pattern, replacement));
}

/** Cuts `s` to at most `max` code units without splitting a surrogate pair. */
export function truncateCodeUnits(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max;
  const last = s.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end--;
  return s.slice(0, end);
}

/**
 * Truncates each value to the maximum length of `vr` (PS3.5 Table 6.2-1); for
 * PN the limit of 64 applies to each component group. VRs without a limit
 * come back unchanged. Truncation keeps free text within bounds; it cannot
 * make a structured value (DA, DT, TM, AS, DS, IS, UI) valid, so such a value
 * should be checked with conformsToVr instead.
 */
export function truncateToVrLength(value: string, vr: string): string {
  const max = isVr(vr) ? VR_MAX_LENGTH[vr] : null;
  if (max === null) return value;
  if (vr === "PN") {
    return mapValues(value, vr, (single) => {
      if (single.length <= max) return single;
      return single
        .split("=")
        .map((group) => truncateCodeUnits(group, max))
        .join("=");
    });
  }
  return mapValues(value, vr, (single) => truncateCodeUnits(single, max));
}
