// Huffman decoding of a sequential DCT scan (ISO 10918-1 F.2) into quantised
// coefficients, kept in zig-zag order: nothing here dequantises or transforms,
// since the rewrite only moves coefficients and never needs pixel values.
// The decode tables (a lookup for short codes, C.1 maxcode/valptr for the
// rest) are built here from the DHT form in ../jpeg-huffman.ts.

import { PixelError } from "../errors";
import { canonicalCodes, type HuffmanSpec } from "../jpeg-huffman";
import { forEachScanBlock, type DctFrame, type Scan } from "./frame-structure";

/** Codes no longer than this are decoded with one table lookup. */
const LOOKUP_BITS = 9;

interface DecodeTable {
  /** indexed by the next LOOKUP_BITS bits: (code length << 8) | symbol, or 0 when the code is longer */
  lookup: Uint16Array;
  /** maxCode[l]: the largest code of length l, -1 when there is none (l = 1..16; [17] is a sentinel) */
  maxCode: Int32Array;
  /** valueOffset[l]: index into symbols of the first code of length l, minus that code */
  valueOffset: Int32Array;
  symbols: Uint8Array;
}

function decodeTable(spec: HuffmanSpec, what: string): DecodeTable {
  const { sizes, codes } = canonicalCodes(spec, what);
  const lookup = new Uint16Array(1 << LOOKUP_BITS);
  const maxCode = new Int32Array(18).fill(-1);
  const valueOffset = new Int32Array(18);
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    const n = spec.counts[length - 1]!;
    if (n > 0) {
      valueOffset[length] = k - codes[k]!;
      k += n;
      maxCode[length] = codes[k - 1]!;
    }
  }
  maxCode[17] = 0x7fffffff;
  for (let i = 0; i < sizes.length; i++) {
    const length = sizes[i]!;
    if (length > LOOKUP_BITS) break;
    const first = codes[i]! << (LOOKUP_BITS - length);
    const entry = (length << 8) | spec.symbols[i]!;
    lookup.fill(entry, first, first + (1 << (LOOKUP_BITS - length)));
  }
  return { lookup, maxCode, valueOffset, symbols: spec.symbols };
}

/** Reads entropy-coded bits, removing stuffed zero bytes; past a marker it yields zero bits and counts them. */
class BitReader {
  private acc = 0;
  private bits = 0;
  /** zero bytes appended after a marker or the end of the data: reading into them means the data was cut short */
  private phantomBytes = 0;
  private atMarker = false;
  constructor(
    private readonly b: Uint8Array,
    public pos: number,
    private readonly end: number,
  ) {}

  private fill(): void {
    while (this.bits < 24) {
      let byte = 0;
      if (this.atMarker || this.pos >= this.end) {
        this.atMarker = true;
        this.phantomBytes++;
      } else {
        byte = this.b[this.pos]!;
        if (byte === 0xff) {
          const next = this.pos + 1 < this.end ? this.b[this.pos + 1]! : -1;
          if (next === 0x00) this.pos += 2;
          else {
            this.atMarker = true;
            this.phantomBytes++;
            byte = 0;
          }
        } else this.pos++;
      }
      this.acc = ((this.acc << 8) | byte) >>> 0;
      this.bits += 8;
    }
  }

  decode(t: DecodeTable): number {
    if (this.bits < 16) this.fill();
    const entry = t.lookup[(this.acc >>> (this.bits - LOOKUP_BITS)) & ((1 << LOOKUP_BITS) - 1)]!;
    if (entry !== 0) {
      this.bits -= entry >>> 8;
      this.acc &= (1 << this.bits) - 1;
      return entry & 0xff;
    }
    let length = LOOKUP_BITS + 1;
    let code = this.acc >>> (this.bits - length);
    while (code > t.maxCode[length]!) {
      length++;
      code = this.acc >>> (this.bits - length);
    }
    if (length > 16) throw new PixelError("malformed", "a Huffman code in the entropy-coded data matches no code of its table");
    this.bits -= length;
    this.acc &= (1 << this.bits) - 1;
    return t.symbols[t.valueOffset[length]! + code]!;
  }

  /** The next `n` bits (n <= 16) as a signed value of magnitude category n (F.2.2.1 EXTEND). */
  receiveExtend(n: number): number {
    if (this.bits < n) this.fill();
    this.bits -= n;
    const v = this.acc >>> this.bits;
    this.acc &= (1 << this.bits) - 1;
    return v < 1 << (n - 1) ? v - (1 << n) + 1 : v;
  }

