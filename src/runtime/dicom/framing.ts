// Part 10 framing (PS3.10 7.1): preamble, "DICM", the File Meta group, and where the dataset starts
// and how it is encoded. Also files without File Meta, and deflated datasets.

import { inflateRawSync, inflateSync } from "node:zlib";
import { lookupTag } from "../../dicom/dictionary";
import {
  TS_DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
  TS_EXPLICIT_VR_BIG_ENDIAN,
  TS_EXPLICIT_VR_LITTLE_ENDIAN,
  TS_IMPLICIT_VR_LITTLE_ENDIAN,
  TS_JPIP_HTJ2K_REFERENCED_DEFLATE,
  TS_JPIP_REFERENCED_DEFLATE,
  UNDEFINED_LENGTH,
  VR_HEADER_FORM,
  VR_LONG,
  VR_NAME,
} from "./constants";
import { type CursorOptions, type DatasetEncoding, DicomCursor, TokenKind, readUint16, readUint32 } from "./cursor";
import { DicomReadError, type DicomWarning, byteCount, hexOffset, tagText } from "./errors";
import { latin1 } from "./text";

export interface DicomEncoding extends DatasetEncoding {
  /** The dataset was deflated (PS3.5 A.5); `DicomFile.dataset` holds it inflated. */
  deflated: boolean;
}

/** One File Meta element as found: its value is a view into the file. */
export interface FileMetaElement {
  tag: number;
  vr: string;
  headerOffset: number;
  value: Uint8Array;
}

export interface FileMeta {
  transferSyntaxUid: string | undefined;
  mediaStorageSopClassUid: string | undefined;
  mediaStorageSopInstanceUid: string | undefined;
  implementationClassUid: string | undefined;
  implementationVersionName: string | undefined;
  /** (0002,0000) as declared (the reader trusts the elements, not this number) */
  groupLength: number | undefined;
  /** every group 0002 element, in file order */
  elements: FileMetaElement[];
  /** file offsets of the group: [start, end) */
  start: number;
  end: number;
}

export interface DicomFile {
  /** the input, as given */
  bytes: Uint8Array;
  /** the 128-byte preamble and "DICM" are present */
  hasPreamble: boolean;
  meta: FileMeta | undefined;
  /** from the File Meta, or inferred from the detected encoding when there is none */
  transferSyntaxUid: string;
  encoding: DicomEncoding;
  /** the dataset: a view into `bytes`, or the inflated dataset when `encoding.deflated` */
  dataset: Uint8Array;
  /** file offset where the dataset (for deflated files, the compressed stream) starts */
  datasetOffset: number;
  warnings: DicomWarning[];
}

export interface ReadOptions {
  /** Refuse deflated datasets that inflate to more than this (default 2 GiB) instead of exhausting memory. */
  maxInflatedBytes?: number;
}

const PREAMBLE_LENGTH = 128;
const MAGIC = [0x44, 0x49, 0x43, 0x4d]; // "DICM"
/** Top-level elements the encoding probe decodes before accepting an encoding. */
const PROBE_ELEMENTS = 8;

/** Byte order, VR form and deflation implied by a transfer syntax UID (anything unknown is explicit VR little endian). */
export function encodingOfTransferSyntax(uid: string): DicomEncoding {
  switch (uid) {
    case TS_IMPLICIT_VR_LITTLE_ENDIAN:
      return { littleEndian: true, explicitVr: false, deflated: false };
    case TS_EXPLICIT_VR_BIG_ENDIAN:
      return { littleEndian: false, explicitVr: true, deflated: false };
    case TS_DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN:
    case TS_JPIP_REFERENCED_DEFLATE:
    case TS_JPIP_HTJ2K_REFERENCED_DEFLATE:
      return { littleEndian: true, explicitVr: true, deflated: true };
    default:
      // Every other transfer syntax, encapsulated ones and Deflated Image Frame Compression
      // (1.2.840.10008.1.2.8.1, which compresses frames, not the dataset) included.
      return { littleEndian: true, explicitVr: true, deflated: false };
  }
}

