// Writing DICOM: a growable byte sink, a dataset writer that encodes headers in any of the three
// uncompressed encodings, and the Part 10 framing (preamble, "DICM", File Meta group).

import { deflateRawSync } from "node:zlib";
import { SPACE_PADDED_VRS, TAG_ITEM_DELIMITER, TAG_SEQUENCE_DELIMITER, UNDEFINED_LENGTH, VR_HEADER_FORM, VR_LONG, vrCode } from "./constants";
import type { DatasetEncoding } from "./cursor";
import { DicomWriteError, tagText } from "./errors";
import { encodingOfTransferSyntax } from "./framing";
import { SpecificCharacterSet } from "./text";

/** Copies up to this many bytes are done byte by byte (ByteSink.writeBytes). */
const SMALL_COPY_BYTES = 32;

/**
 * An append-only byte buffer that doubles its capacity when full. Besides the
 * bytes it owns, it can hold references to bytes it does not copy (`reference`:
 * a large kept value such as pixel data, which then goes from the input buffer
 * to the file without passing through this one).
 */
export class ByteSink {
  private buffer: Uint8Array;
  private view: DataView;
  /** owned bytes written so far: offsets (setUint32, a saved `length`) count owned bytes only */
  length = 0;
  /** referenced byte ranges, each placed before the owned byte at `at` */
  private readonly references: { at: number; bytes: Uint8Array }[] = [];
  /** bytes held by reference */
  referencedLength = 0;

  constructor(initialCapacity = 1 << 16) {
    this.buffer = new Uint8Array(Math.max(16, initialCapacity));
    this.view = new DataView(this.buffer.buffer);
  }

  /** Makes room for `additional` more bytes. */
  reserve(additional: number): void {
    const needed = this.length + additional;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }

