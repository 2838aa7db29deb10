// Huffman coding as ISO 10918-1 defines it for every JPEG process deidc
// writes (sequential DCT in jpeg-dct/, lossless process 14 in
// codecs/jpeg-lossless.ts): the BITS/HUFFVAL form a DHT segment carries, the
// canonical codes derived from it (Annex C), the optimal table for given
// symbol counts (Annex K.2, codes at most 16 bits, the all-ones code kept
// free), and the writer of entropy-coded data (F.1.2.3: 0x00 stuffed after
// 0xFF, the last byte padded with 1-bits).

import { PixelError } from "./errors";

/** A table as DHT defines it: how many codes of each length 1..16, and the symbols in code order. */
export interface HuffmanSpec {
  /** counts[i]: number of codes of length i + 1 */
  counts: Uint8Array;
  symbols: Uint8Array;
}

export interface EncodeTable {
  /** code of each symbol */
  code: Uint16Array;
  /** code length of each symbol, 0 when the table has no code for it */
  size: Uint8Array;
}

/**
 * Code lengths and codes in symbol order (ISO 10918-1 C.1, C.2). Throws when the counts are not a
 * prefix code; `what` names the table in that message.
 */
export function canonicalCodes(spec: HuffmanSpec, what: string): { sizes: number[]; codes: number[] } {
  const sizes: number[] = [];
  const codes: number[] = [];
  let code = 0;
  for (let length = 1; length <= 16; length++) {
    const n = spec.counts[length - 1]!;
    for (let i = 0; i < n; i++) {
      sizes.push(length);
      codes.push(code++);
    }
    if (code > 2 ** length) throw new PixelError("malformed", `${what}: its code counts do not form a prefix code`);
    code <<= 1;
  }
  return { sizes, codes };
}

export function encodeTable(spec: HuffmanSpec, what: string): EncodeTable {
  const { sizes, codes } = canonicalCodes(spec, what);
  const code = new Uint16Array(256);
  const size = new Uint8Array(256);
  for (let i = 0; i < sizes.length; i++) {
    const symbol = spec.symbols[i]!;
    code[symbol] = codes[i]!;
    size[symbol] = sizes[i]!;
  }
  return { code, size };
}

/** Whether every symbol counted in `frequencies` has a code in `table`. */
export function covers(table: EncodeTable, frequencies: ArrayLike<number>): boolean {
  for (let s = 0; s < frequencies.length; s++) if (frequencies[s]! > 0 && table.size[s] === 0) return false;
  return true;
}

const RESERVED = 256;

/**
 * The optimal table for the counts of symbols 0..frequencies.length - 1 (at most 256): codes at
 * most 16 bits long, the all-ones code unused (ISO 10918-1 K.2, as libjpeg's
 * jpeg_gen_optimal_table implements it; ties go to the higher symbol, as there).
 */
export function optimalSpec(frequencies: ArrayLike<number>): HuffmanSpec {
  if (frequencies.length > 256) throw new RangeError(`a JPEG Huffman table codes at most 256 symbols, not ${frequencies.length}`);
  const freq = new Float64Array(RESERVED + 1);
  for (let s = 0; s < frequencies.length; s++) freq[s] = frequencies[s]!;
  freq[RESERVED] = 1; // takes one code of the longest length, so no real code is all ones
  const codeSize = new Int32Array(RESERVED + 1);
  const others = new Int32Array(RESERVED + 1).fill(-1);
  for (;;) {
    let c1 = -1;
    let v = Infinity;
    for (let i = 0; i <= RESERVED; i++) if (freq[i]! > 0 && freq[i]! <= v) (v = freq[i]!), (c1 = i);
    let c2 = -1;
    v = Infinity;
    for (let i = 0; i <= RESERVED; i++) if (freq[i]! > 0 && freq[i]! <= v && i !== c1) (v = freq[i]!), (c2 = i);
    if (c2 < 0) break;
    freq[c1] = freq[c1]! + freq[c2]!;
    freq[c2] = 0;
    codeSize[c1]!++;
    while (others[c1]! >= 0) {
      c1 = others[c1]!;
      codeSize[c1]!++;
    }
    others[c1] = c2;
    codeSize[c2]!++;
    while (others[c2]! >= 0) {
      c2 = others[c2]!;
      codeSize[c2]!++;
    }
  }
  // A skewed distribution (Fibonacci-like counts) makes the tree up to 256 deep, beyond libjpeg's 32.
  let deepest = 0;
  const bits = new Int32Array(RESERVED + 1);
  for (let i = 0; i <= RESERVED; i++) {
    if (codeSize[i]! > 0) bits[codeSize[i]!]!++;
    if (codeSize[i]! > deepest) deepest = codeSize[i]!;
  }
  // Limit code lengths to 16 (K.2, Figure K.3): move pairs of long codes up the tree.
  for (let i = deepest; i > 16; i--) {
    while (bits[i]! > 0) {
      let j = i - 2;
      while (bits[j] === 0) j--;
      bits[i] = bits[i]! - 2;
      bits[i - 1]!++;
      bits[j + 1] = bits[j + 1]! + 2;
      bits[j]!--;
    }
  }
  let longest = 16;
  while (bits[longest] === 0) longest--;
  bits[longest]!--; // the reserved code
  const counts = new Uint8Array(16);
  for (let i = 1; i <= 16; i++) counts[i - 1] = bits[i]!;
  // HUFFVAL (K.2, Figure K.4): by the length of the unlimited tree, then by symbol.
  const symbols: number[] = [];
  for (let length = 1; length <= deepest; length++) for (let s = 0; s < frequencies.length; s++) if (codeSize[s] === length) symbols.push(s);
  return { counts, symbols: Uint8Array.from(symbols) };
}

