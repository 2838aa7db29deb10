// Sequences hidden in UN values (PS3.5 6.2.2): an object converted to
// implicit VR and back, or written by a system that did not know an
// attribute, may carry a sequence as a defined-length UN value, and the rules
// for what is inside it still apply.

import { DicomCursor, DicomReadError } from "../dicom";
import { lookupTag } from "../../dicom/dictionary";

/** Whether a UN value starts with an item tag (FFFE,E000), as an encoded sequence does (PS3.5 6.2.2). */
export function startsWithItem(cursor: DicomCursor): boolean {
  const b = cursor.bytes;
  const p = cursor.valueOffset;
  return cursor.valueLength >= 8 && b[p] === 0xfe && b[p + 1] === 0xff && b[p + 2] === 0x00 && b[p + 3] === 0xe0;
}

/** A standard attribute the dictionary makes a sequence, or does not know: its UN value may be one. */
export function mayBeSequence(tag: number): boolean {
  const vrs = lookupTag(tag)?.vrs;
  return vrs === undefined || vrs.includes("SQ");
}

/**
 * A cursor over a defined-length UN value whose content is a sequence (PS3.5 6.2.2: implicit VR
 * little endian items), positioned on that sequence, or null when the value does not decode as one
 * (then it is an opaque UN value). The value is wrapped as an undefined-length UN sequence so the
 * cursor's own sequence handling reads it, and the writer, which writes a UN sequence's content in
 * implicit VR little endian, can copy its elements as they are.
 */
export function unSequenceCursor(cursor: DicomCursor): DicomCursor | null {
  const length = cursor.valueLength;
  const wrapped = new Uint8Array(12 + length + 8);
  const tag = cursor.tag;
  const view = new DataView(wrapped.buffer);
  view.setUint16(0, tag >>> 16, true);
  view.setUint16(2, tag & 0xffff, true);
  wrapped[4] = 0x55; // "U"
  wrapped[5] = 0x4e; // "N"
  view.setUint32(8, 0xffffffff, true);
  wrapped.set(cursor.bytes.subarray(cursor.valueOffset, cursor.valueOffset + length), 12);
  view.setUint16(12 + length, 0xfffe, true);
  view.setUint16(14 + length, 0xe0dd, true);
  const encoding = { littleEndian: true, explicitVr: true };
  const options = { characterSet: cursor.characterSet };
  try {
    const probe = new DicomCursor(wrapped, encoding, options);
    let tokens = 0;
    while (probe.next()) tokens++;
    // The wrapper's own sequence and delimiter, and at least one item: anything else is not a sequence.
    if (tokens < 4) return null;
  } catch (e) {
    if (e instanceof DicomReadError) return null;
    throw e;
  }
  const sub = new DicomCursor(wrapped, encoding, options);
  sub.next();
  return sub;
}
