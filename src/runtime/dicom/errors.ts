// Errors and warnings raised while reading or writing DICOM bytes.

/**
 * A malformed or unsupported DICOM input. `offset` is the byte offset in the file where the problem
 * was found; for a deflated dataset it is the offset in the inflated dataset (`inInflatedDataset`),
 * because the compressed stream has no element boundaries to point at.
 */
export class DicomReadError extends Error {
  override readonly name = "DicomReadError";
  constructor(
    message: string,
    readonly offset: number,
    readonly inInflatedDataset = false,
  ) {
    super(message);
  }
}

/** Something the writer was asked to encode that DICOM cannot represent (e.g. a 70,000-byte LO in explicit VR). */
export class DicomWriteError extends Error {
  override readonly name = "DicomWriteError";
}

/** A tolerated deviation from the standard (odd value length, transfer syntax contradicted by the data, ...). */
export interface DicomWarning {
  /** Same convention as {@link DicomReadError.offset}. */
  offset: number;
  message: string;
}

/** "0x1A4": offsets in messages are hexadecimal, as hex dumps show them. */
export function hexOffset(offset: number): string {
  return "0x" + offset.toString(16).toUpperCase();
}

/** "3,112": sizes in messages are decimal with thousands separators. */
export function byteCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** "(0010,0010)" without consulting the dictionary (messages must not depend on it). */
export function tagText(tag: number): string {
  const hex = (tag >>> 0).toString(16).toUpperCase().padStart(8, "0");
  return `(${hex.slice(0, 4)},${hex.slice(4)})`;
}
