// The JPEG Huffman coding both encoders share (src/runtime/pixels/jpeg-huffman.ts): optimal tables
// from symbol counts (ISO 10918-1 K.2), canonical codes (Annex C), DHT payloads, and the writer of
// entropy-coded data (F.1.2.3). Written data is read back with a small bit-by-bit decoder here,
// independent of the module's own tables.

import { describe, expect, it } from "vitest";
import { PixelError } from "../../src/runtime/pixels/errors";
import { EntropyCodedWriter, canonicalCodes, covers, dhtTablePayload, encodeTable, magnitudeCategory, optimalSpec, type HuffmanSpec } from "../../src/runtime/pixels/jpeg-huffman";
import { seededRandom } from "../support/random";

/** Code length of each symbol of a spec, from its counts and symbol order. */
function lengths(spec: HuffmanSpec): Map<number, number> {
  const out = new Map<number, number>();
  let k = 0;
  spec.counts.forEach((n, i) => {
    for (let j = 0; j < n; j++) out.set(spec.symbols[k++]!, i + 1);
  });
  return out;
}

/** Checks what K.2 promises for a table built from `frequencies`. */
function expectValidOptimal(frequencies: ArrayLike<number>, spec: HuffmanSpec): void {
  const coded = Array.from({ length: frequencies.length }, (_, s) => s).filter((s) => frequencies[s]! > 0);
  const size = lengths(spec);
  // every counted symbol, and only those, has a code of 1..16 bits
  expect([...size.keys()].sort((a, b) => a - b)).toEqual(coded);
  expect(spec.symbols.length).toBe(coded.length);
  for (const l of size.values()) expect(l).toBeGreaterThanOrEqual(1);
  // Kraft: the codes leave room for at least one more code of the longest length (the all-ones code is free)
  let longest = 16;
  while (longest > 1 && spec.counts[longest - 1] === 0) longest--;
  const kraft = [...size.values()].reduce((sum, l) => sum + 2 ** (longest - l), 0);
  expect(kraft).toBeLessThanOrEqual(2 ** longest - 1);
  const { codes, sizes } = canonicalCodes(spec, "test");
  sizes.forEach((l, i) => expect(codes[i]).not.toBe(2 ** l - 1));
}

/** Bits a Huffman code spends on symbols of these counts: the sum of the merged weights. */
function huffmanCost(counts: number[]): number {
  const queue = [...counts];
  let cost = 0;
  while (queue.length > 1) {
    queue.sort((a, b) => a - b);
    const merged = queue.shift()! + queue.shift()!;
    cost += merged;
    queue.push(merged);
  }
  return cost;
}

/** Whether any code is a prefix of another. */
function prefixClash(codes: readonly number[], sizes: readonly number[]): string | null {
  for (let i = 0; i < codes.length; i++) {
    for (let j = 0; j < codes.length; j++) {
      if (i === j || sizes[i]! > sizes[j]!) continue;
      if (codes[j]! >>> (sizes[j]! - sizes[i]!) === codes[i]) return `code ${i} is a prefix of code ${j}`;
    }
  }
  return null;
}

/** Reads entropy-coded data bit by bit: unstuffs 0xFF 0x00, fails on any other byte after 0xFF. */
function bitReader(bytes: Uint8Array): { bit: () => number; bits: (n: number) => number; remaining: () => number } {
  const data: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    data.push(bytes[i]!);
    if (bytes[i] === 0xff) {
      expect(bytes[i + 1], `byte ${i + 1} after 0xFF`).toBe(0x00);
      i++;
    }
  }
  let pos = 0;
  const bit = (): number => (data[pos >> 3]! >> (7 - (pos++ & 7))) & 1;
  return {
    bit,
    bits: (n) => {
      let v = 0;
      for (let i = 0; i < n; i++) v = (v << 1) | bit();
      return v;
    },
    remaining: () => data.length * 8 - pos,
  };
}

