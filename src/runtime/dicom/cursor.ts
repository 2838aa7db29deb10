// A forward-only cursor over the elements of an encoded dataset (PS3.5 7).
//
// The cursor never builds a dataset: each call to next() decodes one header into fields of the cursor
// itself (the "current token") and leaves the value bytes where they are. Sequences and items are
// entered as they come, with their nesting kept in preallocated typed arrays, so walking a file
// allocates nothing per element; values are decoded only when a caller asks for them.
//
// Token stream for a dataset
//   (0010,0010) PN "A^B"
//   (0008,1115) SQ  { item { (0020,000E) UI } }
// is: Element, Sequence, Item, Element, ItemEnd, SequenceEnd. ItemEnd and SequenceEnd come for
// defined-length items and sequences too (headerLength 0 then), so a writer can close what it opened
// whichever length form the input used.

import { lookupTag } from "../../dicom/dictionary";
import * as constants from "./constants";
import { DicomReadError, type DicomWarning, byteCount, hexOffset, tagText } from "./errors";
import { SpecificCharacterSet, latin1 } from "./text";

/** Byte order and VR form of encoded elements. */
export interface DatasetEncoding {
  littleEndian: boolean;
  explicitVr: boolean;
}

/** What the cursor is positioned on. */
export const TokenKind = {
  /** Before the first next(), or after the last. */
  None: 0,
  /** A data element that is not a sequence; its value is [valueOffset, valueOffset + valueLength). */
  Element: 1,
  /**
   * Pixel Data (7FE0,0010) of undefined length: basic offset table and fragments, passed as one unit
   * [headerOffset, endOffset) and never decoded. valueLength is UNDEFINED_LENGTH.
   */
  EncapsulatedPixelData: 2,
  /** A sequence (SQ, or UN of undefined length). The next next() enters it unless skip() is called. */
  Sequence: 3,
  /** An item (FFFE,E000) of the enclosing sequence. The next next() enters it unless skip() is called. */
  Item: 4,
  /** End of an item: its delimiter (FFFE,E00D), or for a defined-length item, its end (headerLength 0). */
  ItemEnd: 5,
  /** End of a sequence: its delimiter (FFFE,E0DD), or for a defined-length sequence, its end (headerLength 0). */
  SequenceEnd: 6,
} as const;
export type TokenKind = (typeof TokenKind)[keyof typeof TokenKind];

export interface CursorOptions {
  /** Added to offsets in errors and warnings so they point into the file (where the dataset starts). */
  fileOffset?: number;
  /** The bytes are an inflated deflated dataset: offsets in messages refer to it, not to the file. */
  inflated?: boolean;
  /** Character set in force before any (0008,0005) is seen (e.g. of an enclosing dataset). */
  characterSet?: SpecificCharacterSet;
  /** Deepest sequence nesting accepted before the input is declared malformed. */
  maxSequenceDepth?: number;
}

// Module-level copies of the constants the hot loop compares against: a transpiler that turns ESM
// imports into namespace property reads (tsx, vite-node) would otherwise add a getter call per use.
const UNDEFINED_LENGTH = constants.UNDEFINED_LENGTH;
const TAG_ITEM = constants.TAG_ITEM;
const TAG_ITEM_DELIMITER = constants.TAG_ITEM_DELIMITER;
const TAG_SEQUENCE_DELIMITER = constants.TAG_SEQUENCE_DELIMITER;
const TAG_PIXEL_DATA = constants.TAG_PIXEL_DATA;
const TAG_PIXEL_REPRESENTATION = constants.TAG_PIXEL_REPRESENTATION;
const TAG_SPECIFIC_CHARACTER_SET = constants.TAG_SPECIFIC_CHARACTER_SET;
const VR_HEADER_FORM = constants.VR_HEADER_FORM;
const VR_LONG = constants.VR_LONG;
const VR_NAME = constants.VR_NAME;

const FRAME_SEQUENCE = 1;
/**
 * Frames allocated up front; deeper nesting grows the arrays (rare: most files nest 1-4 levels).
 * Eight keeps each frame array within 64 bytes, which V8 allocates on its heap: at 16, the three
 * Float64Arrays each took an off-heap backing store, 7 us per cursor (measured), three cursors per object.
 */
