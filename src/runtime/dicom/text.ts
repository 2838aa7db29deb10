// Text values under the Specific Character Set (0008,0005): PS3.3 C.12.1.1.2 and PS3.5 6.1.
//
// Two families of character sets exist in DICOM:
//  - single-valued, no code extensions ("ISO_IR 100", "ISO_IR 192", "GB18030", ...): one decoder
//    for the whole value;
//  - ISO 2022 code extensions ("ISO 2022 IR 6", "\ISO 2022 IR 87", ...): escape sequences designate
//    a character set into G0 (bytes 0x21-0x7E) or G1 (bytes 0xA1-0xFE) in the middle of a value, and
//    the initial designation comes back after every delimiter (PS3.5 6.1.2.5.3).
// Node's TextDecoder (full ICU) decodes every repertoire involved; encoding back is done with reverse
// tables built once, lazily, by running those decoders over each repertoire's code space, so that
// reading and writing agree byte for byte.

import { TextDecoder, TextEncoder } from "node:util";
import { CHARSET_VRS } from "./constants";

/** How a repertoire's bytes are laid out once it is designated. */
type RepertoireKind =
  /** ISO 646 ASCII in G0 */
  | "ascii"
  /** one byte per character in G1 (0xA0-0xFF), decoded by `label` */
  | "single-byte"
  /** JIS X 0201 katakana in G1 (0xA1-0xDF) */
  | "katakana"
  /** 94x94 two-byte set in G0 (JIS X 0208, JIS X 0212) */
  | "double-byte-g0"
  /** 94x94 two-byte set in G1 (KS X 1001, GB 2312) */
  | "double-byte-g1";

interface Repertoire {
  /** ISO-IR registration, as in the defined term ("ISO-IR 87") */
  readonly id: string;
  readonly kind: RepertoireKind;
  /** 0 for G0, 1 for G1 */
  readonly slot: 0 | 1;
  /** the escape sequence that designates it (PS3.3 Tables C.12-3 and C.12-4) */
  readonly escape: readonly number[];
  /** WHATWG encoding label whose decoder covers this repertoire */
  readonly label: string;
  /** For double-byte sets: the prefix that turns a 7-bit pair into bytes `label` decodes (EUC form). */
  readonly eucPrefix?: number;
}

const ESC = 0x1b;

function repertoire(id: string, kind: RepertoireKind, slot: 0 | 1, escape: string, label: string, eucPrefix?: number): Repertoire {
  const bytes = [ESC, ...Array.from(escape, (c) => c.charCodeAt(0))];
  return eucPrefix === undefined ? { id, kind, slot, escape: bytes, label } : { id, kind, slot, escape: bytes, label, eucPrefix };
}

const ASCII = repertoire("ISO-IR 6", "ascii", 0, "(B", "ascii");
/**
 * JIS X 0201 Romaji differs from ASCII only at 0x5C (YEN SIGN) and 0x7E (OVERLINE). It is decoded as
 * ASCII, as pydicom and most viewers do, because 0x5C is also DICOM's value delimiter.
 */
const ROMAJI = repertoire("ISO-IR 14", "ascii", 0, "(J", "ascii");
const KATAKANA = repertoire("ISO-IR 13", "katakana", 1, ")I", "shift_jis");
const JIS_X_0208 = repertoire("ISO-IR 87", "double-byte-g0", 0, "$B", "euc-jp", 0);
const JIS_X_0212 = repertoire("ISO-IR 159", "double-byte-g0", 0, "$(D", "euc-jp", 0x8f);
const KS_X_1001 = repertoire("ISO-IR 149", "double-byte-g1", 1, "$)C", "euc-kr");
const GB_2312 = repertoire("ISO-IR 58", "double-byte-g1", 1, "$)A", "gbk");

const SINGLE_BYTE_G1: Record<string, [escape: string, label: string]> = {
  "100": ["-A", "latin1"],
  "101": ["-B", "iso-8859-2"],
  "109": ["-C", "iso-8859-3"],
  "110": ["-D", "iso-8859-4"],
  "144": ["-L", "iso-8859-5"],
  "127": ["-G", "iso-8859-6"],
  "126": ["-F", "iso-8859-7"],
  "138": ["-H", "iso-8859-8"],
  "148": ["-M", "iso-8859-9"],
  "203": ["-b", "iso-8859-15"],
  "166": ["-T", "tis-620"],
};