/** The uncompressed transfer syntax matching an encoding detected in a file without File Meta. */
function transferSyntaxOfEncoding(encoding: DatasetEncoding): string {
  if (!encoding.explicitVr) return TS_IMPLICIT_VR_LITTLE_ENDIAN;
  return encoding.littleEndian ? TS_EXPLICIT_VR_LITTLE_ENDIAN : TS_EXPLICIT_VR_BIG_ENDIAN;
}

/**
 * Finds the parts of a DICOM file. Throws DicomReadError when the bytes are not DICOM or the File
 * Meta group is malformed; the dataset itself is only probed here, and read by a cursor.
 */
export function readPart10(bytes: Uint8Array, options: ReadOptions = {}): DicomFile {
  const warnings: DicomWarning[] = [];
  const hasPreamble = bytes.length >= PREAMBLE_LENGTH + 4 && MAGIC.every((c, i) => bytes[PREAMBLE_LENGTH + i] === c);
  const start = hasPreamble ? PREAMBLE_LENGTH + 4 : 0;

  // Group 0002 may follow the preamble, or (non-conformant, but written by some toolkits) open the
  // file without a preamble. It is always explicit VR little endian.
  let meta: FileMeta | undefined;
  if (bytes.length - start >= 8 && readUint16(bytes, start, true) === 0x0002) meta = readFileMeta(bytes, start, warnings);
  const datasetOffset = meta ? meta.end : start;

  let transferSyntaxUid: string;
  let encoding: DicomEncoding;
  let dataset: Uint8Array;
  if (meta?.transferSyntaxUid) {
    transferSyntaxUid = meta.transferSyntaxUid;
    encoding = encodingOfTransferSyntax(transferSyntaxUid);
    dataset = encoding.deflated ? inflateDataset(bytes, datasetOffset, options, warnings) : bytes.subarray(datasetOffset);
    const fileOffset = encoding.deflated ? 0 : datasetOffset;
    if (!probe(dataset, encoding)) {
      // The transfer syntax is contradicted by the data (a known writer bug): read what is there.
      const actual = candidateEncodings(dataset).find((e) => probe(dataset, e));
      if (actual) {
        warnings.push({
          offset: fileOffset,
          message: `transfer syntax ${transferSyntaxUid} says ${describe(encoding)} but the dataset at offset ${hexOffset(fileOffset)} is ${describe(actual)}; read as ${describe(actual)}`,
        });
        encoding = { ...actual, deflated: encoding.deflated };
      }
    }
  } else {
    if (meta) warnings.push({ offset: meta.start, message: `File Meta at offset ${hexOffset(meta.start)} has no Transfer Syntax UID (0002,0010); encoding detected from the dataset` });
    dataset = bytes.subarray(datasetOffset);
    const detected = detectEncoding(dataset, datasetOffset, hasPreamble || meta !== undefined);
    encoding = { ...detected, deflated: false };
    transferSyntaxUid = transferSyntaxOfEncoding(detected);
  }
  return { bytes, hasPreamble, meta, transferSyntaxUid, encoding, dataset, datasetOffset, warnings };
}

/** A cursor over the file's dataset, with offsets in messages pointing into the file. */
export function openCursor(file: DicomFile, options: CursorOptions = {}): DicomCursor {
  return new DicomCursor(file.dataset, file.encoding, {
    fileOffset: file.encoding.deflated ? 0 : file.datasetOffset,
    inflated: file.encoding.deflated,
    ...options,
  });
}