const INITIAL_FRAMES = 8;
const FRAME_ITEM = 2;
/** Warnings kept per cursor; a file with more is reported by count only. */
const MAX_WARNINGS = 100;

export class DicomCursor {
  // ---- current token: read these after next() returns true; do not assign them ----
  kind: TokenKind = TokenKind.None;
  /** (group << 16 | element) as an unsigned 32-bit number */
  tag = 0;
  /** VR as read (explicit) or looked up (implicit); "" for items and delimiters */
  vr = "";
  headerOffset = 0;
  /** 8 or 12; 0 for the implied end of a defined-length item or sequence */
  headerLength = 0;
  valueOffset = 0;
  /** in bytes; UNDEFINED_LENGTH (0xFFFFFFFF) for undefined-length sequences, items and pixel data */
  valueLength = 0;
  /**
   * Offset just past the token, delimiter included. -1 for an undefined-length sequence or item at
   * its start (known once skip() has run, or at its ItemEnd/SequenceEnd).
   */
  endOffset = 0;
  /** Number of sequences enclosing the token (0 for the top-level dataset; an item counts its sequence). */
  depth = 0;
  /** Byte order of the token's header (UN sequences switch their content to implicit VR little endian). */
  littleEndian: boolean;
  explicitVr: boolean;
  /** Specific Character Set in force for the current token (items may declare their own). */
  characterSet: SpecificCharacterSet;

  /** Tolerated irregularities, in input order (see docs/dicom-io.md). */
  readonly warnings: DicomWarning[] = [];

  readonly bytes: Uint8Array;
  private readonly end: number;
  private readonly rootLittle: boolean;
  private readonly rootExplicit: boolean;
  private readonly fileOffset: number;
  private readonly inflated: boolean;
  private readonly maxFrames: number;

  /** where the next header is read */
  private pos = 0;
  /** The current token is a Sequence or Item that next() will enter. */
  private enterPending = false;
  /** content encoding of the pending sequence (UN switches to implicit VR little endian) */
  private pendingLittle = true;
  private pendingExplicit = true;
  private suppressedWarnings = 0;
  /** Pixel Representation (0028,0103) of the top-level dataset: resolves "US or SS" in implicit VR. */
  private pixelRepresentation = 0;

  // ---- nesting: frames alternate sequence, item, sequence, item... from index 0 ----
  private frameCount = 0;
  private sequenceDepth = 0;
  private frameKind: Uint8Array;
  /** end offset of a defined-length frame, -1 for undefined length */
  private frameEnd: Float64Array;
  /** offset nothing inside the frame may pass: its own end, or its parent's limit */
  private frameLimit: Float64Array;
  private frameHeader: Float64Array;
  private frameLittle: Uint8Array;
  private frameExplicit: Uint8Array;
  private frameTag: Uint32Array;
  /** for sequence frames: items started so far */
  private frameItems: Int32Array;
  /** for item frames: the character set and private creators declared in the item */
  private readonly frameCharset: SpecificCharacterSet[] = [];
  private readonly frameCreators: (Map<number, string> | undefined)[] = [];
  private rootCharset: SpecificCharacterSet;
  private rootCreators: Map<number, string> | undefined;

  constructor(bytes: Uint8Array, encoding: DatasetEncoding, options: CursorOptions = {}) {
    this.bytes = bytes;
    this.end = bytes.length;
    this.rootLittle = this.littleEndian = encoding.littleEndian;
    this.rootExplicit = this.explicitVr = encoding.explicitVr;
    this.fileOffset = options.fileOffset ?? 0;
    this.inflated = options.inflated ?? false;
    this.rootCharset = this.characterSet = options.characterSet ?? SpecificCharacterSet.DEFAULT;
    this.maxFrames = 2 * (options.maxSequenceDepth ?? 128);
    const n = Math.min(INITIAL_FRAMES, this.maxFrames);
    this.frameKind = new Uint8Array(n);
    this.frameEnd = new Float64Array(n);
    this.frameLimit = new Float64Array(n);
    this.frameHeader = new Float64Array(n);
    this.frameLittle = new Uint8Array(n);
    this.frameExplicit = new Uint8Array(n);
    this.frameTag = new Uint32Array(n);
    this.frameItems = new Int32Array(n);
  }