/** What one defined term of (0008,0005) designates initially: [G0, G1]. */
interface CodeExtensionTerm {
  g0: Repertoire | undefined;
  g1: Repertoire | undefined;
}

const SINGLE_BYTE_REPERTOIRES = new Map<string, Repertoire>(
  Object.entries(SINGLE_BYTE_G1).map(([number, [escape, label]]) => [number, repertoire(`ISO-IR ${number}`, "single-byte", 1, escape, label)]),
);

function iso2022Term(number: string): CodeExtensionTerm | undefined {
  switch (number) {
    case "6": return { g0: ASCII, g1: undefined };
    case "13": return { g0: ROMAJI, g1: KATAKANA };
    case "87": return { g0: JIS_X_0208, g1: undefined };
    case "159": return { g0: JIS_X_0212, g1: undefined };
    case "149": return { g0: undefined, g1: KS_X_1001 };
    case "58": return { g0: undefined, g1: GB_2312 };
  }
  const single = SINGLE_BYTE_REPERTOIRES.get(number);
  return single ? { g0: ASCII, g1: single } : undefined;
}

/** Single-valued terms without code extensions, mapped to the decoder that reads them. */
const WHOLE_VALUE_LABELS: Record<string, string> = {
  "": "latin1",
  "ISO_IR 6": "latin1",
  "ISO_IR 100": "latin1",
  "ISO_IR 101": "iso-8859-2",
  "ISO_IR 109": "iso-8859-3",
  "ISO_IR 110": "iso-8859-4",
  "ISO_IR 144": "iso-8859-5",
  "ISO_IR 127": "iso-8859-6",
  "ISO_IR 126": "iso-8859-7",
  "ISO_IR 138": "iso-8859-8",
  "ISO_IR 148": "iso-8859-9",
  "ISO_IR 203": "iso-8859-15",
  "ISO_IR 13": "shift_jis",
  "ISO_IR 166": "tis-620",
  "ISO_IR 192": "utf-8",
  GB18030: "gb18030",
  GBK: "gbk",
};

// ---------------------------------------------------------------------------------------------
// Decoders and reverse tables, shared by every character set and built on first use.

const decoders = new Map<string, TextDecoder>();

/** Decodes bytes with a WHATWG label; "latin1" is true ISO 8859-1 (the WHATWG label maps to windows-1252). */
function decodeWith(label: string, bytes: Uint8Array): string {
  if (label === "latin1" || label === "ascii") return latin1(bytes, 0, bytes.length);
  let decoder = decoders.get(label);
  if (!decoder) {
    decoder = new TextDecoder(label);
    decoders.set(label, decoder);
  }
  return decoder.decode(bytes);
}