function readFileMeta(bytes: Uint8Array, start: number, warnings: DicomWarning[]): FileMeta {
  const elements: FileMetaElement[] = [];
  const meta: FileMeta = {
    transferSyntaxUid: undefined,
    mediaStorageSopClassUid: undefined,
    mediaStorageSopInstanceUid: undefined,
    implementationClassUid: undefined,
    implementationVersionName: undefined,
    groupLength: undefined,
    elements,
    start,
    end: start,
  };
  let p = start;
  let declaredEnd = -1;
  let warnedImplicit = false;
  // Read while the group is 0002 rather than trusting (0002,0000): wrong group lengths are common.
  while (bytes.length - p >= 8 && readUint16(bytes, p, true) === 0x0002) {
    const tag = (0x0002 << 16) | readUint16(bytes, p + 2, true);
    const code = (bytes[p + 4]! << 8) | bytes[p + 5]!;
    const form = VR_HEADER_FORM[code]!;
    let vr: string;
    let length: number;
    let headerLength: number;
    if (form !== 0) {
      vr = VR_NAME[code]!;
      if (form === VR_LONG) {
        if (bytes.length - p < 12) fail(p, `truncated: File Meta element ${tagText(tag)} at offset ${hexOffset(p)} is cut off (size ${byteCount(bytes.length)})`);
        length = readUint32(bytes, p + 8, true);
        headerLength = 12;
      } else {
        length = readUint16(bytes, p + 6, true);
        headerLength = 8;
      }
    } else {
      // Not a VR: this writer used implicit VR for the File Meta, which PS3.10 forbids but which happens.
      if (!warnedImplicit) warnings.push({ offset: p, message: `File Meta element ${tagText(tag)} at offset ${hexOffset(p)} is in implicit VR (PS3.10 requires explicit VR)` });
      warnedImplicit = true;
      vr = lookupTag(tag)?.vrs[0] ?? "UN";
      length = readUint32(bytes, p + 4, true);
      headerLength = 8;
    }
    const valueOffset = p + headerLength;
    if (length === UNDEFINED_LENGTH) fail(p, `File Meta element ${tagText(tag)} at offset ${hexOffset(p)} has undefined length`);
    if (bytes.length - valueOffset < length) {
      fail(p, `value length ${length} of ${tagText(tag)} at offset ${hexOffset(p)} runs past the end of the file (size ${byteCount(bytes.length)})`);
    }
    const value = bytes.subarray(valueOffset, valueOffset + length);
    elements.push({ tag, vr, headerOffset: p, value });
    switch (tag) {
      case 0x00020000:
        if (length >= 4) {
          meta.groupLength = readUint32(value, 0, true);
          declaredEnd = valueOffset + length + meta.groupLength;
        }
        break;
      case 0x00020002: meta.mediaStorageSopClassUid = uidText(value); break;
      case 0x00020003: meta.mediaStorageSopInstanceUid = uidText(value); break;
      case 0x00020010: meta.transferSyntaxUid = uidText(value); break;
      case 0x00020012: meta.implementationClassUid = uidText(value); break;
      case 0x00020013: meta.implementationVersionName = latin1(value, 0, value.length).replace(/[\0 ]+$/, ""); break;
    }
    p = valueOffset + length;
  }
  meta.end = p;
  if (declaredEnd >= 0 && declaredEnd !== p) {
    warnings.push({ offset: start, message: `File Meta group length (0002,0000) says the group ends at offset ${hexOffset(declaredEnd)} but its last element ends at ${hexOffset(p)}` });
  }
  return meta;
}

function uidText(value: Uint8Array): string {
  return latin1(value, 0, value.length).replace(/[\0 ]+$/, "").trim();
}

function inflateDataset(bytes: Uint8Array, offset: number, options: ReadOptions, warnings: DicomWarning[]): Uint8Array {
  const compressed = bytes.subarray(offset);
  const maxOutputLength = options.maxInflatedBytes ?? 2 ** 31;
  try {
    return new Uint8Array(inflateRawSync(compressed, { maxOutputLength }));
  } catch (rawError) {
    // PS3.5 A.5 requires raw deflate; a few writers add the zlib header. Accept that, with a warning.
    try {
      const inflated = new Uint8Array(inflateSync(compressed, { maxOutputLength }));
      warnings.push({ offset, message: `deflated dataset at offset ${hexOffset(offset)} has a zlib header (PS3.5 A.5 requires raw deflate)` });
      return inflated;
    } catch {
      const why = rawError instanceof Error ? rawError.message : String(rawError);
      fail(offset, `deflated dataset at offset ${hexOffset(offset)} cannot be inflated: ${why}`);
    }
  }
}