  /** True when bits past the end of the data (or past a marker) have been used. */
  overran(): boolean {
    return this.phantomBytes * 8 > this.bits;
  }

  /** Drops the buffered bits and moves past the next restart marker; returns false when none follows. */
  restart(): boolean {
    this.acc = 0;
    this.bits = 0;
    this.phantomBytes = 0;
    this.atMarker = false;
    let p = this.pos;
    while (p + 1 < this.end && !(this.b[p] === 0xff && this.b[p + 1]! >= 0xd0 && this.b[p + 1]! <= 0xd7)) p++;
    if (p + 1 >= this.end) return false;
    this.pos = p + 2;
    return true;
  }
}

/**
 * Quantised coefficients of every component: `values[c]` holds 64 per block in zig-zag order, DC
 * as its absolute value, block (x, y) at index y * blocksWide + x; `last[c]` the zig-zag index of
 * each block's last non-zero AC coefficient (0: none), so that encoding stops there.
 */
export interface Coefficients {
  values: Int16Array[];
  last: Uint8Array[];
}

/** Decodes one scan into the coefficients of its components. */
export function decodeScan(b: Uint8Array, frame: DctFrame, scan: Scan, coefficients: Coefficients, frameNumber: number): void {
  const at = `JPEG frame ${frameNumber}`;
  const n = scan.components.length;
  const dc = scan.dcSlots.map((slot) => decodeTable(scan.dcTables[slot]!, `${at}: DC Huffman table ${slot}`));
  const ac = scan.acSlots.map((slot) => decodeTable(scan.acTables[slot]!, `${at}: AC Huffman table ${slot}`));
  const reader = new BitReader(b, scan.dataStart, scan.dataEnd);
  const predictions = new Int32Array(n);
  const maxCategory = frame.precision === 8 ? 11 : 15;

  const decodeBlock = (k: number, ci: number, block: number): void => {
    const out = coefficients.values[ci]!;
    const offset = block * 64;
    let last = 0;
    const t = reader.decode(dc[k]!);
    if (t > maxCategory) throw new PixelError("malformed", `${at}: DC difference category ${t} exceeds ${maxCategory}`);
    if (t > 0) {
      const dc = predictions[k]! + reader.receiveExtend(t);
      // Coefficients are kept in 16 bits; a DC outside them is no valid image (|DC| <= 2^(P+2)).
      if (dc > 32767 || dc < -32768) throw new PixelError("malformed", `${at}: a DC coefficient (${dc}) is out of range`);
      predictions[k] = dc;
    }
    out[offset] = predictions[k]!;
    const table = ac[k]!;
    for (let i = 1; i < 64; ) {
      const rs = reader.decode(table);
      const size = rs & 15;
      const run = rs >> 4;
      if (size === 0) {
        if (run !== 15) break; // EOB
        i += 16;
        continue;
      }
      i += run;
      if (i > 63) throw new PixelError("malformed", `${at}: an AC run passes the end of a block`);
      out[offset + i] = reader.receiveExtend(size);
      last = i;
      i++;
    }
    coefficients.last[ci]![block] = last;
  };

  const mcus = n === 1 ? frame.components[scan.components[0]!]!.codedWide * frame.components[scan.components[0]!]!.codedHigh : frame.mcusWide * frame.mcusHigh;
  forEachScanBlock(frame, scan, decodeBlock, (mcu) => {
    if (reader.overran()) throw new PixelError("malformed", `${at}: restart interval ending at MCU ${mcu} of ${mcus} runs past its data`);
    if (!reader.restart()) throw new PixelError("malformed", `${at}: restart marker missing before MCU ${mcu} of ${mcus}`);
    predictions.fill(0);
  });
  if (reader.overran()) throw new PixelError("malformed", `${at}: the entropy-coded data ends before the last block of the scan`);
}

/** Coefficients for every component of the frame, zeroed. */
export function allocateCoefficients(frame: DctFrame): Coefficients {
  return {
    values: frame.components.map((c) => new Int16Array(c.blocksWide * c.blocksHigh * 64)),
    last: frame.components.map((c) => new Uint8Array(c.blocksWide * c.blocksHigh)),
  };
}