/** ISO 8859-1 / ASCII decoding of bytes[start, end) without intermediate buffers. */
export function latin1(bytes: Uint8Array, start: number, end: number): string {
  if (end - start > 4096) return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString("latin1");
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/** code point -> encoded bytes, for one encoding or ISO 2022 repertoire */
type ReverseTable = Map<number, number[]>;
const reverseTables = new Map<string, ReverseTable>();

function reverseTable(key: string, build: (table: ReverseTable) => void): ReverseTable {
  let table = reverseTables.get(key);
  if (!table) {
    table = new Map();
    build(table);
    reverseTables.set(key, table);
  }
  return table;
}

/**
 * Decodes every `lead, trail` pair and records which code point each maps to. Decoding a whole row at a
 * time is ~100x faster than pair by pair; a row whose output does not split into one character per pair
 * (an unmapped pair decoded to a replacement plus a re-read trail byte) is redone pair by pair.
 */
function addPairs(table: ReverseTable, label: string, prefix: number[], leads: [number, number], trails: [number, number][], pairBytes: (lead: number, trail: number) => number[]): void {
  const trailBytes: number[] = [];
  for (const [lo, hi] of trails) for (let t = lo; t <= hi; t++) trailBytes.push(t);
  for (let lead = leads[0]; lead <= leads[1]; lead++) {
    const row = new Uint8Array(trailBytes.length * (prefix.length + 2));
    let k = 0;
    for (const t of trailBytes) {
      for (const p of prefix) row[k++] = p;
      row[k++] = lead;
      row[k++] = t;
    }
    const chars = Array.from(decodeWith(label, row));
    const aligned = chars.length === trailBytes.length;
    trailBytes.forEach((trail, i) => {
      const ch = aligned ? chars[i]! : Array.from(decodeWith(label, Uint8Array.from([...prefix, lead, trail])))[0];
      if (ch === undefined || ch === "\uFFFD") return;
      const cp = ch.codePointAt(0)!;
      if (!table.has(cp)) table.set(cp, pairBytes(lead, trail));
    });
  }
}

function singleByteTable(label: string): ReverseTable {
  return reverseTable(`sb:${label}`, (table) => {
    for (let b = 0x80; b <= 0xff; b++) {
      const ch = decodeWith(label, Uint8Array.of(b));
      if (ch.length !== 1 || ch === "\uFFFD") continue;
      const cp = ch.charCodeAt(0);
      if (cp >= 0x80 && !table.has(cp)) table.set(cp, [b]);
    }
  });
}

/** Reverse table of an ISO 2022 repertoire: bytes as they appear in the value after its escape. */
function repertoireTable(rep: Repertoire): ReverseTable {
  switch (rep.kind) {
    case "ascii":
      return reverseTable("ascii", () => undefined);
    case "single-byte":
      return singleByteTable(rep.label);
    case "katakana":
      return reverseTable("katakana", (table) => {
        for (let b = 0xa1; b <= 0xdf; b++) table.set(decodeWith("shift_jis", Uint8Array.of(b)).charCodeAt(0), [b]);
      });
    case "double-byte-g0":
      return reverseTable(rep.id, (table) =>
        addPairs(table, rep.label, rep.eucPrefix ? [rep.eucPrefix] : [], [0xa1, 0xfe], [[0xa1, 0xfe]], (l, t) => [l & 0x7f, t & 0x7f]),
      );
    case "double-byte-g1":
      return reverseTable(rep.id, (table) => addPairs(table, rep.label, [], [0xa1, 0xfe], [[0xa1, 0xfe]], (l, t) => [l, t]));
  }
}

/**
 * Two-byte codes (lead 0x81-0xFE, trail 0x40-0x7E, 0x80-0xFE) of GBK or GB18030, plus the single byte
 * 0x80 (EURO SIGN in GBK). Built from each label's own decoder: ICU's GBK and GB18030 differ (the euro
 * sign is 0x80 in one and A2E3 in the other).
 */
function chineseTable(label: "gbk" | "gb18030"): ReverseTable {
  return reverseTable(label, (table) => {
    const euro = decodeWith(label, Uint8Array.of(0x80));
    if (euro.length === 1 && euro !== "\uFFFD") table.set(euro.charCodeAt(0), [0x80]);
    addPairs(table, label, [], [0x81, 0xfe], [[0x40, 0x7e], [0x80, 0xfe]], (l, t) => [l, t]);
  });
}

/**
 * GB18030 four-byte codes for the BMP (0x81308130-0x8431A439). Characters beyond the BMP are computed
 * (PS: GB18030-2005 maps U+10000.. linearly from 0x90308130), so only this range needs a table.
 */
function gb18030FourByteTable(): ReverseTable {
  return reverseTable("gb18030-4", (table) => {
    for (let b1 = 0x81; b1 <= 0x84; b1++) {
      for (let b2 = 0x30; b2 <= 0x39; b2++) {
        const codes: number[][] = [];
        for (let b3 = 0x81; b3 <= 0xfe; b3++) for (let b4 = 0x30; b4 <= 0x39; b4++) codes.push([b1, b2, b3, b4]);
        const chars = Array.from(decodeWith("gb18030", Uint8Array.from(codes.flat())));
        if (chars.length !== codes.length) continue;
        chars.forEach((ch, i) => {
          const cp = ch.codePointAt(0)!;
          if (ch !== "\uFFFD" && !table.has(cp)) table.set(cp, codes[i]!);
        });
      }
    }
  });
}

// ---------------------------------------------------------------------------------------------

/** Why a string could not be encoded: the first character the character set cannot represent. */
export interface UnrepresentableCharacter {
  ok: false;
  /** the character (one code point) */
  character: string;
  /** its UTF-16 index in the input */
  index: number;
  message: string;
}

export type EncodeResult = { ok: true; bytes: Uint8Array } | UnrepresentableCharacter;

/** Thrown by {@link SpecificCharacterSet.encode}: the value would be corrupted in this character set. */
export class TextEncodeError extends Error {
  override readonly name = "TextEncodeError";
  constructor(readonly detail: UnrepresentableCharacter) {
    super(detail.message);
  }
}

/**
 * The character set(s) one dataset (or one sequence item, which may declare its own) is encoded in.
 * Obtain one with {@link SpecificCharacterSet.fromValue}; instances are cached and immutable.
 */
export class SpecificCharacterSet {
  /** No (0008,0005), or an empty one: the default repertoire (ASCII). */
  static readonly DEFAULT: SpecificCharacterSet = new SpecificCharacterSet([""]);

  private static readonly cache = new Map<string, SpecificCharacterSet>();

  /** The defined terms as found, trimmed ("" for an empty first value). */
  readonly terms: readonly string[];
  /** Terms that are not defined terms of PS3.3 C.12.1.1.2; their text is decoded as ISO 8859-1. */
  readonly unknownTerms: readonly string[];
  /** True when escape sequences (ISO 2022 code extensions) are in use. */
  readonly usesCodeExtensions: boolean;

  /** whole-value decoder label when no code extensions are in use */
  private readonly wholeValueLabel: string;
  private readonly initialG0: Repertoire;
  private readonly initialG1: Repertoire | undefined;
  /** every repertoire the terms declare, in declaration order (encoding prefers earlier ones) */
  private readonly repertoires: readonly Repertoire[];

  /** Parses the raw value of (0008,0005), backslash-separated, as decoded ASCII. */
  static fromValue(value: string): SpecificCharacterSet {
    let cs = SpecificCharacterSet.cache.get(value);
    if (!cs) {
      cs = new SpecificCharacterSet(value.split("\\").map((t) => t.trim()));
      if (SpecificCharacterSet.cache.size < 256) SpecificCharacterSet.cache.set(value, cs);
    }
    return cs;
  }

  private constructor(terms: string[]) {
    this.terms = terms;
    const unknown: string[] = [];
    const extended = terms.length > 1 || terms[0]!.startsWith("ISO 2022");
    let label = "latin1";
    let initialG0 = ASCII;
    let initialG1: Repertoire | undefined;
    const reps: Repertoire[] = [ASCII];
    if (!extended) {
      const known = WHOLE_VALUE_LABELS[terms[0]!];
      if (known === undefined) unknown.push(terms[0]!);
      else label = known;
    } else {
      terms.forEach((term, i) => {
        // Some writers put the non-extension spelling ("ISO_IR 100") in a multi-valued attribute; the
        // repertoire is the same, so it is read as the ISO 2022 form rather than rejected.
        const m = /^ISO(?: 2022 IR |_IR )(\d+)$/.exec(term);
        const designation = term === "" ? { g0: ASCII, g1: undefined } : m ? iso2022Term(m[1]!) : undefined;
        if (!designation) {
          unknown.push(term);
          return;
        }
        if (i === 0) {
          // The initial G0 must be single-byte: delimiters and ASCII are read through it.
          if (designation.g0?.kind === "ascii") initialG0 = designation.g0;
          initialG1 = designation.g1;
        }
        for (const rep of [designation.g0, designation.g1]) if (rep && !reps.includes(rep)) reps.push(rep);
      });
    }
    this.usesCodeExtensions = extended;
    this.wholeValueLabel = label;
    this.initialG0 = initialG0;
    this.initialG1 = initialG1;
    this.repertoires = reps;
    this.unknownTerms = unknown;
  }

  /** Whether text of this VR is subject to the character set at all (PS3.5 6.1.2.3). */
  static appliesTo(vr: string): boolean {
    return CHARSET_VRS.has(vr);
  }

  /**
   * Decodes a whole value (all its backslash-separated values; split the result on "\\").
   * VRs outside {@link CHARSET_VRS} are read as ISO 8859-1 whatever the character set says.
   */
  decode(bytes: Uint8Array, vr: string): string {
    if (!CHARSET_VRS.has(vr)) return latin1(bytes, 0, bytes.length);
    if (!this.usesCodeExtensions) return decodeWith(this.wholeValueLabel, bytes);
    return this.decodeIso2022(bytes, vr === "PN");
  }

  private decodeIso2022(bytes: Uint8Array, personName: boolean): string {
    let g0 = this.initialG0;
    let g1 = this.initialG1;
    let out = "";
    // bytes of one repertoire, collected until the repertoire changes
    let run: number[] = [];
    let runRep: Repertoire | undefined;
    const flush = (): void => {
      if (runRep && run.length) out += decodeRun(runRep, run);
      run = [];
    };
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (b === ESC) {
        const designated = matchEscape(bytes, i);
        if (designated) {
          if (designated.slot === 0) g0 = designated;
          else g1 = designated;
          i += designated.escape.length - 1;
          continue;
        }
        // An escape sequence DICOM does not define: keep the byte visible rather than guess.
      }
      let rep: Repertoire;
      if (b >= 0x80) rep = g1 ?? ASCII_FALLBACK;
      else if (b <= 0x20 || b === 0x7f || g0.kind === "ascii") rep = ASCII;
      else rep = g0;
      if (rep !== runRep) {
        flush();
        runRep = rep;
      }
      run.push(b);
      // Delimiters hand control back to the initial designation (PS3.5 6.1.2.5.3); they can only be
      // recognised while G0 is single-byte, since in a two-byte set these bytes are half a character.
      if (rep === ASCII && isDelimiter(b, personName)) {
        g0 = this.initialG0;
        g1 = this.initialG1;
      }
    }
    flush();
    return out;
  }

  /** Encodes `text` for a value of `vr`; reports the first character this character set cannot hold. */
  tryEncode(text: string, vr: string): EncodeResult {
    if (!CHARSET_VRS.has(vr)) return encodeAsciiOnly(text, `VR ${vr} allows only the default repertoire (ASCII)`);
    if (!this.usesCodeExtensions) return this.encodeWholeValue(text);
    return this.encodeIso2022(text, vr === "PN");
  }

  /** As {@link tryEncode}, throwing {@link TextEncodeError} instead of corrupting the value. */
  encode(text: string, vr: string): Uint8Array {
    const result = this.tryEncode(text, vr);
    if (!result.ok) throw new TextEncodeError(result);
    return result.bytes;
  }

  private encodeWholeValue(text: string): EncodeResult {
    const label = this.wholeValueLabel;
    const name = this.terms[0] || "the default repertoire";
    if (label === "utf-8") {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c >= 0xd800 && c <= 0xdfff) {
          const pair = c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
          if (!pair) return unrepresentable(text, i, "ISO_IR 192 (UTF-8): unpaired surrogate");
          i++;
        }
      }
      return { ok: true, bytes: new TextEncoder().encode(text) };
    }
    if (this.unknownTerms.length) return encodeAsciiOnly(text, `unknown character set "${this.unknownTerms[0]}"`);
    const out: number[] = [];
    let index = 0;
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      if (cp < 0x80) out.push(cp);
      else {
        const bytes = this.wholeValueBytes(cp);
        if (!bytes) return unrepresentable(text, index, name);
        out.push(...bytes);
      }
      index += ch.length;
    }
    return { ok: true, bytes: Uint8Array.from(out) };
  }

  /** Bytes of one non-ASCII code point in a character set without code extensions. */
  private wholeValueBytes(cp: number): number[] | undefined {
    switch (this.wholeValueLabel) {
      case "latin1":
        // the default repertoire ("" / ISO_IR 6) is ASCII only; ISO_IR 100 is ISO 8859-1
        return this.terms[0] === "ISO_IR 100" && cp >= 0xa0 && cp <= 0xff ? [cp] : undefined;
      case "gbk":
        return chineseTable("gbk").get(cp);
      case "gb18030":
        return gb18030Bytes(cp);
      case "shift_jis":
        return repertoireTable(KATAKANA).get(cp);
      default:
        return singleByteTable(this.wholeValueLabel).get(cp);
    }
  }

  private encodeIso2022(text: string, personName: boolean): EncodeResult {
    if (this.unknownTerms.length) return encodeAsciiOnly(text, `unknown character set "${this.unknownTerms[0]}"`);
    const out: number[] = [];
    let g0 = this.initialG0;
    let g1 = this.initialG1;
    const designate = (rep: Repertoire): void => {
      out.push(...rep.escape);
      if (rep.slot === 0) g0 = rep;
      else g1 = rep;
    };
    const restoreInitial = (): void => {
      if (g0 !== this.initialG0) designate(this.initialG0);
      if (this.initialG1 && g1 !== this.initialG1) designate(this.initialG1);
      g0 = this.initialG0;
      g1 = this.initialG1;
    };
    let index = 0;
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      if (cp < 0x80) {
        // delimiters need the initial designation back; other ASCII needs a single-byte G0
        if (isDelimiter(cp, personName)) restoreInitial();
        else if (g0.kind !== "ascii") designate(this.initialG0);
        out.push(cp);
      } else {
        // prefer what is designated now, to avoid needless escapes
        const candidates = [g1, g0, ...this.repertoires].filter((r): r is Repertoire => r !== undefined && r.kind !== "ascii");
        let encoded: number[] | undefined;
        let chosen: Repertoire | undefined;
        for (const rep of candidates) {
          encoded = repertoireTable(rep).get(cp);
          if (encoded) {
            chosen = rep;
            break;
          }
        }
        if (!encoded || !chosen) return unrepresentable(text, index, this.terms.join("\\"));
        if ((chosen.slot === 0 ? g0 : g1) !== chosen) designate(chosen);
        out.push(...encoded);
      }
      index += ch.length;
    }
    restoreInitial();
    return { ok: true, bytes: Uint8Array.from(out) };
  }
}