describe("optimalSpec (ISO 10918-1 K.2)", () => {
  it("keeps codes within 16 bits on a skewed distribution whose tree is 44 deep (deeper than libjpeg's 32)", () => {
    // Fibonacci counts 2, 3, 5, 8, ... (with the reserved count of 1, every merge takes the newest node)
    const frequencies = new Uint32Array(256);
    let [a, b] = [2, 3];
    for (let s = 0; s < 44; s++) {
      frequencies[s * 3] = a;
      [a, b] = [b, a + b];
    }
    const spec = optimalSpec(frequencies);
    expect(spec.counts.reduce((x, y) => x + y, 0)).toBe(44);
    expectValidOptimal(frequencies, spec);
  });

  it("gives valid tables for random counts of 1 to 256 symbols", () => {
    const random = seededRandom(20261123);
    for (let round = 0; round < 200; round++) {
      const frequencies = new Uint32Array(256);
      const used = 1 + Math.floor(random() * 256);
      for (let i = 0; i < used; i++) frequencies[Math.floor(random() * 256)] = 1 + Math.floor(random() ** 6 * 1_000_000);
      expectValidOptimal(frequencies, optimalSpec(frequencies));
    }
  });

  it("is as short as a Huffman code when no code needs more than 16 bits", () => {
    const random = seededRandom(3);
    for (let round = 0; round < 100; round++) {
      const frequencies = new Uint32Array(256);
      const used = 1 + Math.floor(random() * 20);
      for (let i = 0; i < used; i++) frequencies[Math.floor(random() * 256)] = 1 + Math.floor(random() * 100);
      const spec = optimalSpec(frequencies);
      expectValidOptimal(frequencies, spec);
      // the reserved all-ones code counts as a symbol of count 1 with a code of the longest length
      let longest = 16;
      while (spec.counts[longest - 1] === 0) longest--;
      let cost = longest;
      for (const [symbol, length] of lengths(spec)) cost += frequencies[symbol]! * length;
      expect(cost).toBe(huffmanCost([...frequencies.filter((f) => f > 0), 1]));
    }
  });

  it("codes a lone symbol with one bit, and takes fewer than 256 symbols (lossless categories 0..16)", () => {
    expect(optimalSpec(Uint32Array.of(0, 0, 9))).toEqual({ counts: Uint8Array.of(1, ...new Array(15).fill(0)), symbols: Uint8Array.of(2) });
    const categories = Uint32Array.from({ length: 17 }, (_, s) => (s === 16 ? 0 : 1000 >> s));
    const spec = optimalSpec(categories);
    expectValidOptimal(categories, spec);
    // the same table as for those counts among 256 symbols
    const wide = new Uint32Array(256);
    wide.set(categories);
    expect(optimalSpec(wide)).toEqual(spec);
  });

  it("refuses more than 256 symbols", () => {
    expect(() => optimalSpec(new Uint32Array(257))).toThrow(RangeError);
  });
});

describe("canonical codes (ISO 10918-1 Annex C)", () => {
  it("are prefix-free and in increasing order for optimal tables", () => {
    const random = seededRandom(7);
    for (let round = 0; round < 30; round++) {
      const frequencies = Uint32Array.from({ length: 256 }, () => (random() < 0.5 ? 0 : Math.floor(random() ** 4 * 5000)));
      const { codes, sizes } = canonicalCodes(optimalSpec(frequencies), "test");
      expect(prefixClash(codes, sizes)).toBeNull();
      for (let i = 1; i < codes.length; i++) expect(codes[i]! << (16 - sizes[i]!)).toBeGreaterThan(codes[i - 1]! << (16 - sizes[i - 1]!));
    }
  });

  it("follow C.2 for a small table", () => {
    // two 2-bit codes, three 3-bit codes: 00 01 100 101 110
    const spec: HuffmanSpec = { counts: Uint8Array.of(0, 2, 3, ...new Array(13).fill(0)), symbols: Uint8Array.of(5, 1, 0x11, 0, 0xf0) };
    expect(canonicalCodes(spec, "test")).toEqual({ sizes: [2, 2, 3, 3, 3], codes: [0b00, 0b01, 0b100, 0b101, 0b110] });
    const table = encodeTable(spec, "test");
    expect([table.code[0xf0], table.size[0xf0], table.size[2]]).toEqual([0b110, 3, 0]);
    expect(covers(table, Uint32Array.of(1, 1, 0, 0, 0, 7))).toBe(true);
    expect(covers(table, Uint32Array.of(1, 1, 1))).toBe(false);
  });

  it("reject counts that overflow the code space, naming the table", () => {
    const spec: HuffmanSpec = { counts: Uint8Array.of(2, 1, ...new Array(14).fill(0)), symbols: Uint8Array.of(0, 1, 2) };
    expect(() => canonicalCodes(spec, "JPEG frame 3: DC Huffman table 1")).toThrow(PixelError);
    expect(() => canonicalCodes(spec, "JPEG frame 3: DC Huffman table 1")).toThrow(/JPEG frame 3: DC Huffman table 1/);
  });
});

describe("dhtTablePayload", () => {
  it("writes Tc/Th, the 16 counts, then the symbols", () => {
    const spec: HuffmanSpec = { counts: Uint8Array.of(0, 2, ...new Array(14).fill(0)), symbols: Uint8Array.of(3, 4) };
    expect([...dhtTablePayload(1, 2, spec)]).toEqual([0x12, 0, 2, ...new Array(14).fill(0), 3, 4]);
  });
});