  writeUint8(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  writeUint16(value: number, littleEndian: boolean): void {
    this.reserve(2);
    this.view.setUint16(this.length, value, littleEndian);
    this.length += 2;
  }

  writeUint32(value: number, littleEndian: boolean): void {
    this.reserve(4);
    this.view.setUint32(this.length, value >>> 0, littleEndian);
    this.length += 4;
  }

  /** Writes a number of a binary VR (US, SS, UL, SL, FL, FD, SV, UV, AT) in the given byte order. */
  writeBinaryNumber(vr: string, value: number, littleEndian: boolean): void {
    const size = BINARY_SIZES[vr];
    if (size === undefined) throw new DicomWriteError(`VR ${vr} is not a binary number VR`);
    this.reserve(size);
    const v = this.view;
    const at = this.length;
    switch (vr) {
      case "US": v.setUint16(at, value, littleEndian); break;
      case "SS": v.setInt16(at, value, littleEndian); break;
      case "UL": v.setUint32(at, value, littleEndian); break;
      case "SL": v.setInt32(at, value, littleEndian); break;
      case "FL": v.setFloat32(at, value, littleEndian); break;
      case "FD": v.setFloat64(at, value, littleEndian); break;
      case "UV": v.setBigUint64(at, BigInt(value), littleEndian); break;
      case "SV": v.setBigInt64(at, BigInt(value), littleEndian); break;
      case "AT":
        v.setUint16(at, value >>> 16, littleEndian);
        v.setUint16(at + 2, value & 0xffff, littleEndian);
        break;
    }
    this.length += size;
  }

  /** Copies src[start, end): the pass-through path for bytes that need no re-encoding. */
  writeBytes(src: Uint8Array, start = 0, end = src.length): void {
    const n = end - start;
    this.reserve(n);
    if (n <= SMALL_COPY_BYTES) {
      // Most kept elements are a few bytes long: a loop beats making a view to hand to set().
      const buffer = this.buffer;
      let at = this.length;
      for (let i = start; i < end; i++) buffer[at++] = src[i]!;
    } else this.buffer.set(src.subarray(start, end), this.length);
    this.length += n;
  }

  writeZeros(n: number): void {
    this.reserve(n);
    this.buffer.fill(0, this.length, this.length + n);
    this.length += n;
  }

  /** Writes characters 0-255 as one byte each. */
  writeAscii(text: string): void {
    this.reserve(text.length);
    for (let i = 0; i < text.length; i++) this.buffer[this.length++] = text.charCodeAt(i) & 0xff;
  }

  /** Overwrites 4 bytes already written (a length patched once its content is known). */
  setUint32(offset: number, value: number, littleEndian: boolean): void {
    this.view.setUint32(offset, value >>> 0, littleEndian);
  }

  /** Overwrites 2 bytes already written. */
  setUint16(offset: number, value: number, littleEndian: boolean): void {
    this.view.setUint16(offset, value, littleEndian);
  }

  /**
   * Removes `n` owned bytes at `offset`, moving what follows (and the references placed after them)
   * back: for a value reserved at its longest and found shorter once the rest was written. The
   * caller patches any length that counted the removed bytes.
   */
  cut(offset: number, n: number): void {
    if (n <= 0) return;
    for (const r of this.references) if (r.at > offset && r.at < offset + n) throw new DicomWriteError("internal: a referenced value inside the bytes cut");
    this.buffer.copyWithin(offset, offset + n, this.length);
    this.length -= n;
    for (const r of this.references) if (r.at >= offset + n) r.at -= n;
  }

  /**
   * Appends `bytes` without copying them: they must stay unchanged until the
   * output is written. A caller that later rewinds `length` must not rewind
   * past a reference (parts() checks).
   */
  reference(bytes: Uint8Array): void {
    this.references.push({ at: this.length, bytes });
    this.referencedLength += bytes.length;
  }

  /** The owned bytes written so far (without the referenced ones): a view, invalidated by the next write. */
  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  /** The whole content in order, owned bytes split where references sit: views, invalidated by the next write. */
  parts(): Uint8Array[] {
    if (this.references.length === 0) return [this.bytes()];
    const parts: Uint8Array[] = [];
    let from = 0;
    for (const { at, bytes } of this.references) {
      if (at < from || at > this.length) throw new DicomWriteError("internal: the sink was rewound past a referenced value");
      if (at > from) parts.push(this.buffer.subarray(from, at));
      parts.push(bytes);
      from = at;
    }
    if (this.length > from) parts.push(this.buffer.subarray(from, this.length));
    return parts;
  }
}

/** The bytes of `parts` in one buffer (one copy). */
export function concatParts(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let size = 0;
  for (const p of parts) size += p.length;
  const whole = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    whole.set(p, at);
    at += p.length;
  }
  return whole;
}

const BINARY_SIZES: Record<string, number> = { US: 2, SS: 2, UL: 4, SL: 4, FL: 4, AT: 4, FD: 8, SV: 8, UV: 8 };

/** Padding byte that makes a value of this VR even-length (PS3.5 6.2): space for text, NUL for UI and binary. */
export function paddingByte(vr: string): number {
  return SPACE_PADDED_VRS.has(vr) ? 0x20 : 0x00;
}

/** An open sequence or item: where its length goes (or -1 when undefined) and the encoding to restore. */
interface OpenContainer {
  isSequence: boolean;
  lengthFieldOffset: number;
  contentStart: number;
  outerLittle: boolean;
  outerExplicit: boolean;
}

/**
 * Encodes a dataset element by element. Values are written as given (callers copy input bytes in the
 * input's byte order, or use writeText/writeNumbers, which encode in the writer's).
 */
export class DatasetWriter {
  readonly sink: ByteSink;
  private little: boolean;
  private explicit: boolean;
  private readonly open: OpenContainer[] = [];

  constructor(encoding: DatasetEncoding, sink: ByteSink = new ByteSink()) {
    this.sink = sink;
    this.little = encoding.littleEndian;
    this.explicit = encoding.explicitVr;
  }