  /** Doubles the frame arrays (bounded by maxFrames, checked by the caller). */
  private growFrames(): void {
    const n = Math.min(this.frameKind.length * 2, this.maxFrames);
    const grow = <T extends Uint8Array | Float64Array | Uint32Array | Int32Array>(old: T, make: (n: number) => T): T => {
      const bigger = make(n);
      bigger.set(old as never);
      return bigger;
    };
    this.frameKind = grow(this.frameKind, (k) => new Uint8Array(k));
    this.frameEnd = grow(this.frameEnd, (k) => new Float64Array(k));
    this.frameLimit = grow(this.frameLimit, (k) => new Float64Array(k));
    this.frameHeader = grow(this.frameHeader, (k) => new Float64Array(k));
    this.frameLittle = grow(this.frameLittle, (k) => new Uint8Array(k));
    this.frameExplicit = grow(this.frameExplicit, (k) => new Uint8Array(k));
    this.frameTag = grow(this.frameTag, (k) => new Uint32Array(k));
    this.frameItems = grow(this.frameItems, (k) => new Int32Array(k));
  }

  /** Moves to the next token; false at the end of the dataset. Throws DicomReadError on malformed input. */
  next(): boolean {
    if (this.enterPending) this.enter();
    const top = this.frameCount - 1;
    const p = this.pos;
    if (top < 0) {
      if (p >= this.end) {
        this.kind = TokenKind.None;
        return false;
      }
      if (this.bytes[p] === 0 && this.onlyZerosFrom(p)) {
        // Some writers pad files with zeros; they are not elements, and nothing follows them.
        this.warn(p, `${byteCount(this.end - p)} zero bytes after the last element ignored`);
        this.pos = this.end;
        this.kind = TokenKind.None;
        return false;
      }
      return this.readElement(p, this.end, this.rootLittle, this.rootExplicit);
    }
    const little = this.frameLittle[top] === 1;
    const frameEnd = this.frameEnd[top]!;
    if (frameEnd >= 0 && p >= frameEnd) {
      if (p > frameEnd) this.overrunFrame(top, p);
      return this.frameKind[top] === FRAME_SEQUENCE ? this.leaveSequence(p, 0) : this.leaveItem(p, 0);
    }
    const limit = this.frameLimit[top]!;
    if (limit - p < 8) this.truncatedHeader(p, limit);
    const tag = readTag(this.bytes, p, little);
    if (this.frameKind[top] === FRAME_SEQUENCE) {
      if (tag === TAG_ITEM) return this.startItem(top, p, little, limit);
      if (tag === TAG_SEQUENCE_DELIMITER) {
        if (frameEnd >= 0) this.fail(p, `sequence delimiter (FFFE,E0DD) inside the defined-length sequence ${this.frameDescription(top)}`);
        this.checkDelimiterLength(p, little);
        return this.leaveSequence(p, 8);
      }
      this.fail(p, `item tag (FFFE,E000) expected in sequence ${this.frameDescription(top)} but found ${tagText(tag)}`);
    }
    if (tag === TAG_ITEM_DELIMITER) {
      if (frameEnd >= 0) this.fail(p, `item delimiter (FFFE,E00D) inside the defined-length ${this.frameDescription(top)}`);
      this.checkDelimiterLength(p, little);
      return this.leaveItem(p, 8);
    }
    return this.readElement(p, limit, little, this.frameExplicit[top] === 1);
  }

  /**
   * Skips what the current token contains and returns the offset just past it: a whole sequence or
   * item (the following next() yields its next sibling, with no ItemEnd/SequenceEnd for it), or for
   * any other token simply its endOffset. Defined lengths make this a jump; an undefined-length
   * sequence or item has to be walked to find its delimiter.
   */
  skip(): number {
    if (!this.enterPending) return this.endOffset;
    if (this.endOffset >= 0) {
      this.enterPending = false;
      this.pos = this.endOffset;
      return this.endOffset;
    }
    const { kind, tag, vr, headerOffset, headerLength, valueOffset, valueLength, depth, littleEndian, explicitVr } = this;
    const outerFrames = this.frameCount;
    for (;;) {
      this.next();
      if (this.frameCount === outerFrames && (this.kind === TokenKind.ItemEnd || this.kind === TokenKind.SequenceEnd)) break;
      if (this.enterPending && this.endOffset >= 0) {
        this.enterPending = false;
        this.pos = this.endOffset;
      }
    }
    const end = this.pos;
    Object.assign(this, { kind, tag, vr, headerOffset, headerLength, valueOffset, valueLength, depth, littleEndian, explicitVr });
    this.characterSet = this.scopeCharset();
    this.endOffset = end;
    return end;
  }