/** Bytes >= 0x80 with nothing designated in G1: shown as ISO 8859-1 rather than dropped. */
const ASCII_FALLBACK: Repertoire = repertoire("ISO-IR 100", "single-byte", 1, "-A", "latin1");

function isDelimiter(b: number, personName: boolean): boolean {
  // CR, LF, FF, TAB and the value delimiter end a run in every VR; ^ and = also in person names
  return b === 0x5c || b === 0x0d || b === 0x0a || b === 0x0c || b === 0x09 || (personName && (b === 0x5e || b === 0x3d));
}

const ESCAPABLE: Repertoire[] = [
  ASCII, ROMAJI, KATAKANA, JIS_X_0208, JIS_X_0212, KS_X_1001, GB_2312,
  ...SINGLE_BYTE_REPERTOIRES.values(),
];

function matchEscape(bytes: Uint8Array, at: number): Repertoire | undefined {
  outer: for (const rep of ESCAPABLE) {
    const esc = rep.escape;
    if (at + esc.length > bytes.length) continue;
    for (let k = 1; k < esc.length; k++) if (bytes[at + k] !== esc[k]) continue outer;
    return rep;
  }
  return undefined;
}

/** Decodes bytes that all belong to one designated repertoire. */
function decodeRun(rep: Repertoire, run: number[]): string {
  switch (rep.kind) {
    case "ascii":
      return String.fromCharCode(...run);
    case "single-byte":
    case "katakana":
    case "double-byte-g1":
      return decodeWith(rep.label, Uint8Array.from(run));
    case "double-byte-g0": {
      // A 7-bit JIS pair becomes its EUC-JP form: high bits set, JIS X 0212 behind 0x8F.
      const euc: number[] = [];
      for (let i = 0; i < run.length; i++) {
        if (rep.eucPrefix && i % 2 === 0) euc.push(rep.eucPrefix);
        euc.push(run[i]! | 0x80);
      }
      return decodeWith(rep.label, Uint8Array.from(euc));
    }
  }
}

function gb18030Bytes(cp: number): number[] | undefined {
  const two = chineseTable("gb18030").get(cp);
  if (two) return two;
  if (cp >= 0x10000) {
    let linear = cp - 0x10000;
    const b4 = 0x30 + (linear % 10);
    linear = Math.floor(linear / 10);
    const b3 = 0x81 + (linear % 126);
    linear = Math.floor(linear / 126);
    const b2 = 0x30 + (linear % 10);
    const b1 = 0x90 + Math.floor(linear / 10);
    return [b1, b2, b3, b4];
  }
  return gb18030FourByteTable().get(cp);
}

function encodeAsciiOnly(text: string, why: string): EncodeResult {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return unrepresentable(text, i, why);
    out[i] = c;
  }
  return { ok: true, bytes: out };
}

function unrepresentable(text: string, index: number, charset: string): UnrepresentableCharacter {
  const character = String.fromCodePoint(text.codePointAt(index)!);
  const cp = "U+" + character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
  return { ok: false, character, index, message: `character "${character}" (${cp}) at index ${index} cannot be encoded in ${charset}` };
}