  /** Encoding headers are written in now (inside a UN sequence: implicit VR little endian). */
  get encoding(): DatasetEncoding {
    return { littleEndian: this.little, explicitVr: this.explicit };
  }

  /** Bytes written so far. */
  get length(): number {
    return this.sink.length;
  }

  /**
   * Writes an element header. In explicit VR a value too long for a 2-byte length field is written
   * as UN (PS3.5 6.2.2), since no other encoding of it exists.
   */
  writeHeader(tag: number, vr: string, length: number): void {
    const s = this.sink;
    const le = this.little;
    s.writeUint16(tag >>> 16, le);
    s.writeUint16(tag & 0xffff, le);
    if (!this.explicit) {
      s.writeUint32(length, le);
      return;
    }
    const form = vr.length === 2 ? VR_HEADER_FORM[vrCode(vr)] : 0;
    if (!form) throw new DicomWriteError(`cannot write ${tagText(tag)}: "${vr}" is not a VR`);
    if (form === VR_LONG) {
      s.writeAscii(vr);
      s.writeUint16(0, le);
      s.writeUint32(length, le);
    } else if (length <= 0xffff) {
      s.writeAscii(vr);
      s.writeUint16(length, le);
    } else if (length === UNDEFINED_LENGTH) {
      throw new DicomWriteError(`cannot write ${tagText(tag)} ${vr} with undefined length: only SQ, UN, OB and OW may have one`);
    } else {
      s.writeAscii("UN");
      s.writeUint16(0, le);
      s.writeUint32(length, le);
    }
  }

  /** Writes a whole element, padding an odd-length value with the VR's padding byte. */
  writeElement(tag: number, vr: string, value: Uint8Array): void {
    const odd = value.length & 1;
    this.writeHeader(tag, vr, value.length + odd);
    this.sink.writeBytes(value);
    if (odd) this.sink.writeUint8(paddingByte(vr));
  }

  /**
   * Encodes text in the character set and writes it as an element. Throws TextEncodeError (and writes
   * nothing) when a character cannot be represented, rather than writing a corrupted value.
   */
  writeText(tag: number, vr: string, text: string, characterSet: SpecificCharacterSet = SpecificCharacterSet.DEFAULT): void {
    this.writeElement(tag, vr, characterSet.encode(text, vr));
  }

  /** Writes numbers of a binary VR in the writer's current byte order. */
  writeNumbers(tag: number, vr: string, values: readonly number[]): void {
    const size = BINARY_SIZES[vr];
    if (size === undefined) throw new DicomWriteError(`cannot write numbers as ${vr} for ${tagText(tag)}: not a binary number VR`);
    this.writeHeader(tag, vr, size * values.length);
    for (const v of values) this.sink.writeBinaryNumber(vr, v, this.little);
  }

  /** Copies input bytes [start, end) unchanged: kept elements, whole sequences, pixel data. */
  copy(src: Uint8Array, start: number, end: number): void {
    this.sink.writeBytes(src, start, end);
  }

  /**
   * Writes input bytes [start, end) unchanged without copying them (see ByteSink.reference): only at
   * the top level, where no enclosing length is computed from the sink's offsets.
   */
  reference(src: Uint8Array, start: number, end: number): void {
    if (this.open.length > 0) throw new DicomWriteError("internal: a referenced value inside a sequence");
    this.sink.reference(src.subarray(start, end));
  }

  /**
   * Opens a sequence. Undefined length (the default) streams; defined length is patched in by
   * endSequence. A UN sequence's content is implicit VR little endian (PS3.5 6.2.2), whatever the
   * dataset's encoding.
   */
  beginSequence(tag: number, vr: "SQ" | "UN" = "SQ", undefinedLength = true): void {
    const lengthFieldOffset = this.sink.length + (this.explicit ? 8 : 4);
    this.writeHeader(tag, vr, UNDEFINED_LENGTH);
    this.open.push({ isSequence: true, lengthFieldOffset: undefinedLength ? -1 : lengthFieldOffset, contentStart: this.sink.length, outerLittle: this.little, outerExplicit: this.explicit });
    if (vr === "UN" && this.explicit) {
      this.little = true;
      this.explicit = false;
    }
  }

