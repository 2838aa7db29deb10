// DICOM byte-level I/O for the executor: framing, element cursor, writer, text values.

export { DicomReadError, DicomWriteError, type DicomWarning } from "./errors";
export {
  UNDEFINED_LENGTH,
  TAG_ITEM,
  TAG_ITEM_DELIMITER,
  TAG_SEQUENCE_DELIMITER,
  TAG_PIXEL_DATA,
  TAG_SPECIFIC_CHARACTER_SET,
  TS_IMPLICIT_VR_LITTLE_ENDIAN,
  TS_EXPLICIT_VR_LITTLE_ENDIAN,
  TS_DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
  TS_EXPLICIT_VR_BIG_ENDIAN,
  TS_DEFLATED_IMAGE_FRAME_COMPRESSION,
} from "./constants";
export { DicomCursor, TokenKind, type CursorOptions, type DatasetEncoding } from "./cursor";
export {
  readPart10,
  openCursor,
  encodingOfTransferSyntax,
  type DicomFile,
  type DicomEncoding,
  type FileMeta,
  type FileMetaElement,
  type ReadOptions,
} from "./framing";
export { ByteSink, DatasetWriter, fileMetaHeader, writePart10, writePart10Parts, concatParts, deflateDataset, paddingByte, type FileMetaInput } from "./writer";
export { SpecificCharacterSet, TextEncodeError, type EncodeResult, type UnrepresentableCharacter } from "./text";