  /** Tag of the sequence enclosing the token at nesting level `level` (0 = outermost, < depth). */
  sequenceTag(level: number): number {
    return this.frameTag[2 * level]!;
  }

  /** Index (from 0) of the item enclosing the token at nesting level `level` (< depth). */
  itemIndex(level: number): number {
    return this.frameItems[2 * level]! - 1;
  }

  /** "(0008,1115)[0]/(0008,1199)[2]/(0008,1155)": for messages; allocates. */
  path(): string {
    const parts: string[] = [];
    for (let level = 0; level < this.depth; level++) parts.push(`${tagText(this.sequenceTag(level))}[${this.itemIndex(level)}]`);
    if (this.kind !== TokenKind.Item && this.kind !== TokenKind.ItemEnd) parts.push(tagText(this.tag));
    return parts.join("/");
  }

  /** The Private Creator of a private element (gggg,xxee with odd gggg, xx >= 0x10) in the current item or dataset. */
  privateCreator(): string | undefined {
    const group = this.tag >>> 16;
    const element = this.tag & 0xffff;
    if ((group & 1) === 0 || element < 0x1000) return undefined;
    return this.scopeCreators()?.get(group * 256 + (element >>> 8));
  }

  /** The value bytes (a view, not a copy) of an Element token; empty for other tokens. */
  /**
   * The offset no element of the dataset the cursor is in may pass: the end of its defined-length item,
   * else the limit of what encloses it (the end of the data at the top level). For reading ahead in place.
   */
  contentLimit(): number {
    return this.frameCount === 0 ? this.end : this.frameLimit[this.frameCount - 1]!;
  }

  valueBytes(): Uint8Array {
    if (this.kind !== TokenKind.Element) return this.bytes.subarray(0, 0);
    return this.bytes.subarray(this.valueOffset, this.valueOffset + this.valueLength);
  }

  /**
   * The value as text: decoded with the Specific Character Set for SH, LO, UC, ST, LT, UT and PN,
   * as ISO 8859-1 otherwise; trailing padding (spaces, NULs) removed. All values of a multi-valued
   * element are returned, separated by "\".
   */
  readText(): string {
    if (this.kind !== TokenKind.Element) return "";
    let end = this.valueOffset + this.valueLength;
    while (end > this.valueOffset && (this.bytes[end - 1] === 0x20 || this.bytes[end - 1] === 0)) end--;
    if (this.characterSet === SpecificCharacterSet.DEFAULT) return latin1(this.bytes, this.valueOffset, end);
    return this.characterSet.decode(this.bytes.subarray(this.valueOffset, end), this.vr);
  }

  /**
   * The `index`-th number of the value: binary VRs (US, SS, UL, SL, FL, FD, SV, UV, AT as
   * group << 16 | element) in the token's byte order, or IS/DS parsed from text. NaN when there is
   * no such value or it is not a number. SV/UV beyond 2^53 lose precision.
   */
  readNumber(index = 0): number {
    if (this.kind !== TokenKind.Element) return NaN;
    const b = this.bytes;
    const le = this.littleEndian;
    const size = binarySize(this.vr);
    if (size > 0) {
      if ((index + 1) * size > this.valueLength || index < 0) return NaN;
      const p = this.valueOffset + index * size;
      switch (this.vr) {
        case "US": return readUint16(b, p, le);
        case "SS": return (readUint16(b, p, le) << 16) >> 16;
        case "UL": return readUint32(b, p, le);
        case "SL": return readUint32(b, p, le) | 0;
        case "AT": return ((readUint16(b, p, le) << 16) | readUint16(b, p + 2, le)) >>> 0;
        case "FL": return new DataView(b.buffer, b.byteOffset + p, 4).getFloat32(0, le);
        case "FD": return new DataView(b.buffer, b.byteOffset + p, 8).getFloat64(0, le);
        case "UV": return Number(new DataView(b.buffer, b.byteOffset + p, 8).getBigUint64(0, le));
        case "SV": return Number(new DataView(b.buffer, b.byteOffset + p, 8).getBigInt64(0, le));
      }
    }
    if (this.vr !== "IS" && this.vr !== "DS") return NaN;
    const text = this.readText().split("\\")[index];
    if (text === undefined || text.trim() === "") return NaN;
    return Number(text.trim());
  }