  endSequence(): void {
    const container = this.close(true);
    this.little = container.outerLittle;
    this.explicit = container.outerExplicit;
  }

  beginItem(undefinedLength = true): void {
    if (!this.open.at(-1)?.isSequence) throw new DicomWriteError("an item can only be written inside a sequence");
    this.sink.writeUint16(0xfffe, this.little);
    this.sink.writeUint16(0xe000, this.little);
    const lengthFieldOffset = this.sink.length;
    this.sink.writeUint32(UNDEFINED_LENGTH, this.little);
    this.open.push({ isSequence: false, lengthFieldOffset: undefinedLength ? -1 : lengthFieldOffset, contentStart: this.sink.length, outerLittle: this.little, outerExplicit: this.explicit });
  }

  endItem(): void {
    this.close(false);
  }

  /** The encoded dataset (a view into the sink); a writer that referenced values returns them with finishParts. */
  finish(): Uint8Array {
    if (this.open.length) throw new DicomWriteError(`${this.open.length} sequence(s) or item(s) still open`);
    if (this.sink.referencedLength > 0) return concatParts(this.sink.parts());
    return this.sink.bytes();
  }

  /** The encoded dataset in order, as views into the sink and the referenced values. */
  finishParts(): Uint8Array[] {
    if (this.open.length) throw new DicomWriteError(`${this.open.length} sequence(s) or item(s) still open`);
    return this.sink.parts();
  }

  private close(isSequence: boolean): OpenContainer {
    const container = this.open.pop();
    if (!container || container.isSequence !== isSequence) {
      throw new DicomWriteError(`end${isSequence ? "Sequence" : "Item"} without a matching begin${isSequence ? "Sequence" : "Item"}`);
    }
    // Delimiters belong to the content (inside a UN sequence: little endian); a patched length
    // belongs to the header, which for a sequence is in the encoding outside it.
    const le = this.little;
    if (container.lengthFieldOffset < 0) {
      const tag = isSequence ? TAG_SEQUENCE_DELIMITER : TAG_ITEM_DELIMITER;
      this.sink.writeUint16(tag >>> 16, le);
      this.sink.writeUint16(tag & 0xffff, le);
      this.sink.writeUint32(0, le);
    } else {
      this.sink.setUint32(container.lengthFieldOffset, this.sink.length - container.contentStart, isSequence ? container.outerLittle : le);
    }
    return container;
  }
}

// ---- Part 10 ----

export interface FileMetaInput {
  transferSyntaxUid: string;
  mediaStorageSopClassUid: string;
  mediaStorageSopInstanceUid: string;
  implementationClassUid: string;
  implementationVersionName?: string;
  /** Further group 0002 elements (e.g. (0002,0016) Source Application Entity Title), values already encoded. */
  additionalElements?: readonly { tag: number; vr: string; value: Uint8Array }[];
}

const UID_PATTERN = /^[0-9]+(\.[0-9]+)*$/;

/**
 * The bytes before the dataset: a zeroed 128-byte preamble, "DICM", and the File Meta group
 * (explicit VR little endian) with its group length computed.
 */
