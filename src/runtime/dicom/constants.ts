// Tags, lengths and VR tables the byte-level reader and writer need, kept as plain numbers so the
// hot loops compare integers instead of strings.

import { LONG_LENGTH_VRS, VRS } from "../../dicom/vr";

/** Value length meaning "undefined length, ended by a delimiter" (PS3.5 7.1.1). */
export const UNDEFINED_LENGTH = 0xffffffff;

export const TAG_ITEM = 0xfffee000;
export const TAG_ITEM_DELIMITER = 0xfffee00d;
export const TAG_SEQUENCE_DELIMITER = 0xfffee0dd;
export const TAG_PIXEL_DATA = 0x7fe00010;
export const TAG_SPECIFIC_CHARACTER_SET = 0x00080005;
export const TAG_PIXEL_REPRESENTATION = 0x00280103;

/** Two ASCII letters packed as (first << 8) | second, the form the reader gets from the header bytes. */
export function vrCode(vr: string): number {
  return (vr.charCodeAt(0) << 8) | vr.charCodeAt(1);
}

/** Header form of an explicit VR: 1 = 2-byte length (8-byte header), 2 = reserved + 4-byte length (12-byte header). */
export const VR_SHORT = 1;
export const VR_LONG = 2;

/**
 * Indexed by VR code: 0 for a code that is not a VR of PS3.5 Table 6.2-1, else VR_SHORT or VR_LONG.
 * A flat table because the reader consults it for every explicit-VR element.
 */
export const VR_HEADER_FORM = new Uint8Array(65536);
/** Indexed by VR code: the interned VR string, so the reader never builds a string per element. */
export const VR_NAME: (string | undefined)[] = new Array<string | undefined>(65536);

for (const vr of VRS) {
  const code = vrCode(vr);
  VR_HEADER_FORM[code] = LONG_LENGTH_VRS.has(vr) ? VR_LONG : VR_SHORT;
  VR_NAME[code] = vr;
}

/** VRs whose text is encoded with the Specific Character Set (PS3.5 6.1.2.3); all other text VRs are ASCII. */
export const CHARSET_VRS: ReadonlySet<string> = new Set(["SH", "LO", "UC", "ST", "LT", "UT", "PN"]);

/** Text VRs (padded with a space); UI is text too but padded with NUL (PS3.5 6.2). */
export const SPACE_PADDED_VRS: ReadonlySet<string> = new Set([
  "AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM", "UC", "UR", "UT",
]);

export const TS_IMPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2";
export const TS_EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
export const TS_DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1.99";
export const TS_EXPLICIT_VR_BIG_ENDIAN = "1.2.840.10008.1.2.2";
/** Compresses each pixel frame, NOT the dataset: the dataset is plain explicit VR little endian. */
export const TS_DEFLATED_IMAGE_FRAME_COMPRESSION = "1.2.840.10008.1.2.8.1";
/** JPIP referenced transfer syntaxes whose dataset is deflated like 1.2.840.10008.1.2.1.99 (PS3.5 A.6, A.7). */
export const TS_JPIP_REFERENCED_DEFLATE = "1.2.840.10008.1.2.4.95";
export const TS_JPIP_HTJ2K_REFERENCED_DEFLATE = "1.2.840.10008.1.2.4.205";