  // ---------------------------------------------------------------------------------------------

  /** Reads one data element header at p (in an item or the top-level dataset). */
  private readElement(p: number, limit: number, little: boolean, explicit: boolean): boolean {
    const b = this.bytes;
    if (limit - p < 8) this.truncatedHeader(p, limit);
    const tag = readTag(b, p, little);
    if (tag >>> 16 === 0xfffe) this.strayDelimiter(p, tag);
    let vr: string;
    let length: number;
    let headerLength: number;
    if (explicit) {
      const code = (b[p + 4]! << 8) | b[p + 5]!;
      const form = VR_HEADER_FORM[code]!;
      if (form === 0) {
        if (!isUpperLetter(b[p + 4]!) || !isUpperLetter(b[p + 5]!)) {
          this.fail(p, `invalid VR bytes 0x${hex2(b[p + 4]!)} 0x${hex2(b[p + 5]!)} in the explicit VR header of ${tagText(tag)}`);
        }
        // A VR this reader does not know: PS3.5 7.1.2 requires future VRs to use the 4-byte length form.
        this.warn(p, `unknown VR "${String.fromCharCode(b[p + 4]!, b[p + 5]!)}" of ${tagText(tag)} read as UN`);
        vr = "UN";
        if (limit - p < 12) this.truncatedHeader(p, limit);
        length = readUint32(b, p + 8, little);
        headerLength = 12;
      } else {
        vr = VR_NAME[code]!;
        if (form === VR_LONG) {
          if (limit - p < 12) this.truncatedHeader(p, limit);
          length = readUint32(b, p + 8, little);
          headerLength = 12;
        } else {
          length = readUint16(b, p + 6, little);
          headerLength = 8;
        }
      }
    } else {
      vr = this.implicitVr(tag);
      length = readUint32(b, p + 4, little);
      headerLength = 8;
    }
    const valueOffset = p + headerLength;
    this.tag = tag;
    this.vr = vr;
    this.headerOffset = p;
    this.headerLength = headerLength;
    this.valueOffset = valueOffset;
    this.valueLength = length;
    this.depth = this.sequenceDepth;
    this.littleEndian = little;
    this.explicitVr = explicit;

    if (length === UNDEFINED_LENGTH) {
      if (tag === TAG_PIXEL_DATA && vr !== "SQ") {
        this.kind = TokenKind.EncapsulatedPixelData;
        this.endOffset = this.pos = this.scanFragments(valueOffset, limit, little);
        return true;
      }
      if (vr === "SQ" || vr === "UN") {
        // PS3.5 6.2.2: a UN of undefined length is a sequence whose content is implicit VR little endian.
        this.startSequence(vr === "SQ" ? little : true, vr === "SQ" ? explicit : false, -1);
        return true;
      }
      this.fail(p, `undefined length on ${tagText(tag)} with VR ${vr}; only SQ, UN and encapsulated Pixel Data may have one`);
    }
    if (limit - valueOffset < length) this.overrun(p, tag, length, limit);
    if (vr === "SQ") {
      this.startSequence(little, explicit, valueOffset + length);
      return true;
    }
    this.kind = TokenKind.Element;
    this.endOffset = this.pos = valueOffset + length;
    if (length & 1) this.warn(p, `odd value length ${length} of ${tagText(tag)} ${vr} (lengths must be even; value kept as is)`);
    // Elements that change how later elements are read. All are rare, so the checks cost a compare each.
    if (tag === TAG_SPECIFIC_CHARACTER_SET) this.setCharacterSet(valueOffset, length);
    else if ((tag >>> 16) & 1) {
      const element = tag & 0xffff;
      if (element >= 0x10 && element <= 0xff) this.recordCreator(tag, valueOffset, length);
    } else if (tag === TAG_PIXEL_REPRESENTATION && this.frameCount === 0 && length >= 2) {
      this.pixelRepresentation = readUint16(b, valueOffset, little);
    }
    return true;
  }