export function fileMetaHeader(meta: FileMetaInput): Uint8Array {
  for (const [name, uid] of [
    ["transfer syntax UID", meta.transferSyntaxUid],
    ["media storage SOP class UID", meta.mediaStorageSopClassUid],
    ["media storage SOP instance UID", meta.mediaStorageSopInstanceUid],
    ["implementation class UID", meta.implementationClassUid],
  ] as const) {
    if (uid.length > 64 || !UID_PATTERN.test(uid)) throw new DicomWriteError(`invalid ${name} "${uid}"`);
  }
  // A plain loop: Uint8Array.from with a mapping function walks the string's iterator (5 µs a UID, once per object).
  const ascii = (s: string): Uint8Array => {
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  };
  const elements: { tag: number; vr: string; value: Uint8Array }[] = [
    { tag: 0x00020001, vr: "OB", value: Uint8Array.of(0, 1) },
    { tag: 0x00020002, vr: "UI", value: ascii(meta.mediaStorageSopClassUid) },
    { tag: 0x00020003, vr: "UI", value: ascii(meta.mediaStorageSopInstanceUid) },
    { tag: 0x00020010, vr: "UI", value: ascii(meta.transferSyntaxUid) },
    { tag: 0x00020012, vr: "UI", value: ascii(meta.implementationClassUid) },
  ];
  if (meta.implementationVersionName !== undefined) {
    elements.push({ tag: 0x00020013, vr: "SH", value: SpecificCharacterSet.DEFAULT.encode(meta.implementationVersionName, "SH") });
  }
  for (const extra of meta.additionalElements ?? []) {
    if (extra.tag >>> 16 !== 0x0002 || elements.some((e) => e.tag === extra.tag) || extra.tag === 0x00020000) {
      throw new DicomWriteError(`additional File Meta element ${tagText(extra.tag)} is not a free group 0002 tag`);
    }
    elements.push(extra);
  }
  elements.sort((a, b) => a.tag - b.tag);
  // One buffer, written once per object: the group length is written as 0 and set once the group is complete.
  let size = 132 + 12;
  for (const e of elements) size += 12 + e.value.length + 1;
  const out = new ByteSink(size);
  out.writeZeros(128);
  out.writeAscii("DICM");
  const writer = new DatasetWriter({ littleEndian: true, explicitVr: true }, out);
  writer.writeNumbers(0x00020000, "UL", [0]);
  const groupStart = out.length;
  for (const e of elements) writer.writeElement(e.tag, e.vr, e.value);
  out.setUint32(groupStart - 4, out.length - groupStart, true);
  return out.bytes();
}

/**
 * A complete Part 10 file. `dataset` is encoded as the transfer syntax says; for a deflated transfer
 * syntax it is given uncompressed and deflated here (raw deflate, PS3.5 A.5).
 */
export function writePart10(meta: FileMetaInput, dataset: Uint8Array): Uint8Array {
  const header = fileMetaHeader(meta);
  const body = encodingOfTransferSyntax(meta.transferSyntaxUid).deflated ? deflateDataset(dataset) : dataset;
  const file = new Uint8Array(header.length + body.length);
  file.set(header, 0);
  file.set(body, header.length);
  return file;
}

/**
 * A complete Part 10 file as parts, in order: the header, then `dataset`'s
 * parts as they are (nothing is copied), or for a deflated transfer syntax
 * the dataset deflated. Written with one gathering write (writev), the file
 * never exists in one buffer: pixel data goes from the input buffer to the file.
 */
export function writePart10Parts(meta: FileMetaInput, dataset: readonly Uint8Array[]): Uint8Array[] {
  const header = fileMetaHeader(meta);
  if (encodingOfTransferSyntax(meta.transferSyntaxUid).deflated) return [header, deflateDataset(concatParts(dataset))];
  return [header, ...dataset];
}

/** Raw deflate of an encoded dataset, as deflated transfer syntaxes store it; odd lengths are padded. */
export function deflateDataset(dataset: Uint8Array): Uint8Array {
  const compressed = new Uint8Array(deflateRawSync(dataset));
  if ((compressed.length & 1) === 0) return compressed;
  // PS3.5 A.5: the deflated stream is padded with a NUL to even length.
  const padded = new Uint8Array(compressed.length + 1);
  padded.set(compressed);
  return padded;
}
