// Codes of the coding schemes the DICOM standard registers name concepts
// (a finding, a unit, a body part), never a person: a dummy for them turns
// an SR's concept names and a waveform's UCUM units into "DEIDENTIFIED",
// which says nothing about anyone and breaks the object (dciodvfy: "Coding
// Scheme Designator in a units Code Sequence is not UCUM"). Dummy mode (D on
// a sequence) therefore keeps Code Value, Coding Scheme Designator and
// Version and Long Code Value of an item whose scheme is one of these. Not
// Code Meaning, which is free text, and not inside the sequences whose codes
// identify a person or an institution (IDENTIFYING_CODE_SEQUENCES), whatever
// scheme their items claim. A code of any other scheme (local ones:
// "99HOSP", "L") can carry an identifier and still gets dummies.

import type { DicomCursor } from "../dicom";

/**
 * Coding Scheme Designators of PS3.16 Table 8-1 for terminologies of
 * concepts: DICOM's own, SNOMED CT (and its earlier designators), LOINC,
 * UCUM, anatomy (FMA, UBERON), RadLex, NCI Thesaurus, UMLS, MeSH, the IEEE
 * 11073 and SCP-ECG nomenclatures of waveforms, ACR's index, ICD and
 * ICD-O, ITIS taxonomy.
 */
const REGISTERED_SCHEMES: ReadonlySet<string> = new Set([
  "DCM", "SCT", "SRT", "SNM3", "LN", "UCUM", "FMA", "UBERON", "RADLEX", "NCIt", "UMLS", "MSH",
  "MDC", "SCPECG", "ACR", "I10", "I9C", "I11", "ICD10", "ICDO3", "ITIS_TSN",
]);

/**
 * Sequences whose codes identify a person or an institution (an employee number, a hospital's code),
 * at any depth above the item: their items get dummies whatever their scheme.
 */
const IDENTIFYING_CODE_SEQUENCES: ReadonlySet<number> = new Set([
  0x00401101, // Person Identification Code Sequence
  0x00080082, // Institution Code Sequence
  0x0040a088, // Content Creator's Identification Code Sequence
]);

/** Whether an enclosing sequence (outermost first) is one whose codes identify someone. */
export function insideIdentifyingCodes(ancestors: readonly { tag: number }[]): boolean {
  for (let i = 0; i < ancestors.length; i++) if (IDENTIFYING_CODE_SEQUENCES.has(ancestors[i]!.tag)) return true;
  return false;
}

export const TAG_CODE_VALUE = 0x00080100;
export const TAG_CODING_SCHEME_DESIGNATOR = 0x00080102;
const TAG_CODING_SCHEME_VERSION = 0x00080103;
const TAG_LONG_CODE_VALUE = 0x00080119;
/** (0008,0101) sits between Code Value and Coding Scheme Designator (retired; rarely present). */
const TAG_BETWEEN = 0x00080101;

/**
 * The attributes of a code item that name its concept by code. Not Code Meaning: it is free text (LO),
 * which a system may fill with anything, so dummy mode gives it a dummy whatever the scheme.
 */
export function namesConcept(tag: number): boolean {
  return tag === TAG_CODE_VALUE || tag === TAG_CODING_SCHEME_DESIGNATOR || tag === TAG_CODING_SCHEME_VERSION || tag === TAG_LONG_CODE_VALUE;
}

export function isRegisteredScheme(designator: string | null): boolean {
  return designator !== null && REGISTERED_SCHEMES.has(designator.trim());
}

/**
 * The Coding Scheme Designator of the item the cursor's Code Value belongs to, read from the elements
 * that follow it (tags ascend: the designator comes next, after (0008,0101) at most). Null when it is not
 * there. Reads headers in place; moves nothing.
 */
export function designatorAfter(c: DicomCursor): string | null {
  const b = c.bytes;
  const little = c.littleEndian;
  // Never past the item: the next element of a defined-length item's parent is not this item's.
  const limit = Math.min(b.length, c.contentLimit());
  let p = c.endOffset;
  for (let n = 0; n < 2; n++) {
    if (p + 8 > limit) return null;
    const tag = ((u16(b, p, little) << 16) | u16(b, p + 2, little)) >>> 0;
    if (tag !== TAG_BETWEEN && tag !== TAG_CODING_SCHEME_DESIGNATOR) return null;
    let length: number;
    let header: number;
    if (!c.explicitVr) {
      length = u32(b, p + 4, little);
      header = 8;
    } else if (isLongForm(b[p + 4]!, b[p + 5]!)) {
      if (p + 12 > limit) return null;
      length = u32(b, p + 8, little);
      header = 12;
    } else {
      length = u16(b, p + 6, little);
      header = 8;
    }
    const start = p + header;
    if (length === 0xffffffff || start + length > limit) return null;
    if (tag === TAG_CODING_SCHEME_DESIGNATOR) {
      let text = "";
      for (let i = start; i < start + length; i++) text += String.fromCharCode(b[i]!);
      return text.replace(/[\0 ]+$/, "").trim();
    }
    p = start + length;
  }
  return null;
}

function u16(b: Uint8Array, p: number, little: boolean): number {
  return little ? b[p]! | (b[p + 1]! << 8) : (b[p]! << 8) | b[p + 1]!;
}

function u32(b: Uint8Array, p: number, little: boolean): number {
  return little ? (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0 : ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
}

/** The two VR characters packed as one number, compared without building a string. */
const vrCode = (vr: string): number => (vr.charCodeAt(0) << 8) | vr.charCodeAt(1);

/** Explicit VR headers with a 4-byte length (PS3.5 Table 7.1-1). */
const LONG_FORM_VRS: ReadonlySet<number> = new Set(["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"].map(vrCode));

function isLongForm(a: number, b: number): boolean {
  return LONG_FORM_VRS.has((a << 8) | b);
}