  private startSequence(contentLittle: boolean, contentExplicit: boolean, end: number): void {
    this.kind = TokenKind.Sequence;
    this.endOffset = end;
    this.pos = this.valueOffset;
    this.enterPending = true;
    this.pendingLittle = contentLittle;
    this.pendingExplicit = contentExplicit;
  }

  private startItem(top: number, p: number, little: boolean, limit: number): boolean {
    const length = readUint32(this.bytes, p + 4, little);
    const itemNumber = this.frameItems[top]! + 1;
    this.frameItems[top] = itemNumber;
    if (length !== UNDEFINED_LENGTH && limit - (p + 8) < length) {
      this.fail(p, `length ${length} of item #${itemNumber} in sequence ${tagText(this.frameTag[top]!)} runs past ${this.limitDescription(limit)}`);
    }
    this.kind = TokenKind.Item;
    this.tag = TAG_ITEM;
    this.vr = "";
    this.headerOffset = p;
    this.headerLength = 8;
    this.valueOffset = this.pos = p + 8;
    this.valueLength = length;
    this.endOffset = length === UNDEFINED_LENGTH ? -1 : p + 8 + length;
    this.depth = this.sequenceDepth;
    this.littleEndian = little;
    this.explicitVr = this.frameExplicit[top] === 1;
    this.enterPending = true;
    return true;
  }

  /** Pushes the frame of the Sequence or Item token the cursor is on. */
  private enter(): void {
    this.enterPending = false;
    const f = this.frameCount;
    if (f >= this.maxFrames) this.fail(this.headerOffset, `sequences nested deeper than ${this.maxFrames / 2} levels`);
    if (f >= this.frameKind.length) this.growFrames();
    const parentLimit = f === 0 ? this.end : this.frameLimit[f - 1]!;
    this.frameEnd[f] = this.endOffset;
    this.frameLimit[f] = this.endOffset >= 0 ? this.endOffset : parentLimit;
    this.frameHeader[f] = this.headerOffset;
    if (this.kind === TokenKind.Sequence) {
      this.frameKind[f] = FRAME_SEQUENCE;
      this.frameLittle[f] = this.pendingLittle ? 1 : 0;
      this.frameExplicit[f] = this.pendingExplicit ? 1 : 0;
      this.frameTag[f] = this.tag;
      this.frameItems[f] = 0;
      this.sequenceDepth++;
    } else {
      this.frameKind[f] = FRAME_ITEM;
      this.frameLittle[f] = this.frameLittle[f - 1]!;
      this.frameExplicit[f] = this.frameExplicit[f - 1]!;
      // an item starts with the character set of its parent and no private creators
      this.frameCharset[f] = this.characterSet;
      this.frameCreators[f] = undefined;
    }
    this.frameCount = f + 1;
  }

  private leaveItem(p: number, headerLength: number): boolean {
    this.emitEnd(TokenKind.ItemEnd, TAG_ITEM_DELIMITER, p, headerLength);
    this.frameCount--;
    this.characterSet = this.scopeCharset();
    return true;
  }

  private leaveSequence(p: number, headerLength: number): boolean {
    this.emitEnd(TokenKind.SequenceEnd, TAG_SEQUENCE_DELIMITER, p, headerLength);
    this.frameCount--;
    this.sequenceDepth--;
    this.depth = this.sequenceDepth;
    return true;
  }

  /** Sets the end token while its frame is still on the stack: a delimiter is in the frame's content encoding. */
  private emitEnd(kind: TokenKind, tag: number, p: number, headerLength: number): void {
    this.kind = kind;
    this.tag = tag;
    this.vr = "";
    this.headerOffset = p;
    this.headerLength = headerLength;
    this.valueOffset = this.endOffset = this.pos = p + headerLength;
    this.valueLength = 0;
    this.depth = this.sequenceDepth;
    const top = this.frameCount - 1;
    this.littleEndian = this.frameLittle[top] === 1;
    this.explicitVr = this.frameExplicit[top] === 1;
  }