describe("magnitudeCategory (F.1.2.1, H.1.2.2)", () => {
  it("counts the bits of |v|", () => {
    const cases: [number, number][] = [[0, 0], [1, 1], [-1, 1], [2, 2], [-3, 2], [4, 3], [255, 8], [-256, 9], [2047, 11], [-32767, 15], [32768, 16]];
    for (const [v, ssss] of cases) expect(magnitudeCategory(v), `SSSS of ${v}`).toBe(ssss);
  });
});

describe("EntropyCodedWriter (F.1.2.3)", () => {
  it("stuffs a zero byte after every 0xFF, pads with 1-bits, and writes markers and segments as they are", () => {
    const w = new EntropyCodedWriter(0);
    w.put(0xff, 8);
    w.put(0b1111, 4);
    w.put(0b1111_0000, 8); // completes 0xFF, leaves 0000
    w.marker(0xd0); // pads 0000 -> 0000 1111
    w.put(0b1, 1);
    w.raw([0xff, 0xc4, 0x00]); // pads 1 -> 0xFF (stuffed); raw bytes are not
    w.put(0, 3);
    w.flush();
    w.flush(); // nothing pending: no byte
    expect([...w.bytes()]).toEqual([0xff, 0x00, 0xff, 0x00, 0x0f, 0xff, 0xd0, 0xff, 0x00, 0xff, 0xc4, 0x00, 0x1f]);
  });

  it("writes the additional bits of negative values as v - 1 (F.1.2.1)", () => {
    const w = new EntropyCodedWriter(0);
    w.putMagnitude(5, 3); // 101
    w.putMagnitude(-5, 3); // 010
    w.putMagnitude(-1, 1); // 0
    w.putMagnitude(1, 1); // 1
    expect([...w.bytes()]).toEqual([0b1010_1001]);
    w.putMagnitude(-32767, 15); // 000000000000000
    w.putMagnitude(32767, 15); // 111111111111111
    w.flush();
    expect([...w.bytes()]).toEqual([0b1010_1001, 0x00, 0x01, 0xff, 0x00, 0xff, 0x00]);
  });

  it("round-trips random symbols and magnitudes through an optimal table, growing past its first capacity", () => {
    const random = seededRandom(42);
    const frequencies = Uint32Array.from({ length: 256 }, (_, s) => ((s & 0x0f) <= 11 ? Math.floor(random() ** 3 * 3000) : 0));
    frequencies[0xff] = 1; // a symbol whose code is long and starts with ones: many 0xFF bytes
    const spec = optimalSpec(frequencies);
    const { code, size } = encodeTable(spec, "test");
    const symbols = [...spec.symbols];
    const written: [number, number][] = [];
    const w = new EntropyCodedWriter(16);
    for (let i = 0; i < 8_000; i++) {
      const symbol = random() < 0.05 ? 0xff : symbols[Math.floor(random() * symbols.length)]!;
      const ssss = symbol & 0x0f;
      const magnitude = ssss === 0 ? 0 : (random() < 0.5 ? -1 : 1) * (2 ** (ssss - 1) + Math.floor(random() * 2 ** (ssss - 1)));
      w.put(code[symbol]!, size[symbol]!);
      if (ssss > 0) w.putMagnitude(magnitude, ssss);
      written.push([symbol, magnitude]);
    }
    w.flush();
    const bytes = w.bytes();
    expect(bytes.filter((b, i) => b === 0xff && bytes[i + 1] === 0).length).toBeGreaterThan(100);

    const { codes, sizes } = canonicalCodes(spec, "test");
    const bySize = new Map<string, number>(codes.map((c, i) => [`${sizes[i]}:${c}`, spec.symbols[i]!]));
    const r = bitReader(bytes);
    for (const [symbol, magnitude] of written) {
      let c = 0;
      let l = 0;
      let decoded: number | undefined;
      while (decoded === undefined) {
        c = (c << 1) | r.bit();
        l++;
        expect(l).toBeLessThanOrEqual(16);
        decoded = bySize.get(`${l}:${c}`);
      }
      expect(decoded).toBe(symbol);
      const ssss = symbol & 0x0f;
      if (ssss > 0) {
        const v = r.bits(ssss);
        expect(v < 2 ** (ssss - 1) ? v - 2 ** ssss + 1 : v).toBe(magnitude);
      }
    }
    // what is left is the padding: fewer than 8 bits, all ones
    const left = r.remaining();
    expect(left).toBeLessThan(8);
    expect(r.bits(left)).toBe(2 ** left - 1);
  });
});
