// Values for actions D ("replace with a non-zero length value that may be a
// dummy value and consistent with the VR") and Z ("replace with a zero length
// value"), PS3.15 Table E.1-1a. PS3.15 E.1.1 mandates no particular dummy;
// the choices here are valid for their VR (PS3.5 Table 6.2-1), short, carry
// no information, and where the VR allows it cannot be mistaken for real
// data. docs/actions.md gives the reason for each.

import { BINARY_VALUE_WIDTH, SINGLE_VALUED_TEXT_VRS, minimumMultiplicity, valueKind, type DecodedValue } from "./values";

/** The text dummy of the string VRs that take free text: fits SH/CS/AE (16) and is valid CS (upper case). */
export const DUMMY_TEXT = "DEIDENTIFIED";

/**
 * The nil UUID as a UUID-derived UID (PS3.5 B.2, RFC 9562 section 5.9):
 * a valid UID that no real instance can carry and that derives from nothing.
 */
export const DUMMY_UID = "2.25.0";

/** A valid RFC 3986 URI (the nil UUID URN) that names nothing and that no client dereferences. */
export const DUMMY_URI = "urn:uuid:00000000-0000-0000-0000-000000000000";

/** One dummy value of each text VR. */
export const TEXT_DUMMIES: Readonly<Record<string, string>> = {
  AE: DUMMY_TEXT,
  /** 999 years: valid AS syntax, impossible as an age, so it is never read as data */
  AS: "999Y",
  CS: DUMMY_TEXT,
  /** 1 January 1900: valid, and implausible for any date of a current study or a living patient */
  DA: "19000101",
  DS: "0",
  /** a DT may stop at the day (PS3.5 Table 6.2-1); same date as DA */
  DT: "19000101",
  IS: "0",
  LO: DUMMY_TEXT,
  LT: DUMMY_TEXT,
  /**
   * A family name component, then the delimiter that makes it one: a PN value without `^` reads as the
   * retired ACR-NEMA form to validators (dciodvfy: "Retired Person Name form"), while PS3.5 6.2 allows
   * the trailing empty components and their delimiters either way.
   */
  PN: `${DUMMY_TEXT}^`,
  SH: DUMMY_TEXT,
  ST: DUMMY_TEXT,
  TM: "000000",
  UC: DUMMY_TEXT,
  UI: DUMMY_UID,
  UR: DUMMY_URI,
  UT: DUMMY_TEXT,
};

/**
 * A non-zero-length dummy for action D, in the representation of values.ts:
 * a `\`-joined string for text VRs, zeros for binary numbers, zero bytes for
 * OB/OD/OF/OL/OV/OW/UN (one value, rounded up to an even length as PS3.5 7.1.1
 * requires of every value field).
 *
 * `vm` is a count or a PS3.6 VM ("2", "2-2n", "1-n"); the dummy has the least
 * number of values it allows (ignored for LT, ST, UT, UR and the byte VRs,
 * whose VM is always 1).
 *
 * Returns null for SQ: a dummy sequence is not a value but a structure, and
 * depends on the IOD (docs/actions.md, "Sequences"). Throws for a string that
 * is not a VR.
 */
export function dummyValue(vr: string, vm: number | string = 1): DecodedValue | null {
  const kind = valueKind(vr);
  if (kind === undefined) throw new RangeError("not a value representation");
  const count = minimumMultiplicity(vm);
  switch (kind) {
    case "text": {
      const one = TEXT_DUMMIES[vr]!;
      // LT, ST, UT and UR hold one value; a `\` there would be text, not a delimiter.
      if (count === 1 || SINGLE_VALUED_TEXT_VRS.has(vr)) return one;
      return new Array<string>(count).fill(one).join("\\");
    }
    case "number":
      return new Array<number>(count).fill(0);
    case "bigint":
      return new Array<bigint>(count).fill(0n);
    case "bytes": {
      const width = BINARY_VALUE_WIDTH[vr]!;
      return new Uint8Array(width + (width % 2));
    }
    case "sequence":
      return null;
  }
}

/**
 * The zero-length value of action Z, in the representation of values.ts: "",
 * no numbers, no bytes, or for SQ no items (PS3.5 7.5: a sequence of zero
 * items, which is how a Type 2 sequence is sent empty). Every VR can be sent
 * with zero length (PS3.5 7.1); whether the attribute may be empty depends on
 * its Type in the IOD, which the caller decides (Z/D, X/Z/D).
 */
export function emptyValue(vr: string): DecodedValue {
  switch (valueKind(vr)) {
    case "text":
      return "";
    case "number":
    case "bigint":
    case "sequence":
      return [];
    case "bytes":
      return new Uint8Array(0);
    default:
      throw new RangeError("not a value representation");
  }
}