  /** Walks the items of encapsulated Pixel Data; returns the offset after its sequence delimiter. */
  private scanFragments(q: number, limit: number, little: boolean): number {
    const b = this.bytes;
    for (let fragment = 0; ; fragment++) {
      if (limit - q < 8) {
        this.fail(q, `encapsulated Pixel Data (7FE0,0010) at offset ${this.at(this.headerOffset)} has no sequence delimiter before ${this.limitDescription(limit)}`);
      }
      const tag = readTag(b, q, little);
      const length = readUint32(b, q + 4, little);
      if (tag === TAG_SEQUENCE_DELIMITER) return q + 8;
      if (tag !== TAG_ITEM) this.fail(q, `item tag (FFFE,E000) expected in encapsulated Pixel Data but found ${tagText(tag)}`);
      if (length === UNDEFINED_LENGTH) this.fail(q, `fragment #${fragment} of encapsulated Pixel Data has undefined length`);
      if (limit - (q + 8) < length) this.fail(q, `length ${length} of fragment #${fragment} of encapsulated Pixel Data runs past ${this.limitDescription(limit)}`);
      q += 8 + length;
    }
  }

  /** VR of an implicit-VR element: from the dictionary, or by the rules of PS3.5 6.2.2 / 7.8.1 for private tags. */
  private implicitVr(tag: number): string {
    const element = tag & 0xffff;
    if (element === 0) return "UL"; // group length
    if ((tag >>> 16) & 1) return element <= 0xff ? (element >= 0x10 ? "LO" : "UN") : "UN";
    const entry = lookupTag(tag);
    if (!entry) return "UN";
    const vrs = entry.vrs;
    if (vrs.length === 1) return vrs[0]!;
    // Ambiguous VRs (PS3.5 Annex A): implicit VR pixel data and LUT data are OW; "US or SS" follows
    // Pixel Representation, which precedes the elements it governs in tag order.
    if (vrs.includes("OW")) return "OW";
    return this.pixelRepresentation === 1 ? "SS" : "US";
  }

  private setCharacterSet(valueOffset: number, length: number): void {
    const raw = latin1(this.bytes, valueOffset, valueOffset + length).replace(/[\0 ]+$/, "");
    const charset = SpecificCharacterSet.fromValue(raw);
    for (const term of charset.unknownTerms) this.warn(valueOffset, `unknown Specific Character Set term "${term}"; text read as ISO 8859-1`);
    this.characterSet = charset;
    const top = this.frameCount - 1;
    if (top >= 0) this.frameCharset[top] = charset;
    else this.rootCharset = charset;
  }

  private recordCreator(tag: number, valueOffset: number, length: number): void {
    const creator = latin1(this.bytes, valueOffset, valueOffset + Math.min(length, 256)).replace(/[\0 ]+$/, "").replace(/^ +/, "");
    const key = (tag >>> 16) * 256 + (tag & 0xff);
    const top = this.frameCount - 1;
    if (top < 0) (this.rootCreators ??= new Map()).set(key, creator);
    else {
      let map = this.frameCreators[top];
      if (!map) this.frameCreators[top] = map = new Map();
      map.set(key, creator);
    }
  }

  /** Character set of the innermost item (or the dataset) the cursor is in. */
  private scopeCharset(): SpecificCharacterSet {
    for (let f = this.frameCount - 1; f >= 0; f--) if (this.frameKind[f] === FRAME_ITEM) return this.frameCharset[f]!;
    return this.rootCharset;
  }

  private scopeCreators(): Map<number, string> | undefined {
    for (let f = this.frameCount - 1; f >= 0; f--) if (this.frameKind[f] === FRAME_ITEM) return this.frameCreators[f];
    return this.rootCreators;
  }

  private onlyZerosFrom(p: number): boolean {
    for (let i = p; i < this.end; i++) if (this.bytes[i] !== 0) return false;
    return true;
  }

  private checkDelimiterLength(p: number, little: boolean): void {
    const length = readUint32(this.bytes, p + 4, little);
    if (length !== 0) this.warn(p, `delimiter at offset ${this.at(p)} has length ${length} instead of 0 (ignored)`);
  }