/** The payload of one table in a DHT segment: Tc/Th, the 16 counts, the symbols. */
export function dhtTablePayload(tableClass: 0 | 1, slot: number, spec: HuffmanSpec): Uint8Array {
  const out = new Uint8Array(17 + spec.symbols.length);
  out[0] = (tableClass << 4) | slot;
  out.set(spec.counts, 1);
  out.set(spec.symbols, 17);
  return out;
}

/** SSSS of a DC difference, an AC coefficient or a lossless difference (F.1.2.1, H.1.2.2): bits of |v|. */
export function magnitudeCategory(v: number): number {
  return 32 - Math.clz32(v < 0 ? -v : v);
}

/** Entropy-coded data out, MSB first, a 0x00 stuffed after every 0xFF byte (F.1.2.3); markers and segments in between. */
export class EntropyCodedWriter {
  private out: Uint8Array;
  length = 0;
  private acc = 0;
  private bits = 0;
  constructor(capacity: number) {
    this.out = new Uint8Array(Math.max(capacity, 1024));
  }

  private ensure(n: number): void {
    if (this.length + n <= this.out.length) return;
    const grown = new Uint8Array(Math.max(this.out.length * 2, this.length + n));
    grown.set(this.out.subarray(0, this.length));
    this.out = grown;
  }

  private byte(v: number): void {
    this.ensure(2);
    this.out[this.length++] = v;
    if (v === 0xff) this.out[this.length++] = 0;
  }

  /** Writes the low `size` bits of `value` (size <= 16). */
  put(value: number, size: number): void {
    this.acc = ((this.acc << size) | (value & ((1 << size) - 1))) >>> 0;
    this.bits += size;
    while (this.bits >= 8) {
      this.bits -= 8;
      this.byte((this.acc >>> this.bits) & 0xff);
    }
    this.acc &= (1 << this.bits) - 1;
  }

  /** The additional bits of a value of category `size` (F.1.2.1): negative values as v - 1, low bits. */
  putMagnitude(value: number, size: number): void {
    this.put(value < 0 ? value - 1 : value, size);
  }

  /** Pads the last byte with 1-bits (F.1.2.3). */
  flush(): void {
    if (this.bits > 0) this.put(0x7f, 8 - this.bits);
  }

  /** A marker without a segment (RSTn, EOI), after padding the data before it. */
  marker(code: number): void {
    this.flush();
    this.ensure(2);
    this.out[this.length++] = 0xff;
    this.out[this.length++] = code;
  }

  /** Bytes outside entropy-coded data (marker segments), as they are, after padding the data before them. */
  raw(bytes: ArrayLike<number>): void {
    this.flush();
    this.ensure(bytes.length);
    for (let i = 0; i < bytes.length; i++) this.out[this.length++] = bytes[i]!;
  }

  /** What was written (a view of the writer's buffer). */
  bytes(): Uint8Array {
    return this.out.subarray(0, this.length);
  }
}