/**
 * Encoding of a dataset that has no File Meta (PS3.10 forbids this for files, but old archives and
 * DICOMDIR-less exports have them). Heuristic, documented in docs/dicom-io.md:
 *  1. byte order: the first group number read little endian vs big endian; datasets start with a
 *     low group (0008 typically), so the smaller reading is the right byte order;
 *  2. VR form: explicit if bytes 4-5 are a VR of PS3.5 Table 6.2-1, else implicit;
 *  3. each candidate, most likely first, must then decode its first top-level elements (in
 *     ascending tag order, lengths within the file); the first that does wins.
 * Without a preamble the first group must also be at most 0x0010, so that other file formats that
 * happen to decode as elements are not taken for DICOM.
 */
function detectEncoding(dataset: Uint8Array, fileOffset: number, framed: boolean): DatasetEncoding {
  const notDicom = (why: string): never =>
    fail(fileOffset, `not a DICOM file: no "DICM" at offset 0x80 and ${why}`);
  if (dataset.length < 8) {
    if (framed && dataset.length === 0) return { littleEndian: true, explicitVr: true };
    if (framed) fail(fileOffset, `truncated: the dataset at offset ${hexOffset(fileOffset)} is ${dataset.length} bytes, shorter than one element header`);
    notDicom(`the file is ${dataset.length} bytes long`);
  }
  const candidates = candidateEncodings(dataset);
  if (!framed) {
    const group = Math.min(readUint16(dataset, 0, true), readUint16(dataset, 0, false));
    if (group > 0x0010) notDicom(`the first bytes do not start a DICOM element (group 0x${group.toString(16).toUpperCase().padStart(4, "0")})`);
  }
  const found = candidates.find((e) => probe(dataset, e));
  if (!found) {
    if (framed) fail(fileOffset, `the dataset at offset ${hexOffset(fileOffset)} decodes in no DICOM encoding (implicit/explicit VR, little/big endian)`);
    return notDicom("the first bytes decode in no DICOM encoding");
  }
  return found;
}

/** Encodings to try for a dataset, most plausible first (see detectEncoding). */
function candidateEncodings(dataset: Uint8Array): DatasetEncoding[] {
  if (dataset.length < 8) return [];
  const littleFirst = readUint16(dataset, 0, true) <= readUint16(dataset, 0, false);
  const vrLooksExplicit = VR_HEADER_FORM[(dataset[4]! << 8) | dataset[5]!] !== 0;
  const little: DatasetEncoding[] = vrLooksExplicit
    ? [{ littleEndian: true, explicitVr: true }, { littleEndian: true, explicitVr: false }]
    : [{ littleEndian: true, explicitVr: false }, { littleEndian: true, explicitVr: true }];
  const big: DatasetEncoding = { littleEndian: false, explicitVr: true };
  return littleFirst ? [...little, big] : [big, ...little];
}

/** Whether the dataset's first top-level elements decode in `encoding`, in ascending tag order. */
function probe(dataset: Uint8Array, encoding: DatasetEncoding): boolean {
  if (dataset.length === 0) return true;
  const cursor = new DicomCursor(dataset, encoding, { maxSequenceDepth: 32 });
  let previousTag = -1;
  try {
    for (let n = 0; n < PROBE_ELEMENTS && cursor.next(); n++) {
      if (cursor.tag < previousTag) return false;
      previousTag = cursor.tag;
      if (cursor.kind === TokenKind.Sequence) cursor.skip();
    }
    return previousTag >= 0;
  } catch (e) {
    if (e instanceof DicomReadError) return false;
    throw e;
  }
}

function describe(e: DatasetEncoding): string {
  return `${e.explicitVr ? "explicit" : "implicit"} VR ${e.littleEndian ? "little" : "big"} endian`;
}

function fail(offset: number, message: string): never {
  throw new DicomReadError(message, offset);
}