  // ---- errors: every message says what is wrong and where ----

  private at(p: number): string {
    return hexOffset(this.fileOffset + p) + (this.inflated ? " of the inflated dataset" : "");
  }

  private fail(p: number, what: string): never {
    // messages that already name this offset are not given it twice
    const message = what.includes(`offset ${this.at(p)}`) ? what : `${what} at offset ${this.at(p)}`;
    throw new DicomReadError(message, this.fileOffset + p, this.inflated);
  }

  private warn(p: number, message: string): void {
    if (this.warnings.length >= MAX_WARNINGS) {
      // one summary entry after the first MAX_WARNINGS, counting the rest
      this.suppressedWarnings++;
      const summary = `${this.suppressedWarnings} further warning(s) not listed`;
      if (this.warnings.length === MAX_WARNINGS) this.warnings.push({ offset: this.fileOffset + p, message: summary });
      else this.warnings[MAX_WARNINGS]!.message = summary;
      return;
    }
    this.warnings.push({ offset: this.fileOffset + p, message: `${message} at offset ${this.at(p)}` });
  }

  private limitDescription(limit: number): string {
    for (let f = this.frameCount - 1; f >= 0; f--) {
      if (this.frameEnd[f] === limit) {
        return `the end of the enclosing ${this.frameDescription(f)} (offset ${this.at(limit)})`;
      }
    }
    return `the end of the ${this.inflated ? "inflated dataset" : "file"} (size ${byteCount(this.fileOffset + limit)})`;
  }

  private frameDescription(f: number): string {
    if (this.frameKind[f] === FRAME_SEQUENCE) return `${tagText(this.frameTag[f]!)} starting at offset ${this.at(this.frameHeader[f]!)}`;
    return `item #${this.frameItems[f - 1]!} of ${tagText(this.frameTag[f - 1]!)} starting at offset ${this.at(this.frameHeader[f]!)}`;
  }

  private truncatedHeader(p: number, limit: number): never {
    const left = Math.max(0, limit - p);
    if (limit === this.end) this.fail(p, `truncated: element header expected at offset ${this.at(p)} but only ${left} bytes remain (size ${byteCount(this.fileOffset + this.end)})`);
    this.fail(p, `element header at offset ${this.at(p)} runs past ${this.limitDescription(limit)}`);
  }

  private overrun(p: number, tag: number, length: number, limit: number): never {
    this.fail(p, `value length ${length} of ${tagText(tag)} at offset ${this.at(p)} runs past ${this.limitDescription(limit)}`);
  }

  private overrunFrame(top: number, p: number): never {
    this.fail(p, `content of ${this.frameDescription(top)} runs past its length (ends at offset ${this.at(this.frameEnd[top]!)})`);
  }

  private strayDelimiter(p: number, tag: number): never {
    const name = tag === TAG_ITEM ? "item" : tag === TAG_ITEM_DELIMITER ? "item delimiter" : tag === TAG_SEQUENCE_DELIMITER ? "sequence delimiter" : "element";
    const where = this.frameCount === 0 ? "outside any sequence" : `where a data element was expected in ${this.frameDescription(this.frameCount - 1)}`;
    this.fail(p, `${name} ${tagText(tag)} ${where}`);
  }
}

// ---- byte access; callers check bounds first ----

export function readUint16(b: Uint8Array, p: number, little: boolean): number {
  return little ? b[p]! | (b[p + 1]! << 8) : (b[p]! << 8) | b[p + 1]!;
}

export function readUint32(b: Uint8Array, p: number, little: boolean): number {
  return little
    ? (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0
    : ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
}

/** group << 16 | element, each 16-bit half in the given byte order */
export function readTag(b: Uint8Array, p: number, little: boolean): number {
  return ((readUint16(b, p, little) << 16) | readUint16(b, p + 2, little)) >>> 0;
}

function binarySize(vr: string): number {
  switch (vr) {
    case "US": case "SS": return 2;
    case "UL": case "SL": case "FL": case "AT": return 4;
    case "FD": case "SV": case "UV": return 8;
    default: return 0;
  }
}

function isUpperLetter(c: number): boolean {
  return c >= 0x41 && c <= 0x5a;
}

function hex2(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, "0");
}
